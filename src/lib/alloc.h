/* alloc.h — bento's heaps: size classes for small blocks, whole pages for
 * large ones. A heap takes its pages from a source its owner provides; the
 * default heap (kmalloc) is private to a process, and the kernel keeps a
 * second one inside the memory its processes share. */
#ifndef LIB_ALLOC_H
#define LIB_ALLOC_H
#include <stddef.h>
#include "lib/lock.h"

struct alloc_pages {
	/* Returns len bytes of zeroed, page-aligned memory or NULL. */
	void *(*get)(size_t len);
	void (*put)(void *p, size_t len);
};

#define HEAP_CLASSES 8
struct free_block;
struct heap {
	struct spinlock lock;
	struct free_block *free_list[HEAP_CLASSES];
	/* The slab each class is being cut from: blocks are taken from it
	 * one at a time, so a fresh slab's pages are touched only as its
	 * blocks are used (threading all of a slab's blocks onto the free
	 * list at once would fault in its 16 pages for the first block). */
	char *carve[HEAP_CLASSES], *carve_end[HEAP_CLASSES];
	struct alloc_pages pages;
};

void heap_init(struct heap *h, const struct alloc_pages *src);
/* Return NULL when memory is exhausted; never abort. */
void *heap_alloc(struct heap *h, size_t n);
void heap_free(struct heap *h, void *p);
/* heap_alloc, zeroed. Large blocks come zeroed from the page source
 * already, so only small ones are cleared (touching fresh pages of a big
 * table costs page faults for nothing). */
void *heap_zalloc(struct heap *h, size_t n);

/* Hold the default heap's lock across a fork, so that the child never
 * starts with it held by a thread that does not exist there. */
void alloc_fork_lock(void);
void alloc_fork_unlock(void);

/* The default heap. */
void alloc_init(const struct alloc_pages *src);
void *kmalloc(size_t n);
void *kzalloc(size_t n);
void *krealloc(void *p, size_t n);
void kfree(void *p);
char *kstrdup(const char *s);
#endif
