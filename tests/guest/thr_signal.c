// thr_signal: pthread_kill reaches exactly the chosen thread (the handler
// runs on its tid), a process-directed kill() goes to the one thread that
// has the signal unblocked, sigwait in a dedicated thread, per-thread masks,
// and tgkill to a finished thread failing with ESRCH.
#include "guest.h"
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile pid_t handled_on;
static volatile int handled, stop;
static pid_t tid_a, tid_b;
static pthread_barrier_t ready;

static void on_usr(int sig)
{
	(void)sig;
	handled_on = gettid();
	handled++;
}

static void *sleeper_a(void *arg)
{
	(void)arg;
	tid_a = gettid();
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2); // A blocks SIGUSR2
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	pthread_barrier_wait(&ready);
	while (!stop)
		pause();
	return NULL;
}

static void *sleeper_b(void *arg)
{
	(void)arg;
	tid_b = gettid();
	pthread_barrier_wait(&ready);
	while (!stop)
		pause();
	return NULL;
}

static void *waiter(void *arg)
{
	sigset_t *set = arg;
	int sig = 0;
	sigwait(set, &sig);
	return (void *)(long)sig;
}

int main(void)
{
	sigset_t none, s;
	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, NULL);
	signal(SIGUSR1, on_usr);
	signal(SIGUSR2, on_usr);
	pthread_barrier_init(&ready, NULL, 3);
	pthread_t a, b;
	pthread_create(&a, NULL, sleeper_a, NULL);
	pthread_create(&b, NULL, sleeper_b, NULL);
	pthread_barrier_wait(&ready);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &s, NULL); // main blocks both

	pthread_kill(a, SIGUSR1);
	while (handled < 1)
		usleep(1000);
	printf("pthread_kill(A, SIGUSR1) handled on A: %s\n", YN(handled_on == tid_a));
	pthread_kill(b, SIGUSR1);
	while (handled < 2)
		usleep(1000);
	printf("pthread_kill(B, SIGUSR1) handled on B: %s\n", YN(handled_on == tid_b));
	kill(getpid(), SIGUSR2);
	while (handled < 3)
		usleep(1000);
	printf("kill(getpid(), SIGUSR2) handled on B, the only thread not blocking it: %s\n", YN(handled_on == tid_b));
	syscall(SYS_tgkill, getpid(), tid_a, SIGUSR1);
	while (handled < 4)
		usleep(1000);
	printf("tgkill(A) handled on A: %s\n", YN(handled_on == tid_a));
	sigset_t mine;
	pthread_sigmask(SIG_SETMASK, NULL, &mine);
	printf("main mask unaffected by threads: %s\n", YN(sigismember(&mine, SIGUSR1) && sigismember(&mine, SIGUSR2)));

	stop = 1;
	pthread_kill(a, SIGUSR1);
	pthread_kill(b, SIGUSR1);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	say("tgkill to finished thread", syscall(SYS_tgkill, getpid(), tid_a, SIGUSR1));

	sigset_t ws;
	sigemptyset(&ws);
	sigaddset(&ws, SIGUSR1);
	pthread_t w;
	pthread_create(&w, NULL, waiter, &ws); // inherits main's mask: SIGUSR1 blocked
	usleep(20000);
	kill(getpid(), SIGUSR1);
	void *got;
	pthread_join(w, &got);
	printf("sigwait thread got signal %ld, handler not run: %s\n", (long)got, YN(handled == 6));
	return 0;
}
