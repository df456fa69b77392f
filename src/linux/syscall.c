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

void linux_syscall(struct cpu_regs *r)
{
	struct shim_thread *st = shim_self();
	struct cpu_regs *outer = st->regs;
	st->regs = r;
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
	/* rt_sigreturn and execve install a whole context themselves. */
	if (nr != __NR_rt_sigreturn && !(nr == __NR_execve && result == 0))
		r->rax = (uint64_t)result;
	if (trace_enabled)
		trace_call(nr, r, result);
	signals_deliver(r, (result == -EINTR && restartable) ? nr : -1);
	st->regs = outer;
}

long get_path(char *dst, long uptr)
{
	long r = copy_in_str(dst, (const char *)uptr, L_PATH_MAX);
	if (r == -ENAMETOOLONG)
		return -ENAMETOOLONG;
	return r < 0 ? r : 0;
}
