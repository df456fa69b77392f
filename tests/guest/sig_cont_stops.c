// sig_cont_stops: SIGCONT discards pending stop signals even while SIGCONT
// itself is ignored (its default) — a blocked SIGTSTP raised before a
// SIGCONT must not stop the process when it is unblocked after it. The
// same with the stop coming from the parent (kill) into a child that
// blocks it, and the reverse order (SIGCONT first) where the stop stays.
#include "guest.h"
#include <signal.h>
#include <unistd.h>

static int pending(int sig)
{
	sigset_t s;
	sigpending(&s);
	return sigismember(&s, sig);
}

// A child that blocks SIGTSTP, gets the signals in ORDER ("TC": TSTP then
// CONT, "CT": CONT then TSTP) from itself or from the parent, reports
// whether SIGTSTP is pending, unblocks it and exits 0.
static void run(const char *order, int from_parent)
{
	int go[2], done[2];
	pipe(go);
	pipe(done);
	pid_t c = fork();
	if (c == 0) {
		sigset_t b;
		sigemptyset(&b);
		sigaddset(&b, SIGTSTP);
		sigprocmask(SIG_BLOCK, &b, NULL);
		char x = 0;
		write(done[1], &x, 1); // blocked now
		if (from_parent) {
			read(go[0], &x, 1); // the parent has sent both
		} else {
			for (const char *o = order; *o; o++)
				kill(getpid(), *o == 'T' ? SIGTSTP : SIGCONT);
		}
		printf("%s from %s: SIGTSTP pending %s\n", order, from_parent ? "parent" : "self",
		       YN(pending(SIGTSTP)));
		fflush(stdout);
		sigprocmask(SIG_UNBLOCK, &b, NULL);
		_exit(0);
	}
	char x;
	read(done[0], &x, 1);
	if (from_parent) {
		for (const char *o = order; *o; o++)
			kill(c, *o == 'T' ? SIGTSTP : SIGCONT);
		write(go[1], &x, 1);
	}
	int st;
	waitpid(c, &st, WUNTRACED);
	printf("  child: %s\n", wstr(st));
	if (WIFSTOPPED(st)) {
		kill(c, SIGKILL);
		waitpid(c, &st, 0);
	}
	close(go[0]), close(go[1]), close(done[0]), close(done[1]);
}

int main(void)
{
	run("TC", 0);
	run("CT", 0);
	run("TC", 1);
	run("CT", 1);
	return 0;
}
