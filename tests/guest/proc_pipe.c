// proc_pipe: pipes between processes: a reader in the parent sees EOF only
// when every writer (two children, and the parent's own copy) has closed;
// a blocked reader in a child is woken by the parent's write; a writer
// whose reader process exited gets SIGPIPE (default: killed), EPIPE with
// SIGPIPE ignored, and EPIPE after its handler ran; 4 writer processes
// writing PIPE_BUF-sized records concurrently never interleave within a
// record; O_NONBLOCK read on an empty pipe gives EAGAIN, a full pipe
// EAGAIN for a writer and the fill equals F_GETPIPE_SZ; F_SETPIPE_SZ;
// a writer blocked on a full pipe resumes when another process reads;
// poll sees POLLHUP when the writer process exits; a writer or reader
// killed by SIGKILL closes its end too (EOF, EPIPE).
#include "guest.h"
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void ms_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static volatile int got_pipe;
static void on_pipe(int sig)
{
	(void)sig;
	got_pipe++;
}

// A child that writes to a pipe whose reader is gone; returns its status.
// MODE 0: SIGPIPE default, 1: ignored, 2: handled.
static void epipe_case(int mode)
{
	int p[2], rep[2];
	pipe(p);
	pipe(rep);
	pid_t reader = fork();
	if (reader == 0) {
		close(p[1]);
		char c;
		read(p[0], &c, 1); // one byte, then exits: the read end closes
		_exit(0);
	}
	close(p[0]);
	pid_t w = fork();
	if (w == 0) {
		close(rep[0]);
		if (mode == 1)
			signal(SIGPIPE, SIG_IGN);
		if (mode == 2) {
			struct sigaction sa = { .sa_handler = on_pipe };
			sigaction(SIGPIPE, &sa, NULL);
		}
		write(p[1], "x", 1);
		// The reader is a sibling: wait until it is gone.
		for (int i = 0; i < 200; i++) {
			if (kill(reader, 0) < 0)
				break;
			ms_sleep(5);
		}
		ms_sleep(20);
		errno = 0;
		ssize_t n = write(p[1], "more", 4);
		int e = errno;
		char line[128];
		int len = snprintf(line, sizeof line, "  writer: write %zd %s, handler ran %d\n", n, n < 0 ? ename(e) : "-", got_pipe);
		write(rep[1], line, len);
		_exit(0);
	}
	close(p[1]);
	close(rep[1]);
	int st;
	waitpid(reader, &st, 0);
	waitpid(w, &st, 0);
	char buf[256];
	ssize_t n = read(rep[0], buf, sizeof buf);
	close(rep[0]);
	const char *names[] = { "SIGPIPE default", "SIGPIPE ignored", "SIGPIPE handled" };
	printf("%s: writer %s\n", names[mode], wstr(st));
	if (n > 0)
		fwrite(buf, 1, n, stdout);
}

int main(void)
{
	// EOF only after every writer has closed.
	int p[2], go[2];
	pipe(p);
	pipe(go);
	pid_t w1 = fork();
	if (w1 == 0) {
		close(p[0]);
		write(p[1], "one ", 4);
		_exit(0);
	}
	pid_t w2 = fork();
	if (w2 == 0) {
		close(p[0]);
		char ch;
		read(go[0], &ch, 1); // writes only when told
		write(p[1], "two", 3);
		_exit(0);
	}
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	waitpid(w1, NULL, 0);
	char buf[1 << 16];
	ms_sleep(20);
	ssize_t n = read(p[0], buf, sizeof buf);
	printf("first writer done: read %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
	close(p[1]);
	write(go[1], "g", 1);
	close(go[0]);
	close(go[1]);
	fcntl(p[0], F_SETFL, 0);
	n = read(p[0], buf, sizeof buf);
	printf("second writer: read %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
	n = read(p[0], buf, sizeof buf);
	printf("after all writers closed: read %zd\n", n);
	waitpid(w2, NULL, 0);
	close(p[0]);

	// A reader blocked in a child is woken by the parent's write.
	int rep[2];
	pipe(p);
	pipe(rep);
	pid_t r = fork();
	if (r == 0) {
		close(p[1]);
		char b[64];
		ssize_t k = read(p[0], b, sizeof b);
		write(rep[1], b, k > 0 ? k : 0);
		_exit(k > 0 ? 0 : 1);
	}
	close(p[0]);
	ms_sleep(100);
	write(p[1], "wake up", 7);
	n = read(rep[0], buf, sizeof buf);
	int st;
	waitpid(r, &st, 0);
	printf("blocked reader in a child got: '%.*s', %s\n", (int)(n > 0 ? n : 0), buf, wstr(st));
	close(p[1]);
	close(rep[0]);
	close(rep[1]);

	epipe_case(0);
	epipe_case(1);
	epipe_case(2);

	// PIPE_BUF atomicity: 4 writers, 200 records of PIPE_BUF bytes each.
	pipe(p);
	pid_t ws[4];
	for (int i = 0; i < 4; i++) {
		ws[i] = fork();
		if (ws[i] == 0) {
			close(p[0]);
			char rec[PIPE_BUF];
			memset(rec, 'A' + i, sizeof rec);
			for (int k = 0; k < 200; k++)
				if (write(p[1], rec, sizeof rec) != sizeof rec)
					_exit(1);
			_exit(0);
		}
	}
	close(p[1]);
	static char all[4 * 200 * PIPE_BUF + 1];
	long total = 0;
	while ((n = read(p[0], all + total, sizeof all - total)) > 0)
		total += n;
	int torn = 0, counts[4] = { 0 };
	for (long off = 0; off + PIPE_BUF <= total; off += PIPE_BUF) {
		char c = all[off];
		for (int k = 1; k < PIPE_BUF; k++)
			if (all[off + k] != c) {
				torn++;
				break;
			}
		if (c >= 'A' && c < 'E')
			counts[c - 'A']++;
	}
	for (int i = 0; i < 4; i++)
		waitpid(ws[i], NULL, 0);
	printf("PIPE_BUF %d: total %ld, torn records %d, per writer %d %d %d %d\n", PIPE_BUF, total, torn, counts[0],
	       counts[1], counts[2], counts[3]);
	close(p[0]);

	// Non-blocking: EAGAIN both ways; the capacity.
	pipe2(p, O_NONBLOCK);
	say("O_NONBLOCK read on empty pipe", read(p[0], buf, 1));
	int sz = fcntl(p[1], F_GETPIPE_SZ);
	printf("F_GETPIPE_SZ: %d\n", sz);
	memset(buf, 'f', sizeof buf);
	total = 0;
	while ((n = write(p[1], buf, 1024)) > 0)
		total += n;
	printf("filled with 1 KiB writes until %s: %ld, equals F_GETPIPE_SZ: %s\n", ename(errno), total, YN(total == sz));
	// A child drains it; then writes succeed again.
	r = fork();
	if (r == 0) {
		long got = 0;
		ssize_t k;
		while ((k = read(p[0], buf, sizeof buf)) > 0)
			got += k;
		_exit(got == sz ? 0 : 1);
	}
	waitpid(r, &st, 0);
	printf("drained by a child: %s\n", wstr(st));
	say("write after the drain", write(p[1], buf, 1024));
	close(p[0]);
	close(p[1]);

	pipe(p);
	printf("F_SETPIPE_SZ 1 MiB: %d\n", fcntl(p[1], F_SETPIPE_SZ, 1 << 20));
	printf("F_GETPIPE_SZ now: %d (on the read end %d)\n", fcntl(p[1], F_GETPIPE_SZ), fcntl(p[0], F_GETPIPE_SZ));
	printf("F_SETPIPE_SZ 100 rounds up: %d\n", fcntl(p[1], F_SETPIPE_SZ, 100));
	close(p[0]);
	close(p[1]);

	// A blocking writer of 1 MiB resumes as another process reads.
	pipe(p);
	r = fork();
	if (r == 0) {
		close(p[0]);
		static char big[1 << 20];
		memset(big, 'b', sizeof big);
		ssize_t k = write(p[1], big, sizeof big);
		_exit(k == sizeof big ? 0 : 1);
	}
	close(p[1]);
	total = 0;
	ms_sleep(50);
	while ((n = read(p[0], buf, sizeof buf)) > 0)
		total += n;
	waitpid(r, &st, 0);
	printf("1 MiB blocking write through a 64 KiB pipe: read %ld, writer %s\n", total, wstr(st));
	close(p[0]);

	// A writer killed by SIGKILL (no exit path of its own) still closes
	// its end: the reader sees EOF; a reader killed likewise gives EPIPE.
	pipe(p);
	r = fork();
	if (r == 0) {
		close(p[0]);
		write(p[1], "k", 1);
		for (;;)
			pause();
	}
	close(p[1]);
	n = read(p[0], buf, 1);
	kill(r, SIGKILL);
	waitpid(r, &st, 0);
	alarm(10);
	n = read(p[0], buf, sizeof buf);
	alarm(0);
	printf("writer killed by SIGKILL: %s, then read %zd\n", wstr(st), n);
	close(p[0]);
	pipe(p);
	r = fork();
	if (r == 0) {
		close(p[1]);
		for (;;)
			pause();
	}
	close(p[0]);
	kill(r, SIGKILL);
	waitpid(r, &st, 0);
	signal(SIGPIPE, SIG_IGN);
	say("write after the reader was killed by SIGKILL", write(p[1], "x", 1));
	signal(SIGPIPE, SIG_DFL);
	close(p[1]);

	// POLLHUP when the writer process exits.
	pipe(p);
	r = fork();
	if (r == 0) {
		close(p[0]);
		ms_sleep(50);
		_exit(0);
	}
	close(p[1]);
	struct pollfd pf = { .fd = p[0], .events = POLLIN };
	int pr = poll(&pf, 1, 5000);
	printf("poll after the writer exited: %d, POLLHUP %s, POLLIN %s\n", pr, YN(pf.revents & POLLHUP),
	       YN(pf.revents & POLLIN));
	waitpid(r, NULL, 0);
	close(p[0]);
	return 0;
}
