/* lock.h — a spinlock for short critical sections inside bento.
 * Bento's sections are a few hundred instructions at most, so spinning
 * (with pause) beats a sleeping lock and needs no host call. */
#ifndef LIB_LOCK_H
#define LIB_LOCK_H

struct spinlock {
	volatile int locked;
};

#define SPINLOCK_INIT { 0 }

static inline void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (l->locked)
			__asm__ volatile("pause");
}

static inline int spin_trylock(struct spinlock *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}
#endif
