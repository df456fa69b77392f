/* vm.c — the guest's memory map. The host does the mapping; the kernel
 * keeps a record of every guest region (for /proc/self/maps, brk and the
 * checks that keep guest mappings off bento's own memory). */
#include "kernel/kernel.h"
#include "lib/fmt.h"

struct vma {
	uintptr_t start, end;
	int prot, flags;
	uint64_t off;
	char name[80];
};

static struct spinlock vm_lock = SPINLOCK_INIT;
static struct vma *vmas;
static int nvma, cap_vma;
static struct { uintptr_t start, end; } reserved[64];
static int nreserved;
static uintptr_t brk_start, brk_cur;

#define PAGE_UP(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

void vm_fork_lock(void)
{
	spin_lock(&vm_lock);
}

void vm_fork_unlock(void)
{
	spin_unlock(&vm_lock);
}

void vm_reserve(uintptr_t start, size_t len)
{
	if (nreserved < 64)
		reserved[nreserved].start = start, reserved[nreserved++].end = start + len;
}

int vm_guest_range_ok(uintptr_t addr, size_t len)
{
	if (addr + len < addr || addr + len > 0x800000000000UL)
		return 0;
	for (int i = 0; i < nreserved; i++)
		if (addr < reserved[i].end && addr + len > reserved[i].start)
			return 0;
	return 1;
}

/* Remove [start, end) from the records, splitting regions at the edges.
 * Caller holds vm_lock. */
static int ensure_cap(void);

static void forget(uintptr_t start, uintptr_t end)
{
	for (int i = 0; i < nvma; i++) {
		struct vma *v = &vmas[i];
		if (v->end <= start || v->start >= end)
			continue;
		if (v->start < start && v->end > end) {
			/* The hole is inside: split into two (the table may move). */
			if (ensure_cap() < 0)
				return;
			memmove(&vmas[i + 1], &vmas[i], sizeof(struct vma) * (size_t)(nvma - i));
			nvma++;
			vmas[i].end = start;
			vmas[i + 1].off += end - vmas[i + 1].start;
			vmas[i + 1].start = end;
			return;
		}
		if (v->start < start) {
			v->end = start;
		} else if (v->end > end) {
			v->off += end - v->start;
			v->start = end;
		} else {
			memmove(v, v + 1, sizeof(*v) * (size_t)(nvma - i - 1));
			nvma--;
			i--;
		}
	}
}

static int ensure_cap(void)
{
	if (nvma + 2 <= cap_vma)
		return 0;
	int ncap = cap_vma ? cap_vma * 2 : 256;
	struct vma *n = krealloc(vmas, sizeof(*n) * (size_t)ncap);
	if (!n)
		return -ENOMEM;
	vmas = n;
	cap_vma = ncap;
	return 0;
}

static void record(uintptr_t start, size_t len, int prot, int flags, const char *name, uint64_t off)
{
	spin_lock(&vm_lock);
	if (ensure_cap() < 0) {
		spin_unlock(&vm_lock);
		return;
	}
	forget(start, start + len);
	int i = 0;
	while (i < nvma && vmas[i].start < start)
		i++;
	memmove(&vmas[i + 1], &vmas[i], sizeof(struct vma) * (size_t)(nvma - i));
	nvma++;
	struct vma *v = &vmas[i];
	v->start = start, v->end = start + len;
	v->prot = prot, v->flags = flags, v->off = off;
	strlcpy(v->name, name ? name : "", sizeof(v->name));
	spin_unlock(&vm_lock);
}

int vm_prot_at(uintptr_t addr)
{
	int prot = -1;
	spin_lock(&vm_lock);
	for (int i = 0; i < nvma; i++)
		if (vmas[i].start <= addr && addr < vmas[i].end)
			prot = vmas[i].prot;
	spin_unlock(&vm_lock);
	return prot;
}

int vm_is_mapped(uintptr_t addr, size_t len)
{
	uintptr_t cur = addr & ~(PAGE_SIZE - 1), end = addr + len;
	spin_lock(&vm_lock);
	/* The records are sorted: walk them across the range. */
	for (int i = 0; i < nvma && cur < end; i++)
		if (vmas[i].start <= cur && vmas[i].end > cur)
			cur = vmas[i].end;
	spin_unlock(&vm_lock);
	return cur >= end;
}

void vm_note(uintptr_t start, size_t len, int prot, int flags, const char *name, uint64_t off)
{
	record(start, PAGE_UP(len), prot, flags, name, off);
}

long vm_mmap(uintptr_t addr, size_t len, int prot, int flags, int fd, uint64_t off)
{
	int type = flags & 0xf;
	if (!len || (off & (PAGE_SIZE - 1)) || (type != K_MAP_SHARED && type != K_MAP_PRIVATE &&
						 type != 0x03 /* SHARED_VALIDATE */))
		return -EINVAL;
	if (type == 0x03)
		flags = (flags & ~0xf) | K_MAP_SHARED;
	len = PAGE_UP(len);
	if (!len)
		return -ENOMEM;
	int fixed = flags & (K_MAP_FIXED | K_MAP_FIXED_NOREPLACE);
	if ((fixed && (addr & (PAGE_SIZE - 1))) || (fixed && !vm_guest_range_ok(addr, len)))
		return fixed & K_MAP_FIXED ? -EINVAL : -EEXIST;
	int host = -1;
	const char *name = NULL;
	struct file *f = NULL;
	if (!(flags & K_MAP_ANONYMOUS)) {
		int w = 0;
		host = file_map_handle(fd, &w);
		if (host == -ENODEV)
			return -ENODEV;
		if (host < 0)
			return host == -EBADF ? -EBADF : -EACCES;
		if ((flags & K_MAP_SHARED) && (prot & K_PROT_WRITE) && !w)
			return -EACCES;
		f = fd_get(fd);
		name = f ? f->path : NULL;
	}
	int hflags = flags & (K_MAP_SHARED | K_MAP_PRIVATE | K_MAP_FIXED | K_MAP_ANONYMOUS |
			      K_MAP_NORESERVE | K_MAP_POPULATE | K_MAP_FIXED_NOREPLACE | K_MAP_STACK |
			      K_MAP_GROWSDOWN);
	long r = plat_mem_map(addr, len, prot, hflags, host, off);
	if (r >= 0) {
		if (!name && (flags & K_MAP_SHARED))
			name = "/dev/zero (deleted)";
		record((uintptr_t)r, len, prot, flags, name, off);
	}
	if (f)
		file_put(f);
	return r;
}

int vm_munmap(uintptr_t addr, size_t len)
{
	if ((addr & (PAGE_SIZE - 1)) || !len)
		return -EINVAL;
	len = PAGE_UP(len);
	if (!vm_guest_range_ok(addr, len))
		return -EINVAL;
	int r = plat_mem_unmap(addr, len);
	if (r == 0) {
		spin_lock(&vm_lock);
		forget(addr, addr + len);
		spin_unlock(&vm_lock);
	}
	return r;
}

int vm_mprotect(uintptr_t addr, size_t len, int prot)
{
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	len = PAGE_UP(len);
	if (!vm_guest_range_ok(addr, len))
		return -ENOMEM;
	int r = plat_mem_protect(addr, len, prot & ~0x03000000 /* GROWSDOWN/UP */);
	if (r < 0)
		return r;
	/* Split the records at the edges and set the new protection, 32
	 * regions at a time (the records are sorted by address). */
	struct vma parts[32];
	int np;
	for (uintptr_t from = addr;; from = parts[np - 1].end) {
		np = 0;
		spin_lock(&vm_lock);
		for (int i = 0; i < nvma && np < 32; i++) {
			struct vma *v = &vmas[i];
			if (v->end <= from || v->start >= addr + len)
				continue;
			parts[np] = *v;
			parts[np].start = v->start > from ? v->start : from;
			parts[np].end = v->end < addr + len ? v->end : addr + len;
			parts[np].off = v->off + (parts[np].start - v->start);
			np++;
		}
		spin_unlock(&vm_lock);
		for (int i = 0; i < np; i++)
			record(parts[i].start, parts[i].end - parts[i].start, prot, parts[i].flags,
			       parts[i].name, parts[i].off);
		if (np < 32)
			return 0;
	}
}

long vm_mremap(uintptr_t old, size_t old_len, size_t new_len, int flags, uintptr_t new_addr)
{
	if ((old & (PAGE_SIZE - 1)) || !new_len)
		return -EINVAL;
	old_len = PAGE_UP(old_len);
	new_len = PAGE_UP(new_len);
	if (!vm_guest_range_ok(old, old_len) || ((flags & 2) && !vm_guest_range_ok(new_addr, new_len)))
		return -EINVAL;
	struct vma copy = { 0 };
	spin_lock(&vm_lock);
	for (int i = 0; i < nvma; i++)
		if (vmas[i].start <= old && vmas[i].end > old)
			copy = vmas[i];
	spin_unlock(&vm_lock);
	long r = plat_mem_remap(old, old_len, new_len, flags, new_addr);
	if (r < 0)
		return r;
	spin_lock(&vm_lock);
	if (!(flags & 4 /* MREMAP_DONTUNMAP */))
		forget(old, old + old_len);
	spin_unlock(&vm_lock);
	record((uintptr_t)r, new_len, copy.prot, copy.flags, copy.name,
	       copy.off + (old - (copy.start ? copy.start : old)));
	return r;
}

int vm_madvise(uintptr_t addr, size_t len, int advice)
{
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!vm_guest_range_ok(addr, PAGE_UP(len)))
		return -ENOMEM;
	return plat_mem_advise(addr, len, advice);
}

int vm_msync(uintptr_t addr, size_t len, int flags)
{
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!vm_guest_range_ok(addr, PAGE_UP(len)))
		return -ENOMEM;
	return plat_mem_sync(addr, len, flags);
}

void vm_brk_init(uintptr_t start)
{
	brk_start = brk_cur = PAGE_UP(start);
}

/* The break grows by fixed mappings right after the previous end; if the
 * space is taken, the break stays where it is (as Linux does). */
long vm_brk(uintptr_t addr)
{
	if (addr < brk_start)
		return (long)brk_cur;
	uintptr_t old_top = PAGE_UP(brk_cur), new_top = PAGE_UP(addr);
	if (new_top > old_top) {
		long r = plat_mem_map(old_top, new_top - old_top, K_PROT_READ | K_PROT_WRITE,
				      PLAT_MAP_PRIVATE | PLAT_MAP_ANONYMOUS | PLAT_MAP_FIXED_NOREPLACE, -1, 0);
		if (r < 0 || (uintptr_t)r != old_top)
			return (long)brk_cur;
	} else if (new_top < old_top) {
		plat_mem_unmap(new_top, old_top - new_top);
		spin_lock(&vm_lock);
		forget(new_top, old_top);
		spin_unlock(&vm_lock);
	}
	brk_cur = addr;
	if (new_top > brk_start)
		record(brk_start, new_top - brk_start, K_PROT_READ | K_PROT_WRITE, K_MAP_PRIVATE, "[heap]", 0);
	return (long)brk_cur;
}

/* Attached System V segments: address -> segment id. */
static struct { uintptr_t addr; int id; } shm_att[64];

void vm_note_shm(uintptr_t addr, int id)
{
	spin_lock(&vm_lock);
	for (int i = 0; i < 64; i++) {
		if (!shm_att[i].addr) {
			shm_att[i].addr = addr;
			shm_att[i].id = id;
			break;
		}
	}
	spin_unlock(&vm_lock);
}

int vm_take_shm(uintptr_t addr)
{
	int id = -1;
	spin_lock(&vm_lock);
	for (int i = 0; i < 64; i++) {
		if (shm_att[i].addr == addr && addr) {
			id = shm_att[i].id;
			shm_att[i].addr = 0;
			break;
		}
	}
	spin_unlock(&vm_lock);
	return id;
}

/* Forget one attachment, whichever; -1 when none is left. */
int vm_take_shm_any(void)
{
	int id = -1;
	spin_lock(&vm_lock);
	for (int i = 0; i < 64 && id < 0; i++) {
		if (shm_att[i].addr) {
			id = shm_att[i].id;
			shm_att[i].addr = 0;
		}
	}
	spin_unlock(&vm_lock);
	return id;
}

/* Calls fn(id) for every attached segment (fork and exit bookkeeping). */
void vm_each_shm(void (*fn)(int id, int delta), int delta)
{
	for (int i = 0; i < 64; i++)
		if (shm_att[i].addr)
			fn(shm_att[i].id, delta);
}

void vm_unmap_all(void)
{
	sysvshm_detach_all();
	spin_lock(&vm_lock);
	/* One host call per run of adjacent regions (a library's segments,
	 * its .bss, the stack and its guard): the records are sorted. Never
	 * across a gap, which may hold bento's own memory. */
	for (int i = 0; i < nvma;) {
		int j = i + 1;
		while (j < nvma && vmas[j].start == vmas[j - 1].end)
			j++;
		plat_mem_unmap(vmas[i].start, vmas[j - 1].end - vmas[i].start);
		i = j;
	}
	nvma = 0;
	spin_unlock(&vm_lock);
}

size_t vm_format_maps(char *buf, size_t n)
{
	size_t used = 0;
	spin_lock(&vm_lock);
	for (int i = 0; i < nvma && used < n; i++) {
		struct vma *v = &vmas[i];
		int l = fmt_snprintf(buf + used, n - used, "%012lx-%012lx %c%c%c%c %08lx 00:00 0%s%s\n",
				     (unsigned long)v->start, (unsigned long)v->end,
				     v->prot & K_PROT_READ ? 'r' : '-', v->prot & K_PROT_WRITE ? 'w' : '-',
				     v->prot & K_PROT_EXEC ? 'x' : '-', v->flags & K_MAP_SHARED ? 's' : 'p',
				     (unsigned long)v->off, v->name[0] ? "                          " : "",
				     v->name);
		used += (size_t)l;
	}
	spin_unlock(&vm_lock);
	return used < n ? used : n;
}
