// proc_sigchld: SIGCHLD delivered to an SA_SIGINFO handler when a child
// exits (si_code CLD_EXITED, si_pid, si_status = exit code) or is killed
// (CLD_KILLED, si_status = the signal); a SIGCHLD blocked during the exit
// is pending afterwards and sigtimedwait returns it; SIGCHLD set to SIG_IGN
// reaps children automatically (wait blocks until they are gone, then
// ECHILD) while SIG_DFL keeps zombies; SA_NOCLDWAIT with a handler
// auto-reaps too and the handler still runs; SA_NOCLDSTOP is accepted.
#include "guest.h"
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got, got_code, got_status, got_pid, got_signo;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got++;
	got_signo = sig;
	got_code = si->si_code;
	got_status = si->si_status;
	got_pid = si->si_pid;
}

static const char *code_name(int c)
{
	return c == CLD_EXITED ? "CLD_EXITED" : c == CLD_KILLED ? "CLD_KILLED" : c == CLD_DUMPED ? "CLD_DUMPED" : "other";
}

static void ms_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

// Waits (up to 5 s) for the handler to have run N times.
static void wait_handler(int n)
{
	for (int i = 0; i < 1000 && got < n; i++)
		ms_sleep(5);
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);

	pid_t c = fork();
	if (c == 0)
		_exit(42);
	wait_handler(1);
	printf("exit: handler ran %d, signo %s, si_code %s, si_pid is child %s, si_status %d\n", got, sname(got_signo),
	       code_name(got_code), YN(got_pid == c), got_status);
	int st;
	pid_t r = waitpid(c, &st, 0);
	printf("still a zombie to reap: %s, %s\n", YN(r == c), wstr(st));

	got = 0;
	c = fork();
	if (c == 0) {
		for (;;)
			pause();
	}
	kill(c, SIGUSR2);
	wait_handler(1);
	printf("killed: handler ran %d, si_code %s, si_pid is child %s, si_status %s\n", got, code_name(got_code),
	       YN(got_pid == c), sname(got_status));
	waitpid(c, &st, 0);

	// Blocked SIGCHLD: pending after the exit, fetched with sigtimedwait.
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	got = 0;
	c = fork();
	if (c == 0)
		_exit(3);
	waitpid(c, &st, 0);
	sigset_t pend;
	sigpending(&pend);
	printf("blocked: pending after exit: %s, handler ran: %d\n", YN(sigismember(&pend, SIGCHLD)), got);
	siginfo_t si;
	struct timespec to = { 1, 0 };
	int s = sigtimedwait(&set, &si, &to);
	printf("sigtimedwait: %s, si_code %s, si_status %d\n", s > 0 ? sname(s) : ename(errno), code_name(si.si_code),
	       si.si_status);
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	// SIG_DFL: a zombie stays until waited for.
	signal(SIGCHLD, SIG_DFL);
	c = fork();
	if (c == 0)
		_exit(1);
	ms_sleep(50);
	r = waitpid(c, &st, 0);
	printf("SIG_DFL: zombie reaped: %s, %s\n", YN(r == c), wstr(st));

	// SIG_IGN: children are reaped by the system; wait blocks until the
	// last is gone and then fails with ECHILD.
	signal(SIGCHLD, SIG_IGN);
	pid_t kids[3];
	for (int i = 0; i < 3; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			ms_sleep(20 * i);
			_exit(5);
		}
	}
	errno = 0;
	r = wait(&st);
	printf("SIG_IGN: wait: %d %s\n", (int)r, ename(errno));
	printf("SIG_IGN: children gone: %s\n", YN(kill(kids[0], 0) < 0 && kill(kids[1], 0) < 0 && kill(kids[2], 0) < 0));
	c = fork();
	if (c == 0)
		_exit(5);
	errno = 0;
	r = waitpid(c, &st, 0);
	printf("SIG_IGN: waitpid for one child: %d %s\n", (int)r, ename(errno));

	// SA_NOCLDWAIT with a handler: auto-reaped, the handler still runs.
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO | SA_NOCLDWAIT;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	got = 0;
	c = fork();
	if (c == 0)
		_exit(6);
	wait_handler(1);
	printf("SA_NOCLDWAIT: handler ran %d, si_code %s, si_status %d\n", got, code_name(got_code), got_status);
	errno = 0;
	r = waitpid(c, &st, 0);
	printf("SA_NOCLDWAIT: waitpid: %d %s\n", (int)r, ename(errno));

	// SA_NOCLDWAIT with SIG_DFL.
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = SA_NOCLDWAIT;
	sigaction(SIGCHLD, &sa, NULL);
	c = fork();
	if (c == 0)
		_exit(6);
	errno = 0;
	r = waitpid(c, &st, 0);
	printf("SA_NOCLDWAIT + SIG_DFL: waitpid: %d %s\n", (int)r, ename(errno));

	// Back to a plain handler: zombies again.
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	c = fork();
	if (c == 0)
		_exit(8);
	r = waitpid(c, &st, 0);
	printf("handler again: reaped: %s, %s\n", YN(r == c), wstr(st));
	return 0;
}
