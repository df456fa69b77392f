// sig_itimer_storm: SIGALRM every millisecond (setitimer ITIMER_REAL) while
// several threads make system calls in a tight loop and the main thread
// forks and waits for children, for about two seconds. The handler makes
// system calls of its own. Nothing may die, hang or lose a child's status;
// a fork child does not inherit the timer. Run a second time with the
// handler installed without SA_RESTART, so calls return EINTR too.
#include "guest.h"
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define THREADS 3

static volatile int alarms, stop;
static int devnull;

static void on_alarm(int sig)
{
	(void)sig;
	int saved = errno;
	alarms++;
	syscall(SYS_getpid); // a real (trapped or rewritten) call in the handler
	write(devnull, "", 0);
	errno = saved;
}

static double mono(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void *caller(void *arg)
{
	long bad = 0, n = 0;
	char buf[16];
	(void)arg;
	while (!stop) {
		if (syscall(SYS_gettid) <= 0 || syscall(SYS_getppid) < 0)
			bad++;
		if (write(devnull, "x", 1) != 1 && errno != EINTR)
			bad++;
		if (read(devnull, buf, sizeof buf) != 0 && errno != EINTR)
			bad++;
		n++;
	}
	return (void *)(bad ? -1L : n > 0 ? 1L : 0L);
}

// One round: returns how many children did not end with "exit 7".
static int storm(int flags, double seconds, int *forks)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = flags };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	stop = 0;
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, caller, NULL);
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	int wrong = 0;
	*forks = 0;
	for (double end = mono() + seconds; mono() < end;) {
		pid_t c = fork();
		if (c == 0) {
			struct itimerval cur;
			getitimer(ITIMER_REAL, &cur);
			int armed = cur.it_value.tv_sec || cur.it_value.tv_usec;
			for (int i = 0; i < 50; i++)
				syscall(SYS_getpid);
			_exit(armed ? 8 : 7);
		}
		if (c < 0) {
			if (errno != EINTR && errno != EAGAIN)
				wrong++;
			continue;
		}
		(*forks)++;
		int st;
		pid_t w;
		while ((w = waitpid(c, &st, 0)) < 0 && errno == EINTR)
			;
		if (w != c || !WIFEXITED(st) || WEXITSTATUS(st) != 7) {
			if (wrong++ < 3)
				printf("  child: %s\n", w == c ? wstr(st) : ename(errno));
		}
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	stop = 1;
	for (int i = 0; i < THREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		if (r != (void *)1L)
			wrong++;
	}
	return wrong;
}

int main(void)
{
	devnull = open("/dev/null", O_RDWR);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	int forks;
	int wrong = storm(SA_RESTART, 2.0, &forks);
	printf("SA_RESTART: alarms seen %s, children forked %s, wrong %d\n", YN(alarms > 0), YN(forks > 0), wrong);
	alarms = 0;
	wrong = storm(0, 1.0, &forks);
	printf("no SA_RESTART: alarms seen %s, children forked %s, wrong %d\n", YN(alarms > 0), YN(forks > 0), wrong);
	return 0;
}
