/* pidfd.c — descriptors that name a process of the sandbox (pidfd_open,
 * CLONE_PIDFD): readable once the process has ended, usable with
 * pidfd_send_signal and waitid(P_PIDFD). */
#include "kernel/kernel.h"

static int pid_of(struct file *f)
{
	return (int)(intptr_t)f->priv;
}

static short pidfd_poll(struct file *f, short events)
{
	return proc_alive(pid_of(f)) ? 0 : (short)(events & 1);
}

static int pidfd_stat(struct file *f, struct b_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->mode = 0600; /* an anonymous inode, as on Linux */
	st->ino = (uint64_t)pid_of(f);
	st->nlink = 1;
	st->blksize = 4096;
	return 0;
}

static const struct file_ops pidfd_ops = {
	.stat = pidfd_stat,
	.poll = pidfd_poll,
	.stream = 1,
};

int pidfd_create(int pid, int flags)
{
	if (flags & ~(K_O_NONBLOCK | K_O_CLOEXEC))
		return -EINVAL;
	if (pid <= 0 || proc_getpgid(pid) < 0)
		return -ESRCH;
	struct file *f = file_alloc(&pidfd_ops, K_O_RDWR | (flags & K_O_NONBLOCK), "anon_inode:[pidfd]");
	if (!f)
		return -ENOMEM;
	f->priv = (void *)(intptr_t)pid;
	int fd = fd_install(f, 1);
	if (fd < 0)
		file_put(f);
	return fd;
}

int pidfd_pid(int fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	/* A /proc/<pid> directory names its process as a pidfd does. */
	int pid = f->ops == &pidfd_ops ? pid_of(f) : procfs_pid_dir(f);
	file_put(f);
	return pid;
}
