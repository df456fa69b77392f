// sig_die_kill: SIGKILL sent to ourselves kills at once (status 128+9),
// even with every signal blocked.
#include "guest.h"
#include <signal.h>
#include <unistd.h>

int main(void)
{
	sigset_t s;
	sigfillset(&s);
	sigprocmask(SIG_BLOCK, &s, NULL);
	printf("sending SIGKILL to self\n");
	kill(getpid(), SIGKILL);
	printf("not reached\n");
	return 0;
}
