/* procfs.h — internals shared by the files of bento's /proc:
 *   procfs.c       the tree, lookups, the fs_ops and the open files
 *   procfs_pid.c   the contents of /proc/<pid> (and task/<tid>)
 *   procfs_procs.c /proc/<pid> of the sandbox's other processes
 *   procfs_sys.c   the system-wide files and /proc/sys
 *   procfs_cpu.c   /proc/cpuinfo from the cpuid instruction
 * Every file's content is generated when it is opened. */
#ifndef KERNEL_PROCFS_H
#define KERNEL_PROCFS_H

#include "kernel/kernel.h"

/* A growing buffer that a file's content (or a link's target) is
 * generated into. err is the first error met (-ENOMEM, or -ENOENT from a
 * generator with nothing to show); data is NUL-terminated when err is 0. */
struct pbuf {
	char *data;
	size_t len, cap;
	int err;
};

void pb_printf(struct pbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pb_write(struct pbuf *b, const void *p, size_t n);

/* The process and thread a file speaks of (pid 0 outside /proc/<pid>),
 * and the descriptor for fd/ and fdinfo/ entries. */
struct pctx {
	int pid, tid, fd;
	int in_task;        /* inside /proc/<pid>/task/<tid> */
};

/* One entry of a proc directory. Tables end with a NULL name. */
struct pent {
	const char *name;
	uint32_t mode;                                      /* type and permissions */
	void (*gen)(struct pbuf *b, const struct pctx *c);  /* content or link target */
	const char *text;                                   /* fixed content, if no gen */
	/* Writable files: takes the written bytes (kernel memory); returns
	 * the count consumed or -errno. */
	long (*write)(const struct pctx *c, const char *data, size_t n);
	const struct pent *children;                        /* static directory entries */
	int dyn;                                            /* PD_* extra entries */
	int flags;                                          /* PE_* */
};

/* Directories whose entries depend on the process. */
enum { PD_NONE, PD_ROOT, PD_FD, PD_FDINFO, PD_TASK, PD_FDOBJ };

#define PE_NOTASK 1     /* absent from task/<tid> directories */
#define PE_HIDDEN 2     /* found by name but not listed */

#define P_DIR(perm) (K_S_IFDIR | (perm))
#define P_REG(perm) (K_S_IFREG | (perm))
#define P_LNK (K_S_IFLNK | 0777)

extern const struct pent proc_root_ents[];   /* procfs_sys.c */
extern const struct pent proc_pid_ents[];    /* procfs_pid.c */
extern const struct pent proc_other_ents[];  /* procfs_procs.c */

/* State of the file system, set when it is mounted. */
struct procfs_state {
	struct b_timespec mount_time;   /* CLOCK_REALTIME: every entry's times */
	uint64_t start_ticks;           /* process start, 1/100 s since boot */
	char boot_id[37];
};
extern struct procfs_state procfs;

/* procfs_pid.c: fd entries. */
/* What readlink of /proc/<pid>/fd/N shows for f. */
void proc_fd_link_text(struct pbuf *b, struct file *f);
/* Can f be reached again by its path (a file opened by name that is still
 * there)? Then resolution through fd/N goes to that path. */
int proc_fd_reachable(struct file *f);
void proc_gen_fdinfo(struct pbuf *b, const struct pctx *c);
/* Mount id as /proc/self/mountinfo numbers it (0 if unknown). */
int proc_mount_id(struct mount *m);

/* procfs_procs.c: the sandbox's other processes. */
/* Is pid another live (or zombie) process of the sandbox? */
int proc_other_exists(int pid);
/* Every process's pid in ascending order, at most n; returns the count. */
int proc_pids(int *pids, int n);

/* procfs_sys.c / procfs_cpu.c */
void proc_gen_cpuinfo(struct pbuf *b, const struct pctx *c);
/* Clock ticks (USER_HZ, 100 per second) of a timespec. */
uint64_t proc_ticks(const struct b_timespec *ts);
/* Random RFC 4122 version 4 UUID text (36 characters and a NUL). */
void proc_uuid(char out[37]);

#endif
