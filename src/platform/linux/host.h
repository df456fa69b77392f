/* host.h — internals of the Linux userland platform: raw host calls and
 * the host's structure layouts. Nothing outside src/platform/linux/
 * includes this. */
#ifndef PLATFORM_LINUX_HOST_H
#define PLATFORM_LINUX_HOST_H
#include <stdint.h>
#include <stddef.h>
#include <asm/unistd_64.h>
#include <bento/platform.h>

long host_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
long host_clone_thread(unsigned long flags, void *stack, int *ctid);
void host_sigreturn(void);
_Noreturn void host_enter_frame(void *frame_sp);

/*
 * A host system call. Its `syscall` instruction must lie in hostcall_text,
 * the only range the gate lets make host calls. Each call site gets its
 * own two-instruction stub there (`syscall; jmp back`) and enters it with
 * a direct jump, not a call: after a host call every return is
 * mispredicted (the host kernel's work leaves the return-stack buffer of
 * no use), ~5 ns a frame on this machine, and a call to host_syscall put
 * one more frame on every host call. host_syscall stays, in hostcall.S,
 * for the few callers that need a function.
 */
static inline __attribute__((always_inline)) long host_call(long nr, long a1, long a2, long a3,
							     long a4, long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;
	__asm__ volatile("jmp .Lhost_in%=\n\t"
			 ".pushsection hostcall_text, \"ax\", @progbits\n"
			 ".Lhost_in%=:\n\t"
			 "syscall\n\t"
			 "jmp .Lhost_out%=\n\t"
			 ".popsection\n"
			 ".Lhost_out%=:"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define HOST0(nr) host_call(nr, 0, 0, 0, 0, 0, 0)
#define HOST1(nr, a) host_call(nr, (long)(a), 0, 0, 0, 0, 0)
#define HOST2(nr, a, b) host_call(nr, (long)(a), (long)(b), 0, 0, 0, 0)
#define HOST3(nr, a, b, c) host_call(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define HOST4(nr, a, b, c, d) host_call(nr, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define HOST5(nr, a, b, c, d, e) \
	host_call(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define HOST6(nr, a, b, c, d, e, f) \
	host_call(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/* Linux x86-64 signal structures as the host kernel writes them. */
struct host_sigaction {
	void *handler;
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

struct host_stack {
	void *sp;
	int flags;
	size_t size;
};

struct host_sigcontext {
	uint64_t gregs[18]; /* r8 .. eflags, the order of struct cpu_regs */
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	void *fpstate;
	uint64_t reserved[8];
};

struct host_ucontext {
	uint64_t flags;
	struct host_ucontext *link;
	struct host_stack stack;
	struct host_sigcontext mc;
	uint64_t sigmask;
};

struct host_siginfo {
	int signo, errno_, code, pad;
	union {
		struct { int pid, uid; } kill;
		struct { void *addr; } fault;
		struct { void *call_addr; int syscall; unsigned arch; } sys;
		char bytes[112];
	} u;
};

_Static_assert(sizeof(struct host_sigcontext) == 256, "sigcontext layout");
_Static_assert(sizeof(struct host_siginfo) == 128, "siginfo layout");

/* Per host thread state of the platform, reached through %gs. */
struct plat_cpu {
	struct plat_cpu *self;      /* %gs:0 */
	void *kernel_thread;        /* plat_self() */
	long host_tid;
	int in_bento;               /* inside the SIGSYS handler */
	int clear_tid;              /* host zeroes this when the thread ends */
	void *stack_base;           /* bento stack + alt stack of this thread */
	size_t stack_size;
	uintptr_t alt_top;          /* top of the alternate stack (fast path) */
	int noted;                  /* a host signal was only noted in bento */
	int guest_pid;              /* plat_set_ids; 0: unknown (fast_entry */
	int guest_tid;              /*  then asks the kernel) */
};

/* fastpath.S reaches these fields through %gs. */
#define CPU_IN_BENTO 24
#define CPU_ALT_TOP 48
#define CPU_NOTED 56
#define CPU_GUEST_PID 60
#define CPU_GUEST_TID 64
_Static_assert(__builtin_offsetof(struct plat_cpu, guest_pid) == CPU_GUEST_PID, "guest_pid");
_Static_assert(__builtin_offsetof(struct plat_cpu, guest_tid) == CPU_GUEST_TID, "guest_tid");
_Static_assert(__builtin_offsetof(struct plat_cpu, noted) == CPU_NOTED, "noted");
_Static_assert(__builtin_offsetof(struct plat_cpu, in_bento) == CPU_IN_BENTO, "in_bento");
_Static_assert(__builtin_offsetof(struct plat_cpu, alt_top) == CPU_ALT_TOP, "alt_top");

/* rewrite.c: after a guest call nr trapped at pc (just after its syscall
 * instruction), move the instructions before it into a trampoline into
 * the fast path and jump there instead (when that can be proved safe). */
void rewrite_site(uintptr_t pc, long nr);
/* funcmap.c: bounds [*start, *end) of the guest function holding pc, from
 * the unwind tables of the ELF object mapped there; 0, or -1 if unknown. */
int func_bounds(uintptr_t pc, uintptr_t *start, uintptr_t *end);
/* Take (1) or release (0) the rewriter's lock around a fork. */
void rewrite_fork_lock(int take);
extern int rewrite_enabled;
/* 0 when fast_entry must not answer getpid and gettid itself (--trace:
 * every call is logged); set before the first guest instruction. */
extern int id_shortcut;

static inline struct plat_cpu *cpu_current(void)
{
	struct plat_cpu *c;
	__asm__("mov %%gs:0, %0" : "=r"(c));
	return c;
}

/* Host signal bento uses to interrupt one of its own threads. */
/* SIGSTKFLT: never raised by the x86 kernel, and a standard signal, so
 * repeated kicks merge instead of filling the host's real-time queue. */
#define KICK_SIGNAL 16

/* net.c: AF_INET/AF_INET6 allowed (--net loopback|host); set before
 * gate_install, which allows the same socket domains. */
extern int host_net_inet;

/* A sealed page of zeros (host.c): the only non-NULL path the gate lets
 * fchmodat2 and utimensat name, always "". NULL when the kernel cannot
 * seal memory; host_seal_empty_path() makes it, before the gate. */
extern const char *host_empty_path;
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452 /* Linux 6.6; newer than Debian 12's headers */
#endif
#ifndef __NR_mseal
#define __NR_mseal 462 /* Linux 6.10 */
#endif
void host_seal_empty_path(void);
/* gate.c */
int gate_install(void);
int gate_thread_init(struct plat_cpu *cpu);
/* thread.c */
struct plat_cpu *cpu_create(void *kernel_thread);
void cpu_activate(struct plat_cpu *cpu);
void thread_fork_lock(int take);
extern int plat_log_fd;
#endif
