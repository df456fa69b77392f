/* sys_process.c — processes: fork, vfork, clone of a process, execve,
 * wait4, waitid. */
#include "linux/shim.h"

#define CLONE_VM 0x100
#define CLONE_VFORK 0x4000
#define CLONE_PARENT 0x8000
#define CLONE_SETTLS 0x80000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_CHILD_CLEARTID 0x200000
#define CLONE_CHILD_SETTID 0x1000000
#define CLONE_PIDFD 0x1000

/* A new process is a host fork of this one. CLONE_VM (as posix_spawn
 * uses it with CLONE_VFORK) cannot share memory across host processes;
 * the child gets a copy, which is what the guest can observe after exec.
 * The child starts on the given stack, if any, as with clone(2). */
/* RLIMIT_NPROC, counted over the sandbox's processes (the host counts
 * the uid's everywhere); root is exempt, as with CAP_SYS_RESOURCE. */
static int nproc_reached(void)
{
	int ruid, euid, suid, rgid, egid, sgid;
	uint64_t lim[2];
	cred_get(&ruid, &euid, &suid, &rgid, &egid, &sgid);
	if (euid == 0 || proc_prlimit(6, NULL, lim) < 0 || lim[0] >= 65536)
		return 0;
	return (uint64_t)proc_count() >= lim[0];
}

long clone_process(unsigned long flags, uintptr_t stack, long ptid, long ctid, uintptr_t tls)
{
	unsigned long supported = 0xff | CLONE_VM | CLONE_VFORK | CLONE_PARENT | CLONE_SETTLS |
				  CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID |
				  0x200 /* FS */ | 0x400 /* FILES */ | 0x40000 /* SYSVSEM */;
	if (flags & ~supported) {
		klog("bento: clone flags 0x%lx are not supported", flags & ~supported);
		return -EINVAL;
	}
	if (nproc_reached())
		return -EAGAIN;
	long pid = proc_fork_ex(!!(flags & CLONE_VFORK), cur_regs()->rsp, !!(flags & CLONE_PARENT),
				(int)(flags & 0xff));
	if (pid < 0)
		return pid;
	if (pid > 0) {
		int p32 = (int)pid;
		if ((flags & CLONE_PARENT_SETTID) && copy_out((void *)ptid, &p32, 4) < 0)
			return pid;
		return pid;
	}
	/* The child. */
	struct cpu_regs *r = cur_regs();
	if (stack)
		r->rsp = stack;
	if (flags & CLONE_SETTLS)
		thread_set_tls(tls);
	int me = proc_getpid();
	if (flags & CLONE_CHILD_SETTID)
		copy_out((void *)ctid, &me, 4);
	thread_set_clear_tid(thread_current(), (flags & CLONE_CHILD_CLEARTID) ? (uintptr_t)ctid : 0);
	return 0;
}

SYSCALL(fork)
{
	return clone_process(17, 0, 0, 0, 0);
}

SYSCALL(vfork)
{
	return clone_process(CLONE_VM | CLONE_VFORK | 17, 0, 0, 0, 0);
}

/* ---- wait ----------------------------------------------------------------- */

SYSCALL(wait4)
{
	int status = 0;
	int64_t cpu = 0;
	if (a2 & ~(long)(1 | 2 | 8 | 0x1000000 | 0x20000000 | 0x40000000 | 0x80000000L))
		return -EINVAL;
	int r = proc_wait((int)a0, (int)a2, &status, &cpu);
	if (r > 0 && a1 && copy_out((void *)a1, &status, 4) < 0)
		return -EFAULT;
	if (r >= 0 && a3) {
		struct l_rusage ru;
		memset(&ru, 0, sizeof(ru));
		ru.ru_utime.tv_sec = cpu / 1000000000;
		ru.ru_utime.tv_usec = (cpu % 1000000000) / 1000;
		if (copy_out((void *)a3, &ru, sizeof(ru)) < 0)
			return -EFAULT;
	}
	return r;
}

SYSCALL(waitid)
{
	int idtype = (int)a0, id = (int)a1, options = (int)a3, status = 0;
	int pid;
	if (!(options & (4 | 2 | 8)) || (options & ~(1 | 2 | 4 | 8 | 0x1000000 | 0x40000000 | 0x80000000)))
		return -EINVAL;
	switch (idtype) {
	case 3: pid = pidfd_pid(id); if (pid < 0) return pid; break; /* P_PIDFD */
	case 0: pid = -1; break;                       /* P_ALL */
	case 1: pid = id > 0 ? id : -1; if (id <= 0) return -EINVAL; break; /* P_PID */
	case 2: pid = id > 0 ? -id : 0; break;         /* P_PGID */
	default: return -EINVAL;
	}
	int r = proc_wait(pid, options & (1 | 2 | 8 | 0x1000000 | 0x40000000 | (int)0x80000000), &status, NULL);
	if (r < 0)
		return r;
	if (a2) {
		struct l_siginfo si;
		memset(&si, 0, sizeof(si));
		if (r > 0) {
			int sig = status & 0x7f;
			si.si_signo = 17;
			si.u.chld.pid = r;
			if (status == 0xffff) { /* continued */
				si.si_code = 6;
				si.u.chld.status = 18;
			} else if (sig == 0x7f) { /* stopped */
				si.si_code = 5;
				si.u.chld.status = (status >> 8) & 0xff;
			} else {
				si.si_code = sig ? ((status & 0x80) ? 3 : 2) : 1;
				si.u.chld.status = sig ? sig : (status >> 8) & 0xff;
			}
		}
		if (copy_out((void *)a2, &si, sizeof(si)) < 0)
			return -EFAULT;
	}
	return 0;
}

/* ---- execve ---------------------------------------------------------------- */

#define ARG_SPACE (2u << 20)

/* Copy a guest string vector into one kernel block: pointers first, then
 * the strings. Returns the vector or NULL with *err set. */
static char **copy_vector(long uvec, char *space, size_t *used, int *err)
{
	char **vec = (char **)(space + *used);
	size_t n = 0;
	uintptr_t p;
	for (;; n++) {
		if (!uvec) {
			p = 0;
		} else if (copy_in(&p, (uintptr_t *)uvec + n, sizeof(p)) < 0) {
			*err = -EFAULT;
			return NULL;
		}
		if (!p)
			break;
		if (n > 65536) {
			*err = -E2BIG;
			return NULL;
		}
	}
	size_t table = (n + 1) * sizeof(char *);
	if (*used + table > ARG_SPACE) {
		*err = -E2BIG;
		return NULL;
	}
	*used += table;
	for (size_t i = 0; i < n; i++) {
		copy_in(&p, (uintptr_t *)uvec + i, sizeof(p));
		long len = copy_in_str(space + *used, (const char *)p, ARG_SPACE - *used);
		if (len < 0) {
			*err = len == -ENAMETOOLONG ? -E2BIG : (int)len;
			return NULL;
		}
		vec[i] = space + *used;
		*used += (size_t)len + 1;
	}
	vec[n] = NULL;
	*used = (*used + 7) & ~(size_t)7;
	return vec;
}

unsigned long linux_images;

static long do_execve(int dirfd, long upath, long uargv, long uenvp, int flags)
{
	char path[L_PATH_MAX];
	long r = get_path(path, upath);
	if (r < 0)
		return r;
	if (!path[0] && !(flags & K_AT_EMPTY_PATH))
		return -ENOENT;
	/* AT_EMPTY_PATH: the file dirfd holds, by its path. */
	if (!path[0] && (r = fd_path(dirfd, path, sizeof(path))) < 0)
		return r;
	char *space = kmalloc(ARG_SPACE);
	struct exec_plan *plan = kmalloc(sizeof(*plan));
	if (!space || !plan) {
		kfree(space);
		kfree(plan);
		return -ENOMEM;
	}
	size_t used = 0;
	int err = exec_open(plan, dirfd, path);
	int fd = err;
	char **argv = err < 0 ? NULL : copy_vector(uargv, space, &used, &err);
	char **envp = argv ? copy_vector(uenvp, space, &used, &err) : NULL;
	if (envp)
		err = exec_plan(plan, fd, argv);
	else if (fd >= 0)
		fd_close(fd);
	if (!envp || err < 0) {
		kfree(space);
		kfree(plan);
		return err;
	}
	/* The point of no return: the old image goes. AT_EXECFN is the
	 * name the caller used. */
	exec_reset();
	linux_images++;
	struct cpu_regs *regs = cur_regs();
	struct cpu_regs fresh;
	r = exec_load(plan, path, envp, &fresh);
	kfree(space);
	kfree(plan);
	if (r < 0) {
		klog("bento: execve of %s failed after the old image was gone", path);
		proc_exit(11);
	}
	fresh.fpstate = regs->fpstate;
	fresh.fpstate_size = regs->fpstate_size;
	*regs = fresh;
	exec_reset_fpu(regs);
	thread_set_tls(0);
	/* The name is the last part of the path as the caller gave it, so a
	 * link such as /bin/sleep -> busybox names the process "sleep". */
	const char *base = strrchr(path, '/');
	proc_set_name(base ? base + 1 : path);
	proc_note_exec();
	proc_vfork_release();
	return 0;
}

SYSCALL(execve)
{
	return do_execve(K_AT_FDCWD, a0, a1, a2, 0);
}

SYSCALL(execveat)
{
	if (a4 & ~(long)(K_AT_EMPTY_PATH | K_AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	return do_execve((int)a0, a1, a2, a3, (int)a4);
}

SYSCALL(pidfd_open)
{
	if ((a1 & ~(long)K_O_NONBLOCK) || (int)a0 <= 0)
		return -EINVAL;
	return pidfd_create((int)a0, (int)a1);
}

SYSCALL(pidfd_send_signal)
{
	int pid = pidfd_pid((int)a0);
	if (pid < 0)
		return pid == -EINVAL ? -EBADF : pid;
	if (a3)
		return -EINVAL;
	struct b_siginfo info = { .signo = (int)a1, .code = 0, .pid = proc_getpid() };
	return proc_kill(pid, (int)a1, &info);
}
