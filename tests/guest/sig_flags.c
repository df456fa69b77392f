// sig_flags: SA_RESETHAND (disposition back to SIG_DFL after one delivery),
// SA_NODEFER (nested delivery of the same signal), the default deferral of
// the running signal, sa_mask deferring another signal until the handler
// returns, and the mask seen inside a handler.
#include "guest.h"
#include <signal.h>
#include <unistd.h>

static volatile int depth, max_depth, count, self_in_mask, other_in_mask;
static char log_buf[256];

static void logs(const char *s)
{
	strcat(log_buf, s);
}

static void nested(int sig)
{
	sigset_t cur;
	sigprocmask(SIG_SETMASK, NULL, &cur);
	self_in_mask = sigismember(&cur, sig);
	other_in_mask = sigismember(&cur, SIGUSR2);
	depth++;
	count++;
	if (depth > max_depth)
		max_depth = depth;
	if (count == 1)
		raise(sig);
	depth--;
}

static void once(int sig)
{
	(void)sig;
	count++;
}

static void u1(int sig)
{
	(void)sig;
	logs(" U1-start");
	raise(SIGUSR2);
	logs(" U1-end");
}

static void u2(int sig)
{
	(void)sig;
	logs(" U2");
}

static void set(int sig, void (*h)(int), int flags, int masked)
{
	struct sigaction sa = { .sa_handler = h, .sa_flags = flags };
	sigemptyset(&sa.sa_mask);
	if (masked)
		sigaddset(&sa.sa_mask, masked);
	sigaction(sig, &sa, NULL);
}

int main(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	set(SIGUSR1, once, SA_RESETHAND, 0);
	raise(SIGUSR1);
	struct sigaction q;
	sigaction(SIGUSR1, NULL, &q);
	printf("SA_RESETHAND: handler ran %d, disposition now SIG_DFL: %s\n", count, YN(q.sa_handler == SIG_DFL));

	count = max_depth = 0;
	set(SIGUSR1, nested, 0, 0);
	raise(SIGUSR1);
	printf("default: deliveries %d, max nesting %d, own signal masked in handler: %s\n", count, max_depth, YN(self_in_mask));

	count = max_depth = 0;
	set(SIGUSR1, nested, SA_NODEFER, 0);
	raise(SIGUSR1);
	printf("SA_NODEFER: deliveries %d, max nesting %d, own signal masked in handler: %s\n", count, max_depth, YN(self_in_mask));

	count = max_depth = 0;
	set(SIGUSR1, nested, 0, SIGUSR2);
	raise(SIGUSR1);
	printf("sa_mask SIGUSR2 in handler mask: %s\n", YN(other_in_mask));
	sigset_t after;
	sigprocmask(SIG_SETMASK, NULL, &after);
	printf("mask restored after handler: %s\n", YN(!sigismember(&after, SIGUSR1) && !sigismember(&after, SIGUSR2)));

	set(SIGUSR2, u2, 0, 0);
	set(SIGUSR1, u1, 0, 0);
	raise(SIGUSR1);
	printf("without sa_mask:%s\n", log_buf);
	log_buf[0] = 0;
	set(SIGUSR1, u1, 0, SIGUSR2);
	raise(SIGUSR1);
	printf("with SIGUSR2 in sa_mask:%s\n", log_buf);
	return 0;
}
