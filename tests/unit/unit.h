/*
 * unit.h — shared helpers of the unit tests: kernel start-up against the
 * mock platform, small wrappers over the kernel's file API, and host
 * temporary directories. Include after the libc headers a test needs.
 */
#ifndef UNIT_UNIT_H
#define UNIT_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "kernel/kernel.h"
#include "mock.h"
#include "heapcheck.h"

/* Start the kernel once per process (kernel_init, then guest mode). */
void unit_kernel(void);
/* cmocka group setup doing just that. */
int unit_group_setup(void **state);

/* Make the calling helper pthread a kernel thread of the process (a
 * record with its host tid, as plat_self), and end that again. */
void unit_thread_enter(void);
void unit_thread_leave(void);

/* Create path (O_CREAT|O_TRUNC) with the given contents; 0 or -errno. */
int unit_put(const char *path, const char *data);
/* Read the whole file into buf (NUL-terminated); length or -errno. */
long unit_get(const char *path, char *buf, size_t n);
/* Read what fd has left into buf (NUL-terminated); length or -errno. */
long unit_read_fd(int fd, char *buf, size_t n);
/* Names in directory fd from its current position ('.' and '..'
 * excluded), sorted and joined with ','; count or -errno. */
int unit_list_fd(int fd, char *out, size_t n);
/* The same for a path. */
int unit_list(const char *path, char *out, size_t n);
/* Mode bits (K_S_IFMT part) of path, without following a final link, or
 * -errno. */
long unit_type(const char *path);

/* A fresh host directory, removed at exit. Returns its host path. */
const char *unit_host_tmpdir(void);
/* Write a host file below dir (a host path); aborts the test on error. */
void unit_host_put(const char *dir, const char *rel, const char *data);

/* Assert a kernel result is the given negative errno, printing both. */
#define assert_err(expr, err) assert_int_equal((long)(expr), -(long)(err))
#define assert_ok(expr) assert_int_equal((long)(expr), 0)

#endif
