/* test_x86dec.c — src/lib/x86dec.c: instruction lengths and kinds against
 * byte sequences whose decoding objdump confirmed, refusals, and a sweep
 * over the host's libc.so.6 compared with objdump's own decoding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "lib/x86dec.h"

struct known {
	const char *hex;   /* the instruction's bytes */
	int kind;
	int rel_at, rel_size, rip_at;
	const char *what;  /* objdump's reading */
};

static const struct known known[] = {
	{ "b801000000", X86_PLAIN, 0, 0, 0, "mov $0x1,%eax" },
	{ "48c7c0ffffffff", X86_PLAIN, 0, 0, 0, "mov $-1,%rax" },
	{ "31c0", X86_PLAIN, 0, 0, 0, "xor %eax,%eax" },
	{ "0f05", X86_SYSCALL, 0, 0, 0, "syscall" },
	{ "803d3133 0e0000", X86_PLAIN, 0, 0, 2, "cmpb $0x0,0xe3331(%rip)" },
	{ "7417", X86_JCC, 1, 1, 0, "je +0x17" },
	{ "0f8410000000", X86_JCC, 2, 4, 0, "je rel32" },
	{ "eb b7", X86_JMP, 1, 1, 0, "jmp rel8" },
	{ "e9d0feffff", X86_JMP, 1, 4, 0, "jmp rel32" },
	{ "e849d5f8ff", X86_CALL, 1, 4, 0, "call rel32" },
	{ "c3", X86_RET, 0, 0, 0, "ret" },
	{ "c20800", X86_RET, 0, 0, 0, "ret $8" },
	{ "f30f1efa", X86_PLAIN, 0, 0, 0, "endbr64" },
	{ "488b15c9aa0d00", X86_PLAIN, 0, 0, 3, "mov 0xdaac9(%rip),%rdx" },
	{ "648902", X86_PLAIN, 0, 0, 0, "mov %eax,%fs:(%rdx)" },
	{ "648b042518000000", X86_PLAIN, 0, 0, 0, "mov %fs:0x18,%eax" },
	{ "4889542418", X86_PLAIN, 0, 0, 0, "mov %rdx,0x18(%rsp)" },
	{ "66 2e0f1f840000000000", X86_PLAIN, 0, 0, 0, "cs nopw 0x0(%rax,%rax,1)" },
	{ "0f1f4000", X86_PLAIN, 0, 0, 0, "nopl 0x0(%rax)" },
	{ "4c8b5c2408", X86_PLAIN, 0, 0, 0, "mov 0x8(%rsp),%r11" },
	{ "49 89ca", X86_PLAIN, 0, 0, 0, "mov %rcx,%r10" },
	{ "41b8 08000000", X86_PLAIN, 0, 0, 0, "mov $0x8,%r8d" },
	{ "48b8 efcdab8967452301", X86_PLAIN, 0, 0, 0, "movabs $imm64,%rax" },
	{ "66b8 3412", X86_PLAIN, 0, 0, 0, "mov $0x1234,%ax" },
	{ "48a1 0000000000000000", X86_PLAIN, 0, 0, 0, "movabs 0x0,%rax" },
	{ "c7442408 01000000", X86_PLAIN, 0, 0, 0, "movl $0x1,0x8(%rsp)" },
	{ "66c74424080100", X86_PLAIN, 0, 0, 0, "movw $0x1,0x8(%rsp)" },
	{ "f6c201", X86_PLAIN, 0, 0, 0, "test $0x1,%dl" },
	{ "f7c200010000", X86_PLAIN, 0, 0, 0, "test $0x100,%edx" },
	{ "f7d8", X86_PLAIN, 0, 0, 0, "neg %eax" },
	{ "ff2550cf1a00", X86_IND, 0, 0, 2, "jmp *0x1acf50(%rip)" },
	{ "f2ff2550cf1a00", X86_IND, 0, 0, 3, "bnd jmp *(%rip)" },
	{ "ffd0", X86_IND, 0, 0, 0, "call *%rax" },
	{ "3effe0", X86_IND, 0, 0, 0, "notrack jmp *%rax" },
	{ "ff742408", X86_PLAIN, 0, 0, 0, "push 0x8(%rsp)" },
	{ "48 8d 05 f9 ff ff ff", X86_PLAIN, 0, 0, 3, "lea -0x7(%rip),%rax" },
	{ "8b 04 85 00 00 00 00", X86_PLAIN, 0, 0, 0, "mov 0x0(,%rax,4),%eax" },
	{ "8b 44 24 08", X86_PLAIN, 0, 0, 0, "mov 0x8(%rsp),%eax" },
	{ "8b 45 00", X86_PLAIN, 0, 0, 0, "mov 0x0(%rbp),%eax" },
	{ "8b 84 24 00 01 00 00", X86_PLAIN, 0, 0, 0, "mov 0x100(%rsp),%eax" },
	{ "f0 0f b1 17", X86_PLAIN, 0, 0, 0, "lock cmpxchg %edx,(%rdi)" },
	{ "40 80 f6 80", X86_PLAIN, 0, 0, 0, "xor $0x80,%sil" },
	{ "0f 11 07", X86_PLAIN, 0, 0, 0, "movups %xmm0,(%rdi)" },
	{ "66 0f 3a 0f c1 08", X86_PLAIN, 0, 0, 0, "palignr $0x8,%xmm1,%xmm0" },
	{ "66 0f 38 00 c1", X86_PLAIN, 0, 0, 0, "pshufb %xmm1,%xmm0" },
	{ "66 0f 70 c0 00", X86_PLAIN, 0, 0, 0, "pshufd $0x0,%xmm0,%xmm0" },
	{ "c5 fd 74 0f", X86_PLAIN, 0, 0, 0, "vpcmpeqb (%rdi),%ymm0,%ymm1" },
	{ "c5 f8 77", X86_PLAIN, 0, 0, 0, "vzeroupper" },
	{ "c4 e3 7d 38 c1 01", X86_PLAIN, 0, 0, 0, "vinserti128 $0x1,%xmm1,%ymm0,%ymm0" },
	{ "c4 e2 7d 78 c0", X86_PLAIN, 0, 0, 0, "vpbroadcastb %xmm0,%ymm0" },
	{ "c5 fe 6f 05 10 00 00 00", X86_PLAIN, 0, 0, 4, "vmovdqu 0x10(%rip),%ymm0" },
	{ "62 e1 fe 28 6f 06", X86_PLAIN, 0, 0, 0, "vmovdqu64 (%rsi),%ymm16" },
	{ "62 b3 7d 20 3f c0 00", X86_PLAIN, 0, 0, 0, "vpcmpb $0x0,%ymm16,%ymm0,%k0" },
	{ "62 e1 fe 48 6f 46 01", X86_PLAIN, 0, 0, 0, "vmovdqu64 0x40(%rsi),%zmm16" },
	{ "62 f1 7c 48 10 05 00 00 00 00", X86_PLAIN, 0, 0, 6, "vmovups 0x0(%rip),%zmm0" },
	{ "0f a2", X86_PLAIN, 0, 0, 0, "cpuid" },
	{ "0f 31", X86_PLAIN, 0, 0, 0, "rdtsc" },
	{ "0f 0b", X86_TRAP, 0, 0, 0, "ud2" },
	{ "cc", X86_TRAP, 0, 0, 0, "int3" },
	{ "cd 80", X86_TRAP, 0, 0, 0, "int $0x80" },
	{ "f4", X86_TRAP, 0, 0, 0, "hlt" },
	{ "e3 fe", X86_LOOP, 1, 1, 0, "jrcxz" },
	{ "e2 fe", X86_LOOP, 1, 1, 0, "loop" },
	{ "c7 f8 00 00 00 00", X86_LOOP, 2, 4, 0, "xbegin" },
	{ "c6 f8 ff", X86_PLAIN, 0, 0, 0, "xabort $0xff" },
	{ "c8 10 00 00", X86_PLAIN, 0, 0, 0, "enter $0x10,$0x0" },
	{ "d9 7c 24 fc", X86_PLAIN, 0, 0, 0, "fnstcw -0x4(%rsp)" },
	{ "0f ae 5c 24 fc", X86_PLAIN, 0, 0, 0, "stmxcsr -0x4(%rsp)" },
	{ "48 0f c7 0e", X86_PLAIN, 0, 0, 0, "cmpxchg16b (%rsi)" },
	{ "69 c0 10 27 00 00", X86_PLAIN, 0, 0, 0, "imul $0x2710,%eax,%eax" },
	{ "6b c0 0a", X86_PLAIN, 0, 0, 0, "imul $0xa,%eax,%eax" },
	{ "0f ba e0 03", X86_PLAIN, 0, 0, 0, "bt $0x3,%eax" },
	{ "8f 04 24", X86_PLAIN, 0, 0, 0, "pop (%rsp)" },
};

/* Bytes written as hex, spaces allowed; returns the count. */
static int unhex(const char *s, uint8_t *out)
{
	int n = 0;
	while (*s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		unsigned v;
		sscanf(s, "%2x", &v);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static void test_known(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		uint8_t b[32];
		memset(b, 0x90, sizeof(b)); /* bytes after the instruction: nops */
		int n = unhex(known[i].hex, b);
		struct x86_insn in;
		int len = x86_decode(b, sizeof(b), &in);
		if (len != n || in.kind != known[i].kind || in.rel_at != known[i].rel_at ||
		    in.rel_size != known[i].rel_size || in.rip_at != known[i].rip_at)
			fail_msg("%s (%s): len %d want %d, kind %d want %d, rel %d/%d, rip %d",
				 known[i].what, known[i].hex, len, n, in.kind, known[i].kind,
				 in.rel_at, in.rel_size, in.rip_at);
		/* Cut short, the same bytes are refused. */
		assert_int_equal(x86_decode(b, (size_t)n - 1, &in), 0);
	}
}

static void test_refused(void **state)
{
	(void)state;
	static const char *bad[] = {
		"06", "27", "60", "9a 00 00 00 00 00 00", "ea 00 00 00 00 00 00", "ec", "e4 60",
		"6c", "0f 0f c1 90", "0f 20 c0", "0f 30", "8f e8 78 c2 c1 08", "48 66 90",
		"48 48 90", "66 e8 00 00", "66 c5 f8 77", "48 c5 f8 77", "c4 e0 7d 00 c0",
		"67 8b 05 00 00 00 00", "ff f8", "0f 07", "0f 34", "ce", "d4 0a",
		"66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t b[32];
		memset(b, 0x90, sizeof(b));
		unhex(bad[i], b);
		struct x86_insn in;
		if (x86_decode(b, sizeof(b), &in) != 0)
			fail_msg("accepted %s as %d bytes", bad[i], in.len);
	}
}

static void test_branch_target(void **state)
{
	(void)state;
	uint8_t b[16];
	struct x86_insn in;
	int n = unhex("eb b7", b);
	assert_int_equal(x86_decode(b, (size_t)n, &in), 2);
	assert_int_equal(x86_branch_target(b, &in, 0xf833b), 0xf82f4);
	n = unhex("e8 49 d5 f8 ff", b);
	assert_int_equal(x86_decode(b, (size_t)n, &in), 5);
	assert_int_equal(x86_branch_target(b, &in, 0xf82d2), 0x85820);
	n = unhex("0f 84 10 00 00 00", b);
	assert_int_equal(x86_decode(b, (size_t)n, &in), 6);
	assert_int_equal(x86_branch_target(b, &in, 0x1000), 0x1016);
}

/* Every instruction objdump finds in libc.so.6's code, decoded here too:
 * the same length (fwait, which objdump glues to the x87 instruction
 * after it, excepted). Skipped when objdump or libc is not there. */
static void test_libc_sweep(void **state)
{
	(void)state;
	const char *lib = "/lib/x86_64-linux-gnu/libc.so.6";
	FILE *f = fopen(lib, "rb");
	if (!f)
		skip();
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	rewind(f);
	uint8_t *img = malloc((size_t)size);
	assert_true(fread(img, 1, (size_t)size, f) == (size_t)size);
	fclose(f);
	/* libc's text is mapped with file offset == address. */
	FILE *p = popen("objdump -d -w /lib/x86_64-linux-gnu/libc.so.6 2>/dev/null", "r");
	assert_non_null(p);
	char line[512];
	long seen = 0, wrong = 0;
	while (fgets(line, sizeof(line), p)) {
		unsigned long addr;
		int off;
		if (sscanf(line, " %lx:\t%n", &addr, &off) != 1 || !strchr(line + off, '\t'))
			continue;
		uint8_t want[32];
		char *tab = strchr(line + off, '\t');
		*tab = 0;
		int n = unhex(line + off, want);
		if (strstr(tab + 1, "(bad)") || (want[0] == 0x9b && n > 1) || addr + 15 > (unsigned long)size)
			continue;
		struct x86_insn in;
		int len = x86_decode(img + addr, 15, &in);
		seen++;
		if (len != n && wrong++ < 10)
			print_message("%lx: objdump %d bytes, x86_decode %d (%s)\n", addr, n, len, line + off);
	}
	int status = pclose(p);
	free(img);
	if (seen == 0 && status != 0)
		skip();
	assert_true(seen > 100000);
	assert_int_equal(wrong, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_branch_target),
		cmocka_unit_test(test_libc_sweep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
