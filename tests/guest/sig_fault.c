// sig_fault: hardware faults turned into catchable signals with the right
// siginfo: NULL dereference (SIGSEGV/SEGV_MAPERR, si_addr 0), write to
// read-only data (SEGV_ACCERR), integer division by zero (SIGFPE/
// FPE_INTDIV), ud2 (SIGILL/ILL_ILLOPN, si_addr at the instruction), int3
// (SIGTRAP, execution continues), access beyond the end of a mapped file
// (SIGBUS/BUS_ADRERR). Each recovers with siglongjmp and the mask is clean.
#include "guest.h"
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#define F "/tmp/bento-gt-sig_fault-file"

static sigjmp_buf env;
static volatile int got_sig, got_code;
static void *volatile got_addr;
static volatile int trap_count;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	if (sig == SIGTRAP) {
		trap_count++;
		return;
	}
	siglongjmp(env, 1);
}

static const char *code(int sig, int c)
{
	if (sig == SIGSEGV)
		return c == SEGV_MAPERR ? "SEGV_MAPERR" : c == SEGV_ACCERR ? "SEGV_ACCERR" : "other";
	if (sig == SIGFPE)
		return c == FPE_INTDIV ? "FPE_INTDIV" : "other";
	if (sig == SIGILL)
		return c == ILL_ILLOPN ? "ILL_ILLOPN" : "other";
	if (sig == SIGBUS)
		return c == BUS_ADRERR ? "BUS_ADRERR" : "other";
	if (sig == SIGTRAP)
		return c == SI_KERNEL ? "SI_KERNEL" : c == TRAP_BRKPT ? "TRAP_BRKPT" : "other";
	return "?";
}

static void report(const char *what, int caught)
{
	sigset_t cur;
	sigprocmask(SIG_SETMASK, NULL, &cur);
	printf("%s: caught=%s sig=%s code=%s mask clean=%s\n", what, YN(caught), sigabbrev_np(got_sig),
	       code(got_sig, got_code), YN(!sigismember(&cur, got_sig)));
	got_sig = 0;
}

static const char rodata[] = "read-only";
extern char ud2_here[];

int main(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };
	sigemptyset(&sa.sa_mask);
	int sigs[] = { SIGSEGV, SIGFPE, SIGILL, SIGTRAP, SIGBUS };
	for (int i = 0; i < 5; i++)
		sigaction(sigs[i], &sa, NULL);

	int caught = sigsetjmp(env, 1);
	if (!caught)
		*(volatile int *)0 = 1;
	report("NULL write", caught);
	printf("si_addr is 0: %s\n", YN(got_addr == NULL));

	caught = sigsetjmp(env, 1);
	if (!caught)
		(void)*(volatile int *)16;
	report("read at 16", caught);
	printf("si_addr is 16: %s\n", YN(got_addr == (void *)16));

	caught = sigsetjmp(env, 1);
	if (!caught)
		*(volatile char *)rodata = 'x';
	report("write to .rodata", caught);
	printf("si_addr is the string: %s\n", YN(got_addr == rodata));

	volatile int zero = 0, num = 7, res = 0;
	caught = sigsetjmp(env, 1);
	if (!caught)
		res = num / zero;
	report("integer division by zero", caught);
	(void)res;

	caught = sigsetjmp(env, 1);
	if (!caught)
		__asm__ volatile(".globl ud2_here\nud2_here: ud2");
	report("ud2", caught);
	printf("si_addr at the ud2: %s\n", YN(got_addr == (void *)ud2_here));

	__asm__ volatile("int3");
	printf("int3: handler ran %d time, execution continued after it\n", trap_count);
	report("int3", 1);

	unlink(F);
	int fd = open(F, O_RDWR | O_CREAT, 0600);
	write(fd, "x", 1);
	char *p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	printf("first page readable: %c\n", p[0]);
	caught = sigsetjmp(env, 1);
	if (!caught)
		(void)*(volatile char *)(p + 4096);
	report("read beyond end of file mapping", caught);
	printf("si_addr is the second page: %s\n", YN(got_addr == p + 4096));
	munmap(p, 8192);
	close(fd);
	unlink(F);
	return 0;
}
