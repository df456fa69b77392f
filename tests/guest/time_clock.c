// time_clock: clock_gettime (vDSO and raw syscall) for the main clocks,
// monotonic never going back, REALTIME agreeing with time() and
// gettimeofday, clock_getres, CPU-time clocks, times(), invalid clocks.
#include "guest.h"
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

static double secs(struct timespec t)
{
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void res(const char *name, clockid_t c)
{
	struct timespec r = { -1, -1 };
	int rc = clock_getres(c, &r);
	printf("clock_getres %s: %s, 0 < res <= 1ms: %s\n", name, rc == 0 ? "ok" : ename(errno),
	       YN(r.tv_sec == 0 && r.tv_nsec > 0 && r.tv_nsec <= 1000000));
}

int main(void)
{
	struct timespec prev, now;
	clock_gettime(CLOCK_MONOTONIC, &prev);
	int mono = 1;
	for (int i = 0; i < 10000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		mono &= secs(now) >= secs(prev);
		prev = now;
	}
	printf("MONOTONIC non-decreasing over 10000 reads: %s\n", YN(mono));
	int raw_mono = 1;
	for (int i = 0; i < 200; i++) {
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now);
		raw_mono &= secs(now) >= secs(prev);
		prev = now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		raw_mono &= secs(now) >= secs(prev);
		prev = now;
	}
	printf("raw syscall and vDSO MONOTONIC interleaved non-decreasing: %s\n", YN(raw_mono));

	struct timespec rt, rawrt;
	clock_gettime(CLOCK_REALTIME, &rt);
	time_t t = time(NULL);
	printf("REALTIME within 2s of time(): %s\n", YN(rt.tv_sec - t <= 2 && t - rt.tv_sec <= 2));
	printf("REALTIME after 2020: %s\n", YN(rt.tv_sec > 1577836800));
	long rc = syscall(SYS_clock_gettime, CLOCK_REALTIME, &rawrt);
	printf("raw clock_gettime REALTIME: %ld, within 1s: %s\n", rc, YN(secs(rawrt) - secs(rt) < 1 && secs(rawrt) >= secs(rt) - 0.001));
	struct timeval tv;
	gettimeofday(&tv, NULL);
	printf("gettimeofday within 1s: %s, usec < 1e6: %s\n", YN(tv.tv_sec - rt.tv_sec <= 1 && tv.tv_sec >= rt.tv_sec), YN(tv.tv_usec < 1000000));
	syscall(SYS_gettimeofday, &tv, NULL);
	printf("raw gettimeofday within 1s: %s\n", YN(tv.tv_sec - rt.tv_sec <= 1 && tv.tv_sec >= rt.tv_sec));
	time_t t2 = 0;
	long rt2 = syscall(SYS_time, &t2);
	printf("raw time() result and argument agree: %s, within 2s: %s\n", YN(rt2 == t2), YN(t2 - t <= 2 && t2 >= t));

	struct timespec boot, mono2, coarse, mraw;
	clock_gettime(CLOCK_MONOTONIC, &mono2);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	printf("BOOTTIME >= MONOTONIC: %s\n", YN(secs(boot) >= secs(mono2)));
	say("MONOTONIC_COARSE", clock_gettime(CLOCK_MONOTONIC_COARSE, &coarse));
	say("MONOTONIC_RAW", clock_gettime(CLOCK_MONOTONIC_RAW, &mraw));
	say("REALTIME_COARSE", clock_gettime(CLOCK_REALTIME_COARSE, &coarse));
	struct timespec c1, c2;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	volatile unsigned long x = 0;
	for (unsigned long i = 0; i < 20000000; i++)
		x += i;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c2);
	printf("PROCESS_CPUTIME advances with work: %s\n", YN(secs(c2) > secs(c1)));
	say("THREAD_CPUTIME", clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1));
	res("REALTIME", CLOCK_REALTIME);
	res("MONOTONIC", CLOCK_MONOTONIC);
	say("clock_getres NULL", clock_getres(CLOCK_MONOTONIC, NULL));
	say("clock_gettime bad clock", clock_gettime(1234, &now));
	say("raw clock_gettime bad clock", syscall(SYS_clock_gettime, 1234, &now));
	say("clock_getres bad clock", clock_getres(1234, &now));
	struct tms tm;
	printf("times() works: %s\n", YN(times(&tm) != (clock_t)-1));
	printf("CLK_TCK: %ld\n", sysconf(_SC_CLK_TCK));
	return 0;
}
