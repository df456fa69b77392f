/* heapcheck.c — see heapcheck.h. Relies on the block layout of
 * src/lib/alloc.c: a 16-byte header {class or length, magic} before each
 * block; blocks of unknown layout are passed through unchecked. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/asan_interface.h>
#include "heapcheck.h"

#define HDR 16
#define MAGIC_SMALL 0x5a11b10cULL
#define MAGIC_BIG 0xb16b10cULL
#define MAGIC_QUARANTINE 0xdeadb10cULL
#define QUARANTINE 1024

struct qent {
	struct heap *heap;  /* NULL: the kmalloc heap */
	void *p;
	uint64_t magic;
};

static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static struct qent quarantine[QUARANTINE];
static int qhead, qcount;
static long live;

/* A child forked while another thread holds the lock must not inherit it
 * held. */
static void q_lock(void)
{
	pthread_mutex_lock(&qlock);
}

static void q_unlock(void)
{
	pthread_mutex_unlock(&qlock);
}

__attribute__((constructor)) static void heapcheck_setup(void)
{
	pthread_atfork(q_lock, q_unlock, q_unlock);
}

static uint64_t *header(void *p)
{
	uint64_t *h = (uint64_t *)((char *)p - HDR);
	ASAN_UNPOISON_MEMORY_REGION(h, HDR);
	return h;
}

static int valid(const uint64_t *h)
{
	return h[1] == MAGIC_BIG || (h[1] == MAGIC_SMALL && h[0] < 16);
}

static size_t usable_of(const uint64_t *h)
{
	if (h[1] == MAGIC_BIG)
		return h[0] - HDR;
	if (h[1] == MAGIC_SMALL && h[0] < 16)
		return ((size_t)1 << (h[0] + 4)) - HDR;
	return 0;
}

/* A fresh block of n bytes: usable part beyond n and header poisoned. */
static void *on_alloc(void *p, size_t n)
{
	if (!p)
		return NULL;
	uint64_t *h = header(p);
	if (!valid(h))
		return p;
	size_t u = usable_of(h);
	ASAN_UNPOISON_MEMORY_REGION(p, n);
	if (u > n)
		ASAN_POISON_MEMORY_REGION((char *)p + n, u - n);
	ASAN_POISON_MEMORY_REGION(h, HDR);
	__atomic_add_fetch(&live, 1, __ATOMIC_RELAXED);
	return p;
}

static void really_free(struct qent *e)
{
	uint64_t *h = header(e->p);
	h[1] = e->magic;
	ASAN_UNPOISON_MEMORY_REGION(e->p, usable_of(h));
	if (e->heap)
		__real_heap_free(e->heap, e->p);
	else
		__real_kfree(e->p);
}

static void on_free(struct heap *heap, void *p)
{
	if (!p)
		return;
	uint64_t *h = header(p);
	if (h[1] == MAGIC_QUARANTINE) {
		fprintf(stderr, "heapcheck: double free of %p\n", p);
		abort();
	}
	size_t u = usable_of(h);
	if (!valid(h)) {
		fprintf(stderr, "heapcheck: free of %p, which is no heap block (magic %#llx)\n", p,
			(unsigned long long)h[1]);
		abort();
	}
	struct qent e = { heap, p, h[1] };
	h[1] = MAGIC_QUARANTINE;
	ASAN_POISON_MEMORY_REGION(p, u);
	ASAN_POISON_MEMORY_REGION(h, HDR);
	__atomic_sub_fetch(&live, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&qlock);
	struct qent old = { 0 };
	if (qcount == QUARANTINE)
		old = quarantine[qhead];
	else
		qcount++;
	quarantine[qhead] = e;
	qhead = (qhead + 1) % QUARANTINE;
	pthread_mutex_unlock(&qlock);
	if (old.p)
		really_free(&old);
}

void heapcheck_flush(void)
{
	pthread_mutex_lock(&qlock);
	while (qcount) {
		int i = (qhead - qcount + QUARANTINE) % QUARANTINE;
		struct qent e = quarantine[i];
		quarantine[i].p = NULL;
		qcount--;
		really_free(&e);
	}
	pthread_mutex_unlock(&qlock);
}

long heapcheck_live(void)
{
	return __atomic_load_n(&live, __ATOMIC_RELAXED);
}

void *__wrap_kmalloc(size_t n)
{
	return on_alloc(__real_kmalloc(n), n);
}

void *__wrap_kzalloc(size_t n)
{
	void *p = __wrap_kmalloc(n);
	if (p)
		memset(p, 0, n);
	return p;
}

void __wrap_kfree(void *p)
{
	on_free(NULL, p);
}

void *__wrap_krealloc(void *p, size_t n)
{
	if (!p)
		return __wrap_kmalloc(n);
	uint64_t *h = header(p);
	size_t u = usable_of(h);
	if (h[1] == MAGIC_QUARANTINE) {
		fprintf(stderr, "heapcheck: krealloc of freed block %p\n", p);
		abort();
	}
	if (!valid(h))
		return __real_krealloc(p, n);
	if (n <= u) {
		/* The real krealloc keeps the block; so do we. */
		ASAN_POISON_MEMORY_REGION(h, HDR);
		ASAN_UNPOISON_MEMORY_REGION(p, n);
		ASAN_POISON_MEMORY_REGION((char *)p + n, u - n);
		return p;
	}
	ASAN_POISON_MEMORY_REGION(h, HDR);
	void *q = __wrap_kmalloc(n);
	if (!q)
		return NULL;
	/* Copy what the caller may have written: the unpoisoned prefix. */
	char *first = __asan_region_is_poisoned(p, u);
	memcpy(q, p, first ? (size_t)(first - (char *)p) : u);
	on_free(NULL, p);
	return q;
}

char *__wrap_kstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = __wrap_kmalloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

void *__wrap_heap_alloc(struct heap *h, size_t n)
{
	return on_alloc(__real_heap_alloc(h, n), n);
}

void __wrap_heap_free(struct heap *h, void *p)
{
	on_free(h, p);
}
