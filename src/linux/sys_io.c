/* sys_io.c — system calls on descriptors: read/write and friends, dup,
 * fcntl, ioctl, poll. */
#include "linux/shim.h"

SYSCALL(read)
{
	return file_read((int)a0, (void *)a1, (size_t)a2);
}

SYSCALL(write)
{
	return file_write((int)a0, (const void *)a1, (size_t)a2);
}

SYSCALL(pread64)
{
	return file_pread((int)a0, (void *)a1, (size_t)a2, a3);
}

SYSCALL(pwrite64)
{
	return file_pwrite((int)a0, (const void *)a1, (size_t)a2, a3);
}

/* Vectored I/O: one element at a time; a short transfer ends the call.
 * off < 0 means the file position. */
static long vector_io(int fd, long uiov, long cnt, int64_t off, int writing)
{
	struct l_iovec iov;
	long total = 0;
	if (cnt < 0 || cnt > 1024)
		return -EINVAL;
	for (long i = 0; i < cnt; i++) {
		if (copy_in(&iov, (struct l_iovec *)uiov + i, sizeof(iov)) < 0)
			return total ? total : -EFAULT;
		if ((long)iov.len < 0)
			return -EINVAL;
		if (!iov.len)
			continue;
		long r;
		if (writing)
			r = off < 0 ? file_write(fd, iov.base, iov.len) : file_pwrite(fd, iov.base, iov.len, off + total);
		else
			r = off < 0 ? file_read(fd, iov.base, iov.len) : file_pread(fd, iov.base, iov.len, off + total);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((size_t)r < iov.len)
			break;
	}
	if (cnt == 0) {
		/* Still validate the descriptor. */
		long r = writing ? file_write(fd, NULL, 0) : file_read(fd, NULL, 0);
		return r < 0 ? r : 0;
	}
	return total;
}

SYSCALL(readv)
{
	long r = socket_vector_io((int)a0, a1, a2, 0);
	return r != -ENOTSOCK ? r : vector_io((int)a0, a1, a2, -1, 0);
}

SYSCALL(writev)
{
	long r = socket_vector_io((int)a0, a1, a2, 1);
	return r != -ENOTSOCK ? r : vector_io((int)a0, a1, a2, -1, 1);
}

SYSCALL(preadv)
{
	return a3 < 0 ? -EINVAL : vector_io((int)a0, a1, a2, a3, 0);
}

SYSCALL(pwritev)
{
	return a3 < 0 ? -EINVAL : vector_io((int)a0, a1, a2, a3, 1);
}

SYSCALL(preadv2)
{
	return vector_io((int)a0, a1, a2, a3 == -1 ? -1 : a3, 0);
}

SYSCALL(pwritev2)
{
	return vector_io((int)a0, a1, a2, a3 == -1 ? -1 : a3, 1);
}

SYSCALL(lseek)
{
	return file_seek((int)a0, a1, (int)a2);
}

SYSCALL(close)
{
	return fd_close((int)a0);
}

SYSCALL(close_range)
{
	return fd_close_range((unsigned)a0, (unsigned)a1, (unsigned)a2);
}

SYSCALL(dup)
{
	return fd_dup((int)a0, 0, 0);
}

SYSCALL(dup2)
{
	if (a0 == a1) {
		struct b_stat st;
		return file_stat((int)a0, &st) == -EBADF ? -EBADF : a1;
	}
	return fd_dup2((int)a0, (int)a1, 0);
}

SYSCALL(dup3)
{
	if (a2 & ~(long)K_O_CLOEXEC)
		return -EINVAL;
	if (a0 == a1)
		return -EINVAL;
	return fd_dup2((int)a0, (int)a1, (a2 & K_O_CLOEXEC) ? 1 : 0);
}

SYSCALL(getdents64)
{
	return file_getdents((int)a0, (void *)a1, (size_t)a2);
}

static long fcntl_lock(int fd, int cmd, long uptr)
{
	struct l_flock lf;
	if (copy_in(&lf, (void *)uptr, sizeof(lf)) < 0)
		return -EFAULT;
	struct k_flock kf = { lf.l_type, lf.l_whence, lf.l_start, lf.l_len, lf.l_pid };
	int r = file_lock(fd, cmd, &kf);
	if (r == 0 && (cmd == 5 || cmd == 36)) { /* F_GETLK, F_OFD_GETLK */
		lf.l_type = kf.type, lf.l_whence = kf.whence;
		lf.l_start = kf.start, lf.l_len = kf.len, lf.l_pid = kf.pid;
		if (copy_out((void *)uptr, &lf, sizeof(lf)) < 0)
			return -EFAULT;
	}
	return r;
}

SYSCALL(fcntl)
{
	int fd = (int)a0;
	switch (a1) {
	case 0: /* F_DUPFD */
		return fd_dup(fd, (int)a2, 0);
	case 1030: /* F_DUPFD_CLOEXEC */
		return fd_dup(fd, (int)a2, 1);
	case 1: /* F_GETFD */
		return fd_get_cloexec(fd);
	case 2: /* F_SETFD */
		return fd_set_cloexec(fd, (int)(a2 & 1));
	case 3: /* F_GETFL */
		return file_get_flags(fd);
	case 4: /* F_SETFL */
		return file_set_flags(fd, (int)a2);
	case 5: case 6: case 7:       /* F_GETLK F_SETLK F_SETLKW */
	case 36: case 37: case 38:    /* F_OFD_* */
		return fcntl_lock(fd, (int)a1, a2);
	case 1031: /* F_SETPIPE_SZ */
	case 1032: /* F_GETPIPE_SZ */
	case 1033: /* F_ADD_SEALS */
	case 1034: /* F_GET_SEALS */
		return file_fcntl_special(fd, (int)a1, a2);
	case 8: case 9: /* F_SETOWN F_GETOWN */
		return file_get_flags(fd) < 0 ? -EBADF : 0;
	default:
		return -EINVAL;
	}
}

SYSCALL(flock)
{
	return file_flock((int)a0, (int)a1);
}

SYSCALL(ioctl)
{
	return file_ioctl((int)a0, (unsigned long)a1, (void *)a2);
}

SYSCALL(fsync)
{
	return file_sync((int)a0);
}

SYSCALL(fdatasync)
{
	return file_sync((int)a0);
}

SYSCALL(fallocate)
{
	return file_allocate((int)a0, (int)a1, a2, a3);
}

SYSCALL(ftruncate)
{
	return file_truncate((int)a0, a1);
}

SYSCALL(fadvise64)
{
	struct b_stat st;
	if ((int)a3 < 0 || (int)a3 > 5)
		return -EINVAL;
	return file_stat((int)a0, &st) < 0 ? -EBADF : 0;
}

SYSCALL(pipe2)
{
	int fds[2];
	if (a1 & ~(long)(K_O_CLOEXEC | K_O_NONBLOCK | K_O_DIRECT))
		return -EINVAL;
	int r = pipe_create(fds, (int)a1);
	if (r < 0)
		return r;
	if (copy_out((void *)a0, fds, sizeof(fds)) < 0) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

SYSCALL(pipe)
{
	return sys_pipe2(a0, 0, 0, 0, 0, 0);
}

/* Up to this many descriptors are polled from the stack; more (to the
 * RLIMIT_NOFILE bound Linux sets) from the heap. */
#define POLL_ON_STACK 64

static long poll_common(long ufds, long n, const struct b_timespec *timeout)
{
	struct b_pollfd small[POLL_ON_STACK], *kfds = small;
	uint64_t nofile[2];
	if (n < 0 || (proc_prlimit(7 /* RLIMIT_NOFILE */, NULL, nofile) == 0 && (uint64_t)n > nofile[0]))
		return -EINVAL;
	if (n > POLL_ON_STACK && !(kfds = kmalloc(sizeof(*kfds) * (size_t)n)))
		return -ENOMEM;
	long r = -EFAULT;
	if (!n || copy_in(kfds, (void *)ufds, sizeof(kfds[0]) * (size_t)n) == 0) {
		r = file_poll(kfds, (int)n, timeout);
		if (r >= 0 && n && copy_out((void *)ufds, kfds, sizeof(kfds[0]) * (size_t)n) < 0)
			r = -EFAULT;
	}
	if (kfds != small)
		kfree(kfds);
	return r;
}

SYSCALL(poll)
{
	struct b_timespec ts = { a2 / 1000, (a2 % 1000) * 1000000 };
	return poll_common(a0, a1, (int)a2 < 0 ? NULL : &ts);
}

/* The part of timeout not yet used by a call that began at start. */
static struct b_timespec time_left(const struct b_timespec *timeout, const struct b_timespec *start)
{
	struct b_timespec now;
	time_get(1, &now);
	int64_t left = timeout->sec * 1000000000LL + timeout->nsec -
		       ((now.sec - start->sec) * 1000000000LL + now.nsec - start->nsec);
	if (left < 0)
		left = 0;
	return (struct b_timespec){ left / 1000000000LL, left % 1000000000LL };
}

/* Like Linux, ppoll writes the time left back into a non-zero timeout. */
SYSCALL(ppoll)
{
	struct b_timespec ts, start;
	struct l_timespec lt;
	if (a2) {
		if (copy_in(&lt, (void *)a2, sizeof(lt)) < 0)
			return -EFAULT;
		if (lt.tv_sec < 0 || lt.tv_nsec < 0 || lt.tv_nsec >= 1000000000)
			return -EINVAL;
		ts = (struct b_timespec){ lt.tv_sec, lt.tv_nsec };
		time_get(1, &start);
	}
	uint64_t old = 0, set;
	if (a3) {
		if (a4 != 8)
			return -EINVAL;
		if (copy_in(&set, (void *)a3, 8) < 0)
			return -EFAULT;
		sig_procmask(2, &set, &old);
	}
	long r = poll_common(a0, a1, a2 ? &ts : NULL);
	if (a3) {
		finish_masked_wait(r, old);
	}
	if (a2 && (ts.sec || ts.nsec)) {
		struct b_timespec left = time_left(&ts, &start);
		lt = (struct l_timespec){ left.sec, left.nsec };
		copy_out((void *)a2, &lt, sizeof(lt));
	}
	return r;
}

/* select via poll: fd_set bitmaps in, bitmaps out. As on Linux, n
 * beyond the descriptor table is cut to the table's size. */
#define SET_WORDS (K_FD_MAX / 64)

/* The descriptors named in the three sets, as poll entries; their count. */
static int sets_to_pollfds(uint64_t sets[3][SET_WORDS], int n, struct b_pollfd *pfd)
{
	int np = 0;
	for (int fd = 0; fd < n; fd++) {
		short ev = 0;
		if (sets[0][fd / 64] >> (fd % 64) & 1)
			ev |= 1;
		if (sets[1][fd / 64] >> (fd % 64) & 1)
			ev |= 4;
		if (sets[2][fd / 64] >> (fd % 64) & 1)
			ev |= 2;
		if (ev)
			pfd[np++] = (struct b_pollfd){ fd, ev, 0 };
	}
	return np;
}

/* The poll results as the three result sets; their count, or -EBADF. */
static int pollfds_to_sets(const struct b_pollfd *pfd, int np, uint64_t out[3][SET_WORDS])
{
	int count = 0;
	for (int i = 0; i < np; i++) {
		int fd = pfd[i].fd;
		short re = pfd[i].revents;
		if (re & 32)
			return -EBADF;
		short in = 1 | 16 | 8, outm = 4 | 8;
		if ((pfd[i].events & 1) && (re & in))
			out[0][fd / 64] |= 1ULL << (fd % 64), count++;
		if ((pfd[i].events & 4) && (re & outm))
			out[1][fd / 64] |= 1ULL << (fd % 64), count++;
		if ((pfd[i].events & 2) && (re & 2))
			out[2][fd / 64] |= 1ULL << (fd % 64), count++;
	}
	return count;
}

static long select_common(long n, long ur, long uw, long ue, const struct b_timespec *timeout)
{
	uint64_t sets[3][SET_WORDS] = { { 0 } }, out[3][SET_WORDS] = { { 0 } };
	long uptr[3] = { ur, uw, ue };
	if (n < 0)
		return -EINVAL;
	if (n > K_FD_MAX)
		n = K_FD_MAX;
	size_t bytes = (size_t)((n + 63) / 64) * 8;
	for (int k = 0; k < 3; k++)
		if (uptr[k] && copy_in(sets[k], (void *)uptr[k], bytes) < 0)
			return -EFAULT;
	struct b_pollfd small[POLL_ON_STACK], *pfd = small;
	if (n > POLL_ON_STACK && !(pfd = kmalloc(sizeof(*pfd) * (size_t)n)))
		return -ENOMEM;
	int np = sets_to_pollfds(sets, (int)n, pfd);
	int r = file_poll(pfd, np, timeout);
	if (r >= 0)
		r = pollfds_to_sets(pfd, np, out);
	if (pfd != small)
		kfree(pfd);
	for (int k = 0; r >= 0 && k < 3; k++)
		if (uptr[k] && copy_out((void *)uptr[k], out[k], bytes) < 0)
			r = -EFAULT;
	return r;
}

/* Like Linux, select and pselect6 write the time left back into a
 * non-zero timeout, whatever the result; a failed write-back is ignored. */
SYSCALL(select)
{
	struct l_timeval tv;
	struct b_timespec ts, start;
	if (a4) {
		if (copy_in(&tv, (void *)a4, sizeof(tv)) < 0)
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		ts = (struct b_timespec){ tv.tv_sec + tv.tv_usec / 1000000, (tv.tv_usec % 1000000) * 1000 };
		time_get(1, &start);
	}
	long r = select_common(a0, a1, a2, a3, a4 ? &ts : NULL);
	if (a4 && (ts.sec || ts.nsec)) {
		struct b_timespec left = time_left(&ts, &start);
		tv = (struct l_timeval){ left.sec, left.nsec / 1000 };
		copy_out((void *)a4, &tv, sizeof(tv));
	}
	return r;
}

/* a5 points at { const sigset_t *set; size_t size; }: the mask to wait
 * with, restored after a handler when the wait was interrupted. */
SYSCALL(pselect6)
{
	struct l_timespec lt;
	struct b_timespec ts, start;
	if (a4) {
		if (copy_in(&lt, (void *)a4, sizeof(lt)) < 0)
			return -EFAULT;
		if (lt.tv_sec < 0 || lt.tv_nsec < 0 || lt.tv_nsec >= 1000000000)
			return -EINVAL;
		ts = (struct b_timespec){ lt.tv_sec, lt.tv_nsec };
		time_get(1, &start);
	}
	uint64_t set, old = 0;
	int masked = 0;
	if (a5) {
		uint64_t sm[2];
		if (copy_in(sm, (void *)a5, sizeof(sm)) < 0)
			return -EFAULT;
		if (sm[0]) {
			if (sm[1] != 8)
				return -EINVAL;
			if (copy_in(&set, (void *)sm[0], 8) < 0)
				return -EFAULT;
			sig_procmask(2, &set, &old);
			masked = 1;
		}
	}
	long r = select_common(a0, a1, a2, a3, a4 ? &ts : NULL);
	if (masked) {
		finish_masked_wait(r, old);
	}
	if (a4 && (ts.sec || ts.nsec)) {
		struct b_timespec left = time_left(&ts, &start);
		lt = (struct l_timespec){ left.sec, left.nsec };
		copy_out((void *)a4, &lt, sizeof(lt));
	}
	return r;
}

/* Move up to n bytes from in to out through a bento buffer. A NULL
 * offset pointer means in's file position; otherwise *uoff is used and
 * updated, and in's position is left alone (sendfile, copy_file_range). */
static long copy_between(int in, long uin_off, int out, long uout_off, size_t n)
{
	int64_t in_off = 0, out_off = 0;
	if (uin_off && copy_in(&in_off, (void *)uin_off, 8) < 0)
		return -EFAULT;
	if (uout_off && copy_in(&out_off, (void *)uout_off, 8) < 0)
		return -EFAULT;
	if (in_off < 0 || out_off < 0)
		return -EINVAL;
	size_t cap = n < 65536 ? n : 65536;
	char *buf = kmalloc(cap ? cap : 1);
	if (!buf)
		return -ENOMEM;
	long done = 0, r = 0;
	while ((size_t)done < n) {
		size_t want = n - (size_t)done < cap ? n - (size_t)done : cap;
		r = uin_off ? file_pread(in, buf, want, in_off + done) : file_read(in, buf, want);
		if (r <= 0)
			break;
		long w = uout_off ? file_pwrite(out, buf, (size_t)r, out_off + done) : file_write(out, buf, (size_t)r);
		if (w < 0) {
			r = w;
			break;
		}
		done += w;
		if (w < r)
			break;
	}
	kfree(buf);
	if (done > 0) {
		in_off += done, out_off += done;
		if ((uin_off && copy_out((void *)uin_off, &in_off, 8) < 0) ||
		    (uout_off && copy_out((void *)uout_off, &out_off, 8) < 0))
			return -EFAULT;
		return done;
	}
	return r;
}

static int is_pipe(int fd)
{
	struct b_stat st;
	int r = file_stat(fd, &st);
	return r < 0 ? r : (st.mode & K_S_IFMT) == K_S_IFIFO;
}

/* What one splice step moves: what one read of in gives (at most 64 KiB),
 * all of it written to out, so nothing read is ever dropped. */
static long splice_once(int in, long uin_off, int out, long uout_off, size_t n)
{
	int64_t in_off = 0, out_off = 0;
	if ((uin_off && copy_in(&in_off, (void *)uin_off, 8) < 0) ||
	    (uout_off && copy_in(&out_off, (void *)uout_off, 8) < 0))
		return -EFAULT;
	if (in_off < 0 || out_off < 0)
		return -EINVAL;
	size_t cap = n < 65536 ? n : 65536;
	char *buf = kmalloc(cap);
	if (!buf)
		return -ENOMEM;
	long r = uin_off ? file_pread(in, buf, cap, in_off) : file_read(in, buf, cap);
	long done = 0;
	while (r > 0 && done < r) {
		long w = uout_off ? file_pwrite(out, buf + done, (size_t)(r - done), out_off + done)
				  : file_write(out, buf + done, (size_t)(r - done));
		if (w <= 0) {
			if (!done)
				r = w;
			break;
		}
		done += w;
	}
	kfree(buf);
	if (r <= 0)
		return r;
	in_off += done, out_off += done;
	if ((uin_off && copy_out((void *)uin_off, &in_off, 8) < 0) ||
	    (uout_off && copy_out((void *)uout_off, &out_off, 8) < 0))
		return -EFAULT;
	return done;
}

/*
 * splice through a bento buffer: one end must be a pipe, and a pipe takes
 * no offset. SPLICE_F_NONBLOCK (2) makes an empty input pipe -EAGAIN.
 */
SYSCALL(splice)
{
	int in = (int)a0, out = (int)a2;
	unsigned flags = (unsigned)a5;
	int pin = is_pipe(in), pout = is_pipe(out);
	if (pin < 0 || pout < 0)
		return -EBADF;
	if (!pin && !pout)
		return -EINVAL;
	if ((pin && a1) || (pout && a3))
		return -ESPIPE;
	if (flags & ~0xfU)
		return -EINVAL;
	if (a4 == 0)
		return 0;
	if ((flags & 2) && pin) {
		int avail = 0;
		if (file_ioctl(in, 0x541B /* FIONREAD */, &avail) == 0 && avail == 0)
			return -EAGAIN;
	}
	return splice_once(in, a1, out, a3, (size_t)a4);
}

SYSCALL(sendfile)
{
	return copy_between((int)a1, a2, (int)a0, 0, (size_t)a3);
}

SYSCALL(copy_file_range)
{
	if (a5)
		return -EINVAL;
	return copy_between((int)a0, a1, (int)a2, a3, (size_t)a4);
}
