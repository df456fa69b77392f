// sig_itimer_cpu: ITIMER_VIRTUAL and ITIMER_PROF count CPU time: a busy
// loop gets SIGVTALRM / SIGPROF, a sleeping process does not; intervals
// repeat; getitimer counts down and reads 0 once disarmed.
#include "guest.h"
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t vt, prof;

static void on_sig(int sig)
{
	if (sig == SIGVTALRM)
		vt++;
	else
		prof++;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Spins until *flag reaches n or 5 s of wall time pass. */
static int spin_until(volatile sig_atomic_t *flag, int n)
{
	double end = now() + 5;
	volatile unsigned long x = 0;
	while (*flag < n && now() < end)
		x++;
	return *flag >= n;
}

int main(void)
{
	signal(SIGVTALRM, on_sig);
	signal(SIGPROF, on_sig);
	struct itimerval v = { { 0, 0 }, { 0, 50000 } }, cur;
	say("setitimer VIRTUAL 50 ms", setitimer(ITIMER_VIRTUAL, &v, NULL));
	getitimer(ITIMER_VIRTUAL, &cur);
	printf("armed (value left, under 1 s): %s\n", YN(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0));
	usleep(200000);
	printf("after sleeping 200 ms: fired %s\n", YN(vt > 0));
	printf("busy loop gets SIGVTALRM: %s\n", YN(spin_until(&vt, 1)));
	getitimer(ITIMER_VIRTUAL, &cur);
	printf("one-shot now disarmed: %s\n", YN(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0));
	struct itimerval p = { { 0, 20000 }, { 0, 20000 } };
	say("setitimer PROF every 20 ms", setitimer(ITIMER_PROF, &p, NULL));
	printf("busy loop gets SIGPROF 3 times: %s\n", YN(spin_until(&prof, 3)));
	struct itimerval off = { { 0, 0 }, { 0, 0 } }, old;
	say("disarm PROF", setitimer(ITIMER_PROF, &off, &old));
	printf("old interval 20 ms: %s\n", YN(old.it_interval.tv_sec == 0 && old.it_interval.tv_usec == 20000));
	getitimer(ITIMER_PROF, &cur);
	printf("PROF reads 0: %s\n", YN(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0));
	say("setitimer bad which", setitimer(7, &off, NULL));
	return 0;
}
