// proc_waitid: waitid with P_PID, P_ALL and P_PGID; WEXITED with si_code
// CLD_EXITED / CLD_KILLED, si_pid, si_uid, si_status,
// si_signo; WNOWAIT leaves the child waitable (a second waitid and then
// waitpid find it again); WNOHANG with nothing to report zeroes si_pid;
// EINVAL without WEXITED/WSTOPPED/WCONTINUED; ECHILD.
#include "guest.h"
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static const char *code_name(int c)
{
	switch (c) {
	case CLD_EXITED:
		return "CLD_EXITED";
	case CLD_KILLED:
		return "CLD_KILLED";
	case CLD_DUMPED:
		return "CLD_DUMPED";
	case CLD_STOPPED:
		return "CLD_STOPPED";
	case CLD_CONTINUED:
		return "CLD_CONTINUED";
	case CLD_TRAPPED:
		return "CLD_TRAPPED";
	}
	return "?";
}

static void show(const char *label, int rc, siginfo_t *si, pid_t want)
{
	if (rc < 0) {
		printf("%s: %s\n", label, ename(errno));
		return;
	}
	printf("%s: rc %d, si_signo %s, si_code %s, si_pid is child: %s, si_uid is mine: %s, si_status %d\n", label, rc,
	       si->si_signo ? sname(si->si_signo) : "0", code_name(si->si_code), YN(si->si_pid == want),
	       YN(si->si_uid == getuid()), si->si_status);
}

static pid_t child_exit(int code, int delay_ms)
{
	pid_t p = fork();
	if (p == 0) {
		struct timespec ts = { 0, delay_ms * 1000000L };
		nanosleep(&ts, NULL);
		_exit(code);
	}
	return p;
}

int main(void)
{
	siginfo_t si;
	pid_t c = child_exit(7, 0);
	memset(&si, 0, sizeof si);
	show("P_PID WEXITED", waitid(P_PID, c, &si, WEXITED), &si, c);

	c = child_exit(8, 0);
	memset(&si, 0, sizeof si);
	show("P_ALL WEXITED", waitid(P_ALL, 0, &si, WEXITED), &si, c);

	c = child_exit(9, 0);
	memset(&si, 0, sizeof si);
	show("P_PID WEXITED|WNOWAIT", waitid(P_PID, c, &si, WEXITED | WNOWAIT), &si, c);
	memset(&si, 0, sizeof si);
	show("again WNOWAIT P_ALL", waitid(P_ALL, 0, &si, WEXITED | WNOWAIT), &si, c);
	int st;
	pid_t r = waitpid(c, &st, WNOHANG);
	printf("waitpid after WNOWAIT finds it: %s, %s\n", YN(r == c), wstr(st));
	memset(&si, 0, sizeof si);
	show("waitid after reaping", waitid(P_PID, c, &si, WEXITED | WNOHANG), &si, c);

	c = fork();
	if (c == 0) {
		for (;;)
			pause();
	}
	memset(&si, 0xff, sizeof si);
	int rc = waitid(P_PID, c, &si, WEXITED | WNOHANG);
	printf("WNOHANG while running: rc %d, si_pid %d, si_signo %d\n", rc, si.si_pid, si.si_signo);
	kill(c, SIGTERM);
	memset(&si, 0, sizeof si);
	show("killed by SIGTERM", waitid(P_PID, c, &si, WEXITED), &si, c);
	if (si.si_status != SIGTERM)
		printf("si_status is not SIGTERM\n");

	c = fork();
	if (c == 0) {
		for (;;)
			pause();
	}
	kill(c, SIGKILL);
	memset(&si, 0, sizeof si);
	show("killed by SIGKILL", waitid(P_ALL, 0, &si, WEXITED), &si, c);

	// P_PGID: a child in its own group, another in ours.
	pid_t a = fork();
	if (a == 0) {
		setpgid(0, 0);
		struct timespec ts = { 0, 100 * 1000000L };
		nanosleep(&ts, NULL);
		_exit(11);
	}
	setpgid(a, a);
	pid_t b = child_exit(12, 0);
	memset(&si, 0, sizeof si);
	show("P_PGID of the other group", waitid(P_PGID, a, &si, WEXITED), &si, a);
	memset(&si, 0, sizeof si);
	show("P_PGID 0 (own group)", waitid(P_PGID, 0, &si, WEXITED), &si, b);

	memset(&si, 0, sizeof si);
	show("no children", waitid(P_ALL, 0, &si, WEXITED), &si, 0);
	show("no WEXITED/WSTOPPED/WCONTINUED", waitid(P_ALL, 0, &si, WNOHANG), &si, 0);
	show("bad idtype", waitid((idtype_t)77, 0, &si, WEXITED), &si, 0);
	return 0;
}
