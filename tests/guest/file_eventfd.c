// file_eventfd: eventfd counters (normal and EFD_SEMAPHORE, EAGAIN when
// zero), timerfd one-shot and periodic expirations, signalfd reading a
// blocked signal.
#include "guest.h"
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

int main(void)
{
	int e = eventfd(3, EFD_NONBLOCK);
	uint64_t v = 0;
	ssize_t n = read(e, &v, 8);
	printf("eventfd read: %zd value=%llu\n", n, (unsigned long long)v);
	say("eventfd read at zero", read(e, &v, 8));
	v = 5;
	write(e, &v, 8);
	write(e, &v, 8);
	read(e, &v, 8);
	printf("sum of writes: %llu\n", (unsigned long long)v);
	say("eventfd short read", read(e, &v, 4));
	v = UINT64_MAX;
	say("eventfd write max", write(e, &v, 8));
	close(e);
	e = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
	read(e, &v, 8);
	printf("semaphore read: %llu\n", (unsigned long long)v);
	read(e, &v, 8);
	printf("semaphore read: %llu\n", (unsigned long long)v);
	say("semaphore read at zero", read(e, &v, 8));
	close(e);

	int t = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec its = { { 0, 0 }, { 0, 20000000 } };
	say("timerfd_settime 20ms", timerfd_settime(t, 0, &its, NULL));
	struct pollfd pf = { t, POLLIN, 0 };
	printf("not expired yet: %d\n", poll(&pf, 1, 0));
	read(t, &v, 8);
	printf("expirations: %llu\n", (unsigned long long)v);
	its.it_interval.tv_nsec = 10000000;
	its.it_value.tv_nsec = 10000000;
	timerfd_settime(t, 0, &its, NULL);
	usleep(55000);
	read(t, &v, 8);
	printf("periodic expirations >= 4: %s\n", YN(v >= 4));
	struct itimerspec cur;
	timerfd_gettime(t, &cur);
	printf("interval reported: %ld ns\n", cur.it_interval.tv_nsec);
	close(t);

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int s = signalfd(-1, &set, SFD_NONBLOCK);
	struct signalfd_siginfo si;
	say("signalfd empty", read(s, &si, sizeof si));
	raise(SIGUSR1);
	n = read(s, &si, sizeof si);
	printf("signalfd read: %s signo=%u code_is_tkill=%s\n", YN(n == sizeof si), si.ssi_signo, YN(si.ssi_code == SI_TKILL));
	sigset_t pend;
	sigpending(&pend);
	printf("no longer pending: %s\n", YN(!sigismember(&pend, SIGUSR1)));
	close(s);
	return 0;
}
