// proc_event: eventfd, timerfd and epoll across fork: a parent's epoll
// wait woken by a child's eventfd write, the counter surviving the child,
// a timer shared with the child, a child's blocked read woken by the
// parent.
#include "guest.h"
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	uint64_t v;
	int e = eventfd(0, 0);
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 1 }, out[2];
	epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev);
	pid_t c = fork();
	if (c == 0) {
		usleep(30000);
		v = 5;
		write(e, &v, 8);
		close(e);
		_exit(0);
	}
	int r = epoll_wait(ep, out, 2, 3000);
	printf("parent epoll sees child's write: %d\n", r);
	read(e, &v, 8);
	printf("value from child: %llu\n", (unsigned long long)v);
	waitpid(c, NULL, 0);
	v = 2;
	printf("eventfd alive after child exit: %s\n", YN(write(e, &v, 8) == 8 && read(e, &v, 8) == 8 && v == 2));

	int t = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	struct itimerspec its = { { 0, 0 }, { 0, 10000000 } };
	timerfd_settime(t, 0, &its, NULL);
	c = fork();
	if (c == 0) {
		usleep(30000);
		uint64_t n = 0;
		read(t, &n, 8);
		printf("child read timer: %llu\n", (unsigned long long)n);
		fflush(stdout);
		_exit(0);
	}
	waitpid(c, NULL, 0);
	say("parent reads shared timer", read(t, &v, 8));

	// child blocks in read, parent writes
	c = fork();
	if (c == 0) {
		read(e, &v, 8);
		printf("child woken with %llu\n", (unsigned long long)v);
		fflush(stdout);
		_exit(0);
	}
	usleep(30000);
	v = 9;
	write(e, &v, 8);
	int st;
	waitpid(c, &st, 0);
	printf("child exit %d\n", WEXITSTATUS(st));
	return 0;
}
