/* alloc.c — size-class heaps. Blocks of 16..2048 bytes come from 64 KiB
 * slabs and return to per-class free lists; larger blocks are whole page
 * runs. A 16-byte header before each block records its size, so freeing
 * needs no size. */
#include "lib/alloc.h"
#include "lib/string.h"
#include <stdint.h>

#define MIN_SHIFT 4
#define MAX_SHIFT (MIN_SHIFT + HEAP_CLASSES - 1)
#define SLAB 65536
#define HDR 16
#define PAGE 4096
#define MAGIC_SMALL 0x5a11b10cULL
#define MAGIC_BIG 0xb16b10cULL

struct free_block {
	struct free_block *next;
};

static struct heap kheap;

void heap_init(struct heap *h, const struct alloc_pages *src)
{
	memset(h, 0, sizeof(*h));
	h->pages = *src;
}

void alloc_init(const struct alloc_pages *src)
{
	heap_init(&kheap, src);
}

static int class_of(size_t total)
{
	int c = 0;
	while (((size_t)1 << (c + MIN_SHIFT)) < total)
		c++;
	return c;
}

/* The next block of class c cut from the class's slab, taking a new slab
 * when it is used up; NULL when out of memory. Caller holds h->lock. */
static struct free_block *carve(struct heap *h, int c)
{
	size_t bs = (size_t)1 << (c + MIN_SHIFT);
	if (!h->carve[c] || (size_t)(h->carve_end[c] - h->carve[c]) < bs) {
		char *slab = h->pages.get(SLAB);
		if (!slab)
			return NULL;
		h->carve[c] = slab;
		h->carve_end[c] = slab + SLAB;
	}
	struct free_block *b = (struct free_block *)h->carve[c];
	h->carve[c] += bs;
	return b;
}

void *heap_alloc(struct heap *h, size_t n)
{
	size_t total = n + HDR;
	if (total < n)
		return NULL;
	if (total > ((size_t)1 << MAX_SHIFT)) {
		size_t len = (total + PAGE - 1) & ~(size_t)(PAGE - 1);
		if (len < total)
			return NULL;
		uint64_t *hdr = h->pages.get(len);
		if (!hdr)
			return NULL;
		hdr[0] = len;
		hdr[1] = MAGIC_BIG;
		return (char *)hdr + HDR;
	}
	int c = class_of(total);
	spin_lock(&h->lock);
	struct free_block *b = h->free_list[c];
	if (b)
		h->free_list[c] = b->next;
	else
		b = carve(h, c);
	spin_unlock(&h->lock);
	if (!b)
		return NULL;
	uint64_t *hdr = (uint64_t *)b;
	hdr[0] = (uint64_t)c;
	hdr[1] = MAGIC_SMALL;
	return (char *)hdr + HDR;
}

static size_t usable_size(void *p)
{
	uint64_t *hdr = (uint64_t *)((char *)p - HDR);
	if (hdr[1] == MAGIC_BIG)
		return hdr[0] - HDR;
	return ((size_t)1 << (hdr[0] + MIN_SHIFT)) - HDR;
}

void heap_free(struct heap *h, void *p)
{
	if (!p)
		return;
	uint64_t *hdr = (uint64_t *)((char *)p - HDR);
	if (hdr[1] == MAGIC_BIG) {
		hdr[1] = 0;
		h->pages.put(hdr, hdr[0]);
		return;
	}
	int c = (int)hdr[0];
	hdr[1] = 0;
	struct free_block *b = (struct free_block *)hdr;
	spin_lock(&h->lock);
	b->next = h->free_list[c];
	h->free_list[c] = b;
	spin_unlock(&h->lock);
}

void alloc_fork_lock(void)
{
	spin_lock(&kheap.lock);
}

void alloc_fork_unlock(void)
{
	spin_unlock(&kheap.lock);
}

void *heap_zalloc(struct heap *h, size_t n)
{
	void *p = heap_alloc(h, n);
	if (p && n + HDR <= ((size_t)1 << MAX_SHIFT))
		memset(p, 0, n);
	return p;
}

void *kmalloc(size_t n)
{
	return heap_alloc(&kheap, n);
}

void kfree(void *p)
{
	heap_free(&kheap, p);
}

void *kzalloc(size_t n)
{
	return heap_zalloc(&kheap, n);
}

void *krealloc(void *p, size_t n)
{
	if (!p)
		return kmalloc(n);
	size_t have = usable_size(p);
	if (n <= have)
		return p;
	void *q = kmalloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, have);
	kfree(p);
	return q;
}

char *kstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = kmalloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}
