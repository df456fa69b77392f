/*
 * mock.h — controls of the mock platform (mock_platform.c) for the unit
 * tests. The mock implements every function of include/bento/platform.h
 * on top of libc, inside an ordinary test process:
 *
 *  - memory: bento's own start-up mappings (before mock_set_guest_mode(1))
 *    are plain host mappings; every later mapping lives in a reserved
 *    "guest arena" of MOCK_ARENA_SIZE bytes. Fixed mappings, unmaps and
 *    protection changes outside the arena are refused and counted as
 *    violations, so a kernel bug cannot clobber the test process.
 *  - plat_copy and the host-handed buffers of plat_file_* fail with
 *    -EFAULT on the first page, on ranges marked bad with mock_bad_range,
 *    and on arena pages that are not mapped with the needed protection.
 *  - plat_log appends to a buffer read with mock_log_text.
 *  - plat_exit longjmps to a MOCK_CATCH_EXIT point when one is armed.
 */
#ifndef UNIT_MOCK_H
#define UNIT_MOCK_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#define MOCK_ARENA_SIZE (8UL << 30)

/* Sets up the arena and the kick signal; idempotent. */
void mock_init(void);
/* 0: non-fixed mappings are bento's own (plain host mappings);
 * 1: they are guest mappings placed in the arena. */
void mock_set_guest_mode(int on);
uintptr_t mock_arena_base(void);
/* Requests the kernel should never have made (fixed mapping, unmap or
 * protection change outside the arena). */
long mock_violations(void);

/* Mark [addr, addr+len) as bad for plat_copy and host buffers. At most 8. */
void mock_bad_range(uintptr_t addr, size_t len);
void mock_bad_clear(void);

/* The log written through plat_log since the last clear (NUL-terminated). */
const char *mock_log_text(void);
void mock_log_clear(void);

/* Number of plat_* calls of a kind, for tests that check the kernel did
 * (not) ask the host. */
long mock_count_map(void);
long mock_count_kick(void);

/* plat_exit: when armed, longjmps here with status + 1. */
extern jmp_buf mock_exit_jmp;
extern int mock_exit_armed;
#define MOCK_CATCH_EXIT() (mock_exit_armed = 1, setjmp(mock_exit_jmp))
#define MOCK_UNCATCH_EXIT() (mock_exit_armed = 0)

/* Page state in the arena: 0 when free, else 0x80 | prot. */
int mock_page_state(uintptr_t addr);

#endif
