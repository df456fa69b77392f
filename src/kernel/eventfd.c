/* eventfd.c — eventfd: a 64-bit counter that a write adds to and a read
 * takes (all of it, or one in semaphore mode). Its state lives in the
 * shared arena, like a pipe's, so that the processes of a sandbox can
 * share it; every change is announced with kwake_shared, which wakes
 * blocked readers and writers and every poller. Also the stat of the
 * anonymous inode that eventfd, epoll, timerfd and signalfd files show. */
#include "kernel/kernel.h"

#define EFD_MAX 0xfffffffffffffffeULL /* the largest count a write may reach */

struct eventfd {
	struct spinlock lock;
	uint64_t count;
	uint32_t changed;   /* futex word: bumped on every change */
	uint32_t refs;      /* open files (of every process) sharing it */
	int semaphore;
};

static struct eventfd *eventfd_of(struct file *f)
{
	return f->priv;
}

/* Linux shows one anonymous inode behind all these kinds: mode 0600 with
 * no file type, owned by root. */
int anon_inode_stat(struct file *f, struct b_stat *st)
{
	(void)f;
	memset(st, 0, sizeof(*st));
	st->mode = 0600;
	st->nlink = 1;
	st->ino = 1038;
	st->dev = 0x10;
	st->blksize = 4096;
	return 0;
}

long anon_inode_seek(struct file *f, int64_t off, int whence)
{
	(void)f, (void)off, (void)whence;
	return 0;
}

static long eventfd_read(struct file *f, void *ubuf, size_t n, int64_t *pos)
{
	(void)pos;
	struct eventfd *e = eventfd_of(f);
	if (n < 8)
		return -EINVAL;
	for (;;) {
		uint32_t seen = __atomic_load_n(&e->changed, __ATOMIC_ACQUIRE);
		spin_lock(&e->lock);
		if (e->count) {
			uint64_t v = e->semaphore ? 1 : e->count;
			int r = copy_out(ubuf, &v, 8);
			if (r == 0)
				e->count -= v;
			spin_unlock(&e->lock);
			if (r < 0)
				return r;
			kwake_shared(&e->changed);
			return 8;
		}
		spin_unlock(&e->lock);
		if (f->flags & K_O_NONBLOCK)
			return -EAGAIN;
		if (kwait_shared(&e->changed, seen) == -EINTR)
			return -EINTR;
	}
}

/* A write that would take the count past EFD_MAX waits until a read
 * makes room (or fails with EAGAIN); the value UINT64_MAX is refused. */
static long eventfd_write(struct file *f, const void *ubuf, size_t n, int64_t *pos)
{
	(void)pos;
	struct eventfd *e = eventfd_of(f);
	uint64_t v;
	if (n < 8)
		return -EINVAL;
	if (copy_in(&v, ubuf, 8) < 0)
		return -EFAULT;
	if (v == UINT64_MAX)
		return -EINVAL;
	for (;;) {
		uint32_t seen = __atomic_load_n(&e->changed, __ATOMIC_ACQUIRE);
		spin_lock(&e->lock);
		if (EFD_MAX - e->count >= v) {
			e->count += v;
			spin_unlock(&e->lock);
			kwake_shared(&e->changed);
			return 8;
		}
		spin_unlock(&e->lock);
		if (f->flags & K_O_NONBLOCK)
			return -EAGAIN;
		if (kwait_shared(&e->changed, seen) == -EINTR)
			return -EINTR;
	}
}

static short eventfd_poll(struct file *f, short events)
{
	struct eventfd *e = eventfd_of(f);
	short rev = 0;
	spin_lock(&e->lock);
	if (e->count > 0)
		rev |= 1; /* POLLIN */
	if (e->count < EFD_MAX)
		rev |= 4; /* POLLOUT */
	spin_unlock(&e->lock);
	return rev & (events | 8 | 16);
}

static void eventfd_release(struct file *f)
{
	struct eventfd *e = eventfd_of(f);
	if (__atomic_sub_fetch(&e->refs, 1, __ATOMIC_ACQ_REL) == 0)
		shm_free(e);
}

/* The child of a fork holds copies of the open file: one more user of
 * the shared counter each (called in the parent, delta -1 on failure). */
static void eventfd_forked(struct file *f, int delta)
{
	__atomic_add_fetch(&eventfd_of(f)->refs, (uint32_t)delta, __ATOMIC_RELAXED);
}

static const struct file_ops eventfd_ops = {
	.read = eventfd_read,
	.write = eventfd_write,
	.stat = anon_inode_stat,
	.seek = anon_inode_seek,
	.poll = eventfd_poll,
	.release = eventfd_release,
	.forked = eventfd_forked,
	.stream = 1,
	.poll_wakes = 1,
	.arena_priv = 1,
};

int eventfd_create(unsigned int initval, int flags)
{
	if (flags & ~(K_EFD_SEMAPHORE | K_O_NONBLOCK | K_O_CLOEXEC))
		return -EINVAL;
	struct eventfd *e = shm_zalloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->count = initval;
	e->refs = 1;
	e->semaphore = flags & K_EFD_SEMAPHORE;
	struct file *f = file_alloc(&eventfd_ops, K_O_RDWR | (flags & K_O_NONBLOCK), "anon_inode:[eventfd]");
	if (!f) {
		shm_free(e);
		return -ENOMEM;
	}
	f->priv = e;
	int fd = fd_install(f, !!(flags & K_O_CLOEXEC));
	if (fd < 0)
		file_put(f);
	return fd;
}
