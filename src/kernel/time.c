/* time.c — clocks, sleeps and the real-time interval timer (alarm,
 * setitimer ITIMER_REAL), which a bento-internal host thread fires. */
#include "kernel/kernel.h"

#define NS 1000000000LL

/*
 * CPU-time clocks of a given thread or process have negative ids (Linux's
 * encoding: ~id << 3, bit 2 for a thread, low bits the kind). The id is
 * the sandbox's; the host's clock needs the host's, except for id 0,
 * which means the caller on both sides.
 */
static long thread_host_tid(int tid)
{
	long host = -EINVAL;
	spin_lock(&kproc->lock);
	for (struct thread *t = kproc->threads; t; t = t->next)
		if (t->tid == tid)
			host = t->host_tid;
	spin_unlock(&kproc->lock);
	return host;
}

/* The host's id for clock in *out: 0, or -EINVAL. */
static int host_clock(int clock, int *out)
{
	*out = clock;
	if (clock >= 0)
		return clock <= 11 ? 0 : -EINVAL;
	if ((clock & 7) == 7 || (clock & 3) == 3)
		return -EINVAL;
	int id = ~(clock >> 3);
	if (id == 0)
		return 0;
	long host;
	if (clock & 4)
		host = thread_host_tid(id);
	else
		host = id == kproc->pid ? 0 : proc_host_pid(id);
	if (host < 0)
		return -EINVAL;
	*out = (int)((~(unsigned long)host << 3) | (unsigned)(clock & 7));
	return 0;
}

int time_get(int clock, struct b_timespec *ts)
{
	int host, r = host_clock(clock, &host);
	return r < 0 ? r : plat_clock_get(host, ts);
}

int time_res(int clock, struct b_timespec *ts)
{
	int host, r = host_clock(clock, &host);
	return r < 0 ? r : plat_clock_res(host, ts);
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

int time_sleep(int clock, int flags, const struct b_timespec *t, struct b_timespec *rem)
{
	struct b_timespec now;
	if (t->nsec < 0 || t->nsec >= NS || t->sec < 0)
		return -EINVAL;
	if (clock != 0 && clock != 1 && clock != 7 && clock != 9 && clock != 8)
		return clock == 2 || clock == 3 ? -EOPNOTSUPP : -EINVAL;
	int r = plat_clock_get(clock, &now);
	if (r < 0)
		return r;
	int64_t deadline = (flags & 1) ? ts_ns(t) : ts_ns(&now) + ts_ns(t);
	for (;;) {
		plat_clock_get(clock, &now);
		int64_t left = deadline - ts_ns(&now);
		if (left <= 0)
			return 0;
		struct b_timespec lt = ns_ts(left);
		if (sig_wait_interruptible(&lt) == -EINTR) {
			if (rem && !(flags & 1)) {
				plat_clock_get(clock, &now);
				*rem = ns_ts(deadline - ts_ns(&now));
			}
			return -EINTR;
		}
	}
}

/* ---- ITIMER_REAL -------------------------------------------------------- */

static struct {
	struct spinlock lock;
	int64_t deadline;      /* monotonic ns, 0 = disarmed */
	int64_t interval;
	uint32_t changed;      /* futex word the timer thread sleeps on */
	int running;
} itimer = { SPINLOCK_INIT, 0, 0, 0, 0 };

static int64_t mono_ns(void)
{
	struct b_timespec t;
	plat_clock_get(1, &t);
	return ts_ns(&t);
}

static void timer_thread(void *arg)
{
	(void)arg;
	for (;;) {
		uint32_t seen = __atomic_load_n(&itimer.changed, __ATOMIC_ACQUIRE);
		spin_lock(&itimer.lock);
		int64_t dl = itimer.deadline, now = mono_ns();
		int fire = dl && dl <= now;
		if (fire)
			itimer.deadline = itimer.interval ? now + itimer.interval : 0;
		dl = itimer.deadline;
		spin_unlock(&itimer.lock);
		if (fire) {
			struct b_siginfo info = { .signo = 14, .code = 0x80 /* SI_KERNEL */ };
			sig_queue_process(&info);
			continue;
		}
		struct b_timespec wait = ns_ts(dl ? dl - now : 3600 * NS);
		plat_wait(&itimer.changed, seen, &wait);
	}
}

/* In a fork child: the timer thread is not there (it may even have held
 * the lock at the fork), and a child does not inherit the timer. */
void timer_fork_child(void)
{
	itimer.lock = (struct spinlock)SPINLOCK_INIT;
	itimer.deadline = itimer.interval = 0;
	itimer.running = 0;
}

static void us_to_pair(int64_t us, int64_t out[2])
{
	out[0] = us / 1000000;
	out[1] = us % 1000000;
}

/* Values: it_interval {sec, usec}, it_value {sec, usec}. */
int timer_getitimer(int which, int64_t cur[4])
{
	if (which < 0 || which > 2)
		return -EINVAL;
	if (which != 0) {
		cur[0] = cur[1] = cur[2] = cur[3] = 0;
		return 0;
	}
	spin_lock(&itimer.lock);
	int64_t left = itimer.deadline ? itimer.deadline - mono_ns() : 0;
	if (itimer.deadline && left <= 0)
		left = 1000;
	us_to_pair(itimer.interval / 1000, cur);
	us_to_pair((left + 999) / 1000, cur + 2);
	spin_unlock(&itimer.lock);
	return 0;
}

int timer_setitimer(int which, const int64_t newv[4], int64_t oldv[4])
{
	if (which < 0 || which > 2)
		return -EINVAL;
	if (which != 0)
		return -ENOSYS; /* ITIMER_VIRTUAL / PROF: not yet */
	for (int i = 0; i < 4; i += 2)
		if (newv[i] < 0 || newv[i + 1] < 0 || newv[i + 1] >= 1000000)
			return -EINVAL;
	if (oldv)
		timer_getitimer(which, oldv);
	int64_t value = (newv[2] * 1000000 + newv[3]) * 1000;
	int64_t interval = (newv[0] * 1000000 + newv[1]) * 1000;
	spin_lock(&itimer.lock);
	itimer.deadline = value ? mono_ns() + value : 0;
	itimer.interval = interval;
	int start = !itimer.running && value;
	if (start)
		itimer.running = 1;
	spin_unlock(&itimer.lock);
	if (start && plat_thread_spawn(timer_thread, NULL, NULL) < 0) {
		itimer.running = 0;
		return -EAGAIN;
	}
	__atomic_add_fetch(&itimer.changed, 1, __ATOMIC_SEQ_CST);
	plat_wake(&itimer.changed, 1);
	return 0;
}
