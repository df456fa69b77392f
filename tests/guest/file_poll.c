// file_poll: poll/ppoll/select/pselect and epoll on pipes: readiness for
// reading and writing, POLLHUP, timeouts returning 0, edge-triggered epoll,
// epoll_ctl ADD/MOD/DEL and their errors.
#include "guest.h"
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <unistd.h>

int main(void)
{
	int p[2];
	pipe(p);
	struct pollfd pf[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };
	int r = poll(pf, 2, 0);
	printf("poll empty pipe: %d, in=%s out=%s\n", r, YN(pf[0].revents & POLLIN), YN(pf[1].revents & POLLOUT));
	r = poll(pf, 1, 30);
	printf("poll timeout: %d\n", r);
	write(p[1], "ab", 2);
	r = poll(pf, 2, -1);
	printf("poll after write: %d, in=%s\n", r, YN(pf[0].revents & POLLIN));
	struct timespec ts = { 0, 0 };
	r = ppoll(pf, 1, &ts, NULL);
	printf("ppoll: %d\n", r);

	fd_set rs, ws;
	FD_ZERO(&rs);
	FD_ZERO(&ws);
	FD_SET(p[0], &rs);
	FD_SET(p[1], &ws);
	struct timeval tv = { 0, 0 };
	r = select(p[1] + 1, &rs, &ws, NULL, &tv);
	printf("select: %d, read set=%s write set=%s\n", r, YN(FD_ISSET(p[0], &rs)), YN(FD_ISSET(p[1], &ws)));
	char buf[8];
	read(p[0], buf, 2);
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	tv.tv_usec = 20000;
	r = select(p[0] + 1, &rs, NULL, NULL, &tv);
	printf("select timeout: %d, timeval consumed: %s\n", r, YN(tv.tv_sec == 0 && tv.tv_usec == 0));
	FD_SET(p[0], &rs);
	struct timespec pts = { 0, 1000000 };
	printf("pselect timeout: %d\n", pselect(p[0] + 1, &rs, NULL, NULL, &pts, NULL));

	int ep = epoll_create1(EPOLL_CLOEXEC);
	printf("epoll_create1: %s\n", YN(ep >= 0));
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0x1234 };
	say("epoll_ctl ADD", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	say("epoll_ctl ADD again", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	struct epoll_event out[4];
	printf("epoll_wait empty: %d\n", epoll_wait(ep, out, 4, 10));
	write(p[1], "x", 1);
	r = epoll_wait(ep, out, 4, 1000);
	printf("epoll_wait: %d data=%llx in=%s\n", r, (unsigned long long)out[0].data.u64, YN(out[0].events & EPOLLIN));
	r = epoll_wait(ep, out, 4, 0);
	printf("level-triggered reports again: %d\n", r);
	ev.events = EPOLLIN | EPOLLET;
	ev.data.u64 = 0x5678;
	say("epoll_ctl MOD to edge-triggered", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	r = epoll_wait(ep, out, 4, 0);
	printf("after MOD: %d data=%llx\n", r, (unsigned long long)(r > 0 ? out[0].data.u64 : 0));
	r = epoll_wait(ep, out, 4, 0);
	printf("edge-triggered second wait: %d\n", r);
	write(p[1], "y", 1);
	r = epoll_wait(ep, out, 4, 0);
	printf("new data edge: %d\n", r);
	say("epoll_ctl DEL", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	say("epoll_ctl DEL again", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	printf("epoll_wait after DEL: %d\n", epoll_wait(ep, out, 4, 0));
	ev.events = EPOLLOUT;
	say("epoll_ctl ADD write end", epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev));
	close(p[0]);
	r = epoll_wait(ep, out, 4, 0);
	printf("writer sees EPOLLERR after reader closed: %d err=%s\n", r, YN(r > 0 && (out[0].events & EPOLLERR)));
	say("epoll_ctl on epoll itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
	say("epoll_ctl bad fd", epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev));
	say("epoll_wait maxevents 0", epoll_wait(ep, out, 0, 0));
	close(p[1]);

	pipe(p);
	close(p[1]);
	struct pollfd h = { p[0], POLLIN, 0 };
	r = poll(&h, 1, 0);
	printf("poll after writer closed: %d hup=%s\n", r, YN(h.revents & POLLHUP));
	close(p[0]);
	struct pollfd bad = { 999, POLLIN, 0 };
	r = poll(&bad, 1, 0);
	printf("poll bad fd: %d nval=%s\n", r, YN(bad.revents & POLLNVAL));
	close(ep);
	return 0;
}
