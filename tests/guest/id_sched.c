// id_sched: the sched_* calls on the caller, another thread, a missing
// id and a negative one (int arguments whose upper register half is not
// sign-extended by glibc's stubs); CPU affinity set and read back;
// sched_rr_get_interval; pidfd_open's argument checks.
#include "guest.h"
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NO_SUCH_ID 4194305 /* above any pid_max */

static pid_t other_tid;
static pthread_barrier_t bar;

static void *thread_main(void *arg)
{
	(void)arg;
	other_tid = gettid();
	pthread_barrier_wait(&bar);
	pthread_barrier_wait(&bar);
	return NULL;
}

static void sched_ids(const char *what, pid_t id)
{
	struct sched_param sp = { 0 };
	printf("%s: getscheduler %s", what, ename(sched_getscheduler(id) < 0 ? errno : 0));
	printf(", getparam %s", ename(sched_getparam(id, &sp) < 0 ? errno : 0));
	printf(", setscheduler OTHER %s", ename(sched_setscheduler(id, SCHED_OTHER, &sp) < 0 ? errno : 0));
	struct timespec ts;
	int r = sched_rr_get_interval(id, &ts);
	printf(", rr_interval %s", ename(r < 0 ? errno : 0));
	if (r == 0)
		printf(" (under 1 s: %s)", YN(ts.tv_sec == 0));
	cpu_set_t m;
	r = sched_getaffinity(id, sizeof m, &m);
	printf(", getaffinity %s\n", ename(r < 0 ? errno : 0));
}

static void affinity(void)
{
	cpu_set_t all, one, back;
	sched_getaffinity(0, sizeof all, &all);
	printf("CPUs in mask: %s\n", YN(CPU_COUNT(&all) >= 1));
	printf("raw getaffinity size 4: %ld\n", syscall(SYS_sched_getaffinity, 0, 4, &back) < 0 ? -(long)errno : 0L);
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	say("setaffinity {0}", sched_setaffinity(0, sizeof one, &one));
	sched_getaffinity(0, sizeof back, &back);
	printf("read back {0}: %s\n", YN(CPU_EQUAL(&back, &one)));
	CPU_ZERO(&one);
	CPU_SET(1000, &one);
	say("setaffinity to no online CPU", sched_setaffinity(0, sizeof one, &one));
	say("restore", sched_setaffinity(0, sizeof all, &all));
	sched_getaffinity(0, sizeof back, &back);
	printf("restored: %s\n", YN(CPU_EQUAL(&back, &all)));
}

int main(void)
{
	pthread_t t;
	pthread_barrier_init(&bar, NULL, 2);
	pthread_create(&t, NULL, thread_main, NULL);
	pthread_barrier_wait(&bar);
	sched_ids("self (0)", 0);
	sched_ids("own pid", getpid());
	sched_ids("other thread", other_tid);
	sched_ids("missing id", NO_SUCH_ID);
	sched_ids("negative id", -1);
	pthread_barrier_wait(&bar);
	pthread_join(t, NULL);
	affinity();
	/* SCHED_FIFO is left out: root may take it natively, a sandbox never. */
	say("pidfd_open(-1)", syscall(SYS_pidfd_open, -1, 0));
	say("pidfd_open(0)", syscall(SYS_pidfd_open, 0, 0));
	say("pidfd_open(missing)", syscall(SYS_pidfd_open, NO_SUCH_ID, 0));
	return 0;
}
