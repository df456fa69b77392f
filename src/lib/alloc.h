/* alloc.h — bento's heap: size classes for small blocks, whole pages for
 * large ones. Pages come from a source the kernel installs at start-up. */
#ifndef LIB_ALLOC_H
#define LIB_ALLOC_H
#include <stddef.h>

struct alloc_pages {
	/* Returns len bytes of zeroed, page-aligned memory or NULL. */
	void *(*get)(size_t len);
	void (*put)(void *p, size_t len);
};

void alloc_init(const struct alloc_pages *src);
/* Return NULL when memory is exhausted; never abort. */
void *kmalloc(size_t n);
void *kzalloc(size_t n);
void *krealloc(void *p, size_t n);
void kfree(void *p);
char *kstrdup(const char *s);
#endif
