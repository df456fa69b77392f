/* x86dec.h — an x86-64 instruction-length decoder for the rewriter.
 *
 * It knows the shape of 64-bit-mode instructions (legacy prefixes, REX,
 * VEX, EVEX, the one-, two- and three-byte opcode maps, ModRM, SIB,
 * displacement and immediate sizes, after the Intel SDM's opcode maps)
 * and what the rewriter must know about each: its length, whether it
 * transfers control, where a relative branch offset or a rip-relative
 * displacement sits. It does not know what an instruction computes.
 * Whatever it does not recognise it refuses (length 0): the rewriter
 * then leaves that code alone.
 */
#ifndef LIB_X86DEC_H
#define LIB_X86DEC_H

#include <stddef.h>
#include <stdint.h>

enum x86_kind {
	X86_PLAIN,    /* falls through to the next instruction */
	X86_JCC,      /* conditional relative branch (jcc rel8/rel32) */
	X86_JMP,      /* unconditional relative jump (jmp rel8/rel32) */
	X86_CALL,     /* call rel32 */
	X86_LOOP,     /* loop/loope/loopne/jrcxz rel8, xbegin rel32 */
	X86_IND,      /* indirect jmp/call (ff /2../5), far transfers */
	X86_RET,      /* ret, iret, retf */
	X86_SYSCALL,  /* syscall, sysenter */
	X86_TRAP,     /* int3, int n, int1, ud0/1/2, hlt: never falls through normally */
};

struct x86_insn {
	uint8_t len;       /* total length in bytes (1..15) */
	uint8_t kind;      /* enum x86_kind */
	uint8_t rel_at;    /* offset of the relative branch field, 0 if none */
	uint8_t rel_size;  /* 1 or 4, 0 if none */
	uint8_t rip_at;    /* offset of a rip-relative disp32, 0 if none */
	uint8_t opcode;    /* last opcode byte */
	uint8_t map;       /* 0: one-byte map, 1: 0F, 2: 0F38, 3: 0F3A, 5/6: EVEX maps */
};

/* Decode the instruction at p (at most avail bytes readable). Returns its
 * length and fills *in, or 0 if the bytes are not an instruction this
 * decoder knows in 64-bit mode (or run past avail). */
int x86_decode(const uint8_t *p, size_t avail, struct x86_insn *in);

/* The target of a relative branch decoded at address pc (in->rel_size
 * must be non-zero). */
uint64_t x86_branch_target(const uint8_t *p, const struct x86_insn *in, uint64_t pc);

#endif
