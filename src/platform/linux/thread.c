/* thread.c — host threads of the sandbox process and the way into guest
 * code. Each host thread owns one mapping: a guard page, the alternate
 * signal stack on which all of bento's work runs, a small start-up stack,
 * and its struct plat_cpu, which %gs points at. */
#include "platform/linux/host.h"
#include <bento/errno.h>
#include "lib/string.h"

#define GUARD (4096UL)
#define ALT_STACK (512UL * 1024)
#define START_STACK (32UL * 1024)
#define CPU_AREA (4096UL)
#define THREAD_AREA (GUARD + ALT_STACK + START_STACK + CPU_AREA)

/* Exited threads whose memory can be reused once the host clears
 * clear_tid (the host's CLONE_CHILD_CLEARTID says the stack is free). */
static struct plat_cpu *dead_list[256];
static int dead_count;
static volatile int dead_lock;

/* Areas of ended threads kept for the next ones: reusing one saves the
 * munmap, the mmap and the guard's mprotect, and the page faults of
 * touching a fresh alternate stack again (a thread that creates and
 * joins threads in a loop reuses the same area every time). */
#define KEEP_FREE 4
static struct plat_cpu *free_list[KEEP_FREE];
static int free_count;

/* Caller holds dead_lock. */
static void reap_dead_locked(void)
{
	for (int i = 0; i < dead_count;) {
		struct plat_cpu *c = dead_list[i];
		if (__atomic_load_n(&c->clear_tid, __ATOMIC_ACQUIRE) == 0) {
			dead_list[i] = dead_list[--dead_count];
			if (free_count < KEEP_FREE)
				free_list[free_count++] = c;
			else
				plat_mem_unmap((uintptr_t)c->stack_base, c->stack_size);
		} else {
			i++;
		}
	}
}

/* A free area of an ended thread, or 0. */
static uintptr_t reuse_area(void)
{
	while (__atomic_exchange_n(&dead_lock, 1, __ATOMIC_ACQUIRE))
		;
	reap_dead_locked();
	uintptr_t base = 0;
	if (free_count)
		base = (uintptr_t)free_list[--free_count]->stack_base;
	__atomic_store_n(&dead_lock, 0, __ATOMIC_RELEASE);
	return base;
}

/* Around a fork: a thread starting or ending in another thread must not
 * leave dead_lock held in the child, which lacks that thread. */
void thread_fork_lock(int take)
{
	if (take)
		while (__atomic_exchange_n(&dead_lock, 1, __ATOMIC_ACQUIRE))
			;
	else
		__atomic_store_n(&dead_lock, 0, __ATOMIC_RELEASE);
}

struct plat_cpu *cpu_create(void *kernel_thread)
{
	long base = (long)reuse_area();
	if (!base) {
		base = plat_mem_map(0, THREAD_AREA, 3, PLAT_MAP_PRIVATE | PLAT_MAP_ANONYMOUS, -1, 0);
		if (base < 0)
			return NULL;
		plat_mem_protect((uintptr_t)base, GUARD, 0);
	}
	struct plat_cpu *cpu = (struct plat_cpu *)(base + THREAD_AREA - CPU_AREA);
	memset(cpu, 0, sizeof(*cpu)); /* a reused area holds the old thread's */
	cpu->self = cpu;
	cpu->kernel_thread = kernel_thread;
	cpu->stack_base = (void *)base;
	cpu->stack_size = THREAD_AREA;
	cpu->in_bento = 1;
	cpu->clear_tid = -1;
	cpu->alt_top = (uintptr_t)base + GUARD + ALT_STACK;
	return cpu;
}

static void *alt_stack_of(struct plat_cpu *cpu)
{
	return (char *)cpu->stack_base + GUARD;
}

static void *start_stack_top(struct plat_cpu *cpu)
{
	return (char *)cpu->stack_base + GUARD + ALT_STACK + START_STACK;
}

/* Make cpu the calling thread's state: %gs and the alternate stack. */
void cpu_activate(struct plat_cpu *cpu)
{
	HOST2(__NR_arch_prctl, 0x1001 /* ARCH_SET_GS */, cpu);
	struct host_stack ss = { alt_stack_of(cpu), 0, ALT_STACK };
	HOST2(__NR_sigaltstack, &ss, NULL);
	cpu->host_tid = HOST0(__NR_gettid);
}

void *plat_self(void)
{
	/* One load (%gs:8) rather than cpu_current()'s two: this runs
	 * several times in every system call. */
	void *t;
	__asm__ volatile("mov %%gs:8, %0" : "=r"(t));
	return t;
}
_Static_assert(__builtin_offsetof(struct plat_cpu, kernel_thread) == 8, "plat_self");

void plat_set_self(void *kernel_thread)
{
	cpu_current()->kernel_thread = kernel_thread;
}

int id_shortcut = 1;

/* The trampolines answer getpid and gettid from these (rewrite.c). A new
 * host thread's block starts zeroed (unknown: asks the kernel); a fork's
 * child inherits its parent's copy until the kernel sets its own, before
 * the child runs guest code. */
void plat_set_ids(int pid, int tid)
{
	struct plat_cpu *cpu = cpu_current();
	cpu->guest_pid = id_shortcut ? pid : 0;
	cpu->guest_tid = id_shortcut ? tid : 0;
}

struct spawn_args {
	struct plat_cpu *cpu;
	void (*fn)(void *);
	void *arg;
};

static void thread_start(void *p)
{
	struct spawn_args *a = p;
	cpu_activate(a->cpu);
	/* Bento's own helper threads (no guest thread) take no signals, so
	 * host signals always land on a thread that can handle them. */
	if (!a->cpu->kernel_thread) {
		uint64_t all = ~0ULL;
		HOST4(__NR_rt_sigprocmask, 2 /* SIG_SETMASK */, &all, NULL, 8);
	}
	a->fn(a->arg);
	plat_thread_exit();
}

long plat_thread_spawn(void (*fn)(void *), void *arg, void *kernel_thread)
{
	struct plat_cpu *cpu = cpu_create(kernel_thread);
	if (!cpu)
		return -ENOMEM;
	/* The child pops fn and arg from its stack (hostcall.S). */
	uint64_t *sp = (uint64_t *)start_stack_top(cpu);
	struct spawn_args *a = (struct spawn_args *)(sp - 8);
	*a = (struct spawn_args){ cpu, fn, arg };
	sp = (uint64_t *)a - 2;
	sp[0] = (uint64_t)thread_start;
	sp[1] = (uint64_t)a;
	cpu->clear_tid = -1;
	unsigned long flags = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 |
			      0x200000 /* VM FS FILES SIGHAND THREAD SYSVSEM CHILD_CLEARTID */;
	long tid = host_clone_thread(flags, sp, &cpu->clear_tid);
	if (tid < 0)
		plat_mem_unmap((uintptr_t)cpu->stack_base, cpu->stack_size);
	return tid;
}

_Noreturn void plat_thread_exit(void)
{
	struct plat_cpu *cpu = cpu_current();
	while (__atomic_exchange_n(&dead_lock, 1, __ATOMIC_ACQUIRE))
		;
	if (dead_count < (int)(sizeof(dead_list) / sizeof(dead_list[0])))
		dead_list[dead_count++] = cpu;
	__atomic_store_n(&dead_lock, 0, __ATOMIC_RELEASE);
	/* No sigaltstack(SS_DISABLE): the host refuses it on the alternate
	 * stack, where a guest thread's exit runs, and the host thread's
	 * end drops it anyway. */
	for (;;)
		HOST1(__NR_exit, 0);
}

/* Enter the guest through rt_sigreturn: it loads every register, the
 * flags and the FPU state (reset, as fpstate is NULL) in one step. */
_Noreturn void plat_enter_guest(const struct cpu_regs *regs)
{
	struct frame {
		void *pretcode;
		struct host_ucontext uc;
		struct host_siginfo info;
	} __attribute__((aligned(16))) f;
	memset(&f, 0, sizeof(f));
	memcpy(f.uc.mc.gregs, regs, sizeof(f.uc.mc.gregs));
	f.uc.flags = 0x2 | 0x4; /* UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS */
	f.uc.mc.cs = 0x33;
	f.uc.mc.ss = 0x2b;
	struct plat_cpu *cpu = cpu_current();
	cpu->in_bento = 0;
	f.uc.stack = (struct host_stack){ alt_stack_of(cpu), 0, ALT_STACK };
	host_enter_frame(&f.uc);
}
