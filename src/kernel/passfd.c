/* passfd.c — bento's own files in SCM_RIGHTS messages.
 *
 * The host carries the messages of AF_UNIX sockets (socket.c), and with
 * them only host handles. A pipe, eventfd or timerfd is bento's: its
 * state is an object in the shared arena (file_ops.arena_priv) that any
 * process of the sandbox can use, as a fork's child does. Such a file
 * travels as a placeholder:
 *
 * - the sender takes a reference on the shared object (ops->forked, as
 *   for a fork's child), records the file (ops, flags, label, object)
 *   in a list in the arena under a random 128-bit tag, makes a host
 *   seqpacket pair, writes the tag into one end (the partner) and sends
 *   the other (the placeholder) in the file's place;
 * - the receiver recognises a placeholder by its host inode, reads the
 *   tag from it (peeking: a MSG_PEEK receive sees it again), takes the
 *   record whose inode and tag both match and makes a new file of it,
 *   which inherits the reference. A guest cannot forge one: it never
 *   holds a placeholder's handle, nor can it read a tag.
 * - A message that is never received (its socket closed, or its control
 *   data cut short with MSG_CTRUNC) loses its placeholders: the host
 *   closes them. Each partner waits, with its tag, in a host seqpacket
 *   pair made at start-up and inherited by every process (like socket.c's
 *   courier); the partner of a closed placeholder polls POLLHUP. A sweep
 *   takes the partners out one by one, drops those that hang up —
 *   releasing the reference of a record still in the list — and puts the
 *   others back. It runs when a unix socket is closed, after a receive
 *   cut short, and before a send when many partners wait. The sender
 *   closes its own copy of a placeholder only after the send, so a sweep
 *   may meet one that only the sender still holds: it marks the record,
 *   and the sender, once its copies are closed, sweeps again.
 *
 * Everything else bento keeps in one process's memory (its in-memory
 * tmpfs, /proc and /dev files, epoll and signalfd files, unbound unix
 * sockets) cannot travel: EOPNOTSUPP. The status flags of a received
 * file are a copy of the sender's (as after a fork), not shared.
 */
#include "kernel/kernel.h"

#define AF_UNIX_K 1
#define SOCK_SEQPACKET_K 5
#define SOL_SOCKET_K 1
#define SCM_RIGHTS_K 1
#define SO_SNDBUF_K 7
#define MSG_PEEK_K 0x2
#define MSG_DONTWAIT_K 0x40
#define POLLOUT_K 4
#define POLLHUP_K 16
#define SWEEP_AT 64          /* partners waiting before a send sweeps */
#define LABEL 48

/* A file in flight, in the arena. */
struct flight {
	struct flight *next;
	uint64_t tag[2];
	uint64_t dev, ino;           /* the placeholder's host inode */
	const struct file_ops *ops;  /* bento's text: the same in every process */
	void *priv;                  /* the shared object */
	int flags;
	int sending;                 /* the sender still holds a copy of the placeholder */
	int recheck;                 /* a sweep met it then: sweep again once it is closed */
	char label[LABEL];
};

struct pass_shared {
	struct flight *list;
	int items;                   /* partners waiting in the queue */
};

static struct pass_shared *ps;
static int pq[2] = { -1, -1 };   /* the partners' queue: send on 0, receive on 1 */

void passfd_init(void)
{
	if (ps)
		return;
	ps = shm_zalloc(sizeof(*ps));
	if (!ps || plat_socketpair(AF_UNIX_K, SOCK_SEQPACKET_K, 0, pq) < 0) {
		pq[0] = pq[1] = -1;
		return;
	}
	int big = 4 << 20;
	uint32_t l = sizeof(big);
	plat_sock_ctl(PLAT_SOCK_SETOPT, pq[0], SOL_SOCKET_K, SO_SNDBUF_K, &big, &l);
}

int passfd_travels(struct file *f)
{
	return f->ops->arena_priv && f->ops->forked && f->host_fd < 0;
}

/* ---- the partners' queue -------------------------------------------------- */

union one_fd {
	char b[24];                  /* a cmsg header (16 bytes) and one int */
	uint64_t align;
};

static long item_send(const uint64_t tag[2], int fd)
{
	union one_fd ctl;
	uint64_t clen = 16 + sizeof(int);
	int32_t level = SOL_SOCKET_K, type = SCM_RIGHTS_K;
	memset(&ctl, 0, sizeof(ctl));
	memcpy(ctl.b, &clen, 8);
	memcpy(ctl.b + 8, &level, 4);
	memcpy(ctl.b + 12, &type, 4);
	memcpy(ctl.b + 16, &fd, 4);
	struct plat_iovec iov = { (void *)tag, 16 };
	struct plat_msghdr m = { .iov = &iov, .iovlen = 1, .control = ctl.b, .controllen = sizeof(ctl.b) };
	return plat_sock_msg(PLAT_SOCK_SEND, pq[0], &m, MSG_DONTWAIT_K);
}

/* One item: 0 with its tag and partner, -EAGAIN when none is left, other
 * errors with *fd the handle to close (or -1). */
static long item_recv(uint64_t tag[2], int *fd)
{
	union one_fd ctl;
	memset(&ctl, 0, sizeof(ctl));
	struct plat_iovec iov = { tag, 16 };
	struct plat_msghdr m = { .iov = &iov, .iovlen = 1, .control = ctl.b, .controllen = sizeof(ctl.b) };
	long r = plat_sock_msg(PLAT_SOCK_RECV, pq[1], &m, MSG_DONTWAIT_K);
	*fd = -1;
	if (r >= 0 && m.controllen >= 20)
		memcpy(fd, ctl.b + 16, 4);
	if (r < 0)
		return r;
	return (r == 16 && *fd >= 0) ? 0 : -EIO;
}

/* Has every copy of the placeholder paired with partner fd closed? */
static int placeholder_gone(int fd)
{
	struct b_pollfd p = { fd, POLLOUT_K, 0 };
	struct b_timespec zero = { 0, 0 };
	return plat_file_poll(&p, 1, &zero) == 1 && (p.revents & POLLHUP_K);
}

/* ---- records ------------------------------------------------------------ */

/* Under the lock: take the record matching pred out of the list. */
static struct flight *unlink_where(int (*pred)(const struct flight *, const void *), const void *arg)
{
	for (struct flight **pp = &ps->list; *pp; pp = &(*pp)->next) {
		if (pred(*pp, arg)) {
			struct flight *e = *pp;
			*pp = e->next;
			return e;
		}
	}
	return NULL;
}

static int tag_is(const struct flight *e, const void *arg)
{
	const uint64_t *tag = arg;
	return e->tag[0] == tag[0] && e->tag[1] == tag[1];
}

static int inode_is(const struct flight *e, const void *arg)
{
	const struct b_stat *st = arg;
	return e->dev == st->dev && e->ino == st->ino;
}

/* A stand-in for the file a record describes, for its ops to act on. */
static struct file stand_in(const struct flight *e)
{
	return (struct file){ .ops = e->ops, .refs = 1, .flags = e->flags, .host_fd = -1,
			      .path = (char *)e->label, .priv = e->priv };
}

/* Drop a record's reference on its object and free the record. */
static void drop(struct flight *e)
{
	struct file f = stand_in(e);
	if (f.ops->release)
		f.ops->release(&f);
	shm_free(e);
}

/* ---- sending ---------------------------------------------------------------- */

/* The tag, as the one message waiting in the placeholder. */
static long tag_write(int partner, const uint64_t tag[2])
{
	struct plat_iovec iov = { (void *)tag, 16 };
	struct plat_msghdr m = { .iov = &iov, .iovlen = 1 };
	return plat_sock_msg(PLAT_SOCK_SEND, partner, &m, MSG_DONTWAIT_K);
}

int passfd_send(struct file *f, uint64_t tag[2])
{
	if (!ps || pq[0] < 0)
		return -EOPNOTSUPP;
	struct flight *e = shm_zalloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	int h[2];
	long r = plat_socketpair(AF_UNIX_K, SOCK_SEQPACKET_K, 0, h);
	if (r < 0) {
		shm_free(e);
		return (int)r;
	}
	struct b_stat st;
	if ((r = plat_random(e->tag, sizeof(e->tag))) >= 0 && (r = plat_file_stat(h[0], NULL, &st)) >= 0)
		r = tag_write(h[1], e->tag);
	if (r >= 0) {
		e->dev = st.dev;
		e->ino = st.ino;
		e->ops = f->ops;
		e->priv = f->priv;
		e->flags = f->flags;
		e->sending = 1;
		tag[0] = e->tag[0], tag[1] = e->tag[1];
		strlcpy(e->label, f->path ? f->path : "", sizeof(e->label));
		f->ops->forked(f, 1);
		sock_net_lock();
		r = item_send(e->tag, h[1]);
		if (r >= 0) {
			e->next = ps->list;
			ps->list = e;
			ps->items++;
		}
		sock_net_unlock();
		if (r < 0)
			f->ops->forked(f, -1);
	}
	plat_file_close(h[1]);
	if (r < 0) {
		plat_file_close(h[0]);
		shm_free(e);
		return r == -EAGAIN ? -ENOBUFS : (int)r;
	}
	return h[0];
}

/* The sender's copies close first: a sweep that ran before this saw the
 * placeholders alive through them alone, and asked (recheck) for the
 * sweep that follows here. */
void passfd_sent(const int *ph, const uint64_t (*tags)[2], int n, int sent)
{
	struct flight *dead = NULL;
	int again = 0;
	for (int i = 0; i < n; i++)
		plat_file_close(ph[i]);
	sock_net_lock();
	for (int i = 0; i < n; i++) {
		struct flight *e;
		if (!sent) {
			e = unlink_where(tag_is, tags[i]);
			if (e) {
				e->next = dead;
				dead = e;
			}
			continue;
		}
		for (e = ps->list; e && !tag_is(e, tags[i]); e = e->next)
			;
		if (e) {
			again |= e->recheck;
			e->sending = e->recheck = 0;
		}
	}
	sock_net_unlock();
	while (dead) {
		struct flight *e = dead;
		dead = e->next;
		drop(e);
	}
	if (again)
		passfd_sweep(1);
}

/* ---- receiving -------------------------------------------------------------- */

static int tag_peek(int h, uint64_t tag[2])
{
	struct plat_iovec iov = { tag, 16 };
	struct plat_msghdr m = { .iov = &iov, .iovlen = 1 };
	return plat_sock_msg(PLAT_SOCK_RECV, h, &m, MSG_PEEK_K | MSG_DONTWAIT_K) == 16 ? 0 : -1;
}

/* Under the lock: the record of placeholder h, or NULL. */
static struct flight *find(int h, const struct b_stat *st)
{
	for (struct flight *e = ps->list; e; e = e->next) {
		uint64_t tag[2];
		if (inode_is(e, st))
			return tag_peek(h, tag) == 0 && tag_is(e, tag) ? e : NULL;
	}
	return NULL;
}

int passfd_receive(int h, const struct b_stat *st, int peek, struct file **out)
{
	*out = NULL;
	if (!ps || !__atomic_load_n(&ps->list, __ATOMIC_ACQUIRE))
		return 0;
	sock_net_lock();
	struct flight *e = find(h, st), copy;
	if (e && peek) {
		struct file f = stand_in(e);
		f.ops->forked(&f, 1);
		copy = *e;
	} else if (e) {
		unlink_where(tag_is, e->tag);
	}
	sock_net_unlock();
	if (!e)
		return 0;
	struct flight *rec = peek ? &copy : e;
	struct file *f = file_alloc(rec->ops, rec->flags, rec->label);
	if (f) {
		f->priv = rec->priv;
		if (!peek)
			shm_free(e);
	} else if (peek) {
		struct file sf = stand_in(rec);
		sf.ops->release(&sf);
	} else {
		drop(e);
	}
	*out = f;
	return 1;
}

/* ---- sweeping --------------------------------------------------------------- */

/* Under the lock: one pass over the queue; records of placeholders that
 * are gone move to *dead. */
static void sweep_locked(struct flight **dead)
{
	int n = ps->items;
	for (int i = 0; i < n; i++) {
		uint64_t tag[2];
		int fd;
		long r = item_recv(tag, &fd);
		if (r == -EAGAIN) {
			ps->items = i; /* fewer than counted: some were lost */
			break;
		}
		if (r == 0 && !placeholder_gone(fd)) {
			struct flight *e = ps->list;
			while (e && !tag_is(e, tag))
				e = e->next;
			if (e && e->sending)
				e->recheck = 1;
			if (item_send(tag, fd) < 0)
				ps->items--; /* lost: its record stays until the end */
			plat_file_close(fd);
			continue;
		}
		if (fd >= 0)
			plat_file_close(fd);
		ps->items--;
		struct flight *e = r == 0 ? unlink_where(tag_is, tag) : NULL;
		if (e) {
			e->next = *dead;
			*dead = e;
		}
	}
}

void passfd_sweep(int force)
{
	if (!ps || pq[0] < 0)
		return;
	int n = __atomic_load_n(&ps->items, __ATOMIC_RELAXED);
	if (n == 0 || (!force && n < SWEEP_AT))
		return;
	struct flight *dead = NULL;
	sock_net_lock();
	sweep_locked(&dead);
	sock_net_unlock();
	while (dead) {
		struct flight *e = dead;
		dead = e->next;
		drop(e);
	}
}
