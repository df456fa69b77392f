// sig_die_term: an ignored SIGTERM is survived; with SIG_DFL restored,
// raise(SIGTERM) kills the process (status 128+15 seen by the runner).
#include "guest.h"
#include <signal.h>

int main(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGTERM, SIG_IGN);
	raise(SIGTERM);
	printf("survived ignored SIGTERM: yes\n");
	signal(SIGTERM, SIG_DFL);
	printf("raising SIGTERM with default action\n");
	raise(SIGTERM);
	printf("not reached\n");
	return 0;
}
