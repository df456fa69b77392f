/* arena.c — memory shared by all processes of a sandbox (DESIGN.md
 * section 6): one shared anonymous region mapped before the first guest
 * starts, so every process forked from it sees it at the same address.
 * State that processes share (pipes, the process table, ...) lives here
 * and is locked with spinlocks and futexes inside the region. */
#include "kernel/kernel.h"

#define ARENA_SIZE (1UL << 30)

struct arena {
	struct heap heap;          /* blocks handed out by shm_alloc */
	struct spinlock lock;      /* guards next and the page cache */
	uintptr_t next, end;
	struct { uintptr_t p; size_t len; } cache[64];
	int ncache;
	uint32_t poll_words[2];    /* readiness counter and its sleepers (file.c) */
	uint32_t waiters[256];     /* sleepers per hash of a shared word (signal.c) */
};

static struct arena *arena;

static void *arena_pages_get(size_t len)
{
	len = (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	spin_lock(&arena->lock);
	for (int i = 0; i < arena->ncache; i++) {
		if (arena->cache[i].len == len) {
			void *p = (void *)arena->cache[i].p;
			arena->cache[i] = arena->cache[--arena->ncache];
			spin_unlock(&arena->lock);
			memset(p, 0, len);
			return p;
		}
	}
	uintptr_t p = arena->next;
	if (p + len > arena->end) {
		spin_unlock(&arena->lock);
		return NULL;
	}
	arena->next += len;
	spin_unlock(&arena->lock);
	return (void *)p;
}

static void arena_pages_put(void *p, size_t len)
{
	plat_mem_advise((uintptr_t)p, len, 9 /* MADV_REMOVE: drop shared pages */);
	spin_lock(&arena->lock);
	if (arena->ncache < 64) {
		arena->cache[arena->ncache].p = (uintptr_t)p;
		arena->cache[arena->ncache++].len = len;
	}
	spin_unlock(&arena->lock);
}

int arena_init(void)
{
	long r = plat_mem_map(0, ARENA_SIZE, K_PROT_READ | K_PROT_WRITE,
			      PLAT_MAP_SHARED | PLAT_MAP_ANONYMOUS | PLAT_MAP_NORESERVE, -1, 0);
	if (r < 0)
		return (int)r;
	vm_reserve((uintptr_t)r, ARENA_SIZE);
	arena = (struct arena *)r;
	arena->next = (uintptr_t)r + PAGE_SIZE;
	arena->end = (uintptr_t)r + ARENA_SIZE;
	static const struct alloc_pages src = { arena_pages_get, arena_pages_put };
	heap_init(&arena->heap, &src);
	return 0;
}

void *shm_pages(size_t len)
{
	return arena_pages_get(len);
}

void shm_pages_free(void *p, size_t len)
{
	arena_pages_put(p, (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
}

void *shm_alloc(size_t n)
{
	return heap_alloc(&arena->heap, n);
}

void *shm_zalloc(size_t n)
{
	return heap_zalloc(&arena->heap, n);
}

void shm_free(void *p)
{
	heap_free(&arena->heap, p);
}

uint32_t *arena_waiters(const void *word)
{
	uintptr_t a = (uintptr_t)word >> 2;
	return &arena->waiters[(a ^ (a >> 8)) % 256];
}

uint32_t *arena_poll_words(void)
{
	return arena->poll_words;
}
