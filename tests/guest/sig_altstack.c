// sig_altstack: sigaltstack set/query, SA_ONSTACK handlers running on the
// alternate stack (SS_ONSTACK reported inside, EPERM on change while on
// it), handlers without SA_ONSTACK on the normal stack, SS_DISABLE, ENOMEM
// for tiny stacks, and a thread's stack overflow caught on its altstack.
#include "guest.h"
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

static char alt[65536] __attribute__((aligned(16)));
static volatile int on_alt, flags_inside, change_errno;

static void handler(int sig)
{
	(void)sig;
	char local;
	on_alt = (uintptr_t)&local >= (uintptr_t)alt && (uintptr_t)&local < (uintptr_t)alt + sizeof alt;
	stack_t q;
	sigaltstack(NULL, &q);
	flags_inside = q.ss_flags;
	stack_t other = { .ss_sp = alt, .ss_size = sizeof alt };
	change_errno = sigaltstack(&other, NULL) < 0 ? errno : 0;
}

static sigjmp_buf overflow_env;
static volatile int overflow_on_alt;
static char *thread_alt;

static void on_overflow(int sig)
{
	(void)sig;
	char local;
	overflow_on_alt = (uintptr_t)&local >= (uintptr_t)thread_alt && (uintptr_t)&local < (uintptr_t)thread_alt + 65536;
	siglongjmp(overflow_env, 1);
}

static int recurse(volatile char *prev, long depth)
{
	volatile char pad[1024];
	pad[0] = prev ? prev[0] + 1 : 0;
	if (depth > 100000000) // never: the stack runs out long before
		return 0;
	return recurse(pad, depth + 1) + pad[1];
}

static void *overflow_thread(void *arg)
{
	(void)arg;
	thread_alt = malloc(65536);
	stack_t ss = { .ss_sp = thread_alt, .ss_size = 65536 };
	sigaltstack(&ss, NULL);
	if (sigsetjmp(overflow_env, 1) == 0)
		recurse(NULL, 0);
	return (void *)(intptr_t)overflow_on_alt;
}

int main(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0 }, q;
	sigaltstack(NULL, &q);
	printf("initially disabled: %s\n", YN(q.ss_flags == SS_DISABLE));
	say("sigaltstack set", sigaltstack(&ss, NULL));
	sigaltstack(NULL, &q);
	printf("query: same sp %s, same size %s, flags %d\n", YN(q.ss_sp == alt), YN(q.ss_size == sizeof alt), q.ss_flags);

	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_ONSTACK };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	printf("SA_ONSTACK handler on alt stack: %s, ss_flags inside SS_ONSTACK: %s, change inside: %s\n", YN(on_alt),
	       YN(flags_inside == SS_ONSTACK), ename(change_errno));
	sigaltstack(NULL, &q);
	printf("flags after return: %d\n", q.ss_flags);

	sa.sa_flags = 0;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	printf("handler without SA_ONSTACK on alt stack: %s\n", YN(on_alt));

	stack_t tiny = { .ss_sp = alt, .ss_size = 512 };
	say("sigaltstack tiny", sigaltstack(&tiny, NULL));
	stack_t badf = { .ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0x1234 };
	say("sigaltstack bad flags", sigaltstack(&badf, NULL));
	stack_t dis = { .ss_flags = SS_DISABLE };
	say("sigaltstack disable", sigaltstack(&dis, NULL));
	sigaltstack(NULL, &q);
	printf("disabled: %s\n", YN(q.ss_flags == SS_DISABLE));
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	printf("SA_ONSTACK with disabled altstack runs on normal stack: %s\n", YN(!on_alt));

	struct sigaction so = { .sa_handler = on_overflow, .sa_flags = SA_ONSTACK };
	sigemptyset(&so.sa_mask);
	sigaction(SIGSEGV, &so, NULL);
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 256 * 1024);
	pthread_t t;
	pthread_create(&t, &at, overflow_thread, NULL);
	void *res;
	pthread_join(t, &res);
	printf("thread stack overflow caught on its altstack: %s\n", YN(res != NULL));
	return 0;
}
