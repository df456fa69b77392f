/* time.c — clocks, sleeps and the interval timers (alarm, setitimer),
 * which a bento-internal host thread fires. */
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

/* ---- interval timers ----------------------------------------------------
 *
 * ITIMER_REAL counts monotonic time; ITIMER_VIRTUAL and ITIMER_PROF count
 * the process's CPU time (the host's process CPU clock: user and system
 * time together, so VIRTUAL, which Linux counts in user time only, may
 * fire early by the system time spent). One bento-internal host thread
 * fires them all; for CPU time it sleeps the time left divided by the
 * CPUs, since all threads together can spend CPU time that fast. */

#define N_ITIMERS 3

static struct {
	struct spinlock lock;
	int64_t deadline[N_ITIMERS]; /* in the timer's clock, ns; 0 = disarmed */
	int64_t interval[N_ITIMERS];
	uint32_t changed;            /* futex word the timer thread sleeps on */
	int running;
} itimer = { .lock = SPINLOCK_INIT };

static const int itimer_signal[N_ITIMERS] = { 14 /* SIGALRM */, 26 /* SIGVTALRM */, 27 /* SIGPROF */ };

/* Now in timer which's clock, ns. */
static int64_t itimer_now(int which)
{
	struct b_timespec t;
	plat_clock_get(which == 0 ? 1 /* MONOTONIC */ : 2 /* PROCESS_CPUTIME_ID */, &t);
	return ts_ns(&t);
}

/* Wall time to sleep until timer which may be due, given left in its clock. */
static int64_t itimer_sleep_for(int which, int64_t left)
{
	if (which == 0)
		return left;
	int ncpu = cpu_count() > 0 ? cpu_count() : 1;
	int64_t wall = left / ncpu;
	return wall < 1000000 ? 1000000 : wall;
}

/* Fires what is due (caller holds the lock); returns a mask of the
 * timers fired and sets *sleep to the wall time until the next check. */
static int itimer_due(int64_t *sleep)
{
	int fired = 0;
	*sleep = 3600 * NS;
	for (int w = 0; w < N_ITIMERS; w++) {
		int64_t dl = itimer.deadline[w];
		if (!dl)
			continue;
		int64_t now = itimer_now(w);
		if (dl <= now) {
			fired |= 1 << w;
			itimer.deadline[w] = itimer.interval[w] ? now + itimer.interval[w] : 0;
			continue;
		}
		int64_t wait = itimer_sleep_for(w, dl - now);
		if (wait < *sleep)
			*sleep = wait;
	}
	return fired;
}

static void timer_thread(void *arg)
{
	(void)arg;
	for (;;) {
		uint32_t seen = __atomic_load_n(&itimer.changed, __ATOMIC_ACQUIRE);
		int64_t sleep;
		spin_lock(&itimer.lock);
		int fired = itimer_due(&sleep);
		spin_unlock(&itimer.lock);
		for (int w = 0; w < N_ITIMERS; w++) {
			if (fired & (1 << w)) {
				struct b_siginfo info = { .signo = itimer_signal[w], .code = 0x80 /* SI_KERNEL */ };
				sig_queue_process(&info);
			}
		}
		if (fired)
			continue;
		struct b_timespec wait = ns_ts(sleep);
		plat_wait(&itimer.changed, seen, &wait);
	}
}

/* In a fork child: the timer thread is not there (it may even have held
 * the lock at the fork), and a child does not inherit the timers. */
void timer_fork_child(void)
{
	itimer.lock = (struct spinlock)SPINLOCK_INIT;
	for (int w = 0; w < N_ITIMERS; w++)
		itimer.deadline[w] = itimer.interval[w] = 0;
	itimer.running = 0;
}

static void us_to_pair(int64_t us, int64_t out[2])
{
	out[0] = us / 1000000;
	out[1] = us % 1000000;
}

static void getitimer_locked(int which, int64_t cur[4])
{
	int64_t dl = itimer.deadline[which];
	int64_t left = dl ? dl - itimer_now(which) : 0;
	if (dl && left <= 0)
		left = 1000;
	us_to_pair(itimer.interval[which] / 1000, cur);
	us_to_pair((left + 999) / 1000, cur + 2);
}

/* Values: it_interval {sec, usec}, it_value {sec, usec}. */
int timer_getitimer(int which, int64_t cur[4])
{
	if (which < 0 || which >= N_ITIMERS)
		return -EINVAL;
	spin_lock(&itimer.lock);
	getitimer_locked(which, cur);
	spin_unlock(&itimer.lock);
	return 0;
}

int timer_setitimer(int which, const int64_t newv[4], int64_t oldv[4])
{
	if (which < 0 || which >= N_ITIMERS)
		return -EINVAL;
	for (int i = 0; i < 4; i += 2)
		if (newv[i] < 0 || newv[i + 1] < 0 || newv[i + 1] >= 1000000)
			return -EINVAL;
	int64_t value = (newv[2] * 1000000 + newv[3]) * 1000;
	int64_t interval = (newv[0] * 1000000 + newv[1]) * 1000;
	spin_lock(&itimer.lock);
	if (oldv)
		getitimer_locked(which, oldv);
	itimer.deadline[which] = value ? itimer_now(which) + value : 0;
	itimer.interval[which] = interval;
	int start = !itimer.running && value;
	if (start)
		itimer.running = 1;
	spin_unlock(&itimer.lock);
	if (start && plat_thread_spawn(timer_thread, NULL, NULL) < 0) {
		spin_lock(&itimer.lock);
		itimer.running = 0;
		itimer.deadline[which] = 0;
		spin_unlock(&itimer.lock);
		return -EAGAIN;
	}
	__atomic_add_fetch(&itimer.changed, 1, __ATOMIC_SEQ_CST);
	plat_wake(&itimer.changed, 1);
	return 0;
}
