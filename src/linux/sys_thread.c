/* sys_thread.c — threads, futexes and leaving: clone (threads), exit,
 * exit_group, futex, set_tid_address, robust lists. Processes (fork,
 * execve, wait) arrive with the process-tree work. */
#include "linux/shim.h"

#define CLONE_VM 0x100
#define CLONE_FS 0x200
#define CLONE_FILES 0x400
#define CLONE_SIGHAND 0x800
#define CLONE_PIDFD 0x1000
#define CLONE_VFORK 0x4000
#define CLONE_PARENT 0x8000
#define CLONE_THREAD 0x10000
#define CLONE_SYSVSEM 0x40000
#define CLONE_SETTLS 0x80000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_CHILD_CLEARTID 0x200000
#define CLONE_DETACHED 0x400000
#define CLONE_CHILD_SETTID 0x1000000

long clone_process(unsigned long flags, uintptr_t stack, long ptid, long ctid, uintptr_t tls);

struct thread_start {
	struct cpu_regs regs;
	uintptr_t tls;
	struct thread *t;
	struct shim_thread shim;
};

static void thread_begin(void *arg)
{
	struct thread_start *ts = arg;
	*thread_shim_slot() = &ts->shim;
	thread_set_tls(ts->tls);
	struct cpu_regs regs = ts->regs;
	/* ts stays allocated: it holds this thread's shim state. */
	guest_enter(&regs);
}

static long clone_thread(unsigned long flags, uintptr_t stack, long ptid, long ctid, uintptr_t tls)
{
	unsigned long need = CLONE_VM | CLONE_THREAD | CLONE_SIGHAND;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & need) != need)
		return clone_process(flags, stack, ptid, ctid, tls);
	struct thread_start *ts = kzalloc(sizeof(*ts));
	if (!ts)
		return -ENOMEM;
	struct thread *t = thread_create();
	if (!t) {
		kfree(ts);
		return -EAGAIN;
	}
	int tid = thread_tid(t);
	ts->regs = *cur_regs();
	ts->regs.rax = 0;
	ts->regs.fpstate = NULL;
	if (stack)
		ts->regs.rsp = stack;
	ts->tls = (flags & CLONE_SETTLS) ? tls : thread_get_tls();
	ts->t = t;
	if ((flags & CLONE_PARENT_SETTID) && copy_out((void *)ptid, &tid, 4) < 0)
		goto fault;
	if ((flags & CLONE_CHILD_SETTID) && copy_out((void *)ctid, &tid, 4) < 0)
		goto fault;
	if (flags & CLONE_CHILD_CLEARTID)
		thread_set_clear_tid(t, (uintptr_t)ctid);
	long r = thread_start(t, thread_begin, ts);
	if (r < 0) {
		thread_remove_record(t);
		kfree(ts);
		return -EAGAIN;
	}
	return tid;
fault:
	thread_remove_record(t);
	kfree(ts);
	return -EFAULT;
}

SYSCALL(clone)
{
	return clone_thread((unsigned long)a0, (uintptr_t)a1, a2, a3, (uintptr_t)a4);
}




/* clone3: the same operations described by struct clone_args. */
SYSCALL(clone3)
{
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
		uint64_t set_tid, set_tid_size, cgroup;
	} ca;
	if ((size_t)a1 < 64 || (size_t)a1 > 4096)
		return -EINVAL;
	memset(&ca, 0, sizeof(ca));
	if (copy_in(&ca, (void *)a0, (size_t)a1 < sizeof(ca) ? (size_t)a1 : sizeof(ca)) < 0)
		return -EFAULT;
	if (ca.set_tid_size || ca.exit_signal > 64 || (ca.flags & 0xff))
		return -EINVAL;
	if ((ca.flags & CLONE_PIDFD) && (ca.flags & CLONE_THREAD))
		return -EINVAL;
	if ((ca.stack == 0) != (ca.stack_size == 0))
		return -EINVAL;
	uintptr_t top = ca.stack ? ca.stack + ca.stack_size : 0;
	long pid = clone_thread((ca.flags & ~(uint64_t)CLONE_PIDFD) | ca.exit_signal, top,
				(long)ca.parent_tid, (long)ca.child_tid, ca.tls);
	if (pid > 0 && (ca.flags & CLONE_PIDFD)) {
		int fd = pidfd_create((int)pid, K_O_CLOEXEC);
		if (fd >= 0 && copy_out((void *)ca.pidfd, &fd, sizeof(fd)) < 0)
			return -EFAULT;
	}
	return pid;
}

SYSCALL(exit_group)
{
	proc_exit((int)(a0 & 0xff) << 8);
}

SYSCALL(exit)
{
	uintptr_t ctid = thread_clear_tid();
	/* The thread leaves the process's list before the clear_tid word
	 * wakes a joiner: once pthread_join returns, tgkill of this tid
	 * says ESRCH. */
	int left = thread_exit_current();
	if (ctid) {
		uint32_t zero = 0;
		if (copy_out((void *)ctid, &zero, 4) == 0)
			futex_wake_one((uint32_t *)ctid);
	}
	if (left == 0)
		proc_exit((int)(a0 & 0xff) << 8);
	thread_leave();
}

SYSCALL(set_tid_address)
{
	thread_set_clear_tid(thread_current(), (uintptr_t)a0);
	return thread_gettid();
}

SYSCALL(set_robust_list)
{
	return a1 == 24 ? 0 : -EINVAL;
}

SYSCALL(get_robust_list)
{
	return -ENOSYS;
}

SYSCALL(rseq)
{
	return -ENOSYS;
}

SYSCALL(futex)
{
	int op = (int)a1, cmd = op & 0x7f;
	struct b_timespec ts, *tp = NULL;
	int timed = cmd == 0 || cmd == 9 || cmd == 6 || cmd == 11 || cmd == 13;
	if (a3 && timed) {
		struct l_timespec lt;
		if (copy_in(&lt, (void *)a3, sizeof(lt)) < 0)
			return -EFAULT;
		if (lt.tv_sec < 0 || lt.tv_nsec < 0 || lt.tv_nsec >= 1000000000)
			return -EINVAL;
		ts = (struct b_timespec){ lt.tv_sec, lt.tv_nsec };
		tp = &ts;
	}
	if (cmd > 13)
		return -ENOSYS;
	return futex_op((uint32_t *)a0, op, (uint32_t)a2, tp, (uint32_t *)a4, (uint32_t)a5, (uintptr_t)a3);
}

