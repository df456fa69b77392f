// file_epoll: epoll beyond file_poll (errors, nesting and ELOOP,
// EPOLLONESHOT, items living as long as their open file, edge-triggered
// eventfd and pipe items, turns when maxevents is small, waking on another
// thread's write, timerfd and signalfd items, EINTR, epoll_pwait's mask),
// eventfd limits and identity, timerfd settime/gettime rules and blocking
// reads, signalfd reads, masks and errors, and select's time left after
// EINTR.
#include "guest.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int efd_global;
static void *writer(void *arg)
{
	(void)arg;
	usleep(30000);
	uint64_t v = 7;
	write(efd_global, &v, 8);
	return NULL;
}

static void *killer(void *arg)
{
	sigset_t self;
	sigemptyset(&self);
	sigaddset(&self, (int)(long)arg);
	pthread_sigmask(SIG_BLOCK, &self, NULL);
	usleep(30000);
	kill(getpid(), (int)(long)arg);
	return NULL;
}

static void on_usr2(int s) { (void)s; }

int main(void)
{
	uint64_t v;
	// blocking eventfd read woken by another thread
	efd_global = eventfd(0, EFD_CLOEXEC);
	printf("eventfd cloexec: %s\n", YN(fcntl(efd_global, F_GETFD) & FD_CLOEXEC));
	pthread_t th;
	pthread_create(&th, NULL, writer, NULL);
	double t0 = now();
	ssize_t n = read(efd_global, &v, 8);
	printf("blocking read: %zd v=%llu waited=%s\n", n, (unsigned long long)v, YN(now() - t0 > 0.02 && now() - t0 < 2));
	pthread_join(th, NULL);
	// epoll woken by a thread write
	int ep = epoll_create(1);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 }, out[8];
	epoll_ctl(ep, EPOLL_CTL_ADD, efd_global, &ev);
	pthread_create(&th, NULL, writer, NULL);
	t0 = now();
	int r = epoll_wait(ep, out, 8, 2000);
	printf("epoll woken: %d data=%llu fast=%s\n", r, (unsigned long long)out[0].data.u64, YN(now() - t0 < 2));
	pthread_join(th, NULL);
	read(efd_global, &v, 8);
	// eventfd full: write blocks -> EAGAIN with nonblock
	int e2 = eventfd(0, EFD_NONBLOCK);
	v = 0xfffffffffffffffeULL;
	say("write to max-1", write(e2, &v, 8));
	v = 1;
	say("write past max", write(e2, &v, 8));
	struct pollfd pf = { e2, POLLIN | POLLOUT, 0 };
	poll(&pf, 1, 0);
	printf("full eventfd poll: in=%s out=%s\n", YN(pf.revents & POLLIN), YN(pf.revents & POLLOUT));
	say("eventfd lseek", lseek(e2, 0, SEEK_SET));
	say("eventfd pread", pread(e2, &v, 8, 0));
	say("eventfd2 bad flags", eventfd(0, 0x10));
	struct stat st;
	fstat(e2, &st);
	printf("eventfd mode: %o\n", st.st_mode);
	char lnk[64] = "";
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", e2);
	readlink(path, lnk, sizeof lnk - 1);
	printf("eventfd link: %s\n", lnk);
	close(e2);

	// epoll on a regular file
	int rf = open("/etc/passwd", O_RDONLY);
	say("epoll regular file", epoll_ctl(ep, EPOLL_CTL_ADD, rf, &ev));
	close(rf);
	say("epoll_ctl bad op", epoll_ctl(ep, 9, efd_global, &ev));
	say("epoll_ctl not epoll", epoll_ctl(efd_global, EPOLL_CTL_ADD, ep, &ev));
	say("epoll_create 0", epoll_create(0));
	say("epoll_create1 bad", epoll_create1(1));
	say("epoll_wait not epoll", epoll_wait(efd_global, out, 1, 0));
	say("epoll_wait bad fd", epoll_wait(777, out, 1, 0));

	// nested epoll and ELOOP
	int ep2 = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.u64 = 2;
	say("nest ep in ep2", epoll_ctl(ep2, EPOLL_CTL_ADD, ep, &ev));
	say("nest ep2 in ep (loop)", epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev));
	printf("ep2 idle: %d\n", epoll_wait(ep2, out, 8, 0));
	v = 1;
	write(efd_global, &v, 8);
	r = epoll_wait(ep2, out, 8, 0);
	printf("ep2 sees inner: %d data=%llu\n", r, (unsigned long long)out[0].data.u64);
	pf = (struct pollfd){ ep, POLLIN, 0 };
	printf("poll on epoll fd: %d\n", poll(&pf, 1, 0));
	read(efd_global, &v, 8);
	printf("poll on epoll fd drained: %d\n", poll(&pf, 1, 0));
	close(ep2);

	// oneshot
	int p[2];
	pipe(p);
	ev.events = EPOLLIN | EPOLLONESHOT;
	ev.data.u64 = 99;
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	write(p[1], "a", 1);
	printf("oneshot first: %d\n", epoll_wait(ep, out, 8, 0));
	printf("oneshot second: %d\n", epoll_wait(ep, out, 8, 0));
	write(p[1], "b", 1);
	printf("oneshot after more data: %d\n", epoll_wait(ep, out, 8, 0));
	say("rearm with MOD", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	printf("oneshot rearmed: %d\n", epoll_wait(ep, out, 8, 0));
	// close removes item; dup keeps it
	int d = dup(p[0]);
	close(p[0]);
	ev.events = EPOLLIN;
	say("MOD after close of fd (dup alive)", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	r = epoll_wait(ep, out, 8, 0);
	printf("item still reported via dup: %d\n", r);
	close(d);
	printf("after last close: %d\n", epoll_wait(ep, out, 8, 0));
	close(p[1]);

	// ET with eventfd: write while still readable -> reported again
	int e3 = eventfd(0, EFD_NONBLOCK);
	ev.events = EPOLLIN | EPOLLET;
	ev.data.u64 = 3;
	epoll_ctl(ep, EPOLL_CTL_ADD, e3, &ev);
	printf("ET idle: %d\n", epoll_wait(ep, out, 8, 0));
	v = 1;
	write(e3, &v, 8);
	printf("ET first: %d\n", epoll_wait(ep, out, 8, 0));
	printf("ET again: %d\n", epoll_wait(ep, out, 8, 0));
	write(e3, &v, 8);
	printf("ET after write: %d\n", epoll_wait(ep, out, 8, 0));
	read(e3, &v, 8);
	printf("ET after drain: %d\n", epoll_wait(ep, out, 8, 0));
	epoll_ctl(ep, EPOLL_CTL_DEL, e3, NULL);

	// EPOLLOUT ET on pipe + RDHUP pass-through
	pipe(p);
	ev.events = EPOLLOUT | EPOLLET | EPOLLRDHUP;
	ev.data.u64 = 5;
	epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev);
	r = epoll_wait(ep, out, 8, 0);
	printf("ET out: %d ev=%x\n", r, r > 0 ? out[0].events : 0);
	printf("ET out again: %d\n", epoll_wait(ep, out, 8, 0));
	close(p[0]);
	r = epoll_wait(ep, out, 8, 0);
	printf("ET out reader gone: %d ev=%x\n", r, r > 0 ? out[0].events : 0);
	close(p[1]);

	// maxevents smaller than ready count: rotation
	int fds[4];
	for (int i = 0; i < 4; i++) {
		fds[i] = eventfd(1, 0);
		ev.events = EPOLLIN;
		ev.data.u64 = 100 + i;
		epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
	}
	int seen[4] = { 0 };
	for (int k = 0; k < 4; k++) {
		r = epoll_wait(ep, out, 2, 0);
		for (int j = 0; j < r; j++)
			seen[out[j].data.u64 - 100]++;
	}
	printf("rotation: %d %d %d %d\n", seen[0], seen[1], seen[2], seen[3]);
	for (int i = 0; i < 4; i++)
		close(fds[i]);

	// timerfd in epoll, gettime, abstime, errors
	int t = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	ev.events = EPOLLIN;
	ev.data.u64 = 7;
	epoll_ctl(ep, EPOLL_CTL_ADD, t, &ev);
	struct itimerspec its = { { 0, 0 }, { 0, 30000000 } }, cur;
	timerfd_settime(t, 0, &its, NULL);
	timerfd_gettime(t, &cur);
	printf("gettime pending: %s\n", YN(cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 30000000));
	t0 = now();
	r = epoll_wait(ep, out, 8, 1000);
	printf("timerfd via epoll: %d data=%llu in time=%s\n", r, (unsigned long long)out[0].data.u64, YN(now() - t0 > 0.02 && now() - t0 < 2));
	read(t, &v, 8);
	printf("expirations %llu\n", (unsigned long long)v);
	say("read again", read(t, &v, 8));
	timerfd_gettime(t, &cur);
	printf("gettime after expiry: %ld %ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);
	struct timespec nowts;
	clock_gettime(CLOCK_MONOTONIC, &nowts);
	its.it_value = nowts;
	its.it_value.tv_sec -= 1;
	timerfd_settime(t, TFD_TIMER_ABSTIME, &its, NULL);
	n = read(t, &v, 8);
	printf("abstime past: %zd %llu\n", n, (unsigned long long)v);
	its.it_value.tv_nsec = 2000000000;
	say("settime bad nsec", timerfd_settime(t, 0, &its, NULL));
	say("settime bad flags", timerfd_settime(t, 8, &its, NULL));
	say("settime not timerfd", timerfd_settime(efd_global, 0, &its, NULL));
	say("timerfd_create bad clock", timerfd_create(5, 0));
	say("timerfd_create bad flags", timerfd_create(CLOCK_MONOTONIC, 1));
	say("timerfd short read", read(t, &v, 4));
	its = (struct itimerspec){ { 0, 20000000 }, { 0, 20000000 } };
	struct itimerspec old;
	timerfd_settime(t, 0, &its, NULL);
	its = (struct itimerspec){ { 0, 0 }, { 0, 0 } };
	timerfd_settime(t, 0, &its, &old);
	printf("old interval: %ld disarmed read: ", old.it_interval.tv_nsec);
	say("", read(t, &v, 8));
	close(t);
	// blocking timerfd read
	t = timerfd_create(CLOCK_REALTIME, 0);
	its = (struct itimerspec){ { 0, 0 }, { 0, 40000000 } };
	timerfd_settime(t, 0, &its, NULL);
	t0 = now();
	read(t, &v, 8);
	printf("blocking timerfd: %llu waited=%s\n", (unsigned long long)v, YN(now() - t0 > 0.03 && now() - t0 < 2));
	close(t);

	// signalfd in epoll, blocking read woken by kill from thread
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int s = signalfd(-1, &set, 0);
	ev.events = EPOLLIN;
	ev.data.u64 = 11;
	epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
	printf("signalfd idle: %d\n", epoll_wait(ep, out, 8, 0));
	pthread_create(&th, NULL, killer, (void *)(long)SIGUSR2);
	r = epoll_wait(ep, out, 8, 2000);
	printf("signalfd via epoll: %d data=%llu\n", r, (unsigned long long)out[0].data.u64);
	struct signalfd_siginfo si[2];
	n = read(s, si, sizeof si);
	printf("signalfd read %zd signo=%u code_user=%s pid_ok=%s\n", n, si[0].ssi_signo, YN(si[0].ssi_code == SI_USER), YN(si[0].ssi_pid == (uint32_t)getpid()));
	pthread_join(th, NULL);
	pthread_create(&th, NULL, killer, (void *)(long)SIGUSR1);
	n = read(s, si, sizeof si);
	printf("blocking signalfd read %zd signo=%u\n", n, si[0].ssi_signo);
	pthread_join(th, NULL);
	say("signalfd short read", read(s, si, 100));
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	say("signalfd update mask", signalfd(s, &set, 0));
	say("signalfd on non-signalfd", signalfd(efd_global, &set, 0));
	say("signalfd bad flags", signalfd(-1, &set, 1));
	raise(SIGUSR1);
	pf = (struct pollfd){ s, POLLIN, 0 };
	printf("USR1 not in new mask: %d\n", poll(&pf, 1, 0));
	sigprocmask(SIG_UNBLOCK, &set, NULL); // USR2 unblocked, USR1 pending still blocked
	close(s);
	sigset_t pend;
	sigpending(&pend);
	printf("USR1 still pending: %s\n", YN(sigismember(&pend, SIGUSR1)));
	signal(SIGUSR1, SIG_IGN);

	// EINTR from epoll_wait with a handler
	struct sigaction sa = { .sa_handler = on_usr2, .sa_flags = SA_RESTART };
	sigaction(SIGUSR2, &sa, NULL);
	pthread_create(&th, NULL, killer, (void *)(long)SIGUSR2);
	r = epoll_wait(ep, out, 8, 2000);
	printf("epoll_wait interrupted: %d %s\n", r, r < 0 ? ename(errno) : "");
	pthread_join(th, NULL);
	// epoll_pwait masks it
	sigset_t blk;
	sigemptyset(&blk);
	sigaddset(&blk, SIGUSR2);
	pthread_create(&th, NULL, killer, (void *)(long)SIGUSR2);
	r = epoll_pwait(ep, out, 8, 100, &blk);
	printf("epoll_pwait with USR2 blocked: %d\n", r);
	pthread_join(th, NULL);
	// select remaining time after early wake
	pipe(p);
	pthread_create(&th, NULL, killer, (void *)(long)SIGUSR2);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	struct timeval tv = { 2, 0 };
	r = select(p[0] + 1, &rs, NULL, NULL, &tv);
	printf("select EINTR: %d %s left>1s: %s\n", r, ename(errno), YN(tv.tv_sec >= 1));
	pthread_join(th, NULL);
	close(ep);
	return 0;
}
