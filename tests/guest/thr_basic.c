// thr_basic: pthread_create/join of 8 threads with return values, distinct
// thread ids all sharing one pid, __thread variables private per thread,
// a thread exiting (pthread_exit) while the others keep running, detached
// threads, and join errors.
#include "guest.h"
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

static __thread long tls_val = 7;
static __thread char tls_buf[64] = "initial";
static pid_t tids[8], pids[8];
static int tls_ok[8];
static pthread_barrier_t written, rest;
static volatile int detached_done;

static void *worker(void *arg)
{
	long id = (long)arg;
	tids[id] = gettid();
	pids[id] = getpid();
	int fresh = tls_val == 7 && strcmp(tls_buf, "initial") == 0;
	tls_val = id * 100;
	snprintf(tls_buf, sizeof tls_buf, "thread-%ld", id);
	pthread_barrier_wait(&written); // all 8 have written their TLS
	char want[64];
	snprintf(want, sizeof want, "thread-%ld", id);
	tls_ok[id] = fresh && tls_val == id * 100 && strcmp(tls_buf, want) == 0;
	if (id == 3)
		pthread_exit((void *)(intptr_t)(1000 + id)); // leaves while the others still run
	pthread_barrier_wait(&rest); // the other 7 and main
	return (void *)(intptr_t)(id * id);
}

static void *detached(void *arg)
{
	(void)arg;
	detached_done = 1;
	return NULL;
}

int main(void)
{
	pthread_t t[8];
	pthread_barrier_init(&written, NULL, 8);
	pthread_barrier_init(&rest, NULL, 8);
	for (long i = 0; i < 8; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)i) != 0)
			printf("create %ld failed\n", i);
	void *r;
	pthread_join(t[3], &r);
	printf("thread 3 exited early with %ld while 7 others wait\n", (long)(intptr_t)r);
	pthread_barrier_wait(&rest);
	long sum = 0;
	for (int i = 0; i < 8; i++) {
		if (i == 3)
			continue;
		pthread_join(t[i], &r);
		sum += (long)(intptr_t)r;
	}
	printf("sum of i*i returned by the other 7: %ld\n", sum);
	int distinct = 1, same_pid = 1, not_main = 1, all_tls = 1;
	for (int i = 0; i < 8; i++) {
		same_pid &= pids[i] == getpid();
		not_main &= tids[i] != getpid() && tids[i] > 0;
		all_tls &= tls_ok[i];
		for (int j = 0; j < i; j++)
			distinct &= tids[i] != tids[j];
	}
	printf("thread ids distinct: %s, none equals the pid: %s, all share the pid: %s\n", YN(distinct),
	       YN(not_main), YN(same_pid));
	printf("every thread saw fresh TLS and kept its own value: %s\n", YN(all_tls));
	printf("main thread TLS untouched: %ld %s\n", tls_val, tls_buf);

	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_t d;
	pthread_create(&d, &at, detached, NULL);
	for (int i = 0; i < 2000 && !detached_done; i++)
		usleep(1000);
	printf("detached thread ran: %s\n", YN(detached_done));
	pthread_t self = pthread_self();
	printf("join self: %s\n", ename(pthread_join(self, NULL)));
	printf("pthread_equal(self, self): %s\n", YN(pthread_equal(self, pthread_self())));
	return 0;
}
