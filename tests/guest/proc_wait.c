// proc_wait: fork + wait4/waitpid: exit codes (0, 1, 42, 255, exit from
// main's return, exit with a truncated code), deaths by signal
// (WIFSIGNALED/WTERMSIG for SIGKILL, SIGTERM, SIGSEGV, SIGABRT), rusage from
// wait4, waitpid for a specific child among several, waitpid(-1) and
// waitpid(0) (own process group), WNOHANG while a child runs, a zombie that
// still answers kill(pid, 0) until it is reaped, ECHILD with no children
// and for a pid that is not a child, getppid() in the child, fork's return
// values, and the child's copy of the parent's memory.
#include "guest.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static void ms_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static pid_t spawn_exit(int code)
{
	pid_t p = fork();
	if (p == 0)
		_exit(code);
	return p;
}

static void report(const char *label, pid_t child)
{
	int st = 0;
	pid_t r = waitpid(child, &st, 0);
	printf("%s: waitpid returned the child: %s, %s\n", label, YN(r == child), wstr(st));
}

int main(void)
{
	pid_t me = getpid();
	int value = 10;
	int p[2];
	pipe(p);
	pid_t c = fork();
	if (c == 0) {
		value = 20;
		char line[128];
		int n = snprintf(line, sizeof line, "child: fork returned 0, getppid() == parent: %s, getpid() != parent: %s\n",
				 YN(getppid() == me), YN(getpid() != me));
		write(p[1], line, n);
		_exit(value);
	}
	close(p[1]);
	char buf[256];
	ssize_t n = read(p[0], buf, sizeof buf);
	close(p[0]);
	fwrite(buf, 1, n > 0 ? n : 0, stdout);
	printf("parent: child pid > 0: %s, != mine: %s\n", YN(c > 0), YN(c != me));
	report("exit 20 (parent's value unchanged)", c);
	printf("parent's value still: %d\n", value);

	int codes[] = { 0, 1, 42, 255, 256 + 7 };
	for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		char label[32];
		snprintf(label, sizeof label, "_exit(%d)", codes[i]);
		report(label, spawn_exit(codes[i]));
	}

	c = fork();
	if (c == 0) {
		printf("child: exit(9) flushes stdio\n");
		exit(9);
	}
	report("exit(9)", c);

	int sigs[] = { SIGKILL, SIGTERM, SIGUSR1, SIGHUP };
	for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		c = fork();
		if (c == 0) {
			for (;;)
				pause();
		}
		kill(c, sigs[i]);
		int st;
		waitpid(c, &st, 0);
		printf("killed by %s: WIFSIGNALED %s, WTERMSIG %s, WIFEXITED %s\n", sname(sigs[i]), YN(WIFSIGNALED(st)),
		       sname(WTERMSIG(st)), YN(WIFEXITED(st)));
	}

	c = fork();
	if (c == 0) {
		signal(SIGSEGV, SIG_DFL);
		*(volatile int *)16 = 1;
		_exit(0);
	}
	report("null-pointer write", c);
	c = fork();
	if (c == 0)
		abort();
	report("abort()", c);
	c = fork();
	if (c == 0) {
		raise(SIGTERM);
		_exit(0);
	}
	report("raise(SIGTERM)", c);

	// Several children, reaped in an order different from their exits.
	pid_t kids[4];
	for (int i = 0; i < 4; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			ms_sleep(10 * (4 - i));
			_exit(30 + i);
		}
	}
	for (int i = 0; i < 4; i++) {
		int st;
		pid_t r = waitpid(kids[i], &st, 0);
		printf("child %d reaped by pid: %s, %s\n", i, YN(r == kids[i]), wstr(st));
	}

	// waitpid(-1) collects any child; each pid exactly once.
	for (int i = 0; i < 4; i++)
		kids[i] = spawn_exit(50 + i);
	int seen = 0, sum = 0;
	for (int i = 0; i < 4; i++) {
		int st;
		pid_t r = waitpid(-1, &st, 0);
		for (int j = 0; j < 4; j++)
			if (r == kids[j])
				seen |= 1 << j;
		sum += WEXITSTATUS(st);
	}
	printf("waitpid(-1) x4: all four seen: %s, status sum %d\n", YN(seen == 15), sum);

	// waitpid(0): children in the caller's process group.
	c = spawn_exit(61);
	int st;
	pid_t r = waitpid(0, &st, 0);
	printf("waitpid(0): %s, %s\n", YN(r == c), wstr(st));

	// WNOHANG: 0 while the child runs, then its pid.
	c = fork();
	if (c == 0) {
		ms_sleep(200);
		_exit(4);
	}
	st = -1;
	r = waitpid(c, &st, WNOHANG);
	printf("WNOHANG while running: %d, status untouched: %s\n", (int)r, YN(st == -1));
	int polls = 0;
	while ((r = waitpid(c, &st, WNOHANG)) == 0) {
		polls++;
		ms_sleep(5);
	}
	printf("WNOHANG later: returned the child: %s, %s, polled: %s\n", YN(r == c), wstr(st), YN(polls > 0));

	// A zombie: it exited, kill(pid, 0) still finds it, until it is reaped.
	c = spawn_exit(5);
	siginfo_t si;
	waitid(P_PID, c, &si, WEXITED | WNOWAIT); // a zombie from here on
	say("kill(zombie, 0)", kill(c, 0));
	say("kill(zombie, SIGKILL)", kill(c, SIGKILL));
	report("zombie reaped", c);
	say("kill(reaped, 0)", kill(c, 0));

	// wait4 with rusage.
	c = fork();
	if (c == 0) {
		volatile unsigned long x = 0;
		for (unsigned long i = 0; i < 50000000UL; i++)
			x += i;
		_exit(0);
	}
	struct rusage ru;
	memset(&ru, 0, sizeof ru);
	r = wait4(c, &st, 0, &ru);
	printf("wait4 with rusage: %s, %s, child used cpu time: %s\n", YN(r == c), wstr(st),
	       YN(ru.ru_utime.tv_sec > 0 || ru.ru_utime.tv_usec > 0));

	// ECHILD: no children left; a pid that is not our child.
	say("waitpid(-1) with no children", waitpid(-1, &st, 0));
	say("waitpid(WNOHANG) with no children", waitpid(-1, &st, WNOHANG));
	say("waitpid(1) (not a child)", waitpid(1, &st, 0));
	say("waitpid(getpid())", waitpid(getpid(), &st, 0));
	say("waitpid bad options", waitpid(-1, &st, 0x7000000));
	return 0;
}
