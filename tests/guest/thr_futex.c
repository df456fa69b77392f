// thr_futex: raw futex(2): FUTEX_WAIT with a wrong value (EAGAIN), relative
// and FUTEX_WAIT_BITSET absolute timeouts (ETIMEDOUT, MONOTONIC and
// REALTIME), WAKE with and without waiters, CMP_REQUEUE (count and value
// check), REQUEUE, WAKE_OP, private futexes, and EINVAL/EFAULT/ENOSYS.
// Waiters are counted deterministically by requeueing them one futex on.
#include "guest.h"
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long futex(void *uaddr, int op, uint32_t val, const void *ts_or_val2, void *uaddr2, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts_or_val2, uaddr2, val3);
}

static uint32_t f1, f2, f3, f4;
static volatile int woken;

static void *waiter(void *arg)
{
	uint32_t *f = arg;
	while (futex(f, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0) < 0 && errno == EINTR)
		;
	__atomic_fetch_add(&woken, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

// Moves every waiter of *from onto *to until `n` have been seen; returns once
// all n threads are known to be blocked in FUTEX_WAIT (now on *to).
static void gather(uint32_t *from, uint32_t *to, int n)
{
	int moved = 0;
	while (moved < n) {
		long r = futex(from, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void *)(long)INT_MAX, to, *from);
		if (r > 0)
			moved += r;
		else
			usleep(1000);
	}
}

static double mono(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void)
{
	uint32_t word = 5;
	say("FUTEX_WAIT wrong value", futex(&word, FUTEX_WAIT, 4, NULL, NULL, 0));
	struct timespec rel = { 0, 20000000 };
	double t0 = mono();
	say("FUTEX_WAIT relative 20ms", futex(&word, FUTEX_WAIT_PRIVATE, 5, &rel, NULL, 0));
	printf("waited >= 20ms: %s\n", YN(mono() - t0 >= 0.020));

	struct timespec abs;
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 30000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	t0 = mono();
	say("FUTEX_WAIT_BITSET absolute MONOTONIC +30ms", futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 5, &abs, NULL, FUTEX_BITSET_MATCH_ANY));
	printf("waited >= 30ms: %s, clock past deadline: %s\n", YN(mono() - t0 >= 0.030),
	       YN(mono() >= abs.tv_sec + abs.tv_nsec / 1e9));
	struct timespec rabs;
	clock_gettime(CLOCK_REALTIME, &rabs);
	rabs.tv_nsec += 20000000;
	if (rabs.tv_nsec >= 1000000000) {
		rabs.tv_sec++;
		rabs.tv_nsec -= 1000000000;
	}
	say("FUTEX_WAIT_BITSET absolute REALTIME +20ms",
	    futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 5, &rabs, NULL, FUTEX_BITSET_MATCH_ANY));
	struct timespec past = { 1, 0 };
	say("FUTEX_WAIT_BITSET deadline in the past", futex(&word, FUTEX_WAIT_BITSET, 5, &past, NULL, FUTEX_BITSET_MATCH_ANY));
	say("FUTEX_WAIT_BITSET bitset 0", futex(&word, FUTEX_WAIT_BITSET, 5, &past, NULL, 0));
	printf("FUTEX_WAKE with no waiters: %ld\n", futex(&word, FUTEX_WAKE, 1, NULL, NULL, 0));

	pthread_t t[3];
	pthread_create(&t[0], NULL, waiter, &f1);
	gather(&f1, &f2, 1);
	printf("one waiter blocked; FUTEX_WAKE wakes: %ld\n", futex(&f2, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
	pthread_join(t[0], NULL);
	printf("woken: %d\n", woken);

	woken = 0;
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, waiter, &f1);
	gather(&f1, &f2, 3);
	say("CMP_REQUEUE with wrong value", futex(&f2, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)(long)INT_MAX, &f3, 77));
	printf("CMP_REQUEUE wake 1, requeue rest: %ld\n", futex(&f2, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)(long)INT_MAX, &f3, 0));
	while (woken < 1)
		usleep(1000);
	printf("REQUEUE wake 0, move 1 of 2 to f4: %ld\n", futex(&f3, FUTEX_REQUEUE_PRIVATE, 0, (void *)1L, &f4, 0));
	printf("wake f3: %ld, wake f4: %ld\n", futex(&f3, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0),
	       futex(&f4, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	printf("all 3 woken: %d\n", woken);

	woken = 0;
	f1 = f2 = f3 = 0;
	pthread_create(&t[0], NULL, waiter, &f1);
	gather(&f1, &f3, 1);
	uint32_t none = 0;
	long r = futex(&none, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &f3, FUTEX_OP(FUTEX_OP_SET, 9, FUTEX_OP_CMP_EQ, 0));
	printf("WAKE_OP set f3=9 and wake its waiter since old==0: %ld, f3=%u\n", r, f3);
	pthread_join(t[0], NULL);
	r = futex(&none, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &f3, FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0));
	printf("WAKE_OP add 1, old 9 != 0 so no wake: %ld, f3=%u\n", r, f3);

	say("FUTEX_WAIT unaligned", futex((char *)&word + 1, FUTEX_WAIT, 5, &rel, NULL, 0));
	say("FUTEX_WAIT NULL", futex(NULL, FUTEX_WAIT, 0, &rel, NULL, 0));
	say("FUTEX_WAIT bad timeout", futex(&word, FUTEX_WAIT, 5, &(struct timespec){ 0, 2000000000 }, NULL, 0));
	say("unknown futex op", futex(&word, 99, 0, NULL, NULL, 0));
	return 0;
}
