// sig_die_abort: abort() kills with SIGABRT (status 128+6) even when the
// program had blocked SIGABRT and installed a handler that returns.
#include "guest.h"
#include <signal.h>
#include <stdlib.h>

static void on_abrt(int sig)
{
	(void)sig;
	printf("SIGABRT handler ran and returned\n");
}

int main(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGABRT);
	sigprocmask(SIG_BLOCK, &s, NULL);
	signal(SIGABRT, on_abrt);
	printf("calling abort\n");
	abort();
}
