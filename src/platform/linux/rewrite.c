/* rewrite.c — the fast path's other half: rewriting system-call sites.
 *
 * When a guest call traps at a site that reads "mov $nr, %eax; syscall"
 * (b8 imm32 0f 05) or "mov $nr, %rax; syscall" (48 c7 c0 imm32 0f 05), and
 * eax held exactly that nr when it trapped, the mov is replaced by a jump
 * to a per-site trampoline that calls fast_entry (fastpath.S) directly.
 * The syscall bytes stay, so a branch straight to them still traps.
 * Sites are only rewritten after they trapped (the trap proves where the
 * syscall instruction is and what eax held); bento has no disassembler to
 * prove a site by scanning code, so it does not rewrite eagerly.
 */
#include "platform/linux/host.h"
#include "linux/entry.h"
#include <bento/north.h>
#include "lib/string.h"
#include "lib/lock.h"

int rewrite_enabled = 1;

#define CHUNK (64 * 1024)
#define TRAMP 48
#define MAX_CHUNKS 128
#define REACH (1L << 30) /* well inside a rel32 jump's +-2 GiB */

extern char fast_entry[];

static struct { uintptr_t base; size_t used; } chunks[MAX_CHUNKS];
static int nchunks;
static struct spinlock rewrite_lock = SPINLOCK_INIT;

void rewrite_fork_lock(int take)
{
	if (take)
		spin_lock(&rewrite_lock);
	else
		spin_unlock(&rewrite_lock);
}

long fast_syscall(struct cpu_regs *r)
{
	/* r->rip is the return address into the trampoline (offset 16); the
	 * resume address is stored at offset 40. */
	r->rip = *(const uint64_t *)(r->rip + 24);
	return linux_syscall_fast(r);
}

static long distance(uintptr_t a, uintptr_t b)
{
	return a > b ? (long)(a - b) : (long)(b - a);
}

/* A chunk of trampolines within reach of site, read-write-execute (other
 * threads may be running trampolines of a chunk while a new one is
 * written into it). */
static uintptr_t tramp_alloc(uintptr_t site)
{
	for (int i = 0; i < nchunks; i++)
		if (chunks[i].used + TRAMP <= CHUNK && distance(chunks[i].base, site) < REACH)
			return chunks[i].base + (chunks[i].used += TRAMP) - TRAMP;
	if (nchunks == MAX_CHUNKS)
		return 0;
	uintptr_t page = site & ~(uintptr_t)0xffff;
	for (long step = 1; step < 256; step++) {
		long off = (step & 1 ? -1 : 1) * (step + 1) / 2 * (16L << 20);
		uintptr_t hint = page + (uintptr_t)off;
		if (!vm_guest_range_ok(hint, CHUNK))
			continue;
		long r = plat_mem_map(hint, CHUNK, 7, PLAT_MAP_PRIVATE | PLAT_MAP_ANONYMOUS |
				      PLAT_MAP_FIXED_NOREPLACE, -1, 0);
		if (r < 0)
			continue;
		vm_reserve((uintptr_t)r, CHUNK);
		chunks[nchunks].base = (uintptr_t)r;
		chunks[nchunks].used = TRAMP;
		nchunks++;
		return (uintptr_t)r;
	}
	return 0;
}

static void put32(uint8_t *p, int32_t v)
{
	memcpy(p, &v, 4);
}

static void write_trampoline(uint8_t *t, long nr, uintptr_t resume)
{
	static const uint8_t code[] = {
		0x48, 0x8d, 0x64, 0x24, 0x80,             /* lea -0x80(%rsp),%rsp */
		0xb8, 0, 0, 0, 0,                         /* mov $nr,%eax */
		0xff, 0x15, 0x10, 0, 0, 0,                /* call *16(%rip) -> t+32 */
		0x48, 0x8d, 0xa4, 0x24, 0x80, 0, 0, 0,    /* lea 0x80(%rsp),%rsp */
		0xe9, 0, 0, 0, 0,                         /* jmp resume */
		0x0f, 0x0b, 0xcc,                         /* ud2; int3 */
	};
	memcpy(t, code, sizeof(code));
	put32(t + 6, (int32_t)nr);
	put32(t + 25, (int32_t)(resume - ((uintptr_t)t + 29)));
	uint64_t entry = (uint64_t)fast_entry, res = resume;
	memcpy(t + 32, &entry, 8);
	memcpy(t + 40, &res, 8);
}

/* Length of the "mov $nr" instruction ending at syscall_at, or 0. */
static int mov_before(const uint8_t *syscall_at, long nr)
{
	int32_t imm;
	memcpy(&imm, syscall_at - 4, 4);
	if (imm != nr)
		return 0;
	if (syscall_at[-5] == 0xb8)
		return syscall_at[-6] == 0xc7 && syscall_at[-7] == 0x48 ? 0 : 5;
	if (syscall_at[-5] == 0xc0 && syscall_at[-6] == 0xc7 && syscall_at[-7] == 0x48)
		return 7;
	return 0;
}

/* Replace len bytes at p: atomically when they sit in one aligned 8-byte
 * word, otherwise only while no other thread can be running them. */
static int patch_bytes(uint8_t *p, const uint8_t *bytes, int len)
{
	uintptr_t a = (uintptr_t)p;
	if ((a & 7) + (uintptr_t)len <= 8) {
		uint64_t *word = (uint64_t *)(a & ~(uintptr_t)7);
		uint64_t old = __atomic_load_n(word, __ATOMIC_ACQUIRE), new = old;
		memcpy((uint8_t *)&new + (a & 7), bytes, (size_t)len);
		return __atomic_compare_exchange_n(word, &old, new, 0, __ATOMIC_SEQ_CST,
						   __ATOMIC_SEQ_CST) ? 0 : -1;
	}
	if (proc_thread_count() > 1)
		return -1;
	memcpy(p, bytes, (size_t)len);
	return 0;
}

void rewrite_site(uintptr_t pc, long nr)
{
	uint8_t *sc = (uint8_t *)pc - 2;
	if (!rewrite_enabled || !linux_may_rewrite(nr) || nr > 0xffff)
		return;
	/* The site must be guest code mapped by the guest, never bento's. */
	if (!vm_guest_range_ok(pc - 16, 16) || !vm_is_mapped(pc - 16, 16))
		return;
	int prot = vm_prot_at(pc - 9);
	if (prot < 0 || !(prot & 4) || vm_prot_at(pc - 1) != prot)
		return;
	if (sc[0] != 0x0f || sc[1] != 0x05)
		return;
	int len = mov_before(sc, nr);
	if (!len)
		return;
	uint8_t *site = sc - len;
	spin_lock(&rewrite_lock);
	uintptr_t t = tramp_alloc((uintptr_t)site);
	if (!t) {
		spin_unlock(&rewrite_lock);
		return;
	}
	write_trampoline((uint8_t *)t, nr, pc);
	uint8_t jmp[7] = { 0xe9, 0, 0, 0, 0, 0x66, 0x90 };
	put32(jmp + 1, (int32_t)(t - ((uintptr_t)site + 5)));
	uintptr_t page = (uintptr_t)site & ~(uintptr_t)4095;
	size_t span = (((uintptr_t)site + (uintptr_t)len + 4095) & ~(uintptr_t)4095) - page;
	if (plat_mem_protect(page, span, 7) == 0) {
		patch_bytes(site, jmp, len); /* on failure the site keeps trapping */
		plat_mem_protect(page, span, prot);
	}
	spin_unlock(&rewrite_lock);
}
