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

/*
 * Layout: the arch check, the instruction-pointer check, then a binary
 * search on the call number (about eight comparisons for any number,
 * where a linear list took up to seventy for the last ones: futex,
 * arch_prctl, the socket calls), then one block of argument checks per
 * checked call, then the three returns. Jumps in classic BPF go forward
 * only, with 8-bit offsets; resolve() refuses a filter that outgrows them.
 */
struct filter {
	struct sock_filter insn[256];
	int n;
	int overflow;
	int block_at[16]; /* first instruction of each argument-check block */
};

/* Symbolic jump targets, resolved by resolve(): the returns, and the
 * argument-check blocks (TO_BLOCK + index in `checked`). Literal jump
 * offsets stay below TO_BLOCK. */
enum { TO_BLOCK = 232, TO_ALLOW = 250, TO_KILL, TO_TRAP };

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

/* One symbolic offset of instruction i to a real one, or -1 if the target
 * lies beyond an 8-bit jump. */
static int resolve_one(const struct filter *f, int i, uint8_t off, int allow)
{
	int to;
	if (off >= TO_ALLOW)
		to = allow + (off - TO_ALLOW);
	else if (off >= TO_BLOCK)
		to = f->block_at[off - TO_BLOCK];
	else
		return off;
	int d = to - i - 1;
	return d >= 0 && d <= 255 ? d : -1;
}

static void resolve(struct filter *f)
{
	int allow = f->n;
	emit(f, BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
	emit(f, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
	emit(f, BPF_RET | BPF_K, SECCOMP_RET_TRAP, 0, 0);
	for (int i = 0; i < allow; i++) {
		struct sock_filter *in = &f->insn[i];
		if (BPF_CLASS(in->code) != BPF_JMP || BPF_OP(in->code) == BPF_JA)
			continue;
		int jt = resolve_one(f, i, in->jt, allow), jf = resolve_one(f, i, in->jf, allow);
		if (jt < 0 || jf < 0)
			f->overflow = 1;
		in->jt = (uint8_t)jt;
		in->jf = (uint8_t)jf;
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
	/* tgkill and kill: Landlock's signal scope and the pid namespace keep
	 * them inside the sandbox (a pid check here would not survive fork). */
	__NR_tgkill,
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

/* Each block below checks the arguments of one call (the number is known
 * when it starts) and ends in ALLOW or KILL: none falls through. */

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

/* socket: AF_INET or AF_INET6, and only with a network; never AF_UNIX
 * (an unconnected one could connect to any host socket by path).
 * SOCK_STREAM or SOCK_DGRAM, plus NONBLOCK/CLOEXEC. (What plat_socket,
 * plat_socketpair, plat_sock_ctl and plat_file_change allow: net.c,
 * host.c.) */
static void blk_socket(struct filter *f)
{
	static const uint32_t protocols[] = { 0, 1, 6, 17, 58, 136 /* UDP-Lite */ };
	if (!host_net_inet) {
		emit(f, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
		return;
	}
	LD(ARG_LO(0));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 2, 1, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 10, 0, TO_KILL);
	emit_sock_type(f, 2 /* DGRAM */);
	LD(ARG_LO(2));
	int np = (int)(sizeof(protocols) / sizeof(protocols[0]));
	for (int i = 0; i < np; i++)
		emit(f, BPF_JMP | BPF_JEQ | BPF_K, protocols[i], TO_ALLOW, i == np - 1 ? TO_KILL : 0);
}

/* socketpair: AF_UNIX SOCK_STREAM or SOCK_SEQPACKET, protocol 0 (a
 * datagram pair could send to any host socket by path). */
static void blk_socketpair(struct filter *f)
{
	LD(ARG_LO(0));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, TO_KILL);
	emit_sock_type(f, 5 /* SEQPACKET */);
	LD(ARG_LO(2));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0, TO_ALLOW, TO_KILL);
}

/* mknodat: socket files and named pipes only (S_IFSOCK, S_IFIFO), never
 * devices; Landlock allows them in rw mounts only (MAKE_SOCK, MAKE_FIFO). */
static void blk_mknodat(struct filter *f)
{
	LD(ARG_LO(2));
	emit(f, BPF_ALU | BPF_AND | BPF_K, 0170000, 0, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0140000, TO_ALLOW, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0010000, TO_ALLOW, TO_KILL);
}

/* setsockopt: no BPF filters (SO_ATTACH_FILTER 26, SO_ATTACH_BPF 50,
 * SO_ATTACH_REUSEPORT_CBPF/EBPF 51/52), SO_BINDTODEVICE 25, TCP_ULP 31. */
static void blk_setsockopt(struct filter *f)
{
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
}

/* Jumps `skip` instructions further unless argument i is the pointer p. */
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
static void blk_utimensat(struct filter *f)
{
	if (host_empty_path) {
		emit_arg_is(f, 1, host_empty_path, 2);
		LD(ARG_LO(3));
		emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0x1000 /* AT_EMPTY_PATH */, TO_ALLOW, TO_KILL);
	}
	emit_arg_is(f, 1, NULL, 1);
	emit(f, BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
	emit(f, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
}

static void blk_fchmodat2(struct filter *f)
{
	if (!host_empty_path) {
		emit(f, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
		return;
	}
	emit_arg_is(f, 1, host_empty_path, 2);
	LD(ARG_LO(3));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0x1000 /* AT_EMPTY_PATH */, TO_ALLOW, TO_KILL);
	emit(f, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
}

/* ioctl: only the terminal/queue requests of plat_file_ioctl. */
static void blk_ioctl(struct filter *f)
{
	LD(ARG_LO(1));
	for (int i = 0; i < n_allowed_ioctls; i++)
		emit(f, BPF_JMP | BPF_JEQ | BPF_K, allowed_ioctls[i], TO_ALLOW,
		     i == n_allowed_ioctls - 1 ? TO_KILL : 0);
}

/* clone: bento's threads, or a plain fork of the sandbox process. */
static void blk_clone(struct filter *f)
{
	LD(ARG_LO(0));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, THREAD_CLONE_FLAGS, TO_ALLOW, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 17 /* SIGCHLD: fork */, TO_ALLOW, TO_KILL);
}

/* futex: the known operations (wait, wake, requeue, wake-op, PI, bitsets);
 * shared ones are needed between sandbox processes. */
static void blk_futex(struct filter *f)
{
	LD(ARG_LO(1));
	emit(f, BPF_ALU | BPF_AND | BPF_K, 0x7f, 0, 0);
	emit(f, BPF_JMP | BPF_JGT | BPF_K, 13, TO_KILL, TO_ALLOW);
}

/* fcntl: record locks and F_SETFL (F_GETFL of the inherited descriptors
 * is read before the gate closes). */
static void blk_fcntl(struct filter *f)
{
	static const uint32_t cmds[] = { 4 /* F_SETFL */, 5, 6, 7, 36, 37, 38 };
	int n = (int)(sizeof(cmds) / sizeof(cmds[0]));
	LD(ARG_LO(1));
	for (int i = 0; i < n; i++)
		emit(f, BPF_JMP | BPF_JEQ | BPF_K, cmds[i], TO_ALLOW, i == n - 1 ? TO_KILL : 0);
}

/* arch_prctl: SET_GS, SET_FS, GET_FS only. */
static void blk_arch_prctl(struct filter *f)
{
	LD(ARG_LO(0));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0x1001, TO_ALLOW, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0x1002, TO_ALLOW, 0);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0x1003, TO_ALLOW, TO_KILL);
}

/* Host calls bento makes whose arguments the filter checks. */
static const struct {
	int nr;
	void (*emit)(struct filter *f);
} checked[] = {
	{ __NR_socket, blk_socket },       { __NR_socketpair, blk_socketpair },
	{ __NR_mknodat, blk_mknodat },     { __NR_setsockopt, blk_setsockopt },
	{ __NR_utimensat, blk_utimensat }, { __NR_fchmodat2, blk_fchmodat2 },
	{ __NR_ioctl, blk_ioctl },         { __NR_clone, blk_clone },
	{ __NR_futex, blk_futex },         { __NR_fcntl, blk_fcntl },
	{ __NR_arch_prctl, blk_arch_prctl },
};
#define N_PLAIN ((int)(sizeof(plain_allowed) / sizeof(plain_allowed[0])))
#define N_CHECKED ((int)(sizeof(checked) / sizeof(checked[0])))

struct rule {
	uint32_t nr;
	uint8_t to; /* TO_ALLOW or TO_BLOCK + index in checked */
};

/* The search over rules sorted by number, with the number in A: a node
 * splits at its middle rule (JGE), a leaf of up to four rules compares
 * each; a number matching none is killed. */
static void emit_search(struct filter *f, const struct rule *r, int n)
{
	if (n <= 4) {
		for (int i = 0; i < n; i++)
			emit(f, BPF_JMP | BPF_JEQ | BPF_K, r[i].nr, r[i].to, i == n - 1 ? TO_KILL : 0);
		return;
	}
	int mid = n / 2, at = f->n;
	emit(f, BPF_JMP | BPF_JGE | BPF_K, r[mid].nr, 0, 0);
	emit_search(f, r, mid); /* ends in a jump: never falls through */
	int left = f->n - at - 1;
	if (left >= TO_BLOCK)
		f->overflow = 1;
	else if (at < f->n)
		f->insn[at].jt = (uint8_t)left;
	emit_search(f, r + mid, n - mid);
}

/* All rules, sorted by number; -EINVAL if a number is listed twice. */
static int sorted_rules(struct rule *r)
{
	int n = 0;
	for (int i = 0; i < N_PLAIN; i++)
		r[n++] = (struct rule){ (uint32_t)plain_allowed[i], TO_ALLOW };
	for (int i = 0; i < N_CHECKED; i++)
		r[n++] = (struct rule){ (uint32_t)checked[i].nr, (uint8_t)(TO_BLOCK + i) };
	for (int i = 1; i < n; i++) {
		struct rule x = r[i];
		int j = i;
		for (; j > 0 && r[j - 1].nr > x.nr; j--)
			r[j] = r[j - 1];
		r[j] = x;
	}
	for (int i = 1; i < n; i++)
		if (r[i].nr == r[i - 1].nr)
			return -EINVAL;
	return n;
}

static int build_filter(struct filter *f)
{
	_Static_assert(N_CHECKED <= 16 && TO_BLOCK + 16 <= TO_ALLOW, "block labels");
	uintptr_t lo = (uintptr_t)__start_hostcall_text, hi = (uintptr_t)__stop_hostcall_text;
	if ((lo >> 32) != ((hi - 1) >> 32))
		return -EINVAL; /* the section must not straddle a 4 GiB line */
	struct rule rules[N_PLAIN + N_CHECKED];
	int n = sorted_rules(rules);
	if (n < 0)
		return n;
	f->n = 0;
	LD(4);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, TO_KILL);
	LD(12);
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(lo >> 32), 0, TO_TRAP);
	LD(8);
	emit(f, BPF_JMP | BPF_JGE | BPF_K, (uint32_t)lo, 0, TO_TRAP);
	emit(f, BPF_JMP | BPF_JGE | BPF_K, (uint32_t)hi, TO_TRAP, 0);
	LD(0);
	emit_search(f, rules, n);
	for (int i = 0; i < N_CHECKED; i++) {
		f->block_at[i] = f->n;
		checked[i].emit(f);
	}
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
	r = build_filter(&f);
	if (r < 0)
		return r;
	struct sock_fprog prog = { (unsigned short)f.n, f.insn };
	HOST5(__NR_prctl, 38 /* PR_SET_NO_NEW_PRIVS */, 1, 0, 0, 0);
	return (int)HOST3(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* Number of host system calls on the allow-list (for docs and tests). */
int gate_allowed_count(void)
{
	/* + socket socketpair mknodat setsockopt utimensat fchmodat2 ioctl
	 * clone futex fcntl arch_prctl */
	return (int)(sizeof(plain_allowed) / sizeof(plain_allowed[0])) + 11;
}
