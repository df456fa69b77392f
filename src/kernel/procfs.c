/* procfs.c — bento's /proc: the directory tree, path lookups, the
 * file-system operations and the open files. The tree is a set of static
 * tables (procfs_sys.c, procfs_pid.c) plus directories whose entries come
 * from the process: the pid directory, fd/, fdinfo/ and task/.
 *
 * /proc/<pid>/fd/N are magic links: readlink shows the file's name, but
 * resolution leads to the open file itself. When the file can be reached
 * by its path again, resolution simply goes there; otherwise (pipes,
 * sockets, inherited stdio, deleted files) it goes to the hidden entry
 * /proc/<pid>/.fd/N, which opens as a new description of the same file. */
#include "kernel/procfs.h"
#include "lib/fmt.h"
#include <stdarg.h>

#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10

struct procfs_state procfs;

/* ---- text buffers --------------------------------------------------------- */

/* Room for need more bytes and a NUL; 0, or -1 with b->err set. */
static int pb_reserve(struct pbuf *b, size_t need)
{
	if (b->err)
		return -1;
	if (b->len + need + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + need + 1)
		cap *= 2;
	char *d = krealloc(b->data, cap);
	if (!d) {
		b->err = -ENOMEM;
		return -1;
	}
	b->data = d;
	b->cap = cap;
	return 0;
}

void pb_write(struct pbuf *b, const void *p, size_t n)
{
	if (pb_reserve(b, n) < 0)
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
}

void pb_printf(struct pbuf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < (int)sizeof(small)) {
		pb_write(b, small, (size_t)n);
		return;
	}
	if (pb_reserve(b, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	fmt_vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* ---- the tree --------------------------------------------------------------- */

/* What a path inside the mount names. */
enum { N_ENT, N_FDLINK, N_FDINFO, N_FDOBJ };

struct pnode {
	int kind;
	const struct pent *ent;   /* N_ENT: the table entry */
	struct pctx ctx;
};

static const struct pent root_ent = {
	.name = "", .mode = P_DIR(0555), .children = proc_root_ents, .dyn = PD_ROOT,
};
/* /proc/<pid> and /proc/<pid>/task/<tid> (ctx.in_task). */
static const struct pent pid_ent = { .name = "", .mode = P_DIR(0555), .children = proc_pid_ents };
/* /proc/<pid> of another process. */
static const struct pent other_ent = { .name = "", .mode = P_DIR(0555), .children = proc_other_ents };

static int is_dir(const struct pnode *n)
{
	return n->kind == N_ENT && (n->ent->mode & K_S_IFMT) == K_S_IFDIR;
}

static int is_link(const struct pnode *n)
{
	return n->kind == N_FDLINK || (n->kind == N_ENT && (n->ent->mode & K_S_IFMT) == K_S_IFLNK);
}

/* A decimal number in canonical form (no sign, no leading zero), or -1. */
static long parse_num(const char *s, size_t len)
{
	if (len == 0 || len > 9 || (s[0] == '0' && len > 1))
		return -1;
	long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Is tid a thread of this process? */
static int tid_alive(long tid)
{
	struct process *p = kproc;
	int found = 0;
	spin_lock(&p->lock);
	for (struct thread *t = p->threads; t && !found; t = t->next)
		found = t->tid == tid;
	spin_unlock(&p->lock);
	return found;
}

/* Is fd an open descriptor of this process? */
static int fd_valid(long fd)
{
	struct file *f = fd >= 0 && fd < FD_MAX ? fd_get((int)fd) : NULL;
	if (f)
		file_put(f);
	return f != NULL;
}

/* Entries of the dynamic part of directory d named by the number num. */
static int dyn_child(const struct pnode *d, long num, struct pnode *out)
{
	switch (d->ent->dyn) {
	case PD_ROOT:
		if (num == kproc->pid || tid_alive(num))
			*out = (struct pnode){ N_ENT, &pid_ent, { kproc->pid, (int)num, -1, 0 } };
		else if (proc_other_exists((int)num))
			*out = (struct pnode){ N_ENT, &other_ent, { (int)num, (int)num, -1, 0 } };
		else
			return -ENOENT;
		return 0;
	case PD_TASK:
		if (!tid_alive(num))
			return -ENOENT;
		out->ent = &pid_ent;
		out->ctx.tid = (int)num;
		out->ctx.in_task = 1;
		return 0;
	case PD_FD:
	case PD_FDINFO:
	case PD_FDOBJ:
		if (!fd_valid(num))
			return -ENOENT;
		out->kind = d->ent->dyn == PD_FD ? N_FDLINK : d->ent->dyn == PD_FDINFO ? N_FDINFO : N_FDOBJ;
		out->ctx.fd = (int)num;
		return 0;
	case PD_OFD:
		if (!proc_other_fd_exists(d->ctx.pid, (int)num))
			return -ENOENT;
		out->ent = &proc_other_fd_ent;
		out->ctx.fd = (int)num;
		return 0;
	default:
		return -ENOENT;
	}
}

/* The entry name[0..len) of directory d. */
static int child(const struct pnode *d, const char *name, size_t len, struct pnode *out)
{
	if (!is_dir(d))
		return -ENOTDIR;
	*out = (struct pnode){ N_ENT, NULL, d->ctx };
	for (const struct pent *e = d->ent->children; e && e->name; e++) {
		if (strlen(e->name) != len || memcmp(e->name, name, len))
			continue;
		if (d->ctx.in_task && (e->flags & PE_NOTASK))
			continue;
		out->ent = e;
		return 0;
	}
	long num = parse_num(name, len);
	return num < 0 ? -ENOENT : dyn_child(d, num, out);
}

/* Walk rel from the root: 0 and *out, -ENOENT, -ENOTDIR, or -ELOOP when
 * a link is on the way. A final link is returned as itself. */
static int walk(const char *rel, struct pnode *out)
{
	*out = (struct pnode){ N_ENT, &root_ent, { 0, 0, -1, 0 } };
	while (*rel) {
		const char *end = strchr(rel, '/');
		size_t len = end ? (size_t)(end - rel) : strlen(rel);
		if (is_link(out))
			return -ELOOP;
		struct pnode next;
		int r = child(out, rel, len, &next);
		if (r < 0)
			return r;
		*out = next;
		rel = end ? end + 1 : rel + len;
	}
	return 0;
}

/* ---- status ----------------------------------------------------------------- */

static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 1099511628211ULL;
	return h;
}

/* Inode numbers: a hash of the path inside the mount (its first len
 * bytes, then "/name" if name is given); 1 is the root. */
static uint64_t path_ino_n(const char *rel, size_t len, const char *name)
{
	uint64_t h = fnv(14695981039346656037ULL, rel, len);
	if (name)
		h = fnv(fnv(h, "/", 1), name, strlen(name));
	return len || name ? 2 + h % 0x7ffffff0ULL : 1;
}

static uint64_t path_ino(const char *rel, const char *name)
{
	return path_ino_n(rel, strlen(rel), name);
}

/* Access bits of an fd link follow the open mode, as on Linux. */
static uint32_t fd_link_mode(int fd)
{
	uint32_t mode = K_S_IFLNK;
	struct file *f = fd_get(fd);
	if (!f)
		return mode;
	int acc = f->flags & K_O_ACCMODE;
	if (!(f->flags & K_O_PATH) && acc != K_O_WRONLY)
		mode |= 0500;
	if (!(f->flags & K_O_PATH) && acc != K_O_RDONLY)
		mode |= 0300;
	file_put(f);
	return mode;
}

static void count_fd(int fd, struct file *f, void *ctx)
{
	(void)fd, (void)f;
	(*(int64_t *)ctx)++;
}

static uint32_t node_mode(const struct pnode *n)
{
	switch (n->kind) {
	case N_FDLINK: return fd_link_mode(n->ctx.fd);
	case N_FDINFO: return P_REG(0444);
	default: return n->ent->mode;
	}
}

/* The status of the file an fd entry stands for (stat through the link). */
static int fd_target_stat(int fd, struct b_stat *st)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -ENOENT;
	int r = f->ops->stat ? f->ops->stat(f, st) : -ENOENT;
	file_put(f);
	return r;
}

static int node_stat(struct mount *m, const struct pnode *n, const char *rel, struct b_stat *st)
{
	if (n->kind == N_FDOBJ)
		return fd_target_stat(n->ctx.fd, st);
	memset(st, 0, sizeof(*st));
	st->dev = m ? m->dev : 0;
	st->ino = path_ino(rel, NULL);
	st->mode = node_mode(n);
	st->nlink = is_dir(n) ? 2 : 1;
	st->blksize = 1024;
	st->atime = st->mtime = st->ctime = procfs.mount_time;
	if (n->ctx.pid) {
		st->uid = (uint32_t)kproc->euid;
		st->gid = (uint32_t)kproc->egid;
	}
	if (n->kind == N_FDLINK)
		st->size = 64;
	if (n->kind == N_ENT && n->ent->dyn == PD_FD)
		fd_each(count_fd, &st->size);
	return 0;
}

/* ---- directory listings -------------------------------------------------- */

struct dlist {
	struct dirent_src *ents;
	char (*nums)[12];           /* storage of numeric names */
	int count, cap;
	const char *rel;            /* the directory, for inode numbers */
	int err;
};

static int dl_room(struct dlist *l)
{
	if (l->err)
		return -1;
	if (l->count < l->cap)
		return 0;
	int cap = l->cap ? l->cap * 2 : 64;
	struct dirent_src *e = krealloc(l->ents, sizeof(*e) * (size_t)cap);
	if (e)
		l->ents = e;
	char (*n)[12] = e ? krealloc(l->nums, sizeof(*n) * (size_t)cap) : NULL;
	if (!n) {
		l->err = -ENOMEM;
		return -1;
	}
	l->nums = n;
	l->cap = cap;
	return 0;
}

/* Add a name that outlives the listing (a table entry). */
static void dl_add(struct dlist *l, const char *name, uint64_t ino, unsigned char type)
{
	if (dl_room(l) == 0) {
		l->ents[l->count] = (struct dirent_src){ name, ino, type, (uint64_t)l->count };
		l->count++;
	}
}

/* Positions of numeric entries (pids, tids, fds): above every table
 * entry, and the number itself, so they stay put as others come and go. */
#define DL_NUM_BASE (1ULL << 32)

/* Add a numeric name; its pointer is set by dl_finish. */
static void dl_add_num(struct dlist *l, int num, unsigned char type)
{
	if (dl_room(l) < 0)
		return;
	fmt_snprintf(l->nums[l->count], sizeof(l->nums[0]), "%d", num);
	uint64_t ino = path_ino(l->rel, l->nums[l->count]);
	l->ents[l->count++] = (struct dirent_src){ NULL, ino, type, DL_NUM_BASE + (uint64_t)num };
}

/* Names the numeric entries and sorts them by position (they follow the
 * table entries, which are in order already). */
static void dl_finish(struct dlist *l)
{
	for (int i = 0; i < l->count; i++)
		if (!l->ents[i].name)
			l->ents[i].name = l->nums[i];
	for (int i = 1; i < l->count; i++) {
		struct dirent_src e = l->ents[i];
		int j = i;
		for (; j > 0 && l->ents[j - 1].off > e.off; j--)
			l->ents[j] = l->ents[j - 1];
		l->ents[j] = e;
	}
}

static unsigned char dtype(uint32_t mode)
{
	uint32_t t = mode & K_S_IFMT;
	return t == K_S_IFDIR ? DT_DIR : t == K_S_IFLNK ? DT_LNK : DT_REG;
}

struct fd_list_ctx {
	struct dlist *l;
	unsigned char type;
};

static void list_fd(int fd, struct file *f, void *ctx)
{
	(void)f;
	struct fd_list_ctx *c = ctx;
	dl_add_num(c->l, fd, c->type);
}

/* Thread ids in ascending order, at most n; returns the count. */
static int thread_ids(int *ids, int n)
{
	struct process *p = kproc;
	int count = 0;
	spin_lock(&p->lock);
	for (struct thread *t = p->threads; t && count < n; t = t->next)
		ids[count++] = t->tid;
	spin_unlock(&p->lock);
	for (int i = 1; i < count; i++)
		for (int j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
			int tmp = ids[j];
			ids[j] = ids[j - 1];
			ids[j - 1] = tmp;
		}
	return count;
}

static void list_tasks(struct dlist *l)
{
	int small[256], *ids = small, cap = 256, n;
	/* A process may have any number of threads: retry with room for
	 * twice as many while the array came back full. */
	while ((n = thread_ids(ids, cap)) == cap) {
		if (ids != small)
			kfree(ids);
		cap *= 2;
		if (!(ids = kmalloc(sizeof(*ids) * (size_t)cap))) {
			l->err = -ENOMEM;
			return;
		}
	}
	for (int i = 0; i < n; i++)
		dl_add_num(l, ids[i], DT_DIR);
	if (ids != small)
		kfree(ids);
}

/* Every process of the sandbox (at least this one). */
static void list_pids(struct dlist *l)
{
	int pids[PROC_MAX];
	int n = proc_pids(pids, PROC_MAX), self = 0;
	for (int i = 0; i < n; i++) {
		self |= pids[i] == kproc->pid;
		dl_add_num(l, pids[i], DT_DIR);
	}
	if (!self)
		dl_add_num(l, kproc->pid, DT_DIR);
}

/* The entries of directory n (not "." and ".."). */
static void list_dir(const struct pnode *n, struct dlist *l)
{
	for (const struct pent *e = n->ent->children; e && e->name; e++) {
		if ((e->flags & PE_HIDDEN) || (n->ctx.in_task && (e->flags & PE_NOTASK)))
			continue;
		dl_add(l, e->name, path_ino(l->rel, e->name), dtype(e->mode));
	}
	struct fd_list_ctx fc = { l, DT_LNK };
	switch (n->ent->dyn) {
	case PD_ROOT:
		list_pids(l);
		break;
	case PD_TASK:
		list_tasks(l);
		break;
	case PD_FDINFO:
		fc.type = DT_REG;
		/* fall through */
	case PD_FD:
		fd_each(list_fd, &fc);
		break;
	case PD_OFD:
		proc_other_fd_each(n->ctx.pid, list_fd, &fc);
		break;
	}
}

/* ---- open files ---------------------------------------------------------- */

struct pfile {
	struct pnode node;
	char *rel;          /* path inside the mount */
	char *data;         /* content generated at open */
	size_t len;
};

static long pf_read(struct file *f, void *ubuf, size_t n, int64_t *pos)
{
	struct pfile *pf = f->priv;
	if (is_dir(&pf->node))
		return -EISDIR;
	if (*pos < 0 || (uint64_t)*pos >= pf->len)
		return 0;
	size_t k = pf->len - (size_t)*pos;
	if (k > n)
		k = n;
	if (copy_out(ubuf, pf->data + *pos, k) < 0)
		return -EFAULT;
	*pos += (int64_t)k;
	return (long)k;
}

/* Writes go to the entry's handler in one piece, like Linux's small
 * proc writes; the position is ignored. */
static long pf_write(struct file *f, const void *ubuf, size_t n, int64_t *pos)
{
	(void)pos;
	struct pfile *pf = f->priv;
	char buf[256];
	if (pf->node.kind != N_ENT || !pf->node.ent->write)
		return -EINVAL;
	if (n >= sizeof(buf))
		return -EINVAL;
	if (copy_in(buf, ubuf, n) < 0)
		return -EFAULT;
	buf[n] = 0;
	return pf->node.ent->write(&pf->node.ctx, buf, n);
}

static int pf_stat(struct file *f, struct b_stat *st)
{
	struct pfile *pf = f->priv;
	return node_stat(f->mnt, &pf->node, pf->rel, st);
}

static long pf_getdents(struct file *f, void *ubuf, size_t n)
{
	struct pfile *pf = f->priv;
	if (!is_dir(&pf->node))
		return -ENOTDIR;
	struct dlist l = { NULL, NULL, 0, 0, pf->rel, 0 };
	const char *slash = strrchr(pf->rel, '/');
	size_t parent_len = slash ? (size_t)(slash - pf->rel) : 0;
	dl_add(&l, ".", path_ino(pf->rel, NULL), DT_DIR);
	dl_add(&l, "..", path_ino_n(pf->rel, parent_len, NULL), DT_DIR);
	list_dir(&pf->node, &l);
	dl_finish(&l);
	long r = l.err;
	if (!r) {
		spin_lock(&f->lock);
		r = dirents_emit_at(l.ents, l.count, &f->pos, ubuf, n);
		spin_unlock(&f->lock);
	}
	kfree(l.ents);
	kfree(l.nums);
	return r;
}

static int pf_statfs(struct file *f, struct b_statfs *st);

static void pf_release(struct file *f)
{
	struct pfile *pf = f->priv;
	kfree(pf->rel);
	kfree(pf->data);
	kfree(pf);
}

static const struct file_ops proc_file_ops = {
	.read = pf_read,
	.write = pf_write,
	.stat = pf_stat,
	.getdents = pf_getdents,
	.statfs = pf_statfs,
	.release = pf_release,
};

int procfs_pid_dir(struct file *f)
{
	if (f->ops != &proc_file_ops)
		return -EINVAL;
	struct pfile *pf = f->priv;
	const char *r = pf->rel;
	int pid = 0;
	if (!is_dir(&pf->node) || !*r || strlen(r) > 9)
		return -EINVAL;
	for (; *r; r++) {
		if (*r < '0' || *r > '9')
			return -EINVAL;
		pid = pid * 10 + (*r - '0');
	}
	return pid > 0 ? pid : -EINVAL;
}

/* Generate the content of a regular file node into b. */
static void generate(const struct pnode *n, struct pbuf *b)
{
	if (n->kind == N_FDINFO)
		proc_gen_fdinfo(b, &n->ctx);
	else if (n->ent->gen)
		n->ent->gen(b, &n->ctx);
	else if (n->ent->text)
		pb_printf(b, "%s", n->ent->text);
	pb_write(b, "", 0);
}

/* Errors of opening node n with flags, before a file is made. */
static int check_open(const struct pnode *n, int flags)
{
	int acc = flags & K_O_ACCMODE;
	if ((flags & K_O_CREAT) && (flags & K_O_EXCL))
		return -EEXIST;
	if (flags & K_O_PATH)
		return 0;
	if (is_link(n))
		return -ELOOP;
	if (is_dir(n))
		return acc != K_O_RDONLY || (flags & K_O_CREAT) ? -EISDIR : 0;
	if (flags & K_O_DIRECTORY)
		return -ENOTDIR;
	/* Only root may open a read-only file for writing (writes then fail
	 * with EINVAL), as Linux's permission check allows. */
	if (acc != K_O_RDONLY && (n->kind != N_ENT || !n->ent->write) && kproc->euid != 0)
		return -EACCES;
	return 0;
}

/* Requested access must be within what the reopened file allows. */
static int reopen_allowed(struct file *inner, int flags)
{
	int want = flags & K_O_ACCMODE, have = inner->flags & K_O_ACCMODE;
	if (flags & K_O_PATH)
		return 1;
	if (inner->flags & K_O_PATH)
		return 0;
	return want == have || have == K_O_RDWR;
}

/* /proc/<pid>/.fd/N: a new open file description of fd N's file. */
static int open_fdobj(struct mount *m, int fd, int flags, struct file **out)
{
	struct file *inner = fd_get(fd);
	if (!inner)
		return -ENOENT;
	int r = 0;
	if (!reopen_allowed(inner, flags))
		r = -EACCES;
	else if (!(*out = file_reopen(inner, flags)))
		r = -ENOMEM;
	else
		(*out)->mnt = m;
	file_put(inner);
	return r;
}

static int make_file(struct mount *m, const struct pnode *n, const char *rel, int flags,
		     struct file **out)
{
	struct pfile *pf = kzalloc(sizeof(*pf));
	char *path = kstrdup(rel);
	struct file *f = pf && path ? file_alloc(&proc_file_ops, flags, "") : NULL;
	if (!f) {
		kfree(pf);
		kfree(path);
		return -ENOMEM;
	}
	pf->rel = path;
	pf->node = *n;
	f->priv = pf;
	f->mnt = m;
	*out = f;
	if (is_dir(n) || is_link(n) || (flags & K_O_PATH) || (flags & K_O_ACCMODE) == K_O_WRONLY)
		return 0;
	struct pbuf b = { NULL, 0, 0, 0 };
	generate(n, &b);
	pf->data = b.data;
	pf->len = b.len;
	if (b.err) {
		file_put(f);
		return b.err;
	}
	return 0;
}

static int procfs_open(struct mount *m, const char *rel, int flags, int mode, struct file **out)
{
	(void)mode;
	struct pnode n;
	int r = walk(rel, &n);
	if (r == -ENOENT && (flags & K_O_CREAT))
		return -EACCES;
	if (r < 0)
		return r;
	if (n.kind == N_FDOBJ)
		return open_fdobj(m, n.ctx.fd, flags, out);
	if ((r = check_open(&n, flags)) < 0)
		return r;
	return make_file(m, &n, rel, flags, out);
}

static int procfs_stat(struct mount *m, const char *rel, struct b_stat *st)
{
	struct pnode n;
	int r = walk(rel, &n);
	return r < 0 ? r : node_stat(m, &n, rel, st);
}

/* The text of link n into b. */
static void link_text(const struct pnode *n, struct pbuf *b)
{
	if (n->kind == N_FDLINK) {
		struct file *f = fd_get(n->ctx.fd);
		if (!f) {
			b->err = -ENOENT;
			return;
		}
		proc_fd_link_text(b, f);
		file_put(f);
	} else if (n->ent->gen) {
		n->ent->gen(b, &n->ctx);
	} else {
		pb_printf(b, "%s", n->ent->text ? n->ent->text : "");
	}
}

static long copy_text(struct pbuf *b, char *buf, size_t n)
{
	long r = b->err;
	if (!r) {
		size_t l = b->len < n ? b->len : n;
		memcpy(buf, b->data, l);
		r = (long)l;
	}
	kfree(b->data);
	return r;
}

static long procfs_readlink(struct mount *m, const char *rel, char *buf, size_t n)
{
	(void)m;
	struct pnode node;
	int r = walk(rel, &node);
	if (r < 0)
		return r;
	if (!is_link(&node))
		return -EINVAL;
	struct pbuf b = { NULL, 0, 0, 0 };
	link_text(&node, &b);
	return copy_text(&b, buf, n);
}

/* Resolution through an fd link: the file's own path when it still
 * leads there, else the hidden entry that opens the file itself. */
static long procfs_follow_link(struct mount *m, const char *rel, char *buf, size_t n)
{
	struct pnode node;
	int r = walk(rel, &node);
	if (r < 0)
		return r;
	if (node.kind != N_FDLINK)
		return procfs_readlink(m, rel, buf, n);
	struct file *f = fd_get(node.ctx.fd);
	if (!f)
		return -ENOENT;
	struct pbuf b = { NULL, 0, 0, 0 };
	if (proc_fd_reachable(f))
		pb_printf(&b, "%s", f->path);
	else
		pb_printf(&b, "%s/%d/.fd/%d", m->path, node.ctx.pid, node.ctx.fd);
	file_put(f);
	return copy_text(&b, buf, n);
}

static int procfs_statfs(struct mount *m, struct b_statfs *st)
{
	(void)m;
	memset(st, 0, sizeof(*st));
	st->type = 0x9fa0; /* PROC_SUPER_MAGIC */
	st->bsize = st->frsize = 4096;
	st->namelen = 255;
	return 0;
}

static int pf_statfs(struct file *f, struct b_statfs *st)
{
	return procfs_statfs(f->mnt, st);
}

const struct fs_ops procfs_ops = {
	.open = procfs_open,
	.stat = procfs_stat,
	.readlink = procfs_readlink,
	.follow_link = procfs_follow_link,
	.statfs = procfs_statfs,
};

/* The mount is writable so that the few writable files (comm,
 * oom_score_adj) can be written; nothing can be created. */
int vfs_mount_procfs(const char *guest_path)
{
	struct b_timespec boot;
	plat_clock_get(0, &procfs.mount_time);
	plat_clock_get(7 /* CLOCK_BOOTTIME */, &boot);
	procfs.start_ticks = proc_ticks(&boot);
	proc_uuid(procfs.boot_id);
	const char *rel;
	struct mount *parent = mount_find(guest_path, &rel);
	if (parent && parent->ops == &tmpfs_ops && rel[0])
		parent->ops->mkdir(parent, rel, 0555);
	return mount_add(guest_path, &procfs_ops, 1) ? 0 : -ENOMEM;
}
