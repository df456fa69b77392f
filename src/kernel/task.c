/* task.c — the process and its threads: ids, credentials, limits, names. */
#include "kernel/kernel.h"

struct process *kproc;

struct thread *thread_new(struct process *p)
{
	struct thread *t = kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->proc = p;
	t->altstack.flags = 2; /* SS_DISABLE */
	spin_lock(&p->lock);
	t->tid = pid_alloc();
	t->next = p->threads;
	p->threads = t;
	p->nthreads++;
	spin_unlock(&p->lock);
	return t;
}

void thread_remove(struct thread *t)
{
	struct process *p = t->proc;
	spin_lock(&p->lock);
	for (struct thread **pp = &p->threads; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			__atomic_sub_fetch(&p->nthreads, 1, __ATOMIC_SEQ_CST);
			break;
		}
	}
	spin_unlock(&p->lock);
	/* thread_kill_others waits on the count for doomed threads. */
	if (__atomic_load_n(&t->doomed, __ATOMIC_ACQUIRE))
		plat_wake((uint32_t *)&p->nthreads, 1);
}

void thread_kick(struct thread *t)
{
	__atomic_add_fetch(&t->wake, 1, __ATOMIC_SEQ_CST);
	plat_wake(&t->wake, 1);
	if (t != cur_thread() && t->host_tid > 0)
		plat_thread_kick(t->host_tid);
}

struct thread *thread_current(void)
{
	return cur_thread();
}

int proc_thread_count(void)
{
	return kproc->nthreads;
}

int proc_getpid(void)
{
	return kproc->pid;
}

int proc_getppid(void)
{
	return proc_parent();
}

int thread_gettid(void)
{
	return cur_thread()->tid;
}

void cred_get(int *ruid, int *euid, int *suid, int *rgid, int *egid, int *sgid)
{
	struct process *p = kproc;
	*ruid = p->ruid, *euid = p->euid, *suid = p->suid;
	*rgid = p->rgid, *egid = p->egid, *sgid = p->sgid;
}

void cred_init(int uid, int gid)
{
	struct process *p = kproc;
	p->ruid = p->euid = p->suid = uid;
	p->rgid = p->egid = p->sgid = gid;
}

/* setres[ug]id: -1 keeps a value. An unprivileged process may only pick
 * among its current real, effective and saved ids. */
static int set_ids(int *r, int *e, int *s, int nr, int ne, int ns, int privileged)
{
	int vals[3] = { nr, ne, ns };
	for (int i = 0; i < 3; i++) {
		int v = vals[i];
		if (v != -1 && !privileged && v != *r && v != *e && v != *s)
			return -EPERM;
	}
	if (nr != -1)
		*r = nr;
	if (ne != -1)
		*e = ne;
	if (ns != -1)
		*s = ns;
	return 0;
}

int cred_setresuid(int r, int e, int s)
{
	struct process *p = kproc;
	return set_ids(&p->ruid, &p->euid, &p->suid, r, e, s, p->euid == 0);
}

int cred_setresgid(int r, int e, int s)
{
	struct process *p = kproc;
	return set_ids(&p->rgid, &p->egid, &p->sgid, r, e, s, p->euid == 0);
}

/* The list is read and replaced under the process lock: another thread
 * may be setting it (setgroups acts for the whole process). */
int cred_getgroups(int n, uint32_t *list)
{
	struct process *p = kproc;
	spin_lock(&p->lock);
	int count = p->ngroups;
	if (n >= count && n)
		memcpy(list, p->groups, sizeof(uint32_t) * (size_t)count);
	spin_unlock(&p->lock);
	return n && n < count ? -EINVAL : count;
}

int cred_in_group(uint32_t gid)
{
	struct process *p = kproc;
	int found = 0;
	spin_lock(&p->lock);
	for (int i = 0; i < p->ngroups && !found; i++)
		found = p->groups[i] == gid;
	spin_unlock(&p->lock);
	return found;
}

/* Ascending, as Linux keeps the list (getgroups shows it sorted). */
static void sort_groups(uint32_t *g, int n)
{
	for (int gap = n / 2; gap > 0; gap /= 2)
		for (int i = gap; i < n; i++)
			for (int j = i; j >= gap && g[j - gap] > g[j]; j -= gap) {
				uint32_t t = g[j];
				g[j] = g[j - gap];
				g[j - gap] = t;
			}
}

/* In Linux's order: EPERM, then EINVAL for a count over K_NGROUPS_MAX,
 * then EFAULT when the caller could not read the list (NULL). */
int cred_setgroups(int n, const uint32_t *list)
{
	struct process *p = kproc;
	if (p->euid != 0)
		return -EPERM;
	if (n < 0 || n > K_NGROUPS_MAX)
		return -EINVAL;
	if (n && !list)
		return -EFAULT;
	uint32_t *copy = n ? kmalloc(sizeof(*copy) * (size_t)n) : NULL;
	if (n && !copy)
		return -ENOMEM;
	if (n)
		memcpy(copy, list, sizeof(*copy) * (size_t)n);
	sort_groups(copy, n);
	spin_lock(&p->lock);
	uint32_t *old = p->groups;
	p->groups = copy;
	p->ngroups = n;
	spin_unlock(&p->lock);
	kfree(old);
	return 0;
}

int proc_umask(int mask)
{
	int old = kproc->umask;
	kproc->umask = mask & 0777;
	return old;
}

void proc_get_name(char *buf)
{
	memcpy(buf, kproc->name, 16);
	buf[15] = 0;
}

void proc_set_name(const char *name)
{
	strlcpy(kproc->name, name, 16);
	proc_set_comm(kproc->name); /* what other processes see (ps) */
}

static void *dup_bytes(const void *src, size_t n)
{
	void *p = kmalloc(n ? n : 1);
	if (p && n)
		memcpy(p, src, n);
	return p;
}

/* The exe path comes canonical (the path of the file execve opened), as
 * /proc/self/exe shows it; the old image's records are dropped only on
 * success. */
int proc_set_exec_info(const char *exe, const void *argv_block, size_t argv_len,
		       const void *env_block, size_t env_len, const void *auxv, size_t auxv_len)
{
	struct process *p = kproc;
	char *path = kstrdup(exe);
	char *av = dup_bytes(argv_block, argv_len), *ev = dup_bytes(env_block, env_len);
	uint64_t *aux = dup_bytes(auxv, auxv_len);
	if (!path || !av || !ev || !aux) {
		kfree(path), kfree(av), kfree(ev), kfree(aux);
		return -ENOMEM;
	}
	spin_lock(&p->lock);
	char *old[4] = { p->exe, p->argv_block, p->env_block, (char *)p->auxv };
	p->exe = path;
	p->argv_block = av, p->argv_len = argv_len;
	p->env_block = ev, p->env_len = env_len;
	p->auxv = aux, p->auxv_len = auxv_len;
	spin_unlock(&p->lock);
	for (int i = 0; i < 4; i++)
		kfree(old[i]);
	proc_publish_exec(path, av, argv_len);
	return 0;
}

int proc_prlimit(int resource, const uint64_t *new_lim, uint64_t *old_lim)
{
	if (resource < 0 || resource >= 16)
		return -EINVAL;
	struct process *p = kproc;
	if (old_lim)
		old_lim[0] = p->rlim[resource][0], old_lim[1] = p->rlim[resource][1];
	if (new_lim) {
		if (new_lim[0] > new_lim[1])
			return -EINVAL;
		if (new_lim[1] > p->rlim[resource][1] && p->euid != 0)
			return -EPERM;
		if (resource == 7 && new_lim[1] > FD_MAX && new_lim[1] != ~0ULL)
			return -EPERM;
		p->rlim[resource][0] = new_lim[0];
		p->rlim[resource][1] = new_lim[1];
	}
	return 0;
}

void proc_rlimit_inherit(int resource, uint64_t soft, uint64_t hard)
{
	if (resource < 0 || resource >= 16)
		return;
	if (resource == 7 && hard > FD_MAX)
		hard = FD_MAX;
	if (soft > hard)
		soft = hard;
	kproc->rlim[resource][0] = soft;
	kproc->rlim[resource][1] = hard;
}

int random_get(void *buf, size_t n)
{
	return plat_random(buf, n);
}

int cpu_count(void)
{
	return plat_cpu_count();
}

int thread_set_tls(uintptr_t fs_base)
{
	return plat_set_tls(fs_base);
}

uintptr_t thread_get_tls(void)
{
	return plat_get_tls();
}

struct start_args {
	struct thread *t;
	void (*fn)(void *);
	void *arg;
};

static void thread_trampoline(void *p)
{
	struct start_args a = *(struct start_args *)p;
	kfree(p);
	a.t->host_tid = plat_thread_id();
	plat_set_ids(a.t->proc->pid, a.t->tid);
	a.fn(a.arg);
	plat_thread_exit();
}

long thread_start(struct thread *t, void (*fn)(void *), void *arg)
{
	struct start_args *a = kmalloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	*a = (struct start_args){ t, fn, arg };
	long r = plat_thread_spawn(thread_trampoline, a, t);
	if (r < 0)
		kfree(a);
	return r;
}

_Noreturn void thread_leave(void)
{
	plat_thread_exit();
}

_Noreturn void guest_enter(const struct cpu_regs *regs)
{
	plat_enter_guest(regs);
}

void klog_raw(const char *buf, size_t n)
{
	plat_log(buf, n);
}

void **thread_shim_slot(void)
{
	return &cur_thread()->shim;
}

struct thread *thread_create(void)
{
	struct thread *self = cur_thread();
	struct thread *t = thread_new(kproc);
	if (t && self) {
		t->sigmask = self->sigmask;
	}
	return t;
}

int thread_tid(struct thread *t)
{
	return t->tid;
}

void thread_set_host(struct thread *t, long host_tid)
{
	t->host_tid = host_tid;
}

void thread_set_clear_tid(struct thread *t, uintptr_t uaddr)
{
	t->clear_child_tid = uaddr;
}

uintptr_t thread_clear_tid(void)
{
	return cur_thread()->clear_child_tid;
}

int thread_exit_current(void)
{
	struct thread *t = cur_thread();
	thread_remove(t);
	int left = kproc->nthreads;
	/* The record stays allocated: other threads may still hold it
	 * briefly (signal targeting); it is small. */
	return left;
}

int thread_is_doomed(void)
{
	struct thread *t = cur_thread();
	return t && __atomic_load_n(&t->doomed, __ATOMIC_ACQUIRE);
}

void thread_kill_others(void)
{
	struct process *p = kproc;
	struct thread *self = cur_thread();
	spin_lock(&p->lock);
	for (struct thread *t = p->threads; t; t = t->next) {
		if (t == self)
			continue;
		__atomic_store_n(&t->doomed, 1, __ATOMIC_RELEASE);
		thread_kick(t);
	}
	spin_unlock(&p->lock);
	/* They leave at their next entry into bento, or at once when the
	 * kick interrupts guest code. Wait a bounded time. */
	for (int i = 0; i < 2000; i++) {
		uint32_t n = (uint32_t)__atomic_load_n(&p->nthreads, __ATOMIC_ACQUIRE);
		if (n <= 1)
			break;
		struct b_timespec ms = { 0, 1000000 };
		plat_wait((uint32_t *)&p->nthreads, n, &ms);
	}
	self->tid = p->pid;
	plat_set_ids(p->pid, self->tid);
}

void thread_remove_record(struct thread *t)
{
	thread_remove(t);
	kfree(t);
}
