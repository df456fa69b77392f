// sig_ucontext: a SIGSEGV handler reads the faulting registers from the
// ucontext and edits them: it skips the 3-byte faulting instruction by
// advancing REG_RIP and changes REG_RBX; a SIGILL handler skips ud2 (2
// bytes). The handler also sees the pre-signal mask in uc_sigmask and its
// change to uc_sigmask takes effect on return; fpregs is present.
#include "guest.h"
#include <signal.h>
#include <ucontext.h>
#include <unistd.h>

static volatile long seen_rax = -1, seen_rbx = -1;
static volatile int saw_usr2_masked, has_fpregs;

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ucv;
	seen_rax = uc->uc_mcontext.gregs[REG_RAX];
	seen_rbx = uc->uc_mcontext.gregs[REG_RBX];
	saw_usr2_masked = sigismember(&uc->uc_sigmask, SIGUSR2);
	has_fpregs = uc->uc_mcontext.fpregs != NULL;
	uc->uc_mcontext.gregs[REG_RIP] += 3; // movq (%rax),%rbx is 48 8b 18
	uc->uc_mcontext.gregs[REG_RBX] = 42;
	sigaddset(&uc->uc_sigmask, SIGUSR1);
}

static void on_ill(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ucv;
	uc->uc_mcontext.gregs[REG_RIP] += 2; // ud2 is 0f 0b
	uc->uc_mcontext.gregs[REG_RAX] = 1000;
}

int main(void)
{
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR2);
	sigprocmask(SIG_SETMASK, &m, NULL);

	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sa.sa_sigaction = on_ill;
	sigaction(SIGILL, &sa, NULL);

	long out;
	__asm__ volatile("xor %%eax, %%eax\n\t"
			 "mov $7, %%rbx\n\t"
			 ".byte 0x48, 0x8b, 0x18\n\t" // movq (%rax), %rbx
			 "add $1, %%rbx\n\t"
			 : "=b"(out)
			 :
			 : "rax", "memory");
	printf("handler saw rax=%ld rbx=%ld\n", seen_rax, seen_rbx);
	printf("execution resumed after the fault with rbx from handler + 1: %ld\n", out);
	printf("uc_sigmask had the pre-signal SIGUSR2: %s, fpregs present: %s\n", YN(saw_usr2_masked), YN(has_fpregs));
	sigprocmask(SIG_SETMASK, NULL, &m);
	printf("after return SIGUSR1 blocked (set via uc_sigmask): %s, SIGUSR2 still blocked: %s, SIGSEGV blocked: %s\n",
	       YN(sigismember(&m, SIGUSR1)), YN(sigismember(&m, SIGUSR2)), YN(sigismember(&m, SIGSEGV)));

	long v;
	__asm__ volatile("mov $5, %%eax\n\t"
			 "ud2\n\t"
			 "add $1, %%rax\n\t"
			 : "=a"(v)
			 :
			 : "memory");
	printf("ud2 skipped, rax from handler + 1: %ld\n", v);
	return 0;
}
