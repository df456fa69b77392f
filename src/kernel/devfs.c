/* devfs.c — bento's /dev: a fixed set of character devices (null, zero,
 * full, random, urandom, tty), the stdio links into /proc/self/fd, the
 * pts directory (holding only the terminal the guest inherited, if any)
 * and the shm directory (a tmpfs mounted on top). Nothing here reaches
 * the host except the randomness of /dev/random, the memfd behind mmap
 * of /dev/zero and the inherited terminal behind /dev/tty and /dev/pts.
 *
 * Also home of file_reopen(), the open file description that stands for
 * another one (/dev/tty, /proc/self/fd/N of a pipe). */
#include "kernel/kernel.h"
#include "lib/fmt.h"

#define DT_DIR 4
#define DT_CHR 2
#define DT_LNK 10

/* One entry of /dev. */
struct dev_ent {
	const char *name;
	uint32_t mode;               /* type and permission bits */
	uint32_t rdev;               /* Linux (major << 8) | minor */
	const char *target;          /* symbolic links */
	const struct file_ops *ops;  /* character devices */
};

/* Per-open state of a device file. */
struct devfile {
	const struct dev_ent *ent;   /* NULL for a plain reopened file */
	int memfd;                   /* /dev/zero's mapping source, or -1 */
	struct file *inner;          /* reopened file (/dev/tty), or NULL */
};

struct devfs {
	struct b_timespec time;      /* every entry's timestamps */
};

static const struct file_ops null_ops, zero_ops, full_ops, random_ops, tty_ops;

static const struct dev_ent dev_root = { "", K_S_IFDIR | 0755, 0, NULL, NULL };
/* Stands for any name inside /dev/pts; pts_lookup decides. */
static const struct dev_ent pts_ent = { "", K_S_IFCHR | 0620, 0, NULL, NULL };

static const struct dev_ent dev_table[] = {
	{ "null", K_S_IFCHR | 0666, (1 << 8) | 3, NULL, &null_ops },
	{ "zero", K_S_IFCHR | 0666, (1 << 8) | 5, NULL, &zero_ops },
	{ "full", K_S_IFCHR | 0666, (1 << 8) | 7, NULL, &full_ops },
	{ "random", K_S_IFCHR | 0666, (1 << 8) | 8, NULL, &random_ops },
	{ "urandom", K_S_IFCHR | 0666, (1 << 8) | 9, NULL, &random_ops },
	{ "tty", K_S_IFCHR | 0666, (5 << 8) | 0, NULL, &tty_ops },
	{ "stdin", K_S_IFLNK | 0777, 0, "/proc/self/fd/0", NULL },
	{ "stdout", K_S_IFLNK | 0777, 0, "/proc/self/fd/1", NULL },
	{ "stderr", K_S_IFLNK | 0777, 0, "/proc/self/fd/2", NULL },
	{ "fd", K_S_IFLNK | 0777, 0, "/proc/self/fd", NULL },
	{ "pts", K_S_IFDIR | 0755, 0, NULL, NULL },
	{ "shm", K_S_IFDIR | 01777, 0, NULL, NULL },
};

#define NDEV ((int)(sizeof(dev_table) / sizeof(dev_table[0])))

static uint32_t ent_type(const struct dev_ent *e)
{
	return e->mode & K_S_IFMT;
}

/* Inode numbers: 1 for the root, 2.. for the table. */
static uint64_t ent_ino(const struct dev_ent *e)
{
	return e == &dev_root ? 1 : (uint64_t)(e - dev_table) + 2;
}

/* Status of entry e of mount m (m may be NULL for a file without one). */
static void ent_stat(const struct dev_ent *e, struct mount *m, struct b_stat *st)
{
	struct devfs *fs = m ? m->priv : NULL;
	memset(st, 0, sizeof(*st));
	st->dev = m ? m->dev : 0;
	st->ino = ent_ino(e);
	st->mode = e->mode;
	st->nlink = ent_type(e) == K_S_IFDIR ? 2 : 1;
	if (e == &dev_root)
		st->nlink = 4; /* ".", and ".." of pts and shm */
	st->rdev = e->rdev;
	st->blksize = 4096;
	if (e->target)
		st->size = (int64_t)strlen(e->target);
	if (fs)
		st->atime = st->mtime = st->ctime = fs->time;
}

/* The entry named by rel: 0 and *out, -ENOENT, -ENOTDIR, or -ELOOP when
 * a link lies on the way (the VFS resolves it). Names inside /dev/pts
 * give pts_ent, still to be checked with pts_lookup. */
static int lookup(const char *rel, const struct dev_ent **out)
{
	if (!rel[0]) {
		*out = &dev_root;
		return 0;
	}
	const char *slash = strchr(rel, '/');
	size_t len = slash ? (size_t)(slash - rel) : strlen(rel);
	for (int i = 0; i < NDEV; i++) {
		const struct dev_ent *e = &dev_table[i];
		if (strlen(e->name) != len || memcmp(e->name, rel, len))
			continue;
		if (!slash) {
			*out = e;
			return 0;
		}
		if (e->target)
			return -ELOOP;
		if (!strcmp(e->name, "pts") && !strchr(slash + 1, '/')) {
			*out = &pts_ent;
			return 0;
		}
		return ent_type(e) == K_S_IFDIR ? -ENOENT : -ENOTDIR;
	}
	return -ENOENT;
}

/* ---- device files -------------------------------------------------------- */

static const struct dev_ent *fent(struct file *f)
{
	return ((struct devfile *)f->priv)->ent;
}

static int dev_fstat(struct file *f, struct b_stat *st)
{
	ent_stat(fent(f), f->mnt, st);
	return 0;
}

/* Devices have no file position: seeking always lands on 0. */
static long dev_seek(struct file *f, int64_t off, int whence)
{
	(void)f, (void)off, (void)whence;
	return 0;
}

static long null_read(struct file *f, void *ubuf, size_t n, int64_t *pos)
{
	(void)f, (void)ubuf, (void)n, (void)pos;
	return 0;
}

/* Writes to null, zero and the random devices are accepted and dropped. */
static long sink_write(struct file *f, const void *ubuf, size_t n, int64_t *pos)
{
	(void)f, (void)ubuf, (void)pos;
	return (long)n;
}

static long full_write(struct file *f, const void *ubuf, size_t n, int64_t *pos)
{
	(void)f, (void)ubuf, (void)n, (void)pos;
	return -ENOSPC;
}

/* Fill n bytes of ubuf from fill(), or with zeros when fill is NULL
 * (copied straight from a constant block: /dev/zero's 1-byte reads are
 * a fast-path benchmark); returns bytes copied or -errno when nothing
 * could be. */
static long fill_user(void *ubuf, size_t n, int (*fill)(void *buf, size_t len))
{
	static const char zeros[512];
	char buf[sizeof(zeros)];
	const char *src = fill ? buf : zeros;
	size_t done = 0;
	while (done < n) {
		size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);
		int r = fill ? fill(buf, k) : 0;
		if (r == 0 && copy_out((char *)ubuf + done, src, k) < 0)
			r = -EFAULT;
		if (r < 0)
			return done ? (long)done : r;
		done += k;
	}
	return (long)done;
}

static long zero_read(struct file *f, void *ubuf, size_t n, int64_t *pos)
{
	(void)f, (void)pos;
	return fill_user(ubuf, n, NULL);
}

static long random_read(struct file *f, void *ubuf, size_t n, int64_t *pos)
{
	(void)f, (void)pos;
	return fill_user(ubuf, n, plat_random);
}

/* mmap of /dev/zero: a sparse memfd as large as any offset a guest may
 * use, one per open file. MAP_PRIVATE gives private zero pages as on
 * Linux; MAP_SHARED mappings of one open file share their pages. */
static int zero_map_handle(struct file *f)
{
	struct devfile *df = f->priv;
	spin_lock(&f->lock);
	if (df->memfd < 0) {
		int h = plat_memfd("dev-zero");
		if (h >= 0 && plat_file_truncate(h, (int64_t)1 << 46) < 0) {
			plat_file_close(h);
			h = -1;
		}
		df->memfd = h < 0 ? -1 : h;
	}
	int r = df->memfd >= 0 ? df->memfd : -ENODEV;
	spin_unlock(&f->lock);
	return r;
}

static void dev_release(struct file *f)
{
	struct devfile *df = f->priv;
	if (df->memfd >= 0)
		plat_file_close(df->memfd);
	if (df->inner)
		file_put(df->inner);
	kfree(df);
}

static const struct file_ops null_ops = {
	.read = null_read, .write = sink_write, .stat = dev_fstat,
	.seek = dev_seek, .release = dev_release,
};

static const struct file_ops zero_ops = {
	.read = zero_read, .write = sink_write, .stat = dev_fstat,
	.map_handle = zero_map_handle, .seek = dev_seek, .release = dev_release,
};

static const struct file_ops full_ops = {
	.read = zero_read, .write = full_write, .stat = dev_fstat,
	.seek = dev_seek, .release = dev_release,
};

static const struct file_ops random_ops = {
	.read = random_read, .write = sink_write, .stat = dev_fstat,
	.seek = dev_seek, .release = dev_release,
};

/* Directories and O_PATH handles of links: status and listing only. */
static long dir_getdents(struct file *f, void *ubuf, size_t n);

static const struct file_ops node_ops = {
	.stat = dev_fstat, .getdents = dir_getdents, .release = dev_release,
};

/* ---- reopened files (/dev/tty, /proc/self/fd/N) -------------------------- */

/* Every operation of a reopened file goes to the file it stands for. */
static struct file *inner_of(struct file *f)
{
	return ((struct devfile *)f->priv)->inner;
}

static long re_read(struct file *f, void *ubuf, size_t n, int64_t *pos)
{
	struct file *in = inner_of(f);
	return in->ops->read ? in->ops->read(in, ubuf, n, pos) : -EINVAL;
}

static long re_write(struct file *f, const void *ubuf, size_t n, int64_t *pos)
{
	struct file *in = inner_of(f);
	return in->ops->write ? in->ops->write(in, ubuf, n, pos) : -EINVAL;
}

static int re_stat(struct file *f, struct b_stat *st)
{
	struct file *in = inner_of(f);
	return in->ops->stat ? in->ops->stat(in, st) : -EINVAL;
}

static long re_getdents(struct file *f, void *ubuf, size_t n)
{
	struct file *in = inner_of(f);
	return in->ops->getdents ? in->ops->getdents(in, ubuf, n) : -ENOTDIR;
}

static int re_ioctl(struct file *f, unsigned long req, void *uarg)
{
	struct file *in = inner_of(f);
	return in->ops->ioctl ? in->ops->ioctl(in, req, uarg) : -ENOTTY;
}

static int re_truncate(struct file *f, int64_t len)
{
	struct file *in = inner_of(f);
	return in->ops->truncate ? in->ops->truncate(in, len) : -EINVAL;
}

static int re_sync(struct file *f)
{
	struct file *in = inner_of(f);
	return in->ops->sync ? in->ops->sync(in) : 0;
}

static int re_statfs(struct file *f, struct b_statfs *st)
{
	struct file *in = inner_of(f);
	if (in->ops->statfs)
		return in->ops->statfs(in, st);
	return in->mnt && in->mnt->ops->statfs ? in->mnt->ops->statfs(in->mnt, st) : -ENOSYS;
}

static int re_chmod(struct file *f, int mode)
{
	struct file *in = inner_of(f);
	return in->ops->chmod ? in->ops->chmod(in, mode) : -EPERM;
}

static int re_utimens(struct file *f, const struct b_timespec ts[2])
{
	struct file *in = inner_of(f);
	return in->ops->utimens ? in->ops->utimens(in, ts) : -EPERM;
}

static short re_poll(struct file *f, short events)
{
	struct file *in = inner_of(f);
	return in->ops->poll ? in->ops->poll(in, events) : (short)(events & (1 | 4));
}

static int re_map_handle(struct file *f)
{
	struct file *in = inner_of(f);
	return in->ops->map_handle ? in->ops->map_handle(in) : -ENODEV;
}

/* A position kept by the host belongs to the inner file; otherwise the
 * reopened file keeps its own (streams never get here: ESPIPE). */
static long re_seek(struct file *f, int64_t off, int whence)
{
	struct file *in = inner_of(f);
	if (in->ops->host_offset)
		return in->ops->seek ? in->ops->seek(in, off, whence) : -ESPIPE;
	struct b_stat st;
	if (re_stat(f, &st) < 0)
		return -ESPIPE;
	int64_t base = whence == 0 ? 0 : whence == 1 ? f->pos : whence == 2 ? st.size : -1;
	if (base < 0 || base + off < 0)
		return -EINVAL;
	spin_lock(&f->lock);
	f->pos = base + off;
	spin_unlock(&f->lock);
	return (long)(base + off);
}

struct inner_search {
	struct file *inner;
	int found;
};

static void find_inner(int fd, struct file *f, void *ctx)
{
	(void)fd;
	struct inner_search *s = ctx;
	s->found |= f == s->inner;
}

/* A forked process holds a copy of the reopened file and so of the inner
 * one; tell the inner file unless the descriptor table already did. */
static void re_forked(struct file *f, int delta)
{
	struct file *in = inner_of(f);
	if (!in->ops->forked)
		return;
	struct inner_search s = { in, 0 };
	fd_each(find_inner, &s);
	if (!s.found)
		in->ops->forked(in, delta);
}

/* Three variants: the inner file's position rules (a stream, a host-kept
 * position, or a position of its own) pass through to it. */
#define REOPEN_OPS                                                                  	.read = re_read, .write = re_write, .stat = re_stat, .getdents = re_getdents,   	.ioctl = re_ioctl, .truncate = re_truncate, .sync = re_sync, .statfs = re_statfs, 	.chmod = re_chmod, .utimens = re_utimens, .poll = re_poll,                      	.map_handle = re_map_handle, .seek = re_seek, .release = dev_release,           	.forked = re_forked

static const struct file_ops reopen_ops = { REOPEN_OPS };
static const struct file_ops reopen_stream_ops = { REOPEN_OPS, .stream = 1 };
static const struct file_ops reopen_host_ops = { REOPEN_OPS, .host_offset = 1 };

/* /dev/tty: the terminal, but with the status of /dev/tty itself. */
static const struct file_ops tty_ops = {
	.read = re_read, .write = re_write, .stat = dev_fstat, .ioctl = re_ioctl,
	.poll = re_poll, .release = dev_release, .forked = re_forked, .stream = 1,
};

/* Wrap inner in a new file with ops; ent names the device, if any. */
static struct file *wrap(const struct file_ops *ops, struct file *inner, int flags,
			 const struct dev_ent *ent, const char *path)
{
	struct devfile *df = kzalloc(sizeof(*df));
	struct file *f = df ? file_alloc(ops, flags, path) : NULL;
	if (!f) {
		kfree(df);
		return NULL;
	}
	df->ent = ent;
	df->memfd = -1;
	df->inner = inner;
	if (inner)
		file_get(inner);
	f->priv = df;
	return f;
}

struct file *file_reopen(struct file *inner, int flags)
{
	const struct file_ops *ops = inner->ops->stream ? &reopen_stream_ops :
				     inner->ops->host_offset ? &reopen_host_ops : &reopen_ops;
	struct file *f = wrap(ops, inner, flags, NULL, inner->path);
	if (f)
		f->mnt = inner->mnt;
	return f;
}

/* ---- the terminal ---------------------------------------------------------- */

static struct spinlock term_lock = SPINLOCK_INIT;
static struct file *term_file;   /* the terminal, once found (one reference) */

/* Is f a host terminal? (TCGETS answers only for terminals.) */
static int is_terminal(struct file *f)
{
	char termios[64];
	if (f->host_fd < 0 || !f->ops->ioctl)
		return 0;
	return plat_file_ioctl(f->host_fd, 0x5401 /* TCGETS */, termios) == 0;
}

/* Bento has no controlling terminal of its own: the guest's is the one
 * its stdin, stdout or stderr was inherited from, remembered once found.
 * Returns it with a new reference, or NULL. */
static struct file *terminal(void)
{
	struct file *found = NULL;
	for (int fd = 0; fd < 3 && !__atomic_load_n(&term_file, __ATOMIC_ACQUIRE) && !found; fd++) {
		struct file *f = fd_get(fd);
		if (f && is_terminal(f))
			found = f;
		else if (f)
			file_put(f);
	}
	spin_lock(&term_lock);
	if (!term_file && found)
		term_file = found, found = NULL;
	struct file *t = term_file;
	if (t)
		file_get(t);
	spin_unlock(&term_lock);
	if (found)
		file_put(found);
	return t;
}

/* The terminal's number under /dev/pts (Unix98 pty slaves, majors
 * 136-143), or -1. */
static long pts_number(struct file *term)
{
	struct b_stat st;
	if (!term->ops->stat || term->ops->stat(term, &st) < 0)
		return -1;
	uint64_t major = ((st.rdev >> 8) & 0xfff) | ((st.rdev >> 32) & ~0xfffULL);
	uint64_t minor = (st.rdev & 0xff) | ((st.rdev >> 12) & ~0xffULL);
	return major >= 136 && major <= 143 ? (long)((major - 136) * 256 + minor) : -1;
}

/* /dev/pts/N: 0 and the terminal (a new reference) when it is number N. */
static int pts_lookup(const char *name, struct file **term)
{
	long n = str_to_ulong(name);
	*term = n >= 0 ? terminal() : NULL;
	if (*term && pts_number(*term) == n)
		return 0;
	if (*term)
		file_put(*term);
	return -ENOENT;
}

/* ---- the file system ----------------------------------------------------- */

/* Listing of a directory: the root, or pts (the terminal, if any). */
static long dir_getdents(struct file *f, void *ubuf, size_t n)
{
	const struct dev_ent *dir = fent(f);
	struct dirent_src ents[NDEV + 3];
	char pts_name[24];
	int count = 0;
	if (ent_type(dir) != K_S_IFDIR)
		return -ENOTDIR;
	ents[count++] = (struct dirent_src){ ".", ent_ino(dir), DT_DIR, 0 };
	ents[count++] = (struct dirent_src){ "..", 1, DT_DIR, 0 };
	for (int i = 0; dir == &dev_root && i < NDEV; i++) {
		const struct dev_ent *e = &dev_table[i];
		uint32_t t = ent_type(e);
		unsigned char dt = t == K_S_IFDIR ? DT_DIR : t == K_S_IFLNK ? DT_LNK : DT_CHR;
		ents[count++] = (struct dirent_src){ e->name, ent_ino(e), dt, 0 };
	}
	struct file *term = dir != &dev_root ? terminal() : NULL;
	long num = term ? pts_number(term) : -1;
	if (term)
		file_put(term);
	if (num >= 0) {
		fmt_snprintf(pts_name, sizeof(pts_name), "%ld", num);
		ents[count++] = (struct dirent_src){ pts_name, (uint64_t)NDEV + 2 + (uint64_t)num, DT_CHR, 0 };
	}
	spin_lock(&f->lock);
	long r = dirents_emit(ents, count, &f->pos, ubuf, n);
	spin_unlock(&f->lock);
	return r;
}

/* Errors of opening e with flags, before any file is made. */
static int check_open(const struct dev_ent *e, int flags)
{
	uint32_t type = ent_type(e);
	if ((flags & K_O_CREAT) && (flags & K_O_EXCL))
		return -EEXIST;
	if (flags & K_O_PATH)
		return 0;
	if (type == K_S_IFLNK)
		return -ELOOP;
	if (type == K_S_IFDIR && ((flags & K_O_ACCMODE) != K_O_RDONLY || (flags & K_O_CREAT)))
		return -EISDIR;
	if ((flags & K_O_DIRECTORY) && type != K_S_IFDIR)
		return -ENOTDIR;
	return 0;
}

/* Opening /dev/tty: a reopen of the terminal, or -ENXIO. */
static int open_tty(const struct dev_ent *e, int flags, struct file **out)
{
	struct file *term = terminal();
	if (!term)
		return -ENXIO;
	*out = wrap(&tty_ops, term, flags, e, "");
	file_put(term);
	return *out ? 0 : -ENOMEM;
}

/* Opening /dev/pts/N: a reopen of the terminal that is number N. */
static int open_pts(const char *name, int flags, struct file **out)
{
	struct file *term;
	int r = pts_lookup(name, &term);
	if (r < 0)
		return r;
	*out = file_reopen(term, flags);
	file_put(term);
	return *out ? 0 : -ENOMEM;
}

static int devfs_open(struct mount *m, const char *rel, int flags, int mode, struct file **out)
{
	(void)mode;
	const struct dev_ent *e;
	int r = lookup(rel, &e);
	if (r == -ENOENT && (flags & K_O_CREAT) && !strchr(rel, '/'))
		return -EACCES; /* /dev holds only its own devices */
	if (r == 0)
		r = check_open(e, flags);
	if (r < 0)
		return r;
	if (e == &pts_ent)
		r = open_pts(strchr(rel, '/') + 1, flags, out);
	else if (e->ops == &tty_ops && !(flags & K_O_PATH))
		r = open_tty(e, flags, out);
	else if (!(*out = wrap(e->ops && !(flags & K_O_PATH) ? e->ops : &node_ops, NULL, flags, e, "")))
		r = -ENOMEM;
	if (r == 0)
		(*out)->mnt = m;
	return r;
}

static int devfs_stat(struct mount *m, const char *rel, struct b_stat *st)
{
	const struct dev_ent *e;
	struct file *term;
	int r = lookup(rel, &e);
	if (r < 0 || e != &pts_ent) {
		if (r == 0)
			ent_stat(e, m, st);
		return r;
	}
	/* The host's own status, so that ttyname() recognises the terminal. */
	if ((r = pts_lookup(strchr(rel, '/') + 1, &term)) < 0)
		return r;
	r = term->ops->stat(term, st);
	file_put(term);
	return r;
}

static long devfs_readlink(struct mount *m, const char *rel, char *buf, size_t n)
{
	(void)m;
	const struct dev_ent *e;
	int r = lookup(rel, &e);
	if (r < 0)
		return r;
	if (!e->target)
		return -EINVAL;
	size_t l = strlen(e->target);
	if (l > n)
		l = n;
	memcpy(buf, e->target, l);
	return (long)l;
}

/* devtmpfs reports the tmpfs magic. */
static int devfs_statfs(struct mount *m, struct b_statfs *st)
{
	(void)m;
	memset(st, 0, sizeof(*st));
	st->type = 0x01021994;
	st->bsize = st->frsize = 4096;
	st->files = (int64_t)NDEV + 1;
	st->ffree = 0;
	st->namelen = 255;
	return 0;
}

const struct fs_ops devfs_ops = {
	.open = devfs_open,
	.stat = devfs_stat,
	.readlink = devfs_readlink,
	.statfs = devfs_statfs,
};

/* The mount is writable so that access(W_OK) on the devices answers as
 * Linux does; the file system itself refuses to create anything. */
int vfs_mount_devfs(const char *guest_path)
{
	struct devfs *fs = kzalloc(sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	plat_clock_get(0, &fs->time);
	const char *rel;
	struct mount *parent = mount_find(guest_path, &rel);
	if (parent && parent->ops == &tmpfs_ops && rel[0])
		parent->ops->mkdir(parent, rel, 0755);
	struct mount *m = mount_add(guest_path, &devfs_ops, 1);
	if (!m) {
		kfree(fs);
		return -ENOMEM;
	}
	m->priv = fs;
	char shm[300];
	strlcpy(shm, guest_path, sizeof(shm));
	strlcat(shm, "/shm", sizeof(shm));
	/* The front end normally provides a shared one (a host scratch
	 * directory); only without it does bento make its own. */
	const char *inside;
	struct mount *have = mount_find(shm, &inside);
	if (have && have != m && !inside[0])
		return 0;
	return vfs_mount_tmpfs(shm);
}
