/* sys_signal.c — signal system calls. */
#include "linux/shim.h"

#define BIT(sig) (1ULL << ((sig) - 1))

/* Tell the process table which signals have handlers (for signals to
 * the sandbox's init). */
static void note_caught(void)
{
	uint64_t caught = 0;
	struct k_sigaction a;
	for (int sig = 1; sig <= 64; sig++)
		if (sig_action(sig, NULL, &a) == 0 && a.handler > 1)
			caught |= 1ULL << (sig - 1);
	proc_note_caught(caught);
}

SYSCALL(rt_sigaction)
{
	struct l_sigaction la;
	struct k_sigaction ka, old;
	if (a3 != 8)
		return -EINVAL;
	if (a1) {
		if (copy_in(&la, (void *)a1, sizeof(la)) < 0)
			return -EFAULT;
		ka = (struct k_sigaction){ la.handler, la.flags, la.restorer, la.mask };
	}
	int r = sig_action((int)a0, a1 ? &ka : NULL, &old);
	if (r == 0 && a1 && a0 == 17) { /* SIGCHLD ignored or SA_NOCLDWAIT: auto-reap */
		proc_set_nocldwait(ka.handler == 1 ? 1 : (ka.flags & 2) ? 2 : 0);
		proc_note_sigchld_flags(ka.flags & 1 /* SA_NOCLDSTOP */);
	}
	if (r == 0 && a1)
		note_caught();
	if (r == 0 && a2) {
		la = (struct l_sigaction){ old.handler, old.flags, old.restorer, old.mask };
		if (copy_out((void *)a2, &la, sizeof(la)) < 0)
			return -EFAULT;
	}
	return r;
}

SYSCALL(rt_sigprocmask)
{
	uint64_t set, old;
	if (a3 != 8)
		return -EINVAL;
	if (a1 && copy_in(&set, (void *)a1, 8) < 0)
		return -EFAULT;
	int r = sig_procmask((int)a0, a1 ? &set : NULL, &old);
	if (r == 0 && a2 && copy_out((void *)a2, &old, 8) < 0)
		return -EFAULT;
	return r;
}

SYSCALL(rt_sigpending)
{
	if (a1 > 8)
		return -EINVAL;
	uint64_t p = sig_pending() & sig_get_mask();
	return copy_out((void *)a0, &p, (size_t)a1) < 0 ? -EFAULT : 0;
}

static int get_timeout(long uptr, struct b_timespec *ts)
{
	struct l_timespec lt;
	if (copy_in(&lt, (void *)uptr, sizeof(lt)) < 0)
		return -EFAULT;
	if (lt.tv_nsec < 0 || lt.tv_nsec >= 1000000000 || lt.tv_sec < 0)
		return -EINVAL;
	ts->sec = lt.tv_sec, ts->nsec = lt.tv_nsec;
	return 0;
}

/* Wait for one of the signals in set: they are taken without running a
 * handler, so the wait temporarily unblocks only them. */
SYSCALL(rt_sigtimedwait)
{
	uint64_t set;
	struct b_timespec ts, *tp = NULL;
	if (a3 != 8)
		return -EINVAL;
	if (copy_in(&set, (void *)a0, 8) < 0)
		return -EFAULT;
	if (a2) {
		int r = get_timeout(a2, &ts);
		if (r < 0)
			return r;
		tp = &ts;
	}
	set &= ~(BIT(9) | BIT(19));
	uint64_t mask = sig_get_mask();
	struct b_siginfo info;
	int sig = sig_dequeue(~set, &info);
	if (!sig) {
		sig_set_mask(mask & ~set);
		int r = sig_wait_interruptible(tp);
		sig_set_mask(mask);
		sig = sig_dequeue(~set, &info);
		if (!sig)
			return r == -ETIMEDOUT ? -EAGAIN : -EINTR;
	}
	if (a1) {
		struct l_siginfo li;
		to_linux_siginfo(&li, &info);
		if (copy_out((void *)a1, &li, sizeof(li)) < 0)
			return -EFAULT;
	}
	return sig;
}

SYSCALL(rt_sigsuspend)
{
	uint64_t set;
	if (a1 != 8)
		return -EINVAL;
	if (copy_in(&set, (void *)a0, 8) < 0)
		return -EFAULT;
	struct shim_thread *st = shim_self();
	st->saved_mask = sig_get_mask();
	st->has_saved_mask = 1;
	sig_set_mask(set);
	while (sig_wait_interruptible(NULL) != -EINTR)
		;
	return -EINTR;
}

SYSCALL(pause)
{
	while (sig_wait_interruptible(NULL) != -EINTR)
		;
	return -EINTR;
}

SYSCALL(sigaltstack)
{
	struct l_stack ls;
	struct k_stack ks, old;
	if (a0) {
		if (copy_in(&ls, (void *)a0, sizeof(ls)) < 0)
			return -EFAULT;
		ks = (struct k_stack){ ls.ss_sp, ls.ss_flags, ls.ss_size };
	}
	int r = sig_altstack(a0 ? &ks : NULL, &old, cur_regs()->rsp);
	if (r == 0 && a1) {
		ls = (struct l_stack){ old.sp, old.flags, 0, old.size };
		if (copy_out((void *)a1, &ls, sizeof(ls)) < 0)
			return -EFAULT;
	}
	return r;
}

static struct b_siginfo user_info(int sig, int code)
{
	int ruid, euid, suid, rgid, egid, sgid;
	cred_get(&ruid, &euid, &suid, &rgid, &egid, &sgid);
	return (struct b_siginfo){ .signo = sig, .code = code, .pid = proc_getpid(), .uid = ruid };
}

SYSCALL(kill)
{
	struct b_siginfo info = user_info((int)a1, 0 /* SI_USER */);
	return proc_kill((int)a0, (int)a1, &info);
}

SYSCALL(tgkill)
{
	struct b_siginfo info = user_info((int)a2, -6 /* SI_TKILL */);
	/* Another process's main thread: its pid names it. Other threads of
	 * other processes are not reachable yet. */
	if ((int)a0 != proc_getpid() && (int)a0 == (int)a1 && (int)a0 > 0)
		return proc_kill((int)a0, (int)a2, &info);
	return sig_tgkill((int)a0, (int)a1, (int)a2, &info);
}

SYSCALL(tkill)
{
	struct b_siginfo info = user_info((int)a1, -6);
	return sig_tgkill(-1, (int)a0, (int)a1, &info);
}

SYSCALL(rt_sigqueueinfo)
{
	struct l_siginfo li;
	if (copy_in(&li, (void *)a2, sizeof(li)) < 0)
		return -EFAULT;
	if (li.si_code >= 0 || li.si_code == -6)
		return -EPERM;
	struct b_siginfo info = user_info((int)a1, li.si_code);
	info.addr = li.u.timer.value;
	return proc_kill((int)a0, (int)a1, &info);
}

static int get_itimer(long uptr, int64_t v[4])
{
	struct l_timeval tv[2];
	if (copy_in(tv, (void *)uptr, sizeof(tv)) < 0)
		return -EFAULT;
	v[0] = tv[0].tv_sec, v[1] = tv[0].tv_usec, v[2] = tv[1].tv_sec, v[3] = tv[1].tv_usec;
	return 0;
}

static int put_itimer(long uptr, const int64_t v[4])
{
	struct l_timeval tv[2] = { { v[0], v[1] }, { v[2], v[3] } };
	return copy_out((void *)uptr, tv, sizeof(tv)) < 0 ? -EFAULT : 0;
}

SYSCALL(setitimer)
{
	int64_t nv[4] = { 0 }, ov[4];
	if (a1 && get_itimer(a1, nv) < 0)
		return -EFAULT;
	int r = timer_setitimer((int)a0, nv, ov);
	if (r == 0 && a2)
		r = put_itimer(a2, ov);
	return r;
}

SYSCALL(getitimer)
{
	int64_t cur[4];
	int r = timer_getitimer((int)a0, cur);
	return r < 0 ? r : put_itimer(a1, cur);
}

SYSCALL(alarm)
{
	int64_t nv[4] = { 0, 0, (int64_t)(unsigned)a0, 0 }, ov[4];
	timer_setitimer(0, nv, ov);
	/* Remaining seconds, rounded up as alarm(2) says. */
	return ov[2] + (ov[3] ? 1 : 0);
}
