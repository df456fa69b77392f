/* sysvshm.c — System V shared memory within the sandbox. A segment's
 * pages live in the shared arena, which every process of the sandbox has
 * mapped; shmat makes a second mapping of those same pages (mremap with
 * old size 0 does exactly that for shared memory), so a segment attached
 * in two processes is one memory. */
#include "kernel/kernel.h"
#include "lib/fmt.h"

#define MAX_SEGS 128
#define IPC_PRIVATE 0
#define IPC_CREAT 01000
#define IPC_EXCL 02000
#define IPC_RMID 0
#define IPC_SET 1
#define IPC_STAT 2
#define SHM_RDONLY 010000
#define SHM_RND 020000
#define SHMLBA 4096

struct shm_seg {
	int used, removed;
	int key, id;
	size_t size;
	void *pages;
	int mode, uid, gid, cpid, lpid;
	int nattch;
	int64_t atime, dtime, ctime;
};

struct shm_table {
	struct spinlock lock;
	int next_seq;
	struct shm_seg seg[MAX_SEGS];
};

static struct shm_table *table_;

static struct shm_table *table(void)
{
	/* Created by the first process before any fork, or lazily. */
	if (!table_)
		table_ = shm_zalloc(sizeof(*table_));
	return table_;
}

int sysvshm_init(void)
{
	return table() ? 0 : -ENOMEM;
}

static int64_t now_sec(void)
{
	struct b_timespec t;
	plat_clock_get(0, &t);
	return t.sec;
}

static struct shm_seg *by_id(struct shm_table *t, int id)
{
	int slot = id % MAX_SEGS;
	if (id < 0 || !t->seg[slot].used || t->seg[slot].id != id)
		return NULL;
	return &t->seg[slot];
}

static void destroy(struct shm_seg *s)
{
	shm_pages_free(s->pages, s->size);
	memset(s, 0, sizeof(*s));
}

int sysv_shmget(int key, size_t size, int flags)
{
	struct shm_table *t = table();
	if (!t)
		return -ENOMEM;
	spin_lock(&t->lock);
	int r = -ENOENT;
	if (key != IPC_PRIVATE) {
		for (int i = 0; i < MAX_SEGS; i++) {
			struct shm_seg *s = &t->seg[i];
			if (!s->used || s->removed || s->key != key)
				continue;
			r = (flags & IPC_CREAT) && (flags & IPC_EXCL) ? -EEXIST
			    : size > s->size ? -EINVAL : s->id;
			goto out;
		}
	}
	if (key != IPC_PRIVATE && !(flags & IPC_CREAT))
		goto out;
	r = -EINVAL;
	if (size < 1 || size > (1UL << 30))
		goto out;
	r = -ENOSPC;
	for (int i = 0; i < MAX_SEGS; i++) {
		struct shm_seg *s = &t->seg[i];
		if (s->used)
			continue;
		size_t len = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		void *pages = shm_pages(len);
		if (!pages) {
			r = -ENOMEM;
			goto out;
		}
		*s = (struct shm_seg){ .used = 1, .key = key, .size = size, .pages = pages,
				       .mode = flags & 0777, .uid = kproc->euid, .gid = kproc->egid,
				       .cpid = kproc->pid, .ctime = now_sec() };
		s->id = (++t->next_seq % 32768) * MAX_SEGS + i;
		r = s->id;
		break;
	}
out:
	spin_unlock(&t->lock);
	return r;
}

long sysv_shmat(int id, uintptr_t addr, int flags)
{
	struct shm_table *t = table();
	spin_lock(&t->lock);
	struct shm_seg *s = by_id(t, id);
	if (!s) {
		spin_unlock(&t->lock);
		return -EINVAL;
	}
	size_t len = (s->size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	void *pages = s->pages;
	s->nattch++;
	spin_unlock(&t->lock);
	if (addr && (flags & SHM_RND))
		addr &= ~(uintptr_t)(SHMLBA - 1);
	long r;
	if (addr && ((addr & (PAGE_SIZE - 1)) || !vm_guest_range_ok(addr, len)))
		r = -EINVAL;
	else
		r = plat_mem_remap((uintptr_t)pages, 0, len, addr ? 3 : 1 /* MAYMOVE|FIXED */, addr);
	if (r >= 0 && (flags & SHM_RDONLY))
		plat_mem_protect((uintptr_t)r, len, K_PROT_READ);
	spin_lock(&t->lock);
	if (r < 0) {
		s->nattch--;
	} else {
		s->atime = now_sec();
		s->lpid = kproc->pid;
	}
	spin_unlock(&t->lock);
	if (r >= 0) {
		char name[32];
		fmt_snprintf(name, sizeof(name), "/SYSV%08x (deleted)", (unsigned)s->key);
		vm_note((uintptr_t)r, len, (flags & SHM_RDONLY) ? K_PROT_READ : K_PROT_READ | K_PROT_WRITE,
			K_MAP_SHARED, name, 0);
		vm_note_shm((uintptr_t)r, id);
	}
	return r;
}

int sysv_shmdt(uintptr_t addr)
{
	int id = vm_take_shm(addr);
	if (id < 0)
		return -EINVAL;
	struct shm_table *t = table();
	spin_lock(&t->lock);
	struct shm_seg *s = by_id(t, id);
	size_t len = s ? (s->size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1) : 0;
	if (s) {
		s->nattch--;
		s->dtime = now_sec();
		s->lpid = kproc->pid;
		if (s->removed && s->nattch <= 0)
			destroy(s);
	}
	spin_unlock(&t->lock);
	return len ? vm_munmap(addr, len) : -EINVAL;
}

/* IPC_STAT fills st (Linux struct shmid64_ds layout, 112 bytes). */
int sysv_shmctl(int id, int cmd, void *kbuf)
{
	struct shm_table *t = table();
	spin_lock(&t->lock);
	struct shm_seg *s = by_id(t, id);
	int r = 0;
	if (!s) {
		r = -EINVAL;
	} else if (cmd == IPC_RMID) {
		s->removed = 1;
		s->key = IPC_PRIVATE;
		if (s->nattch <= 0)
			destroy(s);
	} else if (cmd == IPC_STAT) {
		int64_t *w = kbuf;
		memset(kbuf, 0, 112);
		int32_t *perm = kbuf;
		perm[0] = s->key, perm[1] = s->uid, perm[2] = s->gid, perm[3] = s->uid, perm[4] = s->gid;
		perm[5] = s->mode | (s->removed ? 01000 : 0); /* SHM_DEST */
		w[6] = (int64_t)s->size, w[7] = s->atime, w[8] = s->dtime, w[9] = s->ctime;
		int32_t *pids = (int32_t *)&w[10];
		pids[0] = s->cpid, pids[1] = s->lpid;
		w[11] = s->nattch;
	} else if (cmd == IPC_SET) {
		const int32_t *perm = kbuf;
		s->mode = perm[5] & 0777;
		s->ctime = now_sec();
	} else {
		r = -EINVAL;
	}
	spin_unlock(&t->lock);
	return r;
}

static void count_attach(int id, int delta)
{
	struct shm_table *t = table();
	spin_lock(&t->lock);
	struct shm_seg *s = by_id(t, id);
	if (s) {
		s->nattch += delta;
		if (s->removed && s->nattch <= 0)
			destroy(s);
	}
	spin_unlock(&t->lock);
}

void sysvshm_fork(int delta)
{
	vm_each_shm(count_attach, delta);
}

void sysvshm_detach_all(void)
{
	/* Forget the attachments; their mappings go with the image. */
	vm_each_shm(count_attach, -1);
	while (vm_take_shm_any() >= 0)
		;
}
