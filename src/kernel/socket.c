/* socket.c — sockets.
 *
 * Inet sockets are host sockets, passed through (platform.h, "Sockets");
 * the host confines them: a private network namespace, or no inet at all.
 *
 * AF_UNIX sockets are bento's names over host socket pairs. The host never
 * holds an unconnected AF_UNIX socket — that one could connect to any
 * socket of the host by its path, which Landlock before ABI 9 does not
 * check — only connected stream/seqpacket pairs, whose data, readiness,
 * SCM_RIGHTS and credentials are the host's own. Bento adds:
 *
 * - names: a table in the shared arena maps each bound name to its
 *   socket: a path name by the host inode of its socket file (made with
 *   mknodat in a host directory mount, so ls, stat and unlink see it), an
 *   abstract name by its bytes. The names live in the sandbox only: a
 *   host socket file leads neither out of it nor into it.
 * - channels: every bound socket owns a host seqpacket pair. It keeps the
 *   receiving end as its host handle; the sending end is the way to it.
 *   connect() sends one end of a new pair of the socket's type through it
 *   and keeps the other (the listener's pending connections are the
 *   channel's queue, accept() takes one); a datagram sent to a name goes
 *   through it behind a header with the sender's address. Datagram
 *   sockets are seqpacket pairs on the host, every message with a header.
 * - the courier: the sending ends must reach every process of the
 *   sandbox, also those forked before the name was bound. They wait, as
 *   SCM_RIGHTS in flight, in one more host seqpacket pair that every
 *   process inherits; a process that needs one takes the items out one by
 *   one and puts each back, keeping a copy of the one it wants (and a
 *   cache of such copies).
 *
 * Blocking calls wait in bento (every host handle is non-blocking), in
 * slices that end when a guest signal becomes deliverable (-EINTR; the
 * shim restarts under SA_RESTART), honouring SO_RCVTIMEO/SO_SNDTIMEO.
 * SCM_RIGHTS carries guest descriptors as host handles: host files and
 * sockets as their own (a unix socket's bento state and a host file's
 * guest path and flags travel in small tables in the arena, keyed by host
 * inode); bento's pipes, eventfds and timerfds, whose state is in the
 * arena, as placeholders that the receiver exchanges for the shared
 * object (passfd.c, which also releases those of messages never
 * received). Files kept in one process's memory (bento's in-memory
 * tmpfs, /proc and /dev files, epoll and signalfd files, unbound unix
 * sockets) cannot travel: EOPNOTSUPP.
 */
#include "kernel/kernel.h"
#include "lib/fmt.h"

#define AF_UNSPEC_K 0
#define AF_UNIX_K 1
#define AF_INET_K 2
#define AF_INET6_K 10
#define SOCK_STREAM_K 1
#define SOCK_DGRAM_K 2
#define SOCK_SEQPACKET_K 5
#define SOCK_NONBLOCK_K 04000
#define SOCK_CLOEXEC_K 02000000
#define MSG_PEEK_K 0x2
#define MSG_CTRUNC_K 0x8
#define MSG_TRUNC_K 0x20
#define MSG_DONTWAIT_K 0x40
#define MSG_WAITALL_K 0x100
#define MSG_NOSIGNAL_K 0x4000
#define MSG_CMSG_CLOEXEC_K 0x40000000
#define SOL_SOCKET_K 1
#define SCM_RIGHTS_K 1
#define SCM_CREDENTIALS_K 2
#define SO_TYPE_K 3
#define SO_ERROR_K 4
#define SO_SNDBUF_K 7
#define SO_RCVBUF_K 8
#define SO_RCVTIMEO_K 20
#define SO_SNDTIMEO_K 21
#define SO_ACCEPTCONN_K 30
#define SO_PROTOCOL_K 38
#define SO_DOMAIN_K 39
#define SO_RCVTIMEO_NEW_K 66
#define SO_SNDTIMEO_NEW_K 67
#define POLLIN_K 1
#define POLLOUT_K 4
#define POLLHUP_K 16

#define ADDR_MAX 128        /* sizeof(struct sockaddr_storage) */
#define UNIX_PATH 108       /* sizeof(sun_path) */
#define CONTROL_MAX 65536   /* ancillary data bento copies (else ENOBUFS) */
#define IOV_MAX_K 1024
#define SCM_MAX_FD 253
#define WAIT_SLICE_NS 50000000LL
#define HDR_MAGIC 0x78646e62U /* "bndx" */

/* An AF_UNIX address as the guest sees it: len bytes of sockaddr_un
 * (0: none; 2: unnamed). */
struct uaddr {
	uint32_t len;
	char sa[2 + UNIX_PATH];
};

/* In front of every datagram: the sender's address. */
struct uhdr {
	uint32_t magic;
	uint32_t len;
	char sa[120];
};

enum ustate { U_NONE, U_BOUND, U_LISTEN, U_CONNECTED };

/* No pointers: the state is copied whole into the arena when the socket
 * travels with SCM_RIGHTS (see meta_put). */
struct sock {
	int domain, type;
	int64_t rcvtimeo, sndtimeo;  /* ns; 0 waits forever */
	/* AF_UNIX */
	int state;                   /* streams: enum ustate */
	uint64_t name_id;            /* our bound name, or 0 */
	struct uaddr self, peer;
	int pair;                    /* datagram pair end: sends go out through host_fd */
	uint64_t peer_id;            /* connected datagram socket: the peer's name */
};

/* ---- the arena: names, courier, travelling sockets and files ----------- */

struct uname {
	struct uname *next;
	uint64_t id;
	int type, listening, dead;
	uint64_t dev, ino;           /* path names; 0 for abstract ones */
	struct uaddr addr;
};

#define METAS 32
#define PASSED 16
struct net_shared {
	struct spinlock lock;
	int owner;                   /* host pid of the holder */
	uint64_t next_id;
	uint32_t next_auto;
	struct uname *names;
	int po_items;                /* items waiting in the courier */
	unsigned next_meta, next_passed;
	struct { uint64_t dev, ino; struct sock s; } meta[METAS];
	struct { uint64_t dev, ino; int flags; char path[256]; } passed[PASSED];
};

static struct net_shared *shared;
static int net_mode = K_NET_NONE;
static int po[2] = { -1, -1 };      /* the courier: send on 0, receive on 1 */
#define CACHE 32
/* This process's copies of channels (fd1: the handle + 1; 0 is free). */
static struct { uint64_t id; int fd1; } cache[CACHE];

void sock_net_init(int mode)
{
	net_mode = mode;
	if (shared)
		return;
	shared = shm_zalloc(sizeof(*shared));
	if (!shared)
		return;
	shared->next_id = 1;
	passfd_init();
	if (plat_socketpair(AF_UNIX_K, SOCK_SEQPACKET_K, 0, po) < 0) {
		po[0] = po[1] = -1;
		return;
	}
	/* Room for many names: each waiting item takes about 750 bytes of
	 * the sender's buffer (the host caps this at net.core.wmem_max). */
	int big = 4 << 20;
	uint32_t l = sizeof(big);
	plat_sock_ctl(PLAT_SOCK_SETOPT, po[0], SOL_SOCKET_K, SO_SNDBUF_K, &big, &l);
}

/* The arena lock, held across a few non-blocking host calls. A holder
 * killed meanwhile would keep it forever: after long spinning, the
 * holder's process is checked and the lock taken over if it is gone. */
static void net_lock(void)
{
	long spins = 0;
	while (!spin_trylock(&shared->lock)) {
		__asm__ volatile("pause");
		if (++spins % (1L << 24) == 0) {
			int owner = __atomic_load_n(&shared->owner, __ATOMIC_ACQUIRE);
			if (owner > 0 && plat_process_signal(owner, 0) == -ESRCH &&
			    __atomic_compare_exchange_n(&shared->owner, &owner, 0, 0, __ATOMIC_ACQ_REL,
							__ATOMIC_ACQUIRE))
				spin_unlock(&shared->lock);
		}
	}
	__atomic_store_n(&shared->owner, (int)plat_process_id(), __ATOMIC_RELEASE);
}

static void net_unlock(void)
{
	__atomic_store_n(&shared->owner, 0, __ATOMIC_RELEASE);
	spin_unlock(&shared->lock);
}

void sock_net_lock(void)
{
	net_lock();
}

void sock_net_unlock(void)
{
	net_unlock();
}

static struct uname *name_by_id(uint64_t id)
{
	for (struct uname *e = shared->names; e; e = e->next)
		if (e->id == id)
			return e;
	return NULL;
}

/* The newest live name of a socket file, or of an abstract name. */
static struct uname *name_by_inode(uint64_t dev, uint64_t ino)
{
	struct uname *best = NULL;
	for (struct uname *e = shared->names; e; e = e->next)
		if (!e->dead && e->dev == dev && e->ino == ino && (!best || e->id > best->id))
			best = e;
	return best;
}

static struct uname *name_by_abstract(const struct uaddr *a)
{
	struct uname *best = NULL;
	for (struct uname *e = shared->names; e; e = e->next)
		if (!e->dead && !e->ino && e->addr.len == a->len && !memcmp(e->addr.sa, a->sa, a->len) &&
		    (!best || e->id > best->id))
			best = e;
	return best;
}

static void name_free(uint64_t id)
{
	for (struct uname **pp = &shared->names; *pp; pp = &(*pp)->next) {
		if ((*pp)->id == id) {
			struct uname *e = *pp;
			*pp = e->next;
			shm_free(e);
			return;
		}
	}
}

/* A control message carrying one descriptor (SCM_RIGHTS), as bento's own
 * channels pass them: 16 bytes of header, then the int. */
union fd_cmsg {
	char b[24];
	uint64_t align;
};

static void fd_cmsg_put(union fd_cmsg *ctl, int fd)
{
	uint64_t clen = 16 + sizeof(int);
	int32_t level = SOL_SOCKET_K, type = SCM_RIGHTS_K;
	memset(ctl, 0, sizeof(*ctl));
	memcpy(ctl->b, &clen, 8);
	memcpy(ctl->b + 8, &level, 4);
	memcpy(ctl->b + 12, &type, 4);
	memcpy(ctl->b + 16, &fd, 4);
}

/* The descriptor a receive (result r, message m) brought in ctl, or -1. */
static int fd_cmsg_get(const union fd_cmsg *ctl, const struct plat_msghdr *m, long r)
{
	int fd = -1;
	if (r >= 0 && m->controllen >= 20)
		memcpy(&fd, ctl->b + 16, 4);
	return fd;
}

/* One item of the courier: a name's id and its channel. */
static long po_send(uint64_t id, int fd)
{
	union fd_cmsg ctl;
	fd_cmsg_put(&ctl, fd);
	struct plat_iovec iov = { &id, sizeof(id) };
	struct plat_msghdr m = { .iov = &iov, .iovlen = 1, .control = ctl.b, .controllen = sizeof(ctl.b) };
	return plat_sock_msg(PLAT_SOCK_SEND, po[0], &m, MSG_DONTWAIT_K);
}

static long po_recv(uint64_t *id, int *fd)
{
	union fd_cmsg ctl;
	memset(&ctl, 0, sizeof(ctl));
	struct plat_iovec iov = { id, sizeof(*id) };
	struct plat_msghdr m = { .iov = &iov, .iovlen = 1, .control = ctl.b, .controllen = sizeof(ctl.b) };
	long r = plat_sock_msg(PLAT_SOCK_RECV, po[1], &m, MSG_DONTWAIT_K);
	*fd = fd_cmsg_get(&ctl, &m, r);
	if (r < 0)
		return r;
	return (r == sizeof(*id) && *fd >= 0) ? 0 : -EIO;
}

/* Has the receiving end of channel fd gone (every copy closed)? */
static int channel_gone(int fd)
{
	struct b_pollfd p = { fd, POLLOUT_K, 0 };
	struct b_timespec zero = { 0, 0 };
	return plat_file_poll(&p, 1, &zero) == 1 && (p.revents & POLLHUP_K);
}

/* Under the lock: a new handle of the channel of name id from the
 * courier, or -1. Dead items met on the way are dropped, with their
 * names. */
static int courier_fetch(uint64_t id)
{
	int found = -1, n = shared->po_items;
	for (int i = 0; i < n; i++) {
		uint64_t item;
		int fd;
		long r = po_recv(&item, &fd);
		if (r == -EAGAIN) {
			shared->po_items = i; /* fewer than counted: some were lost */
			break;
		}
		if (r < 0) {
			if (fd >= 0)
				plat_file_close(fd);
			shared->po_items--;
			continue;
		}
		struct uname *e = name_by_id(item);
		if (!e || e->dead || channel_gone(fd)) {
			plat_file_close(fd);
			name_free(item);
			shared->po_items--;
			continue;
		}
		if (po_send(item, fd) < 0) {
			e->dead = 1;
			shared->po_items--;
		}
		if (item == id && found < 0 && !e->dead)
			found = fd;
		else
			plat_file_close(fd);
	}
	return found;
}

static int courier_put(uint64_t id, int fd)
{
	long r = po_send(id, fd);
	if (r < 0)
		return r == -EAGAIN ? -ENOBUFS : (int)r;
	shared->po_items++;
	return 0;
}

/* Under the lock: this process's handle of the channel of name id (owned
 * by the cache: use it only under the lock), or -1 when the name is gone
 * (then it is marked dead). */
static int channel_of(uint64_t id)
{
	struct uname *e = name_by_id(id);
	if (!e || e->dead)
		return -1;
	int slot = -1;
	for (int i = 0; i < CACHE; i++) {
		if (cache[i].fd1 && cache[i].id == id) {
			int fd = cache[i].fd1 - 1;
			if (!channel_gone(fd))
				return fd;
			plat_file_close(fd);
			cache[i].fd1 = 0;
			e->dead = 1;
			return -1;
		}
		if (slot < 0 && !cache[i].fd1)
			slot = i;
	}
	int fd = courier_fetch(id);
	if (fd < 0) {
		e->dead = 1;
		return -1;
	}
	if (slot < 0) {
		slot = (int)(id % CACHE);
		plat_file_close(cache[slot].fd1 - 1);
	}
	cache[slot].id = id;
	cache[slot].fd1 = fd + 1;
	return fd;
}

/* ---- waiting ------------------------------------------------------------ */

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

/* Shortens *step to what is left before deadline (monotonic ns, 0 =
 * none): 0, or -EAGAIN once the deadline has passed. */
static int clip_to_deadline(int64_t *step, int64_t deadline)
{
	if (!deadline)
		return 0;
	int64_t left = deadline - now_ns();
	if (left <= 0)
		return -EAGAIN;
	if (left < *step)
		*step = left;
	return 0;
}

static struct b_timespec ns_to_ts(int64_t ns)
{
	return (struct b_timespec){ ns / 1000000000LL, ns % 1000000000LL };
}

/* Sleep step ns, or until deadline or a signal: 0, -EAGAIN, -EINTR. */
static int nap(int64_t step, int64_t deadline)
{
	if (sig_has_deliverable())
		return -EINTR;
	int r = clip_to_deadline(&step, deadline);
	if (r < 0)
		return r;
	struct b_timespec ts = ns_to_ts(step);
	return sig_wait_interruptible(&ts) == -EINTR ? -EINTR : 0;
}

/* Wait until host handle fd may be ready for events: 0 (the caller
 * retries), -EINTR when a signal is deliverable, -EAGAIN once deadline
 * (monotonic ns, 0 = none) has passed. *spins counts readiness that led
 * nowhere (the caller's operation still could not proceed, as for a
 * datagram socket that always polls writable): each such retry first
 * sleeps 1, 2, ... 10 ms. With fd -1 there is nothing to poll: with
 * *spins set the wait is one such sleep, else it lasts until a signal or
 * the deadline. */
static int sock_wait(int fd, short events, int64_t deadline, int *spins)
{
	if (*spins) {
		int r = nap((*spins < 10 ? *spins : 10) * 1000000LL, deadline);
		(*spins)++;
		if (r < 0 || fd < 0)
			return r;
	}
	for (;;) {
		if (fd < 0) {
			int r = nap(WAIT_SLICE_NS, deadline);
			if (r < 0)
				return r;
			continue;
		}
		if (sig_has_deliverable())
			return -EINTR;
		int64_t step = WAIT_SLICE_NS;
		int r = clip_to_deadline(&step, deadline);
		if (r < 0)
			return r;
		struct b_timespec ts = ns_to_ts(step);
		struct b_pollfd p = { fd, events, 0 };
		r = plat_file_poll(&p, 1, &ts);
		if (r > 0) {
			if (!*spins)
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

/* ---- the socket file kind --------------------------------------------- */

static const struct file_ops sock_ops;

static struct sock *sock_of(struct file *f)
{
	return f->ops == &sock_ops ? f->priv : NULL;
}

static int is_unix(const struct sock *s)
{
	return s->domain == AF_UNIX_K;
}

/* Where a send goes: a handle of ours (fd), or the channel of a name
 * (id, looked up under the lock for each try); hdr: a datagram, which
 * gets the sender's header. */
struct target {
	int fd;
	uint64_t id;
	int hdr;
};

static long send_once(struct sock *s, const struct target *t, struct plat_msghdr *m, int flags)
{
	if (!t->id) {
		long r = plat_sock_msg(PLAT_SOCK_SEND, t->fd, m, flags);
		return (r == -EPIPE && t->hdr) ? -ECONNREFUSED : r;
	}
	net_lock();
	int ch = channel_of(t->id);
	long r = ch < 0 ? -ECONNREFUSED : plat_sock_msg(PLAT_SOCK_SEND, ch, m, flags);
	if (r == -EPIPE || r == -ECONNRESET) {
		struct uname *e = name_by_id(t->id);
		if (e)
			e->dead = 1;
		r = -ECONNREFUSED;
	}
	net_unlock();
	(void)s;
	return r;
}

/* A blocking stream send goes on until everything is sent, as Linux's
 * does; a signal or a timeout after some progress returns the count. */
static long do_send(struct file *f, const struct target *t, struct plat_msghdr *m, int flags,
		    size_t total)
{
	struct sock *s = f->priv;
	int nonblock = (f->flags & K_O_NONBLOCK) || (flags & MSG_DONTWAIT_K);
	int64_t deadline = deadline_after(s->sndtimeo);
	struct uhdr hdr;
	struct plat_iovec *hiov = NULL;
	size_t done = 0;
	int spins = 0;
	long r;
	if (t->hdr) {
		/* A datagram: the header goes first, in the same message. */
		hiov = kmalloc((m->iovlen + 1) * sizeof(*hiov));
		if (!hiov)
			return -ENOMEM;
		memset(&hdr, 0, sizeof(hdr));
		hdr.magic = HDR_MAGIC;
		hdr.len = s->self.len;
		memcpy(hdr.sa, s->self.sa, s->self.len);
		hiov[0] = (struct plat_iovec){ &hdr, sizeof(hdr) };
		for (size_t i = 0; i < m->iovlen; i++)
			hiov[i + 1] = m->iov[i];
		m->iov = hiov;
		m->iovlen++;
	}
	for (;;) {
		r = send_once(s, t, m, flags | MSG_DONTWAIT_K);
		if (r >= 0) {
			if (t->hdr) {
				r = r >= (long)sizeof(hdr) ? r - (long)sizeof(hdr) : 0;
				done = (size_t)r;
				break;
			}
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
		if (t->id && !spins)
			spins = 1; /* a channel: no handle to poll outside the lock */
		r = sock_wait(t->fd, POLLOUT_K, deadline, &spins);
		if (r < 0)
			break;
	}
	kfree(hiov);
	if (done || r >= 0)
		return (long)done;
	if (r == -EPIPE && !(flags & MSG_NOSIGNAL_K) && s->type != SOCK_DGRAM_K)
		raise_sigpipe();
	return r;
}

/* From where a receive takes: the host handle, or nothing yet (-1: an
 * unconnected stream socket waits, as Linux's does). */
static long do_recv(struct file *f, int fd, struct plat_msghdr *m, int flags, size_t total,
		    struct uaddr *from)
{
	struct sock *s = f->priv;
	int nonblock = (f->flags & K_O_NONBLOCK) || (flags & MSG_DONTWAIT_K);
	int dgram_hdr = is_unix(s) && s->type == SOCK_DGRAM_K;
	/* MSG_WAITALL on a blocking stream socket gathers until the buffers
	 * are full (not with ancillary data: it could be lost between the
	 * pieces). */
	int waitall = (flags & MSG_WAITALL_K) && !(flags & MSG_PEEK_K) && !nonblock &&
		      s->type == SOCK_STREAM_K && !m->control;
	int hflags = (flags & ~MSG_WAITALL_K) | MSG_DONTWAIT_K;
	int64_t deadline = deadline_after(s->rcvtimeo);
	struct uhdr hdr;
	struct plat_iovec *hiov = NULL;
	size_t done = 0;
	int spins = 0;
	long r = -EAGAIN;
	if (from)
		from->len = 0;
	if (dgram_hdr && fd >= 0) {
		hiov = kmalloc((m->iovlen + 1) * sizeof(*hiov));
		if (!hiov)
			return -ENOMEM;
		hiov[0] = (struct plat_iovec){ &hdr, sizeof(hdr) };
		for (size_t i = 0; i < m->iovlen; i++)
			hiov[i + 1] = m->iov[i];
		m->iov = hiov;
		m->iovlen++;
	}
	for (;;) {
		if (fd >= 0)
			r = plat_sock_msg(PLAT_SOCK_RECV, fd, m, hflags);
		if (dgram_hdr && r >= 0) {
			if (r < (long)sizeof(hdr) || hdr.magic != HDR_MAGIC) {
				/* The sending end is gone (or a stranger wrote):
				 * a datagram socket just has nothing more. */
				r = -EAGAIN;
				fd = -1;
			} else {
				r -= (long)sizeof(hdr);
				if (from && hdr.len > 2 && hdr.len <= sizeof(from->sa)) {
					from->len = hdr.len;
					memcpy(from->sa, hdr.sa, hdr.len);
				}
				done = (size_t)r;
				break;
			}
		}
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
		r = sock_wait(fd, POLLIN_K, deadline, &spins);
		if (r < 0)
			break;
		r = -EAGAIN;
	}
	kfree(hiov);
	/* Descriptors that came without room for them (a read, a control
	 * buffer too small) were closed by the host: among them perhaps
	 * placeholders, whose references go now. */
	if ((m->flags & MSG_CTRUNC_K) && is_unix(s))
		passfd_sweep(1);
	return done ? (long)done : r;
}

/* Where sends without an address go. */
static int default_target(struct sock *s, int host_fd, struct target *t)
{
	*t = (struct target){ -1, 0, 0 };
	if (!is_unix(s)) {
		t->fd = host_fd;
		return 0;
	}
	if (s->type != SOCK_DGRAM_K)
		return s->state == U_CONNECTED ? (t->fd = host_fd, 0) : -ENOTCONN;
	t->hdr = 1;
	if (s->pair && host_fd >= 0)
		t->fd = host_fd;
	else if (s->peer_id)
		t->id = s->peer_id;
	else
		return -ENOTCONN;
	return 0;
}

/* From where receives take: -1 for nothing (yet). */
static int recv_handle(struct file *f, struct sock *s)
{
	if (is_unix(s) && s->type != SOCK_DGRAM_K && s->state != U_CONNECTED)
		return -1;
	return f->host_fd;
}

static long sock_read(struct file *f, void *ubuf, size_t n, int64_t *pos)
{
	(void)pos;
	struct sock *s = f->priv;
	if (is_unix(s) && s->state == U_LISTEN)
		return -EINVAL;
	if (is_unix(s) && s->type == SOCK_SEQPACKET_K && s->state != U_CONNECTED)
		return -ENOTCONN;
	struct plat_iovec iov = { ubuf, n };
	struct plat_msghdr m = { .iov = &iov, .iovlen = 1 };
	return do_recv(f, recv_handle(f, s), &m, 0, n, NULL);
}

static long sock_write(struct file *f, const void *ubuf, size_t n, int64_t *pos)
{
	(void)pos;
	struct target t;
	int r = default_target(f->priv, f->host_fd, &t);
	if (r < 0)
		return r;
	struct plat_iovec iov = { (void *)ubuf, n };
	struct plat_msghdr m = { .iov = &iov, .iovlen = 1 };
	return do_send(f, &t, &m, 0, n);
}

static int sock_stat(struct file *f, struct b_stat *st)
{
	if (f->host_fd < 0) {
		memset(st, 0, sizeof(*st));
		st->mode = K_S_IFSOCK | 0777;
		st->nlink = 1;
		st->dev = 0x8;
		st->blksize = 4096;
		st->ino = (uint64_t)(uintptr_t)f->priv & 0xffffff;
		return 0;
	}
	return plat_file_stat(f->host_fd, NULL, st);
}

static short host_ready(int fd, short events)
{
	struct b_pollfd p = { fd, events, 0 };
	struct b_timespec zero = { 0, 0 };
	if (fd < 0 || plat_file_poll(&p, 1, &zero) < 0)
		return 0;
	return p.revents;
}

static short sock_poll(struct file *f, short events)
{
	struct sock *s = f->priv;
	if (!is_unix(s))
		return host_ready(f->host_fd, events);
	if (s->type != SOCK_DGRAM_K) {
		switch (s->state) {
		case U_CONNECTED:
			return host_ready(f->host_fd, events);
		case U_LISTEN:
			return host_ready(f->host_fd, POLLIN_K) & POLLIN_K;
		default: /* as Linux: an unconnected stream socket hangs up */
			return (short)(POLLOUT_K | POLLHUP_K);
		}
	}
	/* Datagrams: a pair whose other end is gone hangs up on the host; a
	 * datagram socket has only nothing more to read. */
	short rev = f->host_fd >= 0 ? host_ready(f->host_fd, POLLIN_K) : 0;
	if (rev & POLLHUP_K) {
		int queued = 0;
		plat_file_ioctl(f->host_fd, 0x541B /* FIONREAD */, &queued);
		rev = queued > 0 ? POLLIN_K : 0;
	}
	rev &= POLLIN_K;
	if (!s->pair || (host_ready(f->host_fd, POLLOUT_K) & (POLLOUT_K | POLLHUP_K)))
		rev |= POLLOUT_K;
	return rev;
}

/* FIONREAD (= SIOCINQ), and the interface requests (SIOCGIF*: netif.c)
 * that any Linux socket answers; FIONBIO and FIOCLEX are generic. */
static int sock_ioctl(struct file *f, unsigned long req, void *uarg)
{
	struct sock *s = f->priv;
	if (req != 0x541B)
		return netif_ioctl(req, uarg);
	int fd = recv_handle(f, s);
	if (fd < 0 || (is_unix(s) && s->state == U_LISTEN)) {
		int zero = 0;
		return copy_out(uarg, &zero, sizeof(zero));
	}
	if (is_unix(s) && s->type == SOCK_DGRAM_K) {
		/* The next datagram's size, without its header. */
		int n;
		int r = plat_file_ioctl(fd, req, &n);
		if (r < 0)
			return r;
		n = n > (int)sizeof(struct uhdr) ? n - (int)sizeof(struct uhdr) : 0;
		return copy_out(uarg, &n, sizeof(n));
	}
	return plat_file_ioctl(fd, req, uarg);
}

static void sock_release(struct file *f)
{
	struct sock *s = f->priv;
	int unix_handle = is_unix(s) && f->host_fd >= 0;
	if (f->host_fd >= 0)
		plat_file_close(f->host_fd);
	kfree(s);
	/* Its last copy gone, the host drops the messages still queued to
	 * it, and the placeholders of bento's files in them. */
	if (unix_handle)
		passfd_sweep(1);
}

static const struct file_ops sock_ops = {
	.read = sock_read,
	.write = sock_write,
	.stat = sock_stat,
	.poll = sock_poll,
	.ioctl = sock_ioctl,
	.release = sock_release,
	.stream = 1,
};

/* A socket file for host handle h (-1 for none yet; taken over: the
 * caller closes it only when this fails). Shown as "socket:[INODE]". */
static struct file *sock_wrap(int h, int domain, int type, int flags)
{
	struct b_stat st;
	char label[48];
	struct sock *s = kzalloc(sizeof(*s));
	if (!s)
		return NULL;
	if (h < 0 || plat_file_stat(h, NULL, &st) < 0)
		st.ino = (uint64_t)(uintptr_t)s & 0xffffff;
	fmt_snprintf(label, sizeof(label), "socket:[%llu]", (unsigned long long)st.ino);
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

static int unix_type_ok(int type)
{
	return type == SOCK_STREAM_K || type == SOCK_DGRAM_K || type == SOCK_SEQPACKET_K;
}

int sock_create(int domain, int type, int protocol)
{
	int base = type & 0xf, h = -1;
	int flags = K_O_RDWR | ((type & SOCK_NONBLOCK_K) ? K_O_NONBLOCK : 0);
	if (type & ~(0xf | SOCK_NONBLOCK_K | SOCK_CLOEXEC_K))
		return -EINVAL;
	if (domain == AF_UNIX_K) {
		if (!unix_type_ok(base))
			return -ESOCKTNOSUPPORT;
		if (protocol != 0 && protocol != AF_UNIX_K)
			return -EPROTONOSUPPORT;
	} else if (domain == AF_INET_K || domain == AF_INET6_K) {
		if (net_mode == K_NET_NONE)
			return -EAFNOSUPPORT;
		h = plat_socket(domain, base, protocol);
		if (h < 0)
			return h;
	} else if (domain == 16 /* AF_NETLINK */) {
		return netlink_create(type, protocol); /* emulated: netlink.c */
	} else {
		return -EAFNOSUPPORT; /* packet, ...: not passed through */
	}
	struct file *f = sock_wrap(h, domain, base, flags);
	if (!f) {
		if (h >= 0)
			plat_file_close(h);
		return -ENOMEM;
	}
	return install(f, !!(type & SOCK_CLOEXEC_K));
}

int sock_pair(int domain, int type, int protocol, int sv[2])
{
	int base = type & 0xf;
	if (type & ~(0xf | SOCK_NONBLOCK_K | SOCK_CLOEXEC_K))
		return -EINVAL;
	if (domain != AF_UNIX_K)
		return (domain == AF_INET_K || domain == AF_INET6_K) && net_mode != K_NET_NONE
			       ? -EOPNOTSUPP : -EAFNOSUPPORT;
	if (!unix_type_ok(base))
		return -ESOCKTNOSUPPORT;
	if (protocol != 0 && protocol != AF_UNIX_K)
		return -EPROTONOSUPPORT;
	int h[2];
	int r = plat_socketpair(AF_UNIX_K, base == SOCK_DGRAM_K ? SOCK_SEQPACKET_K : base, 0, h);
	if (r < 0)
		return r;
	int flags = K_O_RDWR | ((type & SOCK_NONBLOCK_K) ? K_O_NONBLOCK : 0);
	struct file *f[2] = { sock_wrap(h[0], domain, base, flags), NULL };
	if (f[0])
		f[1] = sock_wrap(h[1], domain, base, flags);
	if (!f[1]) {
		if (f[0])
			file_put(f[0]);
		else
			plat_file_close(h[0]);
		plat_file_close(h[1]);
		return -ENOMEM;
	}
	for (int i = 0; i < 2; i++) {
		struct sock *s = f[i]->priv;
		s->state = U_CONNECTED;
		s->pair = base == SOCK_DGRAM_K;
		s->self.len = s->peer.len = 2;
		s->self.sa[0] = s->peer.sa[0] = AF_UNIX_K;
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

/* ---- AF_UNIX names ------------------------------------------------------ */

/* The guest's AF_UNIX address (len bytes at a) in normal form: a path
 * name up to its NUL, an abstract name as given, or unnamed (len 2).
 * Returns 1 for a path name (its text in path), 0 for the others. */
static int unix_parse(const char *a, uint32_t len, struct uaddr *out, char *path)
{
	uint16_t family;
	if (len < 2 || len > sizeof(out->sa))
		return -EINVAL;
	memcpy(&family, a, 2);
	if (family != AF_UNIX_K)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->sa[0] = AF_UNIX_K;
	if (len == 2) {
		out->len = 2;
		return 0;
	}
	if (a[2] == 0) {
		out->len = len;
		memcpy(out->sa, a, len);
		return 0;
	}
	size_t n = strnlen(a + 2, len - 2);
	if (n >= UNIX_PATH)
		return -EINVAL;
	memcpy(path, a + 2, n);
	path[n] = 0;
	memcpy(out->sa + 2, path, n + 1);
	out->len = (uint32_t)(2 + n + 1);
	return 1;
}

/* bind to a path name: make its socket file (host mknodat in the host
 * directory mount that holds it; only those hold socket files) and find
 * its inode. */
static int bind_path(const char *path, uint64_t *dev, uint64_t *ino, struct mount **mp, char *canon,
		     const char **relp)
{
	int r = vfs_resolve(K_AT_FDCWD, path, 0, canon, PATH_MAX_K);
	if (r < 0)
		return r;
	const char *rel = "";
	struct mount *m = mount_find(canon, &rel);
	struct b_stat st;
	int exists = m && m->ops->stat && m->ops->stat(m, rel, &st) == 0;
	if (exists)
		return -EADDRINUSE;
	if (!m || !m->writable)
		return -EROFS;
	if (m->ops != &hostfs_ops || m->host_dir < 0 || !rel[0])
		return -EOPNOTSUPP;
	char *slash = strrchr(rel, '/');
	const char *last = slash ? slash + 1 : rel;
	if (slash)
		*slash = 0;
	int dir = plat_file_open(m->host_dir, slash ? rel : "", K_O_PATH | K_O_DIRECTORY, 0);
	if (slash)
		*slash = '/';
	if (dir < 0)
		return dir;
	r = plat_file_change(PLAT_FS_MKSOCK, dir, last, -1, NULL, 0777 & ~kproc->umask);
	plat_file_close(dir);
	if (r == -EEXIST)
		return -EADDRINUSE;
	if (r < 0)
		return r;
	r = m->ops->stat(m, rel, &st);
	if (r < 0)
		return r;
	*dev = st.dev;
	*ino = st.ino;
	*mp = m;
	*relp = rel;
	return 0;
}

/* The name an address leads to (a copy, under no lock), for connect and
 * send: ENOENT for a missing path, ECONNREFUSED when nothing is bound
 * there (a socket file of the host, a socket closed since), EPROTOTYPE
 * for another type. */
static int unix_lookup(const struct uaddr *a, const char *path, int is_path, int type, struct uname *out)
{
	struct uname *e = NULL;
	if (!shared || po[0] < 0)
		return -ECONNREFUSED;
	if (a->len <= 2)
		return -EINVAL;
	if (is_path) {
		char *canon = kmalloc(PATH_MAX_K);
		if (!canon)
			return -ENOMEM;
		const char *rel = "";
		struct b_stat st;
		int r = vfs_resolve(K_AT_FDCWD, path, 1, canon, PATH_MAX_K);
		if (r == 0) {
			struct mount *m = mount_find(canon, &rel);
			r = m && m->ops->stat ? m->ops->stat(m, rel, &st) : -ENOENT;
		}
		kfree(canon);
		if (r < 0)
			return r;
		if ((st.mode & K_S_IFMT) != K_S_IFSOCK)
			return -ECONNREFUSED;
		net_lock();
		e = name_by_inode(st.dev, st.ino);
	} else {
		net_lock();
		e = name_by_abstract(a);
	}
	if (e)
		*out = *e;
	net_unlock();
	if (!e)
		return -ECONNREFUSED;
	return out->type != type ? -EPROTOTYPE : 0;
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

/* An int socket option out, as Linux's: cut to *ulen. */
static int put_int_opt(void *uval, uint32_t *ulen, int v)
{
	int32_t len;
	if (copy_in(&len, ulen, sizeof(len)) < 0)
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	uint32_t n = (uint32_t)len < sizeof(v) ? (uint32_t)len : sizeof(v);
	if (copy_out(uval, &v, n) < 0)
		return -EFAULT;
	return copy_out(ulen, &n, sizeof(n));
}

/* Has the socket become a listener (perhaps in another process of the
 * sandbox that holds the same socket)? */
static int unix_listening(struct sock *s)
{
	if (s->state == U_LISTEN)
		return 1;
	if (s->state != U_BOUND || !shared)
		return 0;
	net_lock();
	struct uname *e = name_by_id(s->name_id);
	int on = e && e->listening;
	net_unlock();
	if (on)
		s->state = U_LISTEN;
	return on;
}

static int unix_bind(struct file *f, struct sock *s, const char *a, uint32_t len)
{
	struct uaddr ua;
	char path[UNIX_PATH];
	int is_path = unix_parse(a, len, &ua, path);
	if (is_path < 0)
		return is_path;
	if (!shared || po[0] < 0)
		return -ENOBUFS;
	if (s->name_id || s->pair || (s->type != SOCK_DGRAM_K && s->state != U_NONE))
		return -EINVAL;
	uint64_t dev = 0, ino = 0;
	struct mount *m = NULL;
	const char *rel = NULL;
	char *canon = NULL;
	int r, ch[2];
	if (is_path) {
		if (!(canon = kmalloc(PATH_MAX_K)))
			return -ENOMEM;
		if ((r = bind_path(path, &dev, &ino, &m, canon, &rel)) < 0)
			goto out;
	}
	if ((r = plat_socketpair(AF_UNIX_K, SOCK_SEQPACKET_K, 0, ch)) < 0)
		goto out;
	struct uname *e = shm_zalloc(sizeof(*e));
	net_lock();
	if (ua.len == 2) {
		/* Autobind: an abstract name of five hex digits, as Linux. */
		for (int tries = 0; tries < 0x100000; tries++) {
			uint32_t n = shared->next_auto++ & 0xfffff;
			ua.len = 8;
			fmt_snprintf(ua.sa + 3, 6, "%05x", n);
			ua.sa[2] = 0;
			struct uname *old = name_by_abstract(&ua);
			if (!old || channel_of(old->id) < 0 || channel_gone(channel_of(old->id)))
				break;
		}
	} else if (!is_path) {
		struct uname *old = name_by_abstract(&ua);
		int live = old ? channel_of(old->id) : -1;
		if (live >= 0 && !channel_gone(live))
			r = -EADDRINUSE;
		else if (old)
			old->dead = 1;
	}
	if (!e)
		r = -ENOMEM;
	if (r == 0) {
		e->id = shared->next_id++;
		e->type = s->type;
		e->dev = dev;
		e->ino = ino;
		e->addr = ua;
		r = courier_put(e->id, ch[0]);
	}
	if (r == 0) {
		e->next = shared->names;
		shared->names = e;
		s->name_id = e->id;
	} else if (e) {
		shm_free(e);
	}
	net_unlock();
	plat_file_close(ch[0]);
	if (r < 0) {
		plat_file_close(ch[1]);
		goto out;
	}
	if (f->host_fd >= 0)
		plat_file_close(f->host_fd);
	f->host_fd = ch[1];
	s->self = ua;
	if (s->type != SOCK_DGRAM_K)
		s->state = U_BOUND;
out:
	if (r < 0 && m && rel)
		m->ops->unlink(m, rel);
	kfree(canon);
	return r;
}

/* The guest address a (len bytes) as AF_UNIX: family, normal form and
 * path. A leading AF_UNSPEC is returned as 1 (datagram disconnect). */
static int unix_target_of(const char *a, uint32_t len, struct uaddr *ua, char *path)
{
	uint16_t family;
	if (len < 2)
		return -EINVAL;
	memcpy(&family, a, 2);
	if (family == AF_UNSPEC_K)
		return 1;
	int is_path = unix_parse(a, len, ua, path);
	if (is_path < 0)
		return is_path;
	if (ua->len <= 2)
		return -EINVAL;
	return is_path ? 2 : 0;
}

static int unix_connect(struct file *f, struct sock *s, const char *a, uint32_t len)
{
	struct uaddr ua;
	char path[UNIX_PATH];
	struct uname e;
	int kind = unix_target_of(a, len, &ua, path);
	if (kind < 0)
		return kind;
	if (s->type == SOCK_DGRAM_K) {
		if (kind == 1) { /* AF_UNSPEC: no peer any more */
			s->peer_id = 0, s->pair = 0, s->peer.len = 0;
			return 0;
		}
		int r = unix_lookup(&ua, path, kind == 2, SOCK_DGRAM_K, &e);
		if (r < 0)
			return r;
		s->peer_id = e.id;
		s->peer = e.addr;
		s->pair = 0;
		return 0;
	}
	if (s->state == U_CONNECTED)
		return -EISCONN;
	if (s->state == U_LISTEN || kind == 1)
		return -EINVAL;
	int r = unix_lookup(&ua, path, kind == 2, s->type, &e);
	if (r < 0)
		return r;
	if (!e.listening)
		return -ECONNREFUSED;
	/* One end of a new pair goes to the listener's queue, with our
	 * address; the other is ours. */
	int pr[2];
	if ((r = plat_socketpair(AF_UNIX_K, s->type, 0, pr)) < 0)
		return r;
	struct uhdr hdr;
	memset(&hdr, 0, sizeof(hdr));
	hdr.magic = HDR_MAGIC;
	hdr.len = s->self.len;
	memcpy(hdr.sa, s->self.sa, s->self.len);
	union fd_cmsg ctl;
	fd_cmsg_put(&ctl, pr[1]);
	struct plat_iovec iov = { &hdr, sizeof(hdr) };
	struct plat_msghdr m = { .iov = &iov, .iovlen = 1, .control = ctl.b, .controllen = sizeof(ctl.b) };
	struct target t = { -1, e.id, 0 };
	int nonblock = f->flags & K_O_NONBLOCK, spins = 1;
	int64_t deadline = deadline_after(s->sndtimeo);
	for (;;) {
		long w = send_once(s, &t, &m, MSG_DONTWAIT_K);
		if (w >= 0) {
			r = 0;
			break;
		}
		r = (int)w;
		if (r != -EAGAIN || nonblock)
			break; /* a full queue: -EAGAIN, as Linux */
		if ((r = sock_wait(-1, 0, deadline, &spins)) < 0)
			break;
	}
	plat_file_close(pr[1]);
	if (r < 0) {
		plat_file_close(pr[0]);
		return r;
	}
	int old = f->host_fd; /* a bound socket's channel: no listener now */
	f->host_fd = pr[0];
	s->state = U_CONNECTED;
	s->peer = e.addr;
	if (old >= 0)
		plat_file_close(old);
	return 0;
}

static int unix_accept(struct file *f, struct sock *s, void *uaddr, uint32_t *ulen, int flags)
{
	if (s->type == SOCK_DGRAM_K)
		return -EOPNOTSUPP;
	if (!unix_listening(s))
		return -EINVAL;
	int nonblock = f->flags & K_O_NONBLOCK, spins = 0, h = -1, r;
	int64_t deadline = deadline_after(s->rcvtimeo);
	struct uhdr hdr;
	for (;;) {
		union fd_cmsg ctl;
		memset(&ctl, 0, sizeof(ctl));
		struct plat_iovec iov = { &hdr, sizeof(hdr) };
		struct plat_msghdr m = { .iov = &iov, .iovlen = 1, .control = ctl.b, .controllen = sizeof(ctl.b) };
		long n = plat_sock_msg(PLAT_SOCK_RECV, f->host_fd, &m, MSG_DONTWAIT_K);
		h = fd_cmsg_get(&ctl, &m, n);
		if (n == (long)sizeof(hdr) && hdr.magic == HDR_MAGIC && h >= 0)
			break;
		if (h >= 0) /* not ours: drop it */
			plat_file_close(h), h = -1;
		if (n >= 0)
			continue;
		r = (int)n;
		if (r != -EAGAIN || nonblock)
			return r;
		if ((r = sock_wait(f->host_fd, POLLIN_K, deadline, &spins)) < 0)
			return r;
		spins = 0;
	}
	struct file *nf = sock_wrap(h, AF_UNIX_K, s->type,
				    K_O_RDWR | ((flags & SOCK_NONBLOCK_K) ? K_O_NONBLOCK : 0));
	if (!nf) {
		plat_file_close(h);
		return -ENOMEM;
	}
	struct sock *ns = nf->priv;
	ns->state = U_CONNECTED;
	ns->self = s->self;
	ns->peer.len = 2;
	ns->peer.sa[0] = AF_UNIX_K;
	if (hdr.len > 2 && hdr.len <= sizeof(ns->peer.sa)) {
		ns->peer.len = hdr.len;
		memcpy(ns->peer.sa, hdr.sa, hdr.len);
	}
	if (uaddr && (r = put_addr(uaddr, ulen, ns->peer.sa, ns->peer.len)) < 0) {
		file_put(nf);
		return r;
	}
	return install(nf, !!(flags & SOCK_CLOEXEC_K));
}

/* ---- the calls ------------------------------------------------------- */

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

/* A guest socket address into a, checked for size. */
static int copy_addr(char *a, const void *uaddr, uint32_t len)
{
	if (len > ADDR_MAX || len < 2)
		return -EINVAL;
	return copy_in(a, uaddr, len) < 0 ? -EFAULT : 0;
}

int sock_bind(int fd, const void *uaddr, uint32_t len)
{
	WITH_SOCK(fd, f, s);
	char a[ADDR_MAX];
	int r = copy_addr(a, uaddr, len);
	if (r == 0)
		r = is_unix(s) ? unix_bind(f, s, a, len) : plat_sock_addr(PLAT_SOCK_BIND, f->host_fd, a, len);
	file_put(f);
	return r;
}

static int inet_connect(struct file *f, struct sock *s, const char *a, uint32_t len)
{
	int nonblock = f->flags & K_O_NONBLOCK;
	int64_t deadline = deadline_after(s->sndtimeo);
	int spins = 0, waited = 0, r;
	for (;;) {
		r = plat_sock_addr(PLAT_SOCK_CONNECT, f->host_fd, a, len);
		if (r == -EISCONN && waited)
			r = 0;
		if (r == 0 || nonblock || (r != -EINPROGRESS && r != -EALREADY))
			return r;
		int w = sock_wait(f->host_fd, POLLOUT_K, deadline, &spins);
		if (w < 0)
			return w == -EAGAIN ? -EINPROGRESS : w;
		waited = 1;
		int err = 0;
		uint32_t el = sizeof(err);
		plat_sock_ctl(PLAT_SOCK_GETOPT, f->host_fd, SOL_SOCKET_K, SO_ERROR_K, &err, &el);
		if (err)
			return -err;
		/* Ask again: EISCONN says done, EALREADY not yet. */
	}
}

int sock_connect(int fd, const void *uaddr, uint32_t len)
{
	WITH_SOCK(fd, f, s);
	char a[ADDR_MAX];
	int r = copy_addr(a, uaddr, len);
	if (r == 0)
		r = is_unix(s) ? unix_connect(f, s, a, len) : inet_connect(f, s, a, len);
	file_put(f);
	return r;
}

int sock_listen(int fd, int backlog)
{
	WITH_SOCK(fd, f, s);
	int r = 0;
	if (!is_unix(s)) {
		r = (int)plat_sock_ctl(PLAT_SOCK_LISTEN, f->host_fd, backlog, 0, NULL, NULL);
	} else if (s->type == SOCK_DGRAM_K) {
		r = -EOPNOTSUPP;
	} else if (s->state == U_BOUND) {
		net_lock();
		struct uname *e = name_by_id(s->name_id);
		if (e)
			e->listening = 1;
		net_unlock();
		s->state = U_LISTEN;
	} else if (s->state != U_LISTEN) {
		r = -EINVAL; /* unbound or connected */
	}
	file_put(f);
	return r;
}

int sock_shutdown(int fd, int how)
{
	WITH_SOCK(fd, f, s);
	int r;
	if (how < 0 || how > 2)
		r = -EINVAL;
	else if (!is_unix(s) || (s->type != SOCK_DGRAM_K && s->state == U_CONNECTED) || s->pair)
		r = (int)plat_sock_ctl(PLAT_SOCK_SHUTDOWN, f->host_fd, how, 0, NULL, NULL);
	else
		r = s->type == SOCK_DGRAM_K ? 0 : -ENOTCONN;
	io_done(f);
	file_put(f);
	return r;
}

int sock_accept(int fd, void *uaddr, uint32_t *ulen, int flags)
{
	if (flags & ~(SOCK_NONBLOCK_K | SOCK_CLOEXEC_K))
		return -EINVAL;
	WITH_SOCK(fd, f, s);
	int r;
	if (is_unix(s)) {
		r = unix_accept(f, s, uaddr, ulen, flags);
		io_done(f);
		file_put(f);
		return r;
	}
	char a[ADDR_MAX];
	uint32_t len;
	int nonblock = f->flags & K_O_NONBLOCK, spins = 0;
	int64_t deadline = deadline_after(s->rcvtimeo);
	for (;;) {
		len = sizeof(a);
		r = plat_sock_accept(f->host_fd, a, &len);
		if (r != -EAGAIN || nonblock)
			break;
		int w = sock_wait(f->host_fd, POLLIN_K, deadline, &spins);
		if (w < 0) {
			r = w;
			break;
		}
		spins = 0;
	}
	io_done(f);
	if (r >= 0) {
		int h = r;
		struct file *nf = sock_wrap(h, s->domain, s->type,
					    K_O_RDWR | ((flags & SOCK_NONBLOCK_K) ? K_O_NONBLOCK : 0));
		if (!nf) {
			plat_file_close(h);
			r = -ENOMEM;
		} else if (uaddr && (r = put_addr(uaddr, ulen, a, len < sizeof(a) ? len : sizeof(a))) < 0) {
			file_put(nf);
		} else {
			r = install(nf, !!(flags & SOCK_CLOEXEC_K));
		}
	}
	file_put(f);
	return r;
}

int sock_getname(int fd, int peer, void *uaddr, uint32_t *ulen)
{
	WITH_SOCK(fd, f, s);
	int r;
	if (is_unix(s)) {
		struct uaddr a = peer ? s->peer : s->self;
		int connected = s->type == SOCK_DGRAM_K ? (s->pair || s->peer_id) : s->state == U_CONNECTED;
		if (peer && !connected) {
			r = -ENOTCONN;
		} else {
			if (a.len < 2) {
				a.len = 2;
				a.sa[0] = AF_UNIX_K, a.sa[1] = 0;
			}
			r = put_addr(uaddr, ulen, a.sa, a.len);
		}
	} else {
		char a[ADDR_MAX];
		uint32_t len = sizeof(a);
		r = (int)plat_sock_ctl(peer ? PLAT_SOCK_PEER : PLAT_SOCK_NAME, f->host_fd, 0, 0, a, &len);
		if (r == 0)
			r = put_addr(uaddr, ulen, a, len < sizeof(a) ? len : sizeof(a));
	}
	file_put(f);
	return r;
}

/* The host handle a unix socket's options apply to, or -1. */
static int unix_data_handle(struct file *f, struct sock *s)
{
	if (s->type == SOCK_DGRAM_K || s->state == U_CONNECTED)
		return f->host_fd;
	return -1;
}

int sock_getsockopt(int fd, int level, int name, void *uval, uint32_t *ulen)
{
	WITH_SOCK(fd, f, s);
	int r, h = f->host_fd;
	if (is_unix(s)) {
		h = unix_data_handle(f, s);
		int v = -1;
		if (level == SOL_SOCKET_K) {
			switch (name) {
			case SO_TYPE_K: v = s->type; break;
			case SO_DOMAIN_K: v = AF_UNIX_K; break;
			case SO_PROTOCOL_K: v = 0; break;
			case SO_ACCEPTCONN_K: v = unix_listening(s); break;
			case SO_SNDBUF_K: case SO_RCVBUF_K: if (h < 0) v = 212992; break;
			default: if (h < 0) v = 0; break;
			}
		}
		if (v >= 0)
			r = put_int_opt(uval, ulen, v);
		else if (h < 0)
			r = -EOPNOTSUPP;
		else
			r = (int)plat_sock_ctl(PLAT_SOCK_GETOPT, h, level, name, uval, ulen);
	} else {
		r = (int)plat_sock_ctl(PLAT_SOCK_GETOPT, h, level, name, uval, ulen);
	}
	file_put(f);
	return r;
}

int sock_setsockopt(int fd, int level, int name, const void *uval, uint32_t len)
{
	WITH_SOCK(fd, f, s);
	uint32_t l = len;
	int h = is_unix(s) ? unix_data_handle(f, s) : f->host_fd, r;
	if (h >= 0)
		r = (int)plat_sock_ctl(PLAT_SOCK_SETOPT, h, level, name, (void *)uval, &l);
	else
		r = level == SOL_SOCKET_K ? 0 : -EOPNOTSUPP;
	/* Bento waits itself, so it keeps the timeouts too. */
	int rcv = name == SO_RCVTIMEO_K || name == SO_RCVTIMEO_NEW_K;
	int snd = name == SO_SNDTIMEO_K || name == SO_SNDTIMEO_NEW_K;
	int64_t tv[2];
	if (r == 0 && level == SOL_SOCKET_K && (rcv || snd)) {
		if (len < sizeof(tv))
			r = -EINVAL;
		else if (copy_in(tv, uval, sizeof(tv)) < 0)
			r = -EFAULT;
	}
	if (r == 0 && level == SOL_SOCKET_K && (rcv || snd)) {
		int64_t ns = 0;
		if (tv[1] < 0 || tv[1] >= 1000000)
			r = -EDOM;
		else if (tv[0] >= 0 && tv[0] < 1000000000LL)
			ns = tv[0] * 1000000000LL + tv[1] * 1000;
		if (rcv)
			s->rcvtimeo = ns;
		else
			s->sndtimeo = ns;
	}
	file_put(f);
	return r;
}

/* ---- descriptors in messages ------------------------------------------- */

struct cmsg { uint64_t len; int32_t level, type; };
#define CMSG_ALIGN_K(n) (((n) + 7) & ~(size_t)7)

/* A unix socket about to travel: its state, by the host inode of its
 * handle, for the receiving end (meta_take). */
static void meta_put(struct file *f, const struct sock *s)
{
	struct b_stat st;
	if (!shared || plat_file_stat(f->host_fd, NULL, &st) < 0)
		return;
	net_lock();
	unsigned i = shared->next_meta++ % METAS;
	shared->meta[i].dev = st.dev;
	shared->meta[i].ino = st.ino;
	shared->meta[i].s = *s;
	net_unlock();
}

static int meta_find(const struct b_stat *st, struct sock *out)
{
	int found = 0;
	if (!shared)
		return 0;
	net_lock();
	for (int i = 0; i < METAS && !found; i++) {
		if (shared->meta[i].ino && shared->meta[i].dev == st->dev && shared->meta[i].ino == st->ino) {
			*out = shared->meta[i].s;
			found = 1;
		}
	}
	net_unlock();
	return found;
}

static void passed_add(struct file *f)
{
	struct b_stat st;
	if (!shared || !f->path || f->path[0] != '/' || plat_file_stat(f->host_fd, NULL, &st) < 0)
		return;
	net_lock();
	unsigned i = shared->next_passed++ % PASSED;
	shared->passed[i].dev = st.dev;
	shared->passed[i].ino = st.ino;
	shared->passed[i].flags = f->flags;
	strlcpy(shared->passed[i].path, f->path, sizeof(shared->passed[i].path));
	net_unlock();
}

static int passed_find(const struct b_stat *st, char *path, size_t n, int *flags)
{
	int found = 0;
	if (!shared)
		return 0;
	net_lock();
	for (int i = 0; i < PASSED && !found; i++) {
		if (shared->passed[i].path[0] && shared->passed[i].dev == st->dev &&
		    shared->passed[i].ino == st->ino) {
			strlcpy(path, shared->passed[i].path, n);
			*flags = shared->passed[i].flags;
			found = 1;
		}
	}
	net_unlock();
	return found;
}

/* What a message's descriptors hold while it is sent: their files, and
 * the placeholders of bento's own files (passfd.c). */
struct rights {
	struct file *held[SCM_MAX_FD];
	int nheld;
	int ph[SCM_MAX_FD];
	uint64_t tags[SCM_MAX_FD][2];
	int nph;
};

/* The host handle that carries guest file g, or -errno: a host file's or
 * socket's own (of unix sockets only those with a handle: bound,
 * listening or connected), a placeholder for a pipe, eventfd or timerfd. */
static int carrier_of(struct file *g, struct rights *rs)
{
	if (passfd_travels(g)) {
		if (!rs->nph)
			passfd_sweep(0);
		int h = passfd_send(g, rs->tags[rs->nph]);
		if (h >= 0)
			rs->ph[rs->nph++] = h;
		return h;
	}
	if ((g->ops != &host_file_ops && g->ops != &sock_ops) || g->host_fd < 0)
		return -EOPNOTSUPP;
	if (g->ops == &host_file_ops)
		passed_add(g);
	else if (is_unix(g->priv))
		meta_put(g, g->priv);
	return g->host_fd;
}

/* Replace the guest descriptors of SCM_RIGHTS in ctl by the host handles
 * that carry them (carrier_of), holding their files in rs until the send
 * is over. A process id in SCM_CREDENTIALS that is the sender's own
 * becomes its host pid. */
static int rights_to_host(char *ctl, size_t len, struct rights *rs)
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
				if (rs->nheld >= SCM_MAX_FD) {
					file_put(g);
					return -EINVAL;
				}
				rs->held[rs->nheld++] = g;
				int h = carrier_of(g, rs);
				if (h < 0)
					return h;
				memcpy(data + i * sizeof(int), &h, sizeof(int));
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

/* A received host handle as a guest file: a placeholder as the bento file
 * it stands for (passfd.c), sockets as sockets (a unix socket with the
 * state it travelled with), anything else as a host file (with the
 * sender's path and flags when bento sent it). peek: a MSG_PEEK receive. */
static struct file *wrap_received(int h, int peek)
{
	struct b_stat st;
	if (plat_file_stat(h, NULL, &st) < 0)
		return NULL;
	if ((st.mode & K_S_IFMT) == K_S_IFSOCK) {
		struct file *pf;
		if (passfd_receive(h, &st, peek, &pf)) {
			if (pf)
				plat_file_close(h);
			return pf;
		}
		struct sock meta;
		int domain = AF_UNIX_K, type = SOCK_STREAM_K;
		uint32_t l = sizeof(int);
		plat_sock_ctl(PLAT_SOCK_GETOPT, h, SOL_SOCKET_K, SO_DOMAIN_K, &domain, &l);
		l = sizeof(int);
		plat_sock_ctl(PLAT_SOCK_GETOPT, h, SOL_SOCKET_K, SO_TYPE_K, &type, &l);
		int known = domain == AF_UNIX_K && meta_find(&st, &meta);
		struct file *f = sock_wrap(h, domain, known ? meta.type : type, K_O_RDWR);
		if (f && domain == AF_UNIX_K) {
			struct sock *s = f->priv;
			if (known) {
				int64_t rt = s->rcvtimeo, sn = s->sndtimeo;
				*s = meta;
				s->rcvtimeo = rt, s->sndtimeo = sn;
			} else {
				s->state = U_CONNECTED;
				s->self.len = s->peer.len = 2;
				s->self.sa[0] = s->peer.sa[0] = AF_UNIX_K;
			}
		}
		return f;
	}
	char path[256];
	struct mount *m = NULL;
	int flags = K_O_RDWR | K_O_LARGEFILE;
	if (passed_find(&st, path, sizeof(path), &flags))
		m = mount_find(path, NULL);
	else
		fmt_snprintf(path, sizeof(path), "anon_inode:[passed %llu]", (unsigned long long)st.ino);
	return host_file_wrap(h, flags, path, m);
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
static void rights_from_host(char *ctl, size_t *len, int *mflags, int cloexec, int peek)
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
				struct file *g = wrap_received(h, peek);
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
		if (failed && off >= *len)
			break;
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

/* Where a unix send with an address goes. */
static int unix_send_target(struct sock *s, int host_fd, const char *a, uint32_t len, struct target *t)
{
	if (s->type == SOCK_STREAM_K)
		return s->state == U_CONNECTED ? -EISCONN : -EOPNOTSUPP;
	if (s->type == SOCK_SEQPACKET_K) /* the address is ignored */
		return default_target(s, host_fd, t);
	struct uaddr ua;
	char path[UNIX_PATH];
	struct uname e;
	int kind = unix_target_of(a, len, &ua, path);
	if (kind == 1)
		return default_target(s, host_fd, t);
	if (kind < 0)
		return kind;
	int r = unix_lookup(&ua, path, kind == 2, SOCK_DGRAM_K, &e);
	if (r < 0)
		return r;
	*t = (struct target){ -1, e.id, 1 };
	return 0;
}

long sock_sendmsg(int fd, struct k_msghdr *km, int flags)
{
	WITH_SOCK(fd, f, s);
	struct plat_iovec *iov = NULL;
	struct rights *rs = NULL;
	char a[ADDR_MAX];
	char *ctl = NULL;
	size_t total;
	struct target t;
	long r = copy_iov(km, &iov, &total);
	struct plat_msghdr m = { .iov = iov, .iovlen = km->iovlen };
	if (r == 0 && km->uname && km->namelen) {
		if (km->namelen > ADDR_MAX)
			r = -EINVAL;
		else if (copy_in(a, km->uname, km->namelen) < 0)
			r = -EFAULT;
		else if (is_unix(s))
			r = unix_send_target(s, f->host_fd, a, km->namelen, &t);
		else {
			m.name = a;
			m.namelen = km->namelen;
			r = default_target(s, f->host_fd, &t);
		}
	} else if (r == 0) {
		r = default_target(s, f->host_fd, &t);
	}
	if (r == 0 && km->ucontrol && km->controllen) {
		if (km->controllen > CONTROL_MAX)
			r = -ENOBUFS;
		else if (!(ctl = kmalloc(km->controllen)))
			r = -ENOMEM;
		else if (copy_in(ctl, km->ucontrol, km->controllen) < 0)
			r = -EFAULT;
		else if (!(rs = kmalloc(sizeof(*rs))))
			r = -ENOMEM;
		else {
			rs->nheld = rs->nph = 0;
			r = rights_to_host(ctl, km->controllen, rs);
		}
		m.control = ctl;
		m.controllen = km->controllen;
	}
	if (r == 0)
		r = do_send(f, &t, &m, flags, total);
	if (rs) {
		/* Not sent (an empty stream send sends nothing): the
		 * placeholders' references go now, not at the next sweep. */
		int unsent = r < 0 || (r == 0 && s->type == SOCK_STREAM_K);
		if (rs->nph)
			passfd_sent(rs->ph, (const uint64_t (*)[2])rs->tags, rs->nph, !unsent);
		for (int i = 0; i < rs->nheld; i++)
			file_put(rs->held[i]);
		kfree(rs);
	}
	kfree(ctl);
	kfree(iov);
	io_done(f);
	file_put(f);
	return r;
}

long sock_recvmsg(int fd, struct k_msghdr *km, int flags)
{
	WITH_SOCK(fd, f, s);
	struct plat_iovec *iov = NULL;
	char a[ADDR_MAX];
	struct uaddr from;
	char *ctl = NULL;
	size_t total;
	long r = copy_iov(km, &iov, &total);
	struct plat_msghdr m = { .iov = iov, .iovlen = km->iovlen };
	if (r == 0 && is_unix(s) && s->state == U_LISTEN)
		r = -EINVAL;
	else if (r == 0 && is_unix(s) && s->type == SOCK_SEQPACKET_K && s->state != U_CONNECTED)
		r = -ENOTCONN;
	if (km->uname && !is_unix(s)) {
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
		r = do_recv(f, recv_handle(f, s), &m, flags & ~MSG_CMSG_CLOEXEC_K, total, &from);
	if (r >= 0) {
		/* The host is always asked for MSG_CMSG_CLOEXEC and echoes it. */
		km->flags = (m.flags & ~MSG_CMSG_CLOEXEC_K) | (flags & MSG_CMSG_CLOEXEC_K);
		km->controllen = 0;
		if (ctl) {
			size_t got = m.controllen;
			rights_from_host(ctl, &got, &km->flags, !!(flags & MSG_CMSG_CLOEXEC_K),
					 !!(flags & MSG_PEEK_K));
			if ((km->flags & MSG_CTRUNC_K) && !(m.flags & MSG_CTRUNC_K))
				passfd_sweep(1); /* we closed some (EMFILE) */
			if (got && copy_out(km->ucontrol, ctl, got) < 0)
				r = -EFAULT;
			km->controllen = got;
		}
		if (km->uname) {
			const char *src = is_unix(s) ? from.sa : a;
			uint32_t len = is_unix(s) ? from.len : (m.namelen < sizeof(a) ? m.namelen : sizeof(a));
			uint32_t cap = km->namelen < len ? km->namelen : len;
			if (cap && copy_out(km->uname, src, cap) < 0)
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
