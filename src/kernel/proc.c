/* proc.c — the sandbox's process tree: a table of processes in the shared
 * arena (pids, parents, groups, sessions, exit status), fork, exit, wait,
 * and signals between processes. Each guest process is one host process;
 * nothing here is an RPC: a process reads and writes the table itself
 * under the table's lock and wakes waiters through futex words in it. */
#include "kernel/kernel.h"

#define PID_MAX 4194304

enum { P_FREE, P_ALIVE, P_ZOMBIE };

struct proc_entry {
	int pid, ppid, pgid, sid;
	int state;
	long host_pid;
	int wstatus;                 /* Linux wait status once a zombie */
	int nocldwait;               /* SIGCHLD ignored or SA_NOCLDWAIT */
	uint32_t child_event;        /* futex word: a child changed state */
	int waiting;                 /* asleep on child_event, one thread (proc_wait) */
	uint32_t vfork_done;         /* futex word: vfork child exec'd or exited */
	uint64_t pending;            /* signals sent by other processes */
	struct b_siginfo info[K_NSIG + 1];
	char comm[16];
	int64_t start_ns;
	int64_t cpu_ns;              /* CPU time used, recorded at exit */
	int subreaper;               /* PR_SET_CHILD_SUBREAPER */
	int nocldstop;               /* SA_NOCLDSTOP on its SIGCHLD */
	uint64_t caught;             /* signals with a handler (for pid 1) */
	int did_exec;
	int stopped, stop_sig;
	int report;                  /* 1: a stop to report, 2: a continue */
	uint32_t cont_word;          /* futex word a stopped process waits on */
	uintptr_t vfork_sp;          /* vfork: the parent's stack pointer */
	void *vfork_copy;            /* vfork: that stack at the fork, then at exit */
	int exit_signal;             /* sent to the parent at exit (clone) */
	char exe[256];               /* published at exec for /proc/<pid> */
	char cmdline[PROC_CMDLINE_MAX];
	size_t cmdline_len;
	struct proc_ask ask;         /* /proc requests from other processes */
};

struct proctab {
	struct spinlock lock;
	int next_pid;
	int tty_fg_pgid;             /* the terminal's foreground group */
	int tty_sid;                 /* the session the terminal belongs to */
	/* e[0..used) have been handed out at least once; the rest are still
	 * P_FREE and untouched. Scans stop at used: the table is megabytes
	 * of fresh shared memory, and reading a field of every entry would
	 * fault in every page of it (~2 ms at each start-up). */
	int used;
	struct proc_entry e[PROC_MAX];
};

static struct proctab *ptab;
static struct proc_entry *self;

int proctab_init(void)
{
	ptab = shm_zalloc(sizeof(*ptab));
	if (!ptab)
		return -ENOMEM;
	ptab->next_pid = 2;
	ptab->tty_fg_pgid = ptab->tty_sid = 1;
	ptab->used = 1;
	self = &ptab->e[0];
	self->pid = self->pgid = self->sid = 1;
	self->state = P_ALIVE;
	self->host_pid = plat_process_id();
	return 0;
}

static int pid_in_use(int pid)
{
	for (int i = 0; i < ptab->used; i++)
		if (ptab->e[i].state != P_FREE &&
		    (ptab->e[i].pid == pid || ptab->e[i].pgid == pid || ptab->e[i].sid == pid))
			return 1;
	return 0;
}

/* A fresh pid (also used for thread ids). Caller holds the lock. */
static int alloc_pid_locked(void)
{
	for (int tries = 0; tries < PID_MAX; tries++) {
		int pid = ptab->next_pid++;
		if (ptab->next_pid >= PID_MAX)
			ptab->next_pid = 2;
		if (!pid_in_use(pid))
			return pid;
	}
	return -EAGAIN;
}

int pid_alloc(void)
{
	if (!ptab)
		return 1;
	spin_lock(&ptab->lock);
	int pid = alloc_pid_locked();
	spin_unlock(&ptab->lock);
	return pid;
}

static struct proc_entry *find(int pid)
{
	for (int i = 0; i < ptab->used; i++)
		if (ptab->e[i].state != P_FREE && ptab->e[i].pid == pid)
			return &ptab->e[i];
	return NULL;
}

/* Caller holds the lock. */
static struct proc_entry *free_slot(void)
{
	for (int i = 0; i < ptab->used; i++)
		if (ptab->e[i].state == P_FREE)
			return &ptab->e[i];
	if (ptab->used < PROC_MAX)
		return &ptab->e[ptab->used++];
	return NULL;
}

/* ---- fork ---------------------------------------------------------------- */

void proc_vfork_snapshot(void);

/* In the child: this process is now pid; only the calling thread exists. */
static void become_child(struct proc_entry *e)
{
	struct thread *t = cur_thread();
	self = e;
	kproc->pid = e->pid;
	kproc->ppid = e->ppid;
	kproc->pgid = e->pgid;
	kproc->sid = e->sid;
	kproc->threads = t;
	kproc->nthreads = 1;
	kproc->pending = 0;
	t->next = NULL;
	t->tid = e->pid;
	t->pending = 0;
	t->host_tid = plat_thread_id();
	plat_set_ids(e->pid, t->tid);
	e->host_pid = plat_process_id();
	kproc->exiting = 0;
	timer_fork_child();
	proc_vfork_snapshot();
}

static void vfork_restore(struct proc_entry *e);
void proc_vfork_keep_stack(void);
void proc_vfork_snapshot(void);
static void reap_host_children(void);

long proc_fork(int vfork, uintptr_t parent_sp)
{
	return proc_fork_ex(vfork, parent_sp, 0, 17);
}

long proc_fork_ex(int vfork, uintptr_t parent_sp, int clone_parent, int exit_signal)
{
	spin_lock(&ptab->lock);
	struct proc_entry *e = free_slot();
	int pid = e ? alloc_pid_locked() : -EAGAIN;
	if (!e || pid < 0) {
		spin_unlock(&ptab->lock);
		return -EAGAIN;
	}
	proc_ask_reset(&e->ask);
	memset(e, 0, sizeof(*e));
	e->pid = pid;
	e->ppid = clone_parent && self->pid != 1 ? self->ppid : self->pid;
	e->exit_signal = exit_signal;
	e->pgid = self->pgid;
	e->sid = self->sid;
	e->state = P_ALIVE;
	e->vfork_sp = vfork ? parent_sp : 0;
	memcpy(e->exe, self->exe, sizeof(e->exe));
	memcpy(e->cmdline, self->cmdline, sizeof(e->cmdline));
	e->cmdline_len = self->cmdline_len;
	e->caught = self->caught;
	e->nocldstop = self->nocldstop;
	memcpy(e->comm, self->comm, sizeof(e->comm));
	spin_unlock(&ptab->lock);
	fd_forked(1);
	sysvshm_fork(1);
	kernel_fork_lock();
	long host = plat_process_fork();
	kernel_fork_unlock();
	if (host < 0) {
		fd_forked(-1);
		sysvshm_fork(-1);
		spin_lock(&ptab->lock);
		e->state = P_FREE;
		spin_unlock(&ptab->lock);
		return host;
	}
	if (host == 0) {
		become_child(e);
		return 0;
	}
	__atomic_store_n(&e->host_pid, host, __ATOMIC_RELEASE);
	if (vfork) {
		/* The parent waits until the child has exec'd or exited. */
		/* Also stop waiting if the child died without getting there. */
		while (!__atomic_load_n(&e->vfork_done, __ATOMIC_ACQUIRE) &&
		       __atomic_load_n(&e->state, __ATOMIC_ACQUIRE) == P_ALIVE &&
		       __atomic_load_n(&e->pid, __ATOMIC_ACQUIRE) == pid) {
			kwait_shared(&e->vfork_done, 0);
			reap_host_children();
		}
		vfork_restore(e);
	}
	return pid;
}

void proc_vfork_release(void)
{
	if (!__atomic_load_n(&self->vfork_done, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&self->vfork_done, 1, __ATOMIC_RELEASE);
		plat_wake_shared(&self->vfork_done, 1);
	}
}

/* ---- signals between processes --------------------------------------- */

static void notify_parent(struct proc_entry *e);

/* Resume a stopped process and tell its parent. Caller holds the lock. */
static void continue_locked(struct proc_entry *e)
{
	e->stopped = 0;
	e->report = (e->report & ~1) | 2;
	__atomic_add_fetch(&e->cont_word, 1, __ATOMIC_SEQ_CST);
	plat_wake_shared(&e->cont_word, 0x7fffffff);
	notify_parent(e);
}

/* Queue sig for entry e and wake it (host signal to its process). Caller
 * holds the lock. With kick set, the host process to wake is stored
 * there instead, for the caller to kick after it has let go of the lock. */
static void post_signal_kick_later(struct proc_entry *e, const struct b_siginfo *info, long *kick)
{
	int sig = info->signo;
	if (sig == 18)
		__atomic_and_fetch(&e->pending, ~(0xfULL << 18), __ATOMIC_SEQ_CST); /* stops 19..22 */
	else if (sig >= 19 && sig <= 22)
		__atomic_and_fetch(&e->pending, ~(1ULL << 17), __ATOMIC_SEQ_CST);
	if (sig == 18 && e->stopped)
		continue_locked(e);
	if (e == self) {
		sig_queue_process(info);
		return;
	}
	if (!(e->pending & (1ULL << (sig - 1))))
		e->info[sig] = *info;
	__atomic_or_fetch(&e->pending, 1ULL << (sig - 1), __ATOMIC_SEQ_CST);
	long host = __atomic_load_n(&e->host_pid, __ATOMIC_ACQUIRE);
	if (kick)
		*kick = host;
	else if (host > 0)
		plat_process_signal(host, 0);
	if (e->stopped && sig == 9) {
		/* A stopped process wakes up to die. */
		__atomic_add_fetch(&e->cont_word, 1, __ATOMIC_SEQ_CST);
		plat_wake_shared(&e->cont_word, 0x7fffffff);
	}
}

static int host_child_ended;

void proc_note_host_child(void)
{
	__atomic_store_n(&host_child_ended, 1, __ATOMIC_RELEASE);
}

int proc_absorb_pending(void)
{
	if (__atomic_load_n(&host_child_ended, __ATOMIC_ACQUIRE))
		return 1;
	return self && (__atomic_load_n(&self->pending, __ATOMIC_ACQUIRE) ||
			(__atomic_load_n(&self->ask.state, __ATOMIC_ACQUIRE) & PROC_ASK_PHASE) ==
				PROC_ASK_REQ);
}

/* Move signals other processes posted for us into our own queue, and
 * answer a reader of our /proc that asked for something. */
void proc_absorb_signals(void)
{
	/* A plain load first: this runs at every system call, and the
	 * exchange (a locked instruction) is needed only when it is set. */
	if (__atomic_load_n(&host_child_ended, __ATOMIC_ACQUIRE) &&
	    __atomic_exchange_n(&host_child_ended, 0, __ATOMIC_ACQ_REL))
		reap_host_children();
	proc_ask_answer();
	if (!self || !__atomic_load_n(&self->pending, __ATOMIC_ACQUIRE))
		return;
	spin_lock(&ptab->lock);
	uint64_t set = self->pending;
	struct b_siginfo infos[K_NSIG + 1];
	memcpy(infos, self->info, sizeof(infos));
	self->pending = 0;
	spin_unlock(&ptab->lock);
	/* SIGKILL cannot be caught, blocked or ignored: the process ends at
	 * this signal check, releasing what it shares on the way out. */
	if (set & (1ULL << 8))
		proc_exit(9);
	while (set) {
		int sig = __builtin_ctzll(set) + 1;
		set &= set - 1;
		sig_queue_process(&infos[sig]);
	}
}

static int matches(struct proc_entry *e, int pid)
{
	/* A zombie can still be signalled (to no effect) until reaped. */
	if (e->state == P_FREE)
		return 0;
	if (pid > 0)
		return e->pid == pid;
	if (pid == 0)
		return e->pgid == self->pgid;
	if (pid == -1)
		return e->pid != 1 && e != self;
	return e->pgid == -pid;
}

/* SIGKILL is carried out by the victim itself (it takes the signal at
 * its next entry into bento, or at once in guest code), so that it
 * releases what it shares — pipe ends above all — as it goes. Should it
 * not be gone shortly, the host kills it. */
static void make_sure_dead(struct proc_entry *e)
{
	long host = __atomic_load_n(&e->host_pid, __ATOMIC_ACQUIRE);
	for (int i = 0; i < 200; i++) {
		if (__atomic_load_n(&e->state, __ATOMIC_ACQUIRE) != P_ALIVE ||
		    __atomic_load_n(&e->host_pid, __ATOMIC_ACQUIRE) != host)
			return;
		struct b_timespec ms = { 0, 1000000 };
		uint32_t dummy = 0;
		plat_wait(&dummy, 0, &ms);
	}
	plat_process_signal(host, 1);
}

int proc_kill(int pid, int sig, const struct b_siginfo *info)
{
	if (sig < 0 || sig > K_NSIG)
		return -EINVAL;
	int found = 0, nkill = 0, nkick = 0;
	struct proc_entry *killed[64];
	/* The host signal that wakes a target goes out after the lock is
	 * released: sent under it, a sender in a kill loop held the table
	 * lock most of the time, and the target — interrupted by each of
	 * those signals — never won the lock to take them or to exit. */
	long kick[64];
	spin_lock(&ptab->lock);
	for (int i = 0; i < ptab->used; i++) {
		struct proc_entry *e = &ptab->e[i];
		if (!matches(e, pid))
			continue;
		found++;
		/* The sandbox's init gets only the signals it has handlers
		 * for from other processes, as in a pid namespace. */
		if (e->pid == 1 && e != self && !(e->caught & (1ULL << (sig - 1))))
			continue;
		if (sig && e->state == P_ALIVE) {
			long host = 0;
			post_signal_kick_later(e, info, nkick < 64 ? &host : NULL);
			if (host > 0)
				kick[nkick++] = host;
			if (sig == 9 && e != self && nkill < 64)
				killed[nkill++] = e;
		}
	}
	spin_unlock(&ptab->lock);
	for (int i = 0; i < nkick; i++)
		plat_process_signal(kick[i], 0);
	for (int i = 0; i < nkill; i++)
		make_sure_dead(killed[i]);
	return found ? 0 : -ESRCH;
}

/* ---- exit and wait ------------------------------------------------------ */

/* The parent's SIGCHLD. A parent asleep in proc_wait with no other
 * thread needs no host signal (kick) to notice: the child_event wake that
 * follows reaches it, and it takes the signal when it wakes (kwait_shared
 * looks for deliverable signals). That saves a host signal and its
 * handler per reaped child. */
static void post_to_parent(struct proc_entry *parent, const struct b_siginfo *info)
{
	long unused;
	post_signal_kick_later(parent, info, parent->waiting ? &unused : NULL);
}

static void notify_parent(struct proc_entry *e)
{
	struct proc_entry *parent = find(e->ppid);
	if (!parent)
		return;
	struct b_siginfo info = { .signo = 17, .pid = e->pid };
	if (e->state == P_ALIVE) {
		/* A stop (CLD_STOPPED) or a continue (CLD_CONTINUED). */
		if (parent->nocldstop || parent->nocldwait == 1)
			goto wake;
		info.code = e->stopped ? 5 : 6;
		info.status = e->stopped ? e->stop_sig : 18;
		post_to_parent(parent, &info);
		goto wake;
	}
	int code = e->wstatus & 0x7f;
	info.code = code ? (code == 0x7f ? 5 : (e->wstatus & 0x80 ? 3 : 2)) : 1;
	info.status = code ? code : (e->wstatus >> 8) & 0xff;
	/* SIGCHLD ignored: reap now, no signal. SA_NOCLDWAIT with a handler
	 * or SIG_DFL: reap now, the signal still goes out. */
	if (parent->nocldwait)
		e->state = P_FREE;
	info.signo = e->exit_signal;
	if (parent->nocldwait != 1 && info.signo > 0 && info.signo <= K_NSIG)
		post_to_parent(parent, &info);
wake:
	__atomic_add_fetch(&parent->child_event, 1, __ATOMIC_SEQ_CST);
	plat_wake_shared(&parent->child_event, 0x7fffffff);
}

/* The nearest living ancestor that is a subreaper, else pid 1. */
static int new_parent(void)
{
	for (struct proc_entry *a = find(self->ppid); a && a->pid != 1; a = find(a->ppid))
		if (a->subreaper && a->state == P_ALIVE)
			return a->pid;
	return 1;
}

/* Orphans go to a subreaper or pid 1, which reaps them. */
static void reparent_children(void)
{
	int heir = new_parent();
	for (int i = 0; i < ptab->used; i++) {
		struct proc_entry *c = &ptab->e[i];
		if (c->state == P_FREE || c->ppid != self->pid)
			continue;
		c->ppid = heir;
		if (c->state == P_ZOMBIE)
			notify_parent(c);
	}
}

int proc_parent(void)
{
	return self ? __atomic_load_n(&self->ppid, __ATOMIC_ACQUIRE) : 0;
}

int proc_subreaper(int set)
{
	if (set >= 0 && self)
		self->subreaper = !!set;
	return self ? self->subreaper : 0;
}

/* pid 1 is leaving: every other process of the sandbox goes too. */
static void kill_everyone(void)
{
	for (int i = 0; i < ptab->used; i++) {
		struct proc_entry *e = &ptab->e[i];
		if (e != self && e->state == P_ALIVE && e->host_pid > 0)
			plat_process_signal(e->host_pid, 1);
	}
}

/* The other threads leave before the process ends: the host's
 * exit_group would kill them wherever they are, and one holding a lock
 * of the shared arena (this table's, a pipe's) would keep it held for
 * every process of the sandbox. One thread carries the exit out; another
 * that gets here meanwhile just leaves. */
static void exit_threads_first(void)
{
	if (__atomic_exchange_n(&kproc->exiting, 1, __ATOMIC_ACQ_REL)) {
		thread_exit_current();
		thread_leave();
	}
	if (__atomic_load_n(&kproc->nthreads, __ATOMIC_ACQUIRE) > 1)
		thread_kill_others();
}

_Noreturn void proc_exit(int wstatus)
{
	exit_threads_first();
	proc_vfork_keep_stack();
	sysvshm_detach_all();
	/* Shared objects (pipes, ...) must learn that this holder is gone;
	 * the host closes only its own handles. */
	fd_close_range(0, ~0U, 0);
	if (self) {
		proc_vfork_release();
		spin_lock(&ptab->lock);
		struct b_timespec cpu;
		plat_clock_get(2 /* CLOCK_PROCESS_CPUTIME_ID */, &cpu);
		self->cpu_ns = cpu.sec * 1000000000LL + cpu.nsec;
		self->wstatus = wstatus;
		self->state = P_ZOMBIE;
		reparent_children();
		if (self->pid == 1)
			kill_everyone();
		else
			notify_parent(self);
		spin_unlock(&ptab->lock);
	}
	int code = wstatus & 0x7f ? 128 + (wstatus & 0x7f) : (wstatus >> 8) & 0xff;
	plat_exit(code);
}

/* A child's host process ended without going through proc_exit (killed
 * by SIGKILL): mark it as a zombie killed by that signal. */
static void reap_host_children(void)
{
	long host;
	int status;
	while ((host = plat_process_reap(&status)) > 0) {
		spin_lock(&ptab->lock);
		for (int i = 0; i < ptab->used; i++) {
			struct proc_entry *e = &ptab->e[i];
			if (e->state == P_ALIVE && e->host_pid == host) {
				e->wstatus = status & 0x7f ? (status & 0x7f) : 9;
				e->state = P_ZOMBIE;
				notify_parent(e);
			}
		}
		spin_unlock(&ptab->lock);
	}
}

static int wait_matches(struct proc_entry *e, int pid, int options)
{
	if (e->state == P_FREE || e->ppid != self->pid)
		return 0;
	/* A "clone" child (exit signal not SIGCHLD) needs __WCLONE or
	 * __WALL; __WCLONE alone skips ordinary children. */
	int clone_child = e->exit_signal != 17;
	if (!(options & 0x40000000) && clone_child != !!(options & 0x80000000))
		return 0;
	if (pid > 0)
		return e->pid == pid;
	if (pid == 0)
		return e->pgid == self->pgid;
	if (pid == -1)
		return 1;
	return e->pgid == -pid;
}

/* wait4/waitid: options as Linux (WNOHANG 1, WNOWAIT 0x1000000). Returns
 * the child's pid with its status, 0 (WNOHANG, none ready), or -errno. */
int proc_wait(int pid, int options, int *wstatus, int64_t *cpu_ns)
{
	int interrupted = 0, look = 0;
	for (;;) {
		/* Children whose host process ended without proc_exit: the
		 * host's SIGCHLD notes them (proc_note_host_child), and every
		 * signal check reaps them (proc_absorb_signals), the one in
		 * kwait_shared too. A full look after a wait that saw no child
		 * event (the slice ran out) is the safety net. */
		if (look || __atomic_exchange_n(&host_child_ended, 0, __ATOMIC_ACQ_REL))
			reap_host_children();
		uint32_t seen = __atomic_load_n(&self->child_event, __ATOMIC_ACQUIRE);
		int any = 0;
		spin_lock(&ptab->lock);
		for (int i = 0; i < ptab->used; i++) {
			struct proc_entry *e = &ptab->e[i];
			if (!wait_matches(e, pid, options))
				continue;
			any = 1;
			if (e->state == P_ALIVE && (options & 2) && (e->report & 1) && e->stopped) {
				*wstatus = (e->stop_sig << 8) | 0x7f;
				if (!(options & 0x1000000))
					e->report &= ~1;
				spin_unlock(&ptab->lock);
				return e->pid;
			}
			if (e->state == P_ALIVE && (options & 8) && (e->report & 2)) {
				*wstatus = 0xffff;
				if (!(options & 0x1000000))
					e->report &= ~2;
				spin_unlock(&ptab->lock);
				return e->pid;
			}
			if (e->state != P_ZOMBIE)
				continue;
			int found = e->pid;
			*wstatus = e->wstatus;
			if (cpu_ns)
				*cpu_ns = e->cpu_ns;
			if (!(options & 0x1000000))
				e->state = P_FREE;
			spin_unlock(&ptab->lock);
			return found;
		}
		int sleep = any && !(options & 1) && !interrupted;
		if (sleep)
			self->waiting = __atomic_load_n(&kproc->nthreads, __ATOMIC_ACQUIRE) == 1;
		spin_unlock(&ptab->lock);
		if (!any)
			return -ECHILD;
		if (options & 1)
			return 0;
		/* A child that ended also signals us: look once more before
		 * reporting the interruption. */
		if (interrupted)
			return -EINTR;
		if (kwait_shared(&self->child_event, seen) == -EINTR)
			interrupted = 1;
		__atomic_store_n(&self->waiting, 0, __ATOMIC_RELEASE);
		look = __atomic_load_n(&self->child_event, __ATOMIC_ACQUIRE) == seen;
	}
}

/* ---- groups and sessions ------------------------------------------------- */

int proc_getpgid(int pid)
{
	spin_lock(&ptab->lock);
	struct proc_entry *e = pid ? find(pid) : self;
	int r = e ? e->pgid : -ESRCH;
	spin_unlock(&ptab->lock);
	return r;
}

int proc_getsid(int pid)
{
	spin_lock(&ptab->lock);
	struct proc_entry *e = pid ? find(pid) : self;
	int r = e ? e->sid : -ESRCH;
	spin_unlock(&ptab->lock);
	return r;
}

int proc_setpgid(int pid, int pgid)
{
	if (pgid < 0)
		return -EINVAL;
	spin_lock(&ptab->lock);
	struct proc_entry *e = pid ? find(pid) : self;
	int r = 0;
	if (!e || (e != self && e->ppid != self->pid))
		r = -ESRCH;
	else if (e != self && e->did_exec)
		r = -EACCES;
	else if (e->sid != self->sid || e->pid == e->sid)
		r = -EPERM;
	else {
		int target = pgid ? pgid : e->pid;
		int ok = target == e->pid;
		for (int i = 0; i < ptab->used && !ok; i++)
			ok = ptab->e[i].state != P_FREE && ptab->e[i].pgid == target &&
			     ptab->e[i].sid == self->sid;
		if (!ok)
			r = -EPERM;
		else
			e->pgid = target;
	}
	spin_unlock(&ptab->lock);
	if (r == 0 && e == self)
		kproc->pgid = self->pgid;
	return r;
}

int proc_setsid(void)
{
	spin_lock(&ptab->lock);
	int r = -EPERM;
	int leader = 0;
	for (int i = 0; i < ptab->used; i++)
		if (ptab->e[i].state != P_FREE && ptab->e[i].pgid == self->pid)
			leader = 1;
	if (!leader) {
		self->sid = self->pgid = self->pid;
		r = self->pid;
	}
	spin_unlock(&ptab->lock);
	if (r > 0)
		kproc->sid = kproc->pgid = r;
	return r;
}

/* Children are reaped automatically: 1 when SIGCHLD is ignored (no
 * signal), 2 with SA_NOCLDWAIT (the signal is still sent), 0 otherwise. */
void proc_set_nocldwait(int on)
{
	if (self)
		self->nocldwait = on;
}

void proc_set_comm(const char *name)
{
	if (self)
		strlcpy(self->comm, name, sizeof(self->comm));
}

/* For /proc and ps: calls fn for every live process. */
/* What proc_each reports of a process: a few ids and the name, not the
 * whole entry (kilobytes with its command line). */
struct proc_summary {
	int pid, ppid, pgid, sid, zombie;
	char comm[16];
};

/* Copies up to n live entries from e[*next..used) into out; *next moves
 * past them. Caller holds the table lock. */
static int summarize_locked(struct proc_summary *out, int n, int *next)
{
	int got = 0;
	for (; *next < ptab->used && got < n; (*next)++) {
		const struct proc_entry *e = &ptab->e[*next];
		if (e->state == P_FREE)
			continue;
		out[got] = (struct proc_summary){ e->pid, e->ppid, e->pgid, e->sid,
						  e->state == P_ZOMBIE, { 0 } };
		memcpy(out[got].comm, e->comm, sizeof(out[got].comm));
		got++;
	}
	return got;
}

/* Calls fn for every process, in batches: fn may take locks and ask other
 * processes, so it never runs under the table lock; each batch is a
 * snapshot, as a Linux /proc listing is read a part at a time. */
void proc_each(void (*fn)(int pid, int ppid, int pgid, int sid, int zombie, const char *comm, void *ctx),
	       void *ctx)
{
	struct proc_summary batch[64];
	int next = 0, more;
	do {
		spin_lock(&ptab->lock);
		int n = summarize_locked(batch, 64, &next);
		more = next < ptab->used;
		spin_unlock(&ptab->lock);
		for (int i = 0; i < n; i++)
			fn(batch[i].pid, batch[i].ppid, batch[i].pgid, batch[i].sid, batch[i].zombie,
			   batch[i].comm, ctx);
	} while (more);
}

/* Stop this process (SIGSTOP and friends, default action) until SIGCONT
 * or SIGKILL. Only SIGKILL (a host kill) ends a stopped process. */
void proc_stop_self(int sig)
{
	spin_lock(&ptab->lock);
	self->stopped = 1;
	self->stop_sig = sig;
	self->report = (self->report & ~2) | 1;
	notify_parent(self);
	spin_unlock(&ptab->lock);
	while (__atomic_load_n(&self->stopped, __ATOMIC_ACQUIRE)) {
		if (__atomic_load_n(&self->pending, __ATOMIC_ACQUIRE) & (1ULL << 8))
			proc_exit(9); /* SIGKILL ends a stopped process */
		proc_ask_answer(); /* a stopped process still shows its /proc */
		uint32_t seen = __atomic_load_n(&self->cont_word, __ATOMIC_ACQUIRE);
		if (!__atomic_load_n(&self->stopped, __ATOMIC_ACQUIRE))
			break;
		struct b_timespec slice = { 0, 100000000 };
		plat_wait_shared(&self->cont_word, seen, &slice);
	}
}

void proc_note_sigchld_flags(int nocldstop)
{
	if (self)
		self->nocldstop = nocldstop;
}

void proc_note_caught(uint64_t caught)
{
	if (self)
		self->caught = caught;
}

void proc_note_exec(void)
{
	if (self)
		self->did_exec = 1;
}

/* vfork: the child's writes to the parent's stack reach the parent
 * (vfork.c). */
void proc_vfork_snapshot(void)
{
	if (self && self->vfork_sp)
		self->vfork_copy = vfork_copy_take(self->vfork_sp);
}

void proc_vfork_keep_stack(void)
{
	if (!self || !self->vfork_copy || __atomic_load_n(&self->vfork_done, __ATOMIC_ACQUIRE))
		return;
	vfork_copy_keep(self->vfork_copy);
}

static void vfork_restore(struct proc_entry *e)
{
	if (!e->vfork_copy)
		return;
	vfork_copy_apply(e->vfork_copy);
	e->vfork_copy = NULL;
}

void proc_publish_exec(const char *exe, const char *argv_block, size_t len)
{
	if (!self)
		return;
	spin_lock(&ptab->lock);
	strlcpy(self->exe, exe, sizeof(self->exe));
	if (len > sizeof(self->cmdline))
		len = sizeof(self->cmdline);
	memcpy(self->cmdline, argv_block, len);
	self->cmdline_len = len;
	spin_unlock(&ptab->lock);
}

long proc_read_cmdline(int pid, char *buf, size_t n)
{
	spin_lock(&ptab->lock);
	struct proc_entry *e = find(pid);
	long r = -ESRCH;
	if (e && e->state == P_ALIVE) {
		r = (long)(e->cmdline_len < n ? e->cmdline_len : n);
		memcpy(buf, e->cmdline, (size_t)r);
	} else if (e) {
		r = 0; /* a zombie has no arguments */
	}
	spin_unlock(&ptab->lock);
	return r;
}

int proc_read_exe(int pid, char *buf, size_t n)
{
	spin_lock(&ptab->lock);
	struct proc_entry *e = find(pid);
	int r = e && e->state == P_ALIVE && e->exe[0] ? 0 : -ENOENT;
	if (r == 0)
		strlcpy(buf, e->exe, n);
	spin_unlock(&ptab->lock);
	return r;
}

long proc_host_pid(int pid)
{
	spin_lock(&ptab->lock);
	struct proc_entry *e = find(pid);
	long host = e && e->state == P_ALIVE ? __atomic_load_n(&e->host_pid, __ATOMIC_ACQUIRE) : 0;
	spin_unlock(&ptab->lock);
	return host > 0 ? host : -ESRCH;
}

int proc_alive(int pid)
{
	spin_lock(&ptab->lock);
	struct proc_entry *e = find(pid);
	int r = e && e->state == P_ALIVE;
	spin_unlock(&ptab->lock);
	return r;
}

struct proc_ask *proc_ask_slot(int pid, int kick)
{
	spin_lock(&ptab->lock);
	struct proc_entry *e = find(pid);
	if (e && e->state != P_ALIVE)
		e = NULL;
	long host = e ? __atomic_load_n(&e->host_pid, __ATOMIC_ACQUIRE) : 0;
	if (kick && host > 0) {
		plat_process_signal(host, 0);
		/* A stop's wait runs with kicks blocked when it began in a
		 * kick's handler: wake it without a change. */
		plat_wake_shared(&e->cont_word, 0x7fffffff);
	}
	spin_unlock(&ptab->lock);
	return e ? &e->ask : NULL;
}

struct proc_ask *proc_ask_own(void)
{
	return self ? &self->ask : NULL;
}

/* ---- the controlling terminal ------------------------------------------ */

/* The sandbox has at most one terminal (the one it inherited); bento
 * keeps its foreground process group, since the host sees all of the
 * sandbox's processes as one group. */
int tty_get_pgrp(void)
{
	int fg = __atomic_load_n(&ptab->tty_fg_pgid, __ATOMIC_ACQUIRE);
	return self->sid == ptab->tty_sid ? fg : -ENOTTY;
}

int tty_get_sid(void)
{
	return self->sid == ptab->tty_sid ? ptab->tty_sid : -ENOTTY;
}

int tty_set_pgrp(int pgid)
{
	if (pgid <= 0)
		return -EINVAL;
	if (self->sid != ptab->tty_sid)
		return -ENOTTY;
	spin_lock(&ptab->lock);
	int ok = 0;
	for (int i = 0; i < ptab->used && !ok; i++)
		ok = ptab->e[i].state == P_ALIVE && ptab->e[i].pgid == pgid;
	int r = !ok ? -ESRCH : 0;
	for (int i = 0; i < ptab->used && r == 0; i++)
		if (ptab->e[i].state == P_ALIVE && ptab->e[i].pgid == pgid && ptab->e[i].sid != self->sid)
			r = -EPERM;
	if (r == 0)
		__atomic_store_n(&ptab->tty_fg_pgid, pgid, __ATOMIC_RELEASE);
	spin_unlock(&ptab->lock);
	return r;
}

/* Lock-free: used from host signal handlers to route the terminal's
 * signals (Ctrl-C, Ctrl-Z, ...) to the foreground group only. */
int tty_in_foreground(void)
{
	if (!ptab || !self)
		return 1;
	return __atomic_load_n(&self->pgid, __ATOMIC_ACQUIRE) ==
	       __atomic_load_n(&ptab->tty_fg_pgid, __ATOMIC_ACQUIRE);
}

int proc_count(void)
{
	int n = 0;
	spin_lock(&ptab->lock);
	for (int i = 0; i < ptab->used; i++)
		n += ptab->e[i].state != P_FREE;
	spin_unlock(&ptab->lock);
	return n;
}
