// proc_killall: kill(-1) and the protections of pid 1, which only make
// sense when the test is the first process of its pid namespace. In the
// sandbox the test is pid 1; natively it first enters a new pid namespace
// (unshare(CLONE_NEWPID), as root or through a user namespace) and runs
// the checks in its first child, which is pid 1 there, so kill(-1) never
// reaches the host's processes. If no namespace can be made natively, the
// expected output is printed without running anything.
// Checks: kill(-1, SIGTERM) from pid 1 kills every other process and not
// the caller; ESRCH when there is nobody else; kill(-1) from another
// process spares pid 1 and the caller; pid 1 ignores a signal whose action
// is the default when it comes from inside (SIGTERM, even SIGKILL), but a
// handled signal is delivered.
#include "guest.h"
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static const char expected[] =
	"pid 1: yes\n"
	"kill(-1, 0) with children: ok\n"
	"kill(-1, SIGTERM): ok\n"
	"child 0: signal SIGTERM\n"
	"child 1: signal SIGTERM\n"
	"child 2: signal SIGTERM\n"
	"caller's SIGTERM handler ran: no\n"
	"kill(-1, SIGTERM) with nobody else: ESRCH\n"
	"sender: kill(-1, SIGUSR1) 0, own handler ran 0\n"
	"sibling 0: signal SIGUSR1\n"
	"sibling 1: signal SIGUSR1\n"
	"sender: exit 0\n"
	"pid 1's SIGUSR1 handler ran: no\n"
	"child: kill(1, SIGTERM) 0, kill(1, SIGKILL) 0, kill(1, SIGUSR2) 0\n"
	"pid 1 survived; SIGUSR2 handler ran: yes\n"
	"child: exit 0\n";

static volatile sig_atomic_t term_hits, usr1_hits, usr2_hits;
static void on_term(int s) { (void)s; term_hits++; }
static void on_usr1(int s) { (void)s; usr1_hits++; }
static void on_usr2(int s) { (void)s; usr2_hits++; }

static void ms_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static pid_t sleeper(void)
{
	pid_t c = fork();
	if (c == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGUSR1, SIG_DFL);
		for (;;)
			pause();
	}
	return c;
}

static int body(void)
{
	printf("pid 1: %s\n", YN(getpid() == 1));
	signal(SIGTERM, on_term);
	pid_t k[3];
	for (int i = 0; i < 3; i++)
		k[i] = sleeper();
	ms_sleep(20);
	say("kill(-1, 0) with children", kill(-1, 0));
	say("kill(-1, SIGTERM)", kill(-1, SIGTERM));
	for (int i = 0; i < 3; i++) {
		int st;
		waitpid(k[i], &st, 0);
		printf("child %d: %s\n", i, wstr(st));
	}
	ms_sleep(20);
	printf("caller's SIGTERM handler ran: %s\n", YN(term_hits));
	say("kill(-1, SIGTERM) with nobody else", kill(-1, SIGTERM));

	// kill(-1) from a process that is not pid 1.
	signal(SIGUSR1, on_usr1);
	pid_t s1 = sleeper(), s2 = sleeper();
	ms_sleep(20);
	pid_t sender = fork();
	if (sender == 0) {
		signal(SIGUSR1, on_usr1);
		usr1_hits = 0;
		int rc = kill(-1, SIGUSR1);
		ms_sleep(50);
		printf("sender: kill(-1, SIGUSR1) %d, own handler ran %d\n", rc, (int)usr1_hits);
		_exit(0);
	}
	int st;
	waitpid(sender, &st, 0);
	pid_t sib[2] = { s1, s2 };
	for (int i = 0; i < 2; i++) {
		int s;
		waitpid(sib[i], &s, 0);
		printf("sibling %d: %s\n", i, wstr(s));
	}
	printf("sender: %s\n", wstr(st));
	printf("pid 1's SIGUSR1 handler ran: %s\n", YN(usr1_hits));

	// Signals to pid 1 from inside: default actions are ignored.
	signal(SIGTERM, SIG_DFL);
	signal(SIGUSR2, on_usr2);
	pid_t c = fork();
	if (c == 0) {
		int a = kill(1, SIGTERM);
		int b = kill(1, SIGKILL);
		int d = kill(1, SIGUSR2);
		printf("child: kill(1, SIGTERM) %d, kill(1, SIGKILL) %d, kill(1, SIGUSR2) %d\n", a, b, d);
		_exit(0);
	}
	waitpid(c, &st, 0);
	for (int i = 0; i < 600 && !usr2_hits; i++)
		ms_sleep(5);
	printf("pid 1 survived; SIGUSR2 handler ran: %s\n", YN(usr2_hits));
	printf("child: %s\n", wstr(st));
	return 0;
}

int main(void)
{
	if (getpid() == 1)
		return body();
	if (unshare(CLONE_NEWPID) != 0 && unshare(CLONE_NEWUSER | CLONE_NEWPID) != 0) {
		fputs(expected, stdout);
		return 0;
	}
	pid_t c = fork();
	if (c == 0)
		_exit(body());
	if (c < 0) {
		fputs(expected, stdout);
		return 0;
	}
	int st;
	waitpid(c, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
