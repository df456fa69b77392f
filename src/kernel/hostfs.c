/* hostfs.c — a granted host directory. Every lookup is one host openat2
 * beneath the mount's directory handle that never follows a link (see
 * plat_file_open); links come back as -ELOOP for the VFS to resolve. */
#include "kernel/kernel.h"

static int write_intent(int flags)
{
	return (flags & K_O_ACCMODE) != K_O_RDONLY || (flags & (K_O_CREAT | K_O_TRUNC));
}

static int hostfs_open(struct mount *m, const char *rel, int flags, int mode, struct file **out)
{
	if (write_intent(flags) && !m->writable && !(flags & K_O_PATH)) {
		/* Linux reports a missing file before the read-only fs. */
		struct b_stat st;
		int r = plat_file_stat(m->host_dir, rel, &st);
		if (r < 0 && !(flags & K_O_CREAT))
			return r;
		return (r == 0 && (st.mode & K_S_IFMT) == K_S_IFDIR) ? -EISDIR : -EROFS;
	}
	/* The host's openat2 rejects unknown bits, and most bits with
	 * O_PATH; open(2) ignores them, so drop them here. */
	int known = K_O_ACCMODE | K_O_CREAT | K_O_EXCL | K_O_TRUNC | K_O_APPEND | K_O_NONBLOCK |
		    K_O_DSYNC | 020000 | K_O_DIRECT | K_O_LARGEFILE | K_O_DIRECTORY | K_O_NOFOLLOW |
		    K_O_NOATIME | 04000000 | K_O_TMPFILE;
	int hflags = flags & known;
	if (flags & K_O_PATH)
		hflags = K_O_PATH | (flags & (K_O_DIRECTORY | K_O_NOFOLLOW));
	else
		hflags |= K_O_NOCTTY;
	if ((hflags & K_O_ACCMODE) == 3)
		hflags &= ~K_O_ACCMODE;
	/* open(2) ignores mode bits beyond 07777; openat2 would refuse them. */
	int hfd = plat_file_open(m->host_dir, rel, hflags, mode & 07777);
	if (hfd < 0)
		return hfd;
	struct file *f = host_file_wrap(hfd, flags, "", m);
	if (!f) {
		plat_file_close(hfd);
		return -ENOMEM;
	}
	*out = f;
	return 0;
}

static int hostfs_stat(struct mount *m, const char *rel, struct b_stat *st)
{
	return plat_file_stat(m->host_dir, rel, st);
}

static long hostfs_readlink(struct mount *m, const char *rel, char *buf, size_t n)
{
	long r = plat_file_readlink(m->host_dir, rel, buf, n);
	/* A Linux host answers readlinkat(fd, "") on a non-link with ENOENT;
	 * readlink(2) says EINVAL for a file that exists but is no link. */
	struct b_stat st;
	if (r == -ENOENT && plat_file_stat(m->host_dir, rel, &st) == 0)
		r = -EINVAL;
	return r;
}

/* Split rel into its parent directory, opened as a host handle, and the
 * last component. */
static int open_parent(struct mount *m, const char *rel, char *parent, size_t n, const char **name)
{
	const char *slash = strrchr(rel, '/');
	size_t pl = slash ? (size_t)(slash - rel) : 0;
	if (pl >= n)
		return -ENAMETOOLONG;
	memcpy(parent, rel, pl);
	parent[pl] = 0;
	*name = slash ? slash + 1 : rel;
	return plat_file_open(m->host_dir, parent, K_O_PATH | K_O_DIRECTORY, 0);
}

static int change(struct mount *m, int op, const char *rel, const char *rel2, int mode)
{
	char p1[PATH_MAX_K], p2[PATH_MAX_K];
	const char *n1, *n2 = NULL;
	int d1 = open_parent(m, rel, p1, sizeof(p1), &n1);
	if (d1 < 0)
		return d1;
	int d2 = d1;
	if (rel2) {
		d2 = open_parent(m, rel2, p2, sizeof(p2), &n2);
		if (d2 < 0) {
			plat_file_close(d1);
			return d2;
		}
	}
	int r = plat_file_change(op, d1, n1, d2, n2, mode);
	if (d2 != d1)
		plat_file_close(d2);
	plat_file_close(d1);
	return r;
}

static int hostfs_mkdir(struct mount *m, const char *rel, int mode)
{
	return change(m, PLAT_FS_MKDIR, rel, NULL, mode);
}

static int hostfs_mkfifo(struct mount *m, const char *rel, int mode)
{
	return change(m, PLAT_FS_MKFIFO, rel, NULL, mode);
}

static int hostfs_unlink(struct mount *m, const char *rel)
{
	return change(m, PLAT_FS_UNLINK, rel, NULL, 0);
}

static int hostfs_rmdir(struct mount *m, const char *rel)
{
	return change(m, PLAT_FS_RMDIR, rel, NULL, 0);
}

static int hostfs_rename(struct mount *m, const char *from, const char *to, int flags)
{
	return change(m, PLAT_FS_RENAME, from, to, flags);
}

static int hostfs_symlink(struct mount *m, const char *target, const char *rel)
{
	char p[PATH_MAX_K];
	const char *name;
	int d = open_parent(m, rel, p, sizeof(p), &name);
	if (d < 0)
		return d;
	int r = plat_file_change(PLAT_FS_SYMLINK, -1, target, d, name, 0);
	plat_file_close(d);
	return r;
}

static int hostfs_link(struct mount *m, const char *from, const char *to)
{
	return change(m, PLAT_FS_LINK, from, to, 0);
}

static int hostfs_chmod(struct mount *m, const char *rel, int mode)
{
	return change(m, PLAT_FS_CHMOD_PATH, rel, NULL, mode);
}

static int hostfs_set_times(struct mount *m, const char *rel, const struct b_timespec ts[2])
{
	char p[PATH_MAX_K];
	const char *name;
	int d = open_parent(m, rel, p, sizeof(p), &name);
	if (d < 0)
		return d;
	int r = plat_file_set_times_at(d, name, ts);
	plat_file_close(d);
	return r;
}

static int hostfs_statfs(struct mount *m, struct b_statfs *st)
{
	return plat_file_statfs(m->host_dir, st);
}

const struct fs_ops hostfs_ops = {
	.open = hostfs_open,
	.stat = hostfs_stat,
	.readlink = hostfs_readlink,
	.mkdir = hostfs_mkdir,
	.mkfifo = hostfs_mkfifo,
	.unlink = hostfs_unlink,
	.rmdir = hostfs_rmdir,
	.rename = hostfs_rename,
	.symlink = hostfs_symlink,
	.link = hostfs_link,
	.chmod = hostfs_chmod,
	.set_times = hostfs_set_times,
	.statfs = hostfs_statfs,
};
