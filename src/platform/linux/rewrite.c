/* rewrite.c — the fast path's other half: rewriting system-call sites.
 *
 * After a guest call traps at a syscall instruction S, the instructions
 * just before S (the window) are moved into a per-site trampoline, and
 * the first of them is replaced by a jump to it:
 *
 *     site:  I1 I2 .. In syscall      ->   jmp T; (rest of I1) I2 .. In syscall
 *     T:     I1' I2' .. In' (relocated); [getpid/gettid?]; call fast_entry; jmp S+2
 *
 * The trampoline answers getpid and gettid itself (see "The id
 * shortcut" below) and hands every other call to the dispatcher with
 * whatever number %rax holds, exactly as the syscall instruction would; a number the fast
 * path must not take (linux_may_rewrite) leaves the trampoline through a
 * jump back to S, which traps as before. So nothing is assumed about %eax.
 *
 * Why this is safe — the window rule: I1 is at least 5 bytes long, and
 * only I1's bytes change. Code entering the window at I1 takes the jump
 * and runs the same instructions in the trampoline. Code entering at any
 * later boundary (I2 .. In, or S: a branch target, a thread preempted
 * there, a signal frame's resume address) runs the original, unchanged
 * bytes and traps at S as it always did. The only addresses whose meaning
 * changes are the bytes inside I1, which are not instruction boundaries,
 * so no branch, return or saved context can lead there. What must be
 * proved is therefore only that I1 .. In really are the instructions
 * executed before S:
 *   - with unwind tables: the function holding S (its FDE, funcmap.c) is
 *     decoded from its first byte (a true boundary) with x86dec; every
 *     instruction must be known, S must be a decoded boundary, and every
 *     direct branch of the function that lands inside the function must
 *     land on a decoded boundary (if it did not, the linear decode would
 *     disagree with the code's own view of its boundaries: refuse). A
 *     branch from elsewhere into the bytes of I1 would mean overlapping
 *     instructions; compilers do not emit that.
 *   - without them: only "mov $nr,%eax" (b8 imm32) or "mov $nr,%rax"
 *     (48 c7 c0 imm32) right before S whose immediate equals the number
 *     the trap saw (the original heuristic; one instruction, no I2).
 * The displaced instructions may be anything that falls through (their
 * rip-relative operands are relocated) or a relative jcc/jmp (re-encoded
 * with a 32-bit offset to the same target); no call, return, indirect
 * branch, trap or system call. %rcx and %r11 do not matter: the window
 * runs before S either way, and S clobbers both.
 */
#include "platform/linux/host.h"
#include "linux/entry.h"
#include <bento/north.h>
#include "lib/string.h"
#include "lib/lock.h"
#include "lib/x86dec.h"

int rewrite_enabled = 1;

#define CHUNK (64 * 1024)
#define TRAMP_MAX 176     /* window (<= MAX_CODE after relocation) + tail + id answers */
#define MAX_CHUNKS 128
#define REACH (1L << 30)  /* well inside a rel32 jump's +-2 GiB */
#define MAX_FUNC (64 * 1024)
#define MAX_WIN 40        /* bytes of original code moved */
#define MAX_CODE 64       /* the same relocated */
#define WIN_INSNS 8
#define NPATCHED 1024

extern char fast_entry[];

static struct { uintptr_t base; size_t used; } chunks[MAX_CHUNKS];
static int nchunks;
static struct spinlock rewrite_lock = SPINLOCK_INIT;

/* The window before a syscall at sc: n instructions from start. */
struct window {
	uintptr_t start, sc;
	int n;
	struct x86_insn in[WIN_INSNS];
	uint8_t code[MAX_WIN];
};

void rewrite_fork_lock(int take)
{
	if (take)
		spin_lock(&rewrite_lock);
	else
		spin_unlock(&rewrite_lock);
}

/* Trampoline tail, from R (the return address of its call):
 *   R+0  lea 0x80(%rsp),%rsp; R+8  jmp S+2      (done)
 *   R+13 lea 0x80(%rsp),%rsp; R+21 jmp S        (fastpath.S: "trap instead")
 *   R+32 fast_entry; R+40 S+2                   (fastpath.S: the call's rip)
 * fastpath.S relies on TAIL_SLOW and TAIL_RESUME. */
#define TAIL_SLOW 13
#define TAIL_RESUME 40

/*
 * The id shortcut. getpid and gettid answer per-thread constants, which
 * the kernel keeps in the thread's %gs block (plat_set_ids: the first
 * thread, each new thread at its start, a fork's or vfork's child before
 * it runs guest code, an exec from a second thread, whose tid becomes
 * the pid). Between the displaced
 * instructions and the call into fast_entry, the trampoline compares
 * %eax with the two numbers (the low 32 bits, as Linux reads the number)
 * and returns the id to S+2 directly: no call, no stack switch, no save.
 * It uses only lea, jrcxz and mov, which leave the flags alone, and
 * writes only rax and rcx (the syscall instruction clobbers rcx). An id
 * of 0 (not known, or --trace, which must log every call) takes the
 * general path.
 *
 * No signal check is needed: such a call changes nothing a check looks
 * at (mask, pending sets). A signal that becomes deliverable meanwhile
 * was posted by another thread or process, which kicks this thread with
 * a host signal (thread_kick, plat_process_signal); in_bento is clear
 * here and the stack is the guest's, so on_signal takes the thread to be
 * in guest code and delivers at once, as for a signal that arrives one
 * instruction before the syscall.
 *
 * Layout, from P (after the displaced instructions; R = P+24 as above):
 *   P+0  lea -39(%rax),%ecx    P+3  jrcxz A    P+5 lea -186(%rax),%ecx
 *   P+11 jrcxz B               P+13 lea -0x80(%rsp),%rsp; call *R+32(%rip)
 *   R .. R+47                  the tail above
 *   A = R+48  mov %gs:guest_pid,%ecx; jrcxz P+13; mov %ecx,%eax; jmp S+2
 *   B = R+65  mov %gs:guest_tid,%ecx; jrcxz P+13; mov %ecx,%eax; jmp S+2
 * (the answers after the tail, so that the general path takes no extra
 * jump; jrcxz reaches 127 bytes either way).
 */
#define IDS_R 24        /* R - P */
#define IDS_ANSWER 48   /* A - R; B = A + 17 */


static long distance(uintptr_t a, uintptr_t b)
{
	return a > b ? (long)(a - b) : (long)(b - a);
}

/* size bytes of trampoline within reach of site, read-write-execute
 * (other threads may be running trampolines of a chunk while a new one
 * is written into it). */
static uintptr_t tramp_alloc(uintptr_t site, size_t size)
{
	for (int i = 0; i < nchunks; i++)
		if (chunks[i].used + size <= CHUNK && distance(chunks[i].base, site) < REACH)
			return chunks[i].base + (chunks[i].used += size) - size;
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
		chunks[nchunks].used = size;
		nchunks++;
		return (uintptr_t)r;
	}
	return 0;
}

static int in_chunk(uintptr_t a)
{
	for (int i = 0; i < nchunks; i++)
		if (a >= chunks[i].base && a < chunks[i].base + CHUNK)
			return 1;
	return 0;
}

static void put32(uint8_t *p, int32_t v)
{
	memcpy(p, &v, 4);
}

/* rel32 from the end of a field ending at from to to, if it fits. */
static int rel32(uintptr_t from, uintptr_t to, int32_t *out)
{
	long d = (long)(to - from);
	if (d != (int32_t)d)
		return -1;
	*out = (int32_t)d;
	return 0;
}

/* ---- the trampoline ------------------------------------------------- */

/* Copy one displaced instruction (original at a, bytes p) to t (at address
 * tva), relocated. Returns the bytes written or -1. */
static int emit_insn(uint8_t *t, uintptr_t tva, uintptr_t a, const uint8_t *p,
		     const struct x86_insn *in)
{
	int32_t d;
	if (in->kind == X86_JCC || in->kind == X86_JMP) {
		uintptr_t target = x86_branch_target(p, in, a);
		int n = in->kind == X86_JMP ? 5 : 6;
		if (in->kind == X86_JMP)
			t[0] = 0xe9;
		else
			t[0] = 0x0f, t[1] = (uint8_t)(0x80 | (in->opcode & 0x0f));
		if (rel32(tva + (uintptr_t)n, target, &d))
			return -1;
		put32(t + n - 4, d);
		return n;
	}
	memcpy(t, p, in->len);
	if (in->rip_at) {
		int32_t old;
		memcpy(&old, p + in->rip_at, 4);
		uintptr_t target = a + in->len + (uintptr_t)(intptr_t)old;
		if (rel32(tva + in->len, target, &d))
			return -1;
		put32(t + in->rip_at, d);
	}
	return in->len;
}

/* Write the trampoline for w at t; its size, or -1. */
static int write_trampoline(uint8_t *t, const struct window *w)
{
	static const uint8_t ids[] = {
		0x8d, 0x48, 0xd9,                         /* lea -39(%rax),%ecx */
		0xe3, 72 - 5,                             /* jrcxz A (P+72) */
		0x8d, 0x88, 0x46, 0xff, 0xff, 0xff,       /* lea -186(%rax),%ecx */
		0xe3, 89 - 13,                            /* jrcxz B (P+89) */
	};
	static const uint8_t answers[] = {
		0x65, 0x8b, 0x0c, 0x25, CPU_GUEST_PID, 0, 0, 0, /* A: mov %gs:pid,%ecx */
		0xe3, (uint8_t)(13 - 82),                 /* jrcxz P+13 */
		0x89, 0xc8,                               /* mov %ecx,%eax */
		0xe9, 0, 0, 0, 0,                         /* jmp S+2 */
		0x65, 0x8b, 0x0c, 0x25, CPU_GUEST_TID, 0, 0, 0, /* B: mov %gs:tid,%ecx */
		0xe3, (uint8_t)(13 - 99),                 /* jrcxz P+13 */
		0x89, 0xc8,                               /* mov %ecx,%eax */
		0xe9, 0, 0, 0, 0,                         /* jmp S+2 */
	};
	static const uint8_t tail[] = {
		0x48, 0x8d, 0x64, 0x24, 0x80,             /* lea -0x80(%rsp),%rsp */
		0xff, 0x15, 0x20, 0, 0, 0,                /* call *R+32(%rip) */
		0x48, 0x8d, 0xa4, 0x24, 0x80, 0, 0, 0,    /* R: lea 0x80(%rsp),%rsp */
		0xe9, 0, 0, 0, 0,                         /* jmp S+2 */
		0x48, 0x8d, 0xa4, 0x24, 0x80, 0, 0, 0,    /* lea 0x80(%rsp),%rsp */
		0xe9, 0, 0, 0, 0,                         /* jmp S */
		0x0f, 0x0b, 0xcc, 0xcc, 0xcc, 0xcc,       /* ud2 */
	};
	_Static_assert(sizeof(ids) + 11 == IDS_R && IDS_R + IDS_ANSWER == 72, "id shortcut layout");
	_Static_assert(sizeof(answers) == 34, "id answers layout");
	_Static_assert(CPU_GUEST_PID < 128 && CPU_GUEST_TID < 128, "one-byte %gs offsets");
	_Static_assert(sizeof(tail) == 11 + 32, "tail layout");
	_Static_assert(MAX_CODE + IDS_R + IDS_ANSWER + sizeof(answers) <= TRAMP_MAX,
		       "trampoline size");
	uintptr_t tva = (uintptr_t)t;
	int at = 0, off = 0;
	for (int i = 0; i < w->n; i++) {
		int n = emit_insn(t + at, tva + (uintptr_t)at, w->start + (uintptr_t)off,
				  w->code + off, &w->in[i]);
		if (n < 0 || at + n > MAX_CODE)
			return -1;
		at += n;
		off += w->in[i].len;
	}
	uint8_t *p = t + at, *r = p + IDS_R, *ans = r + IDS_ANSWER;
	int32_t d1, d2, d3, d4;
	if (rel32((uintptr_t)r + 13, w->sc + 2, &d1) || rel32((uintptr_t)r + 26, w->sc, &d2) ||
	    rel32((uintptr_t)ans + 17, w->sc + 2, &d3) || rel32((uintptr_t)ans + 34, w->sc + 2, &d4))
		return -1;
	memcpy(p, ids, sizeof(ids));
	memcpy(p + sizeof(ids), tail, sizeof(tail));
	put32(r + 9, d1);
	put32(r + 22, d2);
	uint64_t entry = (uint64_t)fast_entry, resume = w->sc + 2;
	memcpy(r + 32, &entry, 8);
	memcpy(r + TAIL_RESUME, &resume, 8);
	memcpy(ans, answers, sizeof(answers));
	put32(ans + 13, d3);
	put32(ans + 30, d4);
	return at + IDS_R + IDS_ANSWER + (int)sizeof(answers);
}

/* ---- finding the window --------------------------------------------- */

static uint8_t fbuf[MAX_FUNC];            /* the function's code */
static uint64_t fmap[MAX_FUNC / 64];      /* its instruction starts */

static int is_start(size_t off)
{
	return (int)(fmap[off / 64] >> (off % 64)) & 1;
}

/* Decode the size bytes in fbuf (the function at fn): every instruction
 * known, every direct branch into the function on an instruction start. */
static int decode_function(uintptr_t fn, size_t size)
{
	struct x86_insn in;
	memset(fmap, 0, (size + 63) / 64 * 8);
	for (size_t at = 0; at < size; at += in.len) {
		if (!x86_decode(fbuf + at, size - at, &in))
			return -1;
		fmap[at / 64] |= 1UL << (at % 64);
	}
	for (size_t at = 0; at < size; at += in.len) {
		x86_decode(fbuf + at, size - at, &in);
		if (!in.rel_size)
			continue;
		uintptr_t t = x86_branch_target(fbuf + at, &in, fn + at);
		if (t >= fn && t < fn + size && !is_start(t - fn))
			return -1;
	}
	return 0;
}

static int displaceable(const struct x86_insn *in)
{
	return in->kind == X86_PLAIN || in->kind == X86_JCC || in->kind == X86_JMP;
}

/* Walk back from the syscall at offset off to the nearest instruction of
 * at least 5 bytes, all in between displaceable. */
static int pick_window(uintptr_t fn, size_t off, struct window *w)
{
	struct x86_insn in[WIN_INSNS];
	size_t cur = off;
	int k = 0;
	for (;;) {
		size_t b = cur;
		while (b > 0 && cur - b < 15 && !is_start(--b))
			;
		if (b == cur || !is_start(b) || k == WIN_INSNS || off - b > MAX_WIN)
			return -1;
		if (x86_decode(fbuf + b, cur - b, &in[k]) != (int)(cur - b) || !displaceable(&in[k]))
			return -1;
		/* A site rewritten before (its record since overwritten). */
		if (in[k].kind == X86_JMP && in_chunk(x86_branch_target(fbuf + b, &in[k], fn + b)))
			return -1;
		cur = b;
		if (in[k++].len >= 5)
			break;
	}
	w->start = fn + cur;
	w->n = k;
	for (int i = 0; i < k; i++)
		w->in[i] = in[k - 1 - i];
	memcpy(w->code, fbuf + cur, off - cur);
	return 0;
}

static int window_from_unwind(uintptr_t sc, struct window *w)
{
	uintptr_t fn, end;
	if (func_bounds(sc, &fn, &end) || end - fn > MAX_FUNC ||
	    copy_in(fbuf, (const void *)fn, end - fn) || decode_function(fn, end - fn))
		return -1;
	size_t off = sc - fn;
	struct x86_insn in;
	if (!is_start(off) || !x86_decode(fbuf + off, end - sc, &in) || in.kind != X86_SYSCALL ||
	    fbuf[off] != 0x0f)
		return -1;
	return pick_window(fn, off, w);
}

/* No unwind tables: "mov $nr,%eax" or "mov $nr,%rax" right before sc. */
static int window_from_mov(uintptr_t sc, long nr, struct window *w)
{
	uint8_t b[9];
	int32_t imm;
	if (copy_in(b, (const void *)(sc - 7), 9) || b[7] != 0x0f || b[8] != 0x05)
		return -1;
	memcpy(&imm, b + 3, 4);
	if (imm != nr)
		return -1;
	int len = b[2] == 0xb8 && !(b[0] == 0x48 && b[1] == 0xc7) ? 5 :
		  b[0] == 0x48 && b[1] == 0xc7 && b[2] == 0xc0 ? 7 : 0;
	if (!len || x86_decode(b + 7 - len, (size_t)len, &w->in[0]) != len)
		return -1;
	w->start = sc - (uintptr_t)len;
	w->n = 1;
	memcpy(w->code, b + 7 - len, (size_t)len);
	return 0;
}

/* ---- patching -------------------------------------------------------- */

/* Replace the first instruction of w (len bytes, still holding w->code)
 * by bytes: atomically when they sit in one aligned 8-byte word,
 * otherwise only while no other thread can be running them. */
static int patch_bytes(uint8_t *p, const uint8_t *bytes, int len, const struct window *w)
{
	uintptr_t a = (uintptr_t)p;
	if ((a & 7) + (uintptr_t)len <= 8) {
		uint64_t *word = (uint64_t *)(a & ~(uintptr_t)7);
		uint64_t old = __atomic_load_n(word, __ATOMIC_ACQUIRE), new = old;
		if (memcmp((uint8_t *)&old + (a & 7), w->code, (size_t)len))
			return -1;
		memcpy((uint8_t *)&new + (a & 7), bytes, (size_t)len);
		return __atomic_compare_exchange_n(word, &old, new, 0, __ATOMIC_SEQ_CST,
						   __ATOMIC_SEQ_CST) ? 0 : -1;
	}
	if (proc_thread_count() > 1 || memcmp(p, w->code, (size_t)len))
		return -1;
	memcpy(p, bytes, (size_t)len);
	return 0;
}

/* Jump from w->start to t, padded with nops to the end of the first
 * instruction (so that decoding the function again stays in step) when
 * that still fits one atomic store. */
static int patch_site(const struct window *w, uintptr_t t)
{
	uint8_t jmp[16];
	int len = w->in[0].len;
	memset(jmp, 0x90, sizeof(jmp));
	jmp[0] = 0xe9;
	put32(jmp + 1, (int32_t)(t - (w->start + 5)));
	if ((w->start & 7) + (uintptr_t)len > 8 && (w->start & 7) + 5 <= 8)
		len = 5;
	return patch_bytes((uint8_t *)w->start, jmp, len, w);
}

/*
 * A site is rewritten at its REWRITE_AFTER-th trap, not its first: most
 * sites of a program run once (start-up, exit), and for them a rewrite —
 * a decode and two host mprotect calls — costs more than the trap it
 * saves; a short-lived program (an exec'd /bin/true) then traps a few
 * times and rewrites nothing. Counts are kept per site address in a small
 * table; a collision only moves a rewrite earlier or later.
 *
 * The counts are of one process image: each record carries the image it
 * was counted in (linux_images), and one of an earlier image counts as
 * empty. Static memory survives exec, and ld.so lands at the same address
 * in every image, so without that a parent's start-up counts, inherited by
 * each forked child, pushed ld.so's sites over the threshold in every
 * image the child exec'd: a rewrite each for calls that then ran once or
 * twice. A fork child keeps its parent's counts: it runs the same image.
 * (Tagging records instead of clearing the table keeps exec from writing,
 * and so copying, the table's pages.)
 */
#define REWRITE_AFTER 4
#define IMAGE_WARMUP 32
#define NTRAPS 511
/* Two pages, so that a fork child copies two when it counts. */
static struct {
	uint32_t image, image_traps; /* the image counted; its traps so far */
	uint64_t pad;
	struct { uintptr_t sc; uint32_t count, image; } site[NTRAPS];
} traps __attribute__((aligned(4096)));

/* Counts a trap at sc (caller holds rewrite_lock): is it time to rewrite?
 * Not before the image has trapped IMAGE_WARMUP times in all: a rewrite
 * (decode, two mprotect, a copied code page: ~20 us) costs about eight
 * traps, and an image that ends within a few dozen calls (an exec'd
 * /bin/true makes ~22) never gets that back: its busiest site, ld.so's
 * mmap, runs 8 times. A longer-lived image rewrites its sites of 4 traps
 * or more at their first trap after its warm-up. */
static int trapped_enough(uintptr_t sc)
{
	uint32_t image = (uint32_t)linux_images;
	if (traps.image != image) {
		traps.image = image;
		traps.image_traps = 0;
	}
	if (traps.image_traps < IMAGE_WARMUP)
		traps.image_traps++;
	size_t i = (sc >> 1) % NTRAPS;
	if (traps.site[i].sc != sc || traps.site[i].image != image) {
		traps.site[i].sc = sc;
		traps.site[i].image = image;
		traps.site[i].count = 0;
	}
	return ++traps.site[i].count >= REWRITE_AFTER && traps.image_traps >= IMAGE_WARMUP;
}

/* Sites seen: rewritten (start = the window) or refused (start = 0, so
 * that a site trapping again is not decoded again). A record holds the
 * 8 code bytes before the site's end, so that one left from a previous
 * program image (exec keeps the table) is recognised as stale. */
static struct { uintptr_t sc, start; uint64_t code; } seen[NPATCHED];

static uint64_t code_before(uintptr_t sc)
{
	uint64_t v = 0;
	if (copy_in(&v, (const void *)(sc - 6), 8))
		return 0;
	return v;
}

static void remember(uintptr_t sc, uintptr_t start)
{
	size_t i = (sc >> 1) % NPATCHED;
	seen[i].sc = sc;
	seen[i].start = start;
	seen[i].code = code_before(sc);
}

/* Was the site at sc rewritten (and is it still), or refused? */
static int already_seen(uintptr_t sc)
{
	size_t i = (sc >> 1) % NPATCHED;
	uint8_t b[5];
	int32_t d;
	if (seen[i].sc != sc || seen[i].code != code_before(sc))
		return 0;
	if (!seen[i].start)
		return 1;
	if (copy_in(b, (const void *)seen[i].start, 5) || b[0] != 0xe9)
		return 0;
	memcpy(&d, b + 1, 4);
	return in_chunk(seen[i].start + 5 + (uintptr_t)(intptr_t)d);
}

/* The window's bytes must be the guest's own executable code, in one
 * mapping's protection; returns that protection or -1. */
static int window_prot(const struct window *w)
{
	size_t len = w->sc + 2 - w->start;
	if (!vm_guest_range_ok(w->start, len) || !vm_is_mapped(w->start, len))
		return -1;
	int prot = vm_prot_at(w->start);
	if (prot < 0 || !(prot & 4) || vm_prot_at(w->sc + 1) != prot)
		return -1;
	return prot;
}

/* Build the trampoline for w and jump to it from the site; 0 or -1. */
static int install(const struct window *w, int prot)
{
	/* The trampoline is written at its final address (its relocations
	 * depend on it); on failure the slot stays unused. */
	uintptr_t t = tramp_alloc(w->start, TRAMP_MAX);
	if (!t || write_trampoline((uint8_t *)t, w) < 0)
		return -1;
	uintptr_t page = w->start & ~(uintptr_t)4095;
	size_t span = ((w->start + w->in[0].len + 4095) & ~(uintptr_t)4095) - page;
	if (plat_mem_protect(page, span, 7))
		return -1;
	int r = patch_site(w, t);
	plat_mem_protect(page, span, prot);
	return r;
}

/* Lock order: a fork holds the kernel's locks (vm_lock among them) and
 * then takes rewrite_lock, so nothing here takes a kernel lock while
 * holding rewrite_lock: guest memory is read with copy_in, and the
 * mapping checks (window_prot) run between the two locked steps. */
void rewrite_site(uintptr_t pc, long nr)
{
	struct window w;
	uintptr_t sc = pc - 2;
	if (!rewrite_enabled || !linux_may_rewrite(nr) || pc < 8)
		return;
	spin_lock(&rewrite_lock);
	int found = 0;
	if (!trapped_enough(sc)) {
		spin_unlock(&rewrite_lock);
		return;
	}
	if (!already_seen(sc)) {
		found = window_from_unwind(sc, &w) == 0 || window_from_mov(sc, nr, &w) == 0;
		if (!found)
			remember(sc, 0);
	}
	spin_unlock(&rewrite_lock);
	if (!found)
		return;
	w.sc = sc;
	int prot = window_prot(&w);
	/* Another thread may have rewritten the site meanwhile; patch_bytes
	 * also checks that the first instruction's bytes are still w's. A
	 * site that cannot be patched now (not the guest's code; other
	 * threads running and no atomic store possible) is not tried again:
	 * it keeps trapping, without a decode at every trap. */
	spin_lock(&rewrite_lock);
	if (!already_seen(sc))
		remember(sc, prot >= 0 && install(&w, prot) == 0 ? w.start : 0);
	spin_unlock(&rewrite_lock);
}
