/* syscall.c — the dispatcher: the table of supported calls and the path
 * every guest system call takes through the shim. */
#include "linux/shim.h"
#include "linux/syscalls.h"

struct syscall_entry {
	const char *name;
	syscall_fn fn;
	const char *fmt;
	int restartable;
};

#define TABLE_ENTRY(name, fmt, restart) [__NR_##name] = { #name, sys_##name, fmt, restart },
static const struct syscall_entry table[] = { LINUX_SYSCALLS(TABLE_ENTRY) };
#define NTABLE ((long)(sizeof(table) / sizeof(table[0])))

int trace_enabled;

const char *syscall_name(long nr)
{
	return nr >= 0 && nr < NTABLE && table[nr].name ? table[nr].name : NULL;
}

const char *syscall_format(long nr)
{
	return nr >= 0 && nr < NTABLE && table[nr].fmt ? table[nr].fmt : "xxxxxx";
}

static struct shim_thread first_thread_state;

struct shim_thread *shim_self(void)
{
	void **slot = thread_shim_slot();
	if (!*slot)
		*slot = &first_thread_state;
	return *slot;
}

static long unknown_syscall(long nr)
{
	/* One line per call number, so a loop cannot flood the log. */
	static uint8_t logged[1024];
	if (nr < 0 || nr >= 1024 || !logged[nr]) {
		if (nr >= 0 && nr < 1024)
			logged[nr] = 1;
		klog("bento: unsupported system call %ld (%s) -> ENOSYS", nr,
		     syscall_name(nr) ? syscall_name(nr) : "unknown");
	}
	return -ENOSYS;
}

/* Run the handler of the call in r->rax and put its result in r->rax.
 * Returns the call's number when it failed with EINTR and may restart
 * under SA_RESTART, else -1. Inlined in both callers: after the host
 * calls a handler makes, every frame returned through costs a mispredicted
 * return (src/platform/linux/host.h). */
static inline __attribute__((always_inline)) long dispatch(struct cpu_regs *r)
{
	long nr = (long)r->rax;
	long result;
	int restartable = 0;
	if (nr >= 0 && nr < NTABLE && table[nr].fn) {
		restartable = table[nr].restartable;
		result = table[nr].fn((long)r->rdi, (long)r->rsi, (long)r->rdx, (long)r->r10,
				      (long)r->r8, (long)r->r9);
	} else {
		result = unknown_syscall(nr);
	}
	/* rt_sigreturn and a successful exec install a whole context. */
	int new_context = nr == __NR_rt_sigreturn ||
			  ((nr == __NR_execve || nr == __NR_execveat) && result == 0);
	if (!new_context)
		r->rax = (uint64_t)result;
	if (trace_enabled)
		trace_call(nr, r, result);
	return (result == -EINTR && restartable) ? nr : -1;
}

void linux_syscall(struct cpu_regs *r)
{
	struct shim_thread *st = shim_self();
	struct cpu_regs *outer = st->regs;
	st->regs = r;
	long restart;
	if ((long)r->rax == LINUX_DELIVER_NR && st->stash_valid) {
		/* A rewritten call finished on the fast path with signals to
		 * deliver: finish it here, where the whole context is known. */
		r->rax = st->stash_result;
		r->rip = st->stash_rip;
		restart = st->stash_restart;
		st->stash_valid = 0;
	} else {
		restart = dispatch(r);
	}
	if (thread_is_doomed())
		thread_die_now();
	signals_deliver(r, restart);
	st->regs = outer;
}

int linux_may_rewrite(long nr)
{
	/* Calls that replace the whole context or create a new one keep
	 * trapping: they need the complete saved state, FPU included. */
	switch (nr) {
	case __NR_rt_sigreturn: case __NR_clone: case __NR_fork: case __NR_vfork:
	case __NR_execve: case __NR_execveat: case __NR_clone3:
		return 0;
	default:
		return nr >= 0 && nr < NTABLE && table[nr].fn;
	}
}

int linux_syscall_fast(struct cpu_regs *r)
{
	if (!linux_may_rewrite((long)r->rax))
		return 2;
	struct shim_thread *st = shim_self();
	struct cpu_regs *outer = st->regs;
	st->regs = r;
	long restart = dispatch(r);
	st->regs = outer;
	/* The stash is kept even when nothing is to be delivered now: a
	 * signal noted on the way out sends fast_entry to the deliver trap. */
	st->stash_result = r->rax;
	st->stash_rip = r->rip;
	st->stash_restart = restart;
	st->stash_valid = 1;
	/* The quick check answers 1 for a doomed thread and for anything
	 * other threads, processes or host signals left to take in; the
	 * deliver trap (linux_syscall) then does the full work: takes it
	 * in, ends a doomed thread, delivers. Those come with a kick, so
	 * they are rare next to the calls that find nothing. */
	return restart >= 0 || sig_check_quick();
}

long get_path(char *dst, long uptr)
{
	long r = copy_in_str(dst, (const char *)uptr, L_PATH_MAX);
	if (r == -ENAMETOOLONG)
		return -ENAMETOOLONG;
	return r < 0 ? r : 0;
}
