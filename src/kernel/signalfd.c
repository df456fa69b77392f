/* signalfd.c — signalfd: reading takes the calling thread's pending
 * signals that are in the file's mask (sig_dequeue), one record each, so
 * they are never delivered to a handler. The record's layout belongs to
 * the ABI: the caller of signalfd_create supplies its size and encoder.
 *
 * Signals usually reach a signalfd while blocked, so nothing wakes a
 * waiter when one is queued: a blocked read re-checks in small steps. */
#include "kernel/kernel.h"

#define BIT(sig) (1ULL << ((sig) - 1))
#define MAX_REC 128

struct signalfd {
	uint64_t mask;
	size_t rec_size;
	void (*encode)(const struct b_siginfo *info, void *rec);
};

static struct signalfd *signalfd_of(struct file *f)
{
	return f->priv;
}

static long signalfd_read(struct file *f, void *ubuf, size_t n, int64_t *pos)
{
	(void)pos;
	struct signalfd *s = signalfd_of(f);
	size_t done = 0;
	uint64_t rec[MAX_REC / 8];
	if (n < s->rec_size)
		return -EINVAL;
	for (;;) {
		struct b_siginfo info;
		while (done + s->rec_size <= n && sig_dequeue(~s->mask, &info)) {
			memset(rec, 0, sizeof(rec));
			s->encode(&info, rec);
			if (copy_out((char *)ubuf + done, rec, s->rec_size) < 0)
				return done ? (long)done : -EFAULT;
			done += s->rec_size;
		}
		if (done)
			return (long)done;
		if (f->flags & K_O_NONBLOCK)
			return -EAGAIN;
		struct b_timespec step = { 0, 2000000 };
		if (sig_wait_interruptible(&step) == -EINTR)
			return -EINTR;
	}
}

static short signalfd_poll(struct file *f, short events)
{
	return (sig_pending() & signalfd_of(f)->mask) ? (events & 1) : 0;
}

static void signalfd_release(struct file *f)
{
	kfree(signalfd_of(f));
}

static const struct file_ops signalfd_ops = {
	.read = signalfd_read,
	.stat = anon_inode_stat,
	.seek = anon_inode_seek,
	.poll = signalfd_poll,
	.release = signalfd_release,
	.stream = 1,
};

int signalfd_create(int fd, uint64_t mask, int flags, size_t rec_size,
		    void (*encode)(const struct b_siginfo *info, void *rec))
{
	if (flags & ~(K_O_NONBLOCK | K_O_CLOEXEC))
		return -EINVAL;
	if (rec_size == 0 || rec_size > MAX_REC || !encode)
		return -EINVAL;
	mask &= ~(BIT(9) | BIT(19)); /* SIGKILL and SIGSTOP are never taken */
	if (fd != -1) {
		struct file *f = fd_get(fd);
		if (!f)
			return -EBADF;
		int r = -EINVAL;
		if (f->ops == &signalfd_ops) {
			struct signalfd *s = signalfd_of(f);
			__atomic_store_n(&s->mask, mask, __ATOMIC_RELEASE);
			r = fd;
		}
		file_put(f);
		return r;
	}
	struct signalfd *s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->mask = mask;
	s->rec_size = rec_size;
	s->encode = encode;
	struct file *f = file_alloc(&signalfd_ops, K_O_RDWR | (flags & K_O_NONBLOCK), "anon_inode:[signalfd]");
	if (!f) {
		kfree(s);
		return -ENOMEM;
	}
	f->priv = s;
	fd = fd_install(f, !!(flags & K_O_CLOEXEC));
	if (fd < 0)
		file_put(f);
	return fd;
}
