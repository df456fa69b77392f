// file_splice: splice between a file and a pipe (with and without
// offsets), pipe to pipe, and its errors: no pipe at either end, an offset
// on a pipe, bad descriptors, an empty pipe with SPLICE_F_NONBLOCK.
#include "guest.h"
#include <fcntl.h>
#include <unistd.h>

#define F "/tmp/bento-gt-file_splice"

int main(void)
{
	int f = open(F, O_CREAT | O_RDWR | O_TRUNC, 0644);
	write(f, "0123456789abcdefghij", 20);
	int p[2], q[2];
	pipe(p);
	pipe(q);
	loff_t off = 5;
	ssize_t n = splice(f, &off, p[1], NULL, 8, 0);
	printf("file(off 5) -> pipe, 8: %zd, off now %lld\n", n, (long long)off);
	printf("file position still: %lld\n", (long long)lseek(f, 0, SEEK_CUR));
	char buf[64] = { 0 };
	printf("pipe holds: %zd '%s'\n", read(p[0], buf, sizeof buf - 1), buf);
	lseek(f, 2, SEEK_SET);
	n = splice(f, NULL, p[1], NULL, 4, 0);
	printf("file(position 2) -> pipe, 4: %zd, position now %lld\n", n, (long long)lseek(f, 0, SEEK_CUR));
	printf("pipe -> pipe, 100: %zd\n", splice(p[0], NULL, q[1], NULL, 100, 0));
	loff_t out = 18;
	n = splice(q[0], NULL, f, &out, 100, 0);
	printf("pipe -> file(off 18), 100: %zd, off now %lld\n", n, (long long)out);
	memset(buf, 0, sizeof buf);
	printf("file now: %zd '%s'\n", pread(f, buf, sizeof buf - 1, 0), buf);
	say("splice file -> file", splice(f, NULL, f, NULL, 4, 0));
	say("splice with an offset on the pipe", splice(f, NULL, p[1], &off, 4, 0));
	say("splice from fd -1", splice(-1, NULL, p[1], NULL, 4, 0));
	say("splice of an empty pipe, SPLICE_F_NONBLOCK", splice(p[0], NULL, f, NULL, 4, SPLICE_F_NONBLOCK));
	say("splice of 0 bytes", splice(f, NULL, p[1], NULL, 0, 0));
	close(p[1]);
	say("splice of an empty pipe with no writer", splice(p[0], NULL, f, NULL, 4, 0));
	unlink(F);
	return 0;
}
