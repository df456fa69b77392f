// proc_kill: signals between processes: kill to a pid (default action,
// kill(pid, 0) probing), an SA_SIGINFO handler in the child seeing si_code
// SI_USER and si_pid/si_uid of the sender, sigqueue's SI_QUEUE and value,
// a child in sigwaitinfo, tgkill to another process's main thread; kill to
// a process group (kill(-pgid), killpg) reaching every member and nobody
// else, kill(0, sig) to the caller's own group; errors: EINVAL for a bad
// signal number, ESRCH for a gone pid and an empty group.
#include "guest.h"
#include <signal.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void ms_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int rep[2];
static volatile sig_atomic_t hits;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	char line[160];
	int n = snprintf(line, sizeof line,
			 "  handler: %s, si_code %s, si_pid is parent %s, si_uid is mine %s, si_value %d\n", sname(sig),
			 si->si_code == SI_USER ? "SI_USER" : si->si_code == SI_QUEUE ? "SI_QUEUE" : si->si_code == SI_TKILL ? "SI_TKILL" : "other",
			 YN(si->si_pid == getppid()), YN(si->si_uid == getuid()),
			 si->si_code == SI_QUEUE ? si->si_value.sival_int : -1);
	write(rep[1], line, n);
	hits++;
}

static void on_plain(int sig)
{
	(void)sig;
	hits++;
}

// Forks a child that installs the SA_SIGINFO handler for SIGUSR1, says it
// is ready and waits for N signals, then exits with 0.
static pid_t handler_child(int n)
{
	int ready[2];
	pipe(ready);
	pid_t c = fork();
	if (c == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_sigaction = on_usr1;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGUSR1, &sa, NULL);
		sigset_t block, old;
		sigemptyset(&block);
		sigaddset(&block, SIGUSR1);
		sigprocmask(SIG_BLOCK, &block, &old);
		write(ready[1], "r", 1);
		while (hits < n)
			sigsuspend(&old);
		_exit(0);
	}
	char ch;
	read(ready[0], &ch, 1);
	close(ready[0]);
	close(ready[1]);
	return c;
}

static void drain(void)
{
	char buf[1024];
	ssize_t n;
	while ((n = read(rep[0], buf, sizeof buf)) > 0)
		fwrite(buf, 1, n, stdout);
}

static pid_t sleeper(void)
{
	pid_t c = fork();
	if (c == 0) {
		for (;;)
			pause();
	}
	return c;
}

int main(void)
{
	pipe(rep);
	int st;

	pid_t c = sleeper();
	say("kill(child, 0)", kill(c, 0));
	say("kill(child, SIGTERM)", kill(c, SIGTERM));
	waitpid(c, &st, 0);
	printf("child: %s\n", wstr(st));
	say("kill(reaped child, 0)", kill(c, 0));
	say("kill(reaped child, SIGTERM)", kill(c, SIGTERM));

	c = handler_child(1);
	if (say("kill SIGUSR1 to a handler", kill(c, SIGUSR1)) < 0)
		kill(c, SIGKILL); // do not wait forever for a signal that was not sent
	waitpid(c, &st, 0);
	printf("handler child: %s\n", wstr(st));
	c = handler_child(1);
	if (say("sigqueue SIGUSR1 1234", sigqueue(c, SIGUSR1, (union sigval){ .sival_int = 1234 })) < 0)
		kill(c, SIGKILL);
	waitpid(c, &st, 0);
	printf("sigqueue child: %s\n", wstr(st));
	c = handler_child(1);
	if (say("tgkill to the child's main thread", syscall(SYS_tgkill, c, c, SIGUSR1)) < 0)
		kill(c, SIGKILL);
	waitpid(c, &st, 0);
	printf("tgkill child: %s\n", wstr(st));
	fcntl(rep[0], F_SETFL, O_NONBLOCK);
	drain();

	// sigwaitinfo in the child.
	int ready[2];
	pipe(ready);
	c = fork();
	if (c == 0) {
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		sigprocmask(SIG_BLOCK, &set, NULL);
		write(ready[1], "r", 1);
		siginfo_t si;
		int s = sigwaitinfo(&set, &si);
		_exit(s == SIGUSR2 && si.si_pid == getppid() ? 21 : 22);
	}
	char ch;
	read(ready[0], &ch, 1);
	if (kill(c, SIGUSR2) < 0)
		kill(c, SIGKILL);
	waitpid(c, &st, 0);
	printf("sigwaitinfo child (21 = got it from the parent): %s\n", wstr(st));

	// Process groups: A leads, B and C join it; D stays in our group.
	pid_t a = sleeper();
	setpgid(a, a);
	pid_t b = fork();
	if (b == 0) {
		setpgid(0, a);
		for (;;)
			pause();
	}
	setpgid(b, a);
	pid_t cc = fork();
	if (cc == 0) {
		setpgid(0, a);
		for (;;)
			pause();
	}
	setpgid(cc, a);
	pid_t d = sleeper();
	printf("group of A, B, C is A: %s, D in ours: %s\n",
	       YN(getpgid(a) == a && getpgid(b) == a && getpgid(cc) == a), YN(getpgid(d) == getpgrp()));
	say("kill(-A, SIGTERM)", kill(-a, SIGTERM));
	pid_t who[3] = { a, b, cc };
	for (int i = 0; i < 3; i++) {
		waitpid(who[i], &st, 0);
		printf("member %c: %s\n", "ABC"[i], wstr(st));
	}
	ms_sleep(20);
	printf("D still running: %s\n", YN(waitpid(d, &st, WNOHANG) == 0));
	say("kill(-A) once the group is empty", kill(-a, SIGTERM));
	say("killpg(A) once the group is empty", killpg(a, SIGTERM));

	// killpg with a handler in each member.
	pid_t g[3];
	for (int i = 0; i < 3; i++) {
		g[i] = fork();
		if (g[i] == 0) {
			signal(SIGUSR2, on_plain);
			sigset_t block, old;
			sigemptyset(&block);
			sigaddset(&block, SIGUSR2);
			sigprocmask(SIG_BLOCK, &block, &old);
			setpgid(0, i == 0 ? 0 : g[0]);
			write(ready[1], "r", 1);
			while (!hits)
				sigsuspend(&old);
			_exit(30 + i);
		}
		setpgid(g[i], g[0]);
		read(ready[0], &ch, 1);
	}
	if (say("killpg(G, SIGUSR2) to handlers", killpg(g[0], SIGUSR2)) < 0)
		for (int i = 0; i < 3; i++)
			kill(g[i], SIGKILL);
	for (int i = 0; i < 3; i++) {
		waitpid(g[i], &st, 0);
		printf("handler member %d: %s\n", i, wstr(st));
	}

	// kill(0, sig) from a child that leads its own group.
	c = fork();
	if (c == 0) {
		setpgid(0, 0);
		pid_t m = fork();
		if (m == 0) {
			for (;;)
				pause();
		}
		signal(SIGUSR1, on_plain);
		ms_sleep(20);
		int rc = kill(0, SIGUSR1);
		int s2;
		waitpid(m, &s2, 0);
		ms_sleep(20);
		printf("kill(0, SIGUSR1) in own group: %d, member: %s, sender's handler ran: %s\n", rc, wstr(s2), YN(hits > 0));
		_exit(0);
	}
	waitpid(c, &st, 0);

	say("kill bad signal 65", kill(d, 65));
	say("kill bad signal -1", kill(d, -1));
	kill(d, SIGKILL);
	waitpid(d, &st, 0);
	printf("D: %s\n", wstr(st));
	say("kill(-99999) no such group", kill(-99999, 0));
	say("kill(99999) no such pid", kill(99999, 0));
	return 0;
}
