/* test_fd.c — the descriptor table (install, dup/dup2/dup3, close_range,
 * close-on-exec, limits through proc_prlimit, reference counting) and
 * pipes. */
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

static int released;

static void dummy_release(struct file *f)
{
	(void)f;
	released++;
}

static const struct file_ops dummy_ops = { .release = dummy_release };

static struct file *dummy(void)
{
	struct file *f = file_alloc(&dummy_ops, K_O_RDWR, "dummy");
	assert_non_null(f);
	return f;
}

/* Install a fresh dummy file; returns its fd. */
static int open_dummy(int cloexec)
{
	struct file *f = dummy();
	int fd = fd_install(f, cloexec);
	if (fd < 0)
		file_put(f);
	return fd;
}

static struct file *peek(int fd)
{
	struct file *f = fd_get(fd);
	if (f)
		file_put(f);
	return f;
}

static int setup(void **state)
{
	(void)state;
	released = 0;
	return 0;
}

/* Every test leaves the table empty and the default limits. */
static int teardown(void **state)
{
	(void)state;
	fd_close_range(0, ~0U, 0);
	uint64_t lim[2] = { 1024, FD_MAX };
	cred_init(0, 0);
	proc_prlimit(7, lim, NULL);
	return 0;
}

static void test_install_lowest_free(void **state)
{
	(void)state;
	assert_int_equal(open_dummy(0), 0);
	assert_int_equal(open_dummy(0), 1);
	assert_int_equal(open_dummy(0), 2);
	assert_int_equal(open_dummy(0), 3);
	assert_ok(fd_close(1));
	assert_ok(fd_close(2));
	assert_int_equal(open_dummy(0), 1);
	assert_int_equal(open_dummy(0), 2);
	assert_int_equal(open_dummy(0), 4);
	assert_null(fd_get(5));
	assert_null(fd_get(-1));
	assert_null(fd_get(FD_MAX));
	assert_null(fd_get(1 << 30));
}

static void test_close_errors(void **state)
{
	(void)state;
	int fd = open_dummy(0);
	assert_ok(fd_close(fd));
	assert_int_equal(released, 1);
	assert_err(fd_close(fd), EBADF);
	assert_err(fd_close(-1), EBADF);
	assert_err(fd_close(FD_MAX), EBADF);
	assert_err(fd_close(123), EBADF);
	assert_int_equal(released, 1);
}

/* A description lives as long as any descriptor refers to it. */
static void test_refcount(void **state)
{
	(void)state;
	int a = open_dummy(0);
	int b = fd_dup(a, 0, 0);
	int c = fd_dup2(a, 7, 0);
	assert_int_equal(b, 1);
	assert_int_equal(c, 7);
	assert_ptr_equal(peek(a), peek(b));
	assert_ptr_equal(peek(a), peek(c));
	struct file *f = fd_get(a);
	assert_ok(fd_close(a));
	assert_ok(fd_close(c));
	assert_int_equal(released, 0);
	assert_ok(fd_close(b));
	assert_int_equal(released, 0); /* we still hold f */
	assert_int_equal(f->refs, 1);
	file_put(f);
	assert_int_equal(released, 1);
}

/* fd_get_light skips the reference only for a direct (host) file of a
 * process with one thread. */
static void test_get_light(void **state)
{
	(void)state;
	int hp[2];
	assert_int_equal(pipe(hp), 0);
	assert_int_equal(file_adopt_host(3, hp[0], K_O_RDONLY), 3);
	int d = open_dummy(0);
	int ref = -1;
	assert_int_equal(kproc->nthreads, 1);
	struct file *h = fd_get_light(3, &ref);
	assert_ptr_equal(h, peek(3));
	assert_int_equal(ref, 0);
	assert_int_equal(h->refs, 1);
	fd_put_light(h, ref);
	assert_int_equal(h->refs, 1);
	struct file *f = fd_get_light(d, &ref);
	assert_int_equal(ref, 1);
	assert_int_equal(f->refs, 2);
	fd_put_light(f, ref);
	assert_int_equal(f->refs, 1);
	kproc->nthreads = 2; /* another thread could close it meanwhile */
	h = fd_get_light(3, &ref);
	assert_int_equal(ref, 1);
	assert_int_equal(h->refs, 2);
	fd_put_light(h, ref);
	kproc->nthreads = 1;
	assert_null(fd_get_light(9, &ref));
	assert_null(fd_get_light(-1, &ref));
	assert_ok(fd_close(3));
	assert_int_equal(fcntl(hp[0], F_GETFD), -1);
	close(hp[1]);
}

/* F_DUPFD / F_DUPFD_CLOEXEC: lowest free at or above min. */
static void test_dup(void **state)
{
	(void)state;
	int a = open_dummy(1);
	assert_int_equal(fd_get_cloexec(a), 1);
	int b = fd_dup(a, 0, 0);
	assert_int_equal(b, 1);
	assert_int_equal(fd_get_cloexec(b), 0); /* the flag is per descriptor */
	assert_int_equal(fd_dup(a, 10, 1), 10);
	assert_int_equal(fd_get_cloexec(10), 1);
	assert_int_equal(fd_dup(a, 10, 0), 11);
	assert_int_equal(fd_dup(a, 5, 0), 5);
	assert_err(fd_dup(3, 0, 0), EBADF);
	assert_err(fd_dup(-1, 0, 0), EBADF);
	assert_err(fd_dup(a, -1, 0), EINVAL);
	assert_err(fd_dup(a, 1024, 0), EINVAL); /* at the RLIMIT_NOFILE soft limit */
	assert_int_equal(fd_dup(a, 1023, 0), 1023);
	assert_err(fd_dup(a, 1023, 0), EMFILE);
	fd_close_range(0, ~0U, 0);
	assert_int_equal(released, 1);
}

/* dup2: replaces (and releases) what newfd held; same fd is a no-op;
 * dup3 (cloexec >= 0 given as 1) with the same fd is EINVAL. */
static void test_dup2_dup3(void **state)
{
	(void)state;
	int a = open_dummy(0);
	int b = open_dummy(1);
	assert_int_equal(fd_get_cloexec(b), 1);
	struct file *fa = peek(a);
	assert_int_equal(fd_dup2(a, b, 0), b);
	assert_int_equal(released, 1); /* b's old file */
	assert_ptr_equal(peek(b), fa);
	assert_int_equal(fd_get_cloexec(b), 0);
	assert_int_equal(fd_dup2(a, 9, 1), 9);
	assert_int_equal(fd_get_cloexec(9), 1);
	assert_int_equal(fd_dup2(a, a, 0), a);
	assert_err(fd_dup2(a, a, 1), EINVAL);
	assert_ptr_equal(peek(a), fa);
	assert_err(fd_dup2(5, 6, 0), EBADF);
	assert_null(peek(6));
	assert_err(fd_dup2(a, -1, 0), EBADF);
	assert_err(fd_dup2(a, 1024, 0), EBADF);
	assert_err(fd_dup2(a, FD_MAX, 0), EBADF);
	assert_int_equal(released, 1);
	fd_close_range(0, ~0U, 0);
	assert_int_equal(released, 2);
}

static void test_cloexec_flags(void **state)
{
	(void)state;
	int a = open_dummy(0);
	assert_int_equal(fd_get_cloexec(a), 0);
	assert_ok(fd_set_cloexec(a, 1));
	assert_int_equal(fd_get_cloexec(a), 1);
	assert_ok(fd_set_cloexec(a, 0));
	assert_int_equal(fd_get_cloexec(a), 0);
	assert_err(fd_get_cloexec(a + 1), EBADF);
	assert_err(fd_set_cloexec(a + 1, 1), EBADF);
	assert_err(fd_get_cloexec(-5), EBADF);
	assert_err(fd_set_cloexec(FD_MAX + 3, 1), EBADF);
	/* A reused descriptor number does not inherit the old flag. */
	assert_ok(fd_set_cloexec(a, 1));
	assert_ok(fd_close(a));
	assert_int_equal(open_dummy(0), a);
	assert_int_equal(fd_get_cloexec(a), 0);
}

static void test_close_range(void **state)
{
	(void)state;
	for (int i = 0; i < 10; i++)
		assert_int_equal(open_dummy(0), i);
	assert_ok(fd_close_range(3, 5, 0));
	for (int i = 0; i < 10; i++)
		assert_int_equal(peek(i) != NULL, i < 3 || i > 5);
	assert_int_equal(released, 3);
	/* CLOSE_RANGE_CLOEXEC marks, does not close. */
	assert_ok(fd_close_range(7, ~0U, 4));
	for (int i = 6; i < 10; i++) {
		assert_non_null(peek(i));
		assert_int_equal(fd_get_cloexec(i), i >= 7);
	}
	assert_int_equal(released, 3);
	assert_err(fd_close_range(5, 4, 0), EINVAL);
	assert_err(fd_close_range(0, 10, 1), EINVAL);
	assert_err(fd_close_range(0, 10, 8), EINVAL);
	assert_ok(fd_close_range(0, 10, 2)); /* CLOSE_RANGE_UNSHARE alone: closes */
	assert_int_equal(released, 10);
	assert_ok(fd_close_range(100, 200, 0)); /* nothing there: fine */
	assert_ok(fd_close_range(5000, ~0U, 0));
}

static void count_fd(int fd, struct file *f, void *ctx)
{
	(void)f;
	int *c = ctx;
	c[0]++;
	c[1] += fd;
}

static void test_fd_each(void **state)
{
	(void)state;
	open_dummy(0), open_dummy(0), open_dummy(0);
	fd_dup2(0, 40, 0);
	fd_close(1);
	int c[2] = { 0, 0 };
	fd_each(count_fd, c);
	assert_int_equal(c[0], 3);
	assert_int_equal(c[1], 0 + 2 + 40);
}

/* RLIMIT_NOFILE bounds new descriptors. */
static void test_nofile_limit(void **state)
{
	(void)state;
	uint64_t old[2], lim[2] = { 16, 64 };
	assert_ok(proc_prlimit(7, NULL, old));
	assert_int_equal(old[0], 1024);
	assert_int_equal(old[1], FD_MAX);
	assert_int_equal(fd_count_limit(), 1024);
	assert_ok(proc_prlimit(7, lim, NULL));
	assert_int_equal(fd_count_limit(), 16);
	for (int i = 0; i < 16; i++)
		assert_int_equal(open_dummy(0), i);
	assert_err(open_dummy(0), EMFILE);
	assert_err(fd_dup(0, 0, 0), EMFILE);
	assert_err(fd_dup(0, 16, 0), EINVAL);
	assert_err(fd_dup2(0, 16, 0), EBADF);
	assert_int_equal(fd_dup2(0, 15, 0), 15);
	fd_close(3);
	assert_int_equal(fd_dup(0, 0, 0), 3);
	/* Lowering the limit below open descriptors keeps them open. */
	lim[0] = 4;
	assert_ok(proc_prlimit(7, lim, NULL));
	assert_non_null(peek(10));
	assert_err(open_dummy(0), EMFILE);
}

static void test_prlimit_rules(void **state)
{
	(void)state;
	uint64_t lim[2], got[2];
	assert_err(proc_prlimit(-1, NULL, got), EINVAL);
	assert_err(proc_prlimit(16, NULL, got), EINVAL);
	lim[0] = 100, lim[1] = 50; /* soft above hard */
	assert_err(proc_prlimit(7, lim, NULL), EINVAL);
	lim[0] = 100, lim[1] = FD_MAX + 1; /* beyond the table */
	assert_err(proc_prlimit(7, lim, NULL), EPERM);
	/* Root may raise a hard limit; others may only lower it. */
	lim[0] = 1 << 20, lim[1] = 1 << 21;
	assert_ok(proc_prlimit(4 /* CORE */, lim, got));
	assert_ok(proc_prlimit(4, NULL, got));
	assert_int_equal(got[0], 1 << 20);
	assert_int_equal(got[1], 1 << 21);
	cred_init(1000, 1000);
	lim[0] = 10, lim[1] = 1 << 22;
	assert_err(proc_prlimit(4, lim, NULL), EPERM);
	lim[1] = 1 << 19;
	assert_ok(proc_prlimit(4, lim, NULL));
	lim[1] = 1 << 20;
	assert_err(proc_prlimit(4, lim, NULL), EPERM);
	lim[0] = lim[1] = ~0ULL;
	cred_init(0, 0);
	assert_ok(proc_prlimit(4, lim, NULL));
	/* The defaults kernel_init sets. */
	assert_ok(proc_prlimit(3 /* STACK */, NULL, got));
	assert_int_equal(got[0], 8UL << 20);
}

/* ---- pipes ------------------------------------------------------------- */

static void test_pipe_basic(void **state)
{
	(void)state;
	int p[2];
	char buf[64];
	assert_ok(pipe_create(p, 0));
	assert_int_equal(p[0], 0);
	assert_int_equal(p[1], 1);
	assert_int_equal(file_write(p[1], "hello", 5), 5);
	assert_int_equal(file_write(p[1], " pipe", 5), 5);
	assert_int_equal(file_read(p[0], buf, 3), 3);
	assert_memory_equal(buf, "hel", 3);
	assert_int_equal(file_read(p[0], buf, sizeof(buf)), 7);
	assert_memory_equal(buf, "lo pipe", 7);
	/* Wrong directions. */
	assert_err(file_read(p[1], buf, 1), EBADF);
	assert_err(file_write(p[0], "x", 1), EBADF);
	assert_err(file_seek(p[0], 0, 0), ESPIPE);
	struct b_stat st;
	assert_ok(file_stat(p[0], &st));
	assert_int_equal(st.mode & K_S_IFMT, K_S_IFIFO);
	/* EOF once every writer is gone. */
	assert_int_equal(file_write(p[1], "end", 3), 3);
	assert_ok(fd_close(p[1]));
	assert_int_equal(file_read(p[0], buf, sizeof(buf)), 3);
	assert_int_equal(file_read(p[0], buf, sizeof(buf)), 0);
	assert_ok(fd_close(p[0]));
}

static void test_pipe_epipe(void **state)
{
	(void)state;
	int p[2];
	assert_ok(pipe_create(p, K_O_CLOEXEC));
	assert_int_equal(fd_get_cloexec(p[0]), 1);
	assert_int_equal(fd_get_cloexec(p[1]), 1);
	assert_ok(fd_close(p[0]));
	assert_err(file_write(p[1], "x", 1), EPIPE);
	/* ... and SIGPIPE for the writer. */
	assert_true(sig_pending() & (1ULL << 12));
	struct b_siginfo info;
	assert_int_equal(sig_dequeue(0, &info), 13);
	assert_int_equal(info.signo, 13);
	assert_false(sig_pending() & (1ULL << 12));
	assert_ok(fd_close(p[1]));
}

static void test_pipe_nonblock_capacity(void **state)
{
	(void)state;
	int p[2];
	char buf[4096];
	assert_ok(pipe_create(p, K_O_NONBLOCK));
	assert_err(file_read(p[0], buf, sizeof(buf)), EAGAIN);
	assert_int_equal(file_fcntl_special(p[0], 1032 /* F_GETPIPE_SZ */, 0), 65536);
	memset(buf, 'a', sizeof(buf));
	long total = 0, r;
	while ((r = file_write(p[1], buf, sizeof(buf))) > 0)
		total += r;
	assert_int_equal(r, -EAGAIN);
	assert_int_equal(total, 65536);
	int avail = -1;
	assert_ok(file_ioctl(p[0], 0x541B /* FIONREAD */, &avail));
	assert_int_equal(avail, 65536);
	/* Shrinking below the contents is refused; the data stays. */
	assert_err(file_fcntl_special(p[1], 1031 /* F_SETPIPE_SZ */, 8192), EBUSY);
	assert_int_equal(file_read(p[0], buf, sizeof(buf)), 4096);
	while (file_read(p[0], buf, sizeof(buf)) > 0)
		;
	/* Sizes round up to a power of two pages. */
	assert_int_equal(file_write(p[1], "keep", 4), 4);
	assert_int_equal(file_fcntl_special(p[1], 1031, 5000), 8192);
	assert_int_equal(file_fcntl_special(p[1], 1032, 0), 8192);
	assert_int_equal(file_read(p[0], buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "keep", 4);
	assert_err(file_fcntl_special(p[1], 1031, 1L << 30), EPERM);
	fd_close(p[0]);
	fd_close(p[1]);
}

/* Wrap-around of the ring: many writes and reads of odd sizes. */
static void test_pipe_ring(void **state)
{
	(void)state;
	int p[2];
	static char in[10000], out[10000];
	assert_ok(pipe_create(p, K_O_NONBLOCK));
	assert_int_equal(file_fcntl_special(p[1], 1031, 4096), 4096);
	unsigned seq = 0, check = 0;
	for (int round = 0; round < 200; round++) {
		size_t n = (size_t)(round * 37 % 3000) + 1;
		for (size_t i = 0; i < n; i++)
			in[i] = (char)(seq + i);
		long w = file_write(p[1], in, n);
		assert_true(w > 0);
		seq += (unsigned)w;
		long r = file_read(p[0], out, sizeof(out));
		assert_int_equal(r, w);
		for (long i = 0; i < r; i++)
			if (out[i] != (char)(check + (unsigned)i))
				fail_msg("round %d byte %ld wrong", round, i);
		check += (unsigned)r;
	}
	fd_close(p[0]);
	fd_close(p[1]);
}

struct writer {
	int fd;
	int delay_ms;
};

static void *late_writer(void *arg)
{
	struct writer *w = arg;
	unit_thread_enter();
	struct timespec ts = { 0, w->delay_ms * 1000000L };
	nanosleep(&ts, NULL);
	file_write(w->fd, "late", 4);
	unit_thread_leave();
	return NULL;
}

/* A blocking read sleeps until another thread writes. */
static void test_pipe_blocking_read(void **state)
{
	(void)state;
	int p[2];
	char buf[16];
	assert_ok(pipe_create(p, 0));
	struct writer w = { p[1], 50 };
	pthread_t th;
	pthread_create(&th, NULL, late_writer, &w);
	assert_int_equal(file_read(p[0], buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "late", 4);
	pthread_join(th, NULL);
	fd_close(p[0]);
	fd_close(p[1]);
}

static void *late_signal(void *arg)
{
	(void)arg;
	unit_thread_enter();
	struct timespec ts = { 0, 50000000 };
	nanosleep(&ts, NULL);
	struct b_siginfo info = { .signo = 10 };
	sig_tgkill(1, 1, 10, &info);
	unit_thread_leave();
	return NULL;
}

/* A signal for the reader ends its wait with EINTR. */
static void test_pipe_read_interrupted(void **state)
{
	(void)state;
	int p[2];
	char buf[16];
	assert_ok(pipe_create(p, 0));
	pthread_t th;
	pthread_create(&th, NULL, late_signal, NULL);
	assert_err(file_read(p[0], buf, sizeof(buf)), EINTR);
	pthread_join(th, NULL);
	struct b_siginfo info;
	assert_int_equal(sig_dequeue(0, &info), 10);
	fd_close(p[0]);
	fd_close(p[1]);
}

/* ---- memfd and inherited host handles ------------------------------------- */

static void test_memfd(void **state)
{
	(void)state;
	char buf[16];
	int fd = file_memfd("buf", 1 /* MFD_CLOEXEC */);
	assert_true(fd >= 0);
	assert_int_equal(fd_get_cloexec(fd), 1);
	assert_string_equal(file_path(peek(fd)), "/memfd:buf (deleted)");
	assert_int_equal(file_write(fd, "0123456789", 10), 10);
	assert_int_equal(file_seek(fd, 2, 0), 2);
	assert_int_equal(file_read(fd, buf, 3), 3);
	assert_memory_equal(buf, "234", 3);
	assert_ok(file_truncate(fd, 4));
	struct b_stat st;
	assert_ok(file_stat(fd, &st));
	assert_int_equal(st.size, 4);
	assert_int_equal(st.mode & K_S_IFMT, K_S_IFREG);
	int w = 0;
	assert_true(file_map_handle(fd, &w) >= 0);
	assert_int_equal(w, 1);
	assert_ok(fd_close(fd));
	assert_int_equal(file_memfd("nocloexec", 0), fd);
	assert_int_equal(fd_get_cloexec(fd), 0);
}

/* stdin/stdout-like host handles: streams with the host's own state. */
static void test_adopt_host(void **state)
{
	(void)state;
	int hp[2];
	char buf[16];
	assert_int_equal(pipe(hp), 0);
	assert_int_equal(file_adopt_host(5, hp[1], K_O_WRONLY), 5);
	assert_int_equal(file_adopt_host(1, hp[0], K_O_RDONLY), 1);
	assert_string_equal(file_path(peek(1)), "/dev/stdout");
	assert_int_equal(file_write(5, "via host", 8), 8);
	struct b_pollfd pfd = { 1, 1 /* POLLIN */, 0 };
	struct b_timespec zero = { 0, 0 };
	assert_int_equal(file_poll(&pfd, 1, &zero), 1);
	assert_true(pfd.revents & 1);
	assert_int_equal(file_read(1, buf, sizeof(buf)), 8);
	assert_memory_equal(buf, "via host", 8);
	assert_err(file_seek(1, 0, 0), ESPIPE);
	struct b_stat st;
	assert_ok(file_stat(1, &st));
	assert_int_equal(st.mode & K_S_IFMT, K_S_IFIFO);
	/* Closing the guest descriptor closes the host handle. */
	assert_ok(fd_close(5));
	assert_int_equal(file_read(1, buf, sizeof(buf)), 0);
	assert_ok(fd_close(1));
	assert_int_equal(fcntl(hp[0], F_GETFD), -1);
	assert_int_equal(fcntl(hp[1], F_GETFD), -1);
	int extra = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_err(file_adopt_host(-1, extra, 0), EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_install_lowest_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refcount, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_light, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dup2_dup3, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cloexec_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_each, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nofile_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prlimit_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipe_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipe_epipe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipe_nonblock_capacity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipe_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipe_blocking_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipe_read_interrupted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memfd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adopt_host, setup, teardown),
	};
	return cmocka_run_group_tests_name("fd", tests, unit_group_setup, NULL);
}
