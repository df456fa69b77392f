/* funcmap.c — where the guest function holding an address starts and ends.
 *
 * The rewriter decodes guest code, and x86 code can only be decoded
 * forwards from a known instruction boundary. Function starts are such
 * boundaries, and every ELF object built by a current toolchain lists its
 * functions (including the cold parts GCC splits off) in .eh_frame, with a
 * sorted search table in .eh_frame_hdr (PT_GNU_EH_FRAME). Both are in
 * loaded memory, so they are read from the guest's mapping of the object,
 * found by walking back from the address to the object's ELF header.
 *
 * Everything read here is guest memory: read with copy_in (a page may be
 * unmapped under us by another guest thread), checked, and on any doubt
 * the answer is "unknown" (-1), which only means the site keeps trapping.
 */
#include "platform/linux/host.h"
#include <bento/north.h>
#include "lib/string.h"
#include "lib/elf.h"

#define PAGE 4096UL
#define MAX_BACK 8192 /* pages walked back to an ELF header: 32 MiB of code */

#define PF_X 1

/* Address of .eh_frame_hdr of the object whose ELF header is at hdr, if
 * that object has pc in an executable segment; 0 otherwise. */
static uintptr_t eh_hdr_of(uintptr_t hdr, uintptr_t pc)
{
	struct elf_hdr eh;
	struct elf_phdr ph[32];
	if (copy_in(&eh, (const void *)hdr, sizeof(eh)) ||
	    memcmp(eh.ident, "\177ELF\2\1", 6) || eh.machine != 62 ||
	    (eh.type != 2 && eh.type != 3) || eh.phentsize != sizeof(ph[0]) ||
	    eh.phnum == 0 || eh.phnum > 32 ||
	    copy_in(ph, (const void *)(hdr + eh.phoff), eh.phnum * sizeof(ph[0])))
		return 0;
	uintptr_t bias = 1, eh_frame = 0;
	int in_text = 0;
	for (int i = 0; i < eh.phnum; i++)
		if (ph[i].type == PT_LOAD && ph[i].offset == 0 && bias == 1)
			bias = hdr - (ph[i].vaddr & ~(PAGE - 1));
	if (bias == 1)
		return 0;
	for (int i = 0; i < eh.phnum; i++) {
		uintptr_t lo = bias + ph[i].vaddr;
		if (ph[i].type == PT_LOAD && (ph[i].flags & PF_X) && pc >= lo && pc - lo < ph[i].memsz)
			in_text = 1;
		if (ph[i].type == PT_GNU_EH_FRAME)
			eh_frame = lo;
	}
	return in_text ? eh_frame : 0;
}

/* .eh_frame_hdr of the object mapped around pc, or 0. */
static uintptr_t find_eh_hdr(uintptr_t pc)
{
	uintptr_t page = pc & ~(PAGE - 1);
	for (int i = 0; i < MAX_BACK && page; i++, page -= PAGE) {
		uint32_t magic;
		/* No vm_is_mapped here: the rewriter calls this under its
		 * lock, which a fork takes after vm_lock (rewrite.c). */
		if (!vm_guest_range_ok(page, PAGE) || copy_in(&magic, (const void *)page, 4))
			return 0;
		if (magic != 0x464c457fU)
			continue;
		/* The first header met going down is the object's own, unless
		 * the object lacks unwind tables or pc is in another object's
		 * gap: either way, stop. */
		return eh_hdr_of(page, pc);
	}
	return 0;
}

static uint64_t uleb(const uint8_t *p, size_t n, size_t *at)
{
	uint64_t v = 0;
	for (int shift = 0; *at < n && shift < 64; shift += 7) {
		uint8_t b = p[(*at)++];
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	*at = n + 1; /* marks an error */
	return 0;
}

/* Size in bytes of a DWARF pointer encoding this code reads (4- and
 * 8-byte forms, absolute or pc-relative), or 0. */
static int enc_size(uint8_t enc)
{
	if ((enc & 0x70) != 0x00 && (enc & 0x70) != 0x10)
		return 0;
	switch (enc & 0x0f) {
	case 0x03: case 0x0b: return 4;
	case 0x00: case 0x04: case 0x0c: return 8;
	default: return 0;
	}
}

static int64_t enc_value(const uint8_t *p, uint8_t enc)
{
	if (enc_size(enc) == 8) {
		int64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	uint32_t u;
	memcpy(&u, p, 4);
	return (enc & 0x0f) == 0x0b ? (int64_t)(int32_t)u : (int64_t)u;
}

/* The FDE pointer encoding of the CIE at cie ("zR..." augmentation), or
 * -1. */
static int cie_fde_encoding(uintptr_t cie)
{
	uint8_t c[64];
	if (copy_in(c, (const void *)cie, sizeof(c)))
		return -1;
	uint32_t len, id;
	memcpy(&len, c, 4);
	memcpy(&id, c + 4, 4);
	if (len < 8 || len == 0xffffffffU || id != 0 || (c[8] != 1 && c[8] != 3))
		return -1;
	size_t at = 9;
	const char *aug = (const char *)c + at;
	size_t auglen = strnlen(aug, sizeof(c) - at);
	if (aug[0] != 'z' || at + auglen >= sizeof(c))
		return -1;
	at += auglen + 1;
	uleb(c, sizeof(c), &at); /* code alignment */
	uleb(c, sizeof(c), &at); /* data alignment (sleb: same length) */
	if (c[8] == 1)
		at++;
	else
		uleb(c, sizeof(c), &at);
	uleb(c, sizeof(c), &at); /* augmentation data length */
	for (size_t i = 1; i < auglen; i++) {
		if (at >= sizeof(c))
			return -1;
		switch (aug[i]) {
		case 'L': at++; break;
		case 'R': return c[at];
		case 'P': {
			int n = enc_size(c[at]);
			if (!n)
				return -1;
			at += 1 + (size_t)n;
			break;
		}
		case 'S': case 'B': break;
		default: return -1;
		}
	}
	return -1;
}

/* Bounds of the FDE at fde (table entry says it begins at begin). */
static int fde_bounds(uintptr_t fde, uintptr_t begin, uintptr_t *start, uintptr_t *end)
{
	uint8_t f[24];
	uint32_t len, cie_ptr;
	if (copy_in(f, (const void *)fde, sizeof(f)))
		return -1;
	memcpy(&len, f, 4);
	memcpy(&cie_ptr, f + 4, 4);
	if (len < 16 || len == 0xffffffffU || cie_ptr == 0)
		return -1;
	int enc = cie_fde_encoding(fde + 4 - cie_ptr);
	int n = enc < 0 ? 0 : enc_size((uint8_t)enc);
	if (!n)
		return -1;
	uintptr_t pc_begin = (uintptr_t)enc_value(f + 8, (uint8_t)enc);
	if ((enc & 0x70) == 0x10)
		pc_begin += fde + 8;
	uint64_t range = (uint64_t)enc_value(f + 8 + n, (uint8_t)(enc & 0x0f));
	if (pc_begin != begin || range == 0 || range > (1UL << 30))
		return -1;
	*start = pc_begin;
	*end = pc_begin + range;
	return 0;
}

int func_bounds(uintptr_t pc, uintptr_t *start, uintptr_t *end)
{
	uintptr_t eh = find_eh_hdr(pc);
	uint8_t h[12];
	if (!eh || copy_in(h, (const void *)eh, sizeof(h)))
		return -1;
	/* version 1; table: datarel sdata4 pairs (initial location, FDE). */
	if (h[0] != 1 || h[3] != 0x3b || enc_size(h[1]) != 4 || enc_size(h[2]) != 4 ||
	    (h[2] & 0x70) != 0)
		return -1;
	uint32_t count;
	memcpy(&count, h + 8, 4);
	uintptr_t table = eh + 12;
	/* The last entry whose initial location is <= pc. */
	long lo = 0, hi = (long)count - 1, found = -1;
	int32_t e[2];
	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;
		if (copy_in(e, (const void *)(table + (uintptr_t)mid * 8), 8))
			return -1;
		if (eh + (uintptr_t)(intptr_t)e[0] <= pc)
			found = mid, lo = mid + 1;
		else
			hi = mid - 1;
	}
	if (found < 0 || copy_in(e, (const void *)(table + (uintptr_t)found * 8), 8))
		return -1;
	if (fde_bounds(eh + (uintptr_t)(intptr_t)e[1], eh + (uintptr_t)(intptr_t)e[0], start, end))
		return -1;
	return pc >= *start && pc < *end ? 0 : -1;
}
