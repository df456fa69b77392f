// thr_many: /proc/self/task lists every thread of a process with many of
// them. 300 threads wait on a condition variable while the main thread
// counts the entries of /proc/self/task and checks that each of its own
// threads' ids is there; then they are released and joined.
#include "guest.h"
#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define THREADS 300

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int started, go;
static pid_t tids[THREADS];

static void *worker(void *arg)
{
	int i = (int)(long)arg;
	pthread_mutex_lock(&mu);
	tids[i] = (pid_t)syscall(SYS_gettid);
	started++;
	pthread_cond_broadcast(&cv);
	while (!go)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static int listed(pid_t tid, const int *ids, int n)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == tid)
			return 1;
	return 0;
}

int main(void)
{
	pthread_t th[THREADS];
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&th[i], &attr, worker, (void *)(long)i)) {
			printf("pthread_create %d failed\n", i);
			return 1;
		}
	pthread_mutex_lock(&mu);
	while (started < THREADS)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);

	static int ids[4096];
	int n = 0;
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	while (d && (e = readdir(d)) && n < 4096)
		if (atoi(e->d_name) > 0)
			ids[n++] = atoi(e->d_name);
	if (d)
		closedir(d);
	int missing = !listed((pid_t)syscall(SYS_gettid), ids, n);
	for (int i = 0; i < THREADS; i++)
		missing += !listed(tids[i], ids, n);
	printf("tasks listed: %d (threads + main: %d), missing: %d\n", n, THREADS + 1, missing);

	pthread_mutex_lock(&mu);
	go = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	printf("joined %d\n", THREADS);
	return 0;
}
