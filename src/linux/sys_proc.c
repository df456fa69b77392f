/* sys_proc.c — identity, limits, scheduling and system information. */
#include "linux/shim.h"
#include "lib/fmt.h"

SYSCALL(getpid) { return proc_getpid(); }
SYSCALL(getppid) { return proc_getppid(); }
SYSCALL(gettid) { return thread_gettid(); }
SYSCALL(getpgrp) { return proc_getpgid(0); }

static int ids[6];
static void load_ids(void)
{
	cred_get(&ids[0], &ids[1], &ids[2], &ids[3], &ids[4], &ids[5]);
}

SYSCALL(getuid) { load_ids(); return ids[0]; }
SYSCALL(geteuid) { load_ids(); return ids[1]; }
SYSCALL(getgid) { load_ids(); return ids[3]; }
SYSCALL(getegid) { load_ids(); return ids[4]; }

SYSCALL(setuid)
{
	load_ids();
	if (ids[1] == 0)
		return cred_setresuid((int)a0, (int)a0, (int)a0);
	return cred_setresuid(-1, (int)a0, -1);
}

SYSCALL(setgid)
{
	load_ids();
	if (ids[1] == 0)
		return cred_setresgid((int)a0, (int)a0, (int)a0);
	return cred_setresgid(-1, (int)a0, -1);
}

SYSCALL(setreuid) { return cred_setresuid((int)a0, (int)a1, -1); }
SYSCALL(setregid) { return cred_setresgid((int)a0, (int)a1, -1); }
SYSCALL(setresuid) { return cred_setresuid((int)a0, (int)a1, (int)a2); }
SYSCALL(setresgid) { return cred_setresgid((int)a0, (int)a1, (int)a2); }
SYSCALL(setfsuid) { load_ids(); return ids[1]; }
SYSCALL(setfsgid) { load_ids(); return ids[4]; }

static long put_three(long p0, long p1, long p2, int v0, int v1, int v2)
{
	if (copy_out((void *)p0, &v0, 4) < 0 || copy_out((void *)p1, &v1, 4) < 0 ||
	    copy_out((void *)p2, &v2, 4) < 0)
		return -EFAULT;
	return 0;
}

SYSCALL(getresuid)
{
	load_ids();
	return put_three(a0, a1, a2, ids[0], ids[1], ids[2]);
}

SYSCALL(getresgid)
{
	load_ids();
	return put_three(a0, a1, a2, ids[3], ids[4], ids[5]);
}

SYSCALL(getgroups)
{
	int size = (int)a0;
	if (size < 0)
		return -EINVAL;
	int n = cred_getgroups(0, NULL);
	if (size == 0 || n == 0)
		return n;
	if (size < n)
		return -EINVAL;
	uint32_t *list = kmalloc(sizeof(*list) * (size_t)n);
	if (!list)
		return -ENOMEM;
	long r = cred_getgroups(n, list); /* another thread may have changed it */
	if (r > 0 && copy_out((void *)a1, list, sizeof(uint32_t) * (size_t)r) < 0)
		r = -EFAULT;
	kfree(list);
	return r;
}

/* The list is read only when its size is valid; a list that cannot be
 * read goes on as NULL, so that the rights are checked first. */
SYSCALL(setgroups)
{
	int size = (int)a0;
	uint32_t *list = NULL;
	if (size > 0 && size <= K_NGROUPS_MAX) {
		if (!(list = kmalloc(sizeof(*list) * (size_t)size)))
			return -ENOMEM;
		if (copy_in(list, (void *)a1, sizeof(*list) * (size_t)size) < 0) {
			kfree(list);
			list = NULL;
		}
	}
	long r = cred_setgroups(size, list);
	kfree(list);
	return r;
}

SYSCALL(getpgid) { return (int)a0 < 0 ? -ESRCH : proc_getpgid((int)a0); }
SYSCALL(getsid) { return (int)a0 < 0 ? -ESRCH : proc_getsid((int)a0); }
SYSCALL(setsid) { return proc_setsid(); }
SYSCALL(setpgid) { return (int)a0 < 0 ? -EINVAL : proc_setpgid((int)a0, (int)a1); }

SYSCALL(uname)
{
	struct l_utsname u;
	memset(&u, 0, sizeof(u));
	strlcpy(u.f[0], K_UTS_SYSNAME, 65);
	uts_get(UTS_HOST, u.f[1]);
	strlcpy(u.f[2], K_UTS_RELEASE, 65);
	strlcpy(u.f[3], K_UTS_VERSION, 65);
	strlcpy(u.f[4], K_UTS_MACHINE, 65);
	uts_get(UTS_DOMAIN, u.f[5]);
	return copy_out((void *)a0, &u, sizeof(u)) < 0 ? -EFAULT : 0;
}

/* The kernel checks the caller's rights before the length and the
 * name; a name that cannot be read is passed on as NULL. */
static long set_uts(int which, long uname, long len)
{
	char name[K_UTS_LEN];
	const char *p = name;
	if (len >= 0 && len <= K_UTS_LEN && len && copy_in(name, (const void *)uname, (size_t)len) < 0)
		p = NULL;
	return uts_set(which, p, len);
}

SYSCALL(sethostname) { return set_uts(UTS_HOST, a0, (long)(int)a1); }
SYSCALL(setdomainname) { return set_uts(UTS_DOMAIN, a0, (long)(int)a1); }

SYSCALL(sysinfo)
{
	struct l_sysinfo si;
	struct b_timespec up;
	memset(&si, 0, sizeof(si));
	time_get(7 /* BOOTTIME */, &up);
	si.uptime = up.sec;
	struct k_meminfo mi;
	mem_info(&mi);
	si.totalram = mi.total, si.freeram = mi.free;
	si.sharedram = mi.shared, si.bufferram = mi.buffers;
	si.totalswap = mi.swap_total, si.freeswap = mi.swap_free;
	si.procs = 1;
	si.mem_unit = 1;
	return copy_out((void *)a0, &si, sizeof(si)) < 0 ? -EFAULT : 0;
}

SYSCALL(prlimit64)
{
	uint64_t nl[2], ol[2];
	if (a0 != 0 && a0 != proc_getpid())
		return -ESRCH;
	if (a2 && copy_in(nl, (void *)a2, sizeof(nl)) < 0)
		return -EFAULT;
	int r = proc_prlimit((int)a1, a2 ? nl : NULL, ol);
	if (r == 0 && a3 && copy_out((void *)a3, ol, sizeof(ol)) < 0)
		return -EFAULT;
	return r;
}

SYSCALL(getrlimit)
{
	return sys_prlimit64(0, a0, 0, a1, 0, 0);
}

SYSCALL(setrlimit)
{
	return sys_prlimit64(0, a0, a1, 0, 0, 0);
}

SYSCALL(getrusage)
{
	struct l_rusage ru;
	struct b_timespec cpu;
	int who = (int)a0;
	if (who != 0 && who != -1 && who != 1)
		return -EINVAL;
	memset(&ru, 0, sizeof(ru));
	if (who != -1) {
		time_get(who == 1 ? 3 : 2, &cpu);
		ru.ru_utime = (struct l_timeval){ cpu.sec, cpu.nsec / 1000 };
	}
	return copy_out((void *)a1, &ru, sizeof(ru)) < 0 ? -EFAULT : 0;
}

SYSCALL(getpriority) { return ((int)a0 < 0 || (int)a0 > 2) ? -EINVAL : 20; }
SYSCALL(setpriority) { return ((int)a0 < 0 || (int)a0 > 2) ? -EINVAL : 0; }
SYSCALL(sched_yield) { return 0; }

/* The sched_* calls name a thread of the sandbox (0 = the caller): -EINVAL
 * for a negative id (the affinity calls say -ESRCH, as Linux does), -ESRCH
 * for one that does not exist. */
static int sched_target(long a0)
{
	int id = (int)a0;
	if (id < 0)
		return -EINVAL;
	if (id == 0 || id == proc_getpid() || proc_alive(id) ||
	    sig_tgkill(proc_getpid(), id, 0, NULL) == 0)
		return 0;
	return -ESRCH;
}

/* Every thread runs under SCHED_OTHER at priority 0, as an unprivileged
 * process would; other policies need privileges the sandbox never has. */
SYSCALL(sched_getscheduler) { return sched_target(a0); }

SYSCALL(sched_setscheduler)
{
	int r = sched_target(a0);
	return r < 0 ? r : ((int)a1 == 0 ? 0 : -EPERM);
}

SYSCALL(sched_get_priority_max) { return (a0 == 1 || a0 == 2) ? 99 : (a0 >= 0 && a0 <= 5 ? 0 : -EINVAL); }
SYSCALL(sched_get_priority_min) { return (a0 == 1 || a0 == 2) ? 1 : (a0 >= 0 && a0 <= 5 ? 0 : -EINVAL); }

SYSCALL(sched_getparam)
{
	int prio = 0, r = sched_target(a0);
	if (r < 0)
		return r;
	return copy_out((void *)a1, &prio, 4) < 0 ? -EFAULT : 0;
}

SYSCALL(sched_setparam)
{
	int prio, r = sched_target(a0);
	if (r < 0)
		return r;
	if (copy_in(&prio, (void *)a1, 4) < 0)
		return -EFAULT;
	return prio == 0 ? 0 : -EINVAL;
}

/* SCHED_OTHER threads have no round-robin quantum: Linux reports 0. */
SYSCALL(sched_rr_get_interval)
{
	struct l_timespec zero = { 0, 0 };
	int r = sched_target(a0);
	if (r < 0)
		return r;
	return copy_out((void *)a1, &zero, sizeof(zero)) < 0 ? -EFAULT : 0;
}

/*
 * CPU affinity: the sandbox starts with the CPUs the host gives it. A mask
 * set is kept for the process (threads and children inherit it) and
 * reported back, but not applied to the host threads: bento does not pin.
 */
#define AFFINITY_BYTES 128
static uint8_t affinity[AFFINITY_BYTES];
static int affinity_set;

/* Bytes of the kernel's CPU mask: CPUs rounded up to whole longs. */
static size_t affinity_size(void)
{
	int ncpu = cpu_count();
	size_t n = (size_t)((ncpu + 63) / 64) * 8;
	return n > AFFINITY_BYTES ? AFFINITY_BYTES : n;
}

static void affinity_online(uint8_t *mask)
{
	memset(mask, 0, AFFINITY_BYTES);
	int ncpu = cpu_count();
	for (int i = 0; i < ncpu && i < AFFINITY_BYTES * 8; i++)
		mask[i / 8] |= (uint8_t)(1 << (i % 8));
}

SYSCALL(sched_getaffinity)
{
	uint8_t mask[AFFINITY_BYTES];
	size_t n = affinity_size();
	int r = (int)a0 < 0 ? -ESRCH : sched_target(a0);
	if (r < 0)
		return r;
	if ((size_t)a1 < n || (a1 & 7))
		return -EINVAL;
	if (affinity_set)
		memcpy(mask, affinity, sizeof(mask));
	else
		affinity_online(mask);
	return copy_out((void *)a2, mask, n) < 0 ? -EFAULT : (long)n;
}

SYSCALL(sched_setaffinity)
{
	uint8_t want[AFFINITY_BYTES], online[AFFINITY_BYTES];
	int r = (int)a0 < 0 ? -ESRCH : sched_target(a0), any = 0;
	if (r < 0)
		return r;
	size_t n = (size_t)a1 < sizeof(want) ? (size_t)a1 : sizeof(want);
	memset(want, 0, sizeof(want));
	if (copy_in(want, (void *)a2, n) < 0)
		return -EFAULT;
	affinity_online(online);
	for (size_t i = 0; i < sizeof(want); i++)
		any |= (want[i] &= online[i]);
	if (!any)
		return -EINVAL;
	memcpy(affinity, want, sizeof(affinity));
	affinity_set = 1;
	return 0;
}

SYSCALL(getcpu)
{
	unsigned zero = 0;
	if (a0 && copy_out((void *)a0, &zero, 4) < 0)
		return -EFAULT;
	if (a1 && copy_out((void *)a1, &zero, 4) < 0)
		return -EFAULT;
	return 0;
}

SYSCALL(getrandom)
{
	char buf[256];
	if (a2 & ~7L)
		return -EINVAL;
	size_t n = (size_t)a1 > 33554431 ? 33554431 : (size_t)a1;
	for (size_t done = 0; done < n;) {
		size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);
		if (random_get(buf, k) < 0)
			return -EIO;
		if (copy_out((char *)a0 + done, buf, k) < 0)
			return done ? (long)done : -EFAULT;
		done += k;
	}
	return (long)n;
}

SYSCALL(prctl)
{
	char name[16];
	switch (a0) {
	case 15: /* PR_SET_NAME */
		if (copy_in_str(name, (const char *)a1, sizeof(name)) < 0) {
			/* Longer names are cut, not refused. */
			if (copy_in(name, (void *)a1, 15) < 0)
				return -EFAULT;
			name[15] = 0;
		}
		proc_set_name(name);
		return 0;
	case 16: /* PR_GET_NAME */
		proc_get_name(name);
		return copy_out((void *)a1, name, 16) < 0 ? -EFAULT : 0;
	case 38: /* PR_SET_NO_NEW_PRIVS */
		return a1 == 1 ? 0 : -EINVAL;
	case 39: /* PR_GET_NO_NEW_PRIVS */
		return 1;
	case 36: /* PR_SET_CHILD_SUBREAPER */
		proc_subreaper(a1 != 0);
		return 0;
	case 37: { /* PR_GET_CHILD_SUBREAPER */
		int v = proc_subreaper(-1);
		return copy_out((void *)a1, &v, 4) < 0 ? -EFAULT : 0;
	}
	case 1: /* PR_SET_PDEATHSIG */
	case 4: /* PR_SET_DUMPABLE */
	case 0x59616d61: /* PR_SET_PTRACER */
		return 0;
	case 3: /* PR_GET_DUMPABLE */
		return 1;
	case 2: /* PR_GET_PDEATHSIG */
		return copy_out((void *)a1, &(int){ 0 }, 4) < 0 ? -EFAULT : 0;
	case 22: /* PR_SET_SECCOMP */
	case 21: /* PR_GET_SECCOMP */
		return a0 == 21 ? 2 : -EINVAL;
	case 23: /* PR_CAPBSET_READ */
		return (a1 >= 0 && a1 <= 40) ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

SYSCALL(arch_prctl)
{
	switch (a0) {
	case 0x1002: /* ARCH_SET_FS */
		if (!vm_guest_range_ok((uintptr_t)a1, 1))
			return -EPERM;
		return thread_set_tls((uintptr_t)a1);
	case 0x1003: { /* ARCH_GET_FS */
		uintptr_t fs = thread_get_tls();
		return copy_out((void *)a1, &fs, 8) < 0 ? -EFAULT : 0;
	}
	case 0x1001: /* ARCH_SET_GS: %gs belongs to bento */
		return -EPERM;
	case 0x1004: { /* ARCH_GET_GS: the guest's view is 0 */
		uintptr_t zero = 0;
		return copy_out((void *)a1, &zero, 8) < 0 ? -EFAULT : 0;
	}
	case 0x1011: /* ARCH_GET_CPUID */
		return 1;
	default:
		return -EINVAL;
	}
}

SYSCALL(sync) { return 0; }

SYSCALL(syncfs)
{
	struct b_stat st;
	return file_stat((int)a0, &st) < 0 ? -EBADF : 0;
}
