// id_sys: sysinfo, getrandom (two calls differ, flags), getrusage,
// sched_getaffinity/setaffinity, sched_yield, scheduler policy, getcpu.
#include "guest.h"
#include <sched.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>

int main(void)
{
	struct sysinfo si;
	say("sysinfo", sysinfo(&si));
	printf("totalram > 0: %s, mem_unit >= 1: %s, uptime >= 0: %s, procs >= 1: %s\n", YN(si.totalram > 0),
	       YN(si.mem_unit >= 1), YN(si.uptime >= 0), YN(si.procs >= 1));
	printf("freeram <= totalram: %s\n", YN(si.freeram <= si.totalram));

	unsigned char a[16], b[16];
	printf("getrandom: %zd %zd\n", getrandom(a, 16, 0), getrandom(b, 16, 0));
	printf("two getrandom calls differ: %s\n", YN(memcmp(a, b, 16) != 0));
	say("getrandom GRND_NONBLOCK", getrandom(a, 16, GRND_NONBLOCK));
	say("getrandom GRND_RANDOM", getrandom(a, 16, GRND_RANDOM | GRND_NONBLOCK));
	say("getrandom bad flags", getrandom(a, 16, 0x100));
	printf("getrandom 0 bytes: %zd\n", getrandom(a, 0, 0));

	struct rusage ru;
	say("getrusage SELF", getrusage(RUSAGE_SELF, &ru));
	say("getrusage THREAD", getrusage(RUSAGE_THREAD, &ru));
	say("getrusage CHILDREN", getrusage(RUSAGE_CHILDREN, &ru));
	say("getrusage bad who", getrusage(12345, &ru));

	cpu_set_t set;
	CPU_ZERO(&set);
	say("sched_getaffinity", sched_getaffinity(0, sizeof set, &set));
	int count = CPU_COUNT(&set);
	printf("cpu count >= 1: %s, <= configured cpus: %s\n", YN(count >= 1), YN(count <= sysconf(_SC_NPROCESSORS_CONF)));
	say("sched_setaffinity same set", sched_setaffinity(0, sizeof set, &set));
	say("sched_getaffinity size 1", syscall(SYS_sched_getaffinity, 0, 1, &set));
	say("sched_yield", sched_yield());
	printf("scheduler SCHED_OTHER: %s\n", YN(sched_getscheduler(0) == SCHED_OTHER));
	struct sched_param sp;
	say("sched_getparam", sched_getparam(0, &sp));
	printf("priority: %d\n", sp.sched_priority);
	printf("priority range for SCHED_OTHER: %d..%d\n", sched_get_priority_min(SCHED_OTHER), sched_get_priority_max(SCHED_OTHER));
	unsigned cpu = 9999, node = 9999;
	say("getcpu", getcpu(&cpu, &node));
	printf("cpu in affinity set: %s\n", YN(cpu < CPU_SETSIZE && CPU_ISSET(cpu, &set)));
	return 0;
}
