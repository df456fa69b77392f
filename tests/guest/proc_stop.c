// proc_stop: SIGSTOP/SIGCONT between processes: a stopped child makes no
// progress, waitpid(WUNTRACED) reports it stopped and waitid(WSTOPPED) with
// CLD_STOPPED, waitpid without WUNTRACED does not; SIGCONT resumes it,
// WCONTINUED reports it and the child's SIGCONT handler runs; the parent's
// SIGCHLD handler sees CLD_STOPPED and CLD_CONTINUED (not with
// SA_NOCLDSTOP); SIGTSTP stops by default but not with a handler; SIGTERM
// sent to a stopped child waits until SIGCONT; SIGKILL kills a stopped
// child at once.
#include "guest.h"
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void ms_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

// waitpid(c, st, FLAGS) for at most 3 s (polling with WNOHANG), so a stop
// that never happens shows up as 0 instead of a hang.
static pid_t wait_upto(pid_t c, int *st, int flags)
{
	for (int i = 0; i < 600; i++) {
		pid_t r = waitpid(c, st, flags | WNOHANG);
		if (r != 0)
			return r;
		ms_sleep(5);
	}
	*st = 0;
	return 0;
}

static volatile sig_atomic_t chld_codes[16], nchld, cont_hits;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (nchld < 16)
		chld_codes[nchld++] = si->si_code;
}

static void on_cont(int sig)
{
	(void)sig;
	cont_hits++;
}

static void on_tstp(int sig)
{
	(void)sig;
}

static const char *code_name(int c)
{
	switch (c) {
	case CLD_EXITED:
		return "CLD_EXITED";
	case CLD_KILLED:
		return "CLD_KILLED";
	case CLD_STOPPED:
		return "CLD_STOPPED";
	case CLD_CONTINUED:
		return "CLD_CONTINUED";
	}
	return "other";
}

static int p[2];

// A child that writes one byte every 5 ms; reports SIGCONT handler runs
// in the byte's value.
static pid_t ticker(void)
{
	pid_t c = fork();
	if (c == 0) {
		close(p[0]);
		signal(SIGCONT, on_cont);
		for (;;) {
			char b = (char)cont_hits;
			write(p[1], &b, 1);
			ms_sleep(5);
		}
	}
	return c;
}

// Bytes available after a pause (draining the pipe); *last gets the
// last byte.
static long progress(int ms, char *last)
{
	char buf[4096];
	long total = 0;
	ssize_t n;
	while ((n = read(p[0], buf, sizeof buf)) > 0)
		;
	ms_sleep(ms);
	while ((n = read(p[0], buf, sizeof buf)) > 0) {
		total += n;
		if (last)
			*last = buf[n - 1];
	}
	return total;
}

// Waits up to 3 s for the child to write something (after draining what
// it wrote before); returns the bytes seen, *last gets the last one. Used
// where progress is expected, so a loaded machine does not make it flaky.
static long progress_wait(char *last)
{
	char buf[4096];
	long total = 0;
	ssize_t n;
	while ((n = read(p[0], buf, sizeof buf)) > 0)
		;
	for (int i = 0; i < 300 && total == 0; i++) {
		ms_sleep(10);
		while ((n = read(p[0], buf, sizeof buf)) > 0) {
			total += n;
			if (last)
				*last = buf[n - 1];
		}
	}
	return total;
}

static void show_codes(const char *label)
{
	printf("%s: SIGCHLD codes:", label);
	for (int i = 0; i < nchld; i++)
		printf(" %s", code_name(chld_codes[i]));
	printf("\n");
	nchld = 0;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
	pipe2(p, O_NONBLOCK);
	pid_t c = ticker();
	printf("running child makes progress: %s\n", YN(progress_wait(NULL) > 0));

	say("kill SIGSTOP", kill(c, SIGSTOP));
	int st;
	pid_t r = wait_upto(c, &st, WUNTRACED);
	printf("waitpid WUNTRACED: %s, %s\n", YN(r == c), wstr(st));
	printf("stopped child makes progress: %s\n", YN(progress(100, NULL) > 0));
	r = waitpid(c, &st, WNOHANG);
	printf("waitpid without WUNTRACED: %d\n", (int)r);
	r = waitpid(c, &st, WNOHANG | WUNTRACED);
	printf("stop reported only once: %d\n", (int)r);
	ms_sleep(20);
	show_codes("after stop");

	say("kill SIGCONT", kill(c, SIGCONT));
	r = wait_upto(c, &st, WCONTINUED);
	printf("waitpid WCONTINUED: %s, %s\n", YN(r == c), wstr(st));
	char last = 0;
	printf("continued child makes progress: %s\n", YN(progress_wait(&last) > 0));
	printf("child's SIGCONT handler ran: %s\n", YN(last == 1));
	show_codes("after continue");

	// waitid with WSTOPPED / WCONTINUED.
	kill(c, SIGSTOP);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	int rc = -1;
	for (int i = 0; i < 600; i++) {
		rc = waitid(P_PID, c, &si, WSTOPPED | WNOHANG);
		if (rc != 0 || si.si_pid != 0)
			break;
		ms_sleep(5);
	}
	printf("waitid WSTOPPED: %d, %s, si_status %s\n", rc, code_name(si.si_code), sname(si.si_status));
	// SIGTERM to a stopped process waits for SIGCONT.
	kill(c, SIGTERM);
	ms_sleep(50);
	r = waitpid(c, &st, WNOHANG);
	printf("SIGTERM while stopped: still there: %s\n", YN(r == 0));
	kill(c, SIGCONT);
	r = waitpid(c, &st, 0);
	printf("after SIGCONT: %s\n", wstr(st));
	ms_sleep(20);
	nchld = 0; // CLD_CONTINUED and CLD_KILLED may merge into one SIGCHLD

	// SIGKILL kills a stopped process.
	c = ticker();
	kill(c, SIGSTOP);
	wait_upto(c, &st, WUNTRACED);
	kill(c, SIGKILL);
	r = waitpid(c, &st, 0);
	printf("SIGKILL while stopped: %s\n", wstr(st));

	// SIGTSTP: default stops; a handler prevents it.
	c = ticker();
	kill(c, SIGTSTP);
	r = wait_upto(c, &st, WUNTRACED);
	printf("SIGTSTP default: %s\n", wstr(st));
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	c = fork();
	if (c == 0) {
		signal(SIGTSTP, on_tstp);
		close(p[0]);
		for (;;) {
			write(p[1], "t", 1);
			ms_sleep(5);
		}
	}
	ms_sleep(20);
	kill(c, SIGTSTP);
	ms_sleep(20);
	r = waitpid(c, &st, WNOHANG | WUNTRACED);
	printf("SIGTSTP handled: not stopped: %s, progress: %s\n", YN(r == 0), YN(progress_wait(NULL) > 0));
	kill(c, SIGKILL);
	waitpid(c, &st, 0);

	// SA_NOCLDSTOP: no SIGCHLD for stop/continue.
	sa.sa_flags |= SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	nchld = 0;
	c = ticker();
	kill(c, SIGSTOP);
	wait_upto(c, &st, WUNTRACED);
	kill(c, SIGCONT);
	wait_upto(c, &st, WCONTINUED);
	ms_sleep(20);
	show_codes("SA_NOCLDSTOP stop+cont");
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	ms_sleep(20);
	show_codes("SA_NOCLDSTOP kill");
	return 0;
}
