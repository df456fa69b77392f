// sys_sites.c: system-call sites of the shapes bento's rewriter moves into
// trampolines (src/platform/linux/rewrite.c), each called many times so
// that it is rewritten after its first trap and then runs rewritten:
// "xor %eax,%eax; syscall" after a long instruction; the number set a few
// instructions earlier; a rip-relative compare and a jcc in the window
// (glibc's read); a branch target inside the window; a number only known
// at run time (through a fork, which must still trap); and all of it from
// several threads at once. Results are compared with the native run. The
// first bytes of each function go to stderr, to see by hand whether it
// was rewritten (e9 = a jump).
#include "guest.h"
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

long site_read_xor(int fd, void *buf, size_t n);
long site_write_early(int fd, const void *buf, size_t n);
long site_read_flag(int fd, void *buf, size_t n);
long site_target(int which);
long site_generic(long nr, long a, long b, long c);
extern volatile char site_flag;

__asm__(
	".text\n"
	// read(fd, buf, n): a 6-byte instruction, then xor %eax,%eax.
	".globl site_read_xor\n.type site_read_xor,@function\n"
	"site_read_xor:\n.cfi_startproc\n"
	"	movl $0, %r8d\n"
	"	xor %eax, %eax\n"
	"	syscall\n"
	"	ret\n"
	".cfi_endproc\n.size site_read_xor, .-site_read_xor\n"
	// write(fd, buf, n): the number set two instructions before.
	".globl site_write_early\n.type site_write_early,@function\n"
	"site_write_early:\n.cfi_startproc\n"
	"	mov $1, %eax\n"
	"	lea (%rsi), %rsi\n"
	"	nop\n"
	"	syscall\n"
	"	ret\n"
	".cfi_endproc\n.size site_write_early, .-site_write_early\n"
	// glibc's read: a rip-relative compare and a jcc before the syscall.
	".globl site_read_flag\n.type site_read_flag,@function\n"
	"site_read_flag:\n.cfi_startproc\n"
	"	cmpb $0, site_flag(%rip)\n"
	"	je 1f\n"
	"	xor %eax, %eax\n"
	"	syscall\n"
	"	ret\n"
	"1:	mov $-1, %rax\n"
	"	ret\n"
	".cfi_endproc\n.size site_read_flag, .-site_read_flag\n"
	// which != 0: getppid; which == 0: gettid, through a branch to the
	// instruction just before the syscall (inside the moved window).
	".globl site_target\n.type site_target,@function\n"
	"site_target:\n.cfi_startproc\n"
	"	test %edi, %edi\n"
	"	jz 2f\n"
	"	mov $110, %eax\n"
	"1:	xor %r8d, %r8d\n"
	"	syscall\n"
	"	ret\n"
	"2:	mov $186, %eax\n"
	"	jmp 1b\n"
	".cfi_endproc\n.size site_target, .-site_target\n"
	// syscall(nr, a, b, c): the number comes from the caller.
	".globl site_generic\n.type site_generic,@function\n"
	"site_generic:\n.cfi_startproc\n"
	"	movl $0, %r11d\n"
	"	mov %rdi, %rax\n"
	"	mov %rsi, %rdi\n"
	"	mov %rdx, %rsi\n"
	"	mov %rcx, %rdx\n"
	"	syscall\n"
	"	ret\n"
	".cfi_endproc\n.size site_generic, .-site_generic\n"
	".data\n.globl site_flag\nsite_flag: .byte 1\n.text\n");

#define ROUNDS 2000

static int check_reads(const char *label, long (*fn)(int, void *, size_t))
{
	int fd = open("/dev/zero", O_RDONLY);
	char buf[8];
	long bad = 0;
	for (int i = 0; i < ROUNDS; i++) {
		buf[0] = 1;
		if (fn(fd, buf, 1) != 1 || buf[0] != 0)
			bad++;
	}
	long e = fn(-1, buf, 1);
	close(fd);
	printf("%s: bad %ld, bad fd %ld\n", label, bad, e);
	return bad == 0;
}

static void pipes(void)
{
	int p[2];
	if (pipe(p))
		return;
	long bad = 0;
	for (int i = 0; i < ROUNDS; i++) {
		char c = (char)i, d = 0;
		if (site_write_early(p[1], &c, 1) != 1 || site_read_xor(p[0], &d, 1) != 1 || c != d)
			bad++;
	}
	printf("pipe write/read: bad %ld, closed fd %ld\n", bad, site_write_early(1000, "x", 1));
	close(p[0]);
	close(p[1]);
}

static void flag_and_target(void)
{
	char buf[1];
	int fd = open("/dev/zero", O_RDONLY);
	long bad = 0;
	for (int i = 0; i < ROUNDS; i++) {
		site_flag = (char)(i & 1);
		long r = site_read_flag(fd, buf, 1);
		if (r != ((i & 1) ? 1 : -1))
			bad++;
	}
	site_flag = 1;
	close(fd);
	printf("flagged read: bad %ld\n", bad);
	bad = 0;
	for (int i = 0; i < ROUNDS; i++) {
		long want = (i % 3) ? getppid() : syscall(SYS_gettid);
		if (site_target(i % 3) != want)
			bad++;
	}
	printf("branch into the window: bad %ld\n", bad);
}

static void generic(void)
{
	long bad = 0;
	for (int i = 0; i < ROUNDS; i++)
		if (site_generic(SYS_getpid, 0, 0, 0) != getpid() ||
		    site_generic(SYS_getppid, 0, 0, 0) != getppid())
			bad++;
	printf("generic: bad %ld, bad number %ld\n", bad, site_generic(-1, 0, 0, 0));
	// fork through the same, now rewritten, site: the fast path does not
	// take fork and must hand it to the trapping path unchanged.
	for (int i = 0; i < 3; i++) {
		long pid = site_generic(SYS_fork, 0, 0, 0);
		if (pid == 0)
			_exit(7 + i);
		int st;
		waitpid((pid_t)pid, &st, 0);
		printf("fork %d: %s\n", i, wstr(st));
	}
}

static void *worker(void *arg)
{
	long bad = 0;
	int fd = open("/dev/zero", O_RDONLY);
	char buf[1];
	for (int i = 0; i < ROUNDS; i++) {
		if (site_read_xor(fd, buf, 1) != 1 || site_read_flag(fd, buf, 1) != 1 ||
		    site_generic(SYS_getpid, 0, 0, 0) != getpid() ||
		    site_target(i & 1) != ((i & 1) ? getppid() : syscall(SYS_gettid)))
			bad++;
	}
	close(fd);
	*(long *)arg = bad;
	return NULL;
}

static void threads(void)
{
	pthread_t t[4];
	long bad[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, worker, &bad[i]);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		printf("thread %d: bad %ld\n", i, bad[i]);
	}
}

static void show(const char *name, const void *fn)
{
	const unsigned char *p = fn;
	fprintf(stderr, "%s: %02x %02x %02x %02x %02x\n", name, p[0], p[1], p[2], p[3], p[4]);
}

int main(void)
{
#ifdef THREADS_FIRST
	threads(); // the sites are rewritten while other threads run them
#endif
	check_reads("read xor", site_read_xor);
	check_reads("read flag", site_read_flag);
	pipes();
	flag_and_target();
	generic();
#ifndef THREADS_FIRST
	threads();
#endif
	show("site_read_xor", (const void *)site_read_xor);
	show("site_write_early", (const void *)site_write_early);
	show("site_read_flag", (const void *)site_read_flag);
	show("site_target", (const void *)site_target);
	show("site_generic", (const void *)site_generic);
	return 0;
}
