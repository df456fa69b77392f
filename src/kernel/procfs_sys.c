/* procfs_sys.c — the system-wide files of /proc (memory, CPU times,
 * uptime, load, version) and /proc/sys, and the memory figures they
 * share with sysinfo(2) (mem_info). The sandbox describes a machine of
 * its own: it does not reveal the host's memory or load. */
#include "kernel/procfs.h"
#include "lib/fmt.h"

#define FILE_(n, perm, g) { .name = (n), .mode = P_REG(perm), .gen = (g) }
#define TEXT(n, t) { .name = (n), .mode = P_REG(0444), .text = (t) }
#define LINK(n, g) { .name = (n), .mode = P_LNK, .gen = (g) }
#define LINK_TO(n, t) { .name = (n), .mode = P_LNK, .text = (t) }
#define SUBDIR(n, tbl) { .name = (n), .mode = P_DIR(0555), .children = (tbl) }

uint64_t proc_ticks(const struct b_timespec *ts)
{
	return (uint64_t)ts->sec * 100 + (uint64_t)ts->nsec / 10000000;
}

void proc_uuid(char out[37])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t r[16];
	plat_random(r, sizeof(r));
	r[6] = (uint8_t)((r[6] & 0x0f) | 0x40); /* version 4 */
	r[8] = (uint8_t)((r[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	int o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[r[i] >> 4];
		out[o++] = hex[r[i] & 15];
	}
	out[o] = 0;
}

/* A fixed 8 GiB machine without swap. */
void mem_info(struct k_meminfo *mi)
{
	memset(mi, 0, sizeof(*mi));
	mi->total = 8ULL << 30;
	mi->free = 6ULL << 30;
	mi->buffers = 64ULL << 20;
	mi->cached = 1ULL << 30;
	mi->shared = 16ULL << 20;
	mi->available = mi->free + mi->buffers + mi->cached - mi->shared;
}

/* ---- memory --------------------------------------------------------------- */

/* "Name:" padded to 16 columns, then the value: in kB (bytes given) or a
 * plain count. */
static void mem_line(struct pbuf *b, const char *name, uint64_t v, int kb)
{
	char label[32];
	fmt_snprintf(label, sizeof(label), "%s:", name);
	if (kb)
		pb_printf(b, "%-16s%8lu kB\n", label, (unsigned long)(v >> 10));
	else
		pb_printf(b, "%-16s%8lu\n", label, (unsigned long)v);
}

static void gen_meminfo(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	struct k_meminfo mi;
	mem_info(&mi);
	uint64_t used = mi.total - mi.free - mi.buffers - mi.cached;
	uint64_t anon = used / 4 * 3, slab = used / 8, file = mi.cached + mi.buffers;
	const struct { const char *name; uint64_t v; } lines[] = {
		{ "MemTotal", mi.total }, { "MemFree", mi.free }, { "MemAvailable", mi.available },
		{ "Buffers", mi.buffers }, { "Cached", mi.cached }, { "SwapCached", 0 },
		{ "Active", anon / 2 + file / 2 }, { "Inactive", anon / 2 + file / 2 },
		{ "Active(anon)", anon / 2 }, { "Inactive(anon)", anon / 2 },
		{ "Active(file)", file / 2 }, { "Inactive(file)", file / 2 },
		{ "Unevictable", 0 }, { "Mlocked", 0 },
		{ "SwapTotal", mi.swap_total }, { "SwapFree", mi.swap_free },
		{ "Dirty", 0 }, { "Writeback", 0 }, { "AnonPages", anon },
		{ "Mapped", mi.cached / 8 }, { "Shmem", mi.shared },
		{ "KReclaimable", slab / 2 }, { "Slab", slab }, { "SReclaimable", slab / 2 },
		{ "SUnreclaim", slab / 2 }, { "KernelStack", used / 64 }, { "PageTables", used / 128 },
		{ "NFS_Unstable", 0 }, { "Bounce", 0 }, { "WritebackTmp", 0 },
		{ "CommitLimit", mi.total / 2 + mi.swap_total }, { "Committed_AS", anon * 2 },
		{ "VmallocTotal", 34359738367ULL << 10 }, { "VmallocUsed", 0 }, { "VmallocChunk", 0 },
		{ "Percpu", 0 }, { "AnonHugePages", 0 }, { "ShmemHugePages", 0 },
		{ "ShmemPmdMapped", 0 }, { "FileHugePages", 0 }, { "FilePmdMapped", 0 },
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		mem_line(b, lines[i].name, lines[i].v, 1);
	static const char *const huge[] = { "HugePages_Total", "HugePages_Free", "HugePages_Rsvd",
					    "HugePages_Surp" };
	for (int i = 0; i < 4; i++)
		mem_line(b, huge[i], 0, 0);
	mem_line(b, "Hugepagesize", 2048 << 10, 1);
	mem_line(b, "Hugetlb", 0, 1);
	mem_line(b, "DirectMap4k", 64ULL << 20, 1);
	mem_line(b, "DirectMap2M", mi.total - (64ULL << 20), 1);
	mem_line(b, "DirectMap1G", 0, 1);
}

/* ---- time and load ---------------------------------------------------- */

/* Uptime and the guest's CPU time, in ticks. */
static void cpu_times(uint64_t *up, uint64_t *busy)
{
	struct b_timespec u, cpu;
	time_get(7 /* CLOCK_BOOTTIME */, &u);
	time_get(2 /* CLOCK_PROCESS_CPUTIME_ID */, &cpu);
	*up = proc_ticks(&u);
	*busy = proc_ticks(&cpu);
}

/* CPU lines (the guest's time counted as user time on cpu0, the rest
 * idle), boot time and process counts. */
static void gen_stat(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	uint64_t up, busy;
	struct b_timespec now, u;
	int ncpu = plat_cpu_count();
	cpu_times(&up, &busy);
	if (busy > up)
		busy = up;
	pb_printf(b, "cpu  %lu 0 0 %lu 0 0 0 0 0 0\n", busy, up * (uint64_t)ncpu - busy);
	for (int i = 0; i < ncpu; i++)
		pb_printf(b, "cpu%d %lu 0 0 %lu 0 0 0 0 0 0\n", i, i ? 0 : busy, i ? up : up - busy);
	time_get(0, &now);
	time_get(7, &u);
	pb_printf(b, "intr 0\nctxt 0\nbtime %ld\nprocesses %d\n", (long)(now.sec - u.sec),
		  kproc->next_tid - 1);
	pb_printf(b, "procs_running 1\nprocs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n");
}

static void gen_uptime(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	uint64_t up, busy;
	cpu_times(&up, &busy);
	uint64_t total = up * (uint64_t)plat_cpu_count();
	uint64_t idle = total > busy ? total - busy : 0;
	pb_printf(b, "%lu.%02lu %lu.%02lu\n", up / 100, up % 100, idle / 100, idle % 100);
}

static void gen_loadavg(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	pb_printf(b, "0.00 0.00 0.00 1/%d %d\n", kproc->nthreads, kproc->next_tid - 1);
}

/* ---- identity ------------------------------------------------------------ */

static void gen_self(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	pb_printf(b, "%d", proc_getpid());
}

static void gen_thread_self(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	pb_printf(b, "%d/task/%d", proc_getpid(), thread_gettid());
}

static void gen_uuid(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	char id[37];
	proc_uuid(id);
	pb_printf(b, "%s\n", id);
}

static void gen_boot_id(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	pb_printf(b, "%s\n", procfs.boot_id);
}

static void gen_uts(struct pbuf *b, int which)
{
	char name[K_UTS_LEN + 1];
	uts_get(which, name);
	pb_printf(b, "%s\n", name);
}

static void gen_hostname(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	gen_uts(b, UTS_HOST);
}

static void gen_domainname(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	gen_uts(b, UTS_DOMAIN);
}

/* The highest RLIMIT_NOFILE the sandbox grants. */
static void gen_nr_open(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	pb_printf(b, "%d\n", FD_MAX);
}

/* ---- the tables ---------------------------------------------------------- */

static const struct pent sys_kernel_random[] = {
	FILE_("boot_id", 0444, gen_boot_id),
	TEXT("entropy_avail", "256\n"),
	TEXT("poolsize", "256\n"),
	FILE_("uuid", 0444, gen_uuid),
	{ .name = NULL },
};

static const struct pent sys_kernel[] = {
	TEXT("cap_last_cap", "40\n"),
	FILE_("domainname", 0644, gen_domainname),
	FILE_("hostname", 0644, gen_hostname),
	TEXT("ngroups_max", "65536\n"),
	TEXT("osrelease", K_UTS_RELEASE "\n"),
	TEXT("ostype", K_UTS_SYSNAME "\n"),
	TEXT("overflowgid", "65534\n"),
	TEXT("overflowuid", "65534\n"),
	TEXT("pid_max", "4194304\n"),
	SUBDIR("random", sys_kernel_random),
	TEXT("threads-max", "126906\n"),
	TEXT("version", K_UTS_VERSION "\n"),
	{ .name = NULL },
};

static const struct pent sys_vm[] = {
	TEXT("max_map_count", "65530\n"),
	TEXT("overcommit_memory", "0\n"),
	TEXT("overcommit_ratio", "50\n"),
	{ .name = NULL },
};

static const struct pent sys_fs[] = {
	TEXT("file-max", "9223372036854775807\n"),
	FILE_("nr_open", 0444, gen_nr_open),
	TEXT("pipe-max-size", "1048576\n"),
	{ .name = NULL },
};

static const struct pent sys_ents[] = {
	SUBDIR("fs", sys_fs),
	SUBDIR("kernel", sys_kernel),
	SUBDIR("vm", sys_vm),
	{ .name = NULL },
};

const struct pent proc_root_ents[] = {
	FILE_("cpuinfo", 0444, proc_gen_cpuinfo),
	TEXT("filesystems", "nodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\n"),
	FILE_("loadavg", 0444, gen_loadavg),
	FILE_("meminfo", 0444, gen_meminfo),
	LINK_TO("mounts", "self/mounts"),
	LINK("self", gen_self),
	FILE_("stat", 0444, gen_stat),
	TEXT("swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"),
	SUBDIR("sys", sys_ents),
	LINK("thread-self", gen_thread_self),
	FILE_("uptime", 0444, gen_uptime),
	TEXT("version", "Linux version " K_UTS_RELEASE " (bento@bento) (gcc) " K_UTS_VERSION "\n"),
	{ .name = NULL },
};
