/* test_lib.c — src/lib: fmt_snprintf against snprintf, the string helpers
 * against libc, the allocator; klog and the guest-copy helpers. */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "lib/fmt.h"

/* Some formats below are odd on purpose (flags glibc ignores, NULL %s). */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"

/* string.c's libc-named functions, built as lib_* (see unit.mk). */
void *lib_memcpy(void *dst, const void *src, size_t n);
void *lib_memmove(void *dst, const void *src, size_t n);
void *lib_memset(void *dst, int c, size_t n);
int lib_memcmp(const void *a, const void *b, size_t n);
size_t lib_strlen(const char *s);
size_t lib_strnlen(const char *s, size_t max);
int lib_strcmp(const char *a, const char *b);
int lib_strncmp(const char *a, const char *b, size_t n);
char *lib_strchr(const char *s, int c);
char *lib_strrchr(const char *s, int c);

static int sign(long v)
{
	return (v > 0) - (v < 0);
}

/* ---- fmt --------------------------------------------------------------- */

#define CHECK_FMT(...)                                                           \
	do {                                                                     \
		char want[256], got[256];                                        \
		int wn = snprintf(want, sizeof(want), __VA_ARGS__);              \
		int gn = fmt_snprintf(got, sizeof(got), __VA_ARGS__);            \
		if (strcmp(want, got) || wn != gn)                               \
			fail_msg("format %s: want \"%s\" (%d), got \"%s\" (%d)", \
				 #__VA_ARGS__, want, wn, got, gn);               \
	} while (0)

static void test_fmt_integers(void **state)
{
	(void)state;
	static const int ints[] = { 0, 1, -1, 7, 42, -42, 100, 12345, INT_MAX, INT_MIN, -100000 };
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		int v = ints[i];
		CHECK_FMT("%d", v);
		CHECK_FMT("%i|", v);
		CHECK_FMT("[%5d]", v);
		CHECK_FMT("[%-5d]", v);
		CHECK_FMT("[%05d]", v);
		CHECK_FMT("[%012d]", v);
		CHECK_FMT("[%-012d]", v);
		CHECK_FMT("[%1d]", v);
		CHECK_FMT("%u %x %X %o", (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v);
		CHECK_FMT("[%8x][%-8X][%08o]", (unsigned)v, (unsigned)v, (unsigned)v);
	}
	static const long longs[] = { 0, -1, LONG_MAX, LONG_MIN, 1L << 40, -(1L << 33) + 5 };
	for (size_t i = 0; i < sizeof(longs) / sizeof(longs[0]); i++) {
		long v = longs[i];
		CHECK_FMT("%ld", v);
		CHECK_FMT("%lld", (long long)v);
		CHECK_FMT("[%25ld]", v);
		CHECK_FMT("[%-25ld]", v);
		CHECK_FMT("[%025ld]", v);
		CHECK_FMT("%lu %lx %lX %lo", (unsigned long)v, (unsigned long)v, (unsigned long)v,
			  (unsigned long)v);
		CHECK_FMT("%llu %llx", (unsigned long long)v, (unsigned long long)v);
		CHECK_FMT("%zu %zx", (size_t)v, (size_t)v);
	}
	CHECK_FMT("%lu", ULONG_MAX);
	CHECK_FMT("%lo", ULONG_MAX);
	CHECK_FMT("%llX", ULLONG_MAX);
}

static void test_fmt_strings_chars(void **state)
{
	(void)state;
	CHECK_FMT("%s", "");
	CHECK_FMT("%s", "hello");
	CHECK_FMT("[%10s]", "abc");
	CHECK_FMT("[%-10s]", "abc");
	CHECK_FMT("[%2s]", "abcdef");
	CHECK_FMT("[%.3s]", "abcdef");
	CHECK_FMT("[%.0s]", "abcdef");
	CHECK_FMT("[%.10s]", "abc");
	CHECK_FMT("[%8.3s]", "abcdef");
	CHECK_FMT("[%-8.3s]", "abcdef");
	CHECK_FMT("%c%c%c", 'a', 'b', 'c');
	CHECK_FMT("[%3c][%-3c]", 'x', 'y');
	CHECK_FMT("100%% sure %s%%", "really");
	CHECK_FMT("%s=%d, %s=%lu (%c)", "a", -3, "b", 99UL, '!');
	CHECK_FMT("no conversions at all");
	int x;
	CHECK_FMT("%p", (void *)&x);
	CHECK_FMT("%p", (void *)0x1000);
	CHECK_FMT("[%20p]", (void *)0xdeadbeef);
	CHECK_FMT("[%-20p]", (void *)0xdeadbeef);
}

static void test_fmt_null_string(void **state)
{
	(void)state;
	char buf[32];
	const char *null = NULL;
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "<%s>", null), 8);
	assert_string_equal(buf, "<(null)>");
}

/* Random integers, widths and flags, against snprintf. */
static void test_fmt_random(void **state)
{
	(void)state;
	srand(12345);
	static const char *const convs[] = { "d", "u", "x", "X", "o", "ld", "lu", "lx", "lo" };
	static const char *const flags[] = { "", "-", "0", "-0" };
	for (int i = 0; i < 4000; i++) {
		char spec[32], want[128], got[128];
		const char *c = convs[rand() % 9];
		int w = rand() % 3 ? rand() % 30 : 0;
		snprintf(spec, sizeof(spec), "<%%%s%.0d%s>", flags[rand() % 4], w, c);
		if (!w)
			snprintf(spec, sizeof(spec), "<%%%s%s>", flags[rand() % 2], c);
		unsigned long v = ((unsigned long)rand() << 33) ^ ((unsigned long)rand() << 11) ^
				  (unsigned long)rand();
		if (rand() % 4 == 0)
			v = (unsigned long)(rand() % 1000) - 500;
		int wn, gn;
		if (c[0] == 'l') {
			wn = snprintf(want, sizeof(want), spec, v);
			gn = fmt_snprintf(got, sizeof(got), spec, v);
		} else {
			wn = snprintf(want, sizeof(want), spec, (unsigned)v);
			gn = fmt_snprintf(got, sizeof(got), spec, (unsigned)v);
		}
		if (strcmp(want, got) || wn != gn)
			fail_msg("%s with %#lx: want \"%s\", got \"%s\"", spec, v, want, got);
	}
}

/* Truncation: the return value is the full length, the buffer always
 * terminated, nothing written past size. */
static void test_fmt_truncation(void **state)
{
	(void)state;
	char buf[16];
	for (size_t size = 0; size <= 12; size++) {
		memset(buf, 'Z', sizeof(buf));
		int n = fmt_snprintf(buf, size, "%s-%d", "abcdef", 12345);
		assert_int_equal(n, 12);
		if (size) {
			assert_int_equal(strlen(buf), size - 1 < 12 ? size - 1 : 12);
			assert_memory_equal(buf, "abcdef-12345", strlen(buf));
		}
		for (size_t i = size; i < sizeof(buf); i++)
			assert_int_equal(buf[i], 'Z');
	}
	assert_int_equal(fmt_snprintf(NULL, 0, "%d", 123456), 6);
}

/* ---- strings ------------------------------------------------------------ */

static void test_string_mem(void **state)
{
	(void)state;
	unsigned char a[300], b[300], c[300];
	for (size_t n = 0; n < 260; n += (n < 20 ? 1 : 13)) {
		for (size_t off = 0; off < 8; off++) {
			for (size_t i = 0; i < sizeof(a); i++)
				a[i] = (unsigned char)(i * 7 + n), b[i] = c[i] = (unsigned char)~i;
			assert_ptr_equal(lib_memcpy(b + off, a + 3, n), b + off);
			memcpy(c + off, a + 3, n);
			assert_memory_equal(b, c, sizeof(b));
			assert_ptr_equal(lib_memset(b + off, 0xa5 + (int)n, n), b + off);
			memset(c + off, 0xa5 + (int)n, n);
			assert_memory_equal(b, c, sizeof(b));
			assert_ptr_equal(lib_memset(b, 0x1ff, 1), b); /* c is converted */
			assert_int_equal(b[0], 0xff);
		}
	}
	/* memcmp: sign agrees with libc, including bytes >= 0x80. */
	static const char *const pairs[][2] = {
		{ "abc", "abd" }, { "abd", "abc" }, { "same", "same" }, { "\x80", "\x7f" },
		{ "\x01", "\xff" }, { "", "" },
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		size_t n = strlen(pairs[i][0]) + 1;
		assert_int_equal(sign(lib_memcmp(pairs[i][0], pairs[i][1], n)),
				 sign(memcmp(pairs[i][0], pairs[i][1], n)));
	}
	assert_int_equal(lib_memcmp("abc", "xyz", 0), 0);
}

/* memmove with every overlap: forward, backward, exact, disjoint. */
static void test_string_memmove_overlap(void **state)
{
	(void)state;
	char a[128], b[128];
	for (int n = 0; n <= 64; n += 3) {
		for (int d = -20; d <= 20; d++) {
			int src = 40, dst = 40 + d;
			for (int i = 0; i < 128; i++)
				a[i] = b[i] = (char)('A' + i % 50);
			assert_ptr_equal(lib_memmove(a + dst, a + src, (size_t)n), a + dst);
			memmove(b + dst, b + src, (size_t)n);
			if (memcmp(a, b, sizeof(a)))
				fail_msg("memmove n=%d shift=%d differs from libc", n, d);
		}
	}
}

static void test_string_str(void **state)
{
	(void)state;
	static const char *const strs[] = { "", "a", "ab", "abc", "abcd", "hello world",
					    "\x80\xff high", "path/to/some/file.txt" };
	size_t ns = sizeof(strs) / sizeof(strs[0]);
	for (size_t i = 0; i < ns; i++) {
		const char *s = strs[i];
		assert_int_equal(lib_strlen(s), strlen(s));
		for (size_t m = 0; m < 8; m++)
			assert_int_equal(lib_strnlen(s, m), strnlen(s, m));
		for (size_t j = 0; j < ns; j++) {
			const char *t = strs[j];
			assert_int_equal(sign(lib_strcmp(s, t)), sign(strcmp(s, t)));
			for (size_t m = 0; m < 6; m++)
				assert_int_equal(sign(lib_strncmp(s, t, m)), sign(strncmp(s, t, m)));
		}
		static const int chars[] = { 'a', 'b', '/', 'o', 'z', 0, 0xff, 0x80, ' ' };
		for (size_t k = 0; k < sizeof(chars) / sizeof(chars[0]); k++) {
			assert_ptr_equal(lib_strchr(s, chars[k]), strchr(s, chars[k]));
			assert_ptr_equal(lib_strrchr(s, chars[k]), strrchr(s, chars[k]));
		}
	}
}

static void test_string_strlcpy_strlcat(void **state)
{
	(void)state;
	char buf[8];
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(strlcpy(buf, "hello", sizeof(buf)), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(strlcpy(buf, "hello world", sizeof(buf)), 11);
	assert_string_equal(buf, "hello w");
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(strlcpy(buf, "abc", 0), 3);
	assert_int_equal(buf[0], 'Z');
	assert_int_equal(strlcpy(buf, "abc", 1), 3);
	assert_string_equal(buf, "");

	strcpy(buf, "ab");
	assert_int_equal(strlcat(buf, "cd", sizeof(buf)), 4);
	assert_string_equal(buf, "abcd");
	assert_int_equal(strlcat(buf, "efghij", sizeof(buf)), 10);
	assert_string_equal(buf, "abcdefg");
	assert_int_equal(strlcat(buf, "x", sizeof(buf)), 8);
	assert_string_equal(buf, "abcdefg");
	/* dst not terminated within size: size + strlen(src), untouched. */
	memset(buf, 'Q', sizeof(buf));
	assert_int_equal(strlcat(buf, "xyz", 4), 7);
	assert_int_equal(buf[3], 'Q');
}

static void test_string_helpers(void **state)
{
	(void)state;
	assert_true(str_starts("/proc/self", "/proc"));
	assert_true(str_starts("abc", ""));
	assert_true(str_starts("abc", "abc"));
	assert_false(str_starts("ab", "abc"));
	assert_false(str_starts("/pro", "/proc"));
	assert_int_equal(str_to_ulong("0"), 0);
	assert_int_equal(str_to_ulong("42"), 42);
	assert_int_equal(str_to_ulong("007"), 7);
	assert_int_equal(str_to_ulong("4294967296"), 4294967296L);
	assert_int_equal(str_to_ulong("9223372036854775807"), -1); /* too big */
	assert_int_equal(str_to_ulong("99999999999999999999999"), -1);
	assert_int_equal(str_to_ulong(""), -1);
	assert_int_equal(str_to_ulong("-1"), -1);
	assert_int_equal(str_to_ulong("12a"), -1);
	assert_int_equal(str_to_ulong(" 1"), -1);
}

/* ---- allocator ----------------------------------------------------------- */

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 31 + i * 7);
}

static int check(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed * 31 + i * 7))
			return 0;
	return 1;
}

/* Many sizes live at once: aligned, disjoint, contents intact. */
static void test_alloc_sizes(void **state)
{
	(void)state;
	enum { N = 600 };
	static unsigned char *blocks[N];
	static size_t sizes[N];
	for (int i = 0; i < N; i++) {
		size_t n = i < 300 ? (size_t)i * 7 : (size_t)(i - 299) * 97 + (i % 3) * 4096;
		sizes[i] = n;
		blocks[i] = kmalloc(n);
		assert_non_null(blocks[i]);
		assert_int_equal((uintptr_t)blocks[i] % 16, 0);
		fill(blocks[i], n, (unsigned)i);
	}
	for (int i = 0; i < N; i++)
		if (!check(blocks[i], sizes[i], (unsigned)i))
			fail_msg("block %d (%zu bytes) was overwritten", i, sizes[i]);
	/* Disjoint: sort by address and compare neighbours. */
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++) {
			uintptr_t a = (uintptr_t)blocks[i], b = (uintptr_t)blocks[j];
			if (a < b + sizes[j] && b < a + sizes[i])
				fail_msg("blocks %d and %d overlap", i, j);
		}
	for (int i = 0; i < N; i += 2)
		kfree(blocks[i]);
	for (int i = 1; i < N; i += 2)
		assert_true(check(blocks[i], sizes[i], (unsigned)i));
	for (int i = 1; i < N; i += 2)
		kfree(blocks[i]);
	kfree(NULL);
}

static void test_alloc_zero_and_strdup(void **state)
{
	(void)state;
	/* A dirty block comes back zeroed from kzalloc (real functions, so
	 * the block is reused at once). */
	heapcheck_flush();
	for (size_t n = 1; n < 5000; n = n * 3 + 1) {
		unsigned char *p = __real_kmalloc(n);
		assert_non_null(p);
		memset(p, 0xee, n);
		__real_kfree(p);
		unsigned char *z = __real_kzalloc(n);
		assert_non_null(z);
		for (size_t i = 0; i < n; i++)
			if (z[i])
				fail_msg("kzalloc(%zu) byte %zu is %#x", n, i, z[i]);
		__real_kfree(z);
	}
	char *s = __real_kstrdup("a string to copy");
	assert_string_equal(s, "a string to copy");
	char *e = __real_kstrdup("");
	assert_string_equal(e, "");
	__real_kfree(s);
	__real_kfree(e);
	void *z0 = kzalloc(0);
	assert_non_null(z0);
	kfree(z0);
}

/* krealloc keeps the contents when growing across classes and into page
 * runs, and when shrinking. Uses the real krealloc. */
static void test_alloc_realloc(void **state)
{
	(void)state;
	size_t n = 5;
	unsigned char *p = __real_kmalloc(n);
	fill(p, n, 9);
	static const size_t steps[] = { 17, 31, 100, 2032, 2033, 4096, 9000, 70000, 300000, 64, 3 };
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		size_t m = steps[i];
		unsigned char *q = __real_krealloc(p, m);
		assert_non_null(q);
		size_t keep = n < m ? n : m;
		if (!check(q, keep, 9))
			fail_msg("realloc %zu -> %zu lost data", n, m);
		fill(q, m, 9);
		p = q, n = m;
	}
	__real_kfree(p);
	unsigned char *r = __real_krealloc(NULL, 100);
	assert_non_null(r);
	__real_kfree(r);
	/* The same through the checked wrappers. */
	unsigned char *w = kmalloc(10);
	fill(w, 10, 3);
	w = krealloc(w, 5000);
	assert_true(check(w, 10, 3));
	kfree(w);
}

/* A freed block is reused for the next allocation of its class; a freed
 * page run for the next one of its length. */
static void test_alloc_reuse(void **state)
{
	(void)state;
	for (size_t n = 1; n <= 2000; n = n * 2 + 3) {
		void *a = __real_kmalloc(n);
		__real_kfree(a);
		void *b = __real_kmalloc(n);
		assert_ptr_equal(a, b);
		__real_kfree(b);
	}
	void *big = __real_kmalloc(100000);
	assert_non_null(big);
	memset(big, 0x77, 100000);
	__real_kfree(big);
	unsigned char *again = __real_kmalloc(100000);
	assert_ptr_equal(again, big);
	/* Page runs come back zeroed from the kernel's page source. */
	assert_int_equal(again[0], 0);
	assert_int_equal(again[99999], 0);
	__real_kfree(again);
}

static void test_alloc_big_and_failure(void **state)
{
	(void)state;
	size_t n = 64UL << 20;
	unsigned char *p = kmalloc(n);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % 16, 0);
	p[0] = 1, p[n / 2] = 2, p[n - 1] = 3;
	assert_int_equal(p[0] + p[n / 2] + p[n - 1], 6);
	kfree(p);
	/* Impossible requests fail cleanly. */
	assert_null(__real_kmalloc(SIZE_MAX));
	assert_null(__real_kmalloc(SIZE_MAX - 8));
	assert_null(__real_kmalloc(SIZE_MAX - 4095));
	assert_null(__real_kmalloc(1UL << 40));
	assert_null(__real_krealloc(__real_kmalloc(8), SIZE_MAX - 4));
}

struct churn {
	int seed;
	int bad;
};

static void *churn_thread(void *arg)
{
	struct churn *c = arg;
	unsigned char *slot[64] = { 0 };
	size_t len[64] = { 0 };
	unsigned r = (unsigned)c->seed;
	for (int i = 0; i < 20000; i++) {
		r = r * 1103515245 + 12345;
		int k = (int)((r >> 8) % 64);
		if (slot[k]) {
			if (!check(slot[k], len[k], (unsigned)k + (unsigned)c->seed))
				c->bad++;
			kfree(slot[k]);
			slot[k] = NULL;
		} else {
			len[k] = (r >> 16) % 3000;
			slot[k] = kmalloc(len[k]);
			if (!slot[k]) {
				c->bad++;
				continue;
			}
			fill(slot[k], len[k], (unsigned)k + (unsigned)c->seed);
		}
	}
	for (int k = 0; k < 64; k++)
		kfree(slot[k]);
	return NULL;
}

static void test_alloc_threads(void **state)
{
	(void)state;
	pthread_t th[4];
	struct churn c[4];
	for (int i = 0; i < 4; i++) {
		c[i] = (struct churn){ i * 1000 + 1, 0 };
		pthread_create(&th[i], NULL, churn_thread, &c[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(c[i].bad, 0);
	}
}

/* ---- klog and guest copies ------------------------------------------------ */

static void test_klog(void **state)
{
	(void)state;
	mock_log_clear();
	klog("hello %s %d", "world", 42);
	assert_string_equal(mock_log_text(), "hello world 42\n");
	mock_log_clear();
	char longs[2000];
	memset(longs, 'x', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = 0;
	klog("%s", longs);
	const char *t = mock_log_text();
	size_t n = strlen(t);
	assert_true(n > 100 && n <= 512);
	assert_int_equal(t[n - 1], '\n');
	assert_int_equal(t[n - 2], 'x');
}

static void test_copy_helpers(void **state)
{
	(void)state;
	char src[32] = "guest data", dst[32];
	assert_ok(copy_in(dst, src, sizeof(src)));
	assert_string_equal(dst, "guest data");
	assert_ok(copy_out(dst, "out", 4));
	assert_string_equal(dst, "out");
	assert_err(copy_in(dst, NULL, 4), EFAULT);
	assert_err(copy_out(NULL, src, 4), EFAULT);
	assert_err(copy_in(dst, (void *)0xffff800000000000UL, 4), EFAULT);
	assert_err(copy_in(dst, (void *)0x7ffffffffff0UL, 64), EFAULT); /* crosses the top */
	assert_err(copy_in(dst, (void *)-8L, 16), EFAULT);                /* wraps */
	assert_ok(copy_in(dst, NULL, 0));
	mock_bad_range((uintptr_t)src + 8, 4);
	assert_err(copy_in(dst, src, sizeof(src)), EFAULT);
	assert_ok(copy_in(dst, src, 8));
	mock_bad_clear();
	assert_int_equal(copy_in_str(dst, "a path", sizeof(dst)), 6);
	assert_string_equal(dst, "a path");
	assert_err(copy_in_str(dst, "too long for this", 5), ENAMETOOLONG);
	assert_err(copy_in_str(dst, NULL, 5), EFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_integers),
		cmocka_unit_test(test_fmt_strings_chars),
		cmocka_unit_test(test_fmt_null_string),
		cmocka_unit_test(test_fmt_random),
		cmocka_unit_test(test_fmt_truncation),
		cmocka_unit_test(test_string_mem),
		cmocka_unit_test(test_string_memmove_overlap),
		cmocka_unit_test(test_string_str),
		cmocka_unit_test(test_string_strlcpy_strlcat),
		cmocka_unit_test(test_string_helpers),
		cmocka_unit_test(test_alloc_sizes),
		cmocka_unit_test(test_alloc_zero_and_strdup),
		cmocka_unit_test(test_alloc_realloc),
		cmocka_unit_test(test_alloc_reuse),
		cmocka_unit_test(test_alloc_big_and_failure),
		cmocka_unit_test(test_alloc_threads),
		cmocka_unit_test(test_klog),
		cmocka_unit_test(test_copy_helpers),
	};
	return cmocka_run_group_tests_name("lib", tests, unit_group_setup, NULL);
}
