/* lock.c — advisory file locks (fcntl F_GETLK/F_SETLK/F_SETLKW, OFD
 * variants, flock). Host files use the host's locks, which already work
 * between the sandbox's processes (each is a host process). Other files
 * never conflict: setting a lock succeeds, testing one reports F_UNLCK. */
#include "kernel/kernel.h"

#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2

int file_lock(int fd, int cmd, struct k_flock *fl)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	int acc = f->flags & K_O_ACCMODE, r = 0;
	if (fl->type != F_RDLCK && fl->type != F_WRLCK && fl->type != F_UNLCK)
		r = -EINVAL;
	else if (fl->whence < 0 || fl->whence > 2)
		r = -EINVAL;
	else if ((cmd == 6 || cmd == 7 || cmd == 37 || cmd == 38) &&
		 ((fl->type == F_RDLCK && acc == K_O_WRONLY) || (fl->type == F_WRLCK && acc == K_O_RDONLY)))
		r = -EBADF;
	else if (f->ops->lock)
		r = f->ops->lock(f, cmd, fl);
	else if (cmd == 5 || cmd == 36) /* F_GETLK, F_OFD_GETLK */
		fl->type = F_UNLCK;
	file_put(f);
	return r;
}

int file_flock(int fd, int op)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	int base = op & ~4; /* LOCK_NB */
	int r = (base != 1 && base != 2 && base != 8) ? -EINVAL : f->ops->flock ? f->ops->flock(f, op) : 0;
	file_put(f);
	return r;
}
