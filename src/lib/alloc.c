/* alloc.c — a size-class heap. Blocks of 16..2048 bytes come from 64 KiB
 * slabs and return to per-class free lists; larger blocks are whole page
 * runs. A 16-byte header before each block records its size, so kfree
 * needs no size. */
#include "lib/alloc.h"
#include "lib/lock.h"
#include "lib/string.h"
#include <stdint.h>

#define MIN_SHIFT 4
#define MAX_SHIFT 11
#define NCLASS (MAX_SHIFT - MIN_SHIFT + 1)
#define SLAB 65536
#define HDR 16
#define PAGE 4096

struct free_block {
	struct free_block *next;
};

static struct alloc_pages pages;
static struct free_block *free_list[NCLASS];
static struct spinlock heap_lock = SPINLOCK_INIT;

void alloc_init(const struct alloc_pages *src)
{
	pages = *src;
}

static int class_of(size_t total)
{
	int c = 0;
	while (((size_t)1 << (c + MIN_SHIFT)) < total)
		c++;
	return c;
}

static void refill(int c)
{
	size_t bs = (size_t)1 << (c + MIN_SHIFT);
	char *slab = pages.get(SLAB);
	if (!slab)
		return;
	for (size_t off = 0; off + bs <= SLAB; off += bs) {
		struct free_block *b = (struct free_block *)(slab + off);
		b->next = free_list[c];
		free_list[c] = b;
	}
}

void *kmalloc(size_t n)
{
	size_t total = n + HDR;
	if (total < n)
		return NULL;
	if (total > ((size_t)1 << MAX_SHIFT)) {
		size_t len = (total + PAGE - 1) & ~(size_t)(PAGE - 1);
		uint64_t *h = pages.get(len);
		if (!h)
			return NULL;
		h[0] = len;
		h[1] = 0xb16b10c;
		return (char *)h + HDR;
	}
	int c = class_of(total);
	spin_lock(&heap_lock);
	if (!free_list[c])
		refill(c);
	struct free_block *b = free_list[c];
	if (b)
		free_list[c] = b->next;
	spin_unlock(&heap_lock);
	if (!b)
		return NULL;
	uint64_t *h = (uint64_t *)b;
	h[0] = (uint64_t)c;
	h[1] = 0x5a11b10c;
	return (char *)h + HDR;
}

void *kzalloc(size_t n)
{
	void *p = kmalloc(n);
	if (p)
		memset(p, 0, n);
	return p;
}

static size_t usable_size(void *p)
{
	uint64_t *h = (uint64_t *)((char *)p - HDR);
	if (h[1] == 0xb16b10c)
		return h[0] - HDR;
	return ((size_t)1 << (h[0] + MIN_SHIFT)) - HDR;
}

void kfree(void *p)
{
	if (!p)
		return;
	uint64_t *h = (uint64_t *)((char *)p - HDR);
	if (h[1] == 0xb16b10c) {
		h[1] = 0;
		pages.put(h, h[0]);
		return;
	}
	int c = (int)h[0];
	h[1] = 0;
	struct free_block *b = (struct free_block *)h;
	spin_lock(&heap_lock);
	b->next = free_list[c];
	free_list[c] = b;
	spin_unlock(&heap_lock);
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
