// thr_mutex: 8 threads x 100000 increments under a mutex (exact total),
// a condition-variable producer/consumer, barriers electing exactly one
// serial thread per round, rwlocks, semaphores, trylock EBUSY and
// pthread_cond_timedwait timing out.
#include "guest.h"
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <time.h>

#define THREADS 8
#define INCS 100000

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *incr(void *arg)
{
	(void)arg;
	for (int i = 0; i < INCS; i++) {
		pthread_mutex_lock(&mu);
		counter++;
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static pthread_cond_t nonempty = PTHREAD_COND_INITIALIZER, nonfull = PTHREAD_COND_INITIALIZER;
static int queue[4], qlen, qhead;

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= 1000; i++) {
		pthread_mutex_lock(&mu);
		while (qlen == 4)
			pthread_cond_wait(&nonfull, &mu);
		queue[(qhead + qlen++) % 4] = i;
		pthread_cond_signal(&nonempty);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static pthread_barrier_t bar;
static int serial_count[10];

static void *barrier_worker(void *arg)
{
	(void)arg;
	for (int round = 0; round < 10; round++)
		if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD)
			__atomic_fetch_add(&serial_count[round], 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long rw_value;
static sem_t sem;
static long sem_total;

static void *rw_worker(void *arg)
{
	long id = (long)arg;
	for (int i = 0; i < 10000; i++) {
		if (i % 4 == 0 && id % 2 == 0) {
			pthread_rwlock_wrlock(&rw);
			rw_value++;
			pthread_rwlock_unlock(&rw);
		} else {
			pthread_rwlock_rdlock(&rw);
			(void)*(volatile long *)&rw_value;
			pthread_rwlock_unlock(&rw);
		}
	}
	return NULL;
}

static void *sem_poster(void *arg)
{
	(void)arg;
	for (int i = 0; i < 500; i++)
		sem_post(&sem);
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, incr, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	printf("counter: %ld\n", counter);

	pthread_t prod;
	pthread_create(&prod, NULL, producer, NULL);
	long sum = 0;
	int in_order = 1, prev = 0;
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&mu);
		while (qlen == 0)
			pthread_cond_wait(&nonempty, &mu);
		int v = queue[qhead];
		qhead = (qhead + 1) % 4;
		qlen--;
		pthread_cond_signal(&nonfull);
		pthread_mutex_unlock(&mu);
		in_order &= v == prev + 1;
		prev = v;
		sum += v;
	}
	pthread_join(prod, NULL);
	printf("consumed sum: %ld, in order: %s\n", sum, YN(in_order));

	pthread_barrier_init(&bar, NULL, 4);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, barrier_worker, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	int one_each = 1;
	for (int r = 0; r < 10; r++)
		one_each &= serial_count[r] == 1;
	printf("barrier: exactly one serial thread in each of 10 rounds: %s\n", YN(one_each));
	pthread_barrier_destroy(&bar);

	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, rw_worker, (void *)i);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("rwlock writes: %ld\n", rw_value);

	sem_init(&sem, 0, 0);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, sem_poster, NULL);
	for (int i = 0; i < 2000; i++) {
		sem_wait(&sem);
		sem_total++;
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("semaphore waits satisfied: %ld, trywait now: %s\n", sem_total, sem_trywait(&sem) == 0 ? "ok" : ename(errno));

	pthread_mutex_lock(&mu);
	printf("trylock held mutex: %s\n", ename(pthread_mutex_trylock(&mu)));
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_nsec += 30000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	pthread_cond_t never = PTHREAD_COND_INITIALIZER;
	printf("cond_timedwait: %s\n", ename(pthread_cond_timedwait(&never, &mu, &dl)));
	pthread_mutex_unlock(&mu);

	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_t em;
	pthread_mutex_init(&em, &ma);
	pthread_mutex_lock(&em);
	printf("errorcheck relock: %s\n", ename(pthread_mutex_lock(&em)));
	pthread_mutex_unlock(&em);
	printf("errorcheck unlock unlocked: %s\n", ename(pthread_mutex_unlock(&em)));
	return 0;
}
