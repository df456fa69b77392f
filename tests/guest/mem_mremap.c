// mem_mremap: growing a mapping (with MREMAP_MAYMOVE, data preserved, new
// part zero), refusing to grow in place over a neighbour, shrinking, moving
// with MREMAP_FIXED, and remapping a shared file mapping to a larger size.
#include "guest.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#define F "/tmp/bento-gt-mem_mremap-file"

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char vec;
	char *a = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(a, 'm', 2 * pg);

	errno = 0;
	void *r = mremap(a, pg, 2 * pg, 0);
	printf("grow in place over own next page: %s\n", r == MAP_FAILED ? ename(errno) : "grew");

	char *g = mremap(a, 2 * pg, 16 * pg, MREMAP_MAYMOVE);
	printf("grow with MAYMOVE: %s\n", YN(g != MAP_FAILED));
	printf("old data kept: %s\n", YN(g[0] == 'm' && g[2 * pg - 1] == 'm'));
	int zero = 1;
	for (long i = 2 * pg; i < 16 * pg; i++)
		zero &= g[i] == 0;
	printf("new part zero: %s\n", YN(zero));
	g[16 * pg - 1] = 'e';

	char *s = mremap(g, 16 * pg, pg, 0);
	printf("shrink stays in place: %s\n", YN(s == g));
	printf("tail unmapped after shrink: %s\n", mincore(g + pg, pg, &vec) < 0 ? ename(errno) : "mapped");

	char *target = mmap(NULL, 4 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *m = mremap(s, pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, target);
	printf("MREMAP_FIXED lands at target: %s\n", YN(m == target));
	printf("moved data kept: %s\n", YN(m[0] == 'm' && m[pg - 1] == 'm'));
	printf("old address gone: %s\n", mincore(s, pg, &vec) < 0 ? ename(errno) : "mapped");
	printf("rest of target reservation still there: %s\n", YN(mincore(target + 2 * pg, pg, &vec) == 0));
	r = mremap(m, pg, 2 * pg, MREMAP_FIXED, target + pg);
	printf("MREMAP_FIXED without MAYMOVE: %s\n", r == MAP_FAILED ? ename(errno) : "moved");
	r = mremap(m + 1, pg, 2 * pg, MREMAP_MAYMOVE);
	printf("unaligned old address: %s\n", r == MAP_FAILED ? ename(errno) : "moved");
	munmap(target, 4 * pg);

	unlink(F);
	int fd = open(F, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ftruncate(fd, 2 * pg);
	pwrite(fd, "second", 6, pg);
	char *f = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	f[0] = 'F';
	char *f2 = mremap(f, pg, 2 * pg, MREMAP_MAYMOVE);
	printf("file map grown: %s\n", YN(f2 != MAP_FAILED));
	printf("second page shows file data: %.6s\n", f2 + pg);
	f2[pg] = 'S';
	char c[2] = { 0 };
	pread(fd, c, 2, 0);
	pread(fd, c + 1, 1, pg);
	printf("writes through grown shared map reach file: %c%c\n", c[0], c[1]);
	munmap(f2, 2 * pg);
	close(fd);
	say("unlink", unlink(F));
	return 0;
}
