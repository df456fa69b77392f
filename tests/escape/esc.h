// esc.h: helpers of the hostile guests in tests/escape/.
//
// Every hostile system call is made with a raw `syscall` instruction (or,
// in jump.c, by jumping into bento's own `syscall` instruction), never
// through a libc wrapper, so that nothing between the guest and the kernel
// (or bento) can "help". Output goes through raw write(2) on fd 1 so that
// nothing is lost in a stdio buffer when bento kills the process.
//
// The guests only *try*; they decide nothing. run.sh checks the effect on
// the host (a file that exists, a secret that was printed, a listener that
// saw a connection, a process that died or got a tracer).
#ifndef ESC_H
#define ESC_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

static inline long raw6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define RAW0(nr) raw6((nr), 0, 0, 0, 0, 0, 0)
#define RAW1(nr, a) raw6((nr), (long)(a), 0, 0, 0, 0, 0)
#define RAW2(nr, a, b) raw6((nr), (long)(a), (long)(b), 0, 0, 0, 0)
#define RAW3(nr, a, b, c) raw6((nr), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define RAW4(nr, a, b, c, d) raw6((nr), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define RAW5(nr, a, b, c, d, e) raw6((nr), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

static inline void out(const char *s)
{
	size_t n = strlen(s);
	while (n) {
		long r = RAW3(SYS_write, 1, s, n);
		if (r <= 0)
			return;
		s += r, n -= (size_t)r;
	}
}

static inline void out_num(long v)
{
	char buf[24], *p = buf + sizeof(buf) - 1;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
	*p = 0;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	out(p);
}

// "LABEL: RESULT\n" with the raw result (a negative errno or a value).
static inline void report(const char *label, long r)
{
	out(label);
	out(": ");
	out_num(r);
	out("\n");
}

// Copies everything readable from fd to stdout (raw calls), then closes it.
static inline void dump_fd(long fd)
{
	char buf[4096];
	long n;
	while ((n = RAW3(SYS_read, fd, buf, sizeof(buf))) > 0)
		RAW3(SYS_write, 1, buf, n);
	RAW1(SYS_close, fd);
}

// Reads one line from fd 0 with raw calls (at most n-1 bytes).
static inline long read_line(char *buf, size_t n)
{
	size_t i = 0;
	while (i + 1 < n) {
		long r = RAW3(SYS_read, 0, buf + i, 1);
		if (r <= 0)
			break;
		if (buf[i] == '\n')
			break;
		i++;
	}
	buf[i] = 0;
	return (long)i;
}
#endif
