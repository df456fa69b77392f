/*
 * heapcheck.h — AddressSanitizer for bento's own heaps. The unit binaries
 * link with -Wl,--wrap for every allocator entry point (kmalloc, kzalloc,
 * krealloc, kfree, kstrdup, heap_alloc, heap_free), so every allocation the
 * kernel makes goes through heapcheck.c, which poisons block headers and
 * the slack after each block, and keeps freed blocks poisoned in a
 * quarantine for a while: overflows, use-after-free and double frees in
 * the kernel then show up as ASan reports. The real allocator functions
 * stay reachable as __real_* for the allocator's own tests.
 */
#ifndef UNIT_HEAPCHECK_H
#define UNIT_HEAPCHECK_H
#include <stddef.h>

struct heap;
void *__real_kmalloc(size_t n);
void *__real_kzalloc(size_t n);
void *__real_krealloc(void *p, size_t n);
void __real_kfree(void *p);
char *__real_kstrdup(const char *s);
void *__real_heap_alloc(struct heap *h, size_t n);
void __real_heap_free(struct heap *h, void *p);

/* Really free every quarantined block. */
void heapcheck_flush(void);
/* Blocks currently allocated through the wrappers (not yet freed). */
long heapcheck_live(void);
#endif
