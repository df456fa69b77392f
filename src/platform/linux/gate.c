/* gate.c — the seccomp gate and bento's host signal handlers.
 *
 * One seccomp filter decides every host system call of the process: a call
 * made from bento's hostcall section whose number is on the allow-list
 * passes (some with argument checks); one from that section that is not on
 * the list kills the process; every other call — the guest's — traps with
 * SIGSYS into on_sigsys, which hands it to the Linux shim. */
#include "platform/linux/host.h"
#include "linux/entry.h"
#include <bento/north.h>
#include <bento/errno.h>
#include "lib/string.h"
#include "lib/fmt.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/audit.h>

extern char __start_hostcall_text[], __stop_hostcall_text[];
extern char uaccess_begin[], uaccess_end[], uaccess_fault[];

/* ---- host signal handlers ------------------------------------------- */

static void regs_from_uc(struct cpu_regs *r, const struct host_ucontext *uc)
{
	memcpy(r, uc->mc.gregs, sizeof(uc->mc.gregs));
	r->fpstate = uc->mc.fpstate;
	/* Linux's fpstate carries its extended size in sw_reserved
	 * (offset 464+): magic1, extended_size, xfeatures, xstate_size. */
	uint32_t size = 512;
	if (r->fpstate) {
		const uint32_t *sw = (const uint32_t *)((char *)r->fpstate + 464);
		if (sw[0] == 0x46505853U /* FP_XSTATE_MAGIC1 */)
			size = sw[1];
	}
	r->fpstate_size = size;
}

static void regs_to_uc(struct host_ucontext *uc, const struct cpu_regs *r)
{
	memcpy(uc->mc.gregs, r, sizeof(uc->mc.gregs));
}

static void on_sigsys(int sig, struct host_siginfo *si, void *ucv)
{
	(void)sig;
	struct host_ucontext *uc = ucv;
	struct plat_cpu *cpu = cpu_current();
	struct cpu_regs r;
	regs_from_uc(&r, uc);
	long nr = si->u.sys.syscall;
	uintptr_t pc = r.rip;
	r.rax = (uint64_t)nr;
	cpu->in_bento = 1;
	linux_syscall(&r);
	if (rewrite_enabled)
		rewrite_site(pc, nr);
	/* A signal that came after the dispatcher's last look was only
	 * noted: look again, or it would wait for the next call. Once
	 * in_bento is clear, bento_window() covers the rest of the way. */
	for (;;) {
		while (__atomic_exchange_n(&cpu->noted, 0, __ATOMIC_ACQ_REL))
			linux_signal_recheck(&r);
		__atomic_store_n(&cpu->in_bento, 0, __ATOMIC_SEQ_CST);
		if (!__atomic_load_n(&cpu->noted, __ATOMIC_SEQ_CST))
			break;
		__atomic_store_n(&cpu->in_bento, 1, __ATOMIC_SEQ_CST);
	}
	regs_to_uc(uc, &r);
}

/* Is the interrupted code bento's own although in_bento is clear? So it
 * is in the first and last instructions of bento's signal handlers (until
 * in_bento is set, after it is cleared) and on the way into guest code:
 * they run on this thread's bento stacks, or in the hostcall section
 * (the handlers' restorer, host_enter_frame). The guest never runs
 * there; treating such a context as the guest's would build a guest
 * signal frame on bento's stack and run the guest's handler with the
 * outer handler's host mask — SIGSYS blocked inside on_sigsys, so the
 * handler's first system call got the process killed by the host. */
static int bento_window(const struct plat_cpu *cpu, const struct host_ucontext *uc)
{
	uintptr_t sp = uc->mc.gregs[15], pc = uc->mc.gregs[16];
	if (sp - (uintptr_t)cpu->stack_base < cpu->stack_size)
		return 1;
	return pc >= (uintptr_t)__start_hostcall_text && pc < (uintptr_t)__stop_hostcall_text;
}

static _Noreturn void bento_fault(int sig, const struct host_siginfo *si, const struct host_ucontext *uc)
{
	char line[160];
	int n = fmt_snprintf(line, sizeof(line),
			     "bento: internal fault (signal %d) at pc %p, address %p\n", sig,
			     (void *)uc->mc.gregs[16], si->u.fault.addr);
	plat_log(line, (size_t)n);
	plat_exit(125);
}

static void to_siginfo(struct b_siginfo *info, int sig, const struct host_siginfo *si)
{
	memset(info, 0, sizeof(*info));
	info->signo = sig;
	info->code = si->code;
	if (sig == 11 || sig == 7 || sig == 8 || sig == 4 || sig == 5) {
		info->addr = (uintptr_t)si->u.fault.addr;
	} else {
		info->pid = si->u.kill.pid;
		info->uid = si->u.kill.uid;
	}
}

static int is_fault_signal(int sig)
{
	return sig == 11 || sig == 7 || sig == 8 || sig == 4 || sig == 5;
}

/* Every other host signal: a fault in guest code, a fault in a guest-
 * memory copy, a signal from outside (terminal, supervisor), or a kick. */
static void on_signal(int sig, struct host_siginfo *si, void *ucv)
{
	struct host_ucontext *uc = ucv;
	struct plat_cpu *cpu = cpu_current();
	char *pc = (char *)uc->mc.gregs[16];
	int window = !cpu->in_bento && bento_window(cpu, uc);
	if (is_fault_signal(sig) && si->code > 0) {
		if (pc >= uaccess_begin && pc < uaccess_end) {
			uc->mc.gregs[16] = (uint64_t)uaccess_fault;
			return;
		}
		if (cpu->in_bento || window)
			bento_fault(sig, si, uc);
	}
	/* A child host process ended: bento sends the guest its own SIGCHLD;
	 * this only says "reap". */
	if (sig == 17 && si->code >= 1 && si->code <= 6) {
		proc_note_host_child();
		sig = KICK_SIGNAL;
	}
	struct b_siginfo info;
	to_siginfo(&info, sig == KICK_SIGNAL ? 0 : sig, si);
	struct cpu_regs r;
	regs_from_uc(&r, uc);
	int at_guest = !cpu->in_bento && !window;
	if (at_guest)
		cpu->in_bento = 1;
	linux_signal_arrived(&r, &info, at_guest);
	if (at_guest) {
		cpu->in_bento = 0;
		regs_to_uc(uc, &r);
		return;
	}
	__atomic_store_n(&cpu->noted, 1, __ATOMIC_RELEASE);
	/* Two signals that arrive together (a trap's SIGSYS and a pending
	 * SIGCHLD, or a kick and the SIGCHLD after it) are delivered one on
	 * top of the other: the second interrupts the first's handler before
	 * its first instruction. That handler then runs in full and looks at
	 * what was noted (on_sigsys on its way out, on_signal in
	 * signals_deliver or through its own kick), so no kick is needed
	 * here; it cost a self-signal, and often a second one, each time a
	 * child's host SIGCHLD met the parent's next trap. */
	if (window && pc != (char *)on_sigsys && pc != (char *)on_signal) {
		/* The interrupted handler is about to return to the guest (or
		 * has just left it) without another look: a kick, blocked
		 * until that handler's own sigreturn restores the guest's
		 * host mask, brings the signal to the guest there. */
		uc->sigmask |= 1ULL << (KICK_SIGNAL - 1);
		plat_thread_kick(cpu->host_tid);
	}
}

static int set_handler(int sig, void (*fn)(int, struct host_siginfo *, void *))
{
	struct host_sigaction sa = {
		.handler = (void *)fn,
		/* SA_SIGINFO | SA_ONSTACK | SA_RESTORER; no SA_RESTART, so a
		 * blocking host call returns EINTR and the guest sees it. */
		.flags = 0x4 | 0x08000000 | 0x04000000,
		.restorer = host_sigreturn,
		.mask = 0,
	};
	return (int)HOST4(__NR_rt_sigaction, sig, &sa, NULL, 8);
}

static int install_handlers(void)
{
	for (int sig = 1; sig <= 64; sig++) {
		if (sig == 9 || sig == 19) /* SIGKILL, SIGSTOP */
			continue;
		int r = set_handler(sig, sig == 31 ? on_sigsys : on_signal);
		if (r < 0 && sig < 32)
			return r;
	}
	uint64_t none = 0;
	return (int)HOST4(__NR_rt_sigprocmask, 2 /* SIG_SETMASK */, &none, NULL, 8);
}

/* ---- the filter ------------------------------------------------------ */

struct filter {
	struct sock_filter insn[256];
	int n;
	int overflow;
};

enum { TO_ALLOW = 250, TO_KILL, TO_TRAP };

static void emit(struct filter *f, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	if (f->n >= 240) {
		f->overflow = 1;
		return;
	}
	f->insn[f->n++] = (struct sock_filter){ code, jt, jf, k };
}

#define LD(off) emit(f, BPF_LD | BPF_W | BPF_ABS, (off), 0, 0)
#define ARG_LO(i) (16 + 8 * (i))
#define ARG_HI(i) (20 + 8 * (i))

/* Jump targets TO_ALLOW/TO_KILL/TO_TRAP are symbolic until resolve(). */
static void resolve(struct filter *f)
{
	int allow = f->n, kill = f->n + 1, trap = f->n + 2;
	emit(f, BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
	emit(f, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
	emit(f, BPF_RET | BPF_K, SECCOMP_RET_TRAP, 0, 0);
	for (int i = 0; i < allow; i++) {
		struct sock_filter *in = &f->insn[i];
		if (BPF_CLASS(in->code) != BPF_JMP)
			continue;
		int t[3] = { allow, kill, trap };
		if (in->jt >= TO_ALLOW)
			in->jt = (uint8_t)(t[in->jt - TO_ALLOW] - i - 1);
		if (in->jf >= TO_ALLOW)
			in->jf = (uint8_t)(t[in->jf - TO_ALLOW] - i - 1);
	}
}

/* Host calls bento makes, with no argument check. */
static const int plain_allowed[] = {
	__NR_read, __NR_write, __NR_close, __NR_fstat, __NR_lseek, __NR_mmap,
	__NR_mprotect, __NR_munmap, __NR_rt_sigaction, __NR_rt_sigprocmask,
	__NR_rt_sigreturn, __NR_pread64, __NR_pwrite64, __NR_sched_yield,
	__NR_mremap, __NR_msync, __NR_madvise, __NR_getpid, __NR_exit,
	__NR_fsync, __NR_ftruncate, __NR_fallocate, __NR_fchmod, __NR_sigaltstack, __NR_fstatfs,
	__NR_gettid, __NR_getdents64, __NR_clock_gettime, __NR_clock_getres,
	__NR_exit_group, __NR_mkdirat, __NR_unlinkat, __NR_renameat2, __NR_linkat,
	__NR_symlinkat, __NR_readlinkat, __NR_ppoll,
	__NR_getrandom, __NR_memfd_create, __NR_openat2, __NR_kill, __NR_waitid,
	__NR_flock, __NR_restart_syscall, /* the kernel resumes an interrupted wait */
	/* sockets (net.c): on handles from socket/socketpair/accept4; bind,
	 * connect and sends with an address reach a host name only from an
	 * inet socket, which the network namespace confines */
	__NR_bind, __NR_connect, __NR_listen, __NR_accept4, __NR_sendmsg,
	__NR_recvmsg, __NR_shutdown, __NR_getsockopt, __NR_getsockname,
	__NR_getpeername,
};

const uint32_t allowed_ioctls[] = {
	0x5401, 0x5402, 0x5403, 0x5404, /* TCGETS TCSETS TCSETSW TCSETSF */
	0x540F, 0x5410, 0x5413, 0x5414, /* TIOCGPGRP TIOCSPGRP TIOCGWINSZ TIOCSWINSZ */
	0x541B,                         /* FIONREAD */
};
const int n_allowed_ioctls = sizeof(allowed_ioctls) / sizeof(allowed_ioctls[0]);

#define THREAD_CLONE_FLAGS 0x250f00U /* see plat_thread_spawn */

/* An allowed call whose argument i (low word) must satisfy a check. The
 * caller emits the check; this emits the number test that skips it. */
static void checked_call(struct filter *f, int nr, int check_len)
{
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, (uint8_t)check_len);
}

/* The type argument (1) of socket/socketpair: SOCK_STREAM or `other`,
 * with no flags but SOCK_NONBLOCK and SOCK_CLOEXEC; else kill. */
static void emit_sock_type(struct filter *f, uint32_t other)
{
	LD(ARG_LO(1));
	emit(f, BPF_JMP | BPF_JSET | BPF_K, ~(0xfU | 04000U | 02000000U), TO_KILL, 0);
	emit(f, BPF_ALU | BPF_AND | BPF_K, 0xf, 0, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 1 /* STREAM */, 1, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, other, 0, TO_KILL);
}

/* socket, socketpair, setsockopt, mknodat: what plat_socket,
 * plat_socketpair, plat_sock_ctl and plat_file_change allow (net.c,
 * host.c). Each block ends in ALLOW or KILL, so the number test skips
 * exactly the block. */
static void emit_socket_checks(struct filter *f)
{
	static const uint32_t protocols[] = { 0, 1, 6, 17, 58 };
	/* socket: AF_INET or AF_INET6, and only with a network; never
	 * AF_UNIX (an unconnected one could connect to any host socket by
	 * path). SOCK_STREAM or SOCK_DGRAM, plus NONBLOCK/CLOEXEC. */
	int at = f->n;
	checked_call(f, __NR_socket, 0);
	if (host_net_inet) {
		LD(ARG_LO(0));
		emit(f, BPF_JMP | BPF_JEQ | BPF_K, 2, 1, 0);
		emit(f, BPF_JMP | BPF_JEQ | BPF_K, 10, 0, TO_KILL);
		emit_sock_type(f, 2 /* DGRAM */);
		LD(ARG_LO(2));
		int np = (int)(sizeof(protocols) / sizeof(protocols[0]));
		for (int i = 0; i < np; i++)
			emit(f, BPF_JMP | BPF_JEQ | BPF_K, protocols[i], TO_ALLOW, i == np - 1 ? TO_KILL : 0);
	} else {
		emit(f, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
	}
	f->insn[at].jf = (uint8_t)(f->n - at - 1);
	/* socketpair: AF_UNIX SOCK_STREAM or SOCK_SEQPACKET, protocol 0 (a
	 * datagram pair could send to any host socket by path). */
	at = f->n;
	checked_call(f, __NR_socketpair, 0);
	LD(ARG_LO(0));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, TO_KILL);
	emit_sock_type(f, 5 /* SEQPACKET */);
	LD(ARG_LO(2));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0, TO_ALLOW, TO_KILL);
	f->insn[at].jf = (uint8_t)(f->n - at - 1);
	/* mknodat: socket files and named pipes only (S_IFSOCK, S_IFIFO),
	 * never devices; Landlock allows them in rw mounts only (MAKE_SOCK,
	 * MAKE_FIFO). */
	at = f->n;
	checked_call(f, __NR_mknodat, 0);
	LD(ARG_LO(2));
	emit(f, BPF_ALU | BPF_AND | BPF_K, 0170000, 0, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0140000, TO_ALLOW, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0010000, TO_ALLOW, TO_KILL);
	f->insn[at].jf = (uint8_t)(f->n - at - 1);
	/* setsockopt: no BPF filters (SO_ATTACH_FILTER 26, SO_ATTACH_BPF 50,
	 * SO_ATTACH_REUSEPORT_CBPF/EBPF 51/52), SO_BINDTODEVICE 25, TCP_ULP 31. */
	at = f->n;
	checked_call(f, __NR_setsockopt, 0);
	LD(ARG_LO(1));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 1 /* SOL_SOCKET */, 0, 6);
	LD(ARG_LO(2));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 25, TO_KILL, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 26, TO_KILL, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 50, TO_KILL, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 51, TO_KILL, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 52, TO_KILL, TO_ALLOW);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 6 /* IPPROTO_TCP */, 0, TO_ALLOW);
	LD(ARG_LO(2));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 31, TO_KILL, TO_ALLOW);
	f->insn[at].jf = (uint8_t)(f->n - at - 1);
}

/* Jumps to the next block unless argument i is the pointer p. */
static void emit_arg_is(struct filter *f, int i, const void *p, uint8_t skip)
{
	uint64_t v = (uint64_t)(uintptr_t)p;
	LD(ARG_LO(i));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)v, 0, (uint8_t)(skip + 2));
	LD(ARG_HI(i));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(v >> 32), 0, skip);
}

/*
 * utimensat and fchmodat2: Landlock checks neither times nor modes, so a
 * path here would reach any host file. utimensat passes with path NULL (a
 * descriptor); both pass with the sealed empty path and AT_EMPTY_PATH
 * (host.c: host_empty_path), which acts on the descriptor too, O_PATH
 * ones included. Without a sealed page fchmodat2 is never allowed.
 */
static void emit_path_checks(struct filter *f)
{
	int at = f->n;
	checked_call(f, __NR_utimensat, 0);
	if (host_empty_path) {
		emit_arg_is(f, 1, host_empty_path, 2);
		LD(ARG_LO(3));
		emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0x1000 /* AT_EMPTY_PATH */, TO_ALLOW, TO_KILL);
	}
	emit_arg_is(f, 1, NULL, 1);
	emit(f, BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
	emit(f, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
	f->insn[at].jf = (uint8_t)(f->n - at - 1);
	if (!host_empty_path)
		return;
	at = f->n;
	checked_call(f, __NR_fchmodat2, 0);
	emit_arg_is(f, 1, host_empty_path, 2);
	LD(ARG_LO(3));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0x1000 /* AT_EMPTY_PATH */, TO_ALLOW, TO_KILL);
	emit(f, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
	f->insn[at].jf = (uint8_t)(f->n - at - 1);
}

static void emit_arg_checks(struct filter *f, long pid)
{
	emit_socket_checks(f);
	int n_ioctl = (int)(sizeof(allowed_ioctls) / sizeof(allowed_ioctls[0]));
	/* ioctl: only the terminal/queue requests of plat_file_ioctl. */
	checked_call(f, __NR_ioctl, n_ioctl + 2);
	LD(ARG_LO(1));
	for (int i = 0; i < n_ioctl; i++)
		emit(f, BPF_JMP | BPF_JEQ | BPF_K, allowed_ioctls[i], TO_ALLOW, 0);
	emit(f, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
	/* clone: bento's threads, or a plain fork of the sandbox process. */
	checked_call(f, __NR_clone, 4);
	LD(ARG_LO(0));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, THREAD_CLONE_FLAGS, TO_ALLOW, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 17 /* SIGCHLD: fork */, TO_ALLOW, TO_KILL);
	LD(0); /* reload nr for the tests below */
	/* futex: the known operations (wait, wake, requeue, wake-op, PI,
	 * bitsets); shared ones are needed between sandbox processes. */
	checked_call(f, __NR_futex, 4);
	LD(ARG_LO(1));
	emit(f, BPF_ALU | BPF_AND | BPF_K, 0x7f, 0, 0);
	emit(f, BPF_JMP | BPF_JGT | BPF_K, 13, TO_KILL, TO_ALLOW);
	LD(0);
	/* fcntl: record locks and F_SETFL (F_GETFL of the inherited
	 * descriptors is read before the gate closes). */
	checked_call(f, __NR_fcntl, 10);
	LD(ARG_LO(1));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 4 /* F_SETFL */, TO_ALLOW, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 5, TO_ALLOW, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 6, TO_ALLOW, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 7, TO_ALLOW, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 36, TO_ALLOW, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 37, TO_ALLOW, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 38, TO_ALLOW, 0);
	emit(f, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
	LD(0);
	emit_path_checks(f);
	/* tgkill and kill: Landlock's signal scope and the pid namespace keep
	 * them inside the sandbox (a pid check here would not survive fork). */
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, __NR_tgkill, TO_ALLOW, 0);
	(void)pid;
	/* arch_prctl: SET_GS, SET_FS, GET_FS only. */
	checked_call(f, __NR_arch_prctl, 5);
	LD(ARG_LO(0));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0x1001, TO_ALLOW, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0x1002, TO_ALLOW, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0x1003, TO_ALLOW, TO_KILL);
	LD(0);
}

static int build_filter(struct filter *f, long pid)
{
	uintptr_t lo = (uintptr_t)__start_hostcall_text, hi = (uintptr_t)__stop_hostcall_text;
	if ((lo >> 32) != ((hi - 1) >> 32))
		return -EINVAL; /* the section must not straddle a 4 GiB line */
	f->n = 0;
	LD(4);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, TO_KILL);
	LD(12);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(lo >> 32), 0, TO_TRAP);
	LD(8);
	emit(f, BPF_JMP | BPF_JGE | BPF_K, (uint32_t)lo, 0, TO_TRAP);
	emit(f, BPF_JMP | BPF_JGE | BPF_K, (uint32_t)hi, TO_TRAP, 0);
	LD(0);
	for (size_t i = 0; i < sizeof(plain_allowed) / sizeof(plain_allowed[0]); i++)
		emit(f, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)plain_allowed[i], TO_ALLOW, 0);
	emit_arg_checks(f, pid);
	emit(f, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
	resolve(f);
	return f->overflow ? -ENOMEM : 0;
}

int gate_install(void)
{
	static struct filter f;
	int r = install_handlers();
	if (r < 0)
		return r;
	host_seal_empty_path();
	if (host_empty_path) /* never a place for guest memory */
		vm_reserve((uintptr_t)host_empty_path, 4096);
	r = build_filter(&f, HOST0(__NR_getpid));
	if (r < 0)
		return r;
	struct sock_fprog prog = { (unsigned short)f.n, f.insn };
	HOST5(__NR_prctl, 38 /* PR_SET_NO_NEW_PRIVS */, 1, 0, 0, 0);
	return (int)HOST3(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* Number of host system calls on the allow-list (for docs and tests). */
int gate_allowed_count(void)
{
	/* + ioctl clone futex fcntl utimensat fchmodat2 tgkill arch_prctl
	 * socket socketpair setsockopt mknodat */
	return (int)(sizeof(plain_allowed) / sizeof(plain_allowed[0])) + 12;
}
