// time_sleep: nanosleep, clock_nanosleep (relative and TIMER_ABSTIME, past
// deadlines), usleep, poll/select as sleeps: each sleeps at least as long
// as asked (and not absurdly longer); invalid arguments give EINVAL.
#include "guest.h"
#include <poll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double mono(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void report(const char *what, double t0, double want)
{
	double d = mono() - t0;
	printf("%s: slept >= %.0fms: %s, < 2s: %s\n", what, want * 1000, YN(d >= want), YN(d < 2));
}

int main(void)
{
	struct timespec req = { 0, 20000000 }, rem = { 7, 7 };
	double t0 = mono();
	int rc = nanosleep(&req, &rem);
	report("nanosleep 20ms", t0, 0.020);
	printf("nanosleep returned %d\n", rc);

	t0 = mono();
	rc = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL);
	report("clock_nanosleep relative 20ms", t0, 0.020);
	printf("returned %d\n", rc);

	struct timespec dl;
	clock_gettime(CLOCK_MONOTONIC, &dl);
	t0 = dl.tv_sec + dl.tv_nsec / 1e9;
	dl.tv_nsec += 30000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, NULL);
	report("clock_nanosleep TIMER_ABSTIME +30ms", t0, 0.030);
	printf("returned %d, clock now past deadline: %s\n", rc, YN(mono() >= dl.tv_sec + dl.tv_nsec / 1e9));

	struct timespec rdl;
	clock_gettime(CLOCK_REALTIME, &rdl);
	rdl.tv_sec += 1;
	rdl.tv_nsec = 0;
	t0 = mono();
	rc = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &rdl, NULL);
	struct timespec after;
	clock_gettime(CLOCK_REALTIME, &after);
	printf("clock_nanosleep REALTIME absolute to next whole second: %d, reached: %s\n", rc,
	       YN(after.tv_sec >= rdl.tv_sec));

	struct timespec past = { 1, 0 };
	t0 = mono();
	rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL);
	printf("absolute deadline in the past: %d, immediate: %s\n", rc, YN(mono() - t0 < 0.5));
	rc = syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, NULL);
	printf("raw clock_nanosleep: %d\n", rc);

	t0 = mono();
	usleep(15000);
	report("usleep 15ms", t0, 0.015);
	t0 = mono();
	poll(NULL, 0, 20);
	report("poll(NULL, 0, 20)", t0, 0.020);
	t0 = mono();
	struct timeval tv = { 0, 20000 };
	select(0, NULL, NULL, NULL, &tv);
	report("select 20ms", t0, 0.020);

	struct timespec bad = { 0, 1000000000 };
	say("nanosleep tv_nsec 1e9", nanosleep(&bad, NULL));
	struct timespec neg = { -1, 0 };
	say("nanosleep negative", nanosleep(&neg, NULL));
	printf("clock_nanosleep bad clock: %s\n", ename(clock_nanosleep(1234, 0, &req, NULL)));
	printf("clock_nanosleep THREAD_CPUTIME: %s\n", ename(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL)));
	printf("clock_nanosleep bad nsec: %s\n", ename(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL)));
	struct timespec zero = { 0, 0 };
	say("nanosleep 0", nanosleep(&zero, NULL));
	return 0;
}
