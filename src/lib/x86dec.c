/* x86dec.c — x86-64 instruction lengths (see x86dec.h).
 *
 * Written from the Intel SDM volume 2, appendix A (opcode maps) and
 * chapter 2 (instruction format): prefixes, then REX, then an opcode of
 * one to three bytes (or a VEX/EVEX prefix carrying the map), then ModRM,
 * SIB, displacement and immediate. Privileged, I/O and 32-bit-only
 * opcodes are refused: guest code the rewriter patches never needs them.
 */
#include "lib/x86dec.h"

/* Operand shape of an opcode. */
#define M    0x01 /* ModRM follows */
#define I8   0x02 /* imm8 */
#define IZ   0x04 /* imm16 or imm32 by operand size */
#define I16  0x08 /* imm16 */
#define SP   0x40 /* handled case by case in decode() */
#define X    0x80 /* refused */

static const uint8_t map0[256] = {
	/* 00 */ M, M, M, M, I8, IZ, X, X, M, M, M, M, I8, IZ, X, SP,
	/* 10 */ M, M, M, M, I8, IZ, X, X, M, M, M, M, I8, IZ, X, X,
	/* 20 */ M, M, M, M, I8, IZ, X, X, M, M, M, M, I8, IZ, X, X,
	/* 30 */ M, M, M, M, I8, IZ, X, X, M, M, M, M, I8, IZ, X, X,
	/* 40 */ X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, /* REX: earlier */
	/* 50 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 60 */ X, X, SP, M, X, X, X, X, IZ, M | IZ, I8, M | I8, X, X, X, X,
	/* 70 */ SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP,
	/* 80 */ M | I8, M | IZ, X, M | I8, M, M, M, M, M, M, M, M, M, M, M, SP,
	/* 90 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, X, 0, 0, 0, 0, 0,
	/* a0 */ SP, SP, SP, SP, 0, 0, 0, 0, I8, IZ, 0, 0, 0, 0, 0, 0,
	/* b0 */ I8, I8, I8, I8, I8, I8, I8, I8, SP, SP, SP, SP, SP, SP, SP, SP,
	/* c0 */ M | I8, M | I8, SP, SP, SP, SP, M | I8, SP, SP, 0, SP, SP, SP, SP, X, SP,
	/* d0 */ M, M, M, M, X, X, X, 0, M, M, M, M, M, M, M, M,
	/* e0 */ SP, SP, SP, SP, X, X, X, X, SP, SP, X, SP, X, X, X, X,
	/* f0 */ X, SP, X, X, SP, 0, SP, SP, 0, 0, 0, 0, 0, 0, M, SP,
};

static const uint8_t map1[256] = {
	/* 00 */ M, M, M, M, X, SP, X, X, X, X, X, SP, X, M, X, X,
	/* 10 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 20 */ X, X, X, X, X, X, X, X, M, M, M, M, M, M, M, M,
	/* 30 */ X, 0, X, 0, X, X, X, X, SP, X, SP, X, X, X, X, X,
	/* 40 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 50 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 60 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 70 */ M | I8, M | I8, M | I8, M | I8, M, M, M, 0, M, M, X, X, M, M, M, M,
	/* 80 */ SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP,
	/* 90 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* a0 */ 0, 0, 0, M, M | I8, M, X, X, 0, 0, X, M, M | I8, M, M, M,
	/* b0 */ M, M, M, M, M, M, M, M, M, SP, M | I8, M, M, M, M, M,
	/* c0 */ M, M, M | I8, M, M | I8, M | I8, M | I8, M, 0, 0, 0, 0, 0, 0, 0, 0,
	/* d0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* e0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* f0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, SP,
};

struct state {
	const uint8_t *p;
	size_t avail, pos;
	int opsize16, addr32, rex_w;
};

static int byte(struct state *s, uint8_t *b)
{
	if (s->pos >= s->avail || s->pos >= 15)
		return -1;
	*b = s->p[s->pos++];
	return 0;
}

static int skip(struct state *s, size_t n)
{
	if (s->pos + n > s->avail || s->pos + n > 15)
		return -1;
	s->pos += n;
	return 0;
}

/* ModRM, SIB and displacement; the ModRM byte is at s->pos. Returns the
 * ModRM byte or -1. Notes a rip-relative displacement in in->rip_at. */
static int modrm(struct state *s, struct x86_insn *in)
{
	uint8_t m, sib;
	if (byte(s, &m))
		return -1;
	int mod = m >> 6, rm = m & 7;
	if (mod == 3)
		return m;
	if (rm == 4) {
		if (byte(s, &sib))
			return -1;
		if (mod == 0 && (sib & 7) == 5)
			return skip(s, 4) ? -1 : m;
	}
	if (mod == 0 && rm == 5) {
		if (s->addr32)
			return -1; /* eip-relative: never emitted, not relocatable */
		in->rip_at = (uint8_t)s->pos;
		return skip(s, 4) ? -1 : m;
	}
	if (mod == 1)
		return skip(s, 1) ? -1 : m;
	if (mod == 2)
		return skip(s, 4) ? -1 : m;
	return m;
}

static int imm(struct state *s, uint8_t shape)
{
	if ((shape & I8) && skip(s, 1))
		return -1;
	if ((shape & I16) && skip(s, 2))
		return -1;
	if ((shape & IZ) && skip(s, s->opsize16 ? 2 : 4))
		return -1;
	return 0;
}

static int rel(struct state *s, struct x86_insn *in, int kind, int size)
{
	if (s->opsize16)
		return -1; /* rel16 branches: Intel and AMD disagree */
	in->kind = (uint8_t)kind;
	in->rel_at = (uint8_t)s->pos;
	in->rel_size = (uint8_t)size;
	return skip(s, (size_t)size);
}

/* Operands of a plain ModRM (+ immediate) instruction. */
static int operands(struct state *s, struct x86_insn *in, uint8_t shape)
{
	if ((shape & M) && modrm(s, in) < 0)
		return -1;
	return imm(s, shape);
}

/* VEX (c4/c5) and EVEX (62): the map comes from the prefix; the
 * immediate from the map and a few opcodes of map 1. */
static int vex(struct state *s, struct x86_insn *in, uint8_t first)
{
	uint8_t p0 = 0, p1, p2, op;
	int map;
	if (first == 0xc5) {
		map = 1;
		if (byte(s, &p1))
			return -1;
	} else if (first == 0xc4) {
		if (byte(s, &p0) || byte(s, &p1))
			return -1;
		map = p0 & 0x1f;
	} else {
		if (byte(s, &p0) || byte(s, &p1) || byte(s, &p2))
			return -1;
		if (!(p1 & 4) || (p0 & 8))
			return -1; /* reserved bits of EVEX */
		map = p0 & 7;
	}
	if (byte(s, &op))
		return -1;
	in->opcode = op;
	in->map = (uint8_t)map;
	if (map == 1 && op == 0x77 && first != 0x62)
		return 0; /* vzeroupper, vzeroall */
	if (map != 1 && map != 2 && map != 3 && !(first == 0x62 && (map == 5 || map == 6)))
		return -1;
	int has_imm = map == 3 ||
		(map == 1 && ((op >= 0x70 && op <= 0x73) || op == 0xc2 || (op >= 0xc4 && op <= 0xc6)));
	return operands(s, in, (uint8_t)(M | (has_imm ? I8 : 0)));
}

/* Opcodes of the 0F map marked SP. */
static int map1_special(struct state *s, struct x86_insn *in, uint8_t op)
{
	uint8_t op2;
	switch (op) {
	case 0x05:
		in->kind = X86_SYSCALL;
		return 0;
	case 0x0b:
		in->kind = X86_TRAP;
		return 0;
	case 0x38: case 0x3a:
		if (byte(s, &op2))
			return -1;
		in->opcode = op2;
		in->map = op == 0x38 ? 2 : 3;
		return operands(s, in, (uint8_t)(op == 0x38 ? M : M | I8));
	case 0xb9: case 0xff:
		in->kind = X86_TRAP; /* ud1, ud0 */
		return operands(s, in, M);
	default:
		if (op >= 0x80 && op <= 0x8f)
			return rel(s, in, X86_JCC, 4);
		return -1;
	}
}

static int group_ff(struct state *s, struct x86_insn *in, int reg)
{
	(void)s;
	if (reg == 7)
		return -1;
	if (reg >= 2 && reg <= 5)
		in->kind = X86_IND;
	return 0;
}

/* ModRM opcodes whose meaning depends on ModRM.reg. */
static int group(struct state *s, struct x86_insn *in, uint8_t op)
{
	if (op == 0xc7 && s->pos < s->avail && s->p[s->pos] == 0xf8) {
		s->pos++;
		return rel(s, in, X86_LOOP, 4); /* xbegin */
	}
	if (op == 0x8f && s->pos < s->avail && ((s->p[s->pos] >> 3) & 7))
		return -1; /* XOP */
	int m = modrm(s, in);
	if (m < 0)
		return -1;
	int reg = (m >> 3) & 7;
	switch (op) {
	case 0xc7:
		return reg == 0 ? imm(s, IZ) : -1;
	case 0xf6: case 0xf7:
		return reg <= 1 ? imm(s, op == 0xf6 ? I8 : IZ) : 0;
	case 0xff:
		return group_ff(s, in, reg);
	default: /* 8f */
		return 0;
	}
}

/* One-byte opcodes marked SP. */
static int map0_special(struct state *s, struct x86_insn *in, uint8_t op)
{
	if (op >= 0x70 && op <= 0x7f)
		return rel(s, in, X86_JCC, 1);
	if (op >= 0xb8 && op <= 0xbf)
		return skip(s, s->rex_w ? 8 : s->opsize16 ? 2 : 4);
	if (op >= 0xa0 && op <= 0xa3)
		return skip(s, s->addr32 ? 4 : 8); /* moffs */
	if (op >= 0xe0 && op <= 0xe3)
		return rel(s, in, X86_LOOP, 1);
	switch (op) {
	case 0xeb: return rel(s, in, X86_JMP, 1);
	case 0xe9: return rel(s, in, X86_JMP, 4);
	case 0xe8: return rel(s, in, X86_CALL, 4);
	case 0xc3: case 0xcb: case 0xcf:
		in->kind = X86_RET;
		return 0;
	case 0xc2: case 0xca:
		in->kind = X86_RET;
		return skip(s, 2);
	case 0xc8: return skip(s, 3); /* enter imm16, imm8 */
	case 0xcc: case 0xf1: case 0xf4:
		in->kind = X86_TRAP;
		return 0;
	case 0xcd:
		in->kind = X86_TRAP;
		return skip(s, 1);
	case 0x62: case 0xc4: case 0xc5:
		return vex(s, in, op);
	case 0x0f:
		if (byte(s, &op))
			return -1;
		in->opcode = op;
		in->map = 1;
		if (map1[op] & X)
			return -1;
		if (map1[op] & SP)
			return map1_special(s, in, op);
		return operands(s, in, map1[op]);
	default: /* 8f c7 f6 f7 ff */
		return group(s, in, op);
	}
}

/* Legacy prefixes, then REX. Returns the opcode byte or -1. */
static int prefixes(struct state *s, int *vex_ok)
{
	uint8_t b;
	int rex = 0;
	*vex_ok = 1;
	for (;;) {
		if (byte(s, &b))
			return -1;
		int legacy = 1;
		switch (b) {
		case 0x66: s->opsize16 = 1; *vex_ok = 0; break;
		case 0xf0: case 0xf2: case 0xf3: *vex_ok = 0; break;
		case 0x67: s->addr32 = 1; break;
		case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65: break;
		default: legacy = 0; break;
		}
		/* A REX prefix must come last: a legacy prefix after it voids it. */
		if (rex && (legacy || (b & 0xf0) == 0x40))
			return -1;
		if (legacy)
			continue;
		if ((b & 0xf0) == 0x40) {
			rex = b;
			s->rex_w = (b >> 3) & 1;
			*vex_ok = 0;
			continue;
		}
		if (s->rex_w)
			s->opsize16 = 0; /* REX.W wins over 66 */
		return b;
	}
}

int x86_decode(const uint8_t *p, size_t avail, struct x86_insn *in)
{
	struct state s = { .p = p, .avail = avail };
	*in = (struct x86_insn){ .kind = X86_PLAIN };
	int vex_ok, op = prefixes(&s, &vex_ok);
	if (op < 0)
		return 0;
	in->opcode = (uint8_t)op;
	uint8_t shape = map0[op];
	if (shape & X)
		return 0;
	if ((op == 0x62 || op == 0xc4 || op == 0xc5) && !vex_ok)
		return 0;
	int r = (shape & SP) ? map0_special(&s, in, (uint8_t)op) : operands(&s, in, shape);
	if (r < 0)
		return 0;
	in->len = (uint8_t)s.pos;
	return in->len;
}

uint64_t x86_branch_target(const uint8_t *p, const struct x86_insn *in, uint64_t pc)
{
	int64_t d;
	if (in->rel_size == 1) {
		d = (int8_t)p[in->rel_at];
	} else {
		int32_t v = (int32_t)((uint32_t)p[in->rel_at] | (uint32_t)p[in->rel_at + 1] << 8 |
				      (uint32_t)p[in->rel_at + 2] << 16 |
				      (uint32_t)p[in->rel_at + 3] << 24);
		d = v;
	}
	return pc + in->len + (uint64_t)d;
}
