/* sys_fs.c — system calls on paths: open, stat, access, links, dirs. */
#include "linux/shim.h"

#define PATH_ARG(buf, uptr)                    \
	char buf[L_PATH_MAX];                  \
	do {                                   \
		long _r = get_path(buf, uptr); \
		if (_r < 0)                    \
			return _r;             \
	} while (0)

SYSCALL(openat)
{
	PATH_ARG(path, a1);
	return vfs_openat((int)a0, path, (int)a2, (int)a3);
}

SYSCALL(open)
{
	return sys_openat(K_AT_FDCWD, a0, a1, a2, 0, 0);
}

SYSCALL(creat)
{
	return sys_openat(K_AT_FDCWD, a0, K_O_CREAT | K_O_WRONLY | K_O_TRUNC, a1, 0, 0);
}

SYSCALL(openat2)
{
	struct l_open_how how;
	if (a3 < (long)sizeof(how))
		return -EINVAL;
	if (copy_in(&how, (void *)a2, sizeof(how)) < 0)
		return -EFAULT;
	if (how.flags >> 32 || how.mode >> 12 || how.resolve & ~0x3fULL)
		return -EINVAL;
	if (how.mode && !(how.flags & (K_O_CREAT | K_O_TMPFILE)))
		return -EINVAL;
	PATH_ARG(path, a1);
	return vfs_openat2((int)a0, path, (int)how.flags, (int)how.mode, (int)how.resolve);
}

int put_stat(long uptr, const struct b_stat *st)
{
	struct l_stat ls;
	memset(&ls, 0, sizeof(ls));
	ls.st_dev = st->dev, ls.st_ino = st->ino, ls.st_nlink = st->nlink;
	ls.st_mode = st->mode, ls.st_uid = st->uid, ls.st_gid = st->gid;
	ls.st_rdev = st->rdev, ls.st_size = st->size, ls.st_blksize = st->blksize;
	ls.st_blocks = st->blocks;
	ls.st_atim = (struct l_timespec){ st->atime.sec, st->atime.nsec };
	ls.st_mtim = (struct l_timespec){ st->mtime.sec, st->mtime.nsec };
	ls.st_ctim = (struct l_timespec){ st->ctime.sec, st->ctime.nsec };
	return copy_out((void *)uptr, &ls, sizeof(ls)) < 0 ? -EFAULT : 0;
}

static long stat_common(int dirfd, long upath, int flags, long ubuf)
{
	struct b_stat st;
	PATH_ARG(path, upath);
	int r = vfs_statat(dirfd, path, flags, &st);
	return r < 0 ? r : put_stat(ubuf, &st);
}

SYSCALL(newfstatat)
{
	if (a3 & ~(K_AT_SYMLINK_NOFOLLOW | K_AT_EMPTY_PATH | 0x800 /* NO_AUTOMOUNT */))
		return -EINVAL;
	return stat_common((int)a0, a1, (int)a3, a2);
}

SYSCALL(stat)
{
	return stat_common(K_AT_FDCWD, a0, 0, a1);
}

SYSCALL(lstat)
{
	return stat_common(K_AT_FDCWD, a0, K_AT_SYMLINK_NOFOLLOW, a1);
}

SYSCALL(fstat)
{
	struct b_stat st;
	int r = file_stat((int)a0, &st);
	return r < 0 ? r : put_stat(a1, &st);
}

static struct l_statx_ts statx_ts(struct b_timespec t)
{
	return (struct l_statx_ts){ t.sec, (uint32_t)t.nsec, 0 };
}

/* Linux's dev_t encoding: major in bits 8..19 and 32..., minor in 0..7
 * and 20..31. */
static uint32_t dev_major(uint64_t d)
{
	return (uint32_t)(((d >> 32) & 0xfffff000) | ((d >> 8) & 0xfff));
}

static uint32_t dev_minor(uint64_t d)
{
	return (uint32_t)(((d >> 12) & 0xffffff00) | (d & 0xff));
}

SYSCALL(statx)
{
	struct b_stat st;
	int flags = (int)a2;
	if (flags & ~(K_AT_SYMLINK_NOFOLLOW | K_AT_EMPTY_PATH | 0x800 | 0x6000))
		return -EINVAL;
	PATH_ARG(path, a1);
	int r = vfs_statat((int)a0, path, flags, &st);
	if (r < 0)
		return r;
	struct l_statx sx;
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = 0x7ff; /* STATX_BASIC_STATS */
	sx.stx_blksize = (uint32_t)st.blksize;
	sx.stx_nlink = (uint32_t)st.nlink;
	sx.stx_uid = st.uid, sx.stx_gid = st.gid;
	sx.stx_mode = (uint16_t)st.mode;
	sx.stx_ino = st.ino, sx.stx_size = (uint64_t)st.size, sx.stx_blocks = (uint64_t)st.blocks;
	sx.stx_atime = statx_ts(st.atime);
	sx.stx_mtime = statx_ts(st.mtime);
	sx.stx_ctime = statx_ts(st.ctime);
	sx.stx_rdev_major = dev_major(st.rdev), sx.stx_rdev_minor = dev_minor(st.rdev);
	sx.stx_dev_major = dev_major(st.dev), sx.stx_dev_minor = dev_minor(st.dev);
	return copy_out((void *)a4, &sx, sizeof(sx)) < 0 ? -EFAULT : 0;
}

SYSCALL(faccessat2)
{
	if (a2 & ~7L)
		return -EINVAL;
	if (a3 & ~(K_AT_SYMLINK_NOFOLLOW | K_AT_EMPTY_PATH | 0x200))
		return -EINVAL;
	PATH_ARG(path, a1);
	if (!path[0] && (a3 & K_AT_EMPTY_PATH)) {
		struct b_stat st;
		return file_stat((int)a0, &st);
	}
	return vfs_accessat((int)a0, path, (int)a2, (int)a3);
}

SYSCALL(faccessat)
{
	return sys_faccessat2(a0, a1, a2, 0, 0, 0);
}

SYSCALL(access)
{
	return sys_faccessat2(K_AT_FDCWD, a0, a1, 0, 0, 0);
}

SYSCALL(readlinkat)
{
	char buf[L_PATH_MAX];
	if ((int)a3 <= 0)
		return -EINVAL;
	PATH_ARG(path, a1);
	long r = vfs_readlinkat((int)a0, path, buf, sizeof(buf));
	if (r < 0)
		return r;
	if (r > a3)
		r = a3;
	return copy_out((void *)a2, buf, (size_t)r) < 0 ? -EFAULT : r;
}

SYSCALL(readlink)
{
	return sys_readlinkat(K_AT_FDCWD, a0, a1, a2, 0, 0);
}

SYSCALL(mkdirat)
{
	PATH_ARG(path, a1);
	return vfs_mkdirat((int)a0, path, (int)a2);
}

SYSCALL(mkdir)
{
	return sys_mkdirat(K_AT_FDCWD, a0, a1, 0, 0, 0);
}

SYSCALL(mknodat)
{
	PATH_ARG(path, a1);
	return vfs_mknodat((int)a0, path, (int)a2);
}

SYSCALL(mknod)
{
	return sys_mknodat(K_AT_FDCWD, a0, a1, a2, 0, 0);
}

SYSCALL(unlinkat)
{
	PATH_ARG(path, a1);
	return vfs_unlinkat((int)a0, path, (int)a2);
}

SYSCALL(unlink)
{
	return sys_unlinkat(K_AT_FDCWD, a0, 0, 0, 0, 0);
}

SYSCALL(rmdir)
{
	return sys_unlinkat(K_AT_FDCWD, a0, K_AT_REMOVEDIR, 0, 0, 0);
}

SYSCALL(renameat2)
{
	PATH_ARG(from, a1);
	PATH_ARG(to, a3);
	return vfs_renameat((int)a0, from, (int)a2, to, (int)a4);
}

SYSCALL(renameat)
{
	return sys_renameat2(a0, a1, a2, a3, 0, 0);
}

SYSCALL(rename)
{
	return sys_renameat2(K_AT_FDCWD, a0, K_AT_FDCWD, a1, 0, 0);
}

SYSCALL(symlinkat)
{
	PATH_ARG(target, a0);
	PATH_ARG(path, a2);
	return vfs_symlinkat(target, (int)a1, path);
}

SYSCALL(symlink)
{
	return sys_symlinkat(a0, K_AT_FDCWD, a1, 0, 0, 0);
}

SYSCALL(linkat)
{
	PATH_ARG(from, a1);
	PATH_ARG(to, a3);
	return vfs_linkat((int)a0, from, (int)a2, to, (int)a4);
}

SYSCALL(link)
{
	return sys_linkat(K_AT_FDCWD, a0, K_AT_FDCWD, a1, 0, 0);
}

SYSCALL(fchmodat)
{
	PATH_ARG(path, a1);
	return vfs_chmodat((int)a0, path, (int)a2);
}

SYSCALL(chmod)
{
	return sys_fchmodat(K_AT_FDCWD, a0, a1, 0, 0, 0);
}

SYSCALL(fchmod)
{
	return file_chmod((int)a0, (int)a1);
}

/* Ownership inside the sandbox cannot change host files; succeed only
 * when nothing would change, as an unprivileged owner would see. */
static long chown_common(int dirfd, long upath, int uid, int gid, int flags)
{
	struct b_stat st;
	int r;
	if (upath) {
		PATH_ARG(path, upath);
		r = vfs_statat(dirfd, path, flags, &st);
	} else {
		r = file_stat(dirfd, &st);
	}
	if (r < 0)
		return r;
	if ((uid == -1 || (uint32_t)uid == st.uid) && (gid == -1 || (uint32_t)gid == st.gid))
		return 0;
	return -EPERM;
}

SYSCALL(fchownat)
{
	return chown_common((int)a0, a1, (int)a2, (int)a3, (int)a4);
}

SYSCALL(chown)
{
	return chown_common(K_AT_FDCWD, a0, (int)a1, (int)a2, 0);
}

SYSCALL(lchown)
{
	return chown_common(K_AT_FDCWD, a0, (int)a1, (int)a2, K_AT_SYMLINK_NOFOLLOW);
}

SYSCALL(fchown)
{
	return chown_common((int)a0, 0, (int)a1, (int)a2, 0);
}

SYSCALL(utimensat)
{
	struct l_timespec lt[2];
	struct b_timespec ts[2];
	if (a2) {
		if (copy_in(lt, (void *)a2, sizeof(lt)) < 0)
			return -EFAULT;
		for (int i = 0; i < 2; i++)
			ts[i] = (struct b_timespec){ lt[i].tv_sec, lt[i].tv_nsec };
	}
	if (!a1)
		return vfs_utimensat((int)a0, NULL, a2 ? ts : NULL, (int)a3);
	PATH_ARG(path, a1);
	return vfs_utimensat((int)a0, path, a2 ? ts : NULL, (int)a3);
}

static long utimes_common(long upath, const struct b_timespec *ts)
{
	PATH_ARG(path, upath);
	return vfs_utimensat(K_AT_FDCWD, path, ts, 0);
}

SYSCALL(utimes)
{
	struct l_timeval tv[2];
	struct b_timespec ts[2];
	if (!a1)
		return utimes_common(a0, NULL);
	if (copy_in(tv, (void *)a1, sizeof(tv)) < 0)
		return -EFAULT;
	for (int i = 0; i < 2; i++)
		ts[i] = (struct b_timespec){ tv[i].tv_sec, tv[i].tv_usec * 1000 };
	return utimes_common(a0, ts);
}

SYSCALL(utime)
{
	int64_t t[2];
	struct b_timespec ts[2];
	if (!a1)
		return utimes_common(a0, NULL);
	if (copy_in(t, (void *)a1, sizeof(t)) < 0)
		return -EFAULT;
	ts[0] = (struct b_timespec){ t[0], 0 };
	ts[1] = (struct b_timespec){ t[1], 0 };
	return utimes_common(a0, ts);
}

SYSCALL(truncate)
{
	PATH_ARG(path, a0);
	return vfs_truncate(path, a1);
}

static long put_statfs(long uptr, const struct b_statfs *s)
{
	struct l_statfs l;
	memset(&l, 0, sizeof(l));
	l.f_type = s->type, l.f_bsize = s->bsize, l.f_blocks = (uint64_t)s->blocks;
	l.f_bfree = (uint64_t)s->bfree, l.f_bavail = (uint64_t)s->bavail;
	l.f_files = (uint64_t)s->files, l.f_ffree = (uint64_t)s->ffree;
	l.f_namelen = s->namelen, l.f_frsize = s->frsize, l.f_flags = s->flags;
	return copy_out((void *)uptr, &l, sizeof(l)) < 0 ? -EFAULT : 0;
}

SYSCALL(statfs)
{
	struct b_statfs s;
	PATH_ARG(path, a0);
	int r = vfs_statfs(path, &s);
	return r < 0 ? r : put_statfs(a1, &s);
}

SYSCALL(fstatfs)
{
	struct b_statfs s;
	int r = file_statfs((int)a0, &s);
	return r < 0 ? r : put_statfs(a1, &s);
}

SYSCALL(getcwd)
{
	char buf[L_PATH_MAX];
	long r = vfs_getcwd(buf, (size_t)a1 < sizeof(buf) ? (size_t)a1 : sizeof(buf));
	if (r < 0)
		return r;
	return copy_out((void *)a0, buf, (size_t)r) < 0 ? -EFAULT : r;
}

SYSCALL(chdir)
{
	PATH_ARG(path, a0);
	return vfs_chdir(path);
}

SYSCALL(fchdir)
{
	return vfs_fchdir((int)a0);
}

SYSCALL(umask)
{
	return proc_umask((int)a0);
}

SYSCALL(memfd_create)
{
	/* A memfd is an unnamed tmpfs file; bento hands out a host memfd
	 * wrapped as a guest file. */
	char name[256];
	long r = copy_in_str(name, (const char *)a0, sizeof(name));
	if (r < 0)
		return r == -ENAMETOOLONG ? -EINVAL : r;
	if (a1 & ~0x7L) /* CLOEXEC ALLOW_SEALING HUGETLB */
		return -EINVAL;
	return file_memfd(name, (int)a1);
}
