/* procfs_cpu.c — /proc/cpuinfo, read from the cpuid instruction (which
 * is not a system call and touches no vector state) and laid out as
 * Linux does: one block per CPU the sandbox may use. */
#include "kernel/procfs.h"

struct regs {
	uint32_t a, b, c, d;
};

static void cpuid(uint32_t leaf, uint32_t sub, struct regs *r)
{
	__asm__ volatile("cpuid" : "=a"(r->a), "=b"(r->b), "=c"(r->c), "=d"(r->d)
			 : "a"(leaf), "c"(sub));
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* What every block repeats. */
struct cpu_desc {
	char vendor[13];
	char model_name[49];
	unsigned family, model, stepping, level;
	unsigned clflush, cache_kb, phys_bits, virt_bits;
	uint64_t khz;
	uint32_t words[8];      /* feature registers, in the order of flag_names */
};

/* Linux's names of the feature bits ("" = not shown), by register:
 * 1:EDX, 80000001:EDX, 1:ECX, 80000001:ECX, 7:EBX, D.1:EAX, 7:ECX, 7:EDX. */
static const char *const flag_names[8][32] = {
	{ "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", "", "sep",
	  "mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", "", "dts", "acpi",
	  "mmx", "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe" },
	{ [11] = "syscall", [19] = "mp", [20] = "nx", [22] = "mmxext", [25] = "fxsr_opt",
	  [26] = "pdpe1gb", [27] = "rdtscp", [29] = "lm", [30] = "3dnowext", [31] = "3dnow" },
	{ "pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2",
	  "ssse3", "cid", "sdbg", "fma", "cx16", "xtpr", "pdcm", "", "pcid", "dca", "sse4_1",
	  "sse4_2", "x2apic", "movbe", "popcnt", "tsc_deadline_timer", "aes", "xsave", "",
	  "avx", "f16c", "rdrand", "hypervisor" },
	{ "lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm", "sse4a",
	  "misalignsse", "3dnowprefetch", "osvw", "ibs", "xop", "skinit", "wdt", "", "lwp",
	  "fma4", "tce", "", "nodeid_msr", "", "tbm", "topoext", "perfctr_core",
	  "perfctr_nb", "", "bpext", "ptsc", "perfctr_llc", "mwaitx" },
	{ "fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", "", "smep", "bmi2", "erms",
	  "invpcid", "rtm", "cqm", "", "mpx", "rdt_a", "avx512f", "avx512dq", "rdseed", "adx",
	  "smap", "avx512ifma", "", "clflushopt", "clwb", "intel_pt", "avx512pf", "avx512er",
	  "avx512cd", "sha_ni", "avx512bw", "avx512vl" },
	{ "xsaveopt", "xsavec", "xgetbv1", "xsaves" },
	{ [1] = "avx512vbmi", [2] = "umip", [3] = "pku", [4] = "ospke", [5] = "waitpkg",
	  [6] = "avx512_vbmi2", [8] = "gfni", [9] = "vaes", [10] = "vpclmulqdq",
	  [11] = "avx512_vnni", [12] = "avx512_bitalg", [13] = "tme",
	  [14] = "avx512_vpopcntdq", [16] = "la57", [22] = "rdpid", [24] = "bus_lock_detect",
	  [25] = "cldemote", [27] = "movdiri", [28] = "movdir64b", [29] = "enqcmd",
	  [30] = "sgx_lc" },
	{ [2] = "avx512_4vnniw", [3] = "avx512_4fmaps", [4] = "fsrm",
	  [8] = "avx512_vp2intersect", [9] = "srbds_ctrl", [10] = "md_clear",
	  [11] = "rtm_always_abort", [13] = "tsx_force_abort", [14] = "serialize",
	  [16] = "tsxldtrk", [18] = "pconfig", [19] = "arch_lbr", [20] = "ibt",
	  [22] = "amx_bf16", [23] = "avx512_fp16", [24] = "amx_tile", [25] = "amx_int8",
	  [28] = "flush_l1d", [29] = "arch_capabilities" },
};

/* The brand string, without the padding some CPUs put in front. */
static void read_brand(struct cpu_desc *d, uint32_t ext_max)
{
	char raw[49];
	memset(raw, 0, sizeof(raw));
	for (uint32_t i = 0; i < 3 && ext_max >= 0x80000004; i++) {
		struct regs r;
		cpuid(0x80000002 + i, 0, &r);
		memcpy(raw + i * 16, &r, 16);
	}
	const char *s = raw;
	while (*s == ' ')
		s++;
	strlcpy(d->model_name, *s ? s : "unknown", sizeof(d->model_name));
}

/* Size in kB of the largest cache level (Intel's leaf 4), or AMD's L2. */
static unsigned cache_size(uint32_t max, uint32_t ext_max, int amd)
{
	struct regs r;
	if (amd && ext_max >= 0x80000006) {
		cpuid(0x80000006, 0, &r);
		return r.c >> 16;
	}
	unsigned best = 0, best_level = 0;
	for (uint32_t i = 0; max >= 4 && i < 16; i++) {
		cpuid(4, i, &r);
		if ((r.a & 0x1f) == 0)
			break;
		unsigned level = (r.a >> 5) & 7;
		uint64_t size = (uint64_t)((r.b >> 22) + 1) * (((r.b >> 12) & 0x3ff) + 1) *
				((r.b & 0xfff) + 1) * ((uint64_t)r.c + 1);
		if (level >= best_level)
			best_level = level, best = (unsigned)(size >> 10);
	}
	return best;
}

/* The TSC's rate, measured once against the monotonic clock over 2 ms. */
static uint64_t measure_khz(void)
{
	struct b_timespec t0, t1;
	plat_clock_get(1, &t0);
	uint64_t c0 = rdtsc(), ns;
	do {
		plat_clock_get(1, &t1);
		ns = (uint64_t)((t1.sec - t0.sec) * 1000000000LL + t1.nsec - t0.nsec);
	} while (ns < 2000000);
	return (rdtsc() - c0) * 1000000 / ns;
}

static void read_features(struct cpu_desc *d, uint32_t max, uint32_t ext_max)
{
	struct regs r;
	cpuid(1, 0, &r);
	d->words[0] = r.d, d->words[2] = r.c;
	d->stepping = r.a & 0xf;
	d->family = (r.a >> 8) & 0xf;
	d->model = (r.a >> 4) & 0xf;
	if (d->family == 0xf)
		d->family += (r.a >> 20) & 0xff;
	if (d->family >= 6)
		d->model += ((r.a >> 16) & 0xf) << 4;
	d->clflush = ((r.b >> 8) & 0xff) * 8;
	if (ext_max >= 0x80000001) {
		cpuid(0x80000001, 0, &r);
		d->words[1] = r.d, d->words[3] = r.c;
	}
	if (max >= 7) {
		cpuid(7, 0, &r);
		d->words[4] = r.b, d->words[6] = r.c, d->words[7] = r.d;
	}
	if (max >= 0xd) {
		cpuid(0xd, 1, &r);
		d->words[5] = r.a;
	}
	d->phys_bits = 36, d->virt_bits = 48;
	if (ext_max >= 0x80000008) {
		cpuid(0x80000008, 0, &r);
		d->phys_bits = r.a & 0xff, d->virt_bits = (r.a >> 8) & 0xff;
	}
}

static void describe(struct cpu_desc *d)
{
	struct regs r;
	memset(d, 0, sizeof(*d));
	cpuid(0, 0, &r);
	uint32_t max = r.a;
	memcpy(d->vendor, &r.b, 4);
	memcpy(d->vendor + 4, &r.d, 4);
	memcpy(d->vendor + 8, &r.c, 4);
	d->level = max;
	cpuid(0x80000000, 0, &r);
	uint32_t ext_max = r.a >= 0x80000000 ? r.a : 0;
	read_brand(d, ext_max);
	read_features(d, max, ext_max);
	d->cache_kb = cache_size(max, ext_max, !strcmp(d->vendor, "AuthenticAMD"));
	d->khz = measure_khz();
}

static struct cpu_desc cached_desc;
static int cached_state; /* 0 none, 1 being made, 2 ready */

/* The description, made once. */
static const struct cpu_desc *cpu_desc(void)
{
	int expect = 0;
	if (__atomic_compare_exchange_n(&cached_state, &expect, 1, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		describe(&cached_desc);
		__atomic_store_n(&cached_state, 2, __ATOMIC_RELEASE);
	}
	while (__atomic_load_n(&cached_state, __ATOMIC_ACQUIRE) != 2)
		__asm__ volatile("pause");
	return &cached_desc;
}

static void put_flags(struct pbuf *b, const struct cpu_desc *d)
{
	pb_printf(b, "flags\t\t:");
	for (int w = 0; w < 8; w++)
		for (int bit = 0; bit < 32; bit++)
			if ((d->words[w] >> bit) & 1 && flag_names[w][bit] && flag_names[w][bit][0])
				pb_printf(b, " %s", flag_names[w][bit]);
	pb_printf(b, "\n");
}

static void put_block(struct pbuf *b, const struct cpu_desc *d, int cpu, int ncpu)
{
	pb_printf(b, "processor\t: %d\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n", cpu,
		  d->vendor, d->family, d->model);
	pb_printf(b, "model name\t: %s\nstepping\t: %u\nmicrocode\t: 0xffffffff\n", d->model_name,
		  d->stepping);
	pb_printf(b, "cpu MHz\t\t: %lu.%03lu\ncache size\t: %u KB\n", d->khz / 1000, d->khz % 1000,
		  d->cache_kb);
	pb_printf(b, "physical id\t: 0\nsiblings\t: %d\ncore id\t\t: %d\ncpu cores\t: %d\n", ncpu,
		  cpu, ncpu);
	pb_printf(b, "apicid\t\t: %d\ninitial apicid\t: %d\nfpu\t\t: yes\nfpu_exception\t: yes\n",
		  cpu, cpu);
	pb_printf(b, "cpuid level\t: %u\nwp\t\t: yes\n", d->level);
	put_flags(b, d);
	uint64_t bogo = d->khz / 5; /* 2 * MHz, in hundredths */
	pb_printf(b, "bugs\t\t:\nbogomips\t: %lu.%02lu\n", bogo / 100, bogo % 100);
	pb_printf(b, "clflush size\t: %u\ncache_alignment\t: %u\n", d->clflush, d->clflush);
	pb_printf(b, "address sizes\t: %u bits physical, %u bits virtual\npower management:\n\n",
		  d->phys_bits, d->virt_bits);
}

void proc_gen_cpuinfo(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	const struct cpu_desc *d = cpu_desc();
	int ncpu = plat_cpu_count();
	for (int i = 0; i < ncpu; i++)
		put_block(b, d, i, ncpu);
}
