/* entry.h — how the platform enters the Linux shim. */
#ifndef LINUX_ENTRY_H
#define LINUX_ENTRY_H
#include <bento/platform.h>

/* Serve one guest system call. On entry r->rax holds the number and the
 * other registers the guest's; on return r holds the registers to resume
 * the guest with (result in rax, or a whole new context after execve,
 * rt_sigreturn or signal delivery). */
void linux_syscall(struct cpu_regs *r);

/* The same for a call entered through a rewritten site (fast path): r
 * has no FPU state. Returns 0 when the guest can simply continue with r,
 * or 1 when signals must be delivered: the caller then re-enters with a
 * trapping system call numbered LINUX_DELIVER_NR, and linux_syscall
 * finishes the call with the full context. The caller may do so after a
 * 0 too (a signal noted on its way out), until the next call. Returns 2,
 * having done nothing, for a number the fast path must not take
 * (linux_may_rewrite): the caller traps with it instead. */
#define LINUX_DELIVER_NR 0x0be70000L
int linux_syscall_fast(struct cpu_regs *r);
/* May a site making call nr be rewritten to the fast path? */
int linux_may_rewrite(long nr);
/* How many times execve replaced this process's image (a fork child
 * inherits the count with the image): per-image state of the platform
 * (the rewriter's trap counts) is stale once this moves on. */
extern unsigned long linux_images;

/* A host signal arrived for this thread. info->signo is the guest signal
 * (0 for a bare "look at your pending signals" kick). When at_guest is
 * true, r is the interrupted guest context and may be rewritten to run a
 * guest handler now; otherwise bento was interrupted and the signal is
 * only queued. */
void linux_signal_arrived(struct cpu_regs *r, const struct b_siginfo *info, int at_guest);
/* Signals were noted (linux_signal_arrived with at_guest false) after the
 * dispatcher last looked: deliver what is deliverable into r, the
 * context about to be resumed. */
void linux_signal_recheck(struct cpu_regs *r);

/* Settings of a sandbox, gathered by the platform from its command line. */
struct linux_start {
	int argc;            /* the guest's argv */
	char **argv;
	char **envp;
	const uint64_t *host_auxv; /* for AT_HWCAP, AT_SYSINFO_EHDR, ... */
	const char *cwd;
	int trace;
	int no_rewrite;
};

/* Load the guest program and run it; returns only on failure with the
 * sandbox's exit status (127 not found, 126 not executable). */
int linux_run(const struct linux_start *s);
#endif
