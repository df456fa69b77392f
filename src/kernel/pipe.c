/* pipe.c — pipes. The buffer and its state live in the shared arena, so
 * a pipe works between the processes of a sandbox; each end is an open
 * file whose release drops that end's count. */
#include "kernel/kernel.h"
#include "lib/fmt.h"

#define PIPE_DEFAULT (64 * 1024)
#define PIPE_MAX (1024 * 1024)
#define PIPE_ATOMIC 4096 /* PIPE_BUF */

struct pipe {
	struct spinlock lock;
	uint32_t readers, writers;
	uint64_t head, tail;     /* bytes written / read so far */
	uint32_t size;
	uint32_t changed;        /* futex word: bumped on every change */
	uint64_t id;
	char *buf;
};

static uint64_t next_pipe_id = 1000;

void pipe_file_forked(struct file *f, int delta);

static struct pipe *pipe_of(struct file *f)
{
	return f->priv;
}

static uint32_t used(struct pipe *p)
{
	return (uint32_t)(p->head - p->tail);
}

/* Copy between the ring and guest memory in at most two pieces. */
static int ring_copy(struct pipe *p, uint64_t at, void *ubuf, size_t n, int to_ring)
{
	size_t off = at % p->size, first = p->size - off < n ? p->size - off : n;
	int r = to_ring ? copy_in(p->buf + off, ubuf, first) : copy_out(ubuf, p->buf + off, first);
	if (r == 0 && first < n)
		r = to_ring ? copy_in(p->buf, (char *)ubuf + first, n - first)
			    : copy_out((char *)ubuf + first, p->buf, n - first);
	return r;
}

static long pipe_read(struct file *f, void *ubuf, size_t n, int64_t *pos)
{
	(void)pos;
	struct pipe *p = pipe_of(f);
	if (!n)
		return 0;
	for (;;) {
		uint32_t seen = __atomic_load_n(&p->changed, __ATOMIC_ACQUIRE);
		spin_lock(&p->lock);
		uint32_t avail = used(p);
		if (avail) {
			size_t k = avail < n ? avail : n;
			int r = ring_copy(p, p->tail, ubuf, k, 0);
			if (r == 0)
				p->tail += k;
			spin_unlock(&p->lock);
			kwake_shared(&p->changed);
			return r < 0 ? r : (long)k;
		}
		int eof = p->writers == 0;
		spin_unlock(&p->lock);
		if (eof)
			return 0;
		if (f->flags & K_O_NONBLOCK)
			return -EAGAIN;
		if (kwait_shared(&p->changed, seen) == -EINTR)
			return -EINTR;
	}
}

static void raise_sigpipe(void)
{
	struct b_siginfo info = { .signo = 13, .pid = kproc->pid };
	sig_queue_thread(cur_thread(), &info);
}

/* Writes of at most PIPE_BUF bytes are atomic; longer ones may be split
 * and may return short when interrupted after some progress. */
static long pipe_write(struct file *f, const void *ubuf, size_t n, int64_t *pos)
{
	(void)pos;
	struct pipe *p = pipe_of(f);
	size_t done = 0;
	while (done < n || n == 0) {
		uint32_t seen = __atomic_load_n(&p->changed, __ATOMIC_ACQUIRE);
		spin_lock(&p->lock);
		if (p->readers == 0) {
			spin_unlock(&p->lock);
			raise_sigpipe();
			return done ? (long)done : -EPIPE;
		}
		if (n == 0) {
			spin_unlock(&p->lock);
			return 0;
		}
		size_t space = p->size - used(p), want = n - done;
		size_t need = want <= PIPE_ATOMIC ? want : 1;
		if (space >= need) {
			size_t k = space < want ? space : want;
			int r = ring_copy(p, p->head, (char *)ubuf + done, k, 1);
			if (r == 0)
				p->head += k;
			spin_unlock(&p->lock);
			kwake_shared(&p->changed);
			if (r < 0)
				return done ? (long)done : r;
			done += k;
			continue;
		}
		spin_unlock(&p->lock);
		if (f->flags & K_O_NONBLOCK)
			return done ? (long)done : -EAGAIN;
		if (kwait_shared(&p->changed, seen) == -EINTR)
			return done ? (long)done : -EINTR;
	}
	return (long)done;
}

static short pipe_poll(struct file *f, short events)
{
	struct pipe *p = pipe_of(f);
	short rev = 0;
	spin_lock(&p->lock);
	int reading = (f->flags & K_O_ACCMODE) == K_O_RDONLY;
	if (reading) {
		if (used(p))
			rev |= 1; /* POLLIN */
		if (p->writers == 0)
			rev |= 16; /* POLLHUP */
	} else {
		if (p->readers == 0)
			rev |= 8; /* POLLERR, with POLLOUT too as on Linux */
		if (p->size - used(p) >= PIPE_ATOMIC)
			rev |= 4; /* POLLOUT */
	}
	spin_unlock(&p->lock);
	return rev & (events | 8 | 16);
}

static int pipe_stat(struct file *f, struct b_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->mode = K_S_IFIFO | 0600;
	st->ino = pipe_of(f)->id;
	st->nlink = 1;
	st->uid = (uint32_t)kproc->euid;
	st->gid = (uint32_t)kproc->egid;
	st->blksize = 4096;
	st->dev = 0xc;
	return 0;
}

static int pipe_ioctl(struct file *f, unsigned long req, void *uarg)
{
	struct pipe *p = pipe_of(f);
	if (req != 0x541B) /* FIONREAD */
		return -ENOTTY;
	int n = (int)used(p);
	return copy_out(uarg, &n, sizeof(n));
}

static void pipe_release(struct file *f)
{
	struct pipe *p = pipe_of(f);
	spin_lock(&p->lock);
	if ((f->flags & K_O_ACCMODE) == K_O_RDONLY)
		p->readers--;
	else
		p->writers--;
	int gone = p->readers == 0 && p->writers == 0;
	spin_unlock(&p->lock);
	kwake_shared(&p->changed);
	if (gone) {
		shm_free(p->buf);
		shm_free(p);
	}
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.stat = pipe_stat,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
	.release = pipe_release,
	.forked = pipe_file_forked,
	.stream = 1,
	.poll_wakes = 1,
	.arena_priv = 1,
};

/* Move the contents into a buffer of sz bytes. */
static int pipe_resize(struct pipe *p, uint32_t sz)
{
	char *nb = shm_alloc(sz);
	if (!nb)
		return -ENOMEM;
	spin_lock(&p->lock);
	uint32_t n = used(p);
	if (n > sz) {
		spin_unlock(&p->lock);
		shm_free(nb);
		return -EBUSY;
	}
	for (uint32_t i = 0; i < n; i++)
		nb[i] = p->buf[(p->tail + i) % p->size];
	char *old = p->buf;
	p->buf = nb;
	p->size = sz;
	p->tail = 0;
	p->head = n;
	spin_unlock(&p->lock);
	shm_free(old);
	return (int)sz;
}

/* A forked process holds its own copies of the pipe's open files. */
void pipe_file_forked(struct file *f, int delta)
{
	struct pipe *p = pipe_of(f);
	spin_lock(&p->lock);
	if ((f->flags & K_O_ACCMODE) == K_O_RDONLY)
		p->readers += (uint32_t)delta;
	else
		p->writers += (uint32_t)delta;
	spin_unlock(&p->lock);
}

int file_is_pipe(struct file *f)
{
	return f->ops == &pipe_ops;
}

int pipe_create(int fds[2], int flags)
{
	struct pipe *p = shm_zalloc(sizeof(*p));
	if (!p)
		return -ENFILE;
	p->size = PIPE_DEFAULT;
	p->buf = shm_alloc(p->size);
	p->readers = p->writers = 1;
	p->id = __atomic_add_fetch(&next_pipe_id, 1, __ATOMIC_RELAXED);
	char label[40];
	fmt_snprintf(label, sizeof(label), "pipe:[%lu]", (unsigned long)p->id);
	int extra = flags & (K_O_NONBLOCK | K_O_DIRECT);
	struct file *r = file_alloc(&pipe_ops, K_O_RDONLY | extra, label);
	struct file *w = file_alloc(&pipe_ops, K_O_WRONLY | extra, label);
	if (!p->buf || !r || !w) {
		if (r)
			kfree(r->path), kfree(r);
		if (w)
			kfree(w->path), kfree(w);
		shm_free(p->buf);
		shm_free(p);
		return -ENFILE;
	}
	r->priv = w->priv = p;
	int cloexec = !!(flags & K_O_CLOEXEC);
	fds[0] = fd_install(r, cloexec);
	if (fds[0] < 0) {
		file_put(r);
		file_put(w);
		return fds[0];
	}
	fds[1] = fd_install(w, cloexec);
	if (fds[1] < 0) {
		fd_close(fds[0]);
		file_put(w);
		return fds[1];
	}
	return 0;
}

/* F_GETPIPE_SZ / F_SETPIPE_SZ for pipes; seals are not supported. */
int file_fcntl_special(int fd, int cmd, long arg)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	int r = -EINVAL;
	if (f->ops == &pipe_ops && cmd == 1032) {
		r = (int)pipe_of(f)->size;
	} else if (f->ops == &pipe_ops && cmd == 1031) {
		struct pipe *p = pipe_of(f);
		uint32_t want = arg < 4096 ? 4096 : (uint32_t)arg;
		uint32_t sz = 4096;
		while (sz < want && sz < PIPE_MAX)
			sz <<= 1;
		if (want > PIPE_MAX)
			r = -EPERM;
		else
			r = pipe_resize(p, sz);
	}
	file_put(f);
	return r;
}
