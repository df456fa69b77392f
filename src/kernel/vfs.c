/* vfs.c — the guest's file name space: the mount table and path
 * resolution. Bento resolves every path itself, from the guest's root;
 * file systems see only paths inside one mount, and answer -ELOOP when a
 * path runs into a symbolic link, which is resolved here. */
#include "kernel/kernel.h"

#define MAX_MOUNTS 64
#define MAX_HIDDEN 32
#define MAX_LINKS 40

static struct mount *mounts[MAX_MOUNTS];
static int nmounts;
static char *hidden[MAX_HIDDEN];
static int nhidden;

struct mount *mount_add(const char *path, const struct fs_ops *ops, int writable)
{
	if (nmounts >= MAX_MOUNTS || strlen(path) >= sizeof(mounts[0]->path))
		return NULL;
	struct mount *m = kzalloc(sizeof(*m));
	if (!m)
		return NULL;
	strlcpy(m->path, strcmp(path, "/") ? path : "", sizeof(m->path));
	m->path_len = strlen(m->path);
	m->ops = ops;
	m->writable = writable;
	m->host_dir = -1;
	m->dev = 0x100 + (uint64_t)nmounts;
	mounts[nmounts++] = m;
	return m;
}

/* The root is mounted as "", so "/x" has root-relative path "x". A later
 * mount at the same path hides an earlier one. */
struct mount *mount_find(const char *path, const char **rel)
{
	struct mount *best = NULL;
	for (int i = 0; i < nmounts; i++) {
		struct mount *m = mounts[i];
		size_t l = m->path_len;
		if (strncmp(path, m->path, l) || (path[l] && path[l] != '/'))
			continue;
		if (!best || l >= best->path_len)
			best = m;
	}
	if (best && rel) {
		const char *r = path + best->path_len;
		*rel = *r == '/' ? r + 1 : r;
	}
	return best;
}

void mount_each(void (*fn)(struct mount *m, void *ctx), void *ctx)
{
	for (int i = 0; i < nmounts; i++)
		fn(mounts[i], ctx);
}

int vfs_hide(const char *guest_path)
{
	if (nhidden >= MAX_HIDDEN)
		return -ENOMEM;
	hidden[nhidden] = kstrdup(guest_path);
	return hidden[nhidden] ? (nhidden++, 0) : -ENOMEM;
}

int vfs_is_hidden(const char *canon)
{
	for (int i = 0; i < nhidden; i++) {
		size_t l = strlen(hidden[i]);
		if (!strncmp(canon, hidden[i], l) && (canon[l] == 0 || canon[l] == '/'))
			return 1;
	}
	return 0;
}

/* Is name, inside directory dir (canonical), a hidden entry? */
int vfs_entry_hidden(const char *dir, const char *name)
{
	char full[PATH_MAX_K];
	if (!nhidden)
		return 0;
	strlcpy(full, dir, sizeof(full));
	if (strcmp(dir, "/"))
		strlcat(full, "/", sizeof(full));
	strlcat(full, name, sizeof(full));
	return vfs_is_hidden(full);
}

/* ---- path strings ------------------------------------------------------ */

/* Append the components of src to the absolute path in dst (without a
 * trailing slash, "" for the root), dropping empty and "." components. */
static int path_append(char *dst, size_t n, const char *src)
{
	size_t len = strlen(dst);
	while (*src) {
		while (*src == '/')
			src++;
		const char *end = src;
		while (*end && *end != '/')
			end++;
		size_t cl = (size_t)(end - src);
		if (cl && !(cl == 1 && src[0] == '.')) {
			if (len + 1 + cl >= n)
				return -ENAMETOOLONG;
			dst[len++] = '/';
			memcpy(dst + len, src, cl);
			len += cl;
			dst[len] = 0;
		}
		src = end;
	}
	return 0;
}

/* Index of the first ".." component of p, or -1. */
static long find_dotdot(const char *p)
{
	for (const char *c = p; *c; c++)
		if (c[0] == '/' && c[1] == '.' && c[2] == '.' && (c[3] == '/' || !c[3]))
			return c - p;
	return -1;
}

static int stat_canon(const char *canon, struct b_stat *st)
{
	const char *rel;
	struct mount *m = mount_find(canon[0] ? canon : "/", &rel);
	if (!m)
		return -ENOENT;
	if (!canon[0])
		rel = "";
	return m->ops->stat(m, rel, st);
}

/* Where resolution goes through the link canon (see fs_ops.follow_link). */
static long readlink_canon(const char *canon, char *buf, size_t n)
{
	const char *rel;
	struct mount *m = mount_find(canon, &rel);
	if (m && m->ops->follow_link)
		return m->ops->follow_link(m, rel, buf, n);
	if (!m || !m->ops->readlink)
		return -EINVAL;
	return m->ops->readlink(m, rel, buf, n);
}

/* Find the first symbolic link on the path p[0..len) (the last component
 * counts only when check_final). Returns the length of the prefix that
 * ends at the link, 0 if there is none, or -errno. */
static long find_link(char *p, size_t len, int check_final)
{
	struct b_stat st;
	char save = p[len];
	p[len] = 0;
	int r = stat_canon(p, &st);
	p[len] = save;
	if (r == 0)
		return (check_final && (st.mode & K_S_IFMT) == K_S_IFLNK) ? (long)len : 0;
	if (r != -ELOOP)
		return 0; /* missing or not a directory: the operation will say */
	for (size_t i = 1; i <= len; i++) {
		if (i < len && p[i] != '/')
			continue;
		save = p[i];
		p[i] = 0;
		r = stat_canon(p, &st);
		p[i] = save;
		if (r == 0 && (st.mode & K_S_IFMT) == K_S_IFLNK && (i < len || check_final))
			return (long)i;
		if (r < 0 && r != -ELOOP)
			return 0;
	}
	return 0;
}

/* Replace the link ending at p[link_end] by its target. */
static int splice_link(char *p, size_t n, size_t link_end, size_t root_len)
{
	char target[PATH_MAX_K], out[PATH_MAX_K];
	char c = p[link_end];
	p[link_end] = 0;
	long tl = readlink_canon(p, target, sizeof(target) - 1);
	p[link_end] = c;
	if (tl < 0)
		return (int)tl;
	target[tl] = 0;
	const char *rest = p + link_end; /* p is rewritten only at the end */
	out[0] = 0;
	if (target[0] == '/') {
		/* Absolute: from the root, which RESOLVE_IN_ROOT moves. */
		memcpy(out, p, root_len);
		out[root_len] = 0;
	} else {
		/* Relative: from the directory holding the link. */
		size_t d = link_end;
		while (d > 0 && p[d - 1] != '/')
			d--;
		memcpy(out, p, d ? d - 1 : 0);
		out[d ? d - 1 : 0] = 0;
	}
	if (path_append(out, sizeof(out), target) < 0 || path_append(out, sizeof(out), rest) < 0)
		return -ENAMETOOLONG;
	return strlcpy(p, out, n) >= n ? -ENAMETOOLONG : 0;
}

int vfs_splice_final_link(char *p, size_t n)
{
	const char *rel;
	struct mount *m = mount_find(p, &rel);
	if (!m || m->ops != &hostfs_ops || !*rel)
		return -EAGAIN;
	return splice_link(p, n, strlen(p), 0) < 0 ? -EAGAIN : 0;
}

/* Resolve the absolute, "."-free path p in place (see vfs_resolve).
 * p[0..root_len) is the root: ".." never climbs above it. */
static int resolve_abs(char *p, size_t n, int flags, size_t root_len)
{
	int links = 0;
	for (;;) {
		long dd = find_dotdot(p + root_len);
		if (dd >= 0)
			dd += (long)root_len;
		size_t len = dd >= 0 ? (size_t)dd : strlen(p);
		long at = find_link(p, len, dd >= 0 || (flags & VFS_FOLLOW));
		if (at < 0)
			return (int)at;
		if (at > 0) {
			if (flags & VFS_NO_SYMLINKS)
				return -ELOOP;
			if (++links > MAX_LINKS)
				return -ELOOP;
			int r = splice_link(p, n, (size_t)at, root_len);
			if (r < 0)
				return r;
			continue;
		}
		if (dd < 0)
			return 0;
		if ((flags & VFS_BENEATH) && (size_t)dd == root_len)
			return -EXDEV;
		/* As on Linux, what precedes ".." must be a directory the
		 * guest can see ("/missing/.." is ENOENT, "/file/.." ENOTDIR). */
		struct b_stat st;
		char save = p[dd];
		p[dd] = 0;
		int sr = vfs_is_hidden(p) ? -ENOENT : stat_canon(p, &st);
		p[dd] = save;
		if (sr == 0 && (st.mode & K_S_IFMT) != K_S_IFDIR)
			sr = -ENOTDIR;
		if (sr < 0)
			return sr;
		/* The prefix has no links, so ".." is its lexical parent. */
		size_t parent = (size_t)dd;
		while (parent > root_len && p[parent - 1] != '/')
			parent--;
		size_t cut_from = parent > root_len ? parent - 1 : root_len;
		memmove(p + cut_from, p + dd + 3, strlen(p + dd + 3) + 1);
	}
}

static int base_path(int dirfd, const char *path, char *out, size_t n)
{
	if (path[0] == '/') {
		out[0] = 0;
		return 0;
	}
	if (dirfd == K_AT_FDCWD) {
		strlcpy(out, kproc->cwd, n);
	} else {
		struct file *f = fd_get(dirfd);
		if (!f)
			return -EBADF;
		struct b_stat st;
		int r = f->ops->stat ? f->ops->stat(f, &st) : -ENOTDIR;
		if (r == 0 && (st.mode & K_S_IFMT) != K_S_IFDIR)
			r = -ENOTDIR;
		if (r == 0)
			strlcpy(out, f->path, n);
		file_put(f);
		if (r < 0)
			return r;
	}
	if (!strcmp(out, "/"))
		out[0] = 0;
	return 0;
}

/* Every component must fit NAME_MAX. */
static int names_fit(const char *p)
{
	size_t run = 0;
	for (; *p; p++) {
		run = *p == '/' ? 0 : run + 1;
		if (run > 255)
			return 0;
	}
	return 1;
}

/*
 * For the one-step (lexical) try: replace the links of bento's in-memory
 * root (/lib -> usr/lib and the like) that lead into another mount, which
 * costs no host call, so that "/lib/x86_64-linux-gnu/libc.so.6" becomes a
 * single host open beneath /usr instead of a walk that stats each prefix
 * on the host. 0 when done, -EAGAIN to leave it to the full walk.
 */
static int splice_memory_links(char *p, size_t n, int flags)
{
	for (int i = 0; i < 8; i++) {
		const char *rel;
		struct mount *m = mount_find(p, &rel);
		if (!m || m->ops != &tmpfs_ops)
			return 0;
		long l = find_link(p, strlen(p), flags & VFS_FOLLOW);
		if (l == 0)
			return 0;
		if (l < 0 || splice_link(p, n, (size_t)l, 0) < 0 || find_dotdot(p) >= 0)
			return -EAGAIN;
	}
	return -EAGAIN;
}

int vfs_resolve_ex(int dirfd, const char *kpath, int flags, char *out, size_t n)
{
	if (!kpath[0])
		return -ENOENT;
	if (!names_fit(kpath))
		return -ENAMETOOLONG;
	int scoped = flags & (VFS_BENEATH | VFS_IN_ROOT);
	if ((flags & VFS_BENEATH) && kpath[0] == '/')
		return -EXDEV;
	/* Scoped lookups treat the starting directory as the root. */
	int r = base_path(dirfd, scoped ? "." : kpath, out, n);
	if (r < 0)
		return r;
	size_t root_len = scoped ? strlen(out) : 0;
	/* A trailing slash demands a directory: follow the final link. */
	size_t pl = strlen(kpath);
	if (pl && kpath[pl - 1] == '/')
		flags |= VFS_FOLLOW;
	if ((r = path_append(out, n, kpath)) < 0)
		return r;
	if (flags & VFS_LEXICAL) {
		if (find_dotdot(out) >= 0 || (pl && kpath[pl - 1] == '/') || scoped)
			return -EAGAIN;
		if ((r = splice_memory_links(out, n, flags)) < 0)
			return r;
	} else if ((r = resolve_abs(out, n, flags, root_len)) < 0) {
		return r;
	}
	if (!out[0])
		strlcpy(out, "/", n);
	if (vfs_is_hidden(out))
		return -ENOENT;
	/* "file/" names no directory. */
	struct b_stat st;
	if (pl && kpath[pl - 1] == '/' && stat_canon(out, &st) == 0 &&
	    (st.mode & K_S_IFMT) != K_S_IFDIR)
		return -ENOTDIR;
	return 0;
}

int vfs_resolve(int dirfd, const char *kpath, int follow, char *out, size_t n)
{
	return vfs_resolve_ex(dirfd, kpath, follow ? VFS_FOLLOW : 0, out, n);
}
