/* epoll.c — epoll: an interest list of (fd, open file) items, each polled
 * through its file's ops->poll whenever the list is waited on.
 *
 * Level-triggered items are reported while they are ready. An
 * edge-triggered item is reported when it is ready and (a) its readiness
 * gained a bit since it was last seen, (b) its file's kind announced a
 * change since the last report (poll_seq moved; such kinds set
 * poll_wakes), or (c) the program did I/O on the file since the last
 * report (file.c calls epoll_file_io). (b) and (c) may report more often
 * than Linux, never less: an edge-triggered program drains a file after
 * each report, so a spare report costs it one EAGAIN, while a missed one
 * would hang it. EPOLLONESHOT disables an item once reported until MOD.
 *
 * Items hold no reference to their file. As on Linux, an item lives as
 * long as its open file description: file_put calls epoll_file_release
 * when the last reference goes, which drops the file's items from every
 * set. So closing one of two descriptors of a file (after dup) keeps the
 * item, as on Linux, and a closed pipe end is not kept open by a set.
 *
 * Sets and items are private to the process (bento's heap): a forked
 * child gets a copy of a set rather than sharing it. One lock per process
 * guards every set and every file's item list; it is taken recursively,
 * because polling a set that holds another set polls the inner one. A
 * file polled under the lock may have lost its last reference meanwhile,
 * but it is not released before its epoll_file_release takes the lock. */
#include "kernel/kernel.h"

#define FLAG_BITS (K_EPOLLET | K_EPOLLONESHOT | K_EPOLLEXCLUSIVE | K_EPOLLWAKEUP)
#define EXCLUSIVE_OK (K_EPOLLIN | K_EPOLLOUT | K_EPOLLERR | K_EPOLLHUP | K_EPOLLWAKEUP | \
		      K_EPOLLET | K_EPOLLEXCLUSIVE)
#define MAX_NESTS 4

struct epoll;

struct epitem {
	struct epoll *ep;
	struct file *file;          /* not counted: see above */
	int fd;
	uint32_t events;            /* asked for, with the FLAG_BITS */
	uint64_t data;
	uint32_t last;              /* readiness when last polled (ET) */
	uint32_t seq;               /* poll_seq at the last report (ET) */
	int rearm;                  /* I/O on the file since the last report */
	int fired;                  /* EPOLLONESHOT: reported, off until MOD */
	struct epitem *next_in_file;
};

#define MAX_WAITERS 8

struct epoll {
	struct epitem **items;
	int n, cap;
	int cursor;                 /* where the next scan starts */
	struct thread *waiters[MAX_WAITERS]; /* threads in epollfd_wait */
};

static struct {
	struct spinlock lock;
	struct thread *owner;
	int depth;
} eplock = { SPINLOCK_INIT, NULL, 0 };

static void ep_lock(void)
{
	struct thread *self = cur_thread();
	if (self && __atomic_load_n(&eplock.owner, __ATOMIC_RELAXED) == self) {
		eplock.depth++;
		return;
	}
	spin_lock(&eplock.lock);
	__atomic_store_n(&eplock.owner, self, __ATOMIC_RELAXED);
	eplock.depth = 1;
}

static void ep_unlock(void)
{
	if (--eplock.depth)
		return;
	__atomic_store_n(&eplock.owner, NULL, __ATOMIC_RELAXED);
	spin_unlock(&eplock.lock);
}

static const struct file_ops epoll_ops;

static int is_epoll(struct file *f)
{
	return f->ops == &epoll_ops;
}

/* ---- items (under the lock) ------------------------------------------- */

static struct epitem *item_find(struct epoll *ep, int fd, struct file *f)
{
	for (int i = 0; i < ep->n; i++)
		if (ep->items[i]->fd == fd && ep->items[i]->file == f)
			return ep->items[i];
	return NULL;
}

static void unlink_from_file(struct epitem *it)
{
	struct epitem **pp = (struct epitem **)&it->file->epitems;
	while (*pp && *pp != it)
		pp = &(*pp)->next_in_file;
	if (*pp)
		__atomic_store_n(pp, it->next_in_file, __ATOMIC_RELEASE);
}

/* Drop it from its set and its file, and free it. */
static void item_remove(struct epitem *it)
{
	struct epoll *ep = it->ep;
	for (int i = 0; i < ep->n; i++) {
		if (ep->items[i] == it) {
			memmove(&ep->items[i], &ep->items[i + 1], sizeof(it) * (size_t)(ep->n - i - 1));
			ep->n--;
			break;
		}
	}
	if (ep->cursor >= ep->n)
		ep->cursor = 0;
	unlink_from_file(it);
	kfree(it);
}

static int item_add(struct epoll *ep, int fd, struct file *f, const struct k_epoll_event *ev)
{
	if (ep->n == ep->cap) {
		int cap = ep->cap ? ep->cap * 2 : 8;
		struct epitem **n = krealloc(ep->items, sizeof(*n) * (size_t)cap);
		if (!n)
			return -ENOMEM;
		ep->items = n;
		ep->cap = cap;
	}
	struct epitem *it = kzalloc(sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->ep = ep;
	it->file = f;
	it->fd = fd;
	it->events = ev->events | K_EPOLLERR | K_EPOLLHUP;
	it->data = ev->data;
	it->rearm = 1;
	ep->items[ep->n++] = it;
	it->next_in_file = f->epitems;
	__atomic_store_n(&f->epitems, it, __ATOMIC_RELEASE);
	return 0;
}

/* The ready subset of what it asks for; pw (or NULL) learns what to wait
 * for when nothing is. */
static uint32_t item_poll(struct epitem *it, struct poll_wait *pw)
{
	short want = (short)(it->events & ~FLAG_BITS & 0x7fff);
	return (uint16_t)file_poll_ready(it->file, want, pw);
}

static int item_due(struct epitem *it, uint32_t ready, uint32_t seq)
{
	if (it->fired || !ready)
		return 0;
	if (!(it->events & K_EPOLLET))
		return 1;
	return (ready & ~it->last) || it->rearm || (it->file->ops->poll_wakes && it->seq != seq);
}

/* Is target (a set) reachable from set f, or nested too deep? */
static int reaches(struct file *f, struct file *target, int depth)
{
	if (depth > MAX_NESTS)
		return 1;
	struct epoll *ep = f->priv;
	for (int i = 0; i < ep->n; i++) {
		struct file *g = ep->items[i]->file;
		if (g == target || (is_epoll(g) && reaches(g, target, depth + 1)))
			return 1;
	}
	return 0;
}

/* A change of the list: wake its waiters to scan again (see
 * epollfd_wait). */
static void kick_waiters(struct epoll *ep)
{
	struct thread *self = cur_thread();
	for (int i = 0; i < MAX_WAITERS; i++)
		if (ep->waiters[i] && ep->waiters[i] != self)
			thread_kick(ep->waiters[i]);
}

/* ---- the file --------------------------------------------------------- */

/* A set is readable when one of its items would be reported; polling it
 * changes none of their state. */
static short epoll_poll(struct file *f, short events)
{
	struct epoll *ep = f->priv;
	short rev = 0;
	ep_lock();
	uint32_t seq = poll_seq();
	for (int i = 0; i < ep->n && !rev; i++) {
		struct epitem *it = ep->items[i];
		if (!it->fired && item_due(it, item_poll(it, NULL), seq))
			rev = 1; /* POLLIN */
	}
	ep_unlock();
	return rev & events;
}

static void epoll_release(struct file *f)
{
	struct epoll *ep = f->priv;
	ep_lock();
	for (int i = 0; i < ep->n; i++) {
		unlink_from_file(ep->items[i]);
		kfree(ep->items[i]);
	}
	ep->n = 0;
	ep_unlock();
	kfree(ep->items);
	kfree(ep);
}

static const struct file_ops epoll_ops = {
	.stat = anon_inode_stat,
	.seek = anon_inode_seek,
	.poll = epoll_poll,
	.release = epoll_release,
	.stream = 1,
};

void epoll_file_release(struct file *f)
{
	ep_lock();
	while (f->epitems)
		item_remove(f->epitems);
	ep_unlock();
}

void epoll_file_io(struct file *f)
{
	ep_lock();
	for (struct epitem *it = f->epitems; it; it = it->next_in_file)
		it->rearm = 1;
	ep_unlock();
}

int epollfd_create(int flags)
{
	if (flags & ~K_O_CLOEXEC)
		return -EINVAL;
	struct epoll *ep = kzalloc(sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	struct file *f = file_alloc(&epoll_ops, K_O_RDWR, "anon_inode:[eventpoll]");
	if (!f) {
		kfree(ep);
		return -ENOMEM;
	}
	f->priv = ep;
	int fd = fd_install(f, !!(flags & K_O_CLOEXEC));
	if (fd < 0)
		file_put(f);
	return fd;
}

/* Linux refuses files without a poll operation, which covers regular
 * files and directories; bento's host files poll, so ask their type. */
static int can_poll(struct file *f)
{
	struct b_stat st;
	if (!f->ops->poll)
		return 0;
	if (f->ops->stat && f->ops->stat(f, &st) == 0) {
		uint32_t type = st.mode & K_S_IFMT;
		if (type == K_S_IFREG || type == K_S_IFDIR)
			return 0;
	}
	return 1;
}

/* Checks in Linux's order: descriptors, pollability, EPOLLEXCLUSIVE
 * rules, the set itself, then the operation against the list. */
static int ctl_check(struct file *ef, struct file *tf, int op, uint32_t events)
{
	if (!can_poll(tf))
		return -EPERM;
	if (op != K_EPOLL_CTL_DEL && (events & K_EPOLLEXCLUSIVE)) {
		if (op == K_EPOLL_CTL_MOD || is_epoll(tf) || (events & ~EXCLUSIVE_OK))
			return -EINVAL;
	}
	if (ef == tf || !is_epoll(ef))
		return -EINVAL;
	return 0;
}

static int ctl_locked(struct file *ef, struct file *tf, int op, int fd, const struct k_epoll_event *ev)
{
	struct epoll *ep = ef->priv;
	if (op == K_EPOLL_CTL_ADD && is_epoll(tf) && reaches(tf, ef, 1))
		return -ELOOP;
	struct epitem *it = item_find(ep, fd, tf);
	switch (op) {
	case K_EPOLL_CTL_ADD:
		return it ? -EEXIST : item_add(ep, fd, tf, ev);
	case K_EPOLL_CTL_DEL:
		if (!it)
			return -ENOENT;
		item_remove(it);
		return 0;
	case K_EPOLL_CTL_MOD:
		if (!it)
			return -ENOENT;
		if (it->events & K_EPOLLEXCLUSIVE)
			return -EINVAL;
		it->events = ev->events | K_EPOLLERR | K_EPOLLHUP;
		it->data = ev->data;
		it->last = 0;
		it->fired = 0;
		it->rearm = 1;
		return 0;
	default:
		return -EINVAL;
	}
}

int epollfd_ctl(int epfd, int op, int fd, const struct k_epoll_event *ev)
{
	struct file *ef = fd_get(epfd);
	if (!ef)
		return -EBADF;
	struct file *tf = fd_get(fd);
	if (!tf) {
		file_put(ef);
		return -EBADF;
	}
	if (op != K_EPOLL_CTL_DEL && !ev) {
		file_put(tf);
		file_put(ef);
		return -EFAULT;
	}
	int r = ctl_check(ef, tf, op, ev && op != K_EPOLL_CTL_DEL ? ev->events : 0);
	if (r == 0) {
		ep_lock();
		r = ctl_locked(ef, tf, op, fd, ev);
		if (r == 0 && op != K_EPOLL_CTL_DEL)
			kick_waiters(ef->priv);
		ep_unlock();
	}
	file_put(tf);
	file_put(ef);
	return r;
}

/* ---- waiting ---------------------------------------------------------- */

struct ep_wait {
	struct epoll *ep;
	struct k_epoll_event *out;
	int max;
};

/* One pass over the set from the cursor; a full batch moves the cursor
 * past the last item reported, so ready items take turns. */
static int ep_scan(void *ctx, struct poll_wait *pw)
{
	struct ep_wait *w = ctx;
	struct epoll *ep = w->ep;
	int count = 0;
	ep_lock();
	uint32_t seq = poll_seq();
	int n = ep->n, start = ep->cursor < n ? ep->cursor : 0;
	for (int k = 0; k < n && count < w->max; k++) {
		int i = (start + k) % n;
		struct epitem *it = ep->items[i];
		if (it->fired)
			continue;
		uint32_t ready = item_poll(it, pw);
		int due = item_due(it, ready, seq);
		it->last = ready;
		if (!due) {
			if (ready) /* edge-triggered, reported: wait for a change */
				poll_wait_add(pw, it->file, 0);
			continue;
		}
		w->out[count].events = ready;
		w->out[count].data = it->data;
		count++;
		it->seq = seq;
		it->rearm = 0;
		if (it->events & K_EPOLLONESHOT)
			it->fired = 1;
		if (count == w->max)
			ep->cursor = (i + 1) % n;
	}
	ep_unlock();
	return count;
}

/* Waiters register in their set so that epoll_ctl can kick them: a
 * waiter may sleep in the host on other handles and would not see a new
 * item otherwise (one that does not fit waits out its slice). */
static int waiter_slot(struct epoll *ep, struct thread *self, struct thread *now)
{
	ep_lock();
	int slot = -1;
	for (int i = 0; i < MAX_WAITERS && slot < 0; i++)
		if (ep->waiters[i] == self)
			slot = i;
	if (slot >= 0)
		ep->waiters[slot] = now;
	ep_unlock();
	return slot;
}

int epollfd_wait(int epfd, struct k_epoll_event *out, int maxevents, const struct b_timespec *timeout)
{
	if (maxevents <= 0)
		return -EINVAL;
	struct file *f = fd_get(epfd);
	if (!f)
		return -EBADF;
	int r = -EINVAL;
	if (is_epoll(f)) {
		struct ep_wait w = { f->priv, out, maxevents };
		struct thread *self = cur_thread();
		int slot = self ? waiter_slot(w.ep, NULL, self) : -1;
		r = poll_loop(ep_scan, &w, timeout);
		if (slot >= 0)
			waiter_slot(w.ep, self, NULL);
	}
	file_put(f);
	return r;
}
