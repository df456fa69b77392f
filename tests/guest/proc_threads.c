// proc_threads: fork from a multi-threaded process while other threads
// allocate memory and hold locks: the child has exactly one thread (the one
// that called fork), can malloc/free, use stdio, create and join a new
// thread, and exit with a status; the parent's threads keep running; a
// fork from a non-main thread works too (the child's getppid() is the
// parent process), and pthread_atfork handlers run in order.
#include "guest.h"
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile int stop;
static volatile long progress[4];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int atfork_log[8], atfork_n;

static void *churn(void *arg)
{
	long i = (long)arg;
	while (!stop) {
		void *p[16];
		for (int k = 0; k < 16; k++)
			p[k] = malloc(32 + k * 100);
		for (int k = 0; k < 16; k++)
			free(p[k]);
		pthread_mutex_lock(&mu);
		progress[i]++;
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static void *child_thread(void *arg)
{
	return (char *)arg + 1;
}

static void log_atfork(int what)
{
	if (atfork_n < 8)
		atfork_log[atfork_n++] = what;
}
// The atfork handlers hold MU across the fork, so the child's copy is
// never locked by a thread that does not exist there.
static void prepare(void)
{
	pthread_mutex_lock(&mu);
	log_atfork(1);
}
static void in_parent(void)
{
	log_atfork(2);
	pthread_mutex_unlock(&mu);
}
static void in_child(void)
{
	log_atfork(3);
	pthread_mutex_unlock(&mu);
}

// The child's work: returns its exit status (10 means all checks passed).
static int child_body(void)
{
	int ok = 1;
	int t = threads_now();
	if (t != 1) {
		printf("child: threads %d\n", t);
		ok = 0;
	}
	char *big = malloc(1 << 20);
	if (!big)
		ok = 0;
	else
		memset(big, 1, 1 << 20);
	for (int i = 0; i < 1000; i++)
		free(malloc(i * 7 + 1));
	free(big);
	pthread_mutex_lock(&mu); // held by the parent across fork (atfork)
	pthread_mutex_unlock(&mu);
	pthread_t th;
	void *ret = NULL;
	if (pthread_create(&th, NULL, child_thread, (void *)41) != 0 || pthread_join(th, &ret) != 0 || ret != (void *)42)
		ok = 0;
	printf("child: one thread: %s, malloc, lock, a new thread: %s\n", YN(t == 1), YN(ok));
	return ok ? 10 : 11;
}

static pid_t parent_pid;

static void *forker(void *arg)
{
	(void)arg;
	pid_t c = fork();
	if (c == 0) {
		printf("child of a non-main thread: getppid() == parent: %s\n", YN(getppid() == parent_pid));
		exit(child_body());
	}
	int st;
	waitpid(c, &st, 0);
	printf("fork from a non-main thread: %s\n", wstr(st));
	return NULL;
}

int main(void)
{
	parent_pid = getpid();
	pthread_atfork(prepare, in_parent, in_child);
	pthread_t t[4];
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, churn, (void *)i);
	struct timespec ts = { 0, 20 * 1000000L };
	nanosleep(&ts, NULL);
	printf("threads before fork: %d\n", threads_now());

	for (int round = 0; round < 20; round++) {
		pid_t c = fork();
		if (c == 0) {
			if (round == 0)
				printf("child: atfork log: %d %d\n", atfork_log[0], atfork_log[1]);
			if (round == 0)
				exit(child_body());
			// Quick children: malloc and exit while the parent churns.
			free(malloc(100));
			_exit(round);
		}
		int st;
		waitpid(c, &st, 0);
		if (round == 0) {
			printf("parent: atfork log: %d %d\n", atfork_log[0], atfork_log[1]);
			printf("first child: %s\n", wstr(st));
		} else if (!WIFEXITED(st) || WEXITSTATUS(st) != round) {
			printf("child %d: %s\n", round, wstr(st));
		}
	}
	printf("20 forks done\n");

	long before = progress[0] + progress[1] + progress[2] + progress[3];
	long after = before;
	for (int i = 0; i < 100 && after == before; i++) {
		nanosleep(&ts, NULL);
		after = progress[0] + progress[1] + progress[2] + progress[3];
	}
	printf("parent's threads still running: %s\n", YN(after > before));

	pthread_t f;
	pthread_create(&f, NULL, forker, NULL);
	pthread_join(f, NULL);

	stop = 1;
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	// A joined thread may be counted for a moment after pthread_join
	// returns (the tid is cleared before the thread is gone): wait a bit.
	int left = threads_now();
	for (int i = 0; i < 100 && left != 1; i++) {
		nanosleep(&ts, NULL);
		left = threads_now();
	}
	printf("threads at the end: %d\n", left);
	return 0;
}
