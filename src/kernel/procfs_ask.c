/* procfs_ask.c — how /proc/<pid> of another process of the sandbox gets
 * what only that process knows (its descriptors, its memory map): a
 * request and an answer through the slot in its entry of the shared
 * process table (struct proc_ask). Only reads of /proc use it; no other
 * system call ever waits for another process here.
 *
 * The reader takes the slot's lock (one request at a time per target),
 * posts the request, kicks the target and waits at most ASK_WAIT_NS, in
 * short slices that also look for its own signals (one cuts the wait to
 * ASK_GRACE_NS; SIGKILL ends the reader at that look). The target answers at
 * its next signal check (proc_absorb_signals, also while stopped): it
 * generates the text, copies it into the arena and marks it done; it
 * never waits for the reader.
 *
 * state is seq << 3 | phase, and every change is a compare-and-swap of
 * the whole word, so nobody acting on an older request changes anything:
 *   IDLE -> REQ        reader (holding the lock) posts a request
 *   REQ -> BUSY        target starts answering
 *   BUSY -> DONE       target: the answer is in buf
 *   DONE -> IDLE       reader takes buf (and frees it)
 *   REQ -> IDLE        reader gives up before the target started
 *   BUSY -> ABANDONED  reader gives up while the target answers
 *   ABANDONED -> IDLE  target frees its answer itself
 * A reader that died holding the lock (its process is no longer alive)
 * loses it to the next reader, who first brings the slot back to IDLE. */
#include "kernel/procfs.h"

enum { ASK_IDLE, ASK_REQ, ASK_BUSY, ASK_DONE, ASK_ABANDONED };
#define PHASE PROC_ASK_PHASE
_Static_assert(ASK_REQ == PROC_ASK_REQ, "proc_absorb_pending reads the phase");
#define ASK_WAIT_NS 500000000LL   /* a reader waits at most this long */
#define ASK_GRACE_NS 20000000LL   /* ... or this long once it has a signal */
#define ASK_SLICE_NS 50000000LL   /* a slice of a wait */

static int64_t mono_ns(void)
{
	struct b_timespec ts;
	plat_clock_get(1 /* CLOCK_MONOTONIC */, &ts);
	return ts.sec * 1000000000LL + ts.nsec;
}

/* Move the slot's state from old to new; 1 when it was old. */
static int ask_cas(struct proc_ask *a, uint32_t old, uint32_t new)
{
	return __atomic_compare_exchange_n(&a->state, &old, new, 0, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}

static void ask_wake(uint32_t *word)
{
	plat_wake_shared(word, 0x7fffffff);
}

/* ---- the target ------------------------------------------------------------ */

/* The answer to what, copied into the arena (NUL-terminated); NULL when
 * memory is short. */
static char *answer_in_arena(int what, size_t *len)
{
	struct pbuf b = { NULL, 0, 0, 0 };
	proc_answer_text(what, &b);
	char *shared = b.err ? NULL : shm_alloc(b.len + 1);
	if (shared) {
		memcpy(shared, b.data ? b.data : "", b.len);
		shared[b.len] = 0;
		*len = b.len;
	}
	kfree(b.data);
	return shared;
}

void proc_ask_answer(void)
{
	struct proc_ask *a = proc_ask_own();
	uint32_t st = a ? __atomic_load_n(&a->state, __ATOMIC_ACQUIRE) : 0;
	if ((st & PHASE) != ASK_REQ)
		return;
	uint32_t seq = st & ~PHASE;
	/* Claiming it also keeps a nested signal check from answering. */
	if (!ask_cas(a, st, seq | ASK_BUSY))
		return;
	size_t len = 0;
	char *buf = answer_in_arena(a->what, &len);
	a->buf = buf;
	a->len = len;
	if (!ask_cas(a, seq | ASK_BUSY, seq | ASK_DONE)) {
		/* The reader gave up: nobody will take the answer. */
		a->buf = NULL;
		shm_free(buf);
		ask_cas(a, seq | ASK_ABANDONED, seq | ASK_IDLE);
	}
	ask_wake(&a->state);
}

/* ---- the reader ------------------------------------------------------------ */

/* Take the answer of request st (DONE, ours): the arena buffer, now the
 * caller's to free (NULL if the target had no memory for it). */
static char *ask_take(struct proc_ask *a, uint32_t st, size_t *len)
{
	char *buf = a->buf;
	*len = a->len;
	if (!ask_cas(a, st, (st & ~PHASE) | ASK_IDLE))
		return NULL;
	a->buf = NULL;
	ask_wake(&a->state);
	return buf;
}

/* How long a reader may still wait: until deadline, cut to ASK_GRACE_NS
 * from when a signal for it is first deliverable (the answer usually
 * comes within a millisecond; the signal is not held up for longer). */
struct ask_clock {
	int64_t deadline;
	int signalled;
};

/* Wait while *word == val, for at most slice ns and within c: 0 (the
 * caller looks again), or -1 once the time is up. */
static int ask_sleep(struct ask_clock *c, uint32_t *word, uint32_t val, int64_t slice)
{
	int64_t now = mono_ns();
	if (!c->signalled && sig_has_deliverable()) {
		c->signalled = 1;
		if (c->deadline > now + ASK_GRACE_NS)
			c->deadline = now + ASK_GRACE_NS;
	}
	if (now >= c->deadline)
		return -1;
	if (slice > c->deadline - now)
		slice = c->deadline - now;
	struct b_timespec ts = { slice / 1000000000LL, slice % 1000000000LL };
	plat_wait_shared(word, val, &ts);
	return 0;
}

void proc_ask_reset(struct proc_ask *a)
{
	uint32_t st = __atomic_load_n(&a->state, __ATOMIC_ACQUIRE);
	size_t len;
	if ((st & PHASE) == ASK_DONE)
		shm_free(ask_take(a, st, &len));
}

/* Take the slot's lock for this process within c: 0, or -1. A holder
 * whose process is gone (killed while asking) loses it. */
static int ask_lock(struct proc_ask *a, struct ask_clock *c)
{
	uint32_t me = (uint32_t)proc_getpid();
	for (;;) {
		uint32_t held = 0;
		if (__atomic_compare_exchange_n(&a->lock, &held, me, 0, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return 0;
		if (held != me && !proc_alive((int)held) &&
		    __atomic_compare_exchange_n(&a->lock, &held, me, 0, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return 0;
		if (ask_sleep(c, &a->lock, held, ASK_SLICE_NS) < 0)
			return -1;
	}
}

static void ask_unlock(struct proc_ask *a)
{
	uint32_t me = (uint32_t)proc_getpid();
	__atomic_compare_exchange_n(&a->lock, &me, 0, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	ask_wake(&a->lock);
}

/* With the lock held: bring the slot back to IDLE within c, clearing
 * what a reader that died left behind: 0, or -1. */
static int ask_settle(struct proc_ask *a, struct ask_clock *c)
{
	for (;;) {
		uint32_t st = __atomic_load_n(&a->state, __ATOMIC_ACQUIRE);
		size_t len;
		switch (st & PHASE) {
		case ASK_IDLE:
			return 0;
		case ASK_REQ:
			ask_cas(a, st, (st & ~PHASE) | ASK_IDLE);
			continue;
		case ASK_DONE:
			shm_free(ask_take(a, st, &len));
			continue;
		}
		/* BUSY or ABANDONED: the target is still answering. */
		if (ask_sleep(c, &a->state, st, ASK_SLICE_NS) < 0)
			return -1;
	}
}

/* Give up request seq (ours): withdraw it if the target has not started,
 * leave it to the target to free if it is answering, free a finished
 * answer. Each retry follows a step of the target: at most three. */
static void ask_abandon(struct proc_ask *a, uint32_t seq)
{
	for (;;) {
		uint32_t st = __atomic_load_n(&a->state, __ATOMIC_ACQUIRE);
		size_t len;
		if (st == (seq | ASK_REQ) && !ask_cas(a, st, seq | ASK_IDLE))
			continue;
		if (st == (seq | ASK_BUSY) && !ask_cas(a, st, seq | ASK_ABANDONED))
			continue;
		if (st == (seq | ASK_DONE))
			shm_free(ask_take(a, st, &len));
		return;
	}
}

/* Wait within c for the answer to request req of process pid, whose slot
 * is a. Until the target starts, it is kicked again after 1, 2, 4 ... 32
 * ms: a kick that lands just before it enters a host wait (past its last
 * look for requests) is lost. Returns the answer (the caller's to free),
 * or NULL having given up (the target gone, or the time up). */
static char *ask_wait(struct proc_ask *a, int pid, uint32_t req, struct ask_clock *c, size_t *len)
{
	uint32_t seq = req & ~PHASE;
	int64_t nap = 1000000;
	for (;;) {
		uint32_t st = __atomic_load_n(&a->state, __ATOMIC_ACQUIRE);
		if (st == (seq | ASK_DONE))
			return ask_take(a, st, len);
		if (proc_ask_slot(pid, st == req) != a ||
		    ask_sleep(c, &a->state, st, st == req ? nap : ASK_SLICE_NS) < 0)
			break;
		if (st == req && nap < 32000000)
			nap *= 2;
	}
	ask_abandon(a, seq);
	return NULL;
}

/* With the lock held and the slot idle: post what; the request's state
 * word, or 0 if the slot was not idle after all. */
static uint32_t ask_post(struct proc_ask *a, int what)
{
	uint32_t st = __atomic_load_n(&a->state, __ATOMIC_ACQUIRE);
	uint32_t req = (((st >> 3) + 1) << 3) | ASK_REQ;
	a->what = what;
	return (st & PHASE) == ASK_IDLE && ask_cas(a, st, req) ? req : 0;
}

int proc_ask(int pid, int what, struct pbuf *b)
{
	struct proc_ask *a = pid != proc_getpid() ? proc_ask_slot(pid, 0) : NULL;
	struct ask_clock c = { mono_ns() + ASK_WAIT_NS, 0 };
	if (!a || ask_lock(a, &c) < 0)
		return -ENOENT;
	char *answer = NULL;
	size_t len = 0;
	uint32_t req = ask_settle(a, &c) == 0 ? ask_post(a, what) : 0;
	if (req)
		answer = ask_wait(a, pid, req, &c, &len);
	ask_unlock(a);
	if (answer)
		pb_write(b, answer, len);
	shm_free(answer);
	return answer ? 0 : -ENOENT;
}
