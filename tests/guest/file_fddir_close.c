// file_fddir_close: listing /proc/self/fd in small getdents64 steps while
// closing each descriptor as it is seen (what Python's subprocess does in
// a child before exec); no descriptor may be skipped. Also the same list
// after seeking back to a d_off that was handed out.
#include "guest.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

struct rec {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

int main(void)
{
	syscall(SYS_close_range, 3, ~0U, 0); /* whatever the runner passed */
	for (int i = 0; i < 20; i++)
		open("/dev/null", O_RDONLY);
	int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);
	char buf[64];
	int seen = 0, closed = 0, calls = 0;
	int64_t second_off = -1;
	long n;
	while ((n = syscall(SYS_getdents64, dir, buf, 40)) > 0) {
		calls++;
		for (long at = 0; at < n;) {
			struct rec *r = (struct rec *)(buf + at);
			at += r->reclen;
			if (r->name[0] == '.')
				continue;
			int fd = atoi(r->name);
			seen++;
			if (seen == 2)
				second_off = r->off;
			if (fd > 2 && fd != dir && close(fd) == 0)
				closed++;
		}
	}
	printf("getdents64 result %ld, entries seen %d, closed %d, all 20 closed: %s\n", n, seen, closed,
	       YN(closed == 20));
	lseek(dir, second_off, SEEK_SET);
	int after = 0;
	while ((n = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0)
		for (long at = 0; at < n; at += ((struct rec *)(buf + at))->reclen)
			after++;
	printf("entries after the second one's d_off, now: %d\n", after);
	(void)calls;
	return 0;
}
