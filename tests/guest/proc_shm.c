// proc_shm: memory shared across fork as on Linux: MAP_SHARED|MAP_ANONYMOUS
// is the same memory in parent and child (writes both ways, an atomic
// counter incremented by two processes at once), MAP_PRIVATE anonymous and
// ordinary heap/stack memory stay copy-on-write (neither side sees the
// other's writes); a MAP_SHARED mapping of a /tmp file made before fork,
// one made separately in each process, and read()/write() on the file all
// agree; a MAP_PRIVATE mapping of the file does not change it; shm_open
// (/dev/shm) and memfd_create mappings shared with a child; a shared
// mapping with more than one page.
#include "guest.h"
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define F "/tmp/bento-gt-proc_shm-file"
#define PG 4096

static int go[2], back[2];

static void step_wait(int fd)
{
	char c;
	read(fd, &c, 1);
}

static void step_signal(int fd)
{
	write(fd, "s", 1);
}

int main(void)
{
	pipe(go);
	pipe(back);
	int st;

	// Anonymous shared vs private vs heap.
	char *sh = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *pv = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *heap = malloc(64);
	strcpy(sh, "initial");
	strcpy(sh + 3 * PG, "last page");
	strcpy(pv, "private");
	strcpy(heap, "heap");
	pid_t c = fork();
	if (c == 0) {
		strcpy(sh, "child wrote");
		strcpy(sh + 3 * PG, "child's last page");
		strcpy(pv, "child private");
		strcpy(heap, "child heap");
		step_signal(back[1]);
		step_wait(go[0]);
		// The parent wrote in the meantime.
		printf("child sees the parent's shared write: '%s', private: '%s', heap: '%s'\n", sh, pv, heap);
		_exit(0);
	}
	step_wait(back[0]);
	printf("parent sees the child's shared write: '%s', page 4: '%s'\n", sh, sh + 3 * PG);
	printf("parent's private copy: '%s', heap: '%s'\n", pv, heap);
	strcpy(sh, "parent wrote");
	strcpy(pv, "parent private");
	strcpy(heap, "parent heap");
	step_signal(go[1]);
	waitpid(c, &st, 0);

	// An atomic counter from two processes.
	uint64_t *cnt = (uint64_t *)(sh + PG);
	*cnt = 0;
	c = fork();
	if (c == 0) {
		for (int i = 0; i < 200000; i++)
			__atomic_fetch_add(cnt, 1, __ATOMIC_SEQ_CST);
		_exit(0);
	}
	for (int i = 0; i < 200000; i++)
		__atomic_fetch_add(cnt, 1, __ATOMIC_SEQ_CST);
	waitpid(c, &st, 0);
	printf("atomic counter from two processes: %llu\n", (unsigned long long)*cnt);

	// A shared mapping in a child made before a second fork (grandchild).
	c = fork();
	if (c == 0) {
		pid_t g = fork();
		if (g == 0) {
			strcpy(sh + 2 * PG, "grandchild");
			_exit(0);
		}
		waitpid(g, NULL, 0);
		_exit(0);
	}
	waitpid(c, &st, 0);
	printf("grandchild's shared write: '%s'\n", sh + 2 * PG);
	munmap(sh, 4 * PG);
	munmap(pv, PG);

	// A /tmp file mapped MAP_SHARED before fork, and separately after.
	unlink(F);
	int fd = open(F, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ftruncate(fd, 2 * PG);
	char *fm = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	strcpy(fm, "file: parent");
	c = fork();
	if (c == 0) {
		strcpy(fm + PG, "file page 2: child via the inherited map");
		int fd2 = open(F, O_RDWR);
		char *m2 = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
		printf("child's own mapping sees: '%s'\n", m2);
		strcpy(m2 + 100, "child's own mapping");
		munmap(m2, PG);
		pwrite(fd2, "W", 1, 200);
		close(fd2);
		_exit(0);
	}
	waitpid(c, &st, 0);
	printf("parent's mapping: '%s' '%s' '%s' '%s'\n", fm, fm + 100, fm + 200, fm + PG);
	char buf[64] = { 0 };
	pread(fd, buf, 19, 100);
	printf("read() of the file: '%s'\n", buf);

	// MAP_PRIVATE of the file: the child's write stays private.
	c = fork();
	if (c == 0) {
		char *pm = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
		strcpy(pm, "private scribble");
		munmap(pm, PG);
		_exit(0);
	}
	waitpid(c, &st, 0);
	printf("after a child's MAP_PRIVATE write: '%s'\n", fm);
	munmap(fm, 2 * PG);
	close(fd);
	unlink(F);

	// shm_open.
	int s = shm_open("/bento-gt-proc_shm", O_RDWR | O_CREAT | O_EXCL, 0600);
	if (s < 0) {
		printf("shm_open: %s\n", ename(errno));
	} else {
		ftruncate(s, PG);
		char *m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, s, 0);
		c = fork();
		if (c == 0) {
			int s2 = shm_open("/bento-gt-proc_shm", O_RDWR, 0);
			char *m2 = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, s2, 0);
			strcpy(m2, "shm_open: child");
			_exit(0);
		}
		waitpid(c, &st, 0);
		printf("shm_open mapping: '%s'\n", m);
		munmap(m, PG);
		close(s);
		say("shm_unlink", shm_unlink("/bento-gt-proc_shm"));
	}

	// memfd.
	int mf = memfd_create("bento-gt", MFD_CLOEXEC);
	if (mf < 0) {
		printf("memfd_create: %s\n", ename(errno));
	} else {
		ftruncate(mf, PG);
		char *m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, mf, 0);
		c = fork();
		if (c == 0) {
			strcpy(m, "memfd: child");
			_exit(0);
		}
		waitpid(c, &st, 0);
		printf("memfd mapping: '%s'\n", m);
		munmap(m, PG);
		close(mf);
	}
	return 0;
}
