// sig_alarm: alarm() return values, pause() interrupted by SIGALRM,
// setitimer(ITIMER_REAL) periodic delivery counted through sigsuspend,
// getitimer, cancelling, and setitimer's errors.
#include "guest.h"
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile int alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static double mono(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	struct sigaction sa = { .sa_handler = on_alarm };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);

	printf("alarm(5) with none pending: %u\n", alarm(5));
	unsigned left = alarm(1);
	printf("alarm(1) returns about 5: %s\n", YN(left == 5 || left == 4));
	double t0 = mono();
	int r = pause();
	double d = mono() - t0;
	printf("pause: %d %s, handler ran %d, waited about 1s: %s\n", r, ename(errno), alarms, YN(d > 0.9 && d < 3));
	printf("alarm(0) with none pending: %u\n", alarm(0));
	alarm(10);
	printf("alarm(0) cancels, returns about 10: %s\n", YN(alarm(0) >= 9));

	alarms = 0;
	struct itimerval it = { { 0, 10000 }, { 0, 10000 } }, cur;
	say("setitimer ITIMER_REAL 10ms periodic", setitimer(ITIMER_REAL, &it, NULL));
	sigset_t blk;
	sigemptyset(&blk);
	sigaddset(&blk, SIGALRM);
	sigprocmask(SIG_BLOCK, &blk, NULL);
	t0 = mono();
	while (alarms < 5)
		sigsuspend(&none);
	d = mono() - t0;
	printf("5 periodic alarms: took >= 40ms: %s\n", YN(d >= 0.040));
	say("getitimer", getitimer(ITIMER_REAL, &cur));
	printf("interval 10000us: %s, value <= 10000us: %s\n", YN(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 10000),
	       YN(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec <= 10000));
	struct itimerval off = { { 0, 0 }, { 0, 0 } }, old;
	say("setitimer off", setitimer(ITIMER_REAL, &off, &old));
	printf("old value had the interval: %s\n", YN(old.it_interval.tv_usec == 10000));
	getitimer(ITIMER_REAL, &cur);
	printf("disarmed: %s\n", YN(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0));
	sigprocmask(SIG_SETMASK, &none, NULL);

	struct itimerval bad = { { 0, 0 }, { 0, 2000000 } };
	say("setitimer usec 2e6", setitimer(ITIMER_REAL, &bad, NULL));
	say("setitimer bad which", setitimer(99, &it, NULL));
	say("getitimer ITIMER_VIRTUAL", getitimer(ITIMER_VIRTUAL, &cur));
	return 0;
}
