/* signal.c — the guest's signals: dispositions, masks, pending sets and
 * interruptible waits. Delivery (building frames) is the shim's job; this
 * file decides what is pending and for whom. */
#include "kernel/kernel.h"

#define BIT(sig) (1ULL << ((sig) - 1))
#define UNBLOCKABLE (BIT(9) | BIT(19))

/* Signals whose default action is to ignore. */
static int default_ignored(int sig)
{
	return sig == 17 /* CHLD */ || sig == 18 /* CONT */ || sig == 23 /* URG */ ||
	       sig == 28 /* WINCH */;
}

int sig_action(int sig, const struct k_sigaction *act, struct k_sigaction *old)
{
	if (sig < 1 || sig > K_NSIG)
		return -EINVAL;
	if (act && (sig == 9 || sig == 19))
		return -EINVAL;
	struct process *p = kproc;
	spin_lock(&p->lock);
	if (old)
		*old = p->actions[sig];
	if (act) {
		p->actions[sig] = *act;
		p->actions[sig].mask &= ~UNBLOCKABLE;
	}
	spin_unlock(&p->lock);
	/* Setting SIG_IGN, or SIG_DFL where the default is to ignore,
	 * discards a pending instance, blocked or not (POSIX). */
	if (act && (act->handler == 1 || (act->handler == 0 && default_ignored(sig)))) {
		spin_lock(&p->lock);
		p->rt_queued[sig] = 0;
		__atomic_and_fetch(&p->pending, ~BIT(sig), __ATOMIC_SEQ_CST);
		for (struct thread *t = p->threads; t; t = t->next) {
			t->rt_queued[sig] = 0;
			__atomic_and_fetch(&t->pending, ~BIT(sig), __ATOMIC_SEQ_CST);
		}
		spin_unlock(&p->lock);
	}
	return 0;
}

void sig_exec_reset(void)
{
	struct process *p = kproc;
	spin_lock(&p->lock);
	for (int sig = 1; sig <= K_NSIG; sig++) {
		struct k_sigaction *a = &p->actions[sig];
		if (a->handler != 1)
			*a = (struct k_sigaction){ 0 };
		a->flags = 0;
		a->mask = 0;
	}
	spin_unlock(&p->lock);
}

int sig_procmask(int how, const uint64_t *set, uint64_t *old)
{
	struct thread *t = cur_thread();
	if (old)
		*old = t->sigmask;
	if (!set)
		return (how >= 0 && how <= 2) ? 0 : -EINVAL;
	switch (how) {
	case 0: t->sigmask |= *set; break;
	case 1: t->sigmask &= ~*set; break;
	case 2: t->sigmask = *set; break;
	default: return -EINVAL;
	}
	t->sigmask &= ~UNBLOCKABLE;
	return 0;
}

uint64_t sig_get_mask(void)
{
	return cur_thread()->sigmask;
}

void sig_set_mask(uint64_t mask)
{
	cur_thread()->sigmask = mask & ~UNBLOCKABLE;
}

void sig_note_async(int sig)
{
	struct thread *t = cur_thread();
	if (t && sig >= 1 && sig <= K_NSIG) {
		__atomic_or_fetch(&t->async, BIT(sig), __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&t->wake, 1, __ATOMIC_SEQ_CST);
	}
}

/* Queue the signals noted from host signal handlers, now that no lock
 * can be held by the interrupted code. */
static void absorb_async(struct thread *t)
{
	proc_absorb_signals();
	/* Load first: the exchange is a locked instruction, and this runs
	 * after every system call, nearly always with nothing noted. */
	if (!__atomic_load_n(&t->async, __ATOMIC_SEQ_CST))
		return;
	uint64_t set = __atomic_exchange_n(&t->async, 0, __ATOMIC_SEQ_CST);
	while (set) {
		int sig = __builtin_ctzll(set) + 1;
		set &= set - 1;
		struct b_siginfo info = { .signo = sig, .code = 0x80 /* SI_KERNEL */ };
		sig_queue_process(&info);
	}
}

uint64_t sig_pending(void)
{
	struct thread *t = cur_thread();
	absorb_async(t);
	return (__atomic_load_n(&t->pending, __ATOMIC_ACQUIRE) |
		__atomic_load_n(&kproc->pending, __ATOMIC_ACQUIRE));
}

static int is_ignored(int sig)
{
	struct k_sigaction *a = &kproc->actions[sig];
	return a->handler == 1 || (a->handler == 0 && default_ignored(sig));
}

/* Standard signals merge while pending; real-time ones (32 and up) queue
 * up to a limit. Queued instances keep the first one's details. */
static void add_pending(uint64_t *set, struct b_siginfo *infos, uint16_t *queued,
			const struct b_siginfo *info)
{
	int sig = info->signo;
	/* SIGCONT discards pending stops, a stop discards a pending SIGCONT. */
	if (sig == 18)
		__atomic_and_fetch(set, ~(BIT(19) | BIT(20) | BIT(21) | BIT(22)), __ATOMIC_SEQ_CST);
	else if (sig >= 19 && sig <= 22)
		__atomic_and_fetch(set, ~BIT(18), __ATOMIC_SEQ_CST);
	if (__atomic_load_n(set, __ATOMIC_ACQUIRE) & BIT(sig)) {
		if (sig >= 32 && queued[sig] < 1000)
			queued[sig]++;
		return;
	}
	infos[sig] = *info;
	__atomic_or_fetch(set, BIT(sig), __ATOMIC_SEQ_CST);
}

/* Take sig out of a pending set; a queued real-time instance stays. */
static void take_pending(uint64_t *set, uint16_t *queued, int sig)
{
	if (queued[sig]) {
		queued[sig]--;
		return;
	}
	__atomic_and_fetch(set, ~BIT(sig), __ATOMIC_SEQ_CST);
}

void sig_queue_thread(struct thread *t, const struct b_siginfo *info)
{
	int sig = info->signo;
	if (sig < 1 || sig > K_NSIG)
		return;
	/* A blocked signal stays pending even when ignored: it may be
	 * unblocked after the disposition changes. */
	if (is_ignored(sig) && !(t->sigmask & BIT(sig)))
		return;
	spin_lock(&t->proc->lock);
	add_pending(&t->pending, t->pending_info, t->rt_queued, info);
	spin_unlock(&t->proc->lock);
	thread_kick(t);
}

/* As on Linux, an ignored process-directed signal is dropped unless the
 * main thread blocks it: then it stays pending, for sigwaitinfo or a
 * signalfd, or to be delivered once unblocked after a sigaction. */
static int main_blocks(struct process *p, int sig)
{
	int r = 0;
	spin_lock(&p->lock);
	for (struct thread *t = p->threads; t; t = t->next)
		if (t->tid == p->pid)
			r = (t->sigmask & BIT(sig)) != 0;
	spin_unlock(&p->lock);
	return r;
}

void sig_queue_process(const struct b_siginfo *info)
{
	int sig = info->signo;
	struct process *p = kproc;
	if (sig < 1 || sig > K_NSIG)
		return;
	if (sig == 18) {
		/* SIGCONT discards pending stops even when it is itself
		 * ignored (its default): a stop taken in before it must not
		 * stop the process after it. */
		spin_lock(&p->lock);
		uint64_t stops = BIT(19) | BIT(20) | BIT(21) | BIT(22);
		__atomic_and_fetch(&p->pending, ~stops, __ATOMIC_SEQ_CST);
		for (struct thread *t = p->threads; t; t = t->next)
			__atomic_and_fetch(&t->pending, ~stops, __ATOMIC_SEQ_CST);
		spin_unlock(&p->lock);
	}
	if (is_ignored(sig) && !main_blocks(p, sig))
		return;
	spin_lock(&p->lock);
	add_pending(&p->pending, p->pending_info, p->rt_queued, info);
	spin_unlock(&p->lock);
	/* Wake a thread that can take it: the current one if it can. */
	struct thread *self = cur_thread(), *pick = NULL;
	if (self && !(self->sigmask & BIT(sig)))
		pick = self;
	spin_lock(&p->lock);
	for (struct thread *t = p->threads; t && !pick; t = t->next)
		if (!(t->sigmask & BIT(sig)))
			pick = t;
	spin_unlock(&p->lock);
	if (pick)
		thread_kick(pick);
}

/* Lowest-numbered first, but the synchronous fault signals before all. */
static int pick_signal(uint64_t set)
{
	static const int sync_first[] = { 11, 7, 4, 8, 5 };
	for (unsigned i = 0; i < sizeof(sync_first) / sizeof(sync_first[0]); i++)
		if (set & BIT(sync_first[i]))
			return sync_first[i];
	return set ? __builtin_ctzll(set) + 1 : 0;
}

int sig_dequeue(uint64_t mask, struct b_siginfo *info)
{
	struct thread *t = cur_thread();
	struct process *p = kproc;
	absorb_async(t);
	spin_lock(&p->lock);
	uint64_t tset = __atomic_load_n(&t->pending, __ATOMIC_ACQUIRE) & ~mask;
	int sig = pick_signal(tset);
	if (sig) {
		*info = t->pending_info[sig];
		take_pending(&t->pending, t->rt_queued, sig);
		spin_unlock(&p->lock);
		return sig;
	}
	uint64_t pset = __atomic_load_n(&p->pending, __ATOMIC_ACQUIRE) & ~mask;
	sig = pick_signal(pset);
	if (sig) {
		*info = p->pending_info[sig];
		take_pending(&p->pending, p->rt_queued, sig);
	}
	spin_unlock(&p->lock);
	return sig;
}

int sig_has_deliverable(void)
{
	struct thread *t = cur_thread();
	/* A thread told to leave must get out of any wait too. */
	if (__atomic_load_n(&t->doomed, __ATOMIC_ACQUIRE))
		return 1;
	return (sig_pending() & ~t->sigmask) != 0;
}

static int64_t now_ns(void)
{
	struct b_timespec ts;
	plat_clock_get(1, &ts);
	return ts.sec * 1000000000LL + ts.nsec;
}

int sig_wait_interruptible(const struct b_timespec *timeout)
{
	struct thread *t = cur_thread();
	int64_t deadline = timeout ? now_ns() + timeout->sec * 1000000000LL + timeout->nsec : 0;
	for (;;) {
		uint32_t seen = __atomic_load_n(&t->wake, __ATOMIC_ACQUIRE);
		if (sig_has_deliverable())
			return -EINTR;
		struct b_timespec left, *lp = NULL;
		if (timeout) {
			int64_t rem = deadline - now_ns();
			if (rem <= 0)
				return -ETIMEDOUT;
			left.sec = rem / 1000000000LL;
			left.nsec = rem % 1000000000LL;
			lp = &left;
		}
		plat_wait(&t->wake, seen, lp);
	}
}

int sig_kill(int pid, int sig, const struct b_siginfo *info)
{
	if (sig < 0 || sig > K_NSIG)
		return -EINVAL;
	struct process *p = kproc;
	if (pid != p->pid && pid != 0 && pid != -1 && pid != -p->pgid)
		return -ESRCH;
	if (sig)
		sig_queue_process(info);
	return 0;
}

int sig_tgkill(int tgid, int tid, int sig, const struct b_siginfo *info)
{
	struct process *p = kproc;
	if (sig < 0 || sig > K_NSIG || tid <= 0)
		return -EINVAL;
	if (tgid != -1 && tgid != p->pid)
		return -ESRCH;
	struct thread *target = NULL;
	spin_lock(&p->lock);
	for (struct thread *t = p->threads; t; t = t->next)
		if (t->tid == tid)
			target = t;
	spin_unlock(&p->lock);
	if (!target)
		return -ESRCH;
	if (sig)
		sig_queue_thread(target, info);
	return 0;
}

int sig_altstack(const struct k_stack *ss, struct k_stack *old, uintptr_t cur_sp)
{
	struct thread *t = cur_thread();
	struct k_stack *as = &t->altstack;
	int on = !(as->flags & 2) && cur_sp - as->sp < as->size;
	if (old) {
		*old = *as;
		old->flags = on ? 1 /* SS_ONSTACK */ : (as->flags & 2);
	}
	if (ss) {
		if (on)
			return -EPERM;
		if (ss->flags & ~(1 | 2 | (int)(1U << 31))) /* ONSTACK, DISABLE, AUTODISARM */
			return -EINVAL;
		if (ss->flags & 2) {
			as->sp = 0, as->size = 0, as->flags = 2;
			return 0;
		}
		if (ss->size < 2048)
			return -ENOMEM;
		*as = *ss;
		as->flags = 0;
	}
	return 0;
}

int kwait_shared(uint32_t *word, uint32_t val)
{
	/* A slice bounds the wait: a signal that lands just before the host
	 * wait starts is seen at the next check at the latest. */
	struct b_timespec slice = { 0, 50000000 };
	if (sig_has_deliverable())
		return -EINTR;
	/* Count ourselves before the host compares the word, so that a
	 * waker that sees no sleeper can skip the host call (as futex.c). */
	uint32_t *count = arena_waiters(word);
	__atomic_add_fetch(count, 1, __ATOMIC_SEQ_CST);
	plat_wait_shared(word, val, &slice);
	__atomic_sub_fetch(count, 1, __ATOMIC_SEQ_CST);
	return sig_has_deliverable() ? -EINTR : 0;
}

void kwake_shared(uint32_t *word)
{
	__atomic_add_fetch(word, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(arena_waiters(word), __ATOMIC_SEQ_CST))
		plat_wake_shared(word, 0x7fffffff);
	poll_notify();
}
