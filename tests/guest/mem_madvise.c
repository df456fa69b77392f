// mem_madvise: MADV_DONTNEED zeroes private anonymous memory and drops
// private copies of file pages (back to file content), harmless advice
// succeeds, and madvise/msync argument errors.
#include "guest.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#define F "/tmp/bento-gt-mem_madvise-file"

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *a = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(a, 'q', 4 * pg);
	say("MADV_DONTNEED pages 1-2", madvise(a + pg, 2 * pg, MADV_DONTNEED));
	printf("page 0 kept: %c, page 1 zero: %s, page 2 zero: %s, page 3 kept: %c\n", a[0],
	       YN(a[pg] == 0 && a[2 * pg - 1] == 0), YN(a[2 * pg] == 0), a[3 * pg]);
	a[pg] = 'n';
	printf("page usable after DONTNEED: %c\n", a[pg]);
	say("MADV_WILLNEED", madvise(a, 4 * pg, MADV_WILLNEED));
	say("MADV_NORMAL", madvise(a, 4 * pg, MADV_NORMAL));
	say("MADV_SEQUENTIAL", madvise(a, 4 * pg, MADV_SEQUENTIAL));
	say("MADV_RANDOM", madvise(a, 4 * pg, MADV_RANDOM));
	say("bad advice 12345", madvise(a, pg, 12345));
	say("unaligned address", madvise(a + 1, pg, MADV_NORMAL));
	munmap(a, 4 * pg);
	say("MADV_DONTNEED on unmapped", madvise(a, pg, MADV_DONTNEED));

	unlink(F);
	int fd = open(F, O_RDWR | O_CREAT | O_TRUNC, 0600);
	char buf[4096];
	memset(buf, 'f', sizeof buf);
	write(fd, buf, sizeof buf);
	char *p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	p[0] = 'P';
	printf("private copy before DONTNEED: %c\n", p[0]);
	say("MADV_DONTNEED on private file page", madvise(p, pg, MADV_DONTNEED));
	printf("private copy after DONTNEED (file content again): %c\n", p[0]);

	char *s = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	s[0] = 'S';
	say("msync MS_SYNC|MS_INVALIDATE", msync(s, pg, MS_SYNC | MS_INVALIDATE));
	say("msync MS_SYNC|MS_ASYNC", msync(s, pg, MS_SYNC | MS_ASYNC));
	say("msync unaligned", msync(s + 1, pg, MS_SYNC));
	say("msync bad flag", msync(s, pg, 0x100));
	munmap(s, pg);
	say("msync unmapped", msync(s, pg, MS_SYNC));
	char c = 0;
	pread(fd, &c, 1, 0);
	printf("file byte 0: %c\n", c);
	munmap(p, pg);
	close(fd);
	say("unlink", unlink(F));
	return 0;
}
