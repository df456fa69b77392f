/* futex.c — the guest's futexes. Waits and wakes are host futex
 * operations on the guest's own memory, with two things added: waits
 * are bounded slices that re-check for signals, and a wake on an address
 * nobody in this process waits on returns at once without the host.
 *
 * The waiter count is kept per hash bucket of the address (collisions
 * only cost an unneeded host wake). A waiter increments its bucket with a
 * full barrier before the host compares the futex word; a waker fences
 * after the guest's store and then reads the bucket. If it reads zero,
 * any waiter counted later compares after that store and does not sleep.
 * Requeue and PI operations move waiters in ways the counts cannot
 * follow, so once a process uses them every wake goes to the host. */
#include "kernel/kernel.h"

#define BUCKETS 4096
#define CMD_WAIT 0
#define CMD_WAKE 1
#define CMD_WAIT_BITSET 9
#define CMD_WAKE_BITSET 10
#define FLAG_PRIVATE 128
#define FLAG_REALTIME 256

static uint32_t waiters[BUCKETS];
static int untracked; /* requeue or PI seen: counts no longer tell */

static uint32_t *bucket(uint32_t *uaddr)
{
	uintptr_t a = (uintptr_t)uaddr >> 2;
	return &waiters[(a ^ (a >> 12)) % BUCKETS];
}

static int64_t to_ns(const struct b_timespec *t)
{
	return t->sec * 1000000000LL + t->nsec;
}

/* One wait of at most a slice; the caller's timeout (relative for WAIT,
 * absolute for WAIT_BITSET) is honoured across slices by the guest, which
 * sees a slice's end as a spurious wake-up (allowed by futex(2)) only
 * when it gave no timeout. */
static long wait_once(uint32_t *uaddr, int op, uint32_t val, const struct b_timespec *ts,
		      uint32_t val3)
{
	int cmd = op & 0x7f;
	struct b_timespec slice = { 0, 200000000 };
	const struct b_timespec *use = ts;
	if (!ts) {
		if (cmd == CMD_WAIT_BITSET) {
			struct b_timespec now;
			time_get((op & FLAG_REALTIME) ? 0 : 1, &now);
			int64_t end = to_ns(&now) + to_ns(&slice);
			slice = (struct b_timespec){ end / 1000000000LL, end % 1000000000LL };
		}
		use = &slice;
	}
	uint32_t *b = bucket(uaddr);
	__atomic_add_fetch(b, 1, __ATOMIC_SEQ_CST);
	long r = plat_futex(uaddr, op, val, use, NULL, val3);
	__atomic_sub_fetch(b, 1, __ATOMIC_SEQ_CST);
	if (!ts && r == -ETIMEDOUT)
		r = 0;
	return r;
}

long futex_op(uint32_t *uaddr, int op, uint32_t val, const struct b_timespec *ts, uint32_t *uaddr2,
	      uint32_t val3, uintptr_t val2)
{
	int cmd = op & 0x7f;
	int private = op & FLAG_PRIVATE;
	if (cmd == CMD_WAIT || cmd == CMD_WAIT_BITSET) {
		if (sig_has_deliverable())
			return -EINTR;
		long r = wait_once(uaddr, op, val, ts, val3);
		/* A kick that brings no signal for the guest (a reader of its
		 * /proc, a child's end) is a spurious wake-up, as futex(2)
		 * allows, not EINTR. */
		return r == -EINTR && !sig_has_deliverable() ? 0 : r;
	}
	if ((cmd == CMD_WAKE || cmd == CMD_WAKE_BITSET) && private && !untracked) {
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(bucket(uaddr), __ATOMIC_SEQ_CST) == 0) {
			/* Still check the address as the host would. */
			uint32_t probe;
			if (copy_in(&probe, uaddr, sizeof(probe)) < 0 || ((uintptr_t)uaddr & 3))
				return (uintptr_t)uaddr & 3 ? -EINVAL : -EFAULT;
			return 0;
		}
	}
	if (cmd != CMD_WAKE && cmd != CMD_WAKE_BITSET)
		untracked = 1;
	const void *arg4 = ts;
	if (cmd == 3 || cmd == 4 || cmd == 5 || cmd == 12) /* REQUEUE, CMP_REQUEUE, WAKE_OP, CMP_REQUEUE_PI */
		arg4 = (const void *)val2;
	return plat_futex(uaddr, op, val, arg4, uaddr2, val3);
}

void futex_wake_one(uint32_t *uaddr)
{
	plat_futex(uaddr, CMD_WAKE, 1, NULL, NULL, 0);
}
