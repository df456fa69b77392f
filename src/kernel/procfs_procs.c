/* procfs_procs.c — /proc/<pid> of the sandbox's other processes. What
 * the shared process table knows (ids, state, name, the program and its
 * arguments as of its last exec) is shown as stat, status, comm, cmdline
 * and exe. Their descriptors and memory map live in their own host
 * processes: fd/ and maps ask the process itself (procfs_ask.c), and the
 * answers are generated here too, in the asked process. */
#include "kernel/procfs.h"

struct proc_info {
	int pid, ppid, pgid, sid, zombie;
	char comm[16];
	int found;
};

static void match_proc(int pid, int ppid, int pgid, int sid, int zombie, const char *comm, void *ctx)
{
	struct proc_info *pi = ctx;
	if (pid != pi->pid)
		return;
	pi->ppid = ppid, pi->pgid = pgid, pi->sid = sid, pi->zombie = zombie;
	strlcpy(pi->comm, comm, sizeof(pi->comm));
	pi->found = 1;
}

/* The table's record of pid: 0, or -ENOENT when there is none. */
static int proc_info(int pid, struct proc_info *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->pid = pid;
	proc_each(match_proc, pi);
	return pi->found ? 0 : -ENOENT;
}

int proc_other_exists(int pid)
{
	struct proc_info pi;
	return pid != proc_getpid() && proc_info(pid, &pi) == 0;
}

struct pid_list {
	int *pids;
	int n, cap;
};

static void add_pid(int pid, int ppid, int pgid, int sid, int zombie, const char *comm, void *ctx)
{
	(void)ppid, (void)pgid, (void)sid, (void)zombie, (void)comm;
	struct pid_list *l = ctx;
	if (l->n < l->cap)
		l->pids[l->n++] = pid;
}

int proc_pids(int *pids, int n)
{
	struct pid_list l = { pids, 0, n };
	proc_each(add_pid, &l);
	for (int i = 1; i < l.n; i++)
		for (int j = i; j > 0 && pids[j - 1] > pids[j]; j--) {
			int t = pids[j];
			pids[j] = pids[j - 1];
			pids[j - 1] = t;
		}
	return l.n;
}

/* Look the process up for a generator; -ENOENT once it is gone. */
static int info_for(struct pbuf *b, const struct pctx *c, struct proc_info *pi)
{
	int r = proc_info(c->pid, pi);
	if (r < 0)
		b->err = r;
	return r;
}

static void gen_comm(struct pbuf *b, const struct pctx *c)
{
	struct proc_info pi;
	if (info_for(b, c, &pi) == 0)
		pb_printf(b, "%s\n", pi.comm);
}

static void gen_stat(struct pbuf *b, const struct pctx *c)
{
	struct proc_info pi;
	if (info_for(b, c, &pi) < 0)
		return;
	pb_printf(b, "%d (%s) %c %d %d %d 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 0 0 0 ", pi.pid,
		  pi.comm, pi.zombie ? 'Z' : 'S', pi.ppid, pi.pgid, pi.sid);
	pb_printf(b, "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
}

static void gen_status(struct pbuf *b, const struct pctx *c)
{
	struct proc_info pi;
	int ruid, euid, suid, rgid, egid, sgid;
	if (info_for(b, c, &pi) < 0)
		return;
	cred_get(&ruid, &euid, &suid, &rgid, &egid, &sgid);
	pb_printf(b, "Name:\t%s\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n", pi.comm,
		  pi.zombie ? "Z (zombie)" : "S (sleeping)", pi.pid, pi.pid, pi.ppid);
	pb_printf(b, "TracerPid:\t0\nUid:\t%d\t%d\t%d\t%d\nGid:\t%d\t%d\t%d\t%d\n", ruid, euid, suid,
		  euid, rgid, egid, sgid, egid);
	pb_printf(b, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\nThreads:\t1\n", pi.pid, pi.pid,
		  pi.pgid, pi.sid);
	pb_printf(b, "SigPnd:\t%016x\nShdPnd:\t%016x\nNoNewPrivs:\t1\nSeccomp:\t2\n", 0, 0);
}

static void gen_cmdline(struct pbuf *b, const struct pctx *c)
{
	char buf[PROC_CMDLINE_MAX];
	long n = proc_read_cmdline(c->pid, buf, sizeof(buf));
	if (n < 0)
		b->err = (int)n;
	for (long i = 0; i < n; i++)
		pb_printf(b, "%c", buf[i]);
}

static void gen_exe(struct pbuf *b, const struct pctx *c)
{
	char buf[256];
	int r = proc_read_exe(c->pid, buf, sizeof(buf));
	if (r < 0)
		b->err = r;
	else
		pb_printf(b, "%s", buf);
}

/* ---- asked of the process itself --------------------------------------- */

/* One record of the descriptor list: "N target" and a NUL (a target may
 * hold any other byte). */
static void fd_record(int fd, struct file *f, void *ctx)
{
	struct pbuf *b = ctx;
	pb_printf(b, "%d ", fd);
	proc_fd_link_text(b, f);
	pb_write(b, "", 1);
}

/* This process's memory map, as its /proc/self/maps shows it. */
static void maps_into(struct pbuf *b)
{
	for (size_t n = 16384; n <= (16u << 20); n *= 2) {
		char *buf = kmalloc(n);
		if (!buf)
			break;
		size_t used = vm_format_maps(buf, n);
		if (used + 256 < n) {
			pb_write(b, buf, used);
			kfree(buf);
			return;
		}
		kfree(buf);
	}
	b->err = -ENOMEM;
}

void proc_answer_text(int what, struct pbuf *b)
{
	if (what == PROC_ASK_FDS)
		fd_each(fd_record, b);
	else if (what == PROC_ASK_MAPS)
		maps_into(b);
}

/* A descriptor number at the start of a record, or -1. */
static int record_fd(const char *s)
{
	int fd = 0, digits = 0;
	for (; *s >= '0' && *s <= '9' && digits < 9; s++, digits++)
		fd = fd * 10 + (*s - '0');
	return digits && *s == ' ' ? fd : -1;
}

/* Call fn(fd, target, ctx) for each of pid's descriptors, in ascending
 * order: 0, or -ENOENT when the process does not answer. */
static int each_record(int pid, void (*fn)(int fd, const char *target, void *ctx), void *ctx)
{
	struct pbuf b = { NULL, 0, 0, 0 };
	int r = proc_ask(pid, PROC_ASK_FDS, &b);
	if (r == 0 && b.err)
		r = b.err;
	for (size_t at = 0; r == 0 && at < b.len; at += strlen(b.data + at) + 1) {
		int fd = record_fd(b.data + at);
		if (fd >= 0)
			fn(fd, strchr(b.data + at, ' ') + 1, ctx);
	}
	kfree(b.data);
	return r;
}

struct fd_walk {
	void (*fn)(int fd, struct file *f, void *ctx);
	void *ctx;
	int fd;                 /* the one looked for, or -1 */
	struct pbuf *link;      /* its target goes here */
	int found;
};

static void walk_record(int fd, const char *target, void *ctx)
{
	struct fd_walk *w = ctx;
	if (w->fn)
		w->fn(fd, NULL, w->ctx);
	if (fd == w->fd && !w->found && w->link)
		pb_printf(w->link, "%s", target);
	w->found |= fd == w->fd;
}

int proc_other_fd_each(int pid, void (*fn)(int fd, struct file *f, void *ctx), void *ctx)
{
	struct fd_walk w = { fn, ctx, -1, NULL, 0 };
	return each_record(pid, walk_record, &w);
}

int proc_other_fd_exists(int pid, int fd)
{
	struct fd_walk w = { NULL, NULL, fd, NULL, 0 };
	return each_record(pid, walk_record, &w) == 0 && w.found;
}

/* readlink of fd/N: what the process's own fd/N shows; ENOENT once the
 * descriptor is closed or the process does not answer. */
static void gen_fd_link(struct pbuf *b, const struct pctx *c)
{
	struct fd_walk w = { NULL, NULL, c->fd, b, 0 };
	if (each_record(c->pid, walk_record, &w) < 0 || !w.found)
		b->err = -ENOENT;
}

/* maps: empty when the process does not answer (a zombie, say), as
 * Linux shows it for a process whose memory is gone. */
static void gen_maps(struct pbuf *b, const struct pctx *c)
{
	proc_ask(c->pid, PROC_ASK_MAPS, b);
}

const struct pent proc_other_fd_ent = { .name = "", .mode = P_LNK, .gen = gen_fd_link };

const struct pent proc_other_ents[] = {
	{ .name = "exe", .mode = P_LNK, .gen = gen_exe },
	{ .name = "cmdline", .mode = P_REG(0444), .gen = gen_cmdline },
	{ .name = "comm", .mode = P_REG(0444), .gen = gen_comm },
	{ .name = "fd", .mode = P_DIR(0500), .dyn = PD_OFD },
	{ .name = "maps", .mode = P_REG(0444), .gen = gen_maps },
	{ .name = "stat", .mode = P_REG(0444), .gen = gen_stat },
	{ .name = "status", .mode = P_REG(0444), .gen = gen_status },
	{ .name = NULL },
};
