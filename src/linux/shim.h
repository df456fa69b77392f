/* shim.h — internals of the Linux x86-64 ABI shim. */
#ifndef LINUX_SHIM_H
#define LINUX_SHIM_H
#include <bento/north.h>
#include <bento/platform.h>
#include <asm/unistd_64.h>
#include "linux/abi.h"
#include "linux/entry.h"
#include "lib/string.h"
#include "lib/alloc.h"

#define UNUSED __attribute__((unused))
/* Every handler takes the six argument registers. */
#define SYSCALL(name)                                                                  \
	long sys_##name(long a0 UNUSED, long a1 UNUSED, long a2 UNUSED, long a3 UNUSED, \
			long a4 UNUSED, long a5 UNUSED)
typedef long (*syscall_fn)(long, long, long, long, long, long);

/* The shim's per-thread state. */
struct shim_thread {
	struct cpu_regs *regs;   /* the registers of the call being served */
	uint64_t saved_mask;     /* sigsuspend: mask to restore after delivery */
	int has_saved_mask;
	/* A fast-path call left for the slow path to finish (syscall.c). */
	int stash_valid;
	uint64_t stash_result, stash_rip;
	long stash_restart;
};

struct shim_thread *shim_self(void);
static inline struct cpu_regs *cur_regs(void)
{
	return shim_self()->regs;
}

/* Copy a guest path into a kernel buffer of PATH_MAX. */
#define L_PATH_MAX 4096
long get_path(char *dst, long uptr);

/* Signal delivery at the return to the guest (sigframe.c). */
/* restart_nr: the call's number when it failed with EINTR and may be
 * restarted under SA_RESTART, else -1. */
void signals_deliver(struct cpu_regs *r, long restart_nr);
_Noreturn void exit_by_signal(int sig);
/* End of a wait made under a temporary signal mask (ppoll, pselect6,
 * epoll_pwait): after EINTR the old mask comes back only once the
 * handler has run (at delivery), otherwise at once. */
void finish_masked_wait(long result, uint64_t old_mask);
void to_linux_siginfo(struct l_siginfo *out, const struct b_siginfo *in);

/* Loading programs (loader.c, stack.c). */
struct exec_image {
	uintptr_t entry;       /* where to start: interpreter's or program's */
	uintptr_t prog_entry;  /* AT_ENTRY */
	uintptr_t phdr;        /* AT_PHDR */
	int phnum;
	uintptr_t interp_base; /* AT_BASE */
	uintptr_t brk;
};
#define EXEC_MAX_ARGS 4096
/* What execve will run: the ELF program after following "#!" lines, and
 * the argv it gets. Large: allocate it. */
struct elf_pair;
/* How much of a file execve reads at once: enough for a "#!" line, and
 * for the ELF header, program headers and interpreter name of ordinary
 * programs (the rest is read when they lie further on). */
#define ELF_HEAD 1024
struct exec_plan {
	struct elf_pair *elf;  /* prog and its interpreter, open (loader.c) */
	char prog[4096];       /* the file that runs, canonical (/proc/self/exe) */
	char interp[4][256], arg[4][256];
	char script[4096];     /* the script, as execve named it (exec_open) */
	char *vec[4][EXEC_MAX_ARGS + 3];
	char **argv;
};
/* Open the program execve names, a regular file with an execute bit:
 * its descriptor for exec_plan (its canonical path in p->prog), or
 * -errno. As on Linux, this comes before execve looks at argv and envp. */
int exec_open(struct exec_plan *p, int dirfd, const char *path);
/* Fills p from the program open at fd (exec_open; fd is consumed); on
 * success p->elf holds the open files, which exec_load releases (execve
 * always loads a plan that succeeded). */
int exec_plan(struct exec_plan *p, int fd, char *const *argv);
/* Load the planned program; execfn is the name the caller used. */
int exec_load(struct exec_plan *p, const char *execfn, char *const *envp, struct cpu_regs *out);
int elf_open(int fd, const char *head, size_t got, struct elf_pair **out);
int elf_load(struct elf_pair *pair, struct exec_image *img);
void elf_release(struct elf_pair *pair);
extern const uint64_t *host_auxv;
/* Before loading a new image: drop the old one (exec.c). */
void exec_reset(void);
_Noreturn void thread_die_now(void);
void exec_reset_fpu(struct cpu_regs *r);
extern int trace_enabled;

/* Trace one call (trace.c). */
void trace_call(long nr, const struct cpu_regs *r, long result);
const char *syscall_name(long nr);

/* Stat conversions shared by stat, fstat, statx. */
int put_stat(long uptr, const struct b_stat *st);

/* readv/writev on a socket: one message (sys_socket.c); -ENOTSOCK for
 * other descriptors. */
long socket_vector_io(int fd, long uiov, long cnt, int writing);
#endif
