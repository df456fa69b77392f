/* test_event.c — eventfd, epoll, timerfd and signalfd, and the readiness
 * waits under poll (file_poll, poll_loop). */
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

#define IN K_EPOLLIN
#define OUT K_EPOLLOUT
#define ET K_EPOLLET

static int64_t mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int teardown(void **state)
{
	(void)state;
	fd_close_range(0, ~0U, 0);
	struct b_siginfo info;
	while (sig_dequeue(0, &info))
		;
	sig_set_mask(0);
	return 0;
}

static uint64_t rd64(int fd, long *r)
{
	uint64_t v = 0;
	*r = file_read(fd, &v, 8);
	return v;
}

static long wr64(int fd, uint64_t v)
{
	return file_write(fd, &v, 8);
}

static short poll1(int fd, short events)
{
	struct b_pollfd p = { fd, events, 0 };
	struct b_timespec zero = { 0, 0 };
	assert_true(file_poll(&p, 1, &zero) >= 0);
	return p.revents;
}

/* ---- eventfd ---------------------------------------------------------- */

static void test_eventfd_counter(void **state)
{
	(void)state;
	long r;
	int e = eventfd_create(3, K_O_NONBLOCK);
	assert_true(e >= 0);
	assert_int_equal(rd64(e, &r), 3);
	assert_int_equal(r, 8);
	rd64(e, &r);
	assert_int_equal(r, -EAGAIN);
	assert_int_equal(wr64(e, 5), 8);
	assert_int_equal(wr64(e, 5), 8);
	assert_int_equal(rd64(e, &r), 10);
	uint64_t v;
	assert_err(file_read(e, &v, 4), EINVAL);
	assert_err(file_write(e, &v, 7), EINVAL);
	assert_err(wr64(e, UINT64_MAX), EINVAL);
	/* The count stops one short of UINT64_MAX. */
	assert_int_equal(wr64(e, UINT64_MAX - 1), 8);
	assert_err(wr64(e, 1), EAGAIN);
	assert_int_equal(wr64(e, 0), 8);
	assert_int_equal(poll1(e, 1 | 4), 1);
	assert_int_equal(rd64(e, &r), UINT64_MAX - 1);
	assert_int_equal(poll1(e, 1 | 4), 4);
	/* No position, but lseek succeeds as Linux's noop_llseek. */
	assert_int_equal(file_seek(e, 5, 0), 0);
	assert_err(file_pread(e, &v, 8, 0), ESPIPE);
	struct b_stat st;
	assert_ok(file_stat(e, &st));
	assert_int_equal(st.mode, 0600);
	assert_ok(fd_close(e));
	assert_err(eventfd_create(0, 0x10), EINVAL);
}

static void test_eventfd_semaphore(void **state)
{
	(void)state;
	long r;
	int e = eventfd_create(2, K_EFD_SEMAPHORE | K_O_NONBLOCK | K_O_CLOEXEC);
	assert_true(e >= 0);
	assert_int_equal(fd_get_cloexec(e), 1);
	assert_int_equal(rd64(e, &r), 1);
	assert_int_equal(rd64(e, &r), 1);
	rd64(e, &r);
	assert_int_equal(r, -EAGAIN);
}

struct late {
	int fd;
	int delay_ms;
	uint64_t value;
};

static void *late_write(void *arg)
{
	struct late *l = arg;
	plat_set_self(thread_create());
	struct timespec ts = { 0, l->delay_ms * 1000000L };
	nanosleep(&ts, NULL);
	wr64(l->fd, l->value);
	return NULL;
}

static void test_eventfd_blocking(void **state)
{
	(void)state;
	long r;
	int e = eventfd_create(0, 0);
	struct late l = { e, 30, 7 };
	pthread_t th;
	pthread_create(&th, NULL, late_write, &l);
	assert_int_equal(rd64(e, &r), 7);
	pthread_join(th, NULL);
}

/* ---- epoll ------------------------------------------------------------ */

static int ctl(int ep, int op, int fd, uint32_t events, uint64_t data)
{
	struct k_epoll_event ev = { events, data };
	return epollfd_ctl(ep, op, fd, &ev);
}

static int wait0(int ep, struct k_epoll_event *out, int max)
{
	struct b_timespec zero = { 0, 0 };
	return epollfd_wait(ep, out, max, &zero);
}

static void test_epoll_ctl_errors(void **state)
{
	(void)state;
	int ep = epollfd_create(K_O_CLOEXEC);
	assert_true(ep >= 0);
	assert_int_equal(fd_get_cloexec(ep), 1);
	int e = eventfd_create(0, 0);
	assert_ok(ctl(ep, K_EPOLL_CTL_ADD, e, IN, 1));
	assert_err(ctl(ep, K_EPOLL_CTL_ADD, e, IN, 1), EEXIST);
	assert_err(ctl(ep, K_EPOLL_CTL_ADD, 999, IN, 1), EBADF);
	assert_err(ctl(999, K_EPOLL_CTL_ADD, e, IN, 1), EBADF);
	assert_err(ctl(ep, K_EPOLL_CTL_ADD, ep, IN, 1), EINVAL);
	assert_err(ctl(e, K_EPOLL_CTL_ADD, ep, IN, 1), EINVAL);
	assert_err(ctl(ep, 7, e, IN, 1), EINVAL);
	assert_err(ctl(ep, K_EPOLL_CTL_MOD, e, IN | K_EPOLLEXCLUSIVE, 1), EINVAL);
	assert_ok(ctl(ep, K_EPOLL_CTL_DEL, e, 0, 0));
	assert_err(epollfd_ctl(ep, K_EPOLL_CTL_DEL, e, NULL), ENOENT);
	assert_err(ctl(ep, K_EPOLL_CTL_MOD, e, IN, 1), ENOENT);
	/* A set inside a set, but no loops. */
	int ep2 = epollfd_create(0);
	assert_ok(ctl(ep2, K_EPOLL_CTL_ADD, ep, IN, 2));
	assert_err(ctl(ep, K_EPOLL_CTL_ADD, ep2, IN, 3), ELOOP);
	struct k_epoll_event out[4];
	assert_err(wait0(ep, out, 0), EINVAL);
	assert_err(wait0(e, out, 1), EINVAL);
	assert_err(wait0(999, out, 1), EBADF);
	assert_err(epollfd_create(1), EINVAL);
	/* Files without readiness (regular files) are refused. */
	static const struct file_ops plain_ops = { .read = NULL };
	struct file *f = file_alloc(&plain_ops, K_O_RDWR, "plain");
	int pf = fd_install(f, 0);
	assert_err(ctl(ep, K_EPOLL_CTL_ADD, pf, IN, 1), EPERM);
}

static void test_epoll_level_edge_oneshot(void **state)
{
	(void)state;
	long r;
	struct k_epoll_event out[4];
	int ep = epollfd_create(0);
	int e = eventfd_create(0, K_O_NONBLOCK);
	assert_ok(ctl(ep, K_EPOLL_CTL_ADD, e, IN, 0x1234));
	assert_int_equal(wait0(ep, out, 4), 0);
	wr64(e, 1);
	assert_int_equal(wait0(ep, out, 4), 1);
	assert_int_equal(out[0].data, 0x1234);
	assert_int_equal(out[0].events, IN);
	assert_int_equal(wait0(ep, out, 4), 1); /* level: again */
	/* Edge: once, again after new data, not after nothing happened. */
	assert_ok(ctl(ep, K_EPOLL_CTL_MOD, e, IN | ET, 0x5678));
	assert_int_equal(wait0(ep, out, 4), 1);
	assert_int_equal(out[0].data, 0x5678);
	assert_int_equal(wait0(ep, out, 4), 0);
	wr64(e, 1);
	assert_int_equal(wait0(ep, out, 4), 1);
	assert_int_equal(wait0(ep, out, 4), 0);
	rd64(e, &r);
	assert_int_equal(wait0(ep, out, 4), 0);
	/* One-shot: off after one report until MOD. */
	assert_ok(ctl(ep, K_EPOLL_CTL_MOD, e, IN | K_EPOLLONESHOT, 9));
	wr64(e, 1);
	assert_int_equal(wait0(ep, out, 4), 1);
	assert_int_equal(wait0(ep, out, 4), 0);
	wr64(e, 1);
	assert_int_equal(wait0(ep, out, 4), 0);
	assert_ok(ctl(ep, K_EPOLL_CTL_MOD, e, IN | K_EPOLLONESHOT, 9));
	assert_int_equal(wait0(ep, out, 4), 1);
	/* OUT is reported with ERR/HUP always asked for. */
	assert_ok(ctl(ep, K_EPOLL_CTL_MOD, e, OUT | K_EPOLLWRNORM, 3));
	assert_int_equal(wait0(ep, out, 4), 1);
	assert_int_equal(out[0].events, OUT | K_EPOLLWRNORM);
}

/* A pipe's writer sees ERR (with OUT) once the reader is gone. */
static void test_epoll_pipe(void **state)
{
	(void)state;
	int p[2];
	struct k_epoll_event out[4];
	assert_ok(pipe_create(p, K_O_NONBLOCK));
	int ep = epollfd_create(0);
	assert_ok(ctl(ep, K_EPOLL_CTL_ADD, p[0], IN | ET, 1));
	assert_ok(ctl(ep, K_EPOLL_CTL_ADD, p[1], OUT | ET, 2));
	assert_int_equal(wait0(ep, out, 4), 1);
	assert_int_equal(out[0].data, 2);
	assert_int_equal(wait0(ep, out, 4), 0);
	assert_int_equal(file_write(p[1], "x", 1), 1);
	int n = wait0(ep, out, 4);
	assert_true(n >= 1);
	int saw_in = 0;
	for (int i = 0; i < n; i++)
		saw_in |= out[i].data == 1;
	assert_true(saw_in);
	assert_ok(fd_close(p[0])); /* the reader's item goes with it */
	n = wait0(ep, out, 4);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].data, 2);
	assert_int_equal(out[0].events & (OUT | K_EPOLLERR), OUT | K_EPOLLERR);
}

static void test_epoll_item_lifetime(void **state)
{
	(void)state;
	struct k_epoll_event out[4];
	int ep = epollfd_create(0);
	int e = eventfd_create(1, 0);
	assert_ok(ctl(ep, K_EPOLL_CTL_ADD, e, IN, 5));
	/* A dup keeps the open file, so the item stays (as on Linux)... */
	int d = fd_dup(e, 0, 0);
	assert_ok(fd_close(e));
	assert_int_equal(wait0(ep, out, 4), 1);
	assert_int_equal(out[0].data, 5);
	assert_err(ctl(ep, K_EPOLL_CTL_MOD, e, IN, 6), EBADF);
	/* ... and the last close drops it. */
	assert_ok(fd_close(d));
	assert_int_equal(wait0(ep, out, 4), 0);
	/* A set closed before its files leaves them clean. */
	int e2 = eventfd_create(1, 0), e3 = eventfd_create(1, 0);
	assert_ok(ctl(ep, K_EPOLL_CTL_ADD, e2, IN, 1));
	assert_ok(ctl(ep, K_EPOLL_CTL_ADD, e3, IN, 1));
	int ep2 = epollfd_create(0);
	assert_ok(ctl(ep2, K_EPOLL_CTL_ADD, e2, IN, 1));
	assert_ok(ctl(ep2, K_EPOLL_CTL_ADD, ep, IN, 1));
	assert_ok(fd_close(ep));
	long r;
	assert_int_equal(rd64(e2, &r), 1);
	assert_ok(fd_close(e2));
	assert_int_equal(wait0(ep2, out, 4), 0);
	assert_ok(fd_close(ep2));
	assert_ok(fd_close(e3));
}

/* Ready items take turns when maxevents is smaller than their number. */
static void test_epoll_rotation(void **state)
{
	(void)state;
	struct k_epoll_event out[2];
	int ep = epollfd_create(0);
	int seen[4] = { 0 };
	for (int i = 0; i < 4; i++)
		assert_ok(ctl(ep, K_EPOLL_CTL_ADD, eventfd_create(1, 0), IN, (uint64_t)i));
	for (int k = 0; k < 4; k++) {
		int n = wait0(ep, out, 2);
		assert_int_equal(n, 2);
		for (int j = 0; j < n; j++)
			seen[out[j].data]++;
	}
	for (int i = 0; i < 4; i++)
		assert_int_equal(seen[i], 2);
}

/* A blocked wait wakes promptly on a write from another thread. */
static void test_epoll_wakes(void **state)
{
	(void)state;
	struct k_epoll_event out[2];
	int ep = epollfd_create(0);
	int e = eventfd_create(0, 0);
	assert_ok(ctl(ep, K_EPOLL_CTL_ADD, e, IN, 8));
	struct late l = { e, 20, 1 };
	pthread_t th;
	int64_t t0 = mono_ms();
	pthread_create(&th, NULL, late_write, &l);
	struct b_timespec ts = { 5, 0 };
	assert_int_equal(epollfd_wait(ep, out, 2, &ts), 1);
	assert_true(mono_ms() - t0 < 1000);
	pthread_join(th, NULL);
	/* A timeout returns 0 after about its length. */
	long r;
	rd64(e, &r);
	ts = (struct b_timespec){ 0, 30000000 };
	t0 = mono_ms();
	assert_int_equal(epollfd_wait(ep, out, 2, &ts), 0);
	assert_true(mono_ms() - t0 >= 29);
}

static void *late_signal(void *arg)
{
	(void)arg;
	plat_set_self(thread_create());
	struct timespec ts = { 0, 30000000 };
	nanosleep(&ts, NULL);
	struct b_siginfo info = { .signo = 10 };
	sig_tgkill(1, 1, 10, &info);
	return NULL;
}

static void test_epoll_interrupted(void **state)
{
	(void)state;
	struct k_epoll_event out[2];
	int ep = epollfd_create(0);
	int e = eventfd_create(0, 0);
	assert_ok(ctl(ep, K_EPOLL_CTL_ADD, e, IN, 8));
	pthread_t th;
	pthread_create(&th, NULL, late_signal, NULL);
	assert_err(epollfd_wait(ep, out, 2, NULL), EINTR);
	pthread_join(th, NULL);
}

/* ---- timerfd ---------------------------------------------------------- */

static void test_timerfd(void **state)
{
	(void)state;
	long r;
	int t = timerfd_open(1, K_O_NONBLOCK);
	assert_true(t >= 0);
	rd64(t, &r);
	assert_int_equal(r, -EAGAIN);
	struct b_timespec it[2] = { { 0, 0 }, { 0, 20000000 } }, cur[2];
	assert_ok(timerfd_set(t, 0, it, NULL));
	assert_int_equal(poll1(t, 1), 0);
	assert_ok(timerfd_get(t, cur));
	assert_true(cur[1].nsec > 0 && cur[1].nsec <= 20000000);
	struct b_pollfd p = { t, 1, 0 };
	struct b_timespec limit = { 1, 0 };
	assert_int_equal(file_poll(&p, 1, &limit), 1);
	assert_int_equal(rd64(t, &r), 1);
	rd64(t, &r);
	assert_int_equal(r, -EAGAIN);
	assert_ok(timerfd_get(t, cur));
	assert_int_equal(cur[1].sec + cur[1].nsec, 0);
	/* Periodic: the expirations pile up until read. */
	it[0].nsec = it[1].nsec = 10000000;
	assert_ok(timerfd_set(t, 0, it, NULL));
	struct timespec nap = { 0, 55000000 };
	nanosleep(&nap, NULL);
	uint64_t n = rd64(t, &r);
	assert_true(n >= 4 && n <= 6);
	/* Disarm, returning the old setting. */
	struct b_timespec zero[2] = { { 0, 0 }, { 0, 0 } }, old[2];
	assert_ok(timerfd_set(t, 0, zero, old));
	assert_int_equal(old[0].nsec, 10000000);
	rd64(t, &r);
	assert_int_equal(r, -EAGAIN);
	/* An absolute time in the past has expired already. */
	struct b_timespec now;
	time_get(1, &now);
	it[0] = (struct b_timespec){ 0, 0 };
	it[1] = (struct b_timespec){ now.sec - 1, now.nsec };
	assert_ok(timerfd_set(t, K_TFD_TIMER_ABSTIME, it, NULL));
	assert_int_equal(rd64(t, &r), 1);
	it[1].nsec = 1000000000;
	assert_err(timerfd_set(t, 0, it, NULL), EINVAL);
	it[1].nsec = 0;
	assert_err(timerfd_set(t, 4, it, NULL), EINVAL);
	int e = eventfd_create(0, 0);
	assert_err(timerfd_set(e, 0, it, NULL), EINVAL);
	assert_err(timerfd_get(999, cur), EBADF);
	assert_err(timerfd_open(5, 0), EINVAL);
	assert_err(timerfd_open(1, 1), EINVAL);
	/* A blocking read sleeps until the expiry. */
	int tb = timerfd_open(0, 0);
	it[1] = (struct b_timespec){ 0, 30000000 };
	assert_ok(timerfd_set(tb, 0, it, NULL));
	int64_t t0 = mono_ms();
	assert_int_equal(rd64(tb, &r), 1);
	assert_true(mono_ms() - t0 >= 25);
}

/* ---- signalfd --------------------------------------------------------- */

static void encode(const struct b_siginfo *info, void *rec)
{
	int32_t v[2] = { info->signo, info->code };
	memcpy(rec, v, sizeof(v));
}

static void test_signalfd(void **state)
{
	(void)state;
	uint64_t usr = (1ULL << 9) | (1ULL << 11); /* SIGUSR1, SIGUSR2 */
	sig_procmask(0, &usr, NULL);
	int s = signalfd_create(-1, usr, K_O_NONBLOCK, 8, encode);
	assert_true(s >= 0);
	int32_t rec[4];
	assert_err(file_read(s, rec, sizeof(rec)), EAGAIN);
	assert_err(file_read(s, rec, 4), EINVAL);
	assert_int_equal(poll1(s, 1), 0);
	struct b_siginfo info = { .signo = 10, .code = -6 };
	assert_ok(sig_tgkill(1, 1, 10, &info));
	info.signo = 12;
	assert_ok(sig_tgkill(1, 1, 12, &info));
	assert_int_equal(poll1(s, 1), 1);
	/* Both in one read, lowest first; then gone from the pending set. */
	assert_int_equal(file_read(s, rec, sizeof(rec)), 16);
	assert_int_equal(rec[0], 10);
	assert_int_equal(rec[1], -6);
	assert_int_equal(rec[2], 12);
	assert_false(sig_pending() & usr);
	/* A new mask for the same descriptor. */
	assert_int_equal(signalfd_create(s, 1ULL << 11, 0, 8, encode), s);
	info.signo = 10;
	sig_tgkill(1, 1, 10, &info);
	assert_int_equal(poll1(s, 1), 0);
	int e = eventfd_create(0, 0);
	assert_err(signalfd_create(e, usr, 0, 8, encode), EINVAL);
	assert_err(signalfd_create(999, usr, 0, 8, encode), EBADF);
	assert_err(signalfd_create(-1, usr, 1, 8, encode), EINVAL);
}

/* ---- poll ------------------------------------------------------------- */

static void test_poll_basics(void **state)
{
	(void)state;
	int e = eventfd_create(1, 0);
	struct b_pollfd p[3] = { { -1, 1, 7 }, { e, 1 | 4, 0 }, { 999, 1, 0 } };
	struct b_timespec zero = { 0, 0 };
	assert_int_equal(file_poll(p, 3, &zero), 2);
	assert_int_equal(p[0].revents, 0);
	assert_int_equal(p[1].revents, 1 | 4);
	assert_int_equal(p[2].revents, 32);
	/* POLLRDNORM alone is answered as itself. */
	p[1].events = 0x40;
	assert_int_equal(file_poll(&p[1], 1, &zero), 1);
	assert_int_equal(p[1].revents, 0x40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_eventfd_counter, teardown),
		cmocka_unit_test_teardown(test_eventfd_semaphore, teardown),
		cmocka_unit_test_teardown(test_eventfd_blocking, teardown),
		cmocka_unit_test_teardown(test_epoll_ctl_errors, teardown),
		cmocka_unit_test_teardown(test_epoll_level_edge_oneshot, teardown),
		cmocka_unit_test_teardown(test_epoll_pipe, teardown),
		cmocka_unit_test_teardown(test_epoll_item_lifetime, teardown),
		cmocka_unit_test_teardown(test_epoll_rotation, teardown),
		cmocka_unit_test_teardown(test_epoll_wakes, teardown),
		cmocka_unit_test_teardown(test_epoll_interrupted, teardown),
		cmocka_unit_test_teardown(test_timerfd, teardown),
		cmocka_unit_test_teardown(test_signalfd, teardown),
		cmocka_unit_test_teardown(test_poll_basics, teardown),
	};
	return cmocka_run_group_tests_name("event", tests, unit_group_setup, NULL);
}
