/* file.c — open file descriptions: reference counting, the generic
 * operations by descriptor, and files backed by a host handle. */
#include "kernel/kernel.h"

struct file *file_alloc(const struct file_ops *ops, int flags, const char *path)
{
	struct file *f = kzalloc(sizeof(*f));
	if (!f)
		return NULL;
	f->ops = ops;
	f->refs = 1;
	f->flags = flags;
	f->host_fd = -1;
	f->path = kstrdup(path ? path : "");
	if (!f->path) {
		kfree(f);
		return NULL;
	}
	return f;
}

void file_get(struct file *f)
{
	__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
}

void file_put(struct file *f)
{
	if (__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL))
		return;
	if (__atomic_load_n(&f->epitems, __ATOMIC_ACQUIRE))
		epoll_file_release(f);
	if (f->ops->release)
		f->ops->release(f);
	kfree(f->path);
	kfree(f);
}

const char *file_path(struct file *f)
{
	return f->path;
}

/* ---- by descriptor ---------------------------------------------------- */

#define WITH_FILE(fd, f)              \
	struct file *f = fd_get(fd);  \
	if (!f)                       \
		return -EBADF;

static int readable(struct file *f)
{
	int acc = f->flags & K_O_ACCMODE;
	return !(f->flags & K_O_PATH) && (acc == K_O_RDONLY || acc == K_O_RDWR);
}

static int writable(struct file *f)
{
	int acc = f->flags & K_O_ACCMODE;
	return !(f->flags & K_O_PATH) && (acc == K_O_WRONLY || acc == K_O_RDWR);
}

static long do_read(struct file *f, void *ubuf, size_t n, int64_t *explicit_pos)
{
	if (!readable(f))
		return -EBADF;
	if (!f->ops->read)
		return -EINVAL;
	if (explicit_pos)
		return f->ops->read(f, ubuf, n, explicit_pos);
	if (f->ops->host_offset || f->ops->stream)
		return f->ops->read(f, ubuf, n, NULL);
	/* One aligned 64-bit load reads pos whole, as the lock did; a read
	 * that leaves pos alone (/dev/zero, /dev/null) takes no lock. */
	int64_t start = __atomic_load_n(&f->pos, __ATOMIC_ACQUIRE), pos = start;
	long r = f->ops->read(f, ubuf, n, &pos);
	if (r > 0 && pos != start) {
		spin_lock(&f->lock);
		f->pos = pos;
		spin_unlock(&f->lock);
	}
	return r;
}

static long do_write(struct file *f, const void *ubuf, size_t n, int64_t *explicit_pos)
{
	if (!writable(f))
		return -EBADF;
	if (!f->ops->write)
		return -EINVAL;
	if (explicit_pos)
		return f->ops->write(f, ubuf, n, explicit_pos);
	if (f->ops->host_offset || f->ops->stream)
		return f->ops->write(f, ubuf, n, NULL);
	int64_t pos = f->pos;
	if (f->flags & K_O_APPEND) {
		struct b_stat st;
		if (f->ops->stat && f->ops->stat(f, &st) == 0)
			pos = st.size;
	}
	long r = f->ops->write(f, ubuf, n, &pos);
	if (r > 0)
		f->pos = pos;
	return r;
}

long file_read(int fd, void *ubuf, size_t n)
{
	int ref;
	struct file *f = fd_get_light(fd, &ref);
	if (!f)
		return -EBADF;
	long bg = f->ops->host_offset ? tty_background_read(f) : 0;
	if (bg < 0) {
		fd_put_light(f, ref);
		return bg;
	}
	long r = do_read(f, ubuf, n, NULL);
	if (__atomic_load_n(&f->epitems, __ATOMIC_ACQUIRE))
		epoll_file_io(f);
	fd_put_light(f, ref);
	return r;
}

long file_write(int fd, const void *ubuf, size_t n)
{
	int ref;
	struct file *f = fd_get_light(fd, &ref);
	if (!f)
		return -EBADF;
	long r = do_write(f, ubuf, n, NULL);
	if (__atomic_load_n(&f->epitems, __ATOMIC_ACQUIRE))
		epoll_file_io(f);
	fd_put_light(f, ref);
	return r;
}

long file_pread(int fd, void *ubuf, size_t n, int64_t off)
{
	int ref;
	struct file *f = fd_get_light(fd, &ref);
	if (!f)
		return -EBADF;
	long r = f->ops->stream ? -ESPIPE : off < 0 ? -EINVAL : do_read(f, ubuf, n, &off);
	fd_put_light(f, ref);
	return r;
}

long file_pwrite(int fd, const void *ubuf, size_t n, int64_t off)
{
	int ref;
	struct file *f = fd_get_light(fd, &ref);
	if (!f)
		return -EBADF;
	long r = f->ops->stream ? -ESPIPE : off < 0 ? -EINVAL : do_write(f, ubuf, n, &off);
	fd_put_light(f, ref);
	return r;
}

static long generic_seek(struct file *f, int64_t off, int whence)
{
	int64_t base;
	struct b_stat st;
	switch (whence) {
	case 0: base = 0; break;
	case 1: base = f->pos; break;
	case 2:
		if (!f->ops->stat || f->ops->stat(f, &st) < 0)
			return -EINVAL;
		base = st.size;
		break;
	default:
		return -EINVAL;
	}
	if (base + off < 0)
		return -EINVAL;
	f->pos = base + off;
	return f->pos;
}

long file_seek(int fd, int64_t off, int whence)
{
	WITH_FILE(fd, f);
	long r;
	if (f->ops->seek)
		r = f->ops->seek(f, off, whence);
	else if (f->ops->stream || (!f->ops->read && !f->ops->getdents))
		r = -ESPIPE;
	else {
		spin_lock(&f->lock);
		r = generic_seek(f, off, whence);
		spin_unlock(&f->lock);
	}
	file_put(f);
	return r;
}

int file_stat(int fd, struct b_stat *st)
{
	WITH_FILE(fd, f);
	int r = f->ops->stat ? f->ops->stat(f, st) : -EINVAL;
	file_put(f);
	return r;
}

int file_statfs(int fd, struct b_statfs *st)
{
	WITH_FILE(fd, f);
	int r;
	if (f->ops->statfs)
		r = f->ops->statfs(f, st);
	else if (f->mnt && f->mnt->ops->statfs)
		r = f->mnt->ops->statfs(f->mnt, st);
	else
		r = -ENOSYS;
	file_put(f);
	return r;
}

long file_getdents(int fd, void *ubuf, size_t n)
{
	WITH_FILE(fd, f);
	long r = f->ops->getdents ? f->ops->getdents(f, ubuf, n) : -ENOTDIR;
	file_put(f);
	return r;
}

/* FIONBIO, FIOCLEX and FIONCLEX work on every file, as in Linux's
 * do_vfs_ioctl; the rest belong to the file's kind. */
int file_ioctl(int fd, unsigned long req, void *uarg)
{
	WITH_FILE(fd, f);
	int r, on;
	if (req == 0x5421) { /* FIONBIO */
		r = copy_in(&on, uarg, sizeof(on));
		if (r == 0)
			f->flags = on ? (f->flags | K_O_NONBLOCK) : (f->flags & ~K_O_NONBLOCK);
	} else if (req == 0x5451 || req == 0x5450) { /* FIOCLEX, FIONCLEX */
		r = fd_set_cloexec(fd, req == 0x5451);
	} else if (tty_is_job_ioctl(req)) {
		r = tty_job_ioctl(f, req, uarg);
	} else {
		r = f->ops->ioctl ? f->ops->ioctl(f, req, uarg) : -ENOTTY;
	}
	file_put(f);
	return r;
}

int file_truncate(int fd, int64_t len)
{
	WITH_FILE(fd, f);
	int r;
	if (len < 0)
		r = -EINVAL;
	else if (!writable(f))
		r = -EINVAL;
	else
		r = f->ops->truncate ? f->ops->truncate(f, len) : -EINVAL;
	file_put(f);
	return r;
}

/* What fallocate on a file without the operation gets, by its type (as
 * vfs_fallocate checks them). */
static int allocate_unsupported(struct file *f)
{
	struct b_stat st;
	if (!f->ops->stat || f->ops->stat(f, &st) < 0)
		return -ENODEV;
	int type = (int)(st.mode & K_S_IFMT);
	if (type == K_S_IFIFO)
		return -ESPIPE;
	if (type == K_S_IFDIR)
		return -EISDIR;
	return type == K_S_IFREG ? -EOPNOTSUPP : -ENODEV;
}

int file_allocate(int fd, int mode, int64_t off, int64_t len)
{
	WITH_FILE(fd, f);
	int r;
	if (off < 0 || len <= 0)
		r = -EINVAL;
	else if (!writable(f))
		r = -EBADF;
	else
		r = f->ops->allocate ? f->ops->allocate(f, mode, off, len) : allocate_unsupported(f);
	file_put(f);
	return r;
}

int file_sync(int fd)
{
	WITH_FILE(fd, f);
	int r = f->ops->sync ? f->ops->sync(f) : 0;
	file_put(f);
	return r;
}

int file_chmod(int fd, int mode)
{
	WITH_FILE(fd, f);
	int r = f->ops->chmod ? f->ops->chmod(f, mode) : -EPERM;
	file_put(f);
	return r;
}

int file_get_flags(int fd)
{
	WITH_FILE(fd, f);
	int r = f->flags & ~K_O_CLOEXEC;
	file_put(f);
	return r;
}

int file_set_flags(int fd, int flags)
{
	WITH_FILE(fd, f);
	int settable = K_O_APPEND | K_O_NONBLOCK | K_O_DIRECT | K_O_NOATIME | K_O_DSYNC;
	f->flags = (f->flags & ~settable) | (flags & settable);
	/* A host handle keeps its own status flags: append and non-blocking
	 * behaviour happen in the host. */
	if (f->ops->host_offset)
		plat_file_set_flags(f->host_fd, f->flags & (K_O_APPEND | K_O_NONBLOCK));
	file_put(f);
	return 0;
}

int file_map_handle(int fd, int *is_writable)
{
	WITH_FILE(fd, f);
	int r;
	if (f->flags & K_O_PATH)
		r = -EBADF;
	else
		r = f->ops->map_handle ? f->ops->map_handle(f) : -ENODEV;
	if (is_writable)
		*is_writable = writable(f);
	file_put(f);
	return r;
}

/* ---- files backed by a host handle ------------------------------------ */

/* The position of a host file lives in the host's open file description
 * (pos == NULL), which a forked process shares, as on Linux. An explicit
 * position (pread, pwrite) is not advanced: do_read and do_write pass one
 * for host files only from the p-calls, whose callers keep their own.
 * That leaves the host call a tail call: every return after a host call
 * costs a mispredict (src/platform/linux/host.h). */
static long host_read(struct file *f, void *ubuf, size_t n, int64_t *pos)
{
	if (!pos)
		return plat_file_read(f->host_fd, ubuf, n);
	return plat_file_pread(f->host_fd, ubuf, n, *pos);
}

static long host_write(struct file *f, const void *ubuf, size_t n, int64_t *pos)
{
	if (!pos)
		return plat_file_write(f->host_fd, ubuf, n);
	return plat_file_pwrite(f->host_fd, ubuf, n, *pos);
}

static int host_stat(struct file *f, struct b_stat *st)
{
	return plat_file_stat(f->host_fd, NULL, st);
}

long vfs_filter_dirents(const char *dir, char *buf, long len);

/* Listings go through bento memory so hidden entries can be dropped. */
static long host_getdents(struct file *f, void *ubuf, size_t n)
{
	if (n > 65536)
		n = 65536;
	char *buf = kmalloc(n);
	if (!buf)
		return -ENOMEM;
	long raw, r;
	do {
		raw = r = plat_file_getdents(f->host_fd, buf, n);
		if (raw > 0)
			r = vfs_filter_dirents(f->path, buf, raw);
	} while (raw > 0 && r == 0);
	if (r > 0 && copy_out(ubuf, buf, (size_t)r) < 0)
		r = -EFAULT;
	kfree(buf);
	return r;
}

static long host_seek(struct file *f, int64_t off, int whence)
{
	return plat_file_seek(f->host_fd, off, whence);
}

static int host_ioctl(struct file *f, unsigned long req, void *uarg)
{
	return plat_file_ioctl(f->host_fd, req, uarg);
}

static int host_truncate(struct file *f, int64_t len)
{
	return plat_file_truncate(f->host_fd, len);
}

static int host_allocate(struct file *f, int mode, int64_t off, int64_t len)
{
	return plat_file_allocate(f->host_fd, mode, off, len);
}

static int host_sync(struct file *f)
{
	return plat_file_sync(f->host_fd);
}

static int host_statfs(struct file *f, struct b_statfs *st)
{
	return plat_file_statfs(f->host_fd, st);
}

static int host_chmod(struct file *f, int mode)
{
	if (f->mnt && !f->mnt->writable)
		return -EROFS;
	return plat_file_chmod(f->host_fd, mode);
}

static int host_utimens(struct file *f, const struct b_timespec ts[2])
{
	if (f->mnt && !f->mnt->writable)
		return -EROFS;
	return plat_file_set_times(f->host_fd, ts);
}

static short host_poll(struct file *f, short events)
{
	struct b_pollfd p = { f->host_fd, events, 0 };
	struct b_timespec zero = { 0, 0 };
	if (plat_file_poll(&p, 1, &zero) < 0)
		return 8;
	return p.revents;
}

struct l_flock_layout { int16_t type, whence; int32_t pad; int64_t start, len; int32_t pid, pad2; };

static int host_lock(struct file *f, int cmd, struct k_flock *fl)
{
	struct l_flock_layout h = { fl->type, fl->whence, 0, fl->start, fl->len, fl->pid, 0 };
	int r = plat_file_lock(f->host_fd, cmd, &h);
	if (r == 0) {
		fl->type = h.type, fl->whence = h.whence, fl->start = h.start;
		fl->len = h.len, fl->pid = h.pid;
	}
	return r;
}

static int host_flock(struct file *f, int op)
{
	return plat_file_flock(f->host_fd, op);
}

static int host_map_handle(struct file *f)
{
	return f->host_fd;
}

static void host_release(struct file *f)
{
	plat_file_close(f->host_fd);
}

const struct file_ops host_file_ops = {
	.read = host_read,
	.write = host_write,
	.stat = host_stat,
	.getdents = host_getdents,
	.ioctl = host_ioctl,
	.truncate = host_truncate,
	.allocate = host_allocate,
	.sync = host_sync,
	.statfs = host_statfs,
	.chmod = host_chmod,
	.utimens = host_utimens,
	.poll = host_poll,
	.map_handle = host_map_handle,
	.seek = host_seek,
	.release = host_release,
	.lock = host_lock,
	.flock = host_flock,
	.host_offset = 1,
	.direct = 1,
};

struct file *host_file_wrap(int host_fd, int flags, const char *path, struct mount *m)
{
	struct file *f = file_alloc(&host_file_ops, flags, path);
	if (!f)
		return NULL;
	f->host_fd = host_fd;
	f->mnt = m;
	return f;
}

int file_adopt_host(int guest_fd, int host_fd, int flags)
{
	char label[32];
	static const char *const names[] = { "/dev/stdin", "/dev/stdout", "/dev/stderr" };
	strlcpy(label, guest_fd >= 0 && guest_fd < 3 ? names[guest_fd] : "host", sizeof(label));
	struct file *f = host_file_wrap(host_fd, flags, label, NULL);
	if (!f)
		return -ENOMEM;
	int r = fd_dup2_file(f, guest_fd);
	file_put(f);
	return r;
}

int file_memfd(const char *name, int flags)
{
	char label[300];
	int h = plat_memfd("guest");
	if (h < 0)
		return h;
	strlcpy(label, "/memfd:", sizeof(label));
	strlcat(label, name, sizeof(label));
	strlcat(label, " (deleted)", sizeof(label));
	struct file *f = host_file_wrap(h, K_O_RDWR | K_O_LARGEFILE, label, NULL);
	if (!f) {
		plat_file_close(h);
		return -ENOMEM;
	}
	int r = fd_install(f, flags & 1);
	if (r < 0)
		file_put(f);
	return r;
}

/* ---- synthetic directories ------------------------------------------- */

/* One linux_dirent64 record for e at ubuf + *used, with d_off next; 1 if
 * it does not fit in n, or -errno. */
static int dirent_put(const struct dirent_src *e, uint64_t next, void *ubuf, size_t n, size_t *used)
{
	char rec[280];
	size_t namelen = strlen(e->name);
	size_t reclen = (19 + namelen + 1 + 7) & ~(size_t)7;
	if (reclen > sizeof(rec))
		return -ENAMETOOLONG;
	if (*used + reclen > n)
		return 1;
	memset(rec, 0, reclen);
	memcpy(rec, &e->ino, 8);
	memcpy(rec + 8, &next, 8);
	uint16_t rl = (uint16_t)reclen;
	memcpy(rec + 16, &rl, 2);
	rec[18] = (char)e->type;
	memcpy(rec + 19, e->name, namelen);
	if (copy_out((char *)ubuf + *used, rec, reclen) < 0)
		return -EFAULT;
	*used += reclen;
	return 0;
}

long dirents_emit(const struct dirent_src *ents, int count, int64_t *index, void *ubuf, size_t n)
{
	size_t used = 0;
	while (*index < count) {
		int r = dirent_put(&ents[*index], (uint64_t)*index + 1, ubuf, n, &used);
		if (r < 0)
			return r;
		if (r)
			break;
		(*index)++;
	}
	if (used == 0 && *index < count)
		return -EINVAL;
	return (long)used;
}

long dirents_emit_at(const struct dirent_src *ents, int count, int64_t *pos, void *ubuf, size_t n)
{
	size_t used = 0;
	int i = 0;
	while (i < count && ents[i].off < (uint64_t)*pos)
		i++;
	for (; i < count; i++) {
		int r = dirent_put(&ents[i], ents[i].off + 1, ubuf, n, &used);
		if (r < 0)
			return r;
		if (r)
			break;
		*pos = (int64_t)ents[i].off + 1;
	}
	if (used == 0 && i < count)
		return -EINVAL;
	return (long)used;
}

/* ---- poll ------------------------------------------------------------- */

/* A sleep is cut into slices so that a signal landing just before the
 * host wait starts is noticed; files that can only be re-polled are
 * re-polled every step. */
#define POLL_SLICE_NS 50000000LL
#define POLL_STEP_NS 1000000LL

short file_poll_ready(struct file *f, short events, struct poll_wait *pw)
{
	short want = (short)(events | 8 | 16);
	if (events & 0x40) /* POLLRDNORM */
		want |= 1;
	if (events & 0x100) /* POLLWRNORM */
		want |= 4;
	if (!f->ops->poll)
		return events & (1 | 4 | 0x40 | 0x100); /* always ready */
	short r = f->ops->poll(f, want);
	if (r & 1)
		r |= 0x40;
	if (r & 4)
		r |= 0x100;
	r &= (short)(events | 8 | 16);
	if (!r && pw)
		poll_wait_add(pw, f, want);
	return r;
}

void poll_wait_add(struct poll_wait *pw, struct file *f, short events)
{
	if (f->ops->poll_wakes)
		pw->wakers++;
	else if (f->host_fd >= 0 && events && pw->nhost < POLL_HOST_MAX)
		pw->host[pw->nhost++] = (struct b_pollfd){ f->host_fd, events, 0 };
	else
		pw->others++;
}

uint32_t poll_seq(void)
{
	return __atomic_load_n(&arena_poll_words()[0], __ATOMIC_SEQ_CST);
}

void poll_notify(void)
{
	uint32_t *w = arena_poll_words();
	__atomic_add_fetch(&w[0], 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&w[1], __ATOMIC_SEQ_CST))
		plat_wake_shared(&w[0], 0x7fffffff);
}

static int64_t mono_now(void)
{
	struct b_timespec t;
	plat_clock_get(1, &t);
	return t.sec * 1000000000LL + t.nsec;
}

/* Sleepers count themselves in w[1] before reading the counter, and
 * notifiers bump the counter before reading w[1]: a change after a scan
 * either moves the counter (the host wait returns at once) or sees the
 * sleeper and wakes it. A wait in the host on handles ends when one is
 * ready or a signal kicks the thread. */
int poll_loop(int (*scan)(void *ctx, struct poll_wait *pw), void *ctx, const struct b_timespec *timeout)
{
	uint32_t *w = arena_poll_words();
	struct poll_wait pw;
	int64_t deadline = 0;
	if (timeout) {
		int64_t sec = timeout->sec > 1000000000LL ? 1000000000LL : timeout->sec;
		deadline = mono_now() + sec * 1000000000LL + timeout->nsec;
	}
	int r;
	__atomic_add_fetch(&w[1], 1, __ATOMIC_SEQ_CST);
	for (;;) {
		uint32_t seen = __atomic_load_n(&w[0], __ATOMIC_SEQ_CST);
		pw.wakers = pw.others = pw.nhost = 0;
		r = scan(ctx, &pw);
		if (r)
			break;
		int in_host = pw.nhost && !pw.wakers && !pw.others;
		int64_t step = pw.others || (pw.nhost && !in_host) ? POLL_STEP_NS : POLL_SLICE_NS;
		if (timeout) {
			int64_t left = deadline - mono_now();
			if (left <= 0)
				break;
			if (left < step)
				step = left;
		}
		if (sig_has_deliverable()) {
			r = -EINTR;
			break;
		}
		struct b_timespec ts = { step / 1000000000LL, step % 1000000000LL };
		if (in_host)
			plat_file_poll(pw.host, pw.nhost, &ts);
		else
			plat_wait_shared(&w[0], seen, &ts);
	}
	__atomic_sub_fetch(&w[1], 1, __ATOMIC_SEQ_CST);
	return r;
}

struct poll_set {
	struct b_pollfd *fds;
	int n;
};

static int poll_scan(void *ctx, struct poll_wait *pw)
{
	struct poll_set *ps = ctx;
	int ready = 0;
	for (int i = 0; i < ps->n; i++) {
		struct b_pollfd *p = &ps->fds[i];
		p->revents = 0;
		if (p->fd < 0)
			continue;
		struct file *f = fd_get(p->fd);
		if (!f) {
			p->revents = 32; /* POLLNVAL */
		} else {
			p->revents = file_poll_ready(f, p->events, pw);
			file_put(f);
		}
		if (p->revents)
			ready++;
	}
	return ready;
}

int file_poll(struct b_pollfd *fds, int n, const struct b_timespec *timeout)
{
	struct poll_set ps = { fds, n };
	return poll_loop(poll_scan, &ps, timeout);
}
