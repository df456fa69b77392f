/* sys_time.c — clocks and sleeping. */
#include "linux/shim.h"

static long put_ts(long uptr, const struct b_timespec *ts)
{
	struct l_timespec lt = { ts->sec, ts->nsec };
	return copy_out((void *)uptr, &lt, sizeof(lt)) < 0 ? -EFAULT : 0;
}

SYSCALL(clock_gettime)
{
	struct b_timespec ts;
	int r = time_get((int)a0, &ts);
	return r < 0 ? r : put_ts(a1, &ts);
}

/* Setting a clock needs CAP_SYS_TIME, which no sandbox has; the
 * arguments are checked first, as Linux does. */
SYSCALL(clock_settime)
{
	struct b_timespec now;
	struct l_timespec lt;
	if (time_res((int)a0, &now) < 0)
		return -EINVAL;
	if (copy_in(&lt, (void *)a1, sizeof(lt)) < 0)
		return -EFAULT;
	if (lt.tv_nsec < 0 || lt.tv_nsec >= 1000000000L || lt.tv_sec < 0)
		return -EINVAL;
	return (int)a0 == 0 ? -EPERM : -EINVAL;
}

SYSCALL(settimeofday)
{
	return -EPERM;
}

SYSCALL(clock_getres)
{
	struct b_timespec ts;
	int r = time_res((int)a0, &ts);
	if (r < 0 || !a1)
		return r;
	return put_ts(a1, &ts);
}

SYSCALL(gettimeofday)
{
	struct b_timespec ts;
	if (a0) {
		time_get(0, &ts);
		struct l_timeval tv = { ts.sec, ts.nsec / 1000 };
		if (copy_out((void *)a0, &tv, sizeof(tv)) < 0)
			return -EFAULT;
	}
	if (a1) {
		int32_t tz[2] = { 0, 0 };
		if (copy_out((void *)a1, tz, sizeof(tz)) < 0)
			return -EFAULT;
	}
	return 0;
}

SYSCALL(time)
{
	struct b_timespec ts;
	time_get(0, &ts);
	if (a0 && copy_out((void *)a0, &ts.sec, 8) < 0)
		return -EFAULT;
	return ts.sec;
}

static long sleep_common(int clock, int flags, long ureq, long urem)
{
	struct l_timespec lt;
	if (copy_in(&lt, (void *)ureq, sizeof(lt)) < 0)
		return -EFAULT;
	struct b_timespec t = { lt.tv_sec, lt.tv_nsec }, rem;
	int r = time_sleep(clock, flags, &t, &rem);
	if (r == -EINTR && urem && !(flags & 1))
		put_ts(urem, &rem);
	return r;
}

SYSCALL(nanosleep)
{
	return sleep_common(1, 0, a0, a1);
}

SYSCALL(clock_nanosleep)
{
	long r = sleep_common((int)a0, (int)a1, a2, a3);
	return r == -EINVAL && (a0 == 2 || a0 == 3) ? -EOPNOTSUPP : r;
}

SYSCALL(times)
{
	struct b_timespec cpu, mono;
	time_get(2, &cpu);
	time_get(1, &mono);
	int64_t t[4] = { cpu.sec * 100 + cpu.nsec / 10000000, 0, 0, 0 };
	if (a0 && copy_out((void *)a0, t, sizeof(t)) < 0)
		return -EFAULT;
	return mono.sec * 100 + mono.nsec / 10000000;
}
