// file_pipe: pipe/pipe2 data flow, EOF after the writer closes, EPIPE with
// SIGPIPE ignored, O_NONBLOCK EAGAIN, the default pipe capacity, partial
// non-blocking writes, and O_CLOEXEC from pipe2.
#include "guest.h"
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

int main(void)
{
	int p[2];
	say("pipe", pipe(p));
	printf("write: %zd\n", write(p[1], "through the pipe", 16));
	char buf[65536 + 100];
	ssize_t n = read(p[0], buf, 7);
	printf("read 7: %zd '%.7s'\n", n, buf);
	n = read(p[0], buf, sizeof buf);
	printf("read rest: %zd '%.*s'\n", n, (int)n, buf);
	close(p[1]);
	printf("read after writer closed: %zd\n", read(p[0], buf, 10));
	close(p[0]);

	signal(SIGPIPE, SIG_IGN);
	pipe(p);
	close(p[0]);
	say("write with no reader", write(p[1], "x", 1));
	close(p[1]);

	say("pipe2 O_NONBLOCK|O_CLOEXEC", pipe2(p, O_NONBLOCK | O_CLOEXEC));
	printf("cloexec on both ends: %s\n", YN(fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC));
	say("read empty", read(p[0], buf, 1));
	memset(buf, 'p', sizeof buf);
	long total = 0;
	for (;;) {
		n = write(p[1], buf, 4096);
		if (n < 0)
			break;
		total += n;
	}
	printf("filled until %s, capacity: %ld\n", ename(errno), total);
	read(p[0], buf, 100);
	say("write 4096 with only 100 bytes free", write(p[1], buf, 4096));
	long drained = 0;
	while ((n = read(p[0], buf, sizeof buf)) > 0)
		drained += n;
	printf("drained: %ld\n", drained);
	say("pipe2 bad flags", pipe2(p, 0x1234));
	return 0;
}
