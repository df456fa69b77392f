/* lock.c — the slow halves of lock.h's spinlock: spinning a bounded time,
 * then sleeping through the platform's hooks. */
#include "lib/lock.h"

#include <stddef.h>

/* ~5 µs of pause at most before sleeping: longer than any critical
 * section that runs undisturbed, shorter than a host time slice. */
#define SPIN_ROUNDS 256

static struct spin_sleep_ops sleep_ops;

void spin_set_sleep(const struct spin_sleep_ops *ops)
{
	sleep_ops = *ops;
}

void spin_lock_slow(struct spinlock *l)
{
	for (int n = 0; n < SPIN_ROUNDS || !sleep_ops.wait; n++) {
		__asm__ volatile("pause");
		if (!l->locked && spin_trylock(l))
			return;
	}
	/* Mark the lock contended before each sleep; whoever takes it this
	 * way leaves it marked, so its unlock wakes the next sleeper. */
	while (__atomic_exchange_n(&l->locked, 2, __ATOMIC_ACQUIRE) != 0)
		sleep_ops.wait(&l->locked, 2);
}

void spin_unlock_wake(struct spinlock *l)
{
	if (sleep_ops.wake)
		sleep_ops.wake(&l->locked);
}
