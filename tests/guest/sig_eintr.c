// sig_eintr: a blocking pipe read interrupted by SIGALRM (from alarm())
// fails with EINTR when the handler lacks SA_RESTART, and is transparently
// restarted with SA_RESTART (the handler writes the data it then reads);
// nanosleep and pause return EINTR regardless, nanosleep reports the
// remaining time.
#include "guest.h"
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int p[2];
static volatile int hits;

static void on_alarm(int sig)
{
	(void)sig;
	hits++;
}

static void on_alarm_write(int sig)
{
	(void)sig;
	hits++;
	write(p[1], "R", 1);
}

static void arm_ms(int ms)
{
	struct itimerval it = { { 0, 0 }, { 0, ms * 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

int main(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	pipe(p);
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = 0 };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	char c = 0;
	alarm(1);
	ssize_t n = read(p[0], &c, 1);
	printf("read without SA_RESTART: %zd %s, handler ran %d\n", n, n < 0 ? ename(errno) : "-", hits);

	sa.sa_handler = on_alarm_write;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	hits = 0;
	arm_ms(50);
	n = read(p[0], &c, 1);
	printf("read with SA_RESTART: %zd '%c', handler ran %d\n", n, c, hits);

	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	hits = 0;
	arm_ms(50);
	struct timespec req = { 5, 0 }, rem = { 0, 0 };
	int r = nanosleep(&req, &rem);
	printf("nanosleep with SA_RESTART handler: %d %s, remaining between 4s and 5s: %s\n", r, ename(errno),
	       YN(rem.tv_sec >= 4 && rem.tv_sec <= 5));
	arm_ms(50);
	r = pause();
	printf("pause: %d %s, handler ran %d\n", r, ename(errno), hits);

	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
	arm_ms(50);
	int q[2];
	pipe(q);
	char big[1 << 17];
	memset(big, 'w', sizeof big);
	n = write(q[1], big, sizeof big);
	printf("blocking write larger than the pipe interrupted: partial=%s\n", YN(n > 0 && n < (ssize_t)sizeof big));
	return 0;
}
