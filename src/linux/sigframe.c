/* sigframe.c — delivering guest signals: the Linux rt_sigframe built on
 * the guest's stack, rt_sigreturn, default actions, and host signals
 * turned into guest ones. */
#include "linux/shim.h"

#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define SA_SIGINFO 4
#define BIT(sig) (1ULL << ((sig) - 1))

static int default_is_ignore(int sig)
{
	return sig == 17 || sig == 18 || sig == 23 || sig == 28;
}

static int default_is_stop(int sig)
{
	return sig == 19 || sig == 20 || sig == 21 || sig == 22;
}

_Noreturn void exit_by_signal(int sig)
{
	/* The front end reports 128+N for a guest killed by signal N. */
	proc_exit(sig);
}

void to_linux_siginfo(struct l_siginfo *out, const struct b_siginfo *in)
{
	memset(out, 0, sizeof(*out));
	out->si_signo = in->signo;
	out->si_errno = in->errnum;
	out->si_code = in->code;
	if (in->signo == 11 || in->signo == 7 || in->signo == 4 || in->signo == 8 || in->signo == 5) {
		out->u.fault.addr = in->addr;
	} else if (in->signo == 17) {
		out->u.chld.pid = in->pid;
		out->u.chld.uid = (uint32_t)in->uid;
		out->u.chld.status = in->status;
	} else {
		out->u.kill.pid = in->pid;
		out->u.kill.uid = (uint32_t)in->uid;
		if (in->code == -1 || in->code == -2) /* SI_QUEUE, SI_TIMER carry a value */
			out->u.timer.value = in->addr;
	}
}

/* Build the frame and point the registers at the handler. Returns 0, or
 * -EFAULT when the guest stack cannot take the frame. */
static int setup_frame(struct cpu_regs *r, int sig, const struct k_sigaction *act,
		       const struct b_siginfo *info)
{
	struct k_stack as;
	sig_altstack(NULL, &as, r->rsp);
	uintptr_t sp = r->rsp;
	int on_alt = as.flags == 1;
	if ((act->flags & SA_ONSTACK) && !(as.flags & 2) && !on_alt)
		sp = as.sp + as.size;
	else
		sp -= 128; /* the red zone of the interrupted code */
	uintptr_t fp = 0;
	if (r->fpstate) {
		sp = (sp - r->fpstate_size) & ~(uintptr_t)63;
		fp = sp;
		if (copy_out((void *)fp, r->fpstate, r->fpstate_size) < 0)
			return -EFAULT;
		exec_reset_fpu(r);
	}
	sp = ((sp - sizeof(struct l_rt_sigframe)) & ~(uintptr_t)15) - 8;
	struct l_rt_sigframe f;
	memset(&f, 0, sizeof(f));
	f.pretcode = act->restorer;
	f.uc.uc_flags = fp ? 0x7 : 0x6; /* FP_XSTATE, SIGCONTEXT_SS, STRICT_RESTORE_SS */
	f.uc.uc_stack.ss_sp = as.sp;
	f.uc.uc_stack.ss_size = as.size;
	f.uc.uc_stack.ss_flags = as.flags & 2;
	memcpy(&f.uc.uc_mcontext, r, 18 * sizeof(uint64_t));
	f.uc.uc_mcontext.cs = 0x33;
	f.uc.uc_mcontext.ss = 0x2b;
	f.uc.uc_mcontext.trapno = (uint64_t)info->trapno;
	f.uc.uc_mcontext.cr2 = (sig == 11 || sig == 7) ? info->addr : 0;
	f.uc.uc_mcontext.fpstate = fp;
	struct shim_thread *st = shim_self();
	f.uc.uc_sigmask = st->has_saved_mask ? st->saved_mask : sig_get_mask();
	st->has_saved_mask = 0;
	to_linux_siginfo(&f.info, info);
	if (copy_out((void *)sp, &f, sizeof(f)) < 0)
		return -EFAULT;
	r->rip = act->handler;
	r->rsp = sp;
	r->rdi = (uint64_t)sig;
	r->rsi = sp + offsetof(struct l_rt_sigframe, info);
	r->rdx = sp + offsetof(struct l_rt_sigframe, uc);
	r->rax = 0;
	r->eflags &= ~(uint64_t)(0x400 | 0x100); /* DF, TF */
	return 0;
}

/* Deliver one signal; returns 1 when a handler now runs. */
static int deliver_one(struct cpu_regs *r, int sig, const struct b_siginfo *info, long restart_nr)
{
	struct k_sigaction act;
	sig_action(sig, NULL, &act);
	if (act.handler == 1)
		return 0;
	if (act.handler == 0) {
		if (default_is_stop(sig))
			proc_stop_self(sig);
		if (default_is_ignore(sig) || default_is_stop(sig))
			return 0;
		exit_by_signal(sig);
	}
	if (restart_nr >= 0) {
		if (act.flags & SA_RESTART) {
			r->rax = (uint64_t)restart_nr;
			r->rip -= 2;
		}
	}
	uint64_t mask = sig_get_mask();
	if (setup_frame(r, sig, &act, info) < 0)
		exit_by_signal(11);
	uint64_t add = act.mask | ((act.flags & SA_NODEFER) ? 0 : BIT(sig));
	sig_set_mask(mask | add);
	if (act.flags & SA_RESETHAND) {
		struct k_sigaction dfl = { 0 };
		sig_action(sig, &dfl, NULL);
	}
	return 1;
}

void finish_masked_wait(long result, uint64_t old_mask)
{
	if (result == -EINTR) {
		struct shim_thread *st = shim_self();
		st->saved_mask = old_mask;
		st->has_saved_mask = 1;
	} else {
		sig_procmask(2, &old_mask, NULL);
	}
}

void signals_deliver(struct cpu_regs *r, long restart_nr)
{
	struct shim_thread *st = shim_self();
	for (int rounds = 0; rounds < 64; rounds++) {
		struct b_siginfo info;
		int sig = sig_dequeue(sig_get_mask(), &info);
		if (!sig)
			break;
		if (deliver_one(r, sig, &info, restart_nr))
			return;
	}
	/* Nothing delivered: an interrupted restartable call starts again. */
	if (restart_nr >= 0) {
		r->rax = (uint64_t)restart_nr;
		r->rip -= 2;
	}
	if (st->has_saved_mask) {
		sig_set_mask(st->saved_mask);
		st->has_saved_mask = 0;
	}
}

/* A fault the guest cannot handle (blocked or ignored) kills it, as on
 * Linux. */
static void force_fault(const struct b_siginfo *info)
{
	int sig = info->signo;
	struct k_sigaction act;
	sig_action(sig, NULL, &act);
	if ((sig_get_mask() & BIT(sig)) || act.handler == 1 || act.handler == 0)
		exit_by_signal(sig);
}

void linux_signal_arrived(struct cpu_regs *r, const struct b_siginfo *info, int at_guest)
{
	int sig = info->signo;
	int is_fault = (sig == 11 || sig == 7 || sig == 4 || sig == 8 || sig == 5) && info->code > 0;
	if (!thread_current())
		return; /* bento's helper threads block all signals */
	/* The terminal sends Ctrl-C, Ctrl-\, Ctrl-Z and size changes to the
	 * host's foreground group, which holds every sandbox process; only
	 * the sandbox's foreground group takes them. */
	if (info->code == 0x80 && (sig == 2 || sig == 3 || sig == 20 || sig == 28) &&
	    !tty_in_foreground())
		return;
	if (at_guest && thread_is_doomed())
		thread_die_now(); /* another thread exec'd */
	if (!at_guest) {
		/* Bento was interrupted, maybe holding a lock: only note it. */
		if (sig)
			sig_note_async(sig);
		return;
	}
	if (is_fault) {
		force_fault(info);
		sig_queue_thread(thread_current(), info);
	} else if (sig) {
		sig_queue_process(info);
	}
	{
		struct shim_thread *st = shim_self();
		struct cpu_regs *outer = st->regs;
		st->regs = r;
		signals_deliver(r, -1);
		st->regs = outer;
	}
}

void linux_signal_recheck(struct cpu_regs *r)
{
	struct shim_thread *st = shim_self();
	struct cpu_regs *outer = st->regs;
	st->regs = r;
	if (thread_is_doomed())
		thread_die_now();
	signals_deliver(r, -1);
	st->regs = outer;
}

SYSCALL(rt_sigreturn)
{
	struct cpu_regs *r = cur_regs();
	struct l_ucontext uc;
	if (copy_in(&uc, (void *)r->rsp, sizeof(uc)) < 0)
		exit_by_signal(11);
	uint64_t keep_flags = r->eflags;
	void *fpstate = r->fpstate;
	uint32_t fpsize = r->fpstate_size;
	memcpy(r, &uc.uc_mcontext, 18 * sizeof(uint64_t));
	/* Only the flags a user may change (AC OF DF TF SF ZF AF PF CF RF). */
	uint64_t user_flags = 0x40000 | 0x800 | 0x400 | 0x100 | 0x80 | 0x40 | 0x10 | 0x4 | 0x1 | 0x10000;
	r->eflags = (keep_flags & ~user_flags) | (r->eflags & user_flags);
	if (uc.uc_mcontext.fpstate && fpstate) {
		uint32_t n = fpsize;
		char buf[4096];
		if (n > sizeof(buf))
			n = sizeof(buf);
		if (copy_in(buf, (void *)uc.uc_mcontext.fpstate, n) == 0)
			memcpy(fpstate, buf, n);
	}
	sig_set_mask(uc.uc_sigmask);
	struct k_stack ss = { uc.uc_stack.ss_sp, uc.uc_stack.ss_flags, uc.uc_stack.ss_size };
	sig_altstack(&ss, NULL, 0);
	return (long)r->rax;
}
