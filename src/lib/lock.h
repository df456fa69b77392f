/* lock.h — a spinlock for short critical sections inside bento.
 * Bento's sections are a few hundred instructions at most, so a waiter
 * spins first (with pause) and needs no host call. Many locks live in
 * memory shared between the sandbox's processes, though, and the holder
 * may be a process the host preempted — often in favour of the very
 * waiter it was about to wake, on the same CPU. A waiter that has spun
 * SPIN_ROUNDS times therefore sleeps on the lock word (a futex through
 * the platform's hooks) until the holder's unlock wakes it.
 *
 * The word: 0 free, 1 held, 2 held and someone may sleep on it (the
 * unlock that sees 2 wakes one sleeper). Without hooks (unit tests, the
 * first steps of start-up) a waiter spins as long as it takes. */
#ifndef LIB_LOCK_H
#define LIB_LOCK_H

struct spinlock {
	volatile int locked;
};

#define SPINLOCK_INIT { 0 }

/* Sleep while *word == val (spurious returns allowed) / wake one sleeper
 * on word. Both must work for words in memory shared between processes. */
struct spin_sleep_ops {
	void (*wait)(volatile int *word, int val);
	void (*wake)(volatile int *word);
};

/* Install the platform's sleep and wake (once, before a second thread
 * or process exists). */
void spin_set_sleep(const struct spin_sleep_ops *ops);

void spin_lock_slow(struct spinlock *l);
void spin_unlock_wake(struct spinlock *l);

static inline int spin_trylock(struct spinlock *l)
{
	int free = 0;
	return __atomic_compare_exchange_n(&l->locked, &free, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_lock(struct spinlock *l)
{
	if (!spin_trylock(l))
		spin_lock_slow(l);
}

static inline void spin_unlock(struct spinlock *l)
{
	if (__atomic_exchange_n(&l->locked, 0, __ATOMIC_RELEASE) == 2)
		spin_unlock_wake(l);
}
#endif
