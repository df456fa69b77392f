/* procfs_procs.c — /proc/<pid> of the sandbox's other processes. Their
 * memory and descriptors live in their own host processes, out of reach;
 * what the shared process table knows (ids, state, name, the program and
 * its arguments as of its last exec) is shown as stat, status, comm,
 * cmdline and exe. */
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

const struct pent proc_other_ents[] = {
	{ .name = "exe", .mode = P_LNK, .gen = gen_exe },
	{ .name = "cmdline", .mode = P_REG(0444), .gen = gen_cmdline },
	{ .name = "comm", .mode = P_REG(0444), .gen = gen_comm },
	{ .name = "stat", .mode = P_REG(0444), .gen = gen_stat },
	{ .name = "status", .mode = P_REG(0444), .gen = gen_status },
	{ .name = NULL },
};
