// mem_mprotect: mprotect to read-only / none / read-write, writes to a
// read-only page caught by our own SIGSEGV handler (sigsetjmp/siglongjmp)
// with SEGV_ACCERR and the right si_addr, executable code made with
// mprotect(PROT_EXEC), and mprotect's errors.
#include "guest.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile void *fault_addr;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	siglongjmp(env, 1);
}

static const char *code_name(int c)
{
	return c == SEGV_MAPERR ? "SEGV_MAPERR" : c == SEGV_ACCERR ? "SEGV_ACCERR" : "other";
}

// Tries to write one byte; returns 1 if the write faulted.
static int try_write(volatile char *p)
{
	if (sigsetjmp(env, 1) == 0) {
		*p = 'w';
		return 0;
	}
	return 1;
}

static int try_read(volatile char *p)
{
	if (sigsetjmp(env, 1) == 0) {
		(void)*p;
		return 0;
	}
	return 1;
}

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
	sigaction(SIGSEGV, &sa, NULL);

	char *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[10] = 'a';
	say("mprotect PROT_READ", mprotect(p, pg, PROT_READ));
	printf("read after PROT_READ: %c\n", p[10]);
	int f = try_write(p + 10);
	printf("write to read-only page faulted: %s\n", YN(f));
	printf("si_code: %s\n", code_name(fault_code));
	printf("si_addr is the written byte: %s\n", YN(fault_addr == p + 10));
	printf("second page still writable: %s\n", YN(!try_write(p + pg)));
	printf("data unchanged: %c\n", p[10]);

	say("mprotect PROT_NONE", mprotect(p, pg, PROT_NONE));
	f = try_read(p);
	printf("read of PROT_NONE page faulted: %s (%s)\n", YN(f), code_name(fault_code));
	say("mprotect PROT_READ|PROT_WRITE", mprotect(p, pg, PROT_READ | PROT_WRITE));
	printf("write after restoring faulted: %s\n", YN(try_write(p + 10)));
	printf("data now: %c\n", p[10]);

	// mov $42,%eax; ret
	static const unsigned char code[] = { 0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3 };
	memcpy(p + pg, code, sizeof code);
	say("mprotect PROT_READ|PROT_EXEC", mprotect(p + pg, pg, PROT_READ | PROT_EXEC));
	int (*fn)(void) = (int (*)(void))(void *)(p + pg);
	printf("generated code returns: %d\n", fn());
	printf("write to code page faulted: %s\n", YN(try_write(p + pg)));

	say("mprotect unaligned", mprotect(p + 1, pg, PROT_READ));
	munmap(p, 2 * pg);
	say("mprotect unmapped", mprotect(p, pg, PROT_READ));
	f = try_write(p);
	printf("write to unmapped faulted: %s (%s)\n", YN(f), code_name(fault_code));
	return 0;
}
