// proc_clone: processes made with the raw clone and clone3 calls:
// clone(SIGCHLD) as fork, CLONE_PARENT_SETTID / CLONE_CHILD_SETTID (the
// child's pid written in both memories), CLONE_CHILD_CLEARTID (no effect
// on the parent's memory), CLONE_PARENT (the child is our sibling: its
// parent is our parent, and we cannot wait for it), a termination signal
// other than SIGCHLD (SIGUSR1: waited for with __WALL / __WCLONE),
// clone3 with exit_signal, CLONE_PIDFD (pidfd), pidfd_open,
// pidfd_send_signal, poll on a pidfd (readable when the process exits),
// waitid(P_PIDFD), and EINVAL for bad clone3 sizes and flag sets.
#include "guest.h"
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static void ms_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static long raw_clone(unsigned long flags, void *stack, int *ptid, int *ctid, unsigned long tls)
{
	return syscall(SYS_clone, flags, stack, ptid, ctid, tls);
}

static long raw_clone3(struct clone_args *a, size_t size)
{
	return syscall(SYS_clone3, a, size);
}

int main(void)
{
	int st;
	pid_t me = getpid();

	long c = raw_clone(SIGCHLD, NULL, NULL, NULL, 0);
	if (c == 0)
		_exit(12);
	waitpid((pid_t)c, &st, 0);
	printf("clone(SIGCHLD): %s\n", wstr(st));

	int ptid = 0, ctid = 0;
	c = raw_clone(SIGCHLD | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID, NULL, &ptid, &ctid, 0);
	if (c == 0)
		_exit(ctid == getpid() ? 13 : 14);
	waitpid((pid_t)c, &st, 0);
	printf("PARENT_SETTID in the parent: %s, CHILD_SETTID only in the child: %s (13 = set there), %s\n",
	       YN(ptid == c), YN(ctid == 0), wstr(st));

	ctid = 77;
	c = raw_clone(SIGCHLD | CLONE_CHILD_CLEARTID, NULL, NULL, &ctid, 0);
	if (c == 0)
		_exit(0);
	waitpid((pid_t)c, &st, 0);
	printf("CHILD_CLEARTID leaves the parent's word alone: %s\n", YN(ctid == 77));

	// CLONE_PARENT: done from a child, so the sibling's parent is us.
	int rep[2], rep2[2];
	pipe(rep);
	pipe(rep2);
	pid_t mid = fork();
	if (mid == 0) {
		long s = raw_clone(SIGCHLD | CLONE_PARENT, NULL, NULL, NULL, 0);
		if (s == 0) {
			pid_t pp = getppid();
			write(rep[1], &pp, sizeof pp);
			_exit(15);
		}
		int st2;
		errno = 0;
		pid_t w = waitpid((pid_t)s, &st2, 0);
		printf("CLONE_PARENT: the cloning process cannot wait for it: %s\n", w < 0 ? ename(errno) : "waited");
		write(rep2[1], &s, sizeof s);
		_exit(0);
	}
	pid_t sib_parent = 0;
	long sib = 0;
	read(rep[0], &sib_parent, sizeof sib_parent);
	waitpid(mid, &st, 0);
	read(rep2[0], &sib, sizeof sib);
	printf("CLONE_PARENT: the sibling's parent is its grandparent: %s\n", YN(sib_parent == me));
	pid_t w = waitpid((pid_t)sib, &st, 0);
	printf("CLONE_PARENT: the grandparent reaps it: %s, %s\n", YN(w == sib), wstr(st));

	// Termination signal SIGUSR1: not waited for without __WALL/__WCLONE.
	signal(SIGUSR1, SIG_IGN);
	c = raw_clone(SIGUSR1, NULL, NULL, NULL, 0);
	if (c == 0)
		_exit(16);
	ms_sleep(50);
	errno = 0;
	w = waitpid((pid_t)c, &st, WNOHANG);
	printf("exit signal SIGUSR1, plain waitpid: %s\n", w < 0 ? ename(errno) : w == 0 ? "0" : "found");
	w = waitpid((pid_t)c, &st, __WALL);
	printf("with __WALL: %s, %s\n", YN(w == c), wstr(st));
	signal(SIGUSR1, SIG_DFL);

	// clone3.
	struct clone_args ca;
	memset(&ca, 0, sizeof ca);
	ca.exit_signal = SIGCHLD;
	c = raw_clone3(&ca, sizeof ca);
	if (c == 0)
		_exit(17);
	if (c < 0) {
		printf("clone3: %s\n", ename(errno));
	} else {
		waitpid((pid_t)c, &st, 0);
		printf("clone3: %s\n", wstr(st));
	}
	int pidfd = -1;
	memset(&ca, 0, sizeof ca);
	ca.flags = CLONE_PIDFD;
	ca.pidfd = (uintptr_t)&pidfd;
	ca.exit_signal = SIGCHLD;
	c = raw_clone3(&ca, sizeof ca);
	if (c == 0) {
		ms_sleep(100);
		_exit(18);
	}
	if (c < 0) {
		printf("clone3 CLONE_PIDFD: %s\n", ename(errno));
	} else {
		printf("clone3 CLONE_PIDFD: pidfd >= 0: %s, close-on-exec: %s\n", YN(pidfd >= 0),
		       YN(pidfd >= 0 && (fcntl(pidfd, F_GETFD) & FD_CLOEXEC)));
		struct pollfd pf = { .fd = pidfd, .events = POLLIN };
		int pr = poll(&pf, 1, 0);
		printf("poll before the exit: %d\n", pr);
		pr = poll(&pf, 1, 5000);
		printf("poll after the exit: %d, POLLIN %s\n", pr, YN(pf.revents & POLLIN));
		siginfo_t si;
		memset(&si, 0, sizeof si);
		int rc = waitid(P_PIDFD, pidfd, &si, WEXITED);
		printf("waitid(P_PIDFD): %s, si_pid is the child %s, si_status %d\n", rc < 0 ? ename(errno) : "ok",
		       YN(si.si_pid == c), si.si_status);
		close(pidfd);
		waitpid((pid_t)c, &st, WNOHANG);
	}
	say("clone3 size too small", raw_clone3(&ca, 8));
	memset(&ca, 0, sizeof ca);
	ca.flags = CLONE_THREAD; // without CLONE_SIGHAND|CLONE_VM
	ca.exit_signal = SIGCHLD;
	say("clone3 CLONE_THREAD alone", raw_clone3(&ca, sizeof ca));

	// pidfd_open and pidfd_send_signal.
	c = fork();
	if (c == 0) {
		for (;;)
			pause();
	}
	int pfd = (int)syscall(SYS_pidfd_open, c, 0);
	printf("pidfd_open: %s\n", pfd >= 0 ? "ok" : ename(errno));
	if (pfd >= 0) {
		say("pidfd_send_signal SIGTERM", syscall(SYS_pidfd_send_signal, pfd, SIGTERM, NULL, 0));
		waitpid((pid_t)c, &st, 0);
		printf("pidfd target: %s\n", wstr(st));
		say("pidfd_send_signal to a reaped process", syscall(SYS_pidfd_send_signal, pfd, SIGTERM, NULL, 0));
		close(pfd);
	} else {
		kill((pid_t)c, SIGKILL);
		waitpid((pid_t)c, &st, 0);
	}
	say("pidfd_open of a gone pid", syscall(SYS_pidfd_open, c, 0));
	// A /proc/<pid> directory serves as a pidfd; other files do not.
	c = fork();
	if (c == 0) {
		for (;;)
			pause();
	}
	char dir[32];
	snprintf(dir, sizeof dir, "/proc/%d", (int)c);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	say("pidfd_send_signal on /proc/<pid>", syscall(SYS_pidfd_send_signal, dfd, SIGTERM, NULL, 0));
	waitpid((pid_t)c, &st, 0);
	printf("target of /proc/<pid>: %s\n", wstr(st));
	close(dfd);
	dfd = open("/proc/self/status", O_RDONLY);
	say("pidfd_send_signal on /proc/self/status", syscall(SYS_pidfd_send_signal, dfd, 0, NULL, 0));
	close(dfd);
	say("pidfd_open bad flags", syscall(SYS_pidfd_open, getpid(), 12345));
	return 0;
}
