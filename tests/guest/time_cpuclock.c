// time_cpuclock: CPU-time clocks named by id — the caller's thread and
// process, another thread, a child process — and malformed or stale ids.
#include "guest.h"
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

static pthread_barrier_t bar;

static void *spin(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&bar);
	pthread_barrier_wait(&bar);
	return NULL;
}

static void show(const char *what, clockid_t id)
{
	struct timespec ts, res;
	int g = clock_gettime(id, &ts) == 0 ? 0 : errno;
	int r = clock_getres(id, &res) == 0 ? 0 : errno;
	printf("%s: gettime %s, getres %s\n", what, ename(g), ename(r));
}

int main(void)
{
	clockid_t id;
	pthread_t t;
	pthread_barrier_init(&bar, NULL, 2);
	pthread_create(&t, NULL, spin, NULL);
	pthread_barrier_wait(&bar);
	printf("pthread_getcpuclockid(self): %s\n", ename(pthread_getcpuclockid(pthread_self(), &id)));
	show("own thread clock", id);
	printf("pthread_getcpuclockid(other): %s\n", ename(pthread_getcpuclockid(t, &id)));
	show("other thread clock", id);
	pthread_barrier_wait(&bar);
	pthread_join(t, NULL);
	printf("clock_getcpuclockid(getpid()): %s\n", ename(clock_getcpuclockid(getpid(), &id)));
	show("own process clock", id);
	pid_t child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	printf("clock_getcpuclockid(child): %s\n", ename(clock_getcpuclockid(child, &id)));
	show("child process clock", id);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	show("reaped child's clock", id);
	show("thread clock of a missing tid", (clockid_t)((~(unsigned)4194305 << 3) | 6));
	show("malformed clock (low bits 7)", (clockid_t)((~0u << 3) | 7));
	show("clock 12", 12);
	return 0;
}
