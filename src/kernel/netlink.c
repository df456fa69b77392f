/* netlink.c — AF_NETLINK sockets, emulated: the read-only part of
 * NETLINK_ROUTE that getifaddrs(), if_nameindex() and runtimes listing
 * interfaces (Go's net.Interfaces, Node's os.networkInterfaces through
 * libuv) use. Nothing reaches the host: a host netlink socket would open
 * a large part of the host kernel to the guest (docs/security.md), so the
 * gate has no AF_NETLINK and bento answers from its own interface table
 * (netif.c).
 *
 * A request is answered when it is sent (rtnetlink.c): the replies wait
 * as datagrams in the socket's queue until received, as the kernel's
 * would. No events are ever sent, so joining groups is accepted and
 * changes nothing; no other netlink socket is reachable (a destination
 * other than the kernel is refused).
 *
 * The socket's state lives in the shared arena, like an eventfd's, so a
 * socket inherited over fork is one socket; every change of the queue is
 * announced with kwake_shared (blocked receivers, pollers). */
#include "kernel/kernel.h"
#include "lib/fmt.h"

#define AF_UNSPEC_K 0
#define AF_NETLINK_K 16
#define SOCK_DGRAM_K 2
#define SOCK_RAW_K 3
#define SOCK_NONBLOCK_K 04000
#define SOCK_CLOEXEC_K 02000000
#define MSG_PEEK_K 0x2
#define MSG_TRUNC_K 0x20
#define MSG_DONTWAIT_K 0x40
#define POLLIN_K 1
#define POLLOUT_K 4
#define POLLERR_K 8
#define SOL_SOCKET_K 1
#define SOL_NETLINK_K 270
#define SO_TYPE_K 3
#define SO_ERROR_K 4
#define SO_SNDBUF_K 7
#define SO_RCVBUF_K 8
#define SO_RCVTIMEO_OLD_K 20
#define SO_PROTOCOL_K 38
#define SO_DOMAIN_K 39
#define SO_RCVTIMEO_NEW_K 66
#define NETLINK_ADD_MEMBERSHIP_K 1
#define NETLINK_DROP_MEMBERSHIP_K 2
#define NETLINK_LIST_MEMBERSHIPS_K 9
#define NETLINK_CAP_ACK_K 10
#define NETLINK_GET_STRICT_CHK_K 12


#define QUEUE_MAX 212992       /* bytes waiting, as the default rcvbuf */
#define SEND_MAX (212992 - 32) /* the default sndbuf, as Linux checks it */
#define NL_ALIGN(n) (((n) + 3) & ~(size_t)3)

struct sockaddr_nl_k { uint16_t family, pad; uint32_t pid, groups; };
_Static_assert(sizeof(struct sockaddr_nl_k) == 12, "struct sockaddr_nl");

/* A reply waiting to be received (arena memory). */
struct nldgram {
	struct nldgram *next;
	uint32_t len;
	char data[];
};

/* A netlink socket (arena memory, shared by the processes holding it). */
struct nlsock {
	struct spinlock lock;
	uint32_t changed;    /* futex word: bumped when the queue changes */
	uint32_t refs;       /* open files of every process */
	int type;
	uint32_t portid;     /* 0 until bound */
	uint32_t groups;     /* joined multicast groups 1..32 (no events come) */
	uint32_t dst_pid, dst_groups;
	int err;             /* a reply was dropped: ENOBUFS on the next receive */
	int cap_ack, strict;
	int rcvbuf, sndbuf;
	int64_t rcvtimeo;    /* ns, 0: forever */
	struct nldgram *head, *tail;
	uint32_t queued;     /* bytes in the queue */
};

static const struct file_ops netlink_ops;

static struct nlsock *nl_of(struct file *f)
{
	return f && f->ops == &netlink_ops ? f->priv : NULL;
}

#define WITH_NL(fd, f, s)                     \
	struct file *f = fd_get(fd);          \
	if (!f)                               \
		return -EBADF;                \
	struct nlsock *s = nl_of(f);          \
	if (!s) {                             \
		file_put(f);                  \
		return -ENOTSOCK;             \
	}

/* ---- port ids ----------------------------------------------------------- */

/* As Linux: a process's first socket gets its pid, later ones -4096,
 * -4097, ... (this process's own count: sockets never reach each other
 * here, so ids only need to differ within a process). */
static int pid_owner;        /* the pid while one of our sockets holds it */
static int32_t rover = -4096;

static uint32_t autobind_id(void)
{
	int me = proc_getpid(), owner = __atomic_load_n(&pid_owner, __ATOMIC_ACQUIRE);
	if (owner != me && __atomic_compare_exchange_n(&pid_owner, &owner, me, 0, __ATOMIC_ACQ_REL,
						      __ATOMIC_ACQUIRE))
		return (uint32_t)me;
	return (uint32_t)__atomic_fetch_sub(&rover, 1, __ATOMIC_RELAXED);
}

static void autobind(struct nlsock *s)
{
	spin_lock(&s->lock);
	if (!s->portid)
		s->portid = autobind_id();
	spin_unlock(&s->lock);
}

/* ---- the queue ---------------------------------------------------------- */

/* Queue a reply; dropped (ENOBUFS for the next receive) when the queue
 * is full, as Linux drops a reply to a full receive buffer. */
static void enqueue(struct nlsock *s, const char *data, size_t len)
{
	struct nldgram *d = shm_alloc(sizeof(*d) + len);
	spin_lock(&s->lock);
	if (!d || s->queued + len > (uint32_t)s->rcvbuf) {
		s->err = ENOBUFS;
	} else {
		d->next = NULL;
		d->len = (uint32_t)len;
		memcpy(d->data, data, len);
		if (s->tail)
			s->tail->next = d;
		else
			s->head = d;
		s->tail = d;
		s->queued += (uint32_t)len;
		d = NULL;
	}
	spin_unlock(&s->lock);
	if (d)
		shm_free(d);
	kwake_shared(&s->changed);
}

/* Where rtnetlink.c's replies go: the queue (NULL: one was lost). */
static void reply(void *ctx, const char *data, size_t len)
{
	struct nlsock *s = ctx;
	if (data) {
		enqueue(s, data, len);
		return;
	}
	spin_lock(&s->lock);
	s->err = ENOBUFS;
	spin_unlock(&s->lock);
	kwake_shared(&s->changed);
}

/* ---- sending and receiving ---------------------------------------------- */

static void io_done(struct file *f)
{
	if (__atomic_load_n(&f->epitems, __ATOMIC_ACQUIRE))
		epoll_file_io(f);
}

static int64_t now_ns(void)
{
	struct b_timespec t;
	plat_clock_get(1, &t);
	return t.sec * 1000000000LL + t.nsec;
}

/* A guest destination: only the kernel (port 0, no groups). */
static int check_dest(const void *uaddr, uint32_t len)
{
	struct sockaddr_nl_k a;
	if (len < sizeof(a))
		return -EINVAL;
	if (copy_in(&a, uaddr, sizeof(a)) < 0)
		return -EFAULT;
	if (a.family != AF_NETLINK_K)
		return -EINVAL;
	if (a.groups)
		return -EPERM;
	return a.pid ? -ECONNREFUSED : 0; /* no other netlink socket is reachable */
}

static long nl_send(struct file *f, struct nlsock *s, const struct k_msghdr *km)
{
	size_t total = 0;
	for (size_t i = 0; i < km->iovlen; i++) {
		total += km->iov[i].len;
		if (total > SEND_MAX)
			return -EMSGSIZE;
	}
	if (km->uname && km->namelen) {
		int r = check_dest(km->uname, km->namelen);
		if (r < 0)
			return r;
	} else if (s->dst_pid) {
		return -ECONNREFUSED;
	}
	char *b = kmalloc(total ? total : 1);
	if (!b)
		return -ENOMEM;
	size_t off = 0;
	for (size_t i = 0; i < km->iovlen; i++) {
		if (km->iov[i].len && copy_in(b + off, km->iov[i].ubase, km->iov[i].len) < 0) {
			kfree(b);
			return -EFAULT;
		}
		off += km->iov[i].len;
	}
	autobind(s);
	struct rtnl_peer peer = { s->portid, s->cap_ack, reply, s };
	rtnl_requests(&peer, b, total);
	kfree(b);
	io_done(f);
	return (long)total;
}

/* Copy the head datagram out to the buffers (the lock held). */
static long copy_dgram(const struct nldgram *d, const struct k_iovec *iov, size_t iovlen, size_t *copied)
{
	size_t off = 0;
	for (size_t i = 0; i < iovlen && off < d->len; i++) {
		size_t n = iov[i].len < d->len - off ? iov[i].len : d->len - off;
		if (n && copy_out(iov[i].ubase, d->data + off, n) < 0)
			return -EFAULT;
		off += n;
	}
	*copied = off;
	return 0;
}

/* The next reply (waiting for one unless non-blocking): the bytes that
 * fit, MSG_TRUNC in *mflags when some did not, and the whole length as
 * the result with flags MSG_TRUNC; MSG_PEEK leaves it queued. */
static long nl_recv(struct file *f, struct nlsock *s, const struct k_iovec *iov, size_t iovlen, int flags,
		    int *mflags)
{
	int64_t deadline = s->rcvtimeo ? now_ns() + s->rcvtimeo : 0;
	*mflags = 0;
	for (;;) {
		uint32_t seen = __atomic_load_n(&s->changed, __ATOMIC_ACQUIRE);
		spin_lock(&s->lock);
		if (s->err) {
			int e = s->err;
			s->err = 0;
			spin_unlock(&s->lock);
			return -e;
		}
		struct nldgram *d = s->head;
		if (d) {
			size_t copied, len = d->len;
			long r = copy_dgram(d, iov, iovlen, &copied);
			if (r == 0 && !(flags & MSG_PEEK_K)) {
				s->head = d->next;
				if (!s->head)
					s->tail = NULL;
				s->queued -= d->len;
			}
			spin_unlock(&s->lock);
			if (r < 0)
				return r;
			if (copied < len)
				*mflags |= MSG_TRUNC_K;
			r = (flags & MSG_TRUNC_K) ? (long)len : (long)copied;
			if (!(flags & MSG_PEEK_K)) {
				shm_free(d);
				kwake_shared(&s->changed);
			}
			io_done(f);
			return r;
		}
		spin_unlock(&s->lock);
		if ((f->flags & K_O_NONBLOCK) || (flags & MSG_DONTWAIT_K))
			return -EAGAIN;
		if (deadline && now_ns() >= deadline)
			return -EAGAIN;
		if (kwait_shared(&s->changed, seen) == -EINTR)
			return -EINTR;
	}
}

/* A sockaddr_nl out to the guest: cut to the buffer, *ulen set to 12. */
static int put_name(void *uaddr, uint32_t *ulen, uint32_t pid, uint32_t groups)
{
	struct sockaddr_nl_k a = { AF_NETLINK_K, 0, pid, groups };
	int32_t len;
	if (copy_in(&len, ulen, sizeof(len)) < 0)
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	uint32_t n = (uint32_t)len < sizeof(a) ? (uint32_t)len : sizeof(a);
	uint32_t full = sizeof(a);
	if ((n && copy_out(uaddr, &a, n) < 0) || copy_out(ulen, &full, sizeof(full)) < 0)
		return -EFAULT;
	return 0;
}

/* ---- the file ----------------------------------------------------------- */

static long nl_read(struct file *f, void *ubuf, size_t n, int64_t *pos)
{
	(void)pos;
	struct k_iovec iov = { ubuf, n };
	int mflags;
	return nl_recv(f, f->priv, &iov, 1, 0, &mflags);
}

static long nl_write(struct file *f, const void *ubuf, size_t n, int64_t *pos)
{
	(void)pos;
	struct k_iovec iov = { (void *)ubuf, n };
	struct k_msghdr m = { .iov = &iov, .iovlen = 1 };
	return nl_send(f, f->priv, &m);
}

static short nl_poll(struct file *f, short events)
{
	struct nlsock *s = f->priv;
	short rev = POLLOUT_K;
	spin_lock(&s->lock);
	if (s->head)
		rev |= POLLIN_K;
	if (s->err)
		rev |= POLLERR_K;
	spin_unlock(&s->lock);
	return rev & (events | POLLERR_K | 16);
}

/* As on Linux, any socket answers the interface requests (if_nametoindex
 * asks a netlink socket first). */
static int nl_ioctl(struct file *f, unsigned long req, void *uarg)
{
	(void)f;
	return netif_ioctl(req, uarg);
}

static int nl_stat(struct file *f, struct b_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->mode = K_S_IFSOCK | 0777;
	st->nlink = 1;
	st->dev = 0x8;
	st->blksize = 4096;
	st->ino = (uint64_t)(uintptr_t)f->priv & 0xffffff;
	return 0;
}

static void nl_forked(struct file *f, int delta)
{
	struct nlsock *s = f->priv;
	__atomic_add_fetch(&s->refs, (uint32_t)delta, __ATOMIC_RELAXED);
}

static void nl_release(struct file *f)
{
	struct nlsock *s = f->priv;
	if (__atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	int me = proc_getpid();
	if (s->portid == (uint32_t)me)
		__atomic_compare_exchange_n(&pid_owner, &me, 0, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	while (s->head) {
		struct nldgram *d = s->head;
		s->head = d->next;
		shm_free(d);
	}
	shm_free(s);
}

static const struct file_ops netlink_ops = {
	.read = nl_read,
	.write = nl_write,
	.stat = nl_stat,
	.poll = nl_poll,
	.ioctl = nl_ioctl,
	.release = nl_release,
	.forked = nl_forked,
	.stream = 1,
	.poll_wakes = 1,
};

int netlink_create(int type, int protocol)
{
	int base = type & 0xf;
	if (base != SOCK_RAW_K && base != SOCK_DGRAM_K)
		return -ESOCKTNOSUPPORT;
	if (protocol != 0) /* NETLINK_ROUTE only */
		return -EPROTONOSUPPORT;
	struct nlsock *s = shm_zalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->refs = 1;
	s->type = base;
	s->rcvbuf = QUEUE_MAX;
	s->sndbuf = SEND_MAX + 32;
	char label[48];
	fmt_snprintf(label, sizeof(label), "socket:[%llu]", (unsigned long long)((uintptr_t)s & 0xffffff));
	struct file *f = file_alloc(&netlink_ops, K_O_RDWR | ((type & SOCK_NONBLOCK_K) ? K_O_NONBLOCK : 0), label);
	if (!f) {
		shm_free(s);
		return -ENOMEM;
	}
	f->priv = s;
	int fd = fd_install(f, !!(type & SOCK_CLOEXEC_K));
	if (fd < 0)
		file_put(f);
	return fd;
}

/* ---- the calls ---------------------------------------------------------- */

int netlink_bind(int fd, const void *uaddr, uint32_t len)
{
	WITH_NL(fd, f, s);
	struct sockaddr_nl_k a;
	int r = 0;
	if (len < sizeof(a))
		r = -EINVAL;
	else if (copy_in(&a, uaddr, sizeof(a)) < 0)
		r = -EFAULT;
	else if (a.family != AF_NETLINK_K)
		r = -EINVAL;
	if (r == 0) {
		int me = proc_getpid();
		spin_lock(&s->lock);
		if (s->portid && a.pid && a.pid != s->portid)
			r = -EINVAL;
		else if (!s->portid && a.pid == (uint32_t)me &&
			 __atomic_exchange_n(&pid_owner, me, __ATOMIC_ACQ_REL) == me)
			r = -EADDRINUSE; /* another socket of ours has it */
		if (r == 0) {
			if (!s->portid)
				s->portid = a.pid ? a.pid : autobind_id();
			s->groups = a.groups;
		}
		spin_unlock(&s->lock);
	}
	file_put(f);
	return r;
}

int netlink_connect(int fd, const void *uaddr, uint32_t len)
{
	WITH_NL(fd, f, s);
	struct sockaddr_nl_k a = { 0 };
	int r = 0;
	if (len < sizeof(a.family))
		r = -EINVAL;
	else if (copy_in(&a, uaddr, len < sizeof(a) ? len : sizeof(a)) < 0)
		r = -EFAULT;
	else if (a.family == AF_UNSPEC_K)
		s->dst_pid = s->dst_groups = 0;
	else if (a.family != AF_NETLINK_K || len < sizeof(a))
		r = -EINVAL;
	else if (a.groups)
		r = -EPERM;
	if (r == 0 && a.family == AF_NETLINK_K) {
		autobind(s);
		s->dst_pid = a.pid;
		s->dst_groups = 0;
	}
	file_put(f);
	return r;
}

int netlink_getname(int fd, int peer, void *uaddr, uint32_t *ulen)
{
	WITH_NL(fd, f, s);
	int r = peer ? put_name(uaddr, ulen, s->dst_pid, s->dst_groups) : put_name(uaddr, ulen, s->portid, s->groups);
	file_put(f);
	return r;
}

static int put_int(void *uval, uint32_t *ulen, int v)
{
	int32_t len;
	if (copy_in(&len, ulen, sizeof(len)) < 0)
		return -EFAULT;
	if (len < (int32_t)sizeof(int))
		return -EINVAL;
	uint32_t four = sizeof(int);
	if (copy_out(uval, &v, sizeof(v)) < 0 || copy_out(ulen, &four, sizeof(four)) < 0)
		return -EFAULT;
	return 0;
}

int netlink_getsockopt(int fd, int level, int name, void *uval, uint32_t *ulen)
{
	WITH_NL(fd, f, s);
	int v = 0, r = 0;
	if (level == SOL_SOCKET_K) {
		switch (name) {
		case SO_TYPE_K: v = s->type; break;
		case SO_DOMAIN_K: v = AF_NETLINK_K; break;
		case SO_PROTOCOL_K: v = 0; break;
		case SO_RCVBUF_K: v = s->rcvbuf; break;
		case SO_SNDBUF_K: v = s->sndbuf; break;
		case SO_ERROR_K:
			spin_lock(&s->lock);
			v = s->err;
			s->err = 0;
			spin_unlock(&s->lock);
			break;
		default: break; /* the other generic options: off */
		}
	} else if (level == SOL_NETLINK_K) {
		switch (name) {
		case NETLINK_LIST_MEMBERSHIPS_K: v = (int)s->groups; break;
		case NETLINK_CAP_ACK_K: v = s->cap_ack; break;
		case NETLINK_GET_STRICT_CHK_K: v = s->strict; break;
		case 3: case 4: case 5: case 8: case 11: break; /* PKTINFO, BROADCAST_ERROR, NO_ENOBUFS, LISTEN_ALL_NSID, EXT_ACK */
		default: r = -ENOPROTOOPT; break;
		}
	} else {
		r = -ENOPROTOOPT;
	}
	if (r == 0)
		r = put_int(uval, ulen, v);
	file_put(f);
	return r;
}

int netlink_setsockopt(int fd, int level, int name, const void *uval, uint32_t len)
{
	WITH_NL(fd, f, s);
	int r = 0;
	int64_t tv[2] = { 0, 0 };
	int v = 0;
	int timeo = level == SOL_SOCKET_K && (name == SO_RCVTIMEO_OLD_K || name == SO_RCVTIMEO_NEW_K);
	if (timeo ? len < sizeof(tv) : len < sizeof(int))
		r = level == SOL_SOCKET_K || level == SOL_NETLINK_K ? -EINVAL : -ENOPROTOOPT;
	else if (copy_in(timeo ? (void *)tv : (void *)&v, uval, timeo ? sizeof(tv) : sizeof(v)) < 0)
		r = -EFAULT;
	if (r == 0 && level == SOL_SOCKET_K) {
		if (timeo) {
			if (tv[1] < 0 || tv[1] >= 1000000)
				r = -EDOM;
			else
				s->rcvtimeo = tv[0] >= 0 && tv[0] < 1000000000LL ? tv[0] * 1000000000LL + tv[1] * 1000 : 0;
		} else if (name == SO_RCVBUF_K || name == SO_SNDBUF_K) {
			/* Linux doubles the value, within its limits. */
			int64_t b = (int64_t)v * 2;
			b = b < 2304 ? 2304 : b > 425984 ? 425984 : b;
			*(name == SO_RCVBUF_K ? &s->rcvbuf : &s->sndbuf) = (int)b;
		}
	} else if (r == 0 && level == SOL_NETLINK_K) {
		switch (name) {
		case NETLINK_ADD_MEMBERSHIP_K:
		case NETLINK_DROP_MEMBERSHIP_K:
			if (v > 0 && v <= 32) {
				uint32_t bit = 1u << (v - 1);
				s->groups = name == NETLINK_ADD_MEMBERSHIP_K ? s->groups | bit : s->groups & ~bit;
			}
			autobind(s);
			break;
		case NETLINK_CAP_ACK_K: s->cap_ack = !!v; break;
		case NETLINK_GET_STRICT_CHK_K: s->strict = !!v; break;
		case 3: case 4: case 5: case 8: case 11: break;
		default: r = -ENOPROTOOPT; break;
		}
	} else if (r == 0) {
		r = -ENOPROTOOPT;
	}
	file_put(f);
	return r;
}

long netlink_sendmsg(int fd, struct k_msghdr *km, int flags)
{
	(void)flags;
	WITH_NL(fd, f, s);
	long r = nl_send(f, s, km);
	file_put(f);
	return r;
}

long netlink_recvmsg(int fd, struct k_msghdr *km, int flags)
{
	WITH_NL(fd, f, s);
	int mflags;
	long r = nl_recv(f, s, km->iov, km->iovlen, flags, &mflags);
	if (r >= 0) {
		km->flags = mflags;
		km->controllen = 0;
		if (km->uname) {
			struct sockaddr_nl_k a = { AF_NETLINK_K, 0, 0, 0 }; /* from the kernel */
			uint32_t n = km->namelen < sizeof(a) ? km->namelen : sizeof(a);
			if (n && copy_out(km->uname, &a, n) < 0)
				r = -EFAULT;
			km->namelen = sizeof(a);
		}
	}
	file_put(f);
	return r;
}

int netlink_unsupported(int fd)
{
	WITH_NL(fd, f, s);
	(void)s;
	file_put(f);
	return -EOPNOTSUPP;
}
