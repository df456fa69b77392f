// sig_die_segv: an uncaught NULL dereference kills with SIGSEGV (status
// 128+11); a blocked SIGSEGV does not prevent that.
#include "guest.h"
#include <signal.h>

int main(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGSEGV);
	sigprocmask(SIG_BLOCK, &s, NULL);
	printf("about to dereference NULL\n");
	*(volatile int *)0 = 1;
	printf("not reached\n");
	return 0;
}
