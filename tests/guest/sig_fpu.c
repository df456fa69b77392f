// sig_fpu: asynchronous SIGALRM delivery (1ms interval timer) into code
// that makes no system calls, with a handler that clobbers every
// caller-saved general register, all xmm registers and uses floating point.
// rt_sigreturn must restore all general registers, xmm0-15, MXCSR (set to
// round-toward-zero) and the direction flag; the handler must start with a
// default MXCSR and DF clear. A plain C double loop is checked as well.
#include "guest.h"
#include <signal.h>
#include <stdint.h>
#include <sys/time.h>

__attribute__((visibility("hidden"))) volatile int g_hits;
__attribute__((visibility("hidden"))) uint64_t g_regs[16];
__attribute__((visibility("hidden"))) unsigned char g_xmm[16][16];
__attribute__((visibility("hidden"))) unsigned char g_xmm_init[16][16];
__attribute__((visibility("hidden"))) uint32_t g_mxcsr;
__attribute__((visibility("hidden"))) uint64_t g_flags;
static volatile int handler_mxcsr_default = 1, handler_df_clear = 1;
static volatile double handler_sum;

// long spin(long target, long max_iterations): loads known values into
// rax,rbx,rdx,rsi,rdi,rbp,r8-r15 and xmm0-15, sets MXCSR to 0x7f80|RZ and
// DF, spins until g_hits >= target (rcx counts), then stores everything.
__asm__(".text\n"
	".globl spin\n"
	".hidden spin\n"
	"spin:\n"
	"push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
	"sub $8, %rsp\n"
	"stmxcsr (%rsp)\n"
	"mov %rdi, %r10\n"
	"mov %rsi, %rcx\n"
	"lea g_xmm_init(%rip), %rax\n"
	"movdqu 0(%rax), %xmm0; movdqu 16(%rax), %xmm1; movdqu 32(%rax), %xmm2; movdqu 48(%rax), %xmm3\n"
	"movdqu 64(%rax), %xmm4; movdqu 80(%rax), %xmm5; movdqu 96(%rax), %xmm6; movdqu 112(%rax), %xmm7\n"
	"movdqu 128(%rax), %xmm8; movdqu 144(%rax), %xmm9; movdqu 160(%rax), %xmm10; movdqu 176(%rax), %xmm11\n"
	"movdqu 192(%rax), %xmm12; movdqu 208(%rax), %xmm13; movdqu 224(%rax), %xmm14; movdqu 240(%rax), %xmm15\n"
	"movl $0x7f80, 4(%rsp); orl $0x6000, 4(%rsp); ldmxcsr 4(%rsp)\n"
	"mov $0x1111111111111111, %rax\n"
	"mov $0x2222222222222222, %rbx\n"
	"mov $0x3333333333333333, %rdx\n"
	"mov $0x4444444444444444, %rsi\n"
	"mov $0x5555555555555555, %rdi\n"
	"mov $0x6666666666666666, %rbp\n"
	"mov $0x8888888888888888, %r8\n"
	"mov $0x9999999999999999, %r9\n"
	"mov $0xbbbbbbbbbbbbbbbb, %r11\n"
	"mov $0xcccccccccccccccc, %r12\n"
	"mov $0xdddddddddddddddd, %r13\n"
	"mov $0xeeeeeeeeeeeeeeee, %r14\n"
	"mov $0xffffffffffffffff, %r15\n"
	"std\n"
	"1: cmp g_hits(%rip), %r10d\n"
	"jle 2f\n"
	"dec %rcx\n"
	"jnz 1b\n"
	"2: pushf\n"
	"cld\n"
	"mov %rax, g_regs+0(%rip); mov %rbx, g_regs+8(%rip); mov %rcx, g_regs+16(%rip); mov %rdx, g_regs+24(%rip)\n"
	"mov %rsi, g_regs+32(%rip); mov %rdi, g_regs+40(%rip); mov %rbp, g_regs+48(%rip); mov %r8, g_regs+56(%rip)\n"
	"mov %r9, g_regs+64(%rip); mov %r10, g_regs+72(%rip); mov %r11, g_regs+80(%rip); mov %r12, g_regs+88(%rip)\n"
	"mov %r13, g_regs+96(%rip); mov %r14, g_regs+104(%rip); mov %r15, g_regs+112(%rip)\n"
	"pop %rax; mov %rax, g_flags(%rip)\n"
	"stmxcsr g_mxcsr(%rip)\n"
	"lea g_xmm(%rip), %rax\n"
	"movdqu %xmm0, 0(%rax); movdqu %xmm1, 16(%rax); movdqu %xmm2, 32(%rax); movdqu %xmm3, 48(%rax)\n"
	"movdqu %xmm4, 64(%rax); movdqu %xmm5, 80(%rax); movdqu %xmm6, 96(%rax); movdqu %xmm7, 112(%rax)\n"
	"movdqu %xmm8, 128(%rax); movdqu %xmm9, 144(%rax); movdqu %xmm10, 160(%rax); movdqu %xmm11, 176(%rax)\n"
	"movdqu %xmm12, 192(%rax); movdqu %xmm13, 208(%rax); movdqu %xmm14, 224(%rax); movdqu %xmm15, 240(%rax)\n"
	"ldmxcsr (%rsp)\n"
	"mov %rcx, %rax\n"
	"add $8, %rsp\n"
	"pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
	"ret\n");
long spin(long target, long max_iterations);

static void handler(int sig)
{
	(void)sig;
	uint32_t m;
	__asm__ volatile("stmxcsr %0" : "=m"(m));
	uint64_t fl = __builtin_ia32_readeflags_u64();
	if ((m & 0x7f80) != 0x1f80)
		handler_mxcsr_default = 0;
	if (fl & 0x400)
		handler_df_clear = 0;
	double d = 0;
	for (int i = 1; i <= 10; i++)
		d += 1.0 / i;
	handler_sum = d;
	__asm__ volatile("pcmpeqd %%xmm0, %%xmm0; pxor %%xmm1, %%xmm1; pcmpeqd %%xmm2, %%xmm2; pxor %%xmm3, %%xmm3\n\t"
			 "pcmpeqd %%xmm4, %%xmm4; pxor %%xmm5, %%xmm5; pcmpeqd %%xmm6, %%xmm6; pxor %%xmm7, %%xmm7\n\t"
			 "pcmpeqd %%xmm8, %%xmm8; pxor %%xmm9, %%xmm9; pcmpeqd %%xmm10, %%xmm10; pxor %%xmm11, %%xmm11\n\t"
			 "pcmpeqd %%xmm12, %%xmm12; pxor %%xmm13, %%xmm13; pcmpeqd %%xmm14, %%xmm14; pxor %%xmm15, %%xmm15\n\t"
			 "xor %%eax, %%eax; xor %%ecx, %%ecx; xor %%edx, %%edx; xor %%esi, %%esi; xor %%edi, %%edi\n\t"
			 "xor %%r8d, %%r8d; xor %%r9d, %%r9d; xor %%r10d, %%r10d; xor %%r11d, %%r11d"
			 :
			 :
			 : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
			   "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9",
			   "r10", "r11", "memory");
	g_hits++;
}

int main(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 16; j++)
			g_xmm_init[i][j] = (unsigned char)(i * 16 + j + 1);
	struct sigaction sa = { .sa_handler = handler };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);

	long left = spin(50, 20000000000L);
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	printf("50 signals delivered into a syscall-free loop: %s\n", YN(left > 0 && g_hits >= 50));
	static const uint64_t want[16] = { 0x1111111111111111, 0x2222222222222222, 0, 0x3333333333333333,
					   0x4444444444444444, 0x5555555555555555, 0x6666666666666666,
					   0x8888888888888888, 0x9999999999999999, 50, 0xbbbbbbbbbbbbbbbb,
					   0xcccccccccccccccc, 0xdddddddddddddddd, 0xeeeeeeeeeeeeeeee,
					   0xffffffffffffffff };
	static const char *names[15] = { "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9", "r10",
					 "r11", "r12", "r13", "r14", "r15" };
	int gp_ok = 1;
	for (int i = 0; i < 15; i++) {
		if (i == 2)
			continue; // rcx is the loop counter
		if (g_regs[i] != want[i]) {
			gp_ok = 0;
			printf("register %s changed\n", names[i]);
		}
	}
	printf("general registers preserved: %s\n", YN(gp_ok));
	int x_ok = 1;
	for (int i = 0; i < 16; i++)
		if (memcmp(g_xmm[i], g_xmm_init[i], 16) != 0) {
			x_ok = 0;
			printf("xmm%d changed\n", i);
		}
	printf("xmm0-15 preserved: %s\n", YN(x_ok));
	printf("MXCSR rounding mode preserved: %s\n", YN((g_mxcsr & 0x6000) == 0x6000));
	printf("direction flag preserved: %s\n", YN(g_flags & 0x400));
	printf("handler started with default MXCSR: %s, DF clear: %s\n", YN(handler_mxcsr_default), YN(handler_df_clear));
	printf("handler float result: %.6f\n", handler_sum);

	g_hits = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	double acc = 0, x = 0.5;
	long iters = 0;
	int fp_ok = 1;
	while (g_hits < 30 && iters < 2000000000L) {
		acc = acc * 0.5 + x;
		x = x * 1.0000001;
		if (x > 2)
			x = 0.5;
		if (acc > 4 + 1e-9 || acc < 0) // acc stays below 2*max(x) = 4
			fp_ok = 0;
		iters++;
	}
	setitimer(ITIMER_REAL, &off, NULL);
	double check = 0;
	for (int i = 1; i <= 1000; i++)
		check += 1.0 / ((double)i * i);
	printf("double loop stayed in range under 30 signals: %s\n", YN(fp_ok && g_hits >= 30));
	printf("sum 1/i^2 to 1000: %.12f\n", check);
	return 0;
}
