/* init.c — kernel start-up, bento's page source, logging, guest copies. */
#include "kernel/kernel.h"
#include "lib/fmt.h"
#include <stdarg.h>

/* Bento's own memory: one big lazily committed region, so that guest
 * mappings can be checked against a single range. */
#define HEAP_SIZE (1UL << 32)
static uintptr_t heap_base, heap_next;
static struct spinlock heap_lock = SPINLOCK_INIT;
/* Blocks given back, kept for reuse. zero: MADV_DONTNEED worked, so the
 * host hands the pages back zeroed, on first touch: clearing them here
 * would fault in every page of a large block, most of which its next
 * user never touches (an exec's 136 KB plan, 34 faults per exec). */
static struct { void *p; size_t len; int zero; } page_cache[64];
static int page_cache_n;

void *kpages_get(size_t len)
{
	len = (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	spin_lock(&heap_lock);
	for (int i = 0; i < page_cache_n; i++) {
		if (page_cache[i].len == len) {
			void *p = page_cache[i].p;
			int zero = page_cache[i].zero;
			page_cache[i] = page_cache[--page_cache_n];
			spin_unlock(&heap_lock);
			if (!zero)
				memset(p, 0, len);
			return p;
		}
	}
	if (heap_next + len > heap_base + HEAP_SIZE) {
		spin_unlock(&heap_lock);
		return NULL;
	}
	void *p = (void *)heap_next;
	heap_next += len;
	spin_unlock(&heap_lock);
	return p;
}

/* Locks other threads may hold at a fork: taken around it (proc.c). */
void kernel_fork_lock(void)
{
	spin_lock(&heap_lock);
	alloc_fork_lock();
	spin_lock(&kproc->lock);
	spin_lock(&kproc->fds.lock);
	vm_fork_lock();
}

void kernel_fork_unlock(void)
{
	vm_fork_unlock();
	spin_unlock(&kproc->fds.lock);
	spin_unlock(&kproc->lock);
	alloc_fork_unlock();
	spin_unlock(&heap_lock);
}

void kpages_put(void *p, size_t len)
{
	/* Give the memory back to the host but keep the address range. */
	int zero = plat_mem_advise((uintptr_t)p, len, 4 /* MADV_DONTNEED */) == 0;
	spin_lock(&heap_lock);
	if (page_cache_n < 64) {
		page_cache[page_cache_n].p = p;
		page_cache[page_cache_n].len = len;
		page_cache[page_cache_n++].zero = zero;
	}
	spin_unlock(&heap_lock);
}

static int heap_init_private(void)
{
	long r = plat_mem_map(0, HEAP_SIZE, K_PROT_READ | K_PROT_WRITE,
			      PLAT_MAP_PRIVATE | PLAT_MAP_ANONYMOUS | PLAT_MAP_NORESERVE, -1, 0);
	if (r < 0)
		return (int)r;
	heap_base = heap_next = (uintptr_t)r;
	vm_reserve(heap_base, HEAP_SIZE);
	static const struct alloc_pages src = { kpages_get, kpages_put };
	alloc_init(&src);
	return 0;
}

int kernel_init(void)
{
	int r = heap_init_private();
	if (r < 0)
		return r;
	if ((r = arena_init()) < 0)
		return r;
	if ((r = proctab_init()) < 0)
		return r;
	if ((r = sysvshm_init()) < 0)
		return r;
	if ((r = uts_init()) < 0)
		return r;
	struct process *p = kzalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->pid = p->pgid = p->sid = 1;
	p->ppid = 0;
	p->next_tid = 2;
	strlcpy(p->cwd, "/", sizeof(p->cwd));
	p->umask = 022;
	p->fds.max = FD_MAX;
	p->fds.files = kzalloc(sizeof(struct file *) * FD_MAX);
	p->fds.cloexec = kzalloc(FD_MAX);
	if (!p->fds.files || !p->fds.cloexec)
		return -ENOMEM;
	for (int i = 0; i < 16; i++)
		p->rlim[i][0] = p->rlim[i][1] = ~0ULL;
	p->rlim[7][0] = 1024, p->rlim[7][1] = FD_MAX; /* RLIMIT_NOFILE */
	p->rlim[3][0] = 8UL << 20;                     /* RLIMIT_STACK */
	kproc = p;
	struct thread *t = thread_new(p);
	if (!t)
		return -ENOMEM;
	t->tid = 1;
	t->host_tid = plat_thread_id();
	plat_set_self(t);
	plat_set_ids(p->pid, t->tid);
	return 0;
}

void klog(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	plat_log(buf, (size_t)n);
}

/* Guest addresses live below the x86-64 canonical hole. */
static int user_range_ok(const void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p;
	return a + n >= a && a + n <= 0x800000000000UL;
}

int copy_in(void *dst, const void *usrc, size_t n)
{
	if (!user_range_ok(usrc, n))
		return -EFAULT;
	return plat_copy(dst, usrc, n);
}

int copy_out(void *udst, const void *src, size_t n)
{
	if (!user_range_ok(udst, n))
		return -EFAULT;
	return plat_copy(udst, src, n);
}

long copy_in_str(char *dst, const char *usrc, size_t n)
{
	if (!user_range_ok(usrc, 1))
		return -EFAULT;
	return plat_copy_str(dst, usrc, n);
}
