/*
 * gatecost.c — what a seccomp filter shaped like bento's gate costs a host
 * system call, measured natively (no bento): docs/performance.md,
 * "Pass-through calls".
 *
 *   gatecost FILTER CALL
 *
 * FILTER: none; linear (the arch check, the instruction-pointer range
 * check, then the numbers one after the other, the timed one last: bento's
 * gate before 2026-11-25); tree (the same with a binary search on the
 * number: the gate after); nr (the arch and the number only: a filter the
 * host's action cache skips); sud (nr, with the instruction-pointer check
 * done by Syscall User Dispatch instead). CALL: getppid, pread (1 byte of
 * /proc/self/exe) or futex (an uncontended FUTEX_WAKE_PRIVATE). Prints ns
 * per call for 5 batches of a million.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The only syscall instruction the filters allow, in its own section. */
__attribute__((section("gate_calls"), noinline)) static long call4(long nr, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}
extern char __start_gate_calls[], __stop_gate_calls[];

static struct sock_filter prog[256];
static int n;

static void emit(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	prog[n++] = (struct sock_filter){ code, jt, jf, k };
}

/* 65 other numbers (about the size of bento's list), then the timed one. */
static int nrs[66];

static void search(const int *r, int k)
{
	if (k <= 4) {
		for (int i = 0; i < k; i++) /* 0xfe: allow, 0xff: kill; patched below */
			emit(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)r[i], 0xfe, i == k - 1 ? 0xff : 0);
		return;
	}
	int mid = k / 2, at = n;
	emit(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)r[mid], 0, 0);
	search(r, mid);
	prog[at].jt = (uint8_t)(n - at - 1);
	search(r + mid, k - mid);
}

static int cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void build(const char *shape, int timed)
{
	uintptr_t lo = (uintptr_t)__start_gate_calls, hi = (uintptr_t)__stop_gate_calls;
	int k = 0;
	for (int nr = 0; k < 65; nr++)
		if (nr != timed && nr != SYS_exit_group && nr != SYS_write && nr != SYS_prctl)
			nrs[k++] = nr + 300 * (nr > 100); /* spread over the table */
	nrs[k++] = timed;
	emit(BPF_LD | BPF_W | BPF_ABS, 4, 0, 0);
	emit(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	emit(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
	if (!strcmp(shape, "linear") || !strcmp(shape, "tree")) {
		/* Outside the section (libc's calls): allowed, unlike bento's
		 * gate, so that the program can print. */
		emit(BPF_LD | BPF_W | BPF_ABS, 12, 0, 0);
		emit(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(lo >> 32), 1, 0);
		emit(BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
		emit(BPF_LD | BPF_W | BPF_ABS, 8, 0, 0);
		emit(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)lo, 1, 0);
		emit(BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
		emit(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)hi, 0, 1);
		emit(BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
	}
	emit(BPF_LD | BPF_W | BPF_ABS, 0, 0, 0);
	if (!strcmp(shape, "tree")) {
		qsort(nrs, (size_t)k, sizeof(nrs[0]), cmp);
		search(nrs, k);
	} else {
		for (int i = 0; i < k; i++)
			emit(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nrs[i], 0xfe, 0);
	}
	/* libc's own calls in nr and sud (printf, exit) */
	static const int libc[] = { SYS_write, SYS_fstat, SYS_newfstatat, SYS_getrandom, SYS_brk,
				    SYS_mmap, SYS_exit_group, SYS_prctl /* sud: off again */ };
	int nl = (int)(sizeof(libc) / sizeof(libc[0]));
	int kill = n + nl, allow = kill + 1;
	for (int i = 0; i < nl; i++)
		emit(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)libc[i], 0xfe, 0);
	emit(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
	emit(BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
	for (int i = 0; i < kill; i++) {
		if (BPF_CLASS(prog[i].code) != BPF_JMP)
			continue;
		if (prog[i].jt == 0xfe)
			prog[i].jt = (uint8_t)(allow - i - 1);
		if (prog[i].jf == 0xff)
			prog[i].jf = (uint8_t)(kill - i - 1);
	}
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: gatecost none|linear|tree|nr|sud getppid|pread|futex\n");
		return 2;
	}
	const char *shape = argv[1], *call = argv[2];
	int fd = open("/proc/self/exe", O_RDONLY);
	static char buf[64];
	static int word;
	long nr = !strcmp(call, "pread") ? SYS_pread64 : !strcmp(call, "futex") ? SYS_futex : SYS_getppid;
	long a = nr == SYS_pread64 ? fd : nr == SYS_futex ? (long)&word : 0;
	long b = nr == SYS_pread64 ? (long)buf : nr == SYS_futex ? FUTEX_WAKE_PRIVATE : 0;
	long c = nr == SYS_pread64 || nr == SYS_futex ? 1 : 0;
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (strcmp(shape, "none")) {
		build(shape, (int)nr);
		if (!strcmp(shape, "sud")) {
			uintptr_t lo = (uintptr_t)__start_gate_calls, hi = (uintptr_t)__stop_gate_calls;
			if (prctl(59 /* PR_SET_SYSCALL_USER_DISPATCH */, 1, lo, hi - lo, 0)) {
				perror("gatecost: syscall user dispatch");
				return 1;
			}
		}
		struct sock_fprog p = { (unsigned short)n, prog };
		if (call4(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, (long)&p) != 0) {
			fprintf(stderr, "gatecost: seccomp failed\n");
			return 1;
		}
	}
	double ns[5];
	for (int round = 0; round < 5; round++) {
		struct timespec t0, t1;
		const int count = 1000000;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (int i = 0; i < count; i++)
			call4(nr, a, b, c);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ns[round] = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / count;
	}
	if (!strcmp(shape, "sud")) /* back to normal for printf */
		call4(SYS_prctl, 59, 0, 0);
	for (int i = 0; i < 5; i++)
		printf("%.1f%s", ns[i], i == 4 ? "\n" : " ");
	return 0;
}
