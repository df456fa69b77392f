// mem_mmap: anonymous mmap, munmap of a middle page, MAP_PRIVATE and
// MAP_SHARED mappings of a /tmp file checked through read()/pwrite(),
// file offsets, MAP_FIXED, and the errors for bad offsets and modes.
#include "guest.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#define F "/tmp/bento-gt-mem_mmap-file"

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	printf("pagesize: %ld\n", pg);

	char *a = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("anon mapped: %s\n", YN(a != MAP_FAILED));
	printf("anon page aligned: %s\n", YN((uintptr_t)a % pg == 0));
	int zero = 1;
	for (long i = 0; i < 3 * pg; i++)
		zero &= a[i] == 0;
	printf("anon zero-filled: %s\n", YN(zero));
	memset(a, 'x', 3 * pg);
	say("munmap middle page", munmap(a + pg, pg));
	printf("outer pages keep data: %s\n", YN(a[0] == 'x' && a[2 * pg] == 'x'));
	unsigned char vec;
	say("mincore on unmapped page", mincore(a + pg, pg, &vec));
	say("mincore on mapped page", mincore(a, pg, &vec));
	char *fx = mmap(a + pg, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("MAP_FIXED into hole at requested address: %s\n", YN(fx == a + pg));
	printf("MAP_FIXED page zero: %s\n", YN(fx[0] == 0 && fx[pg - 1] == 0));
	say("munmap all", munmap(a, 3 * pg));

	unlink(F);
	int fd = open(F, O_RDWR | O_CREAT | O_TRUNC, 0600);
	char buf[8192];
	for (int i = 0; i < 8192; i++)
		buf[i] = 'a' + i % 26;
	printf("file written: %zd\n", write(fd, buf, 8192));

	char *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	printf("private map matches file: %s\n", YN(p != MAP_FAILED && memcmp(p, buf, 8192) == 0));
	p[0] = 'P';
	char c = 0;
	pread(fd, &c, 1, 0);
	printf("private write stays private: %s (file has %c, map has %c)\n", YN(c == 'a'), c, p[0]);

	char *s = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	s[1] = 'S';
	say("msync MS_SYNC", msync(s, 2 * pg, MS_SYNC));
	pread(fd, &c, 1, 1);
	printf("shared write reaches file after msync: %c\n", c);
	s[pg + 5] = 'T';
	pread(fd, &c, 1, pg + 5);
	printf("shared write visible to read without msync: %c\n", c);
	pwrite(fd, "W", 1, 2);
	printf("pwrite visible in shared map: %c\n", s[2]);
	say("msync MS_ASYNC", msync(s, pg, MS_ASYNC));

	char *o = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, pg);
	printf("map at offset one page starts with: %c%c\n", o[0], o[1]);
	printf("same data as shared map: %s\n", YN(memcmp(o, s + pg, pg) == 0));

	errno = 0;
	void *bad = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 100);
	printf("unaligned offset: %s\n", bad == MAP_FAILED ? ename(errno) : "mapped");
	int rfd = open(F, O_RDONLY);
	bad = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, rfd, 0);
	printf("shared writable map of O_RDONLY fd: %s\n", bad == MAP_FAILED ? ename(errno) : "mapped");
	bad = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, rfd, 0);
	printf("private writable map of O_RDONLY fd: %s\n", YN(bad != MAP_FAILED));
	bad = mmap(NULL, pg, PROT_READ, MAP_SHARED, 999, 0);
	printf("map of bad fd: %s\n", bad == MAP_FAILED ? ename(errno) : "mapped");

	munmap(p, 2 * pg);
	munmap(s, 2 * pg);
	munmap(o, pg);
	close(rfd);
	close(fd);
	say("unlink", unlink(F));
	return 0;
}
