/* pipe.c — pipes (placeholder until the pipe implementation lands). */
#include "kernel/kernel.h"

int pipe_create(int fds[2], int flags)
{
	(void)fds, (void)flags;
	return -ENOSYS;
}

int file_lock(int fd, int cmd, struct k_flock *fl)
{
	(void)fd, (void)cmd, (void)fl;
	return -ENOSYS;
}

int file_fcntl_special(int fd, int cmd, long arg)
{
	(void)cmd, (void)arg;
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	file_put(f);
	return -EINVAL;
}
