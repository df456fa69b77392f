/* test_signal.c — dispositions, masks, pending sets and their order,
 * interruptible waits; sleeps and the interval timer. Time tests check
 * lower bounds only: a loaded machine may always be slower. */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "unit.h"

#define BIT(s) (1ULL << ((s) - 1))
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGBUS 7
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGWINCH 28
#define SIGRTMIN 34

/* A siginfo as sigqueue from pid 1 would send. */
#define SI(sig) (&(struct b_siginfo){ .signo = (sig), .code = -1, .pid = 1 })

static void drain(void)
{
	struct b_siginfo info;
	while (sig_dequeue(0, &info))
		;
}

/* Default dispositions, empty mask, nothing pending. */
static int reset(void **state)
{
	(void)state;
	struct k_sigaction dfl = { 0 };
	for (int s = 1; s <= K_NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			sig_action(s, &dfl, NULL);
	sig_set_mask(0);
	drain();
	return 0;
}

static int64_t mono_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void test_sigaction(void **state)
{
	(void)state;
	struct k_sigaction act = { .handler = 0x401000, .flags = 0x04000000, .restorer = 0x402000,
				   .mask = BIT(SIGINT) | BIT(SIGKILL) | BIT(SIGSTOP) },
			   old;
	assert_ok(sig_action(SIGUSR1, &act, &old));
	assert_int_equal(old.handler, 0);
	assert_ok(sig_action(SIGUSR1, NULL, &old));
	assert_int_equal(old.handler, 0x401000);
	assert_int_equal(old.flags, 0x04000000);
	assert_int_equal(old.restorer, 0x402000);
	assert_int_equal(old.mask, BIT(SIGINT)); /* KILL and STOP cannot be masked */
	assert_err(sig_action(0, &act, NULL), EINVAL);
	assert_err(sig_action(K_NSIG + 1, &act, NULL), EINVAL);
	assert_err(sig_action(-3, NULL, &old), EINVAL);
	assert_err(sig_action(SIGKILL, &act, NULL), EINVAL);
	assert_err(sig_action(SIGSTOP, &act, NULL), EINVAL);
	assert_ok(sig_action(SIGKILL, NULL, &old)); /* reading is fine */
	assert_ok(sig_action(K_NSIG, &act, NULL));
}

static void test_procmask(void **state)
{
	(void)state;
	uint64_t set = BIT(SIGINT) | BIT(SIGTERM), old;
	assert_ok(sig_procmask(0, &set, &old));
	assert_int_equal(old, 0);
	assert_int_equal(sig_get_mask(), set);
	uint64_t more = BIT(SIGUSR1);
	assert_ok(sig_procmask(0, &more, NULL));
	assert_int_equal(sig_get_mask(), set | more);
	assert_ok(sig_procmask(1, &set, &old));
	assert_int_equal(old, set | more);
	assert_int_equal(sig_get_mask(), more);
	uint64_t all = ~0ULL;
	assert_ok(sig_procmask(2, &all, NULL));
	assert_int_equal(sig_get_mask(), ~0ULL & ~BIT(SIGKILL) & ~BIT(SIGSTOP));
	assert_err(sig_procmask(3, &set, NULL), EINVAL);
	sig_set_mask(~0ULL);
	assert_int_equal(sig_get_mask() & (BIT(SIGKILL) | BIT(SIGSTOP)), 0);
}

/* Fault signals first, then the lowest number. */
static void test_dequeue_order(void **state)
{
	(void)state;
	struct b_siginfo info;
	sig_queue_process(&(struct b_siginfo){ .signo = SIGUSR2, .pid = 7 });
	sig_queue_process(&(struct b_siginfo){ .signo = SIGHUP });
	sig_queue_thread(thread_current(), &(struct b_siginfo){ .signo = SIGTERM });
	sig_queue_thread(thread_current(), &(struct b_siginfo){ .signo = SIGSEGV, .addr = 0xdead });
	sig_queue_process(&(struct b_siginfo){ .signo = SIGINT });
	assert_int_equal(sig_pending(), BIT(SIGUSR2) | BIT(SIGHUP) | BIT(SIGTERM) | BIT(SIGSEGV) | BIT(SIGINT));
	assert_true(sig_has_deliverable());
	assert_int_equal(sig_dequeue(0, &info), SIGSEGV);
	assert_int_equal(info.addr, 0xdead);
	/* Thread-directed before process-directed. */
	assert_int_equal(sig_dequeue(0, &info), SIGTERM);
	assert_int_equal(sig_dequeue(0, &info), SIGHUP);
	assert_int_equal(sig_dequeue(0, &info), SIGINT);
	assert_int_equal(sig_dequeue(0, &info), SIGUSR2);
	assert_int_equal(info.pid, 7);
	assert_int_equal(sig_dequeue(0, &info), 0);
	assert_int_equal(sig_pending(), 0);
	assert_false(sig_has_deliverable());
}

/* Standard signals merge; real-time ones queue. */
static void test_merge_and_rt_queue(void **state)
{
	(void)state;
	struct b_siginfo info;
	sig_queue_process(&(struct b_siginfo){ .signo = SIGUSR1, .pid = 1 });
	sig_queue_process(&(struct b_siginfo){ .signo = SIGUSR1, .pid = 2 });
	assert_int_equal(sig_dequeue(0, &info), SIGUSR1);
	assert_int_equal(info.pid, 1);
	assert_int_equal(sig_dequeue(0, &info), 0);
	for (int i = 0; i < 3; i++)
		sig_queue_process(&(struct b_siginfo){ .signo = SIGRTMIN, .pid = 10 + i });
	for (int i = 0; i < 3; i++)
		assert_int_equal(sig_dequeue(0, &info), SIGRTMIN);
	assert_int_equal(sig_dequeue(0, &info), 0);
}

/* Blocked signals stay pending; the mask argument of sig_dequeue too. */
static void test_blocked_stay_pending(void **state)
{
	(void)state;
	struct b_siginfo info;
	sig_set_mask(BIT(SIGUSR1));
	sig_queue_process(&(struct b_siginfo){ .signo = SIGUSR1 });
	assert_true(sig_pending() & BIT(SIGUSR1));
	assert_false(sig_has_deliverable());
	assert_int_equal(sig_dequeue(sig_get_mask(), &info), 0);
	sig_queue_process(&(struct b_siginfo){ .signo = SIGUSR2 });
	assert_true(sig_has_deliverable());
	assert_int_equal(sig_dequeue(sig_get_mask(), &info), SIGUSR2);
	sig_set_mask(0);
	assert_true(sig_has_deliverable());
	assert_int_equal(sig_dequeue(sig_get_mask(), &info), SIGUSR1);
}

/* SIGKILL cannot be blocked: it is deliverable whatever the mask. */
static void test_sigkill_unblockable(void **state)
{
	(void)state;
	uint64_t all = ~0ULL;
	assert_ok(sig_procmask(2, &all, NULL));
	sig_queue_process(&(struct b_siginfo){ .signo = SIGKILL });
	sig_queue_process(&(struct b_siginfo){ .signo = SIGTERM });
	assert_true(sig_has_deliverable());
	struct b_siginfo info;
	assert_int_equal(sig_dequeue(sig_get_mask(), &info), SIGKILL);
	assert_int_equal(sig_dequeue(sig_get_mask(), &info), 0);
	assert_true(sig_pending() & BIT(SIGTERM));
}

/* Ignored signals (SIG_IGN, or default-ignore like SIGCHLD) are dropped
 * when sent, unless blocked: then they stay pending (for sigwait). */
static void test_ignored_dropped(void **state)
{
	(void)state;
	struct k_sigaction ign = { .handler = 1 };
	assert_ok(sig_action(SIGUSR1, &ign, NULL));
	sig_queue_process(SI(SIGUSR1));
	sig_queue_thread(thread_current(), SI(SIGUSR1));
	sig_queue_process(SI(SIGCHLD));
	sig_queue_process(SI(SIGWINCH));
	sig_queue_thread(thread_current(), SI(SIGCONT));
	assert_int_equal(sig_pending(), 0);
	/* Not ignored any more: kept. */
	struct k_sigaction handler = { .handler = 0x401000 };
	assert_ok(sig_action(SIGCHLD, &handler, NULL));
	sig_queue_process(SI(SIGCHLD));
	assert_int_equal(sig_pending(), BIT(SIGCHLD));
}

static void test_ignored_but_blocked_kept(void **state)
{
	(void)state;
	sig_set_mask(BIT(SIGCHLD) | BIT(SIGUSR2));
	struct k_sigaction ign = { .handler = 1 };
	assert_ok(sig_action(SIGUSR2, &ign, NULL));
	sig_queue_thread(thread_current(), SI(SIGUSR2));
	assert_true(sig_pending() & BIT(SIGUSR2));
	/* Process-directed too: a program blocks SIGCHLD and collects it
	 * with sigwaitinfo or a signalfd. */
	sig_queue_process(SI(SIGCHLD));
	assert_true(sig_pending() & BIT(SIGCHLD));
	struct b_siginfo info;
	assert_int_equal(sig_dequeue(0, &info), SIGUSR2); /* the thread's first */
	assert_int_equal(sig_dequeue(0, &info), SIGCHLD);
}

/* Setting SIG_IGN discards what is pending, blocked or not. */
static void test_ignore_discards_pending(void **state)
{
	(void)state;
	sig_set_mask(BIT(SIGUSR1) | BIT(SIGCHLD));
	sig_queue_process(SI(SIGUSR1));
	sig_queue_thread(thread_current(), SI(SIGUSR1));
	assert_true(sig_pending() & BIT(SIGUSR1));
	struct k_sigaction ign = { .handler = 1 };
	assert_ok(sig_action(SIGUSR1, &ign, NULL));
	assert_false(sig_pending() & BIT(SIGUSR1));
	/* So does SIG_DFL for a signal whose default is to ignore. */
	struct k_sigaction h = { .handler = 0x401000 }, dfl = { 0 };
	assert_ok(sig_action(SIGCHLD, &h, NULL));
	sig_queue_process(SI(SIGCHLD));
	assert_true(sig_pending() & BIT(SIGCHLD));
	assert_ok(sig_action(SIGCHLD, &dfl, NULL));
	assert_false(sig_pending() & BIT(SIGCHLD));
}

static void test_kill_tgkill(void **state)
{
	(void)state;
	assert_ok(sig_kill(1, 0, SI(0)));
	assert_err(sig_kill(2, SIGTERM, SI(SIGTERM)), ESRCH);
	assert_err(sig_kill(1, K_NSIG + 1, SI(K_NSIG + 1)), EINVAL);
	assert_err(sig_kill(1, -1, SI(-1)), EINVAL);
	assert_int_equal(sig_pending(), 0);
	assert_ok(sig_kill(1, SIGTERM, SI(SIGTERM)));
	assert_ok(sig_kill(0, SIGUSR1, SI(SIGUSR1)));
	assert_ok(sig_kill(-1, SIGUSR2, SI(SIGUSR2)));
	assert_int_equal(sig_pending(), BIT(SIGTERM) | BIT(SIGUSR1) | BIT(SIGUSR2));
	drain();
	assert_ok(sig_tgkill(1, 1, SIGHUP, SI(SIGHUP)));
	assert_ok(sig_tgkill(-1, 1, SIGINT, SI(SIGINT)));
	assert_err(sig_tgkill(2, 1, SIGHUP, SI(SIGHUP)), ESRCH);
	assert_err(sig_tgkill(1, 999, SIGHUP, SI(SIGHUP)), ESRCH);
	assert_err(sig_tgkill(1, 0, SIGHUP, SI(SIGHUP)), EINVAL);
	assert_ok(sig_tgkill(1, 1, 0, SI(0)));
	assert_int_equal(thread_current()->pending, BIT(SIGHUP) | BIT(SIGINT));
}

static void test_altstack(void **state)
{
	(void)state;
	struct k_stack ss = { 0x10000, 0, 8192 }, old;
	assert_ok(sig_altstack(NULL, &old, 0x999999));
	assert_int_equal(old.flags, 2); /* SS_DISABLE */
	assert_ok(sig_altstack(&ss, NULL, 0x999999));
	assert_ok(sig_altstack(NULL, &old, 0x999999));
	assert_int_equal(old.sp, 0x10000);
	assert_int_equal(old.size, 8192);
	assert_int_equal(old.flags, 0);
	/* On the alternate stack: reported, and it cannot be changed. */
	assert_ok(sig_altstack(NULL, &old, 0x10100));
	assert_int_equal(old.flags, 1);
	assert_err(sig_altstack(&ss, NULL, 0x10100), EPERM);
	struct k_stack small = { 0x20000, 0, 1024 };
	assert_err(sig_altstack(&small, NULL, 0x999999), ENOMEM);
	struct k_stack badflags = { 0x20000, 4, 8192 };
	assert_err(sig_altstack(&badflags, NULL, 0x999999), EINVAL);
	/* SS_ONSTACK as an input flag is accepted as 0 (Linux compat). */
	struct k_stack onstack = { 0x30000, 1, 8192 };
	assert_ok(sig_altstack(&onstack, NULL, 0x999999));
	struct k_stack off = { 0, 2, 0 };
	assert_ok(sig_altstack(&off, NULL, 0x999999));
	assert_ok(sig_altstack(NULL, &old, 0x999999));
	assert_int_equal(old.flags, 2);
}

/* ---- waiting -------------------------------------------------------------- */

static void test_wait_timeout(void **state)
{
	(void)state;
	struct b_timespec t = { 0, 30000000 };
	int64_t start = mono_ns();
	assert_err(sig_wait_interruptible(&t), ETIMEDOUT);
	assert_true(mono_ns() - start >= 30000000);
	/* A deliverable signal ends the wait at once; a blocked one not. */
	sig_queue_process(SI(SIGUSR1));
	assert_err(sig_wait_interruptible(&t), EINTR);
	drain();
	sig_set_mask(BIT(SIGUSR1));
	sig_queue_process(SI(SIGUSR1));
	assert_err(sig_wait_interruptible(&t), ETIMEDOUT);
}

static void *send_later(void *arg)
{
	int directed = *(int *)arg;
	unit_thread_enter();
	/* The sender blocks the signal, so only the waiter can take it. */
	sig_set_mask(BIT(SIGUSR2));
	struct timespec ts = { 0, 40000000 };
	nanosleep(&ts, NULL);
	if (directed)
		sig_tgkill(1, 1, SIGUSR2, SI(SIGUSR2));
	else
		sig_kill(1, SIGUSR2, SI(SIGUSR2));
	unit_thread_leave();
	return NULL;
}

/* Another thread's signal wakes a waiter with no timeout. */
static void test_wait_woken_by_other_thread(void **state)
{
	(void)state;
	for (int directed = 0; directed < 2; directed++) {
		pthread_t th;
		pthread_create(&th, NULL, send_later, &directed);
		assert_err(sig_wait_interruptible(NULL), EINTR);
		pthread_join(th, NULL);
		drain();
	}
}

/* ---- time ------------------------------------------------------------------ */

static void test_time_get(void **state)
{
	(void)state;
	struct b_timespec a, b, res;
	assert_ok(time_get(1, &a));
	assert_ok(time_get(1, &b));
	assert_true(b.sec > a.sec || (b.sec == a.sec && b.nsec >= a.nsec));
	assert_true(a.nsec >= 0 && a.nsec < 1000000000);
	assert_ok(time_get(0, &a));
	assert_true(a.sec > 1600000000); /* after 2020 */
	assert_ok(time_res(1, &res));
	assert_true(res.sec == 0 && res.nsec > 0);
	assert_err(time_get(-1, &a), EINVAL);
	assert_err(time_get(12, &a), EINVAL);
	assert_err(time_res(99, &a), EINVAL);
}

static void test_sleep(void **state)
{
	(void)state;
	struct b_timespec t = { 0, 50000000 }, rem = { 9, 9 };
	int64_t start = mono_ns();
	assert_ok(time_sleep(1, 0, &t, &rem));
	assert_true(mono_ns() - start >= 50000000);
	/* Absolute: until a moment 40 ms ahead. */
	struct b_timespec now, until;
	time_get(1, &now);
	int64_t target = now.sec * 1000000000LL + now.nsec + 40000000;
	until.sec = target / 1000000000LL, until.nsec = target % 1000000000LL;
	assert_ok(time_sleep(1, 1, &until, NULL));
	assert_true(mono_ns() >= target);
	/* In the past: returns at once. */
	assert_ok(time_sleep(1, 1, &now, NULL));
	struct b_timespec zero = { 0, 0 };
	assert_ok(time_sleep(0, 0, &zero, NULL));
	struct b_timespec bad = { 0, 1000000000 };
	assert_err(time_sleep(1, 0, &bad, NULL), EINVAL);
	bad = (struct b_timespec){ -1, 0 };
	assert_err(time_sleep(1, 0, &bad, NULL), EINVAL);
	assert_err(time_sleep(42, 0, &t, NULL), EINVAL);
}

/* A signal interrupts a sleep, which reports the time left. */
static void test_sleep_interrupted(void **state)
{
	(void)state;
	int directed = 1;
	pthread_t th;
	pthread_create(&th, NULL, send_later, &directed);
	struct b_timespec t = { 60, 0 }, rem = { 0, 0 };
	int64_t start = mono_ns();
	assert_err(time_sleep(1, 0, &t, &rem), EINTR);
	int64_t slept = mono_ns() - start;
	pthread_join(th, NULL);
	/* What is left is at most the request, at least the request less
	 * the time we measured around the call. */
	int64_t left = rem.sec * 1000000000LL + rem.nsec;
	assert_true(left > 0 && left <= 60000000000LL);
	assert_true(left >= 60000000000LL - slept);
	drain();
}

static void test_itimer(void **state)
{
	(void)state;
	int64_t cur[4];
	assert_ok(timer_getitimer(0, cur));
	assert_int_equal(cur[2] | cur[3], 0);
	int64_t v[4] = { 0, 0, 0, 60000 }; /* 60 ms, one shot */
	int64_t start = mono_ns();
	assert_ok(timer_setitimer(0, v, NULL));
	assert_ok(timer_getitimer(0, cur));
	assert_true(cur[2] == 0 && cur[3] <= 60000); /* (0 if it already fired) */
	struct b_timespec limit = { 600, 0 };
	assert_err(sig_wait_interruptible(&limit), EINTR);
	assert_true(mono_ns() - start >= 60000000);
	struct b_siginfo info;
	assert_int_equal(sig_dequeue(0, &info), SIGALRM);
	assert_ok(timer_getitimer(0, cur));
	assert_int_equal(cur[2] | cur[3], 0);
	/* Invalid values; disarming returns the old one. */
	int64_t bad[4] = { 0, 0, 0, 1000000 };
	assert_err(timer_setitimer(0, bad, NULL), EINVAL);
	assert_err(timer_setitimer(3, v, NULL), EINVAL);
	int64_t longv[4] = { 0, 0, 100, 0 }, zero[4] = { 0 }, old[4];
	assert_ok(timer_setitimer(0, longv, NULL));
	assert_ok(timer_setitimer(0, zero, old));
	assert_true(old[2] <= 100 && (old[2] > 0 || old[3] > 0)); /* still armed */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sigaction, reset, reset),
		cmocka_unit_test_setup_teardown(test_procmask, reset, reset),
		cmocka_unit_test_setup_teardown(test_dequeue_order, reset, reset),
		cmocka_unit_test_setup_teardown(test_merge_and_rt_queue, reset, reset),
		cmocka_unit_test_setup_teardown(test_blocked_stay_pending, reset, reset),
		cmocka_unit_test_setup_teardown(test_sigkill_unblockable, reset, reset),
		cmocka_unit_test_setup_teardown(test_ignored_dropped, reset, reset),
		cmocka_unit_test_setup_teardown(test_ignored_but_blocked_kept, reset, reset),
		cmocka_unit_test_setup_teardown(test_ignore_discards_pending, reset, reset),
		cmocka_unit_test_setup_teardown(test_kill_tgkill, reset, reset),
		cmocka_unit_test_setup_teardown(test_altstack, reset, reset),
		cmocka_unit_test_setup_teardown(test_wait_timeout, reset, reset),
		cmocka_unit_test_setup_teardown(test_wait_woken_by_other_thread, reset, reset),
		cmocka_unit_test_setup_teardown(test_time_get, reset, reset),
		cmocka_unit_test_setup_teardown(test_sleep, reset, reset),
		cmocka_unit_test_setup_teardown(test_sleep_interrupted, reset, reset),
		cmocka_unit_test_setup_teardown(test_itimer, reset, reset),
	};
	return cmocka_run_group_tests_name("signal", tests, unit_group_setup, NULL);
}
