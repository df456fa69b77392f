/* test_proc.c — processes of the sandbox: proc_fork is a real host fork
 * here (the mock forks the test process), children leave through
 * proc_exit, which ends in plat_exit, i.e. _exit in the child. Children
 * report by exit status only: no cmocka assertion runs in a child. */
#include <string.h>
#include <unistd.h>

#include "unit.h"

#define BIT(s) (1ULL << ((s) - 1))
#define WNOHANG 1
#define WNOWAIT 0x1000000

static int reset(void **state)
{
	(void)state;
	struct b_siginfo info;
	sig_set_mask(0);
	while (sig_dequeue(0, &info))
		;
	fd_close_range(0, ~0U, 0);
	return 0;
}

/* Fork; the child runs fn and exits with its result as the code. */
static long spawn(int (*fn)(void *), void *arg)
{
	long pid = proc_fork(0, 0);
	if (pid == 0)
		proc_exit((fn(arg) & 0xff) << 8);
	return pid;
}

static int exit_seven(void *arg)
{
	(void)arg;
	return 7;
}

static void test_fork_exit_wait(void **state)
{
	(void)state;
	long pid = spawn(exit_seven, NULL);
	assert_true(pid > 1);
	int st = -1;
	int64_t cpu = -1;
	assert_int_equal(proc_wait((int)pid, 0, &st, &cpu), pid);
	assert_int_equal(st, 7 << 8);
	assert_true(cpu >= 0);
	assert_err(proc_wait((int)pid, 0, &st, NULL), ECHILD);
	assert_err(proc_wait(-1, WNOHANG, &st, NULL), ECHILD);
}

static int check_ids(void *arg)
{
	long parent_pid = (long)arg;
	if (proc_getpid() <= 1 || proc_getppid() != parent_pid || proc_parent() != parent_pid)
		return 1;
	if (thread_gettid() != proc_getpid())
		return 2;
	if (proc_getpgid(0) != 1 || proc_getsid(0) != 1)
		return 3;
	/* A new session makes the child its leader. */
	if (proc_setsid() != proc_getpid() || proc_getsid(0) != proc_getpid() ||
	    proc_getpgid(0) != proc_getpid())
		return 4;
	return 0;
}

static void test_child_ids(void **state)
{
	(void)state;
	long pid = spawn(check_ids, (void *)1L);
	int st = -1;
	assert_int_equal(proc_wait((int)pid, 0, &st, NULL), pid);
	assert_int_equal(st, 0);
	/* pid 1 leads its group already. */
	assert_err(proc_setsid(), EPERM);
	assert_int_equal(proc_getpgid(0), 1);
	assert_err(proc_getpgid(4000), ESRCH);
}

static int read_then_exit(void *arg)
{
	int fd = (int)(long)arg;
	char c = 0;
	long r = file_read(fd, &c, 1);
	return r == 1 ? c : 100;
}

/* WNOHANG while the child lives; a pipe across the fork wakes it. */
static void test_wnohang_and_pipe(void **state)
{
	(void)state;
	int p[2];
	assert_ok(pipe_create(p, 0));
	long pid = spawn(read_then_exit, (void *)(long)p[0]);
	int st = -1;
	assert_int_equal(proc_wait((int)pid, WNOHANG, &st, NULL), 0);
	assert_int_equal(file_write(p[1], "\x2a", 1), 1);
	assert_int_equal(proc_wait((int)pid, 0, &st, NULL), pid);
	assert_int_equal(st, 42 << 8);
	fd_close(p[0]);
	fd_close(p[1]);
}

/* SIGKILL from the parent; the child is found dead by the host. */
static void test_kill_child(void **state)
{
	(void)state;
	int p[2];
	assert_ok(pipe_create(p, 0));
	long pid = spawn(read_then_exit, (void *)(long)p[0]);
	struct b_siginfo info = { .signo = 9, .pid = 1 };
	assert_ok(proc_kill((int)pid, 9, &info));
	int st = -1;
	assert_int_equal(proc_wait((int)pid, 0, &st, NULL), pid);
	assert_int_equal(st, 9);
	assert_err(proc_kill(4321, 15, &info), ESRCH);
	fd_close(p[0]);
	fd_close(p[1]);
}

/* WNOWAIT leaves the zombie for a later wait. */
static void test_wnowait(void **state)
{
	(void)state;
	long pid = spawn(exit_seven, NULL);
	int st = -1;
	assert_int_equal(proc_wait((int)pid, WNOWAIT, &st, NULL), pid);
	assert_int_equal(st, 7 << 8);
	st = -1;
	assert_int_equal(proc_wait(-1, 0, &st, NULL), pid);
	assert_int_equal(st, 7 << 8);
	assert_err(proc_wait(-1, 0, &st, NULL), ECHILD);
}

/* A program that blocks SIGCHLD and collects it (sigwaitinfo, signalfd)
 * finds it pending after the child ended, with the child's details. */
static void test_sigchld_blocked_default(void **state)
{
	(void)state;
	sig_set_mask(BIT(17));
	long pid = spawn(exit_seven, NULL);
	int st;
	assert_int_equal(proc_wait((int)pid, 0, &st, NULL), pid);
	assert_true(sig_pending() & BIT(17));
	struct b_siginfo info;
	assert_int_equal(sig_dequeue(0, &info), 17);
	assert_int_equal(info.pid, pid);
	assert_int_equal(info.status, 7);
	assert_int_equal(info.code, 1); /* CLD_EXITED */
}

static void test_vfork(void **state)
{
	(void)state;
	long pid = proc_fork(1, 0);
	if (pid == 0)
		proc_exit(3 << 8);
	assert_true(pid > 1);
	int st;
	assert_int_equal(proc_wait((int)pid, 0, &st, NULL), pid);
	assert_int_equal(st, 3 << 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fork_exit_wait, reset, reset),
		cmocka_unit_test_setup_teardown(test_child_ids, reset, reset),
		cmocka_unit_test_setup_teardown(test_wnohang_and_pipe, reset, reset),
		cmocka_unit_test_setup_teardown(test_kill_child, reset, reset),
		cmocka_unit_test_setup_teardown(test_wnowait, reset, reset),
		cmocka_unit_test_setup_teardown(test_sigchld_blocked_default, reset, reset),
		cmocka_unit_test_setup_teardown(test_vfork, reset, reset),
	};
	return cmocka_run_group_tests_name("proc", tests, unit_group_setup, NULL);
}
