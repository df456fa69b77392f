/* test_vm.c — the guest memory map: mmap/munmap/mprotect and how they
 * split the records shown in /proc/self/maps, file mappings, brk, mremap,
 * and the refusal of mappings over bento's own memory. The mock places
 * guest mappings in its arena and counts any request outside it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "unit.h"

#define PG 4096UL
#define RW (K_PROT_READ | K_PROT_WRITE)
#define ANON (K_MAP_PRIVATE | K_MAP_ANONYMOUS)

static int group_setup(void **state)
{
	unit_group_setup(state);
	return vfs_mount_tmpfs("/");
}

/* The maps line for [start, end): its "rwxp" field, or "" if absent. */
static const char *perms(uintptr_t start, uintptr_t end)
{
	static char maps[65536], out[8];
	char key[64];
	size_t n = vm_format_maps(maps, sizeof(maps) - 1);
	maps[n] = 0;
	snprintf(key, sizeof(key), "%012lx-%012lx ", (unsigned long)start, (unsigned long)end);
	char *l = strstr(maps, key);
	if (!l)
		return "";
	memcpy(out, l + strlen(key), 4);
	out[4] = 0;
	return out;
}

/* Does any maps line overlap [start, end)? */
static int maps_overlap(uintptr_t start, uintptr_t end)
{
	static char maps[65536];
	size_t n = vm_format_maps(maps, sizeof(maps) - 1);
	maps[n] = 0;
	for (char *l = maps; *l;) {
		unsigned long a, b;
		if (sscanf(l, "%lx-%lx", &a, &b) == 2 && a < end && b > start)
			return 1;
		char *nl = strchr(l, '\n');
		if (!nl)
			break;
		l = nl + 1;
	}
	return 0;
}

static const char *maps_line_of(uintptr_t start)
{
	static char maps[65536];
	char key[32];
	size_t n = vm_format_maps(maps, sizeof(maps) - 1);
	maps[n] = 0;
	snprintf(key, sizeof(key), "%012lx-", (unsigned long)start);
	char *l = strstr(maps, key);
	if (!l)
		return "";
	char *nl = strchr(l, '\n');
	if (nl)
		*nl = 0;
	return l;
}

static void test_mmap_anon(void **state)
{
	(void)state;
	long r = vm_mmap(0, 3 * PG, RW, ANON, -1, 0);
	assert_true(r > 0);
	uintptr_t a = (uintptr_t)r;
	assert_int_equal(a % PG, 0);
	assert_true(mock_page_state(a) >= 0); /* in the arena */
	memset((void *)a, 0x5a, 3 * PG);
	assert_string_equal(perms(a, a + 3 * PG), "rw-p");
	assert_true(vm_is_mapped(a, 3 * PG));
	assert_true(vm_is_mapped(a + 100, 10));
	assert_false(vm_is_mapped(a, 4 * PG));
	/* Lengths round up to pages. */
	long r2 = vm_mmap(0, 10, K_PROT_READ, K_MAP_SHARED | K_MAP_ANONYMOUS, -1, 0);
	assert_true(r2 > 0);
	assert_string_equal(perms((uintptr_t)r2, (uintptr_t)r2 + PG), "r--s");
	assert_ok(vm_munmap((uintptr_t)r2, 10));
	assert_ok(vm_munmap(a, 3 * PG));
	assert_string_equal(perms(a, a + 3 * PG), "");
	assert_false(vm_is_mapped(a, PG));
	assert_int_equal(mock_violations(), 0);
}

static void test_mmap_errors(void **state)
{
	(void)state;
	long maps = mock_count_map();
	assert_err(vm_mmap(0, 0, RW, ANON, -1, 0), EINVAL);
	assert_err(vm_mmap(0, PG, RW, ANON, -1, 100), EINVAL);
	assert_err(vm_mmap(0, PG, RW, K_MAP_ANONYMOUS, -1, 0), EINVAL); /* neither shared nor private */
	assert_err(vm_mmap(0, (size_t)-100, RW, ANON, -1, 0), ENOMEM);
	assert_err(vm_mmap(0, PG, RW, K_MAP_PRIVATE, 77, 0), EBADF);
	assert_err(vm_mmap(0x10001, PG, RW, ANON | K_MAP_FIXED, -1, 0), EINVAL);
	assert_int_equal(mock_count_map(), maps); /* none reached the host */
	assert_err(vm_munmap(0x10001, PG), EINVAL);
	assert_err(vm_munmap(0x10000, 0), EINVAL);
	assert_err(vm_mprotect(0x10001, PG, RW), EINVAL);
	assert_int_equal(mock_violations(), 0);
}

/* Unmapping the middle of a region leaves two records. */
static void test_munmap_splits(void **state)
{
	(void)state;
	uintptr_t a = (uintptr_t)vm_mmap(0, 4 * PG, RW, ANON, -1, 0);
	assert_ok(vm_munmap(a + PG, 2 * PG));
	assert_string_equal(perms(a, a + PG), "rw-p");
	assert_string_equal(perms(a + 3 * PG, a + 4 * PG), "rw-p");
	assert_false(maps_overlap(a + PG, a + 3 * PG));
	assert_int_equal(mock_page_state(a + PG), 0);
	assert_true(vm_is_mapped(a, PG));
	assert_false(vm_is_mapped(a, 2 * PG));
	/* Unmapping across the hole and both pieces. */
	assert_ok(vm_munmap(a, 4 * PG));
	assert_false(maps_overlap(a, a + 4 * PG));
	assert_int_equal(mock_violations(), 0);
}

/* mprotect of the middle splits into three records; the host sees the
 * new protection. */
static void test_mprotect_splits(void **state)
{
	(void)state;
	uintptr_t a = (uintptr_t)vm_mmap(0, 3 * PG, RW, ANON, -1, 0);
	assert_ok(vm_mprotect(a + PG, PG, K_PROT_READ));
	assert_string_equal(perms(a, a + PG), "rw-p");
	assert_string_equal(perms(a + PG, a + 2 * PG), "r--p");
	assert_string_equal(perms(a + 2 * PG, a + 3 * PG), "rw-p");
	assert_int_equal(mock_page_state(a + PG), 0x80 | PROT_READ);
	assert_int_equal(mock_page_state(a), 0x80 | PROT_READ | PROT_WRITE);
	/* The edges: the first page executable, then the tail none. */
	assert_ok(vm_mprotect(a, PG, K_PROT_READ | K_PROT_EXEC));
	assert_string_equal(perms(a, a + PG), "r-xp");
	assert_ok(vm_mprotect(a + 2 * PG, PG, 0));
	assert_string_equal(perms(a + 2 * PG, a + 3 * PG), "---p");
	assert_string_equal(perms(a + PG, a + 2 * PG), "r--p");
	/* Unmapped memory: ENOMEM, records unchanged. */
	assert_ok(vm_munmap(a + PG, PG));
	assert_err(vm_mprotect(a, 3 * PG, RW), ENOMEM);
	assert_ok(vm_munmap(a, 3 * PG));
	assert_int_equal(mock_violations(), 0);
}

/* A shared mapping of a tmpfs file is the file. */
static void test_mmap_file(void **state)
{
	(void)state;
	assert_ok(unit_put("/mapped", "hello mapped file"));
	int fd = vfs_openat(K_AT_FDCWD, "/mapped", K_O_RDWR, 0);
	assert_true(fd >= 0);
	long r = vm_mmap(0, PG, RW, K_MAP_SHARED, fd, 0);
	assert_true(r > 0);
	char *p = (char *)r;
	assert_memory_equal(p, "hello mapped file", 17);
	p[0] = 'H';
	char buf[32] = { 0 };
	assert_int_equal(file_pread(fd, buf, 17, 0), 17);
	assert_string_equal(buf, "Hello mapped file");
	const char *line = maps_line_of((uintptr_t)r);
	assert_non_null(strstr(line, "rw-s"));
	assert_non_null(strstr(line, "/mapped"));
	assert_ok(vm_munmap((uintptr_t)r, PG));
	/* A read-only descriptor cannot back a writable shared mapping. */
	int ro = vfs_openat(K_AT_FDCWD, "/mapped", K_O_RDONLY, 0);
	assert_err(vm_mmap(0, PG, RW, K_MAP_SHARED, ro, 0), EACCES);
	r = vm_mmap(0, PG, RW, K_MAP_PRIVATE, ro, 0);
	assert_true(r > 0);
	((char *)r)[0] = 'x'; /* private: the file keeps its byte */
	assert_int_equal(file_pread(fd, buf, 1, 0), 1);
	assert_int_equal(buf[0], 'H');
	vm_munmap((uintptr_t)r, PG);
	fd_close(ro);
	fd_close(fd);
}

/* Fixed mappings over bento's memory are refused before asking the host. */
static void test_fixed_into_reserved(void **state)
{
	(void)state;
	long maps = mock_count_map();
	uintptr_t heap = (uintptr_t)kproc & ~(PG - 1);
	assert_false(vm_guest_range_ok(heap, PG));
	assert_err(vm_mmap(heap, PG, RW, ANON | K_MAP_FIXED, -1, 0), EINVAL);
	assert_err(vm_mmap(heap, PG, RW, ANON | K_MAP_FIXED_NOREPLACE, -1, 0), EEXIST);
	/* A range of the arena reserved for bento. */
	uintptr_t res = mock_arena_base() + (6UL << 30);
	vm_reserve(res, 16 * PG);
	assert_false(vm_guest_range_ok(res + 5 * PG, PG));
	assert_true(vm_guest_range_ok(res + 16 * PG, PG));
	assert_true(vm_guest_range_ok(res - PG, PG));
	assert_err(vm_mmap(res, PG, RW, ANON | K_MAP_FIXED, -1, 0), EINVAL);
	assert_err(vm_mmap(res - PG, 2 * PG, RW, ANON | K_MAP_FIXED, -1, 0), EINVAL);
	assert_err(vm_mmap(res + 15 * PG, 2 * PG, RW, ANON | K_MAP_FIXED, -1, 0), EINVAL);
	assert_err(vm_mmap(res - PG, 20 * PG, RW, ANON | K_MAP_FIXED, -1, 0), EINVAL);
	assert_int_equal(mock_count_map(), maps);
	assert_err(vm_munmap(res, PG), EINVAL);
	assert_err(vm_mprotect(res, PG, RW), ENOMEM);
	assert_err(vm_mremap(res, PG, 2 * PG, 1, 0), EINVAL);
	/* Above the user address space. */
	assert_err(vm_mmap(0x800000000000UL, PG, RW, ANON | K_MAP_FIXED, -1, 0), EINVAL);
	assert_err(vm_mmap(0x7ffffffff000UL, 2 * PG, RW, ANON | K_MAP_FIXED, -1, 0), EINVAL);
	assert_int_equal(mock_violations(), 0);
	/* Right next to the reserved range is fine. */
	long r = vm_mmap(res + 16 * PG, PG, RW, ANON | K_MAP_FIXED, -1, 0);
	assert_int_equal(r, (long)(res + 16 * PG));
	assert_ok(vm_munmap((uintptr_t)r, PG));
}

/* FIXED replaces, FIXED_NOREPLACE refuses an existing mapping. */
static void test_fixed_replace(void **state)
{
	(void)state;
	uintptr_t a = mock_arena_base() + (5UL << 30);
	assert_int_equal(vm_mmap(a, 4 * PG, RW, ANON | K_MAP_FIXED, -1, 0), (long)a);
	memset((void *)a, 1, 4 * PG);
	assert_err(vm_mmap(a + PG, PG, RW, ANON | K_MAP_FIXED_NOREPLACE, -1, 0), EEXIST);
	assert_int_equal(vm_mmap(a + PG, PG, K_PROT_READ, ANON | K_MAP_FIXED, -1, 0), (long)(a + PG));
	assert_int_equal(*(char *)(a + PG), 0); /* fresh memory */
	assert_int_equal(*(char *)a, 1);
	assert_string_equal(perms(a, a + PG), "rw-p");
	assert_string_equal(perms(a + PG, a + 2 * PG), "r--p");
	assert_string_equal(perms(a + 2 * PG, a + 4 * PG), "rw-p");
	assert_ok(vm_munmap(a, 4 * PG));
	assert_int_equal(mock_violations(), 0);
}

static void test_brk(void **state)
{
	(void)state;
	uintptr_t base = mock_arena_base() + (4UL << 30);
	vm_brk_init(base + 123);
	uintptr_t start = base + PG;
	assert_int_equal(vm_brk(0), (long)start);
	assert_int_equal(vm_brk(start + 10000), (long)(start + 10000));
	memset((void *)start, 7, 3 * PG); /* up to the page end is usable */
	assert_string_equal(perms(start, start + 3 * PG), "rw-p");
	assert_non_null(strstr(maps_line_of(start), "[heap]"));
	assert_int_equal(vm_brk(0), (long)(start + 10000));
	/* Shrink: the pages above the new end go away. */
	assert_int_equal(vm_brk(start + 5000), (long)(start + 5000));
	assert_string_equal(perms(start, start + 2 * PG), "rw-p");
	assert_int_equal(mock_page_state(start + 2 * PG), 0);
	assert_int_equal(*(char *)(start + PG), 7);
	/* Grow again: new pages are zero. */
	assert_int_equal(vm_brk(start + 4 * PG), (long)(start + 4 * PG));
	assert_int_equal(*(char *)(start + 3 * PG), 0);
	assert_string_equal(perms(start, start + 4 * PG), "rw-p");
	/* Below the start: unchanged. */
	assert_int_equal(vm_brk(start - 1), (long)(start + 4 * PG));
	/* Something mapped in the way: the break stays. */
	uintptr_t block = start + 8 * PG;
	assert_int_equal(vm_mmap(block, PG, RW, ANON | K_MAP_FIXED, -1, 0), (long)block);
	assert_int_equal(vm_brk(start + 10 * PG), (long)(start + 4 * PG));
	assert_int_equal(mock_page_state(block), 0x80 | PROT_READ | PROT_WRITE);
	assert_int_equal(vm_brk(start + 8 * PG), (long)(start + 8 * PG));
	/* Back to empty. */
	assert_int_equal(vm_brk(start), (long)start);
	assert_false(maps_overlap(start, start + 8 * PG));
	assert_int_equal(mock_page_state(start), 0);
	vm_munmap(block, PG);
	assert_int_equal(mock_violations(), 0);
}

static void test_mremap(void **state)
{
	(void)state;
	uintptr_t a = mock_arena_base() + (3UL << 30);
	assert_int_equal(vm_mmap(a, 2 * PG, RW, ANON | K_MAP_FIXED, -1, 0), (long)a);
	strcpy((char *)a, "remap me");
	/* Grow in place (the next pages are free). */
	assert_int_equal(vm_mremap(a, 2 * PG, 4 * PG, 0, 0), (long)a);
	assert_string_equal(perms(a, a + 4 * PG), "rw-p");
	/* Block growth, then move. */
	assert_int_equal(vm_mmap(a + 4 * PG, PG, K_PROT_READ, ANON | K_MAP_FIXED, -1, 0),
			 (long)(a + 4 * PG));
	assert_err(vm_mremap(a, 4 * PG, 8 * PG, 0, 0), ENOMEM);
	long m = vm_mremap(a, 4 * PG, 8 * PG, 1 /* MAYMOVE */, 0);
	assert_true(m > 0 && (uintptr_t)m != a);
	assert_string_equal((char *)m, "remap me");
	assert_string_equal(perms((uintptr_t)m, (uintptr_t)m + 8 * PG), "rw-p");
	assert_false(maps_overlap(a, a + 4 * PG));
	assert_string_equal(perms(a + 4 * PG, a + 5 * PG), "r--p");
	/* Shrink. */
	assert_int_equal(vm_mremap((uintptr_t)m, 8 * PG, PG, 0, 0), m);
	assert_string_equal(perms((uintptr_t)m, (uintptr_t)m + PG), "rw-p");
	assert_false(maps_overlap((uintptr_t)m + PG, (uintptr_t)m + 8 * PG));
	vm_munmap((uintptr_t)m, PG);
	vm_munmap(a + 4 * PG, PG);
	assert_int_equal(mock_violations(), 0);
}

/* The maps text for a small buffer is cut, never overrun. */
static void test_format_maps_small_buffer(void **state)
{
	(void)state;
	uintptr_t a = (uintptr_t)vm_mmap(0, PG, RW, ANON, -1, 0);
	uintptr_t b = (uintptr_t)vm_mmap(0, PG, K_PROT_READ, ANON, -1, 0);
	char full[65536];
	size_t n = vm_format_maps(full, sizeof(full));
	assert_true(n > 0 && n < sizeof(full));
	for (size_t size = 1; size < 200; size += 7) {
		char *small = malloc(size);
		size_t k = vm_format_maps(small, size);
		assert_true(k <= size);
		free(small);
	}
	vm_munmap(a, PG);
	vm_munmap(b, PG);
}

static void test_madvise_msync(void **state)
{
	(void)state;
	uintptr_t a = (uintptr_t)vm_mmap(0, 2 * PG, RW, ANON, -1, 0);
	memset((void *)a, 9, 2 * PG);
	assert_ok(vm_madvise(a, 2 * PG, 4 /* DONTNEED */));
	assert_int_equal(*(char *)a, 0);
	assert_err(vm_madvise(a + 1, PG, 4), EINVAL);
	assert_ok(vm_msync(a, PG, 4 /* MS_SYNC */));
	uintptr_t heap = (uintptr_t)kproc & ~(PG - 1);
	assert_err(vm_madvise(heap, PG, 4), ENOMEM);
	assert_err(vm_msync(heap, PG, 4), ENOMEM);
	vm_munmap(a, 2 * PG);
	assert_int_equal(mock_violations(), 0);
}

/* Many regions, each split by a hole: the record table grows as needed
 * and every split is recorded. */
static void test_many_splits(void **state)
{
	(void)state;
	enum { N = 300 };
	static uintptr_t a[N];
	for (int i = 0; i < N; i++) {
		long r = vm_mmap(0, 3 * PG, RW, ANON, -1, 0);
		assert_true(r > 0);
		a[i] = (uintptr_t)r;
	}
	for (int i = 0; i < N; i++)
		assert_ok(vm_munmap(a[i] + PG, PG));
	for (int i = 0; i < N; i++) {
		if (maps_overlap(a[i] + PG, a[i] + 2 * PG))
			fail_msg("region %d: the hole is still in the maps", i);
		assert_string_equal(perms(a[i], a[i] + PG), "rw-p");
		assert_string_equal(perms(a[i] + 2 * PG, a[i] + 3 * PG), "rw-p");
	}
	for (int i = 0; i < N; i++)
		assert_ok(vm_munmap(a[i], 3 * PG));
	for (int i = 0; i < N; i++)
		assert_false(maps_overlap(a[i], a[i] + 3 * PG));
	assert_int_equal(mock_violations(), 0);
}

/* One mprotect across many regions changes every one of them. */
static void test_mprotect_many_regions(void **state)
{
	(void)state;
	enum { N = 40 };
	uintptr_t base = mock_arena_base() + (2UL << 30);
	for (int i = 0; i < N; i++)
		assert_int_equal(vm_mmap(base + i * PG, PG, RW, ANON | K_MAP_FIXED, -1, 0),
				 (long)(base + i * PG));
	assert_ok(vm_mprotect(base, N * PG, K_PROT_READ));
	for (int i = 0; i < N; i++) {
		if (strcmp(perms(base + i * PG, base + (i + 1) * PG), "r--p"))
			fail_msg("region %d shows %s", i, perms(base + i * PG, base + (i + 1) * PG));
		assert_int_equal(mock_page_state(base + i * PG), 0x80 | PROT_READ);
	}
	assert_ok(vm_munmap(base, N * PG));
	assert_false(maps_overlap(base, base + N * PG));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mmap_anon),
		cmocka_unit_test(test_mmap_errors),
		cmocka_unit_test(test_munmap_splits),
		cmocka_unit_test(test_mprotect_splits),
		cmocka_unit_test(test_mmap_file),
		cmocka_unit_test(test_fixed_into_reserved),
		cmocka_unit_test(test_fixed_replace),
		cmocka_unit_test(test_brk),
		cmocka_unit_test(test_mremap),
		cmocka_unit_test(test_format_maps_small_buffer),
		cmocka_unit_test(test_madvise_msync),
		cmocka_unit_test(test_many_splits),
		cmocka_unit_test(test_mprotect_many_regions),
	};
	return cmocka_run_group_tests_name("vm", tests, group_setup, NULL);
}
