/* host.c — the platform interface on a Linux host: memory, time, files. */
#include "platform/linux/host.h"
#include <bento/errno.h>
#include <bento/platform.h>
#include "lib/string.h"
#include <linux/openat2.h>
#include <linux/fcntl.h>
#include <linux/futex.h>
#include <linux/stat.h>

int plat_log_fd = 2;

long plat_mem_map(uintptr_t addr, size_t len, int prot, int flags, int fd, uint64_t off)
{
	return HOST6(__NR_mmap, addr, len, prot, flags, fd, off);
}

int plat_mem_unmap(uintptr_t addr, size_t len)
{
	return (int)HOST2(__NR_munmap, addr, len);
}

int plat_mem_protect(uintptr_t addr, size_t len, int prot)
{
	return (int)HOST3(__NR_mprotect, addr, len, prot);
}

long plat_mem_remap(uintptr_t old, size_t old_len, size_t new_len, int flags, uintptr_t new_addr)
{
	return HOST5(__NR_mremap, old, old_len, new_len, flags, new_addr);
}

int plat_mem_advise(uintptr_t addr, size_t len, int advice)
{
	return (int)HOST3(__NR_madvise, addr, len, advice);
}

int plat_mem_sync(uintptr_t addr, size_t len, int flags)
{
	return (int)HOST3(__NR_msync, addr, len, flags);
}

static void to_host_ts(const struct b_timespec *in, long out[2])
{
	out[0] = in->sec;
	out[1] = in->nsec;
}

int plat_wait(uint32_t *word, uint32_t val, const struct b_timespec *timeout)
{
	long ts[2];
	if (timeout)
		to_host_ts(timeout, ts);
	return (int)HOST4(__NR_futex, word, FUTEX_WAIT_PRIVATE, val, timeout ? ts : NULL);
}

int plat_wake(uint32_t *word, int n)
{
	return (int)HOST3(__NR_futex, word, FUTEX_WAKE_PRIVATE, n);
}

int plat_wait_shared(uint32_t *word, uint32_t val, const struct b_timespec *timeout)
{
	long ts[2];
	if (timeout)
		to_host_ts(timeout, ts);
	return (int)HOST4(__NR_futex, word, FUTEX_WAIT, val, timeout ? ts : NULL);
}

int plat_wake_shared(uint32_t *word, int n)
{
	return (int)HOST3(__NR_futex, word, FUTEX_WAKE, n);
}

long plat_futex(uint32_t *uaddr, int op, uint32_t val, const struct b_timespec *timeout,
		uint32_t *uaddr2, uint32_t val3)
{
	long ts[2];
	void *arg4 = (void *)timeout;
	int cmd = op & FUTEX_CMD_MASK;
	if (cmd > 13) /* the seccomp gate allows operations 0..13 only */
		return -ENOSYS;
	if (timeout && (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_LOCK_PI ||
			cmd == FUTEX_WAIT_REQUEUE_PI || cmd == FUTEX_LOCK_PI2)) {
		to_host_ts(timeout, ts);
		arg4 = ts;
	}
	return HOST6(__NR_futex, uaddr, op | FUTEX_PRIVATE_FLAG, val, arg4, uaddr2, val3);
}

int plat_thread_kick(long tid)
{
	long pid = HOST0(__NR_getpid);
	return (int)HOST3(__NR_tgkill, pid, tid, KICK_SIGNAL);
}

long plat_thread_id(void)
{
	/* Read once per host thread by cpu_activate, and again in a forked
	 * child (plat_process_fork). */
	return cpu_current()->host_tid;
}

int plat_set_tls(uintptr_t fs_base)
{
	return (int)HOST2(__NR_arch_prctl, 0x1002 /* ARCH_SET_FS */, fs_base);
}

uintptr_t plat_get_tls(void)
{
	uintptr_t v = 0;
	HOST2(__NR_arch_prctl, 0x1003 /* ARCH_GET_FS */, &v);
	return v;
}

_Noreturn void plat_exit(int status)
{
	for (;;)
		HOST1(__NR_exit_group, status);
}

int plat_clock_get(int clock, struct b_timespec *ts)
{
	long t[2];
	long r = HOST2(__NR_clock_gettime, clock, t);
	if (r == 0)
		ts->sec = t[0], ts->nsec = t[1];
	return (int)r;
}

int plat_clock_res(int clock, struct b_timespec *ts)
{
	long t[2];
	long r = HOST2(__NR_clock_getres, clock, t);
	if (r == 0)
		ts->sec = t[0], ts->nsec = t[1];
	return (int)r;
}

int plat_random(void *buf, size_t n)
{
	char *p = buf;
	while (n) {
		long r = HOST3(__NR_getrandom, p, n, 0);
		if (r == -EINTR)
			continue;
		if (r < 0)
			return (int)r;
		p += r, n -= r;
	}
	return 0;
}

/* ---- files ---------------------------------------------------------- */

static long open_beneath(int dir, const char *path, int flags, int mode)
{
	struct open_how how = {
		.flags = (uint64_t)flags,
		.mode = (flags & (O_CREAT | __O_TMPFILE)) ? (uint64_t)mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			   RESOLVE_NO_XDEV,
	};
	if (!*path)
		path = ".";
	long r;
	do
		r = HOST4(__NR_openat2, dir, path, &how, sizeof(how));
	while (r == -EINTR);
	/* A mount point crossing is not an escape; retry without NO_XDEV. */
	if (r == -EXDEV) {
		how.resolve &= ~(uint64_t)RESOLVE_NO_XDEV;
		r = HOST4(__NR_openat2, dir, path, &how, sizeof(how));
	}
	return r;
}

int plat_file_open(int dir, const char *path, int flags, int mode)
{
	return (int)open_beneath(dir, path, flags | O_CLOEXEC, mode);
}

int plat_file_close(int fd)
{
	return (int)HOST1(__NR_close, fd);
}

long plat_file_read(int fd, void *buf, size_t n)
{
	return HOST3(__NR_read, fd, buf, n);
}

long plat_file_write(int fd, const void *buf, size_t n)
{
	return HOST3(__NR_write, fd, buf, n);
}

long plat_file_pread(int fd, void *buf, size_t n, int64_t off)
{
	return HOST4(__NR_pread64, fd, buf, n, off);
}

long plat_file_pwrite(int fd, const void *buf, size_t n, int64_t off)
{
	return HOST4(__NR_pwrite64, fd, buf, n, off);
}

long plat_file_seek(int fd, int64_t off, int whence)
{
	return HOST3(__NR_lseek, fd, off, whence);
}

struct host_stat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	int64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	int64_t reserved[3];
};
_Static_assert(sizeof(struct host_stat) == 144, "host stat layout");

static void from_host_stat(const struct host_stat *h, struct b_stat *st)
{
	st->dev = h->dev, st->ino = h->ino, st->nlink = h->nlink;
	st->mode = h->mode, st->uid = h->uid, st->gid = h->gid;
	st->rdev = h->rdev, st->size = h->size, st->blksize = h->blksize;
	st->blocks = h->blocks;
	st->atime = (struct b_timespec){ h->atime, h->atime_ns };
	st->mtime = (struct b_timespec){ h->mtime, h->mtime_ns };
	st->ctime = (struct b_timespec){ h->ctime, h->ctime_ns };
}

int plat_file_stat(int fd, const char *path, struct b_stat *st)
{
	struct host_stat h;
	long r;
	if (!path || !*path) {
		r = HOST2(__NR_fstat, fd, &h);
	} else {
		long pfd = open_beneath(fd, path, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
		if (pfd < 0)
			return (int)pfd;
		r = HOST2(__NR_fstat, pfd, &h);
		HOST1(__NR_close, pfd);
	}
	if (r == 0)
		from_host_stat(&h, st);
	return (int)r;
}

int plat_file_statfs(int fd, struct b_statfs *st)
{
	int64_t h[15];
	long r = HOST2(__NR_fstatfs, fd, h);
	if (r == 0) {
		st->type = h[0], st->bsize = h[1], st->blocks = h[2], st->bfree = h[3];
		st->bavail = h[4], st->files = h[5], st->ffree = h[6];
		st->namelen = h[8], st->frsize = h[9], st->flags = h[10];
	}
	return (int)r;
}

long plat_file_getdents(int fd, void *buf, size_t n)
{
	return HOST3(__NR_getdents64, fd, buf, n);
}

long plat_file_readlink(int dir, const char *path, char *buf, size_t n)
{
	long pfd = open_beneath(dir, path, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
	if (pfd < 0)
		return pfd;
	long r = HOST4(__NR_readlinkat, pfd, "", buf, n);
	HOST1(__NR_close, pfd);
	return r;
}

/* Namespace changes take one final component relative to a directory the
 * VFS already resolved, so no host path walk happens here. */
static int is_component(const char *name)
{
	return name && *name && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

/* chmod by name, without fchmodat: that follows a final symlink, which may
 * have replaced the name since the VFS looked (a race that reached any host
 * file, as Landlock does not check chmod), so fchmodat is not on the
 * allow-list at all. Open the file itself beneath dir, never following a
 * link, and fchmod the descriptor. The cost: a file bento can neither read
 * nor write (mode 000 without CAP_DAC_OVERRIDE) cannot be chmodded. */
/*
 * host_empty_path: a read-only anonymous page (so it reads as "") sealed
 * with mseal, so that nothing in the process — a hostile guest with the
 * run of bento's memory included — can write, remap or unmap it. That
 * makes its address safe to allow as the path of fchmodat2 and utimensat
 * with AT_EMPTY_PATH: they can then only act on the descriptor given,
 * even an O_PATH one, which is how bento changes a file it cannot open
 * (mode 000) or a symbolic link itself.
 */
const char *host_empty_path;

void host_seal_empty_path(void)
{
	long p = HOST6(__NR_mmap, 0, 4096, 1 /* PROT_READ */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
	if (p < 0 && p > -4096)
		return;
	if (HOST3(__NR_mseal, p, 4096, 0) != 0) {
		HOST2(__NR_munmap, p, 4096);
		return;
	}
	host_empty_path = (const char *)p;
}

/* chmod of what an O_PATH handle names, where the host can seal (above). */
static long chmod_by_handle(int dir, const char *name, int mode)
{
	long fd = open_beneath(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	long r = HOST4(__NR_fchmodat2, fd, host_empty_path, mode, AT_EMPTY_PATH);
	HOST1(__NR_close, fd);
	return r;
}

static int chmod_beneath(int dir, const char *name, int mode)
{
	if (host_empty_path) {
		long r = chmod_by_handle(dir, name, mode);
		if (r != -ENOSYS)
			return (int)r;
	}
	long fd = open_beneath(dir, name, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
	if (fd == -EACCES)
		fd = open_beneath(dir, name, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
	if (fd < 0)
		return (int)fd;
	long r = HOST2(__NR_fchmod, fd, mode);
	HOST1(__NR_close, fd);
	return (int)r;
}

int plat_file_change(int op, int dir, const char *path, int dir2, const char *path2, int mode)
{
	if (op != PLAT_FS_SYMLINK && !is_component(path))
		return -EINVAL;
	switch (op) {
	case PLAT_FS_MKDIR:
		return (int)HOST3(__NR_mkdirat, dir, path, mode);
	case PLAT_FS_UNLINK:
		return (int)HOST3(__NR_unlinkat, dir, path, 0);
	case PLAT_FS_RMDIR:
		return (int)HOST3(__NR_unlinkat, dir, path, AT_REMOVEDIR);
	case PLAT_FS_RENAME:
		if (!is_component(path2))
			return -EINVAL;
		return (int)HOST5(__NR_renameat2, dir, path, dir2, path2, mode);
	case PLAT_FS_SYMLINK: /* path is the link's target text */
		if (!is_component(path2))
			return -EINVAL;
		return (int)HOST3(__NR_symlinkat, path, dir2, path2);
	case PLAT_FS_LINK:
		if (!is_component(path2))
			return -EINVAL;
		return (int)HOST5(__NR_linkat, dir, path, dir2, path2, 0);
	case PLAT_FS_CHMOD_PATH:
		return chmod_beneath(dir, path, mode);
	case PLAT_FS_MKSOCK: /* the gate allows mknodat for S_IFSOCK only */
		return (int)HOST4(__NR_mknodat, dir, path, 0140000 | (mode & 07777), 0);
	case PLAT_FS_MKFIFO: /* ... and S_IFIFO */
		return (int)HOST4(__NR_mknodat, dir, path, 0010000 | (mode & 07777), 0);
	}
	return -EINVAL;
}

int plat_file_lock(int fd, int cmd, void *fl)
{
	if (cmd != 5 && cmd != 6 && cmd != 7 && cmd != 36 && cmd != 37 && cmd != 38)
		return -EINVAL; /* the seccomp gate allows only these */
	return (int)HOST3(__NR_fcntl, fd, cmd, fl);
}

int plat_file_set_flags(int fd, int flags)
{
	return (int)HOST3(__NR_fcntl, fd, 4 /* F_SETFL */, flags);
}

int plat_file_flock(int fd, int op)
{
	return (int)HOST2(__NR_flock, fd, op);
}

int plat_file_truncate(int fd, int64_t len)
{
	return (int)HOST2(__NR_ftruncate, fd, len);
}

int plat_file_allocate(int fd, int mode, int64_t off, int64_t len)
{
	return (int)HOST4(__NR_fallocate, fd, mode, off, len);
}

int plat_file_sync(int fd)
{
	return (int)HOST1(__NR_fsync, fd);
}

int plat_file_set_times(int fd, const struct b_timespec ts[2])
{
	long t[4];
	if (ts)
		t[0] = ts[0].sec, t[1] = ts[0].nsec, t[2] = ts[1].sec, t[3] = ts[1].nsec;
	return (int)HOST4(__NR_utimensat, fd, NULL, ts ? t : NULL, 0);
}

int plat_file_set_times_at(int dir, const char *name, const struct b_timespec ts[2])
{
	long t[4];
	if (!host_empty_path)
		return -EOPNOTSUPP;
	if (!is_component(name))
		return -EINVAL;
	if (ts)
		t[0] = ts[0].sec, t[1] = ts[0].nsec, t[2] = ts[1].sec, t[3] = ts[1].nsec;
	long fd = open_beneath(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
	if (fd < 0)
		return (int)fd;
	long r = HOST4(__NR_utimensat, fd, host_empty_path, ts ? t : NULL, AT_EMPTY_PATH);
	HOST1(__NR_close, fd);
	return (int)r;
}

int plat_file_chmod(int fd, int mode)
{
	return (int)HOST2(__NR_fchmod, fd, mode);
}

extern const uint32_t allowed_ioctls[];
extern const int n_allowed_ioctls;

int plat_file_ioctl(int fd, unsigned long req, void *arg)
{
	/* The seccomp gate kills the process on any other request. */
	for (int i = 0; i < n_allowed_ioctls; i++)
		if (req == allowed_ioctls[i])
			return (int)HOST3(__NR_ioctl, fd, req, arg);
	return -ENOTTY;
}

int plat_file_poll(struct b_pollfd *fds, int n, const struct b_timespec *timeout)
{
	long ts[2];
	if (timeout)
		to_host_ts(timeout, ts);
	_Static_assert(sizeof(struct b_pollfd) == 8, "pollfd layout");
	return (int)HOST5(__NR_ppoll, fds, n, timeout ? ts : NULL, NULL, 8);
}

int plat_memfd(const char *name)
{
	return (int)HOST2(__NR_memfd_create, name, 1 /* MFD_CLOEXEC */);
}

void plat_log(const char *buf, size_t n)
{
	while (n) {
		long r = HOST3(__NR_write, plat_log_fd, buf, n);
		if (r == -EINTR)
			continue;
		if (r <= 0)
			return;
		buf += r, n -= r;
	}
}

/* ---- processes -------------------------------------------------------- */

long plat_process_id(void)
{
	return HOST0(__NR_getpid);
}

long plat_process_fork(void)
{
	/* No platform lock may be held by a thread the child won't have. */
	rewrite_fork_lock(1);
	thread_fork_lock(1);
	long r = HOST5(__NR_clone, 17 /* SIGCHLD */, 0, 0, 0, 0);
	thread_fork_lock(0);
	rewrite_fork_lock(0);
	if (r == 0)
		cpu_current()->host_tid = HOST0(__NR_gettid);
	return r;
}

int plat_process_signal(long host_pid, int kill)
{
	if (host_pid <= 0)
		return -ESRCH;
	return (int)HOST2(__NR_kill, host_pid, kill ? 9 : KICK_SIGNAL);
}

long plat_process_reap(int *wstatus)
{
	struct host_siginfo si;
	memset(&si, 0, sizeof(si));
	long r = HOST5(__NR_waitid, 0 /* P_ALL */, 0, &si, 4 | 1 /* WEXITED|WNOHANG */, NULL);
	if (r < 0)
		return r;
	if (si.u.kill.pid == 0)
		return 0;
	/* si_status sits after pid and uid. */
	int status = *(int *)((char *)&si.u + 8);
	*wstatus = si.code == 1 /* CLD_EXITED */ ? (status & 0xff) << 8 : (status & 0x7f);
	return si.u.kill.pid;
}
