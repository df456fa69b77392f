/* tmpfs.c — an in-memory file system: the directory tree lives in bento's
 * memory, each regular file's data in a host memfd (so mmap maps it
 * directly and MAP_SHARED works). Also serves as the synthetic root. */
#include "kernel/kernel.h"

struct tnode {
	char *name;
	uint32_t mode;
	uint64_t ino;
	int nlink;
	int refs;            /* open files + 1 while linked */
	uint32_t uid, gid;
	struct tnode *parent, *children, *next;
	char *target;        /* symlinks */
	int memfd;           /* regular files */
	struct b_timespec atime, mtime, ctime;
};

struct tmpfs {
	struct spinlock lock;
	struct tnode *root;
	uint64_t next_ino;
};

static void now(struct b_timespec *ts)
{
	plat_clock_get(0, ts);
}

static struct tnode *node_new(struct tmpfs *fs, const char *name, uint32_t mode)
{
	struct tnode *n = kzalloc(sizeof(*n));
	if (!n)
		return NULL;
	n->name = kstrdup(name);
	if (!n->name) {
		kfree(n);
		return NULL;
	}
	n->mode = mode;
	n->ino = ++fs->next_ino;
	n->nlink = (mode & K_S_IFMT) == K_S_IFDIR ? 2 : 1;
	n->refs = 1;
	n->memfd = -1;
	n->uid = (uint32_t)kproc->euid;
	n->gid = (uint32_t)kproc->egid;
	now(&n->mtime);
	n->atime = n->ctime = n->mtime;
	return n;
}

static void node_put(struct tnode *n)
{
	if (__atomic_sub_fetch(&n->refs, 1, __ATOMIC_ACQ_REL))
		return;
	if (n->memfd >= 0)
		plat_file_close(n->memfd);
	kfree(n->target);
	kfree(n->name);
	kfree(n);
}

static struct tnode *child(struct tnode *dir, const char *name, size_t len)
{
	for (struct tnode *c = dir->children; c; c = c->next)
		if (strlen(c->name) == len && !memcmp(c->name, name, len))
			return c;
	return NULL;
}

static int is_dir(struct tnode *n)
{
	return (n->mode & K_S_IFMT) == K_S_IFDIR;
}

/* Walk rel. On success *out is the node (or NULL when only the last
 * component is missing, with *parent set). Links on the way give -ELOOP;
 * a final link is returned as the node itself. Caller holds the lock. */
static int walk(struct tmpfs *fs, const char *rel, struct tnode **out, struct tnode **parent,
		const char **last)
{
	struct tnode *cur = fs->root;
	*parent = NULL;
	*last = rel;
	while (*rel) {
		const char *end = strchr(rel, '/');
		size_t len = end ? (size_t)(end - rel) : strlen(rel);
		if ((cur->mode & K_S_IFMT) == K_S_IFLNK)
			return -ELOOP;
		if (!is_dir(cur))
			return -ENOTDIR;
		struct tnode *c = child(cur, rel, len);
		*parent = cur;
		*last = rel;
		if (!c) {
			if (end)
				return -ENOENT;
			*out = NULL;
			return 0;
		}
		cur = c;
		rel = end ? end + 1 : rel + len;
	}
	*out = cur;
	return 0;
}

/* walk() for an existing node: -ENOENT when the last component is
 * missing. Caller holds the lock. */
static int find_node(struct tmpfs *fs, const char *rel, struct tnode **out, struct tnode **parent)
{
	const char *last;
	int r = walk(fs, rel, out, parent, &last);
	return r == 0 && !*out ? -ENOENT : r;
}

static void link_child(struct tnode *dir, struct tnode *n)
{
	n->parent = dir;
	n->next = dir->children;
	dir->children = n;
	if (is_dir(n))
		dir->nlink++;
	now(&dir->mtime);
	dir->ctime = dir->mtime;
}

static void unlink_child(struct tnode *dir, struct tnode *n)
{
	for (struct tnode **pp = &dir->children; *pp; pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			break;
		}
	}
	/* An open file may outlive dir: it must not keep a pointer to it. */
	n->parent = NULL;
	if (is_dir(n))
		dir->nlink--;
	now(&dir->mtime);
	dir->ctime = dir->mtime;
}

/* ---- open files --------------------------------------------------------- */

struct tfile {
	struct tnode *node;
	struct tmpfs *fs;
};

static struct tnode *fnode(struct file *f)
{
	return ((struct tfile *)f->priv)->node;
}

static long tf_read(struct file *f, void *ubuf, size_t n, int64_t *pos)
{
	struct tnode *nd = fnode(f);
	if (is_dir(nd))
		return -EISDIR;
	long r = plat_file_pread(nd->memfd, ubuf, n, *pos);
	if (r > 0)
		*pos += r;
	return r;
}

static long tf_write(struct file *f, const void *ubuf, size_t n, int64_t *pos)
{
	struct tnode *nd = fnode(f);
	long r = plat_file_pwrite(nd->memfd, ubuf, n, *pos);
	if (r > 0) {
		*pos += r;
		now(&nd->mtime);
		nd->ctime = nd->mtime;
	}
	return r;
}

static void fill_stat(struct tnode *n, struct b_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->ino = n->ino;
	st->mode = n->mode;
	st->nlink = (uint64_t)n->nlink;
	st->uid = n->uid;
	st->gid = n->gid;
	st->blksize = 4096;
	st->atime = n->atime, st->mtime = n->mtime, st->ctime = n->ctime;
	if (n->memfd >= 0) {
		struct b_stat h;
		if (plat_file_stat(n->memfd, NULL, &h) == 0)
			st->size = h.size, st->blocks = h.blocks;
	} else if (n->target) {
		st->size = (int64_t)strlen(n->target);
	} else {
		st->size = 4096;
		st->blocks = 8;
	}
}

static int tf_stat(struct file *f, struct b_stat *st)
{
	fill_stat(fnode(f), st);
	st->dev = f->mnt ? f->mnt->dev : 0;
	return 0;
}

int vfs_entry_hidden(const char *dir, const char *name);

static long tf_getdents(struct file *f, void *ubuf, size_t n)
{
	struct tfile *tf = f->priv;
	struct tnode *dir = tf->node;
	if (!is_dir(dir))
		return -ENOTDIR;
	spin_lock(&tf->fs->lock);
	int count = 2;
	for (struct tnode *c = dir->children; c; c = c->next)
		count++;
	struct dirent_src *ents = kmalloc(sizeof(*ents) * (size_t)count);
	char **names = kmalloc(sizeof(char *) * (size_t)count);
	long r = -ENOMEM;
	if (ents && names) {
		int i = 0;
		ents[i++] = (struct dirent_src){ ".", dir->ino, 4, 0 };
		ents[i++] = (struct dirent_src){ "..", dir->parent ? dir->parent->ino : dir->ino, 4, 0 };
		for (struct tnode *c = dir->children; c; c = c->next) {
			if (vfs_entry_hidden(f->path, c->name))
				continue; /* vfs_hide: not listed either */
			/* Names are copied: the tree may change once unlocked. */
			names[i] = kstrdup(c->name);
			ents[i] = (struct dirent_src){ names[i] ? names[i] : "?", c->ino,
						       (unsigned char)((c->mode & K_S_IFMT) >> 12), 0 };
			i++;
		}
		count = i;
		spin_unlock(&tf->fs->lock);
		spin_lock(&f->lock);
		r = dirents_emit(ents, count, &f->pos, ubuf, n);
		spin_unlock(&f->lock);
		for (i = 2; i < count; i++)
			kfree(names[i]);
	} else {
		spin_unlock(&tf->fs->lock);
	}
	kfree(ents);
	kfree(names);
	return r;
}

static long tf_seek(struct file *f, int64_t off, int whence)
{
	struct tnode *nd = fnode(f);
	int64_t base = 0;
	if (whence == 1)
		base = f->pos;
	else if (whence == 2) {
		struct b_stat st;
		fill_stat(nd, &st);
		base = is_dir(nd) ? 0 : st.size;
	} else if (whence != 0)
		return -EINVAL;
	if (base + off < 0)
		return -EINVAL;
	spin_lock(&f->lock);
	f->pos = base + off;
	spin_unlock(&f->lock);
	return f->pos;
}

static int tf_truncate(struct file *f, int64_t len)
{
	struct tnode *nd = fnode(f);
	if (nd->memfd < 0)
		return -EISDIR;
	int r = plat_file_truncate(nd->memfd, len);
	if (r == 0) {
		now(&nd->mtime);
		nd->ctime = nd->mtime;
	}
	return r;
}

static int tf_chmod(struct file *f, int mode)
{
	struct tnode *nd = fnode(f);
	nd->mode = (nd->mode & K_S_IFMT) | ((uint32_t)mode & 07777);
	now(&nd->ctime);
	return 0;
}

static void set_time(struct b_timespec *dst, const struct b_timespec *src)
{
	if (src && src->nsec == ((1L << 30) - 2)) /* UTIME_OMIT */
		return;
	if (!src || src->nsec == ((1L << 30) - 1)) /* UTIME_NOW */
		now(dst);
	else
		*dst = *src;
}

static int tf_utimens(struct file *f, const struct b_timespec ts[2])
{
	struct tnode *nd = fnode(f);
	set_time(&nd->atime, ts ? &ts[0] : NULL);
	set_time(&nd->mtime, ts ? &ts[1] : NULL);
	now(&nd->ctime);
	return 0;
}

static int tf_statfs(struct file *f, struct b_statfs *st)
{
	(void)f;
	memset(st, 0, sizeof(*st));
	st->type = 0x01021994; /* TMPFS_MAGIC */
	st->bsize = st->frsize = 4096;
	st->blocks = st->bfree = st->bavail = 1 << 20;
	st->files = st->ffree = 1 << 20;
	st->namelen = 255;
	return 0;
}

static int tf_map_handle(struct file *f)
{
	struct tnode *nd = fnode(f);
	return nd->memfd >= 0 ? nd->memfd : -ENODEV;
}

static void tf_release(struct file *f)
{
	struct tfile *tf = f->priv;
	node_put(tf->node);
	kfree(tf);
}

static const struct file_ops tmpfs_file_ops = {
	.read = tf_read,
	.write = tf_write,
	.stat = tf_stat,
	.getdents = tf_getdents,
	.truncate = tf_truncate,
	.statfs = tf_statfs,
	.chmod = tf_chmod,
	.utimens = tf_utimens,
	.map_handle = tf_map_handle,
	.seek = tf_seek,
	.release = tf_release,
};

/* ---- file system operations ------------------------------------------ */

static struct tmpfs *fs_of(struct mount *m)
{
	return m->priv;
}

static struct tnode *make_node(struct tmpfs *fs, struct tnode *dir, const char *name, uint32_t mode)
{
	struct tnode *n = node_new(fs, name, mode);
	if (!n)
		return NULL;
	if ((mode & K_S_IFMT) == K_S_IFREG) {
		n->memfd = plat_memfd("tmpfs");
		if (n->memfd < 0) {
			node_put(n);
			return NULL;
		}
	}
	link_child(dir, n);
	return n;
}

static int open_node(struct mount *m, struct tnode *n, int flags, struct file **out)
{
	struct tfile *tf = kzalloc(sizeof(*tf));
	struct file *f = file_alloc(&tmpfs_file_ops, flags, "");
	if (!tf || !f) {
		kfree(tf);
		if (f)
			file_put(f);
		return -ENOMEM;
	}
	__atomic_add_fetch(&n->refs, 1, __ATOMIC_RELAXED);
	tf->node = n;
	tf->fs = fs_of(m);
	f->priv = tf;
	f->mnt = m;
	*out = f;
	return 0;
}

static int check_open(struct tnode *n, int flags)
{
	uint32_t type = n->mode & K_S_IFMT;
	if (flags & K_O_PATH)
		return 0;
	if (type == K_S_IFLNK)
		return -ELOOP;
	if ((flags & K_O_DIRECTORY) && type != K_S_IFDIR)
		return -ENOTDIR;
	if (type == K_S_IFDIR && ((flags & K_O_ACCMODE) != K_O_RDONLY || (flags & K_O_CREAT)))
		return -EISDIR;
	return 0;
}

static int tmpfs_open(struct mount *m, const char *rel, int flags, int mode, struct file **out)
{
	struct tmpfs *fs = fs_of(m);
	struct tnode *n, *parent;
	const char *last;
	spin_lock(&fs->lock);
	int r = walk(fs, rel, &n, &parent, &last);
	if (r == 0 && !n) {
		if (!(flags & K_O_CREAT))
			r = -ENOENT;
		else if (!m->writable)
			r = -EROFS;
		else if (!(n = make_node(fs, parent, last, K_S_IFREG | ((uint32_t)mode & 07777))))
			r = -ENOMEM;
	} else if (r == 0 && (flags & K_O_CREAT) && (flags & K_O_EXCL)) {
		r = -EEXIST;
	} else if (r == 0 && (n->mode & K_S_IFMT) == K_S_IFLNK && (flags & K_O_NOFOLLOW) &&
		   !(flags & K_O_PATH)) {
		r = -ELOOP;
	} else if (r == 0) {
		r = check_open(n, flags);
		if (r == 0 && !m->writable && (flags & K_O_ACCMODE) != K_O_RDONLY && !(flags & K_O_PATH))
			r = -EROFS;
	}
	if (r == 0)
		r = open_node(m, n, flags, out);
	spin_unlock(&fs->lock);
	if (r == 0 && (flags & K_O_TRUNC) && n->memfd >= 0 && (flags & K_O_ACCMODE) != K_O_RDONLY)
		plat_file_truncate(n->memfd, 0);
	return r;
}

static int tmpfs_stat(struct mount *m, const char *rel, struct b_stat *st)
{
	struct tmpfs *fs = fs_of(m);
	struct tnode *n, *parent;
	spin_lock(&fs->lock);
	int r = find_node(fs, rel, &n, &parent);
	if (r == 0) {
		fill_stat(n, st);
		st->dev = m->dev;
	}
	spin_unlock(&fs->lock);
	return r;
}

static long tmpfs_readlink(struct mount *m, const char *rel, char *buf, size_t size)
{
	struct tmpfs *fs = fs_of(m);
	struct tnode *n, *parent;
	spin_lock(&fs->lock);
	long r = find_node(fs, rel, &n, &parent);
	if (r == 0 && !n->target)
		r = -EINVAL;
	if (r == 0) {
		size_t l = strlen(n->target);
		r = (long)(l < size ? l : size);
		memcpy(buf, n->target, (size_t)r);
	}
	spin_unlock(&fs->lock);
	return r;
}

/* Create a node at rel that must not exist yet. */
static int create(struct mount *m, const char *rel, uint32_t mode, const char *target)
{
	struct tmpfs *fs = fs_of(m);
	struct tnode *n, *parent;
	const char *last;
	spin_lock(&fs->lock);
	int r = walk(fs, rel, &n, &parent, &last);
	if (r == 0 && n)
		r = -EEXIST;
	if (r == 0 && !(n = make_node(fs, parent, last, mode)))
		r = -ENOMEM;
	if (r == 0 && target && !(n->target = kstrdup(target))) {
		unlink_child(parent, n);
		node_put(n);
		r = -ENOMEM;
	}
	spin_unlock(&fs->lock);
	return r;
}

static int tmpfs_mkdir(struct mount *m, const char *rel, int mode)
{
	return create(m, rel, K_S_IFDIR | ((uint32_t)mode & 07777), NULL);
}

static int tmpfs_symlink(struct mount *m, const char *target, const char *rel)
{
	return create(m, rel, K_S_IFLNK | 0777, target);
}

static int remove(struct mount *m, const char *rel, int want_dir)
{
	struct tmpfs *fs = fs_of(m);
	struct tnode *n, *parent;
	spin_lock(&fs->lock);
	int r = find_node(fs, rel, &n, &parent);
	if (r == 0 && want_dir && !is_dir(n))
		r = -ENOTDIR;
	if (r == 0 && !want_dir && is_dir(n))
		r = -EISDIR;
	if (r == 0 && want_dir && n->children)
		r = -ENOTEMPTY;
	if (r == 0) {
		unlink_child(parent, n);
		n->nlink = is_dir(n) ? 0 : n->nlink - 1;
		now(&n->ctime);
	}
	spin_unlock(&fs->lock);
	if (r == 0 && n->nlink == 0)
		node_put(n);
	return r;
}

static int tmpfs_unlink(struct mount *m, const char *rel)
{
	return remove(m, rel, 0);
}

static int tmpfs_rmdir(struct mount *m, const char *rel)
{
	return remove(m, rel, 1);
}

static int is_ancestor(struct tnode *a, struct tnode *n)
{
	for (; n; n = n->parent)
		if (n == a)
			return 1;
	return 0;
}

static int tmpfs_rename(struct mount *m, const char *from, const char *to, int flags)
{
	struct tmpfs *fs = fs_of(m);
	struct tnode *src, *sp, *dst, *dp;
	const char *sl, *dl;
	if (flags & ~1) /* RENAME_NOREPLACE only */
		return -EINVAL;
	spin_lock(&fs->lock);
	int r = walk(fs, from, &src, &sp, &sl);
	if (r == 0 && !src)
		r = -ENOENT;
	if (r == 0)
		r = walk(fs, to, &dst, &dp, &dl);
	if (r == 0 && dst && (flags & 1))
		r = -EEXIST;
	if (r == 0 && is_dir(src) && is_ancestor(src, dp))
		r = -EINVAL;
	if (r == 0 && dst && dst != src) {
		if (is_dir(dst) && !is_dir(src))
			r = -EISDIR;
		else if (!is_dir(dst) && is_dir(src))
			r = -ENOTDIR;
		else if (is_dir(dst) && dst->children)
			r = -ENOTEMPTY;
	}
	char *newname = r == 0 ? kstrdup(dl) : NULL;
	if (r == 0 && !newname)
		r = -ENOMEM;
	if (r == 0 && dst != src) {
		if (dst) {
			unlink_child(dp, dst);
			if (--dst->nlink <= 0 || is_dir(dst))
				node_put(dst);
		}
		unlink_child(sp, src);
		kfree(src->name);
		src->name = newname;
		link_child(dp, src);
		now(&src->ctime);
	} else {
		kfree(newname);
	}
	spin_unlock(&fs->lock);
	return r;
}

static int tmpfs_link(struct mount *m, const char *from, const char *to)
{
	(void)m, (void)from, (void)to;
	/* A tree node has one parent; hard links need a separate name
	 * object, which this tmpfs does not have yet. */
	return -EPERM;
}

static int tmpfs_chmod(struct mount *m, const char *rel, int mode)
{
	struct tmpfs *fs = fs_of(m);
	struct tnode *n, *parent;
	spin_lock(&fs->lock);
	int r = find_node(fs, rel, &n, &parent);
	if (r == 0) {
		n->mode = (n->mode & K_S_IFMT) | ((uint32_t)mode & 07777);
		now(&n->ctime);
	}
	spin_unlock(&fs->lock);
	return r;
}

static int tmpfs_statfs(struct mount *m, struct b_statfs *st)
{
	(void)m;
	return tf_statfs(NULL, st);
}

const struct fs_ops tmpfs_ops = {
	.open = tmpfs_open,
	.stat = tmpfs_stat,
	.readlink = tmpfs_readlink,
	.mkdir = tmpfs_mkdir,
	.unlink = tmpfs_unlink,
	.rmdir = tmpfs_rmdir,
	.rename = tmpfs_rename,
	.symlink = tmpfs_symlink,
	.link = tmpfs_link,
	.chmod = tmpfs_chmod,
	.statfs = tmpfs_statfs,
};

int vfs_mount_tmpfs(const char *guest_path)
{
	struct tmpfs *fs = kzalloc(sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	fs->root = node_new(fs, "", K_S_IFDIR | 01777);
	if (!fs->root)
		return -ENOMEM;
	if (!strcmp(guest_path, "/"))
		fs->root->mode = K_S_IFDIR | 0755;
	else {
		const char *rel;
		struct mount *parent = mount_find(guest_path, &rel);
		if (parent && parent->ops == &tmpfs_ops && parent->ops->mkdir)
			parent->ops->mkdir(parent, rel, 0755);
	}
	struct mount *m = mount_add(guest_path, &tmpfs_ops, 1);
	if (!m)
		return -ENOMEM;
	m->priv = fs;
	return 0;
}
