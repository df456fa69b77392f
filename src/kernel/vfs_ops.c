/* vfs_ops.c — system-call-level operations on paths: open, stat, access,
 * namespace changes, the current directory. Each resolves the guest path
 * (vfs.c) and calls the mount's file system. */
#include "kernel/kernel.h"

int vfs_entry_hidden(const char *dir, const char *name);

struct target {
	char path[PATH_MAX_K];
	struct mount *m;
	const char *rel;
};

static int lookup_ex(int dirfd, const char *path, int vflags, struct target *t)
{
	int r = vfs_resolve_ex(dirfd, path, vflags, t->path, sizeof(t->path));
	if (r < 0)
		return r;
	t->m = mount_find(t->path, &t->rel);
	if (!t->m)
		return -ENOENT;
	if (!strcmp(t->path, "/"))
		t->rel = "";
	return 0;
}

static int lookup(int dirfd, const char *path, int follow, struct target *t)
{
	return lookup_ex(dirfd, path, follow ? VFS_FOLLOW : 0, t);
}

/* A one-step try on t met a link that may be t's last component: read it
 * and make t the target, again in one step. A host link such as
 * /lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/... then costs
 * one readlink and the retry, where the full walk stats the whole path,
 * reads the link and stats the target again (3 host calls per stat).
 * -EAGAIN leaves it to the walk (no host link there, "..", too deep). */
static __attribute__((noinline)) int next_link(struct target *t, int *hops)
{
	char p[PATH_MAX_K];
	if (++*hops > 8)
		return -EAGAIN;
	strlcpy(p, t->path, sizeof(p));
	int r = vfs_splice_final_link(p, sizeof(p));
	return r < 0 ? r : lookup_ex(K_AT_FDCWD, p, VFS_LEXICAL, t);
}

/* Retry an operation after -ELOOP: resolution normally removes every link
 * first, but a link can appear between the two steps. */
#define TRIES 3

int vfs_openat(int dirfd, const char *path, int flags, int mode)
{
	return vfs_openat2(dirfd, path, flags, mode, 0);
}

/* RESOLVE_* bits of openat2 (Linux numbering). */
static int resolve_flags(int resolve, int flags)
{
	/* O_CREAT|O_EXCL never follows a final link: it fails with EEXIST. */
	int excl = (flags & (K_O_CREAT | K_O_EXCL)) == (K_O_CREAT | K_O_EXCL);
	int v = (flags & K_O_NOFOLLOW) || excl ? 0 : VFS_FOLLOW;
	if (resolve & 0x04) /* RESOLVE_NO_SYMLINKS */
		v |= VFS_NO_SYMLINKS;
	if (resolve & 0x08) /* RESOLVE_BENEATH */
		v |= VFS_BENEATH;
	if (resolve & 0x10) /* RESOLVE_IN_ROOT */
		v |= VFS_IN_ROOT;
	return v;
}

/* O_CREAT of "name/": Linux creates nothing and says EISDIR, once the
 * directory that would hold name resolves (else its lookup error). */
static int create_with_slash(int dirfd, const char *path)
{
	char parent[PATH_MAX_K];
	size_t n = strlen(path);
	if (n >= sizeof(parent))
		return -ENAMETOOLONG;
	while (n > 1 && path[n - 1] == '/')
		n--;
	while (n > 0 && path[n - 1] != '/')
		n--;
	memcpy(parent, path, n);
	parent[n] = 0;
	struct b_stat st;
	int r = vfs_statat(dirfd, n ? parent : ".", 0, &st);
	if (r < 0)
		return r;
	return (st.mode & K_S_IFMT) == K_S_IFDIR ? -EISDIR : -ENOTDIR;
}

int vfs_openat2(int dirfd, const char *path, int flags, int mode, int resolve)
{
	struct file *f;
	struct target t;
	/* Linux refuses these combinations before looking at the path. */
	if ((flags & K_O_CREAT) && (flags & K_O_DIRECTORY) && (flags & K_O_TMPFILE) != K_O_TMPFILE)
		return -EINVAL;
	if ((flags & K_O_TMPFILE) == K_O_TMPFILE && (flags & K_O_ACCMODE) == K_O_RDONLY)
		return -EINVAL;
	if ((flags & K_O_CREAT) && !(flags & K_O_TMPFILE & ~K_O_DIRECTORY))
		mode &= ~kproc->umask;
	if ((flags & K_O_CREAT) && (flags & K_O_TMPFILE) != K_O_TMPFILE && path[0] &&
	    path[strlen(path) - 1] == '/')
		return create_with_slash(dirfd, path);
	/* First in one step; only a link in the way needs the full walk. */
	int r = resolve ? -EAGAIN : lookup_ex(dirfd, path, VFS_LEXICAL, &t);
	for (int hops = 0;;) {
		if (r == 0)
			r = t.m->ops->open ? t.m->ops->open(t.m, t.rel, flags & ~K_O_CLOEXEC, mode, &f) :
					     -ENOENT;
		if (r != -ELOOP || !(resolve_flags(0, flags) & VFS_FOLLOW))
			break;
		r = next_link(&t, &hops);
	}
	if (r == -EAGAIN || r == -ELOOP) {
		r = lookup_ex(dirfd, path, resolve_flags(resolve, flags), &t);
		if (r < 0)
			return r;
		if (!t.m->ops->open)
			return -ENOENT;
		r = t.m->ops->open(t.m, t.rel, flags & ~K_O_CLOEXEC, mode, &f);
	}
	if (r < 0)
		return r;
	f->mnt = t.m;
	/* A file system may name the file itself (a reopened pipe). */
	if (!f->path[0]) {
		char *p = kstrdup(t.path);
		if (p) {
			kfree(f->path);
			f->path = p;
		}
	}
	r = fd_install(f, flags & K_O_CLOEXEC);
	if (r < 0)
		file_put(f);
	return r;
}

static int stat_target(struct target *t, struct b_stat *st)
{
	int r = t->m->ops->stat(t->m, t->rel, st);
	if (r == 0 && t->m->host_dir < 0 && !st->dev)
		st->dev = t->m->dev;
	return r;
}

/* Resolve path and stat what it names, first in one step (one host stat
 * for a host path), following a final link in one step too; the full
 * walk only when a link is in the way elsewhere or the path has "..". */
static int stat_lookup(int dirfd, const char *path, int follow, struct target *t, struct b_stat *st)
{
	int r = lookup_ex(dirfd, path, VFS_LEXICAL, t);
	for (int hops = 0; r == 0;) {
		r = stat_target(t, st);
		if (r == -ELOOP)
			break; /* a link before the last component: walk */
		if (r != 0 || !follow || (st->mode & K_S_IFMT) != K_S_IFLNK)
			return r;
		r = next_link(t, &hops);
	}
	if (r != -EAGAIN && r != -ELOOP)
		return r;
	r = lookup(dirfd, path, follow, t);
	if (r < 0)
		return r;
	return stat_target(t, st);
}

int vfs_statat(int dirfd, const char *path, int flags, struct b_stat *st)
{
	if (!path[0] && (flags & K_AT_EMPTY_PATH))
		return file_stat(dirfd, st);
	struct target t;
	return stat_lookup(dirfd, path, !(flags & K_AT_SYMLINK_NOFOLLOW), &t, st);
}

/* Permission check against the guest's credentials; a read-only mount
 * refuses W_OK with EROFS as Linux does. */
int vfs_accessat(int dirfd, const char *path, int mode, int flags)
{
	struct target t;
	struct b_stat st;
	int r = stat_lookup(dirfd, path, !(flags & K_AT_SYMLINK_NOFOLLOW), &t, &st);
	if (r < 0)
		return r;
	if (mode == 0)
		return 0;
	if ((mode & 2) && !t.m->writable)
		return -EROFS;
	struct process *p = kproc;
	int uid = (flags & 0x200 /* AT_EACCESS */) ? p->euid : p->ruid;
	int gid = (flags & 0x200) ? p->egid : p->rgid;
	if (uid == 0) {
		if ((mode & 1) && !(st.mode & 0111) && (st.mode & K_S_IFMT) != K_S_IFDIR)
			return -EACCES;
		return 0;
	}
	int shift = uid == (int)st.uid ? 6 : gid == (int)st.gid ? 3 : 0;
	if (shift == 0 && cred_in_group(st.gid))
		shift = 3;
	return ((st.mode >> shift) & mode) == (unsigned)mode ? 0 : -EACCES;
}

long vfs_readlinkat(int dirfd, const char *path, char *buf, size_t n)
{
	if (!path[0]) {
		struct file *f = fd_get(dirfd);
		if (!f)
			return -EBADF;
		file_put(f);
		return -ENOENT;
	}
	struct target t;
	int r = lookup(dirfd, path, 0, &t);
	if (r < 0)
		return r;
	if (!t.m->ops->readlink)
		return -EINVAL;
	return t.m->ops->readlink(t.m, t.rel, buf, n);
}

static int writable_target(int dirfd, const char *path, struct target *t)
{
	int r = lookup(dirfd, path, 0, t);
	if (r < 0)
		return r;
	if (!t->rel[0])
		return -EBUSY; /* a mount point itself */
	return t->m->writable ? 0 : -EROFS;
}

/* Where a new name is to be made: as writable_target, but a name that
 * exists already is -EEXIST even on a read-only mount (mkdir's order). */
static int creation_target(int dirfd, const char *path, struct target *t)
{
	int r = writable_target(dirfd, path, t);
	if (r == -EBUSY || (r == -EROFS && stat_target(t, &(struct b_stat){ 0 }) == 0))
		return -EEXIST;
	return r;
}

int vfs_mkdirat(int dirfd, const char *path, int mode)
{
	struct target t;
	int r = creation_target(dirfd, path, &t);
	if (r < 0)
		return r;
	return t.m->ops->mkdir ? t.m->ops->mkdir(t.m, t.rel, mode & ~kproc->umask & 07777) : -EPERM;
}

/* A regular file by mknod is an exclusive create, closed at once. */
static int mknod_regular(int dirfd, const char *path, int perm)
{
	int fd = vfs_openat(dirfd, path, K_O_CREAT | K_O_EXCL | K_O_WRONLY | K_O_CLOEXEC, perm);
	return fd < 0 ? fd : fd_close(fd);
}

int vfs_mknodat(int dirfd, const char *path, int mode)
{
	int type = mode & K_S_IFMT, perm = mode & 07777;
	if (type == 0 || type == K_S_IFREG)
		return mknod_regular(dirfd, path, perm);
	if (type != K_S_IFIFO)
		return type == K_S_IFCHR || type == K_S_IFBLK || type == K_S_IFSOCK ? -EPERM : -EINVAL;
	struct target t;
	int r = creation_target(dirfd, path, &t);
	if (r < 0)
		return r;
	return t.m->ops->mkfifo ? t.m->ops->mkfifo(t.m, t.rel, perm & ~kproc->umask) : -EPERM;
}

int vfs_unlinkat(int dirfd, const char *path, int flags)
{
	struct target t;
	if (flags & ~K_AT_REMOVEDIR)
		return -EINVAL;
	int r = writable_target(dirfd, path, &t);
	if (r < 0)
		return r;
	if (flags & K_AT_REMOVEDIR)
		return t.m->ops->rmdir ? t.m->ops->rmdir(t.m, t.rel) : -EPERM;
	return t.m->ops->unlink ? t.m->ops->unlink(t.m, t.rel) : -EPERM;
}

int vfs_renameat(int olddir, const char *oldpath, int newdir, const char *newpath, int flags)
{
	struct target a, b;
	int r = writable_target(olddir, oldpath, &a);
	if (r < 0)
		return r;
	if ((r = writable_target(newdir, newpath, &b)) < 0)
		return r;
	if (a.m != b.m)
		return -EXDEV;
	return a.m->ops->rename ? a.m->ops->rename(a.m, a.rel, b.rel, flags) : -EPERM;
}

int vfs_symlinkat(const char *target, int dirfd, const char *path)
{
	struct target t;
	int r = writable_target(dirfd, path, &t);
	if (r < 0)
		return r;
	if (!target[0])
		return -ENOENT;
	return t.m->ops->symlink ? t.m->ops->symlink(t.m, target, t.rel) : -EPERM;
}

int vfs_linkat(int olddir, const char *oldpath, int newdir, const char *newpath, int flags)
{
	struct target a, b;
	int r = lookup(olddir, oldpath, !!(flags & K_AT_SYMLINK_FOLLOW), &a);
	if (r < 0)
		return r;
	if ((r = writable_target(newdir, newpath, &b)) < 0)
		return r;
	if (a.m != b.m)
		return -EXDEV;
	return a.m->ops->link ? a.m->ops->link(a.m, a.rel, b.rel) : -EPERM;
}

int vfs_chmodat(int dirfd, const char *path, int mode)
{
	struct target t;
	int r = lookup(dirfd, path, 1, &t);
	if (r < 0)
		return r;
	if (!t.m->writable)
		return -EROFS;
	return t.m->ops->chmod ? t.m->ops->chmod(t.m, t.rel, mode & 07777) : -EPERM;
}

/* Open the target and act on the open file, so each file system needs
 * only the descriptor form. */
static int with_opened(int dirfd, const char *path, int oflags, int (*fn)(int fd, void *ctx), void *ctx)
{
	int fd = vfs_openat(dirfd, path, oflags | K_O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	int r = fn(fd, ctx);
	fd_close(fd);
	return r;
}

static int utimens_fd(int fd, void *ctx)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	int r = f->ops->utimens ? f->ops->utimens(f, ctx) : -EPERM;
	file_put(f);
	return r;
}

/* Times by name, for a link itself or a file that does not open; err is
 * what opening it said, returned where the file system cannot help. */
static int times_by_name(int dirfd, const char *path, const struct b_timespec ts[2], int follow, int err)
{
	struct target t;
	int r = lookup(dirfd, path, follow, &t);
	if (r < 0)
		return r;
	if (!t.m->ops->set_times)
		return err;
	if (!t.m->writable)
		return -EROFS;
	r = t.m->ops->set_times(t.m, t.rel, ts);
	return r == -EOPNOTSUPP ? err : r;
}

int vfs_utimensat(int dirfd, const char *path, const struct b_timespec ts[2], int flags)
{
	if (!path || (!path[0] && (flags & K_AT_EMPTY_PATH)))
		return utimens_fd(dirfd, (void *)ts);
	int nofollow = !!(flags & K_AT_SYMLINK_NOFOLLOW);
	int of = nofollow ? K_O_NOFOLLOW : 0;
	int r = with_opened(dirfd, path, K_O_WRONLY | of, utimens_fd, (void *)ts);
	if (r == -EISDIR || r == -EACCES)
		r = with_opened(dirfd, path, K_O_RDONLY | of, utimens_fd, (void *)ts);
	if ((r == -ELOOP && nofollow) || r == -EACCES)
		r = times_by_name(dirfd, path, ts, !nofollow, r);
	return r;
}

static int truncate_fd(int fd, void *ctx)
{
	return file_truncate(fd, *(int64_t *)ctx);
}

int vfs_truncate(const char *path, int64_t len)
{
	return with_opened(K_AT_FDCWD, path, K_O_WRONLY, truncate_fd, &len);
}

static int statfs_fd(int fd, void *ctx)
{
	return file_statfs(fd, ctx);
}

int vfs_statfs(const char *path, struct b_statfs *st)
{
	return with_opened(K_AT_FDCWD, path, K_O_PATH, statfs_fd, st);
}

int vfs_chdir(const char *path)
{
	struct target t;
	struct b_stat st;
	int r = lookup(K_AT_FDCWD, path, 1, &t);
	if (r < 0 || (r = stat_target(&t, &st)) < 0)
		return r;
	if ((st.mode & K_S_IFMT) != K_S_IFDIR)
		return -ENOTDIR;
	strlcpy(kproc->cwd, t.path, sizeof(kproc->cwd));
	return 0;
}

int vfs_fchdir(int fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	struct b_stat st;
	int r = f->ops->stat ? f->ops->stat(f, &st) : -ENOTDIR;
	if (r == 0 && (st.mode & K_S_IFMT) != K_S_IFDIR)
		r = -ENOTDIR;
	if (r == 0)
		strlcpy(kproc->cwd, f->path, sizeof(kproc->cwd));
	file_put(f);
	return r;
}

int vfs_realpath(int dirfd, const char *path, char *out, size_t n)
{
	return vfs_resolve(dirfd, path, 1, out, n);
}

int fd_path(int fd, char *out, size_t n)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	strlcpy(out, f->path, n);
	file_put(f);
	return 0;
}

long vfs_getcwd(char *buf, size_t n)
{
	size_t l = strlen(kproc->cwd) + 1;
	if (l > n)
		return -ERANGE;
	memcpy(buf, kproc->cwd, l);
	return (long)l;
}

int vfs_open_exec(const char *path, struct file **out, char *canon, size_t n)
{
	struct target t;
	struct b_stat st;
	int r = lookup(K_AT_FDCWD, path, 1, &t);
	if (r < 0 || (r = stat_target(&t, &st)) < 0)
		return r;
	if ((st.mode & K_S_IFMT) == K_S_IFDIR)
		return -EISDIR;
	if ((st.mode & K_S_IFMT) != K_S_IFREG || !(st.mode & 0111))
		return -EACCES;
	if ((r = t.m->ops->open(t.m, t.rel, K_O_RDONLY, 0, out)) < 0)
		return r;
	(*out)->mnt = t.m;
	strlcpy(canon, t.path, n);
	return 0;
}

/* ---- mount set-up ------------------------------------------------------ */

/* Make sure the mount point exists as a directory in its parent mount,
 * so that listings and stat see it. */
static void make_mount_point(const char *path)
{
	const char *rel;
	struct mount *m = mount_find(path, &rel);
	if (m && rel[0] && m->ops->mkdir && m->ops == &tmpfs_ops)
		m->ops->mkdir(m, rel, 0755);
}

static void make_mount_point_tree(const char *path)
{
	char partial[PATH_MAX_K];
	for (size_t i = 1; path[i - 1]; i++) {
		if (path[i] == '/' || !path[i]) {
			memcpy(partial, path, i);
			partial[i] = 0;
			make_mount_point(partial);
		}
	}
}

int vfs_mount_host(const char *guest_path, int host_dir, int writable)
{
	if (strcmp(guest_path, "/"))
		make_mount_point_tree(guest_path);
	struct mount *m = mount_add(guest_path, &hostfs_ops, writable);
	if (!m)
		return -ENOMEM;
	m->host_dir = host_dir;
	return 0;
}

int vfs_add_symlink(const char *guest_path, const char *target)
{
	const char *rel;
	struct mount *m = mount_find(guest_path, &rel);
	if (!m || !m->ops->symlink)
		return -EPERM;
	return m->ops->symlink(m, target, rel);
}

/* Filter hidden entries out of a directory listing in kernel memory. */
long vfs_filter_dirents(const char *dir, char *buf, long len)
{
	long out = 0;
	for (long off = 0; off < len;) {
		uint16_t reclen;
		memcpy(&reclen, buf + off + 16, 2);
		if (!vfs_entry_hidden(dir, buf + off + 19)) {
			memmove(buf + out, buf + off, reclen);
			out += reclen;
		}
		off += reclen;
	}
	return out;
}
