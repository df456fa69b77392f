/* fdtable.c — the descriptor table of the process: numbers to open file
 * descriptions, with close-on-exec bits. */
#include "kernel/kernel.h"

static struct fdtable *table(void)
{
	return &kproc->fds;
}

static int nofile_limit(void)
{
	uint64_t lim = kproc->rlim[7][0];
	return lim > FD_MAX ? FD_MAX : (int)lim;
}

/* Caller holds the lock; fd is about to hold a file. */
static void note_top(struct fdtable *t, int fd)
{
	if (fd >= t->top)
		__atomic_store_n(&t->top, fd + 1, __ATOMIC_RELEASE);
}

/* One past the highest descriptor that ever held a file. */
static int top_of(struct fdtable *t)
{
	return __atomic_load_n(&t->top, __ATOMIC_ACQUIRE);
}

void fd_exec(void)
{
	struct fdtable *t = table();
	for (int fd = 0; fd < top_of(t); fd++)
		if (t->files[fd] && t->cloexec[fd])
			fd_close(fd);
}

void fd_forked(int delta)
{
	struct fdtable *t = table();
	for (int fd = 0; fd < top_of(t); fd++) {
		struct file *f = t->files[fd];
		if (!f || !f->ops->forked)
			continue;
		int seen = 0;
		for (int k = 0; k < fd && !seen; k++)
			seen = t->files[k] == f;
		if (!seen)
			f->ops->forked(f, delta);
	}
}

int fd_count_limit(void)
{
	return nofile_limit();
}

static int install_at_or_above(struct file *f, int min, int cloexec)
{
	struct fdtable *t = table();
	int limit = nofile_limit();
	if (min < 0 || min >= limit)
		return -EINVAL;
	spin_lock(&t->lock);
	for (int fd = min; fd < limit; fd++) {
		if (!t->files[fd]) {
			note_top(t, fd);
			t->files[fd] = f;
			t->cloexec[fd] = (uint8_t)!!cloexec;
			spin_unlock(&t->lock);
			return fd;
		}
	}
	spin_unlock(&t->lock);
	return -EMFILE;
}

int fd_install(struct file *f, int cloexec)
{
	return install_at_or_above(f, 0, cloexec);
}

struct file *fd_get(int fd)
{
	struct fdtable *t = table();
	if (fd < 0 || fd >= t->max)
		return NULL;
	spin_lock(&t->lock);
	struct file *f = t->files[fd];
	if (f)
		file_get(f);
	spin_unlock(&t->lock);
	return f;
}

/*
 * Without the table's lock or a reference when the process has one thread
 * and the file's read and write are direct (host files): then the table
 * changes only by this thread's own calls, never during this one, and the
 * table's reference keeps the file. Linux's fdget skips the reference of
 * an unshared table the same way. Saves four locked instructions of each
 * pass-through read and write.
 */
struct file *fd_get_light(int fd, int *ref)
{
	struct fdtable *t = table();
	if (fd < 0 || fd >= t->max)
		return NULL;
	if (__atomic_load_n(&kproc->nthreads, __ATOMIC_ACQUIRE) == 1) {
		struct file *f = t->files[fd];
		if (f && f->ops->direct) {
			*ref = 0;
			return f;
		}
	}
	*ref = 1;
	return fd_get(fd);
}

int fd_close(int fd)
{
	struct fdtable *t = table();
	if (fd < 0 || fd >= t->max)
		return -EBADF;
	if (fd >= top_of(t))
		return -EBADF;
	spin_lock(&t->lock);
	struct file *f = t->files[fd];
	if (f)
		t->files[fd] = NULL;
	spin_unlock(&t->lock);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

int fd_close_range(unsigned first, unsigned last, unsigned flags)
{
	struct fdtable *t = table();
	if (first > last || (flags & ~6U))
		return -EINVAL;
	if (last >= (unsigned)t->max)
		last = (unsigned)t->max - 1;
	for (unsigned fd = first; fd <= last && fd < (unsigned)top_of(t); fd++) {
		if (!__atomic_load_n(&t->files[fd], __ATOMIC_ACQUIRE))
			continue;
		if (flags & 4) { /* CLOSE_RANGE_CLOEXEC */
			spin_lock(&t->lock);
			if (t->files[fd])
				t->cloexec[fd] = 1;
			spin_unlock(&t->lock);
		} else {
			fd_close((int)fd);
		}
	}
	return 0;
}

int fd_dup(int fd, int min, int cloexec)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	int r = install_at_or_above(f, min, cloexec);
	if (r < 0)
		file_put(f);
	return r;
}

int fd_dup2(int oldfd, int newfd, int cloexec)
{
	struct fdtable *t = table();
	struct file *f = fd_get(oldfd);
	if (!f)
		return -EBADF;
	if (newfd < 0 || newfd >= nofile_limit()) {
		file_put(f);
		return -EBADF;
	}
	if (oldfd == newfd) {
		file_put(f);
		return cloexec > 0 ? -EINVAL : newfd;
	}
	spin_lock(&t->lock);
	note_top(t, newfd);
	struct file *old = t->files[newfd];
	t->files[newfd] = f;
	t->cloexec[newfd] = cloexec > 0;
	spin_unlock(&t->lock);
	if (old)
		file_put(old);
	return newfd;
}

int fd_get_cloexec(int fd)
{
	struct fdtable *t = table();
	if (fd < 0 || fd >= t->max || !t->files[fd])
		return -EBADF;
	return t->cloexec[fd];
}

int fd_set_cloexec(int fd, int on)
{
	struct fdtable *t = table();
	if (fd < 0 || fd >= t->max || !t->files[fd])
		return -EBADF;
	t->cloexec[fd] = (uint8_t)!!on;
	return 0;
}

void fd_each(void (*fn)(int fd, struct file *f, void *ctx), void *ctx)
{
	struct fdtable *t = table();
	for (int fd = 0; fd < top_of(t); fd++) {
		struct file *f = fd_get(fd);
		if (f) {
			fn(fd, f, ctx);
			file_put(f);
		}
	}
}

/* Install f (taking a new reference) at exactly fd. */
int fd_dup2_file(struct file *f, int fd)
{
	struct fdtable *t = table();
	if (fd < 0 || fd >= t->max)
		return -EBADF;
	file_get(f);
	spin_lock(&t->lock);
	note_top(t, fd);
	struct file *old = t->files[fd];
	t->files[fd] = f;
	t->cloexec[fd] = 0;
	spin_unlock(&t->lock);
	if (old)
		file_put(old);
	return fd;
}
