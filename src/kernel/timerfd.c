/* timerfd.c — timerfd: a timer whose expirations are read as a count.
 * Nothing fires in the background: expirations are computed from the
 * clock whenever the timer is read, polled or queried. A blocked reader
 * sleeps until the next expiry (or a settime, which wakes it).
 *
 * The state lives in the shared arena, so a forked child shares the timer
 * with its parent as on Linux. */
#include "kernel/kernel.h"

#define NS 1000000000LL

struct timerfd {
	struct spinlock lock;
	int clock;
	int armed;
	int64_t deadline;   /* next expiry on clock, ns (when armed) */
	int64_t interval;   /* ns; 0 = one-shot */
	uint64_t ticks;     /* expirations not yet read */
	uint32_t changed;   /* futex word: bumped by settime */
	uint32_t refs;      /* open files (of every process) sharing it */
};

static struct timerfd *timerfd_of(struct file *f)
{
	return f->priv;
}

static int64_t ts_ns(const struct b_timespec *t)
{
	return t->sec * NS + t->nsec;
}

static struct b_timespec ns_ts(int64_t ns)
{
	if (ns < 0)
		ns = 0;
	return (struct b_timespec){ ns / NS, ns % NS };
}

static int64_t clock_ns(int clock)
{
	struct b_timespec t;
	plat_clock_get(clock, &t);
	return ts_ns(&t);
}

/* Count the expirations up to now (under the lock). */
static void advance(struct timerfd *t, int64_t now)
{
	if (!t->armed || now < t->deadline)
		return;
	if (t->interval) {
		int64_t k = 1 + (now - t->deadline) / t->interval;
		t->ticks += (uint64_t)k;
		t->deadline += k * t->interval;
	} else {
		t->ticks++;
		t->armed = 0;
	}
}

/* Sleep until ns have passed, a settime or a signal: -EINTR for the last. */
static int nap(struct timerfd *t, uint32_t seen, int64_t ns)
{
	if (sig_has_deliverable())
		return -EINTR;
	if (ns > 50000000LL) /* a slice bounds a missed signal */
		ns = 50000000LL;
	struct b_timespec ts = ns_ts(ns);
	plat_wait_shared(&t->changed, seen, &ts);
	return sig_has_deliverable() ? -EINTR : 0;
}

static long timerfd_read(struct file *f, void *ubuf, size_t n, int64_t *pos)
{
	(void)pos;
	struct timerfd *t = timerfd_of(f);
	if (n < 8)
		return -EINVAL;
	for (;;) {
		uint32_t seen = __atomic_load_n(&t->changed, __ATOMIC_ACQUIRE);
		spin_lock(&t->lock);
		advance(t, clock_ns(t->clock));
		if (t->ticks) {
			uint64_t v = t->ticks;
			int r = copy_out(ubuf, &v, 8);
			if (r == 0)
				t->ticks = 0;
			spin_unlock(&t->lock);
			return r < 0 ? r : 8;
		}
		int64_t wait = t->armed ? t->deadline - clock_ns(t->clock) : 3600 * NS;
		spin_unlock(&t->lock);
		if (f->flags & K_O_NONBLOCK)
			return -EAGAIN;
		if (nap(t, seen, wait) == -EINTR)
			return -EINTR;
	}
}

static short timerfd_poll(struct file *f, short events)
{
	struct timerfd *t = timerfd_of(f);
	spin_lock(&t->lock);
	advance(t, clock_ns(t->clock));
	short rev = t->ticks ? 1 : 0; /* POLLIN */
	spin_unlock(&t->lock);
	return rev & events;
}

static void timerfd_release(struct file *f)
{
	struct timerfd *t = timerfd_of(f);
	if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) == 0)
		shm_free(t);
}

/* Before a fork (delta 1) or after a failed one (-1), in the parent. */
static void timerfd_forked(struct file *f, int delta)
{
	__atomic_add_fetch(&timerfd_of(f)->refs, (uint32_t)delta, __ATOMIC_RELAXED);
}

static const struct file_ops timerfd_ops = {
	.read = timerfd_read,
	.stat = anon_inode_stat,
	.seek = anon_inode_seek,
	.poll = timerfd_poll,
	.release = timerfd_release,
	.forked = timerfd_forked,
	.stream = 1,
	.arena_priv = 1,
};

/* 0 realtime, 1 monotonic, 7 boottime; the alarm clocks (8, 9) count as
 * their plain ones, since nothing here suspends. */
int timerfd_open(int clock, int flags)
{
	if (flags & ~(K_O_NONBLOCK | K_O_CLOEXEC))
		return -EINVAL;
	if (clock == 8)
		clock = 0;
	else if (clock == 9)
		clock = 7;
	else if (clock != 0 && clock != 1 && clock != 7)
		return -EINVAL;
	struct timerfd *t = shm_zalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->clock = clock;
	t->refs = 1;
	struct file *f = file_alloc(&timerfd_ops, K_O_RDWR | (flags & K_O_NONBLOCK), "anon_inode:[timerfd]");
	if (!f) {
		shm_free(t);
		return -ENOMEM;
	}
	f->priv = t;
	int fd = fd_install(f, !!(flags & K_O_CLOEXEC));
	if (fd < 0)
		file_put(f);
	return fd;
}

/* The current setting as {interval, time to the next expiry} (under the
 * lock); an expired one-shot timer reads as disarmed. */
static void current(struct timerfd *t, struct b_timespec cur[2])
{
	int64_t now = clock_ns(t->clock);
	advance(t, now);
	cur[0] = ns_ts(t->interval);
	cur[1] = ns_ts(t->armed ? t->deadline - now : 0);
}

static struct file *get_timerfd(int fd, int *err)
{
	struct file *f = fd_get(fd);
	*err = f ? 0 : -EBADF;
	if (f && f->ops != &timerfd_ops) {
		file_put(f);
		f = NULL;
		*err = -EINVAL;
	}
	return f;
}

static int valid_ts(const struct b_timespec *t)
{
	return t->sec >= 0 && t->nsec >= 0 && t->nsec < NS;
}

int timerfd_set(int fd, int flags, const struct b_timespec newv[2], struct b_timespec old[2])
{
	if (flags & ~(K_TFD_TIMER_ABSTIME | K_TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	if (!valid_ts(&newv[0]) || !valid_ts(&newv[1]))
		return -EINVAL;
	int err;
	struct file *f = get_timerfd(fd, &err);
	if (!f)
		return err;
	struct timerfd *t = timerfd_of(f);
	int64_t value = ts_ns(&newv[1]);
	spin_lock(&t->lock);
	if (old)
		current(t, old);
	t->ticks = 0;
	t->interval = ts_ns(&newv[0]);
	t->armed = value != 0;
	t->deadline = (flags & K_TFD_TIMER_ABSTIME) ? value : clock_ns(t->clock) + value;
	spin_unlock(&t->lock);
	kwake_shared(&t->changed);
	file_put(f);
	return 0;
}

int timerfd_get(int fd, struct b_timespec cur[2])
{
	int err;
	struct file *f = get_timerfd(fd, &err);
	if (!f)
		return err;
	struct timerfd *t = timerfd_of(f);
	spin_lock(&t->lock);
	current(t, cur);
	spin_unlock(&t->lock);
	file_put(f);
	return 0;
}
