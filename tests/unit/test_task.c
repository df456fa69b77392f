/* test_task.c — the process and its threads: ids, credentials
 * (setresuid/setresgid rules for root and others), groups, umask, name. */
#include <string.h>

#include "unit.h"

static int reset(void **state)
{
	(void)state;
	cred_init(0, 0);
	return 0;
}

static void ids(int want_r, int want_e, int want_s)
{
	int r, e, s, rg, eg, sg;
	cred_get(&r, &e, &s, &rg, &eg, &sg);
	if (r != want_r || e != want_e || s != want_s)
		fail_msg("uids are %d/%d/%d, want %d/%d/%d", r, e, s, want_r, want_e, want_s);
}

static void gids(int want_r, int want_e, int want_s)
{
	int r, e, s, rg, eg, sg;
	cred_get(&r, &e, &s, &rg, &eg, &sg);
	if (rg != want_r || eg != want_e || sg != want_s)
		fail_msg("gids are %d/%d/%d, want %d/%d/%d", rg, eg, sg, want_r, want_e, want_s);
}

static void test_ids(void **state)
{
	(void)state;
	assert_int_equal(proc_getpid(), 1);
	assert_int_equal(proc_getppid(), 0);
	assert_int_equal(thread_gettid(), 1);
	assert_non_null(thread_current());
	assert_ptr_equal(thread_current(), plat_self());
	*thread_shim_slot() = (void *)0x1234;
	assert_ptr_equal(*thread_shim_slot(), (void *)0x1234);
	*thread_shim_slot() = NULL;
}

static void test_cred_init(void **state)
{
	(void)state;
	cred_init(1000, 100);
	ids(1000, 1000, 1000);
	gids(100, 100, 100);
}

/* Root may set any ids. */
static void test_setresuid_root(void **state)
{
	(void)state;
	assert_ok(cred_setresuid(5, 6, 7));
	ids(5, 6, 7);
	cred_init(0, 0);
	assert_ok(cred_setresuid(-1, -1, -1));
	ids(0, 0, 0);
	assert_ok(cred_setresuid(-1, 1000, -1)); /* drop the effective id only */
	ids(0, 1000, 0);
	assert_ok(cred_setresuid(-1, 0, -1));    /* and take it back: 0 is real/saved */
	ids(0, 0, 0);
	assert_ok(cred_setresgid(10, 20, 30));   /* gids need euid 0 */
	gids(10, 20, 30);
	/* Dropping everything is final. */
	assert_ok(cred_setresuid(1000, 1000, 1000));
	ids(1000, 1000, 1000);
	assert_err(cred_setresuid(0, -1, -1), EPERM);
	assert_err(cred_setresuid(-1, 0, -1), EPERM);
	assert_err(cred_setresuid(-1, -1, 0), EPERM);
	ids(1000, 1000, 1000);
}

/* Others may only pick among their current real, effective, saved ids;
 * a refused call changes nothing. */
static void test_setresuid_user(void **state)
{
	(void)state;
	assert_ok(cred_setresuid(1000, 1001, 1002));
	ids(1000, 1001, 1002);
	assert_ok(cred_setresuid(-1, 1000, -1));
	ids(1000, 1000, 1002);
	assert_ok(cred_setresuid(1002, 1002, 1000));
	ids(1002, 1002, 1000);
	assert_err(cred_setresuid(1001, -1, -1), EPERM); /* 1001 is gone */
	assert_err(cred_setresuid(1000, 1000, 0), EPERM);
	ids(1002, 1002, 1000);
	assert_err(cred_setresuid(0, 0, 0), EPERM);
	/* setresgid without euid 0: only current gids. */
	cred_init(1000, 100);
	assert_ok(cred_setresgid(-1, 100, -1));
	assert_err(cred_setresgid(-1, 0, -1), EPERM);
	assert_err(cred_setresgid(101, -1, -1), EPERM);
	gids(100, 100, 100);
}

static void test_groups(void **state)
{
	(void)state;
	uint32_t set[3] = { 7, 5, 6 }, sorted[3] = { 5, 6, 7 }, got[8];
	assert_ok(cred_setgroups(3, set));
	assert_int_equal(cred_getgroups(0, NULL), 3);
	assert_err(cred_getgroups(2, got), EINVAL);
	assert_int_equal(cred_getgroups(8, got), 3);
	assert_memory_equal(got, sorted, sizeof(sorted)); /* kept ascending, as Linux */
	assert_int_equal(cred_in_group(6), 1);
	assert_int_equal(cred_in_group(8), 0);
	assert_err(cred_setgroups(-1, set), EINVAL);
	assert_err(cred_setgroups(K_NGROUPS_MAX + 1, set), EINVAL);
	assert_err(cred_setgroups(2, NULL), EFAULT);
	assert_ok(cred_setgroups(0, set));
	assert_int_equal(cred_getgroups(0, NULL), 0);
	cred_init(1000, 1000);
	assert_err(cred_setgroups(1, set), EPERM);
}

static void test_umask_and_name(void **state)
{
	(void)state;
	assert_int_equal(proc_umask(077), 022);
	assert_int_equal(proc_umask(01777), 077);
	assert_int_equal(proc_umask(022), 0777); /* only permission bits are kept */
	char name[16];
	proc_set_name("short");
	proc_get_name(name);
	assert_string_equal(name, "short");
	proc_set_name("a-very-long-process-name");
	proc_get_name(name);
	assert_string_equal(name, "a-very-long-pro");
	proc_set_name("");
	proc_get_name(name);
	assert_string_equal(name, "");
}

/* Thread records: new tids, the creator's mask, removal. */
static void test_threads(void **state)
{
	(void)state;
	uint64_t mask = (1ULL << 9) | (1ULL << 1), old;
	assert_ok(sig_procmask(2, &mask, &old));
	struct thread *a = thread_create();
	struct thread *b = thread_create();
	assert_non_null(a);
	assert_non_null(b);
	assert_true(thread_tid(a) > 1);
	assert_int_equal(thread_tid(b), thread_tid(a) + 1);
	assert_int_equal(a->sigmask, mask);
	assert_int_equal(kproc->nthreads, 3);
	thread_set_host(a, 4242);
	assert_int_equal(a->host_tid, 4242);
	thread_set_clear_tid(a, 0x5000);
	assert_int_equal(a->clear_child_tid, 0x5000);
	thread_remove_record(a);
	thread_remove_record(b);
	assert_int_equal(kproc->nthreads, 1);
	assert_ok(sig_procmask(2, &old, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ids, reset, reset),
		cmocka_unit_test_setup_teardown(test_cred_init, reset, reset),
		cmocka_unit_test_setup_teardown(test_setresuid_root, reset, reset),
		cmocka_unit_test_setup_teardown(test_setresuid_user, reset, reset),
		cmocka_unit_test_setup_teardown(test_groups, reset, reset),
		cmocka_unit_test_setup_teardown(test_umask_and_name, reset, reset),
		cmocka_unit_test_setup_teardown(test_threads, reset, reset),
	};
	return cmocka_run_group_tests_name("task", tests, unit_group_setup, NULL);
}
