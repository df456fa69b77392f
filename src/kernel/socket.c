/* socket.c — sockets. Every guest socket is a host socket (platform.h,
 * "Sockets"), confined by the host: a private network namespace or no
 * inet at all, Landlock's scopes, the seccomp gate. Bento adds:
 *
 * - its own waiting: host handles are always non-blocking, and a blocking
 *   call waits here in slices that end when a guest signal becomes
 *   deliverable (-EINTR; SA_RESTART is the shim's business), honouring
 *   SO_RCVTIMEO/SO_SNDTIMEO;
 * - AF_UNIX path names: the guest's path is resolved by the VFS; the
 *   socket file lives in a host directory mount, and the host sees only
 *   its last component relative to a handle of the directory holding it
 *   (docs/architecture.md, "Sockets"). Addresses the host hands back are
 *   turned into the guest's paths again;
 * - SCM_RIGHTS: guest descriptors become host handles on the way out (only
 *   host-backed files and sockets can travel) and host handles become new
 *   guest descriptors on the way in. */
#include "kernel/kernel.h"
#include "lib/fmt.h"

#define AF_UNIX_K 1
#define AF_INET_K 2
#define AF_INET6_K 10
#define SOCK_STREAM_K 1
#define SOCK_DGRAM_K 2
#define SOCK_NONBLOCK_K 04000
#define SOCK_CLOEXEC_K 02000000
#define MSG_PEEK_K 0x2
#define MSG_CTRUNC_K 0x8
#define MSG_DONTWAIT_K 0x40
#define MSG_WAITALL_K 0x100
#define MSG_NOSIGNAL_K 0x4000
#define MSG_CMSG_CLOEXEC_K 0x40000000
#define SOL_SOCKET_K 1
#define SCM_RIGHTS_K 1
#define SCM_CREDENTIALS_K 2
#define SO_TYPE_K 3
#define SO_ERROR_K 4
#define SO_RCVTIMEO_K 20
#define SO_SNDTIMEO_K 21
#define SO_DOMAIN_K 39
#define SO_RCVTIMEO_NEW_K 66
#define SO_SNDTIMEO_NEW_K 67
#define POLLIN_K 1
#define POLLOUT_K 4

#define ADDR_MAX 128        /* sizeof(struct sockaddr_storage) */
#define UNIX_PATH 108       /* sizeof(sun_path) */
#define CONTROL_MAX 65536   /* ancillary data bento copies (else ENOBUFS) */
#define IOV_MAX_K 1024
#define SCM_MAX_FD 253
#define WAIT_SLICE_NS 50000000LL
#define CANON_MAX 256       /* canonical paths the name table keeps */

struct sock {
	int domain, type;
	char *bound;           /* AF_UNIX path name as given to bind, or NULL */
	char *peer;            /* AF_UNIX path name as given to connect, or NULL */
	int64_t rcvtimeo, sndtimeo; /* ns; 0 waits forever */
};

/* Shared by the sandbox's processes (arena): the guest paths of AF_UNIX
 * sockets bound in the sandbox, by the name the host knows them by (their
 * last component), so that addresses the host reports (accept, recvfrom,
 * getpeername) read as the guest's paths; and the guest paths of files
 * recently sent with SCM_RIGHTS, by host inode, to label them on arrival. */
#define NAMES 32
#define PASSED 16
struct net_shared {
	struct spinlock lock;
	unsigned next_name, next_passed;
	struct { char host[UNIX_PATH], guest[UNIX_PATH], canon[CANON_MAX]; } names[NAMES];
	struct { uint64_t dev, ino; char path[256]; } passed[PASSED];
};

static struct net_shared *shared;
static int net_mode = K_NET_NONE;

void sock_net_init(int mode)
{
	net_mode = mode;
	if (!shared)
		shared = shm_zalloc(sizeof(*shared));
}

static void names_add(const char *host, const char *guest, const char *canon)
{
	if (!shared)
		return;
	spin_lock(&shared->lock);
	int slot = -1;
	for (int i = 0; i < NAMES && slot < 0; i++)
		if (!strcmp(shared->names[i].host, host))
			slot = i;
	if (slot < 0)
		slot = (int)(shared->next_name++ % NAMES);
	strlcpy(shared->names[slot].host, host, UNIX_PATH);
	strlcpy(shared->names[slot].guest, guest, UNIX_PATH);
	if (strlen(canon) < CANON_MAX)
		strlcpy(shared->names[slot].canon, canon, CANON_MAX);
	else
		shared->names[slot].canon[0] = 0;
	spin_unlock(&shared->lock);
}

/* The path a socket file at canonical path canon was bound with, if it
 * was bound in the sandbox. */
static int names_by_canon(const char *canon, char *guest)
{
	int found = 0;
	if (!shared || !canon[0])
		return 0;
	spin_lock(&shared->lock);
	for (int i = 0; i < NAMES && !found; i++) {
		if (shared->names[i].canon[0] && !strcmp(shared->names[i].canon, canon)) {
			strlcpy(guest, shared->names[i].guest, UNIX_PATH);
			found = 1;
		}
	}
	spin_unlock(&shared->lock);
	return found;
}

static int names_find(const char *host, char *guest)
{
	int found = 0;
	if (!shared)
		return 0;
	spin_lock(&shared->lock);
	for (int i = 0; i < NAMES && !found; i++) {
		if (shared->names[i].host[0] && !strcmp(shared->names[i].host, host)) {
			strlcpy(guest, shared->names[i].guest, UNIX_PATH);
			found = 1;
		}
	}
	spin_unlock(&shared->lock);
	return found;
}

static void passed_add(struct file *f)
{
	struct b_stat st;
	if (!shared || !f->path || f->path[0] != '/' || plat_file_stat(f->host_fd, NULL, &st) < 0)
		return;
	spin_lock(&shared->lock);
	unsigned i = shared->next_passed++ % PASSED;
	shared->passed[i].dev = st.dev;
	shared->passed[i].ino = st.ino;
	strlcpy(shared->passed[i].path, f->path, sizeof(shared->passed[i].path));
	spin_unlock(&shared->lock);
}

static int passed_find(const struct b_stat *st, char *path, size_t n)
{
	int found = 0;
	if (!shared)
		return 0;
	spin_lock(&shared->lock);
	for (int i = 0; i < PASSED && !found; i++) {
		if (shared->passed[i].path[0] && shared->passed[i].dev == st->dev &&
		    shared->passed[i].ino == st->ino) {
			strlcpy(path, shared->passed[i].path, n);
			found = 1;
		}
	}
	spin_unlock(&shared->lock);
	return found;
}

/* ---- the socket file kind --------------------------------------------- */

static const struct file_ops sock_ops;

static struct sock *sock_of(struct file *f)
{
	return f->ops == &sock_ops ? f->priv : NULL;
}

static int64_t now_ns(void)
{
	struct b_timespec t;
	plat_clock_get(1, &t);
	return t.sec * 1000000000LL + t.nsec;
}

static int64_t deadline_after(int64_t timeout)
{
	return timeout ? now_ns() + timeout : 0;
}

/* Wait until the host handle may be ready for events: 0 (the caller
 * retries its operation), -EINTR when a signal is deliverable, -EAGAIN
 * once deadline (monotonic ns, 0 = none) has passed. *spins counts
 * retries after the handle polled ready: when the operation still could
 * not proceed (an unconnected datagram socket always polls writable, a
 * full listen backlog does not show), the next waits are short sleeps
 * instead of polls, so nothing spins. */
static int sock_wait(struct file *f, short events, int64_t deadline, int *spins)
{
	for (;;) {
		if (sig_has_deliverable())
			return -EINTR;
		int64_t step = *spins ? (*spins < 10 ? *spins : 10) * 1000000LL : WAIT_SLICE_NS;
		if (deadline) {
			int64_t left = deadline - now_ns();
			if (left <= 0)
				return -EAGAIN;
			if (left < step)
				step = left;
		}
		struct b_timespec ts = { step / 1000000000LL, step % 1000000000LL };
		if (*spins) {
			(*spins)++;
			return sig_wait_interruptible(&ts) == -EINTR ? -EINTR : 0;
		}
		struct b_pollfd p = { f->host_fd, events, 0 };
		int r = plat_file_poll(&p, 1, &ts);
		if (r > 0) {
			*spins = 1;
			return 0;
		}
		if (r < 0 && r != -EINTR)
			return r;
	}
}

static void raise_sigpipe(void)
{
	struct b_siginfo info = { .signo = 13, .pid = kproc->pid };
	sig_queue_thread(cur_thread(), &info);
}

/* Drop the first n bytes from the message's buffers. */
static void iov_advance(struct plat_msghdr *m, size_t n)
{
	while (m->iovlen && (n || !m->iov->len)) {
		if (n < m->iov->len) {
			m->iov->base = (char *)m->iov->base + n;
			m->iov->len -= n;
			return;
		}
		n -= m->iov->len;
		m->iov++;
		m->iovlen--;
	}
}

/* A blocking stream send goes on until everything is sent, as Linux's
 * does; a signal or a timeout after some progress returns the count. */
static long do_send(struct file *f, struct plat_msghdr *m, int dir, int flags, size_t total)
{
	struct sock *s = f->priv;
	int nonblock = (f->flags & K_O_NONBLOCK) || (flags & MSG_DONTWAIT_K);
	int64_t deadline = deadline_after(s->sndtimeo);
	size_t done = 0;
	int spins = 0;
	long r;
	for (;;) {
		r = plat_sock_msg(PLAT_SOCK_SEND, f->host_fd, dir, m, flags | MSG_DONTWAIT_K);
		if (r >= 0) {
			done += (size_t)r;
			if (s->type != SOCK_STREAM_K || nonblock || done >= total)
				break;
			iov_advance(m, (size_t)r);
			/* Ancillary data went with the first byte. */
			m->control = NULL, m->controllen = 0;
			spins = 0;
			continue;
		}
		if (r != -EAGAIN || nonblock)
			break;
		r = sock_wait(f, POLLOUT_K, deadline, &spins);
		if (r < 0)
			break;
	}
	if (done || r >= 0)
		return (long)done;
	if (r == -EPIPE && !(flags & MSG_NOSIGNAL_K) && s->type != SOCK_DGRAM_K)
		raise_sigpipe();
	return r;
}

/* MSG_WAITALL on a blocking stream socket gathers until the buffers are
 * full (not when ancillary data is asked for: it could be lost between
 * the pieces). */
static long do_recv(struct file *f, struct plat_msghdr *m, int flags, size_t total)
{
	struct sock *s = f->priv;
	int nonblock = (f->flags & K_O_NONBLOCK) || (flags & MSG_DONTWAIT_K);
	int waitall = (flags & MSG_WAITALL_K) && !(flags & MSG_PEEK_K) && !nonblock &&
		      s->type == SOCK_STREAM_K && !m->control;
	int hflags = (flags & ~MSG_WAITALL_K) | MSG_DONTWAIT_K;
	int64_t deadline = deadline_after(s->rcvtimeo);
	size_t done = 0;
	int spins = 0;
	long r;
	for (;;) {
		r = plat_sock_msg(PLAT_SOCK_RECV, f->host_fd, -1, m, hflags);
		if (r > 0 && waitall && done + (size_t)r < total) {
			done += (size_t)r;
			iov_advance(m, (size_t)r);
			spins = 0;
			continue;
		}
		if (r >= 0) {
			done += (size_t)r;
			break;
		}
		if (r != -EAGAIN || nonblock)
			break;
		r = sock_wait(f, POLLIN_K, deadline, &spins);
		if (r < 0)
			break;
	}
	return done ? (long)done : r;
}

static long sock_read(struct file *f, void *ubuf, size_t n, int64_t *pos)
{
	(void)pos;
	struct plat_iovec iov = { ubuf, n };
	struct plat_msghdr m = { .iov = &iov, .iovlen = 1 };
	return do_recv(f, &m, 0, n);
}

static long sock_write(struct file *f, const void *ubuf, size_t n, int64_t *pos)
{
	(void)pos;
	struct plat_iovec iov = { (void *)ubuf, n };
	struct plat_msghdr m = { .iov = &iov, .iovlen = 1 };
	return do_send(f, &m, -1, 0, n);
}

static int sock_stat(struct file *f, struct b_stat *st)
{
	return plat_file_stat(f->host_fd, NULL, st);
}

static int sock_statfs(struct file *f, struct b_statfs *st)
{
	return plat_file_statfs(f->host_fd, st);
}

static short sock_poll(struct file *f, short events)
{
	struct b_pollfd p = { f->host_fd, events, 0 };
	struct b_timespec zero = { 0, 0 };
	if (plat_file_poll(&p, 1, &zero) < 0)
		return 0;
	return p.revents;
}

/* FIONREAD (= SIOCINQ) only; FIONBIO and FIOCLEX are generic. */
static int sock_ioctl(struct file *f, unsigned long req, void *uarg)
{
	if (req != 0x541B)
		return -ENOTTY;
	return plat_file_ioctl(f->host_fd, req, uarg);
}

static void sock_release(struct file *f)
{
	struct sock *s = f->priv;
	plat_file_close(f->host_fd);
	kfree(s->bound);
	kfree(s->peer);
	kfree(s);
}

static const struct file_ops sock_ops = {
	.read = sock_read,
	.write = sock_write,
	.stat = sock_stat,
	.statfs = sock_statfs,
	.poll = sock_poll,
	.ioctl = sock_ioctl,
	.release = sock_release,
	.stream = 1,
};

/* A socket file for host handle h (taken over: the caller closes it only
 * when this fails). Shown as "socket:[INODE]", as Linux does. */
static struct file *sock_wrap(int h, int domain, int type, int flags)
{
	struct b_stat st;
	char label[48];
	if (plat_file_stat(h, NULL, &st) < 0)
		st.ino = 0;
	fmt_snprintf(label, sizeof(label), "socket:[%llu]", (unsigned long long)st.ino);
	struct sock *s = kzalloc(sizeof(*s));
	if (!s)
		return NULL;
	struct file *f = file_alloc(&sock_ops, flags, label);
	if (!f) {
		kfree(s);
		return NULL;
	}
	s->domain = domain;
	s->type = type;
	f->host_fd = h;
	f->priv = s;
	return f;
}

static int install(struct file *f, int cloexec)
{
	int fd = fd_install(f, cloexec);
	if (fd < 0)
		file_put(f);
	return fd;
}

int sock_create(int domain, int type, int protocol)
{
	if (type & ~(0xf | SOCK_NONBLOCK_K | SOCK_CLOEXEC_K))
		return -EINVAL;
	if (domain == AF_INET_K || domain == AF_INET6_K) {
		if (net_mode == K_NET_NONE)
			return -EAFNOSUPPORT;
	} else if (domain != AF_UNIX_K) {
		return -EAFNOSUPPORT; /* netlink, packet, ...: not passed through */
	}
	int h = plat_socket(domain, type & 0xf, protocol);
	if (h < 0)
		return h;
	struct file *f = sock_wrap(h, domain, type & 0xf,
				   K_O_RDWR | ((type & SOCK_NONBLOCK_K) ? K_O_NONBLOCK : 0));
	if (!f) {
		plat_file_close(h);
		return -ENOMEM;
	}
	return install(f, !!(type & SOCK_CLOEXEC_K));
}

int sock_pair(int domain, int type, int protocol, int sv[2])
{
	if (type & ~(0xf | SOCK_NONBLOCK_K | SOCK_CLOEXEC_K))
		return -EINVAL;
	if (domain != AF_UNIX_K)
		return (domain == AF_INET_K || domain == AF_INET6_K) && net_mode != K_NET_NONE
			       ? -EOPNOTSUPP : -EAFNOSUPPORT;
	int h[2];
	int r = plat_socketpair(domain, type & 0xf, protocol, h);
	if (r < 0)
		return r;
	int flags = K_O_RDWR | ((type & SOCK_NONBLOCK_K) ? K_O_NONBLOCK : 0);
	struct file *f[2] = { sock_wrap(h[0], domain, type & 0xf, flags), NULL };
	if (f[0])
		f[1] = sock_wrap(h[1], domain, type & 0xf, flags);
	if (!f[1]) {
		if (f[0])
			file_put(f[0]);
		else
			plat_file_close(h[0]);
		plat_file_close(h[1]);
		return -ENOMEM;
	}
	sv[0] = install(f[0], !!(type & SOCK_CLOEXEC_K));
	if (sv[0] < 0) {
		file_put(f[1]);
		return sv[0];
	}
	sv[1] = install(f[1], !!(type & SOCK_CLOEXEC_K));
	if (sv[1] < 0) {
		fd_close(sv[0]);
		return sv[1];
	}
	return 0;
}

/* ---- addresses -------------------------------------------------------- */

/* Where an AF_UNIX path name lives: a handle of the host directory that
 * holds it (in *dir, for the caller to close) and its last component (in
 * name). Bind does not follow a final link (the name must be new), connect
 * and send do. Only host directory mounts hold socket files; elsewhere
 * bind fails (EROFS on a read-only mount, else EOPNOTSUPP) and connect
 * finds nothing to connect to. */
static int unix_target(const char *path, int for_bind, int *dir, char *name, char *canon_out)
{
	char *canon = kmalloc(PATH_MAX_K);
	if (!canon)
		return -ENOMEM;
	int r = vfs_resolve(K_AT_FDCWD, path, !for_bind, canon, PATH_MAX_K);
	if (r < 0)
		goto out;
	if (strlen(canon) < CANON_MAX)
		strlcpy(canon_out, canon, CANON_MAX);
	const char *rel = "";
	struct mount *m = mount_find(canon, &rel);
	struct b_stat st;
	int exists = m && m->ops->stat && m->ops->stat(m, rel, &st) == 0;
	if (!m || m->ops != &hostfs_ops || m->host_dir < 0 || !rel[0]) {
		if (for_bind)
			r = exists ? -EADDRINUSE : (!m || !m->writable) ? -EROFS : -EOPNOTSUPP;
		else
			r = exists ? -ECONNREFUSED : -ENOENT;
		goto out;
	}
	if (for_bind && !m->writable) {
		r = exists ? -EADDRINUSE : -EROFS;
		goto out;
	}
	const char *slash = strrchr(rel, '/');
	const char *last = slash ? slash + 1 : rel;
	if (strlen(last) >= UNIX_PATH) {
		r = -ENAMETOOLONG;
		goto out;
	}
	/* The parent, in place: canon is ours. */
	const char *parent = slash ? rel : "";
	if (slash)
		*(char *)slash = 0;
	strlcpy(name, last, UNIX_PATH);
	r = plat_file_open(m->host_dir, parent, K_O_PATH | K_O_DIRECTORY, 0);
	if (r >= 0) {
		*dir = r;
		r = 0;
	}
out:
	kfree(canon);
	return r;
}

/* The host's form of the guest's address a (len bytes) in out: an
 * AF_UNIX path name becomes its last component inside *dir (path gets the
 * guest's path, canon its canonical form when it fits CANON_MAX); every
 * other address passes as it is. */
static int addr_to_host(const char *a, uint32_t len, int for_bind, char *out, uint32_t *olen,
			int *dir, char *path, char *canon)
{
	uint16_t family;
	*dir = -1;
	path[0] = 0;
	canon[0] = 0;
	if (len < 2 || len > ADDR_MAX)
		return -EINVAL;
	memcpy(&family, a, 2);
	if (family != AF_UNIX_K || len <= 2 || a[2] == 0) {
		memcpy(out, a, len);
		*olen = len;
		return 0;
	}
	if (len > 2 + UNIX_PATH)
		return -EINVAL;
	size_t n = strnlen(a + 2, len - 2);
	if (n >= UNIX_PATH)
		return -EINVAL;
	memcpy(path, a + 2, n);
	path[n] = 0;
	char name[UNIX_PATH];
	int r = unix_target(path, for_bind, dir, name, canon);
	if (r < 0)
		return r;
	memcpy(out, &family, 2);
	size_t nl = strlen(name);
	memcpy(out + 2, name, nl + 1);
	*olen = (uint32_t)(2 + nl + 1);
	return 0;
}

/* The guest's form of an address the host reported (a, len bytes, a has
 * room for ADDR_MAX): an AF_UNIX path name — a last component, as bento
 * binds them — becomes the guest path it was bound with (known, when the
 * caller knows it, else from the sandbox's table). Returns the length. */
static uint32_t addr_to_guest(char *a, uint32_t len, const char *known)
{
	uint16_t family;
	if (len <= 2)
		return len;
	if (len > ADDR_MAX)
		len = ADDR_MAX;
	memcpy(&family, a, 2);
	if (family != AF_UNIX_K || a[2] == 0)
		return len;
	char host[UNIX_PATH], guest[UNIX_PATH];
	size_t n = strnlen(a + 2, len - 2 < UNIX_PATH - 1 ? len - 2 : UNIX_PATH - 1);
	memcpy(host, a + 2, n);
	host[n] = 0;
	if (known)
		strlcpy(guest, known, sizeof(guest));
	else if (!names_find(host, guest))
		return len;
	size_t gl = strlen(guest);
	memcpy(a + 2, guest, gl + 1);
	return (uint32_t)(2 + gl + 1);
}

/* Copy an address out as Linux's move_addr_to_user: cut to the guest's
 * buffer (*ulen bytes), the full length into *ulen. */
static int put_addr(void *uaddr, uint32_t *ulen, const void *a, uint32_t len)
{
	int32_t cap;
	if (copy_in(&cap, ulen, sizeof(cap)) < 0)
		return -EFAULT;
	if (cap < 0)
		return -EINVAL;
	if ((uint32_t)cap > len)
		cap = (int32_t)len;
	if (cap && copy_out(uaddr, a, (size_t)cap) < 0)
		return -EFAULT;
	return copy_out(ulen, &len, sizeof(len));
}

#define WITH_SOCK(fd, f, s)                   \
	struct file *f = fd_get(fd);          \
	if (!f)                               \
		return -EBADF;                \
	struct sock *s = sock_of(f);          \
	if (!s) {                             \
		file_put(f);                  \
		return -ENOTSOCK;             \
	}

static void io_done(struct file *f)
{
	if (__atomic_load_n(&f->epitems, __ATOMIC_ACQUIRE))
		epoll_file_io(f);
}

int sock_bind(int fd, const void *uaddr, uint32_t len)
{
	WITH_SOCK(fd, f, s);
	char a[ADDR_MAX], h[ADDR_MAX], path[UNIX_PATH], canon[CANON_MAX];
	uint32_t hl;
	int dir = -1, r;
	if (len > ADDR_MAX || len < 2)
		r = -EINVAL;
	else if (copy_in(a, uaddr, len) < 0)
		r = -EFAULT;
	else
		r = addr_to_host(a, len, 1, h, &hl, &dir, path, canon);
	if (r == 0)
		r = plat_sock_addr(PLAT_SOCK_BIND, f->host_fd, dir, h, hl);
	if (r == 0 && path[0]) {
		kfree(s->bound);
		s->bound = kstrdup(path);
		names_add(h + 2, path, canon);
	}
	if (dir >= 0)
		plat_file_close(dir);
	file_put(f);
	return r;
}

int sock_connect(int fd, const void *uaddr, uint32_t len)
{
	WITH_SOCK(fd, f, s);
	char a[ADDR_MAX], h[ADDR_MAX], path[UNIX_PATH], canon[CANON_MAX];
	uint32_t hl;
	int dir = -1, r;
	if (len > ADDR_MAX || len < 2)
		r = -EINVAL;
	else if (copy_in(a, uaddr, len) < 0)
		r = -EFAULT;
	else
		r = addr_to_host(a, len, 0, h, &hl, &dir, path, canon);
	int nonblock = f->flags & K_O_NONBLOCK;
	int64_t deadline = deadline_after(s->sndtimeo);
	int spins = 0, waited = 0;
	while (r == 0) {
		r = plat_sock_addr(PLAT_SOCK_CONNECT, f->host_fd, dir, h, hl);
		if (r == -EISCONN && waited)
			r = 0;
		if (r == 0 || nonblock)
			break;
		int inet_wait = r == -EINPROGRESS || r == -EALREADY;
		/* A full AF_UNIX backlog: Linux waits for room. */
		int unix_wait = r == -EAGAIN && s->domain == AF_UNIX_K;
		if (!inet_wait && !unix_wait)
			break;
		if (unix_wait && !spins)
			spins = 1;
		int w = sock_wait(f, POLLOUT_K, deadline, &spins);
		if (w < 0) {
			r = w == -EAGAIN && inet_wait ? -EINPROGRESS : w;
			break;
		}
		waited = 1;
		if (inet_wait) {
			int err = 0;
			uint32_t el = sizeof(err);
			plat_sock_ctl(PLAT_SOCK_GETOPT, f->host_fd, SOL_SOCKET_K, SO_ERROR_K, &err, &el);
			if (err) {
				r = -err;
				break;
			}
		}
		r = 0; /* try again: EISCONN says done, EALREADY not yet */
	}
	if (r == 0 && path[0]) {
		/* getpeername shows the path the listener was bound with. */
		char bound[UNIX_PATH];
		kfree(s->peer);
		s->peer = kstrdup(names_by_canon(canon, bound) ? bound : path);
	}
	if (dir >= 0)
		plat_file_close(dir);
	file_put(f);
	return r;
}

int sock_listen(int fd, int backlog)
{
	WITH_SOCK(fd, f, s);
	(void)s;
	int r = (int)plat_sock_ctl(PLAT_SOCK_LISTEN, f->host_fd, backlog, 0, NULL, NULL);
	file_put(f);
	return r;
}

int sock_shutdown(int fd, int how)
{
	WITH_SOCK(fd, f, s);
	(void)s;
	int r = (int)plat_sock_ctl(PLAT_SOCK_SHUTDOWN, f->host_fd, how, 0, NULL, NULL);
	io_done(f);
	file_put(f);
	return r;
}

int sock_accept(int fd, void *uaddr, uint32_t *ulen, int flags)
{
	if (flags & ~(SOCK_NONBLOCK_K | SOCK_CLOEXEC_K))
		return -EINVAL;
	WITH_SOCK(fd, f, s);
	char a[ADDR_MAX];
	uint32_t len;
	int nonblock = f->flags & K_O_NONBLOCK;
	int64_t deadline = deadline_after(s->rcvtimeo);
	int spins = 0, r;
	for (;;) {
		len = sizeof(a);
		r = plat_sock_accept(f->host_fd, a, &len);
		if (r != -EAGAIN || nonblock)
			break;
		int w = sock_wait(f, POLLIN_K, deadline, &spins);
		if (w < 0) {
			r = w;
			break;
		}
	}
	io_done(f);
	if (r < 0)
		goto out;
	int h = r;
	struct file *nf = sock_wrap(h, s->domain, s->type,
				    K_O_RDWR | ((flags & SOCK_NONBLOCK_K) ? K_O_NONBLOCK : 0));
	if (!nf) {
		plat_file_close(h);
		r = -ENOMEM;
		goto out;
	}
	if (s->bound)
		((struct sock *)nf->priv)->bound = kstrdup(s->bound);
	if (uaddr) {
		len = addr_to_guest(a, len, NULL);
		r = put_addr(uaddr, ulen, a, len);
		if (r < 0) {
			file_put(nf);
			goto out;
		}
	}
	r = install(nf, !!(flags & SOCK_CLOEXEC_K));
out:
	file_put(f);
	return r;
}

int sock_getname(int fd, int peer, void *uaddr, uint32_t *ulen)
{
	WITH_SOCK(fd, f, s);
	char a[ADDR_MAX];
	uint32_t len = sizeof(a);
	int r = (int)plat_sock_ctl(peer ? PLAT_SOCK_PEER : PLAT_SOCK_NAME, f->host_fd, 0, 0, a, &len);
	if (r == 0) {
		len = addr_to_guest(a, len, peer ? s->peer : s->bound);
		r = put_addr(uaddr, ulen, a, len);
	}
	file_put(f);
	return r;
}

int sock_getsockopt(int fd, int level, int name, void *uval, uint32_t *ulen)
{
	WITH_SOCK(fd, f, s);
	(void)s;
	int r = (int)plat_sock_ctl(PLAT_SOCK_GETOPT, f->host_fd, level, name, uval, ulen);
	file_put(f);
	return r;
}

int sock_setsockopt(int fd, int level, int name, const void *uval, uint32_t len)
{
	WITH_SOCK(fd, f, s);
	uint32_t l = len;
	int r = (int)plat_sock_ctl(PLAT_SOCK_SETOPT, f->host_fd, level, name, (void *)uval, &l);
	/* Bento waits itself, so it keeps the timeouts too. */
	int rcv = name == SO_RCVTIMEO_K || name == SO_RCVTIMEO_NEW_K;
	int snd = name == SO_SNDTIMEO_K || name == SO_SNDTIMEO_NEW_K;
	int64_t tv[2];
	if (r == 0 && level == SOL_SOCKET_K && (rcv || snd) && len >= sizeof(tv) &&
	    copy_in(tv, uval, sizeof(tv)) == 0) {
		int64_t ns = 0;
		if (tv[0] >= 0 && tv[0] < 1000000000LL && tv[1] >= 0 && tv[1] < 1000000)
			ns = tv[0] * 1000000000LL + tv[1] * 1000;
		if (rcv)
			s->rcvtimeo = ns;
		else
			s->sndtimeo = ns;
	}
	file_put(f);
	return r;
}

/* ---- messages and descriptor passing ----------------------------------- */

struct cmsg { uint64_t len; int32_t level, type; };
#define CMSG_ALIGN_K(n) (((n) + 7) & ~(size_t)7)

/* Replace the guest descriptors of SCM_RIGHTS in ctl by the host handles
 * behind them, holding their files in held (count in *nheld) until the
 * send is over; only host files and sockets travel. A process id in
 * SCM_CREDENTIALS that is the sender's own becomes its host pid. */
static int rights_to_host(char *ctl, size_t len, struct file **held, int *nheld, int max)
{
	size_t off = 0;
	while (off + sizeof(struct cmsg) <= len) {
		struct cmsg c;
		memcpy(&c, ctl + off, sizeof(c));
		if (c.len < sizeof(c) || c.len > len - off)
			return -EINVAL;
		char *data = ctl + off + sizeof(c);
		size_t dlen = (size_t)c.len - sizeof(c);
		if (c.level == SOL_SOCKET_K && c.type == SCM_RIGHTS_K) {
			size_t n = dlen / sizeof(int);
			if (n > SCM_MAX_FD)
				return -EINVAL;
			for (size_t i = 0; i < n; i++) {
				int gfd;
				memcpy(&gfd, data + i * sizeof(int), sizeof(int));
				struct file *g = fd_get(gfd);
				if (!g)
					return -EBADF;
				if ((g->ops != &host_file_ops && g->ops != &sock_ops) || g->host_fd < 0 ||
				    *nheld >= max) {
					file_put(g);
					return *nheld >= max ? -EINVAL : -EOPNOTSUPP;
				}
				held[(*nheld)++] = g;
				if (g->ops == &host_file_ops)
					passed_add(g);
				memcpy(data + i * sizeof(int), &g->host_fd, sizeof(int));
			}
		} else if (c.level == SOL_SOCKET_K && c.type == SCM_CREDENTIALS_K && dlen >= sizeof(int)) {
			int pid;
			memcpy(&pid, data, sizeof(pid));
			if (pid == kproc->pid) {
				pid = (int)plat_process_id();
				memcpy(data, &pid, sizeof(pid));
			}
		}
		off += CMSG_ALIGN_K((size_t)c.len);
	}
	return 0;
}

/* A received host handle as a guest file: sockets as sockets, anything
 * else as a host file (labelled with the sender's path when bento sent
 * it). */
static struct file *wrap_received(int h)
{
	struct b_stat st;
	if (plat_file_stat(h, NULL, &st) < 0)
		return NULL;
	if ((st.mode & K_S_IFMT) == K_S_IFSOCK) {
		int domain = AF_UNIX_K, type = SOCK_STREAM_K;
		uint32_t l = sizeof(int);
		plat_sock_ctl(PLAT_SOCK_GETOPT, h, SOL_SOCKET_K, SO_DOMAIN_K, &domain, &l);
		l = sizeof(int);
		plat_sock_ctl(PLAT_SOCK_GETOPT, h, SOL_SOCKET_K, SO_TYPE_K, &type, &l);
		return sock_wrap(h, domain, type, K_O_RDWR);
	}
	char path[256];
	struct mount *m = NULL;
	if (passed_find(&st, path, sizeof(path)))
		m = mount_find(path, NULL);
	else
		fmt_snprintf(path, sizeof(path), "anon_inode:[passed %llu]", (unsigned long long)st.ino);
	return host_file_wrap(h, K_O_RDWR | K_O_LARGEFILE, path, m);
}

static void close_rights(const char *data, size_t from, size_t n)
{
	for (size_t i = from; i < n; i++) {
		int h;
		memcpy(&h, data + i * sizeof(int), sizeof(int));
		plat_file_close(h);
	}
}

/* Turn the host handles of received SCM_RIGHTS into new guest
 * descriptors; when that fails (EMFILE), the rest is closed and the
 * control data cut there, with MSG_CTRUNC, as Linux does. */
static void rights_from_host(char *ctl, size_t *len, int *mflags, int cloexec)
{
	size_t off = 0;
	int failed = 0;
	while (off + sizeof(struct cmsg) <= *len) {
		struct cmsg c;
		memcpy(&c, ctl + off, sizeof(c));
		if (c.len < sizeof(c) || c.len > *len - off)
			break;
		char *data = ctl + off + sizeof(c);
		size_t n = ((size_t)c.len - sizeof(c)) / sizeof(int);
		if (c.level == SOL_SOCKET_K && c.type == SCM_RIGHTS_K) {
			for (size_t i = 0; i < n; i++) {
				if (failed) {
					close_rights(data, i, n);
					break;
				}
				int h, gfd = -EMFILE;
				memcpy(&h, data + i * sizeof(int), sizeof(int));
				struct file *g = wrap_received(h);
				if (g)
					gfd = install(g, cloexec);
				else
					plat_file_close(h);
				if (gfd < 0) {
					failed = 1;
					close_rights(data, i + 1, n);
					c.len = sizeof(c) + i * sizeof(int);
					memcpy(ctl + off, &c, sizeof(c));
					*len = off + (i ? CMSG_ALIGN_K((size_t)c.len) : 0);
					*mflags |= MSG_CTRUNC_K;
					break;
				}
				memcpy(data + i * sizeof(int), &gfd, sizeof(int));
			}
		} else if (c.level == SOL_SOCKET_K && c.type == SCM_CREDENTIALS_K && n >= 1 && !failed) {
			int pid;
			memcpy(&pid, data, sizeof(pid));
			if (pid == (int)plat_process_id()) {
				pid = kproc->pid;
				memcpy(data, &pid, sizeof(pid));
			}
		}
		off += CMSG_ALIGN_K((size_t)c.len);
	}
}

/* The buffers of a message as a host iovec array (bento memory); the
 * total length into *total. */
static int copy_iov(const struct k_msghdr *km, struct plat_iovec **out, size_t *total)
{
	if (km->iovlen > IOV_MAX_K)
		return -EMSGSIZE;
	struct plat_iovec *iov = kmalloc((km->iovlen ? km->iovlen : 1) * sizeof(*iov));
	if (!iov)
		return -ENOMEM;
	size_t sum = 0;
	for (size_t i = 0; i < km->iovlen; i++) {
		if (km->iov[i].len > (size_t)0x7fffffffffffffffLL - sum) {
			kfree(iov);
			return -EINVAL;
		}
		iov[i].base = km->iov[i].ubase;
		iov[i].len = km->iov[i].len;
		sum += km->iov[i].len;
	}
	*out = iov;
	*total = sum;
	return 0;
}

long sock_sendmsg(int fd, struct k_msghdr *km, int flags)
{
	WITH_SOCK(fd, f, s);
	(void)s;
	struct plat_iovec *iov = NULL;
	struct file *held[SCM_MAX_FD];
	int nheld = 0, dir = -1;
	char a[ADDR_MAX], h[ADDR_MAX], path[UNIX_PATH], canon[CANON_MAX];
	char *ctl = NULL;
	size_t total;
	long r = copy_iov(km, &iov, &total);
	struct plat_msghdr m = { .iov = iov, .iovlen = km->iovlen };
	if (r == 0 && km->uname && km->namelen) {
		uint32_t hl = 0;
		if (km->namelen > ADDR_MAX)
			r = -EINVAL;
		else if (copy_in(a, km->uname, km->namelen) < 0)
			r = -EFAULT;
		else
			r = addr_to_host(a, km->namelen, 0, h, &hl, &dir, path, canon);
		m.name = h;
		m.namelen = hl;
	}
	if (r == 0 && km->ucontrol && km->controllen) {
		if (km->controllen > CONTROL_MAX)
			r = -ENOBUFS;
		else if (!(ctl = kmalloc(km->controllen)))
			r = -ENOMEM;
		else if (copy_in(ctl, km->ucontrol, km->controllen) < 0)
			r = -EFAULT;
		else
			r = rights_to_host(ctl, km->controllen, held, &nheld, SCM_MAX_FD);
		m.control = ctl;
		m.controllen = km->controllen;
	}
	if (r == 0)
		r = do_send(f, &m, dir, flags, total);
	for (int i = 0; i < nheld; i++)
		file_put(held[i]);
	if (dir >= 0)
		plat_file_close(dir);
	kfree(ctl);
	kfree(iov);
	io_done(f);
	file_put(f);
	return r;
}

long sock_recvmsg(int fd, struct k_msghdr *km, int flags)
{
	WITH_SOCK(fd, f, s);
	(void)s;
	struct plat_iovec *iov = NULL;
	char a[ADDR_MAX];
	char *ctl = NULL;
	size_t total;
	long r = copy_iov(km, &iov, &total);
	struct plat_msghdr m = { .iov = iov, .iovlen = km->iovlen };
	if (km->uname) {
		m.name = a;
		m.namelen = sizeof(a);
	}
	if (r == 0 && km->ucontrol && km->controllen) {
		size_t clen = km->controllen > CONTROL_MAX ? CONTROL_MAX : km->controllen;
		if (!(ctl = kmalloc(clen)))
			r = -ENOMEM;
		m.control = ctl;
		m.controllen = clen;
	}
	if (r == 0)
		r = do_recv(f, &m, flags & ~MSG_CMSG_CLOEXEC_K, total);
	if (r >= 0) {
		km->flags = m.flags;
		km->controllen = 0;
		if (ctl) {
			size_t got = m.controllen;
			rights_from_host(ctl, &got, &km->flags, !!(flags & MSG_CMSG_CLOEXEC_K));
			if (got && copy_out(km->ucontrol, ctl, got) < 0)
				r = -EFAULT;
			km->controllen = got;
		}
		if (km->uname) {
			uint32_t len = addr_to_guest(a, m.namelen, NULL);
			uint32_t cap = km->namelen < len ? km->namelen : len;
			if (cap && copy_out(km->uname, a, cap) < 0)
				r = -EFAULT;
			km->namelen = len;
		}
	}
	kfree(ctl);
	kfree(iov);
	io_done(f);
	file_put(f);
	return r;
}
