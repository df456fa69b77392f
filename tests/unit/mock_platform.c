/*
 * mock_platform.c — include/bento/platform.h on libc/POSIX, for running the
 * kernel and lib as an ordinary (sanitized) host program. See mock.h for
 * the rules it enforces. File operations mirror src/platform/linux/host.c
 * (openat2 beneath a directory handle, never following links), so the
 * kernel meets the same host behaviour as in the sandbox.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/openat2.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bento/platform.h>
#include "mock.h"

#define PG 4096UL
#define ARENA_PAGES (MOCK_ARENA_SIZE / PG)
#define KICK_SIGNAL SIGUSR2

static long neg(long r)
{
	return r < 0 ? -errno : r;
}

/* ---- memory --------------------------------------------------------- */

static pthread_mutex_t mem_lock = PTHREAD_MUTEX_INITIALIZER;
static uintptr_t arena;
static uint8_t *page_state;     /* ARENA_PAGES bytes: 0 free, 0x80|prot mapped */
static int guest_mode;
static long violations, count_map, count_kick;
static struct { uintptr_t start, end; } bento_mem[32];
static int nbento;
static struct { uintptr_t start, end; } bad[8];
static int nbad;

static void kick_handler(int sig)
{
	(void)sig;
}

static void setup(void)
{
	void *a = mmap(NULL, MOCK_ARENA_SIZE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	void *s = mmap(NULL, ARENA_PAGES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED || s == MAP_FAILED) {
		fprintf(stderr, "mock: cannot reserve the guest arena: %s\n", strerror(errno));
		_exit(3);
	}
	arena = (uintptr_t)a;
	page_state = s;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler; /* no SA_RESTART: host waits fail with EINTR */
	sigaction(KICK_SIGNAL, &sa, NULL);
}

void mock_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, setup);
}

void mock_set_guest_mode(int on)
{
	mock_init();
	guest_mode = on;
}

uintptr_t mock_arena_base(void)
{
	mock_init();
	return arena;
}

long mock_violations(void)
{
	return __atomic_load_n(&violations, __ATOMIC_SEQ_CST);
}

long mock_count_map(void)
{
	return __atomic_load_n(&count_map, __ATOMIC_SEQ_CST);
}

long mock_count_kick(void)
{
	return __atomic_load_n(&count_kick, __ATOMIC_SEQ_CST);
}

void mock_bad_range(uintptr_t addr, size_t len)
{
	if (nbad < 8)
		bad[nbad].start = addr, bad[nbad++].end = addr + len;
}

void mock_bad_clear(void)
{
	nbad = 0;
}

static int in_arena(uintptr_t a, size_t len)
{
	return arena && a >= arena && a + len >= a && a + len <= arena + MOCK_ARENA_SIZE;
}

static int in_bento(uintptr_t a, size_t len)
{
	for (int i = 0; i < nbento; i++)
		if (a >= bento_mem[i].start && a + len <= bento_mem[i].end)
			return 1;
	return 0;
}

int mock_page_state(uintptr_t addr)
{
	if (!in_arena(addr, 1))
		return -1;
	return page_state[(addr - arena) / PG];
}

static void violation(const char *what, uintptr_t addr, size_t len)
{
	__atomic_add_fetch(&violations, 1, __ATOMIC_SEQ_CST);
	fprintf(stderr, "mock: refused %s of %#lx+%#zx outside the guest arena\n", what,
		(unsigned long)addr, len);
}

static void mark(uintptr_t addr, size_t len, uint8_t state)
{
	memset(page_state + (addr - arena) / PG, state, len / PG);
}

static int any_mapped(uintptr_t addr, size_t len)
{
	for (size_t i = 0; i < len / PG; i++)
		if (page_state[(addr - arena) / PG + i])
			return 1;
	return 0;
}

static int all_mapped(uintptr_t addr, size_t len)
{
	for (size_t i = 0; i < len / PG; i++)
		if (!page_state[(addr - arena) / PG + i])
			return 0;
	return 1;
}

/* Put the PROT_NONE placeholder back over [addr, addr+len). */
static void placeholder(uintptr_t addr, size_t len)
{
	mmap((void *)addr, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
	     -1, 0);
	mark(addr, len, 0);
}

/* First free run of len bytes in the arena (at hint when possible). */
static uintptr_t find_free(uintptr_t hint, size_t len)
{
	if (hint && !(hint & (PG - 1)) && in_arena(hint, len) && !any_mapped(hint, len))
		return hint;
	size_t need = len / PG, run = 0;
	for (size_t i = 0; i < ARENA_PAGES; i++) {
		run = page_state[i] ? 0 : run + 1;
		if (run == need)
			return arena + (i + 1 - need) * PG;
	}
	return 0;
}

long plat_mem_map(uintptr_t addr, size_t len, int prot, int flags, int fd, uint64_t off)
{
	mock_init();
	__atomic_add_fetch(&count_map, 1, __ATOMIC_SEQ_CST);
	if (!len)
		return -EINVAL;
	len = (len + PG - 1) & ~(PG - 1);
	if (!len)
		return -ENOMEM;
	int fixed = flags & (PLAT_MAP_FIXED | PLAT_MAP_FIXED_NOREPLACE);
	if (!guest_mode && !fixed) {
		void *p = mmap((void *)addr, len, prot, flags, fd, (off_t)off);
		if (p == MAP_FAILED)
			return -errno;
		pthread_mutex_lock(&mem_lock);
		if (nbento < 32)
			bento_mem[nbento].start = (uintptr_t)p, bento_mem[nbento++].end = (uintptr_t)p + len;
		pthread_mutex_unlock(&mem_lock);
		return (long)p;
	}
	pthread_mutex_lock(&mem_lock);
	uintptr_t target;
	long r;
	if (fixed) {
		if (addr & (PG - 1)) {
			r = -EINVAL;
			goto out;
		}
		if (!in_arena(addr, len)) {
			violation("fixed mapping", addr, len);
			r = -ENOMEM;
			goto out;
		}
		if ((flags & PLAT_MAP_FIXED_NOREPLACE) && !(flags & PLAT_MAP_FIXED) &&
		    any_mapped(addr, len)) {
			r = -EEXIST;
			goto out;
		}
		target = addr;
	} else {
		target = find_free(addr, len);
		if (!target) {
			r = -ENOMEM;
			goto out;
		}
	}
	int hflags = (flags & ~PLAT_MAP_FIXED_NOREPLACE) | PLAT_MAP_FIXED;
	void *p = mmap((void *)target, len, prot, hflags, fd, (off_t)off);
	if (p == MAP_FAILED) {
		r = -errno;
		/* A failed fixed mapping may have removed what was there. */
		for (size_t i = 0; i < len; i += PG)
			if (!page_state[(target + i - arena) / PG])
				placeholder(target + i, PG);
		goto out;
	}
	mark(target, len, (uint8_t)(0x80 | (prot & 7)));
	r = (long)target;
out:
	pthread_mutex_unlock(&mem_lock);
	return r;
}

int plat_mem_unmap(uintptr_t addr, size_t len)
{
	if ((addr & (PG - 1)) || !len)
		return -EINVAL;
	len = (len + PG - 1) & ~(PG - 1);
	if (!in_arena(addr, len)) {
		violation("unmap", addr, len);
		return -EINVAL;
	}
	pthread_mutex_lock(&mem_lock);
	placeholder(addr, len);
	pthread_mutex_unlock(&mem_lock);
	return 0;
}

int plat_mem_protect(uintptr_t addr, size_t len, int prot)
{
	if (addr & (PG - 1))
		return -EINVAL;
	len = (len + PG - 1) & ~(PG - 1);
	if (!in_arena(addr, len)) {
		violation("mprotect", addr, len);
		return -ENOMEM;
	}
	pthread_mutex_lock(&mem_lock);
	int r = -ENOMEM;
	if (all_mapped(addr, len)) {
		r = (int)neg(mprotect((void *)addr, len, prot));
		if (r == 0)
			mark(addr, len, (uint8_t)(0x80 | (prot & 7)));
	}
	pthread_mutex_unlock(&mem_lock);
	return r;
}

/* mremap inside the arena: shrink, grow in place, or move (MAYMOVE 1,
 * FIXED 2; DONTUNMAP is not supported by the mock). */
long plat_mem_remap(uintptr_t old, size_t old_len, size_t new_len, int flags, uintptr_t new_addr)
{
	if ((old & (PG - 1)) || !new_len || (flags & ~3) || ((flags & 2) && !(flags & 1)))
		return -EINVAL;
	old_len = (old_len + PG - 1) & ~(PG - 1);
	new_len = (new_len + PG - 1) & ~(PG - 1);
	if (!in_arena(old, old_len) || ((flags & 2) && !in_arena(new_addr, new_len))) {
		violation("mremap", old, old_len);
		return -EINVAL;
	}
	pthread_mutex_lock(&mem_lock);
	long r;
	uint8_t st = page_state[(old - arena) / PG];
	if (!all_mapped(old, old_len)) {
		r = -EFAULT;
	} else if (!(flags & 2) && new_len <= old_len) {
		if (new_len < old_len)
			placeholder(old + new_len, old_len - new_len);
		r = (long)old;
	} else if (!(flags & 2) && in_arena(old, new_len) &&
		   !any_mapped(old + old_len, new_len - old_len)) {
		munmap((void *)(old + old_len), new_len - old_len);
		r = neg((long)mremap((void *)old, old_len, new_len, 0));
		if (r < 0)
			placeholder(old + old_len, new_len - old_len);
		else
			mark(old, new_len, st);
	} else if (!(flags & 1)) {
		r = -ENOMEM;
	} else {
		uintptr_t dst = (flags & 2) ? new_addr : find_free(0, new_len);
		if (!dst) {
			r = -ENOMEM;
		} else {
			void *p = mremap((void *)old, old_len, new_len, MREMAP_MAYMOVE | MREMAP_FIXED,
					 (void *)dst);
			if (p == MAP_FAILED) {
				r = -errno;
			} else {
				placeholder(old, old_len);
				mark(dst, new_len, st);
				r = (long)dst;
			}
		}
	}
	pthread_mutex_unlock(&mem_lock);
	return r;
}

int plat_mem_advise(uintptr_t addr, size_t len, int advice)
{
	if (!in_arena(addr, len) && !in_bento(addr, len)) {
		violation("madvise", addr, len);
		return -EINVAL;
	}
	return (int)neg(madvise((void *)addr, len, advice));
}

int plat_mem_sync(uintptr_t addr, size_t len, int flags)
{
	if (!in_arena(addr, len)) {
		violation("msync", addr, len);
		return -ENOMEM;
	}
	return (int)neg(msync((void *)addr, len, flags));
}

/* Would touching [p, p+n) fault in the sandbox? */
static int bad_access(const void *p, size_t n, int write)
{
	uintptr_t a = (uintptr_t)p;
	if (!n)
		return 0;
	if (a + n < a || a < PG)
		return 1;
	for (int i = 0; i < nbad; i++)
		if (a < bad[i].end && a + n > bad[i].start)
			return 1;
	if (arena && a < arena + MOCK_ARENA_SIZE && a + n > arena) {
		uintptr_t lo = a < arena ? arena : a;
		uintptr_t hi = a + n > arena + MOCK_ARENA_SIZE ? arena + MOCK_ARENA_SIZE : a + n;
		for (uintptr_t pg = lo & ~(PG - 1); pg < hi; pg += PG) {
			uint8_t s = page_state[(pg - arena) / PG];
			if (!s || !(s & (write ? PROT_WRITE : PROT_READ)))
				return 1;
		}
	}
	return 0;
}

int plat_copy(void *dst, const void *src, size_t n)
{
	if (!n)
		return 0;
	if (bad_access(src, n, 0) || bad_access(dst, n, 1))
		return -EFAULT;
	memcpy(dst, src, n);
	return 0;
}

long plat_copy_str(char *dst, const char *src, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if (bad_access(src + i, 1, 0) || bad_access(dst + i, 1, 1))
			return -EFAULT;
		dst[i] = src[i];
		if (!src[i])
			return (long)i;
	}
	return -ENAMETOOLONG;
}

int plat_atomic_cmpxchg32(uint32_t *addr, uint32_t expect, uint32_t desired, uint32_t *old)
{
	if (bad_access(addr, 4, 1))
		return -EFAULT;
	__atomic_compare_exchange_n(addr, &expect, desired, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	*old = expect;
	return 0;
}

/* ---- threads and waiting ------------------------------------------- */

static __thread void *self;
static __thread uintptr_t fs_base;

struct spawn {
	void (*fn)(void *);
	void *arg, *tls;
	long tid;
	uint32_t ready;
};

static void *spawn_main(void *p)
{
	struct spawn s = *(struct spawn *)p;
	self = s.tls;
	((struct spawn *)p)->tid = gettid();
	__atomic_store_n(&((struct spawn *)p)->ready, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &((struct spawn *)p)->ready, FUTEX_WAKE_PRIVATE, 1);
	s.fn(s.arg);
	return NULL;
}

long plat_thread_spawn(void (*fn)(void *), void *arg, void *tls)
{
	mock_init();
	struct spawn s = { fn, arg, tls, 0, 0 };
	pthread_t th;
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	int e = pthread_create(&th, &at, spawn_main, &s);
	pthread_attr_destroy(&at);
	if (e)
		return -e;
	while (!__atomic_load_n(&s.ready, __ATOMIC_ACQUIRE))
		syscall(SYS_futex, &s.ready, FUTEX_WAIT_PRIVATE, 0, NULL);
	return s.tid;
}

_Noreturn void plat_thread_exit(void)
{
	pthread_exit(NULL);
}

jmp_buf mock_exit_jmp;
int mock_exit_armed;

_Noreturn void plat_exit(int status)
{
	if (mock_exit_armed) {
		mock_exit_armed = 0;
		longjmp(mock_exit_jmp, (status & 255) + 1);
	}
	if (getenv("MOCK_LOG"))
		fprintf(stderr, "mock: plat_exit(%d) with no catcher\n", status);
	_exit(status);
}

static struct timespec host_ts(const struct b_timespec *t)
{
	return (struct timespec){ (time_t)t->sec, (long)t->nsec };
}

static int futex_wait(uint32_t *word, int op, uint32_t val, const struct b_timespec *timeout)
{
	struct timespec ts;
	if (timeout)
		ts = host_ts(timeout);
	return (int)neg(syscall(SYS_futex, word, op, val, timeout ? &ts : NULL, NULL, 0));
}

int plat_wait(uint32_t *word, uint32_t val, const struct b_timespec *timeout)
{
	return futex_wait(word, FUTEX_WAIT_PRIVATE, val, timeout);
}

int plat_wake(uint32_t *word, int n)
{
	return (int)neg(syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0));
}

int plat_wait_shared(uint32_t *word, uint32_t val, const struct b_timespec *timeout)
{
	return futex_wait(word, FUTEX_WAIT, val, timeout);
}

int plat_wake_shared(uint32_t *word, int n)
{
	return (int)neg(syscall(SYS_futex, word, FUTEX_WAKE, n, NULL, NULL, 0));
}

long plat_futex(uint32_t *uaddr, int op, uint32_t val, const struct b_timespec *timeout,
		uint32_t *uaddr2, uint32_t val3)
{
	struct timespec ts;
	void *arg4 = (void *)timeout;
	int cmd = op & FUTEX_CMD_MASK;
	if (bad_access(uaddr, 4, 0))
		return -EFAULT;
	if (timeout && (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_LOCK_PI ||
			cmd == FUTEX_WAIT_REQUEUE_PI)) {
		ts = host_ts(timeout);
		arg4 = &ts;
	}
	return neg(syscall(SYS_futex, uaddr, op | FUTEX_PRIVATE_FLAG, val, arg4, uaddr2, val3));
}

int plat_thread_kick(long tid)
{
	mock_init();
	__atomic_add_fetch(&count_kick, 1, __ATOMIC_SEQ_CST);
	return (int)neg(syscall(SYS_tgkill, getpid(), tid, KICK_SIGNAL));
}

void *plat_self(void)
{
	return self;
}

void plat_set_self(void *kernel_thread)
{
	self = kernel_thread;
}

/* What the kernel last published (plat_set_ids), for the tests. */
int mock_ids[2];

void plat_set_ids(int pid, int tid)
{
	mock_ids[0] = pid;
	mock_ids[1] = tid;
}

_Noreturn void plat_enter_guest(const struct cpu_regs *regs)
{
	fprintf(stderr, "mock: plat_enter_guest(rip=%#lx) cannot run guest code\n",
		(unsigned long)regs->rip);
	abort();
}

long plat_thread_id(void)
{
	return gettid();
}

int plat_set_tls(uintptr_t base)
{
	fs_base = base; /* never the real %fs: libc owns it here */
	return 0;
}

uintptr_t plat_get_tls(void)
{
	return fs_base;
}

/* ---- processes -------------------------------------------------------- */

static pthread_mutex_t child_lock = PTHREAD_MUTEX_INITIALIZER;
static long children[64];
static int nchildren;

long plat_process_id(void)
{
	return getpid();
}

/* A real fork; the mock signals and reaps only processes it forked. */
long plat_process_fork(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		pthread_mutex_lock(&child_lock);
		if (nchildren < 64)
			children[nchildren++] = pid;
		pthread_mutex_unlock(&child_lock);
	} else {
		nchildren = 0;
	}
	return pid;
}

int plat_process_signal(long host_pid, int kill_it)
{
	int mine = host_pid == getpid();
	pthread_mutex_lock(&child_lock);
	for (int i = 0; i < nchildren; i++)
		mine |= children[i] == host_pid;
	pthread_mutex_unlock(&child_lock);
	if (!mine)
		return -ESRCH;
	if (kill_it && host_pid == getpid()) {
		fprintf(stderr, "mock: plat_process_signal would kill the test process\n");
		return -EPERM;
	}
	return (int)neg(kill((pid_t)host_pid, kill_it ? SIGKILL : KICK_SIGNAL));
}

long plat_process_reap(int *wstatus)
{
	int st = 0;
	pid_t pid = waitpid(-1, &st, WNOHANG);
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		*wstatus = st;
		pthread_mutex_lock(&child_lock);
		for (int i = 0; i < nchildren; i++)
			if (children[i] == pid)
				children[i] = children[--nchildren];
		pthread_mutex_unlock(&child_lock);
	}
	return pid;
}

/* ---- time and randomness ------------------------------------------- */

int plat_clock_get(int clock, struct b_timespec *ts)
{
	struct timespec t;
	if (clock_gettime(clock, &t) < 0)
		return -errno;
	ts->sec = t.tv_sec, ts->nsec = t.tv_nsec;
	return 0;
}

int plat_clock_res(int clock, struct b_timespec *ts)
{
	struct timespec t;
	if (clock_getres(clock, &t) < 0)
		return -errno;
	ts->sec = t.tv_sec, ts->nsec = t.tv_nsec;
	return 0;
}

int plat_random(void *buf, size_t n)
{
	char *p = buf;
	while (n) {
		ssize_t r = getrandom(p, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		p += r, n -= (size_t)r;
	}
	return 0;
}

/* ---- host files ---------------------------------------------------- */

static long open_beneath(int dir, const char *path, int flags, int mode)
{
	struct open_how how = {
		.flags = (uint64_t)flags,
		.mode = (flags & (O_CREAT | __O_TMPFILE)) ? (uint64_t)mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			   RESOLVE_NO_XDEV,
	};
	if (!*path)
		path = ".";
	long r;
	do
		r = neg(syscall(SYS_openat2, dir, path, &how, sizeof(how)));
	while (r == -EINTR);
	if (r == -EXDEV) {
		how.resolve &= ~(uint64_t)RESOLVE_NO_XDEV;
		r = neg(syscall(SYS_openat2, dir, path, &how, sizeof(how)));
	}
	return r;
}

int plat_file_open(int dir, const char *path, int flags, int mode)
{
	return (int)open_beneath(dir, path, flags | O_CLOEXEC, mode);
}

int plat_file_close(int fd)
{
	return (int)neg(close(fd));
}

long plat_file_read(int fd, void *buf, size_t n)
{
	if (bad_access(buf, n, 1))
		return -EFAULT;
	return neg(read(fd, buf, n));
}

long plat_file_write(int fd, const void *buf, size_t n)
{
	if (bad_access(buf, n, 0))
		return -EFAULT;
	return neg(write(fd, buf, n));
}

long plat_file_pread(int fd, void *buf, size_t n, int64_t off)
{
	if (bad_access(buf, n, 1))
		return -EFAULT;
	return neg(pread(fd, buf, n, off));
}

long plat_file_pwrite(int fd, const void *buf, size_t n, int64_t off)
{
	if (bad_access(buf, n, 0))
		return -EFAULT;
	return neg(pwrite(fd, buf, n, off));
}

long plat_file_seek(int fd, int64_t off, int whence)
{
	return neg(lseek(fd, off, whence));
}

static void from_host_stat(const struct stat *h, struct b_stat *st)
{
	st->dev = h->st_dev, st->ino = h->st_ino, st->nlink = h->st_nlink;
	st->mode = h->st_mode, st->uid = h->st_uid, st->gid = h->st_gid;
	st->rdev = h->st_rdev, st->size = h->st_size, st->blksize = h->st_blksize;
	st->blocks = h->st_blocks;
	st->atime = (struct b_timespec){ h->st_atim.tv_sec, h->st_atim.tv_nsec };
	st->mtime = (struct b_timespec){ h->st_mtim.tv_sec, h->st_mtim.tv_nsec };
	st->ctime = (struct b_timespec){ h->st_ctim.tv_sec, h->st_ctim.tv_nsec };
}

int plat_file_stat(int fd, const char *path, struct b_stat *st)
{
	struct stat h;
	int r;
	if (!path || !*path) {
		r = (int)neg(fstat(fd, &h));
	} else {
		long pfd = open_beneath(fd, path, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
		if (pfd < 0)
			return (int)pfd;
		r = (int)neg(fstat((int)pfd, &h));
		close((int)pfd);
	}
	if (r == 0)
		from_host_stat(&h, st);
	return r;
}

int plat_file_statfs(int fd, struct b_statfs *st)
{
	struct statfs h;
	if (fstatfs(fd, &h) < 0)
		return -errno;
	st->type = h.f_type, st->bsize = h.f_bsize, st->blocks = (int64_t)h.f_blocks;
	st->bfree = (int64_t)h.f_bfree, st->bavail = (int64_t)h.f_bavail;
	st->files = (int64_t)h.f_files, st->ffree = (int64_t)h.f_ffree;
	st->namelen = h.f_namelen, st->frsize = h.f_frsize, st->flags = h.f_flags;
	return 0;
}

long plat_file_getdents(int fd, void *buf, size_t n)
{
	if (bad_access(buf, n, 1))
		return -EFAULT;
	return neg(syscall(SYS_getdents64, fd, buf, n));
}

long plat_file_readlink(int dir, const char *path, char *buf, size_t n)
{
	if (bad_access(buf, n, 1))
		return -EFAULT;
	long pfd = open_beneath(dir, path, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
	if (pfd < 0)
		return pfd;
	long r = neg(readlinkat((int)pfd, "", buf, n));
	close((int)pfd);
	return r;
}

static int is_component(const char *name)
{
	return name && *name && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

int plat_file_change(int op, int dir, const char *path, int dir2, const char *path2, int mode)
{
	if (op != PLAT_FS_SYMLINK && !is_component(path))
		return -EINVAL;
	switch (op) {
	case PLAT_FS_MKDIR:
		return (int)neg(mkdirat(dir, path, (mode_t)mode));
	case PLAT_FS_UNLINK:
		return (int)neg(unlinkat(dir, path, 0));
	case PLAT_FS_RMDIR:
		return (int)neg(unlinkat(dir, path, AT_REMOVEDIR));
	case PLAT_FS_RENAME:
		if (!is_component(path2))
			return -EINVAL;
		return (int)neg(renameat2(dir, path, dir2, path2, (unsigned)mode));
	case PLAT_FS_SYMLINK:
		if (!is_component(path2))
			return -EINVAL;
		return (int)neg(symlinkat(path, dir2, path2));
	case PLAT_FS_LINK:
		if (!is_component(path2))
			return -EINVAL;
		return (int)neg(linkat(dir, path, dir2, path2, 0));
	case PLAT_FS_CHMOD_PATH:
		return (int)neg(fchmodat(dir, path, (mode_t)mode, 0));
	case PLAT_FS_MKSOCK:
		return (int)neg(mknodat(dir, path, S_IFSOCK | ((mode_t)mode & 07777), 0));
	}
	return -EINVAL;
}

int plat_file_truncate(int fd, int64_t len)
{
	return (int)neg(ftruncate(fd, len));
}

int plat_file_allocate(int fd, int mode, int64_t off, int64_t len)
{
	return (int)neg(fallocate(fd, mode, off, len));
}

int plat_file_sync(int fd)
{
	return (int)neg(fsync(fd));
}

int plat_file_set_times(int fd, const struct b_timespec ts[2])
{
	struct timespec t[2];
	if (ts)
		t[0] = host_ts(&ts[0]), t[1] = host_ts(&ts[1]);
	return (int)neg(futimens(fd, ts ? t : NULL));
}

int plat_file_set_times_at(int dir, const char *name, const struct b_timespec ts[2])
{
	struct timespec t[2];
	if (ts)
		t[0] = (struct timespec){ ts[0].sec, ts[0].nsec }, t[1] = (struct timespec){ ts[1].sec, ts[1].nsec };
	return (int)neg(utimensat(dir, name, ts ? t : NULL, AT_SYMLINK_NOFOLLOW));
}

int plat_file_chmod(int fd, int mode)
{
	return (int)neg(fchmod(fd, (mode_t)mode));
}

int plat_file_set_flags(int fd, int flags)
{
	return (int)neg(fcntl(fd, F_SETFL, flags & (O_APPEND | O_NONBLOCK)));
}

int plat_file_lock(int fd, int cmd, void *fl)
{
	static const int allowed[] = { 5, 6, 7, 36, 37, 38 };
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (cmd == allowed[i])
			return (int)neg(fcntl(fd, cmd, fl));
	return -EINVAL;
}

int plat_file_flock(int fd, int op)
{
	return (int)neg(flock(fd, op));
}

int plat_file_ioctl(int fd, unsigned long req, void *arg)
{
	static const unsigned long allowed[] = { 0x5401, 0x5402, 0x5403, 0x5404, 0x5413,
						 0x5414, 0x541B, 0x540F, 0x5410 };
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (req == allowed[i])
			return (int)neg(ioctl(fd, req, arg));
	return -ENOTTY;
}

int plat_file_poll(struct b_pollfd *fds, int n, const struct b_timespec *timeout)
{
	struct timespec ts;
	if (timeout)
		ts = host_ts(timeout);
	_Static_assert(sizeof(struct b_pollfd) == sizeof(struct pollfd), "pollfd layout");
	return (int)neg(ppoll((struct pollfd *)fds, (nfds_t)n, timeout ? &ts : NULL, NULL));
}

int plat_memfd(const char *name)
{
	return (int)neg(memfd_create(name, MFD_CLOEXEC));
}

/* ---- sockets: as src/platform/linux/net.c ------------------------------ */

/* The tests run without a network: like --net none. */
int plat_socket(int domain, int type, int protocol)
{
	(void)domain, (void)type, (void)protocol;
	return -EAFNOSUPPORT;
}

int plat_socketpair(int domain, int type, int protocol, int sv[2])
{
	if (domain != 1)
		return -EAFNOSUPPORT;
	if (type != 1 && type != 5)
		return -ESOCKTNOSUPPORT;
	if (protocol != 0)
		return -EPROTONOSUPPORT;
	return (int)neg(syscall(SYS_socketpair, domain, type | 04000 | 02000000, protocol, sv));
}

int plat_sock_addr(int op, int fd, const void *addr, uint32_t len)
{
	if (!addr || len < 2 || *(const uint16_t *)addr == 1)
		return -EINVAL;
	return (int)neg(syscall(op == PLAT_SOCK_BIND ? SYS_bind : SYS_connect, fd, addr, len));
}

int plat_sock_accept(int fd, void *addr, uint32_t *len)
{
	return (int)neg(syscall(SYS_accept4, fd, addr, len, 04000 | 02000000));
}

long plat_sock_msg(int op, int fd, struct plat_msghdr *msg, int flags)
{
	if (op == PLAT_SOCK_RECV)
		return neg(syscall(SYS_recvmsg, fd, msg, flags | 0x40000000));
	if (msg->name && msg->namelen >= 2 && *(const uint16_t *)msg->name == 1)
		return -EINVAL;
	return neg(syscall(SYS_sendmsg, fd, msg, flags | 0x4000));
}

long plat_sock_ctl(int op, int fd, int a, int b, void *val, uint32_t *len)
{
	switch (op) {
	case PLAT_SOCK_LISTEN:
		return neg(syscall(SYS_listen, fd, a));
	case PLAT_SOCK_SHUTDOWN:
		return neg(syscall(SYS_shutdown, fd, a));
	case PLAT_SOCK_GETOPT:
		return neg(syscall(SYS_getsockopt, fd, a, b, val, len));
	case PLAT_SOCK_SETOPT:
		return neg(syscall(SYS_setsockopt, fd, a, b, val, len ? *len : 0));
	case PLAT_SOCK_NAME:
		return neg(syscall(SYS_getsockname, fd, val, len));
	case PLAT_SOCK_PEER:
		return neg(syscall(SYS_getpeername, fd, val, len));
	}
	return -EINVAL;
}

int plat_cpu_count(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 1;
	return CPU_COUNT(&set);
}

/* ---- diagnostics --------------------------------------------------- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_buf[1 << 16];
static size_t log_len;

void plat_log(const char *buf, size_t n)
{
	pthread_mutex_lock(&log_lock);
	size_t room = sizeof(log_buf) - 1 - log_len;
	size_t k = n < room ? n : room;
	memcpy(log_buf + log_len, buf, k);
	log_len += k;
	log_buf[log_len] = 0;
	pthread_mutex_unlock(&log_lock);
	if (getenv("MOCK_LOG"))
		fwrite(buf, 1, n, stderr);
}

const char *mock_log_text(void)
{
	return log_buf;
}

void mock_log_clear(void)
{
	pthread_mutex_lock(&log_lock);
	log_len = 0;
	log_buf[0] = 0;
	pthread_mutex_unlock(&log_lock);
}
