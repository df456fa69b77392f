/* procfs_pid.c — the contents of /proc/<pid> (and of task/<tid>, which
 * shows the same files for one thread): status, stat, maps, cmdline,
 * environ, auxv, fd links, mounts and the rest, in Linux's formats. */
#include "kernel/procfs.h"
#include "lib/fmt.h"

#define FILE_(n, perm, g) { .name = (n), .mode = P_REG(perm), .gen = (g) }
#define RWFILE(n, g, w) { .name = (n), .mode = P_REG(0644), .gen = (g), .write = (w) }
#define LINK(n, g) { .name = (n), .mode = P_LNK, .gen = (g) }
#define DIR_(n, perm, d, fl) { .name = (n), .mode = P_DIR(perm), .dyn = (d), .flags = (fl) }

/* ---- memory figures ------------------------------------------------------- */

/* /proc/self/maps text (NUL-terminated) in a kmalloc'd buffer, or NULL. */
static char *maps_text(size_t *len)
{
	for (size_t n = 16384; n <= (16u << 20); n *= 2) {
		char *buf = kmalloc(n);
		if (!buf)
			return NULL;
		size_t used = vm_format_maps(buf, n);
		if (used + 256 < n) {
			buf[used] = 0;
			*len = used;
			return buf;
		}
		kfree(buf);
	}
	return NULL;
}

/* Sizes in bytes, estimated from the memory map: bento does not know
 * which pages are resident, so file mappings, the heap, writable private
 * memory (up to 1 MiB per region) and 132 kB of stack count as resident. */
struct vm_sizes {
	uint64_t size, rss, file, data, exe, lib, stk;
};

static uint64_t parse_hex(const char **s)
{
	uint64_t v = 0;
	for (;; (*s)++) {
		char c = **s;
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return v;
		v = v * 16 + (uint64_t)d;
	}
}

/* Skip n space-separated fields and the spaces after them. */
static const char *skip_fields(const char *s, int n)
{
	while (n--) {
		while (*s && *s != ' ' && *s != '\n')
			s++;
		while (*s == ' ')
			s++;
	}
	return s;
}

/* Account one maps line; name is the text after the inode field. */
static void count_region(struct vm_sizes *v, uint64_t len, const char *perms, const char *name,
			 size_t name_len, const char *exe)
{
	int w = perms[1] == 'w', x = perms[2] == 'x', shared = perms[3] == 's';
	v->size += len;
	if (name_len == 7 && !memcmp(name, "[stack]", 7)) {
		v->stk += len < (132 << 10) ? len : (132 << 10);
	} else if (name_len && name[0] == '/') {
		v->rss += len;
		v->file += len;
		if (x && exe && strlen(exe) == name_len && !memcmp(name, exe, name_len))
			v->exe += len;
		else if (x)
			v->lib += len;
		else if (w && !shared)
			v->data += len;
	} else if (w && !shared) {
		v->data += len;
		v->rss += len < (1u << 20) || name_len ? len : (1u << 20);
	}
}

static void vm_sizes(struct vm_sizes *v)
{
	size_t len;
	memset(v, 0, sizeof(*v));
	char *text = maps_text(&len);
	if (!text)
		return;
	spin_lock(&kproc->lock);
	char *exe = kproc->exe ? kstrdup(kproc->exe) : NULL;
	spin_unlock(&kproc->lock);
	for (const char *s = text; *s;) {
		uint64_t start = parse_hex(&s);
		s++;
		uint64_t end = parse_hex(&s);
		const char *perms = skip_fields(s, 1);
		const char *name = skip_fields(perms, 4);
		const char *eol = strchr(name, '\n');
		size_t nl = eol ? (size_t)(eol - name) : strlen(name);
		if (strlen(perms) >= 4)
			count_region(v, end - start, perms, name, nl, exe);
		s = eol ? eol + 1 : name + nl;
	}
	v->rss += v->stk;
	kfree(exe);
	kfree(text);
}

/* ---- signals and descriptors ---------------------------------------------- */

struct sig_sets {
	uint64_t pnd, shd, blk, ign, cgt;
};

/* The sets of thread tid (the calling thread if tid is gone). */
static void sig_sets(int tid, struct sig_sets *s)
{
	struct process *p = kproc;
	memset(s, 0, sizeof(*s));
	spin_lock(&p->lock);
	struct thread *t = p->threads;
	while (t && t->tid != tid)
		t = t->next;
	if (!t)
		t = cur_thread();
	s->pnd = __atomic_load_n(&t->pending, __ATOMIC_RELAXED);
	s->blk = t->sigmask;
	s->shd = __atomic_load_n(&p->pending, __ATOMIC_RELAXED);
	for (int sig = 1; sig <= K_NSIG; sig++) {
		uintptr_t h = p->actions[sig].handler;
		if (h == 1)
			s->ign |= 1ULL << (sig - 1);
		else if (h > 1)
			s->cgt |= 1ULL << (sig - 1);
	}
	spin_unlock(&p->lock);
}

struct fd_count {
	int n, max;
};

static void count_fd(int fd, struct file *f, void *ctx)
{
	(void)f;
	struct fd_count *c = ctx;
	c->n++;
	if (fd > c->max)
		c->max = fd;
}

/* Size of the descriptor table as Linux grows it (powers of two). */
static int fd_table_size(void)
{
	struct fd_count c = { 0, 0 };
	fd_each(count_fd, &c);
	int size = 64;
	while (size <= c.max)
		size *= 2;
	return size;
}

/* ---- status, stat, statm ------------------------------------------------ */

static void status_ids(struct pbuf *b, const struct pctx *c)
{
	struct process *p = kproc;
	char name[16];
	proc_get_name(name);
	pb_printf(b, "Name:\t%s\nUmask:\t%04o\nState:\tR (running)\nTgid:\t%d\nNgid:\t0\n", name,
		  p->umask, c->pid);
	pb_printf(b, "Pid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", c->tid, proc_getppid());
	pb_printf(b, "Uid:\t%d\t%d\t%d\t%d\n", p->ruid, p->euid, p->suid, p->euid);
	pb_printf(b, "Gid:\t%d\t%d\t%d\t%d\n", p->rgid, p->egid, p->sgid, p->egid);
	pb_printf(b, "FDSize:\t%d\nGroups:\t", fd_table_size());
	int ng = cred_getgroups(0, NULL);
	uint32_t *groups = ng > 0 ? kmalloc(sizeof(*groups) * (size_t)ng) : NULL;
	if (groups && (ng = cred_getgroups(ng, groups)) > 0)
		for (int i = 0; i < ng; i++)
			pb_printf(b, "%s%u", i ? " " : "", groups[i]);
	kfree(groups);
	pb_printf(b, " \nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", c->pid, c->tid,
		  proc_getpgid(0), proc_getsid(0));
}

static void status_vm(struct pbuf *b)
{
	struct vm_sizes v;
	vm_sizes(&v);
	uint64_t k = 1024;
	pb_printf(b, "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8d kB\nVmPin:\t%8d kB\n",
		  v.size / k, v.size / k, 0, 0);
	pb_printf(b, "VmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\nRssAnon:\t%8lu kB\nRssFile:\t%8lu kB\n",
		  v.rss / k, v.rss / k, (v.rss - v.file) / k, v.file / k);
	pb_printf(b, "RssShmem:\t%8d kB\nVmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmExe:\t%8lu kB\n", 0,
		  v.data / k, v.stk / k, v.exe / k);
	pb_printf(b, "VmLib:\t%8lu kB\nVmPTE:\t%8lu kB\nVmSwap:\t%8d kB\nHugetlbPages:\t%8d kB\n",
		  v.lib / k, 4 * (v.rss >> 21) + 12, 0, 0);
	pb_printf(b, "CoreDumping:\t0\nTHP_enabled:\t1\n");
}

static void status_signals(struct pbuf *b, const struct pctx *c)
{
	struct sig_sets s;
	sig_sets(c->tid, &s);
	pb_printf(b, "Threads:\t%d\nSigQ:\t%d/%lu\n", kproc->nthreads,
		  __builtin_popcountll(s.pnd | s.shd), (unsigned long)kproc->rlim[11][0]);
	pb_printf(b, "SigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\n", s.pnd, s.shd, s.blk);
	pb_printf(b, "SigIgn:\t%016lx\nSigCgt:\t%016lx\n", s.ign, s.cgt);
	static const char *const caps[] = { "Inh", "Prm", "Eff", "Bnd", "Amb" };
	for (int i = 0; i < 5; i++)
		pb_printf(b, "Cap%s:\t%016x\n", caps[i], 0);
}

/* The CPU mask as Linux prints it: 32-bit hex groups, most significant
 * first, separated by commas. */
static void cpu_mask(struct pbuf *b, int ncpu)
{
	int groups = (ncpu + 31) / 32;
	for (int g = groups - 1; g >= 0; g--) {
		int bits = ncpu - g * 32 > 32 ? 32 : ncpu - g * 32;
		uint32_t m = bits == 32 ? 0xffffffffu : (1u << bits) - 1;
		pb_printf(b, g == groups - 1 ? "%x" : ",%08x", m);
	}
}

static void status_tail(struct pbuf *b)
{
	int ncpu = plat_cpu_count();
	pb_printf(b, "NoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\n");
	pb_printf(b, "Speculation_Store_Bypass:\tthread force mitigated\n");
	pb_printf(b, "SpeculationIndirectBranch:\tconditional force disabled\nCpus_allowed:\t");
	cpu_mask(b, ncpu);
	if (ncpu > 1)
		pb_printf(b, "\nCpus_allowed_list:\t0-%d\n", ncpu - 1);
	else
		pb_printf(b, "\nCpus_allowed_list:\t0\n");
	pb_printf(b, "Mems_allowed:\t00000001\nMems_allowed_list:\t0\n");
	pb_printf(b, "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
}

static void gen_status(struct pbuf *b, const struct pctx *c)
{
	status_ids(b, c);
	status_vm(b);
	status_signals(b, c);
	status_tail(b);
}

/* One line of 52 fields. Addresses Linux shows only to the process
 * itself (code, stack, argument areas) are 0, as it shows them to others. */
static void gen_stat(struct pbuf *b, const struct pctx *c)
{
	struct process *p = kproc;
	char name[16];
	struct vm_sizes v;
	struct sig_sets s;
	struct b_timespec cpu;
	proc_get_name(name);
	vm_sizes(&v);
	sig_sets(c->tid, &s);
	time_get(c->in_task ? 3 : 2 /* CPUTIME */, &cpu);
	pb_printf(b, "%d (%s) R %d %d %d 0 -1 4194304 0 0 0 0 %lu 0 0 0 20 0 %d 0 %lu ", c->tid,
		  name, proc_getppid(), proc_getpgid(0), proc_getsid(0), proc_ticks(&cpu), p->nthreads,
		  procfs.start_ticks);
	pb_printf(b, "%lu %lu %lu 0 0 0 0 0 ", v.size, v.rss / 4096, (unsigned long)p->rlim[5][0]);
	pb_printf(b, "%lu %lu %lu %lu 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", s.pnd | s.shd, s.blk,
		  s.ign, s.cgt);
}

static void gen_statm(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	struct vm_sizes v;
	vm_sizes(&v);
	pb_printf(b, "%lu %lu %lu %lu 0 %lu 0\n", v.size / 4096, v.rss / 4096, v.file / 4096,
		  v.exe / 4096, (v.data + v.stk) / 4096);
}

/* ---- exec records ------------------------------------------------------- */

enum { B_ARGV, B_ENV, B_AUXV };

/* Copy a block recorded at exec, under the process lock. */
static void copy_block(struct pbuf *b, int which)
{
	struct process *p = kproc;
	spin_lock(&p->lock);
	if (which == B_ARGV && p->argv_block)
		pb_write(b, p->argv_block, p->argv_len);
	else if (which == B_ENV && p->env_block)
		pb_write(b, p->env_block, p->env_len);
	else if (which == B_AUXV && p->auxv)
		pb_write(b, p->auxv, p->auxv_len);
	spin_unlock(&p->lock);
}

static void gen_cmdline(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	copy_block(b, B_ARGV);
}

static void gen_environ(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	copy_block(b, B_ENV);
}

static void gen_auxv(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	copy_block(b, B_AUXV);
}

static void gen_exe(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	spin_lock(&kproc->lock);
	if (kproc->exe)
		pb_printf(b, "%s", kproc->exe);
	else
		b->err = -ENOENT;
	spin_unlock(&kproc->lock);
}

static void gen_cwd(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	char *buf = kmalloc(PATH_MAX_K);
	if (!buf || vfs_getcwd(buf, PATH_MAX_K) < 0)
		b->err = buf ? -ENOENT : -ENOMEM;
	else
		pb_printf(b, "%s", buf);
	kfree(buf);
}

static void gen_root(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	pb_printf(b, "/");
}

static void gen_maps(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	size_t len;
	char *text = maps_text(&len);
	if (!text) {
		b->err = -ENOMEM;
		return;
	}
	pb_write(b, text, len);
	kfree(text);
}

/* ---- small files -------------------------------------------------------- */

static void gen_comm(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	char name[16];
	proc_get_name(name);
	pb_printf(b, "%s\n", name);
}

/* Writing comm renames the process (a trailing newline is dropped). */
static long write_comm(const struct pctx *c, const char *data, size_t n)
{
	(void)c;
	char name[16];
	size_t l = n < 15 ? n : 15;
	memcpy(name, data, l);
	name[l] = 0;
	if (l && name[l - 1] == '\n')
		name[l - 1] = 0;
	proc_set_name(name);
	return (long)n;
}

static int oom_score_adj;

/* A decimal integer with an optional sign and trailing newline. */
static int parse_int(const char *s, long *out)
{
	int neg = *s == '-';
	s += neg || *s == '+';
	long v = 0;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	while (*s >= '0' && *s <= '9' && v < 100000)
		v = v * 10 + (*s++ - '0');
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*out = neg ? -v : v;
	return 0;
}

static void gen_oom_score_adj(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	pb_printf(b, "%d\n", oom_score_adj);
}

static long write_oom_score_adj(const struct pctx *c, const char *data, size_t n)
{
	(void)c;
	long v;
	if (parse_int(data, &v) < 0 || v < -1000 || v > 1000)
		return -EINVAL;
	oom_score_adj = (int)v;
	return (long)n;
}

/* The legacy oom_adj scale runs from -17 (never) to 15. */
static void gen_oom_adj(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	int adj = oom_score_adj;
	int v = adj == -1000 ? -17 : (adj * 15 + (adj < 0 ? -500 : 500)) / 1000;
	pb_printf(b, "%d\n", v);
}

static long write_oom_adj(const struct pctx *c, const char *data, size_t n)
{
	(void)c;
	long v;
	if (parse_int(data, &v) < 0 || v < -17 || v > 15)
		return -EINVAL;
	oom_score_adj = v == -17 ? -1000 : (int)(v * 1000 / 15);
	return (long)n;
}

static void gen_oom_score(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	int v = 666 + oom_score_adj * 2 / 3;
	pb_printf(b, "%d\n", v < 0 ? 0 : v);
}

static void gen_cgroup(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	pb_printf(b, "0::/\n");
}

/* The sandbox's ids are the whole id space. */
static void gen_id_map(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	pb_printf(b, "%10u %10u %10u\n", 0, 0, 4294967295u);
}

static void gen_setgroups(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	pb_printf(b, "allow\n");
}

static void gen_personality(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	pb_printf(b, "00000000\n");
}

/* loginuid and sessionid: unset, printed without a newline as Linux does. */
static void gen_unset_id(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	pb_printf(b, "4294967295");
}

static const struct { const char *name, *unit; } limit_names[16] = {
	{ "Max cpu time", "seconds" }, { "Max file size", "bytes" },
	{ "Max data size", "bytes" }, { "Max stack size", "bytes" },
	{ "Max core file size", "bytes" }, { "Max resident set", "bytes" },
	{ "Max processes", "processes" }, { "Max open files", "files" },
	{ "Max locked memory", "bytes" }, { "Max address space", "bytes" },
	{ "Max file locks", "locks" }, { "Max pending signals", "signals" },
	{ "Max msgqueue size", "bytes" }, { "Max nice priority", NULL },
	{ "Max realtime priority", NULL }, { "Max realtime timeout", "us" },
};

static void limit_value(struct pbuf *b, uint64_t v)
{
	if (v == ~0ULL)
		pb_printf(b, "%-20s ", "unlimited");
	else
		pb_printf(b, "%-20lu ", (unsigned long)v);
}

static void gen_limits(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	uint64_t lim[2];
	pb_printf(b, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
	for (int i = 0; i < 16; i++) {
		proc_prlimit(i, NULL, lim);
		pb_printf(b, "%-25s ", limit_names[i].name);
		limit_value(b, lim[0]);
		limit_value(b, lim[1]);
		if (limit_names[i].unit)
			pb_printf(b, "%-10s", limit_names[i].unit);
		pb_printf(b, "\n");
	}
}

/* ---- mounts --------------------------------------------------------------- */

#define MOUNT_ID_BASE 21

struct mount_list {
	struct mount *m[64];
	int n;
};

static void collect_mount(struct mount *m, void *ctx)
{
	struct mount_list *l = ctx;
	if (l->n < 64)
		l->m[l->n++] = m;
}

int proc_mount_id(struct mount *m)
{
	struct mount_list l = { .n = 0 };
	mount_each(collect_mount, &l);
	for (int i = 0; i < l.n; i++)
		if (l.m[i] == m)
			return MOUNT_ID_BASE + i;
	return 0;
}

/* The mount that m sits on: the longest other mount above its path. */
static int parent_id(const struct mount_list *l, int i)
{
	const struct mount *m = l->m[i];
	int best = -1;
	for (int j = 0; j < l->n; j++) {
		const struct mount *o = l->m[j];
		if (j == i || o->path_len >= m->path_len || strncmp(m->path, o->path, o->path_len) ||
		    m->path[o->path_len] != '/')
			continue;
		if (best < 0 || o->path_len > l->m[best]->path_len)
			best = j;
	}
	return best < 0 ? MOUNT_ID_BASE - 1 : MOUNT_ID_BASE + best;
}

/* The host file system's type from its statfs magic. */
static const char *host_fs_type(struct mount *m)
{
	static const struct { int64_t magic; const char *name; } types[] = {
		{ 0xEF53, "ext4" }, { 0x9123683E, "btrfs" }, { 0x58465342, "xfs" },
		{ 0x794c7630, "overlay" }, { 0x01021994, "tmpfs" }, { 0x73717368, "squashfs" },
		{ 0xE0F5E1E2, "erofs" }, { 0x65735546, "fuse" }, { 0x6969, "nfs" },
		{ 0x2fc12fc1, "zfs" }, { 0x01021997, "9p" }, { 0x858458f6, "ramfs" },
	};
	struct b_statfs st;
	if (plat_file_statfs(m->host_dir, &st) == 0)
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (types[i].magic == st.type)
				return types[i].name;
	return "hostfs";
}

static const char *fs_type(struct mount *m)
{
	if (m->ops == &tmpfs_ops)
		return "tmpfs";
	if (m->ops == &devfs_ops)
		return "devtmpfs";
	if (m->ops == &procfs_ops)
		return "proc";
	if (m->ops == &hostfs_ops)
		return host_fs_type(m);
	return "bento";
}

static const char *fs_source(struct mount *m)
{
	return m->ops == &hostfs_ops ? "host" : fs_type(m);
}

/* The mount point with space, tab, newline and backslash in octal. */
static void put_mount_path(struct pbuf *b, const struct mount *m)
{
	if (!m->path[0])
		pb_write(b, "/", 1);
	for (const char *s = m->path; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			pb_printf(b, "\\%03o", (unsigned)(unsigned char)*s);
		else
			pb_write(b, s, 1);
	}
}

static uint64_t mount_dev(struct mount *m)
{
	struct b_stat st;
	if (m->host_dir >= 0 && plat_file_stat(m->host_dir, "", &st) == 0)
		return st.dev;
	return m->dev;
}

static void gen_mounts(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	struct mount_list l = { .n = 0 };
	mount_each(collect_mount, &l);
	for (int i = 0; i < l.n; i++) {
		struct mount *m = l.m[i];
		pb_printf(b, "%s ", fs_source(m));
		put_mount_path(b, m);
		pb_printf(b, " %s %s,relatime 0 0\n", fs_type(m), m->writable ? "rw" : "ro");
	}
}

static void gen_mountinfo(struct pbuf *b, const struct pctx *c)
{
	(void)c;
	struct mount_list l = { .n = 0 };
	mount_each(collect_mount, &l);
	for (int i = 0; i < l.n; i++) {
		struct mount *m = l.m[i];
		uint64_t d = mount_dev(m);
		unsigned major = (unsigned)(((d >> 8) & 0xfff) | ((d >> 32) & ~0xfffULL));
		unsigned minor = (unsigned)((d & 0xff) | ((d >> 12) & ~0xffULL));
		const char *rw = m->writable ? "rw" : "ro";
		pb_printf(b, "%d %d %u:%u / ", MOUNT_ID_BASE + i, parent_id(&l, i), major, minor);
		put_mount_path(b, m);
		pb_printf(b, " %s,relatime - %s %s %s\n", rw, fs_type(m), fs_source(m), rw);
	}
}

/* ---- descriptors ---------------------------------------------------------- */

/* Inherited host handles carry a label like "/dev/stdin"; show what the
 * host object is, as Linux would. Returns 0 when it cannot tell. */
static int host_link_text(struct pbuf *b, struct file *f)
{
	struct b_stat st;
	if (!f->ops->stat || f->ops->stat(f, &st) < 0)
		return 0;
	uint32_t type = st.mode & K_S_IFMT;
	unsigned major = (unsigned)((st.rdev >> 8) & 0xfff), minor = (unsigned)(st.rdev & 0xff);
	if (type == K_S_IFIFO)
		pb_printf(b, "pipe:[%lu]", st.ino);
	else if (type == K_S_IFSOCK)
		pb_printf(b, "socket:[%lu]", st.ino);
	else if (type == K_S_IFCHR && major == 1 && minor == 3)
		pb_printf(b, "/dev/null");
	else if (type == K_S_IFCHR && major == 136)
		pb_printf(b, "/dev/pts/%u", minor);
	else if (type == K_S_IFCHR && major == 5 && minor == 0)
		pb_printf(b, "/dev/tty");
	else if (type == K_S_IFCHR && major == 4)
		pb_printf(b, "/dev/tty%u", minor);
	else
		return 0;
	return 1;
}

/* Files opened by name that are gone show " (deleted)", as on Linux. */
void proc_fd_link_text(struct pbuf *b, struct file *f)
{
	if (!f->mnt && f->host_fd >= 0 && host_link_text(b, f))
		return;
	int gone = f->mnt && f->path[0] == '/' && !proc_fd_reachable(f);
	pb_printf(b, "%s%s", f->path, gone ? " (deleted)" : "");
}

int proc_fd_reachable(struct file *f)
{
	const char *rel;
	struct b_stat a, b;
	if (!f->mnt || f->path[0] != '/' || !f->ops->stat)
		return 0;
	struct mount *m = mount_find(f->path, &rel);
	if (!m || f->ops->stat(f, &a) < 0 || m->ops->stat(m, rel, &b) < 0)
		return 0;
	if (!b.dev && m->host_dir < 0)
		b.dev = m->dev;
	return a.ino == b.ino && a.dev == b.dev;
}

void proc_gen_fdinfo(struct pbuf *b, const struct pctx *c)
{
	struct file *f = fd_get(c->fd);
	if (!f) {
		b->err = -ENOENT;
		return;
	}
	struct b_stat st = { 0 };
	if (f->ops->stat)
		f->ops->stat(f, &st);
	int flags = f->flags;
	if (fd_get_cloexec(c->fd) > 0)
		flags |= K_O_CLOEXEC;
	if (f->mnt || f->host_fd >= 0)
		flags |= K_O_LARGEFILE;
	pb_printf(b, "pos:\t%ld\nflags:\t0%o\nmnt_id:\t%d\nino:\t%lu\n", (long)f->pos, flags,
		  proc_mount_id(f->mnt), st.ino);
	file_put(f);
}

/* ---- the directory -------------------------------------------------------- */

const struct pent proc_pid_ents[] = {
	FILE_("auxv", 0400, gen_auxv),
	FILE_("cgroup", 0444, gen_cgroup),
	FILE_("cmdline", 0444, gen_cmdline),
	RWFILE("comm", gen_comm, write_comm),
	LINK("cwd", gen_cwd),
	FILE_("environ", 0400, gen_environ),
	LINK("exe", gen_exe),
	DIR_("fd", 0500, PD_FD, 0),
	DIR_("fdinfo", 0555, PD_FDINFO, 0),
	FILE_("gid_map", 0444, gen_id_map),
	FILE_("limits", 0444, gen_limits),
	FILE_("loginuid", 0444, gen_unset_id),
	FILE_("maps", 0444, gen_maps),
	FILE_("mountinfo", 0444, gen_mountinfo),
	FILE_("mounts", 0444, gen_mounts),
	RWFILE("oom_adj", gen_oom_adj, write_oom_adj),
	FILE_("oom_score", 0444, gen_oom_score),
	RWFILE("oom_score_adj", gen_oom_score_adj, write_oom_score_adj),
	FILE_("personality", 0400, gen_personality),
	LINK("root", gen_root),
	FILE_("sessionid", 0444, gen_unset_id),
	FILE_("setgroups", 0444, gen_setgroups),
	FILE_("stat", 0444, gen_stat),
	FILE_("statm", 0444, gen_statm),
	FILE_("status", 0444, gen_status),
	DIR_("task", 0555, PD_TASK, PE_NOTASK),
	FILE_("uid_map", 0444, gen_id_map),
	DIR_(".fd", 0500, PD_FDOBJ, PE_HIDDEN),
	{ .name = NULL },
};
