// proc_eintr: a signal sent by another process interrupts a blocking call:
// a pipe read without SA_RESTART fails with EINTR, with SA_RESTART it is
// restarted and returns the data written later; wait4 without SA_RESTART
// fails with EINTR; nanosleep always returns EINTR; a blocking write to a
// full pipe fails with EINTR; the signal is sent repeatedly by the parent
// until the child reports, so the test does not depend on timing.
#include "guest.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t hits;
static void on_usr1(int s)
{
	(void)s;
	hits++;
}

static void set_handler(int restart)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGUSR1, &sa, NULL);
}

// Sends SIGUSR1 to C every 20 ms until a line arrives on REP (at most
// 10 s), then prints the line. With DATA, after 5 signals writes it to FD
// (for the SA_RESTART case, where the call only returns with data).
static void poke_until_report(pid_t c, int rep, int fd, const char *data)
{
	char line[256];
	int sent = 0;
	for (int i = 0; i < 500; i++) {
		struct pollfd pf = { .fd = rep, .events = POLLIN };
		if (poll(&pf, 1, 20) > 0)
			break;
		kill(c, SIGUSR1);
		sent++;
		if (data && sent == 5)
			write(fd, data, strlen(data));
	}
	ssize_t n = read(rep, line, sizeof line - 1);
	line[n > 0 ? n : 0] = 0;
	int st;
	waitpid(c, &st, 0);
	printf("%s", line);
	printf("  child: %s\n", wstr(st));
}

static void report(int fd, const char *fmt, long v, int e, int h)
{
	char line[256];
	int n = snprintf(line, sizeof line, fmt, v, v < 0 ? ename(e) : "-", YN(h));
	write(fd, line, n);
}

int main(void)
{
	int p[2], rep[2];
	pid_t c;

	pipe(p);
	pipe(rep);
	set_handler(0); // before fork: a signal must never find the default action
	c = fork();
	if (c == 0) {
		set_handler(0);
		char b[16];
		ssize_t n = read(p[0], b, sizeof b);
		report(rep[1], "read without SA_RESTART: %ld %s, handler ran: %s\n", n, errno, hits > 0);
		_exit(0);
	}
	poke_until_report(c, rep[0], -1, NULL);

	set_handler(1); // before fork: a signal must never find the default action
	c = fork();
	if (c == 0) {
		set_handler(1);
		char b[16];
		ssize_t n = read(p[0], b, sizeof b);
		char line[128];
		int len = snprintf(line, sizeof line, "read with SA_RESTART: %zd '%.*s', handler ran: %s\n", n,
				   (int)(n > 0 ? n : 0), b, YN(hits > 0));
		write(rep[1], line, len);
		_exit(0);
	}
	poke_until_report(c, rep[0], p[1], "data");

	set_handler(0); // before fork: a signal must never find the default action
	c = fork();
	if (c == 0) {
		set_handler(0);
		pid_t g = fork();
		if (g == 0) {
			signal(SIGUSR1, SIG_IGN);
			for (;;)
				pause();
		}
		int st;
		pid_t r = wait4(g, &st, 0, NULL);
		report(rep[1], "wait4 without SA_RESTART: %ld %s, handler ran: %s\n", r, errno, hits > 0);
		kill(g, SIGKILL);
		waitpid(g, &st, 0);
		_exit(0);
	}
	poke_until_report(c, rep[0], -1, NULL);

	set_handler(1); // before fork: a signal must never find the default action
	c = fork();
	if (c == 0) {
		set_handler(1);
		struct timespec ts = { 30, 0 };
		int r = nanosleep(&ts, &ts);
		report(rep[1], "nanosleep with SA_RESTART: %ld %s, handler ran: %s\n", r, errno, hits > 0);
		_exit(0);
	}
	poke_until_report(c, rep[0], -1, NULL);

	set_handler(0); // before fork: a signal must never find the default action
	c = fork();
	if (c == 0) {
		set_handler(0);
		int q[2];
		pipe(q);
		fcntl(q[1], F_SETFL, O_NONBLOCK);
		char big[4096];
		memset(big, 'x', sizeof big);
		while (write(q[1], big, sizeof big) > 0)
			;
		fcntl(q[1], F_SETFL, 0);
		ssize_t n = write(q[1], big, sizeof big);
		report(rep[1], "write to a full pipe without SA_RESTART: %ld %s, handler ran: %s\n", n, errno, hits > 0);
		_exit(0);
	}
	poke_until_report(c, rep[0], -1, NULL);

	set_handler(0); // before fork: a signal must never find the default action
	c = fork();
	if (c == 0) {
		set_handler(0);
		struct pollfd pf = { .fd = p[0], .events = POLLIN };
		int r = poll(&pf, 1, 30000);
		report(rep[1], "poll: %ld %s, handler ran: %s\n", r, errno, hits > 0);
		_exit(0);
	}
	poke_until_report(c, rep[0], -1, NULL);
	return 0;
}
