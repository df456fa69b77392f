// sys_regs.c: registers and flags around system calls. One site (a
// "syscall" with the number taken from memory, so bento rewrites it after
// a few traps and then runs it through its trampoline) is called many
// times with every general register and the flags (CF PF AF ZF SF OF DF)
// set to known values; afterwards every register the Linux ABI preserves
// (all but rax, rcx, r11) and the flags must be unchanged. The calls:
// getpid and gettid (answered in the trampoline under bento), getppid,
// rt_sigprocmask, an uncontended futex wake and a read of /dev/zero (the
// general fast path), and an unknown number (ENOSYS). Run natively the
// same checks hold, so the outputs compare.
#include "guest.h"
#include <stdint.h>
#include <sys/syscall.h>

// The block site_regs works on: in[] is loaded before the syscall, out[]
// stored after it. Order: rax rdi rsi rdx r10 r8 r9 rbx rbp r12 r13 r14
// r15 flags.
enum { NREG = 14, FLAGS = 13 };
struct regs {
	uint64_t in[NREG];
	uint64_t out[NREG];
};
long site_regs(struct regs *b);

__asm__(
	".text\n"
	".globl site_regs\n.type site_regs,@function\n"
	"site_regs:\n.cfi_startproc\n"
	"	push %rbx\n	push %rbp\n	push %r12\n	push %r13\n	push %r14\n	push %r15\n"
	"	push %rdi\n"
	"	push 104(%rdi)\n"
	"	popfq\n" // from here on nothing may change the flags
	"	mov 0(%rdi), %rax\n"
	"	mov 16(%rdi), %rsi\n"
	"	mov 24(%rdi), %rdx\n"
	"	mov 32(%rdi), %r10\n"
	"	mov 40(%rdi), %r8\n"
	"	mov 48(%rdi), %r9\n"
	"	mov 56(%rdi), %rbx\n"
	"	mov 64(%rdi), %rbp\n"
	"	mov 72(%rdi), %r12\n"
	"	mov 80(%rdi), %r13\n"
	"	mov 88(%rdi), %r14\n"
	"	mov 96(%rdi), %r15\n"
	"	{disp32} mov 8(%rdi), %rdi\n" // 7 bytes: room for bento's jump
	"	syscall\n"
	"	pushfq\n"
	"	push %rax\n"
	"	mov 16(%rsp), %rax\n" // the block
	"	mov %rdi, 120(%rax)\n"
	"	mov %rsi, 128(%rax)\n"
	"	mov %rdx, 136(%rax)\n"
	"	mov %r10, 144(%rax)\n"
	"	mov %r8, 152(%rax)\n"
	"	mov %r9, 160(%rax)\n"
	"	mov %rbx, 168(%rax)\n"
	"	mov %rbp, 176(%rax)\n"
	"	mov %r12, 184(%rax)\n"
	"	mov %r13, 192(%rax)\n"
	"	mov %r14, 200(%rax)\n"
	"	mov %r15, 208(%rax)\n"
	"	pop %rcx\n"
	"	mov %rcx, 112(%rax)\n"
	"	pop %rcx\n"
	"	mov %rcx, 216(%rax)\n"
	"	cld\n"
	"	pop %rdi\n"
	"	pop %r15\n	pop %r14\n	pop %r13\n	pop %r12\n	pop %rbp\n	pop %rbx\n"
	"	mov 112(%rdi), %rax\n"
	"	ret\n"
	".cfi_endproc\n.size site_regs, .-site_regs\n");

// OF DF SF ZF AF PF CF: the flags a program sets and a syscall keeps.
#define USER_FLAGS 0xcd5ULL
static const uint64_t flag_sets[] = {
	0x202,                                    // none
	0x202 | USER_FLAGS,                       // all, DF included
	0x202 | 0x800,                            // OF alone
	0x202 | 0x400 | 0x1,                      // DF and CF
	0x202 | 0x80 | 0x40 | 0x10 | 0x4,         // SF ZF AF PF
};

static int fd_zero;
static uint32_t futex_word;
static char buf[8];

// Sets the arguments of call k into b->in; returns its expected result
// class: the value itself, or -1 when only ">= 0" is known.
static const char *setup(int k, struct regs *b, long *expect)
{
	static uint64_t noise = 0x0123456789abcdefULL;
	for (int i = 0; i < FLAGS; i++) {
		noise = noise * 6364136223846793005ULL + 1442695040888963407ULL;
		b->in[i] = noise;
	}
	*expect = -1;
	switch (k) {
	case 0:
		b->in[0] = SYS_getpid, *expect = getpid();
		return "getpid";
	case 1:
		b->in[0] = SYS_gettid, *expect = gettid();
		return "gettid";
	case 2:
		b->in[0] = SYS_getppid, *expect = getppid();
		return "getppid";
	case 3: // rt_sigprocmask(SIG_BLOCK, NULL, NULL, 8): a query
		b->in[0] = SYS_rt_sigprocmask, b->in[1] = 0, b->in[2] = 0, b->in[3] = 0, b->in[4] = 8;
		*expect = 0;
		return "rt_sigprocmask";
	case 4:
		b->in[0] = SYS_futex, b->in[1] = (uintptr_t)&futex_word, b->in[2] = 1 | 128;
		b->in[3] = 1;
		*expect = 0;
		return "futex wake";
	case 5:
		b->in[0] = SYS_read, b->in[1] = (uint64_t)fd_zero, b->in[2] = (uintptr_t)buf;
		b->in[3] = 1;
		*expect = 1;
		return "read /dev/zero";
	default:
		b->in[0] = 1000, *expect = -ENOSYS;
		return "unknown number";
	}
}

int main(void)
{
	fd_zero = open("/dev/zero", O_RDONLY);
	if (fd_zero < 0)
		return 1;
	for (int k = 0; k <= 6; k++) {
		int kept = 1, flags_kept = 1, result_ok = 1;
		const char *name = "";
		// Enough rounds for the site to be rewritten (bento: at the 4th
		// trap) and then run rewritten with every flag pattern.
		for (int round = 0; round < 40; round++) {
			struct regs b;
			long expect;
			memset(&b, 0, sizeof(b));
			name = setup(k, &b, &expect);
			b.in[FLAGS] = flag_sets[round % (sizeof(flag_sets) / sizeof(flag_sets[0]))];
			long r = site_regs(&b);
			if (r != expect)
				result_ok = 0;
			for (int i = 1; i < FLAGS; i++)
				if (b.out[i] != b.in[i])
					kept = 0;
			if ((b.out[FLAGS] & USER_FLAGS) != (b.in[FLAGS] & USER_FLAGS))
				flags_kept = 0;
		}
		printf("%s: result %s, registers kept %s, flags kept %s\n", name, YN(result_ok),
		       YN(kept), YN(flags_kept));
	}
	return 0;
}
