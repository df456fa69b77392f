/*
 * kernel.h — the kernel's internal types, shared by the files of
 * src/kernel. The shim sees only north.h.
 */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <bento/north.h>
#include <bento/platform.h>
#include "lib/lock.h"
#include "lib/alloc.h"
#include "lib/string.h"

#define PAGE_SIZE 4096UL
#define PATH_MAX_K 4096
#define FD_MAX K_FD_MAX
#define PROC_MAX 1024          /* processes of one sandbox at a time */

/* ---- files ------------------------------------------------------------ */

/* Operations of an open file description. A NULL entry means the
 * operation is not supported; the caller turns it into the right errno. */
struct file_ops {
	/* pos is the file position to use and advance, or NULL for streams. */
	long (*read)(struct file *f, void *ubuf, size_t n, int64_t *pos);
	long (*write)(struct file *f, const void *ubuf, size_t n, int64_t *pos);
	int (*stat)(struct file *f, struct b_stat *st);
	long (*getdents)(struct file *f, void *ubuf, size_t n);
	int (*ioctl)(struct file *f, unsigned long req, void *uarg);
	int (*truncate)(struct file *f, int64_t len);
	int (*allocate)(struct file *f, int mode, int64_t off, int64_t len);
	int (*sync)(struct file *f);
	int (*statfs)(struct file *f, struct b_statfs *st);
	int (*chmod)(struct file *f, int mode);
	int (*utimens)(struct file *f, const struct b_timespec ts[2]);
	/* Readiness for poll: returns the ready subset of events (POLLIN 1,
	 * POLLOUT 4, POLLERR 8, POLLHUP 16). */
	short (*poll)(struct file *f, short events);
	/* Host handle for mmap, or -ENODEV. */
	int (*map_handle)(struct file *f);
	/* Seek is generic unless a file kind wants its own (directories). */
	long (*seek)(struct file *f, int64_t off, int whence);
	void (*release)(struct file *f);
	/* Advisory locks (fcntl record locks, flock); NULL: never conflict. */
	int (*lock)(struct file *f, int cmd, struct k_flock *fl);
	int (*flock)(struct file *f, int op);
	/* A process is about to fork (delta 1) or its fork failed (-1): the
	 * child will hold copies of this open file. Called in the parent,
	 * before the child can run, so no holder is ever missed. */
	void (*forked)(struct file *f, int delta);
	/* No file position: pread, pwrite and lseek fail with ESPIPE. */
	int stream;
	/* The position is kept by the host handle (read/write get pos NULL). */
	int host_offset;
	/* read and write are one host call each, with no waiting or signal
	 * check in bento: what fd_get_light needs. */
	int direct;
	/* Every readiness change is announced with kwake_shared, so pollers
	 * may sleep until one instead of re-polling in small steps. */
	int poll_wakes;
	/* priv is an object in the shared arena that any process of the
	 * sandbox may use, and forked counts its holders: a copy of the file
	 * (ops, flags, path, priv) is valid in another process, so SCM_RIGHTS
	 * can carry it (passfd.c). */
	int arena_priv;
};

struct mount;

struct file {
	const struct file_ops *ops;
	int refs;
	int flags;          /* O_* status flags and access mode */
	int64_t pos;
	struct spinlock lock;
	int host_fd;        /* -1 when the file is not a host handle */
	struct mount *mnt;  /* file system it came from, or NULL */
	char *path;         /* canonical guest path, or a label like "pipe:[3]" */
	void *priv;         /* per-kind state */
	void *epitems;      /* epoll items watching this file (epoll.c) */
};

/* Bento's own files in SCM_RIGHTS messages (passfd.c). passfd_init:
 * at start-up, before any fork. passfd_travels: f can be sent (an
 * arena_priv file). passfd_send: a host placeholder handle to send in f's
 * place, with a reference on f's shared object held until a receiver
 * takes it, and its tag; -errno on failure. passfd_sent: the send of the
 * n placeholders ph (tags) is over, sent or not (then their references
 * go); closes them.
 * passfd_receive: 1 when h (whose stat is st) is a placeholder, with the
 * file it stands for in *out (NULL when out of memory; the caller still
 * closes h; peek: a further copy, the message stays queued), else 0.
 * passfd_sweep: release the references of messages dropped unreceived
 * (socket closed, control data cut); unless force, only when many
 * placeholders wait. */
void passfd_init(void);
int passfd_travels(struct file *f);
int passfd_send(struct file *f, uint64_t tag[2]);
void passfd_sent(const int *ph, const uint64_t (*tags)[2], int n, int sent);
int passfd_receive(int h, const struct b_stat *st, int peek, struct file **out);
void passfd_sweep(int force);
/* socket.c's arena lock (with takeover from a dead holder); passfd.c's
 * list and queue are under it too. */
void sock_net_lock(void);
void sock_net_unlock(void);

/* Terminal job control (tty.c). */
int tty_is_job_ioctl(unsigned long req);
int tty_job_ioctl(struct file *f, unsigned long req, void *uarg);
/* 0, or -EINTR/-EIO for a background process reading its terminal. */
long tty_background_read(struct file *f);

/* Allocate a file with one reference. path is copied. */
struct file *file_alloc(const struct file_ops *ops, int flags, const char *path);
/* Generic helpers for files backed by a host handle. */
extern const struct file_ops host_file_ops;
int fd_dup2_file(struct file *f, int fd);
struct file *host_file_wrap(int host_fd, int flags, const char *path, struct mount *m);

/* Waiting for readiness (file.c). file_poll_ready: the ready subset of
 * the poll events asked (POLL* numbering; IN implies RDNORM, OUT WRNORM;
 * ERR and HUP are always reported). poll_seq: the sandbox-wide change
 * counter, bumped by every kwake_shared. poll_loop: calls scan(ctx, pw)
 * until it returns non-zero, which poll_loop returns; 0 when timeout
 * (NULL = forever) passes first, -EINTR when a signal becomes deliverable.
 * Between scans it sleeps as the scan's poll_wait_add calls allow: until
 * a kwake_shared when every file waited for sets poll_wakes, in the host
 * when every one is a host handle (its readiness is the handle's), else
 * in 1 ms steps. */
#define POLL_HOST_MAX 64
struct poll_wait {
	int wakers;         /* files waited for that set poll_wakes */
	int others;         /* files that can only be re-polled */
	int nhost;          /* host handles of the rest */
	struct b_pollfd host[POLL_HOST_MAX];
};
short file_poll_ready(struct file *f, short events, struct poll_wait *pw);
/* The scan will wait for events on f (0: for a change it cannot name). */
void poll_wait_add(struct poll_wait *pw, struct file *f, short events);
uint32_t poll_seq(void);
void poll_notify(void);
int poll_loop(int (*scan)(void *ctx, struct poll_wait *pw), void *ctx, const struct b_timespec *timeout);
/* Hooks from file.c into epoll.c: the program did I/O on f (re-arms its
 * edge-triggered items); f's last reference is going (drops its items,
 * before f's own release). */
void epoll_file_io(struct file *f);
void epoll_file_release(struct file *f);
/* The stat of the anonymous inode behind eventfd, epoll, timerfd and
 * signalfd files (eventfd.c). */
int anon_inode_stat(struct file *f, struct b_stat *st);
/* Their lseek: succeeds and stays at 0, as Linux's noop_llseek. */
long anon_inode_seek(struct file *f, int64_t off, int whence);

/* ---- network interfaces and netlink ------------------------------------ */

/* The guest's interfaces (netif.c): a constant table, lo only. */
struct netif_addr {
	int family;         /* AF_INET or AF_INET6 */
	int prefix;
	uint8_t addr[16];
};
struct netif {
	int index;
	const char *name;
	unsigned short type;  /* ARPHRD_* */
	unsigned flags;       /* IFF_* */
	int mtu, txqlen;
	uint8_t hwaddr[6];
	const struct netif_addr *addrs;
	int naddrs;
};
/* The i-th interface (from 0), or NULL past the last. */
const struct netif *netif_at(int i);
const struct netif *netif_by_index(int index);
const struct netif *netif_by_name(const char *name);
/* SIOCGIF* requests on any socket (ifreq/ifconf in guest memory):
 * -ENODEV for an unknown interface, -EPERM for SIOCSIF*, -ENOTTY for
 * requests that are not about interfaces. */
int netif_ioctl(unsigned long req, void *uarg);
/* The NETLINK_ROUTE requests of one sent datagram (rtnetlink.c): every
 * reply datagram goes to out(ctx, data, len) (data NULL: a reply was
 * lost for want of memory), with portid in its messages. */
struct rtnl_peer {
	uint32_t portid;
	int cap_ack;        /* NETLINK_CAP_ACK: errors without the request */
	void (*out)(void *ctx, const char *data, size_t len);
	void *ctx;
};
void rtnl_requests(const struct rtnl_peer *p, const char *b, size_t n);
/* socket(AF_NETLINK, type, protocol) (netlink.c): a new descriptor. */
int netlink_create(int type, int protocol);

/* ---- file systems ----------------------------------------------------- */

/* Operations of a mounted file system. rel is a path inside the mount:
 * components separated by '/', none of them ".", ".." or empty; "" is the
 * mount's root. When any component on the way — or the final one, unless
 * the operation acts on links themselves — is a symbolic link, the
 * operation returns -ELOOP and the VFS resolves the link and retries. */
struct fs_ops {
	int (*open)(struct mount *m, const char *rel, int flags, int mode, struct file **out);
	/* lstat semantics for the final component. */
	int (*stat)(struct mount *m, const char *rel, struct b_stat *st);
	long (*readlink)(struct mount *m, const char *rel, char *buf, size_t n);
	/* Optional: where path resolution goes through the link at rel, when
	 * that differs from what readlink shows (procfs's fd links lead to the
	 * open file itself). NULL = readlink. Same return as readlink. */
	long (*follow_link)(struct mount *m, const char *rel, char *buf, size_t n);
	int (*mkdir)(struct mount *m, const char *rel, int mode);
	/* Optional: a named pipe at rel (mode: permission bits). */
	int (*mkfifo)(struct mount *m, const char *rel, int mode);
	int (*unlink)(struct mount *m, const char *rel);
	int (*rmdir)(struct mount *m, const char *rel);
	int (*rename)(struct mount *m, const char *from, const char *to, int flags);
	int (*symlink)(struct mount *m, const char *target, const char *rel);
	int (*link)(struct mount *m, const char *from, const char *to);
	int (*chmod)(struct mount *m, const char *rel, int mode);
	/* Optional: times of rel itself (a link is not followed), for what
	 * cannot be opened to set them (links, files without access). */
	int (*set_times)(struct mount *m, const char *rel, const struct b_timespec ts[2]);
	int (*statfs)(struct mount *m, struct b_statfs *st);
};

struct mount {
	char path[256];     /* canonical guest path of the mount point */
	size_t path_len;
	const struct fs_ops *ops;
	int writable;
	int host_dir;       /* hostfs: directory handle */
	void *priv;         /* per-fs state */
	uint64_t dev;       /* st_dev reported for synthetic file systems */
};

/* Register a mount (used by the vfs_mount_* functions). */
struct mount *mount_add(const char *path, const struct fs_ops *ops, int writable);
extern const struct fs_ops hostfs_ops;
extern const struct fs_ops tmpfs_ops;
extern const struct fs_ops devfs_ops;
extern const struct fs_ops procfs_ops;
/* Build a getdents64 record list from names (for synthetic directories).
 * Each entry: name, inode, type (DT_*). Returns bytes written to ubuf
 * starting at entry *index, advancing *index. */
struct dirent_src { const char *name; uint64_t ino; unsigned char type; uint64_t off; };
long dirents_emit(const struct dirent_src *ents, int count, int64_t *index, void *ubuf, size_t n);
/* The same for listings whose entries carry stable positions (off, in
 * ascending order): the directory position is an off, not an index, so
 * an entry that vanishes between two calls makes none of the others be
 * skipped (Linux's /proc/PID/fd uses the fd number the same way). */
long dirents_emit_at(const struct dirent_src *ents, int count, int64_t *pos, void *ubuf, size_t n);
/* Resolve a guest path (relative to the process cwd or dirfd) to a
 * canonical absolute path with every symlink resolved (the final one only
 * when follow). Returns 0 and fills out, or -errno. */
int vfs_resolve(int dirfd, const char *upath_k, int follow, char *out, size_t n);
/* The same with flags: follow the final link, refuse any link, stay
 * beneath the starting directory (EXDEV), or treat it as the root. */
#define VFS_FOLLOW 1
#define VFS_NO_SYMLINKS 2
#define VFS_BENEATH 4
#define VFS_IN_ROOT 8
/* Only join and clean the path, checking no link: -EAGAIN when it holds
 * ".." or ends in "/" (the caller then resolves fully). Callers use it
 * to try an operation in one step; file systems answer -ELOOP when a
 * link is in the way. */
#define VFS_LEXICAL 16
int vfs_resolve_ex(int dirfd, const char *kpath, int flags, char *out, size_t n);
/* p, canonical up to a link that is its last component (a one-step try
 * met it), lies in a host mount: replace that link by its target, in
 * place (one host readlink; the result may hold ".." or further links).
 * 0, or -EAGAIN when p is not such a path (the caller then walks). */
int vfs_splice_final_link(char *p, size_t n);
/* Find the mount for a canonical path; *rel points into path. */
struct mount *mount_find(const char *path, const char **rel);
/* Call fn for every mount, in mount order (for /proc/self/mounts). */
void mount_each(void (*fn)(struct mount *m, void *ctx), void *ctx);
/* A new open file description (own flags and position) for the object
 * behind inner, as reopening /proc/self/fd/N or /dev/tty does; takes its
 * own reference to inner. NULL when out of memory (devfs.c). */
struct file *file_reopen(struct file *inner, int flags);
int vfs_is_hidden(const char *canon);

/* ---- memory ----------------------------------------------------------- */

void *kpages_get(size_t len);
/* Memory shared by every process of the sandbox (arena.c). */
int arena_init(void);
void *shm_alloc(size_t n);
/* Whole zeroed pages of the arena (System V segments map them). */
void *shm_pages(size_t len);
void shm_pages_free(void *p, size_t len);
void *shm_zalloc(size_t n);
void shm_free(void *p);
/* vfork: the parent's stack as the child found and left it (vfork.c). */
void *vfork_copy_take(uintptr_t parent_sp);
void vfork_copy_keep(void *copy);
void vfork_copy_apply(void *copy);
/* Wait on a word in shared memory while it equals val, for at most a
 * short slice, or until a signal is deliverable: returns -EINTR then,
 * else 0 (the caller re-checks its condition). */
int kwait_shared(uint32_t *word, uint32_t val);
void kwake_shared(uint32_t *word);
/* How many processes sleep on shared words hashing like word. */
uint32_t *arena_waiters(const void *word);
/* Two words in the arena for readiness waits (file.c): a counter bumped
 * on every kwake_shared, and the number of pollers sleeping on it. */
uint32_t *arena_poll_words(void);
void kpages_put(void *p, size_t len);

/* ---- processes -------------------------------------------------------- */

struct fdtable {
	struct spinlock lock;
	int max;
	/* files[top..max) never held a file: every scan stops at top, so
	 * fork, exec and exit do not read (and fault in) the whole table. */
	int top;
	struct file **files;
	uint8_t *cloexec;
};

/* fdtable.c: the file at fd for one read or write by the calling thread,
 * or NULL; *ref says whether fd_put_light must drop a reference. */
struct file *fd_get_light(int fd, int *ref);
static inline void fd_put_light(struct file *f, int ref)
{
	if (ref)
		file_put(f);
}

struct process {
	int pid, ppid, pgid, sid;
	struct spinlock lock;
	struct fdtable fds;
	char cwd[PATH_MAX_K];
	int umask;
	int ruid, euid, suid, rgid, egid, sgid;
	int ngroups;
	uint32_t *groups;            /* heap; replaced whole under lock */
	char name[16];
	uint64_t rlim[16][2];
	struct k_sigaction actions[K_NSIG + 1];
	uint64_t pending;               /* process-directed, atomic */
	struct b_siginfo pending_info[K_NSIG + 1];
	uint16_t rt_queued[K_NSIG + 1]; /* extra queued real-time instances */
	struct thread *threads;
	int nthreads;
	int exiting;                    /* a thread is carrying out proc_exit */
	int next_tid;
	/* Recorded at exec for /proc/self (proc_set_exec_info), or NULL. */
	char *exe;                      /* canonical guest path of the program */
	char *argv_block, *env_block;   /* NUL-terminated strings, back to back */
	size_t argv_len, env_len;
	uint64_t *auxv;                 /* type/value pairs up to AT_NULL */
	size_t auxv_len;                /* in bytes */
};

struct thread {
	struct process *proc;
	int tid;
	long host_tid;
	uint64_t sigmask;
	uint64_t pending;               /* thread-directed, atomic */
	struct b_siginfo pending_info[K_NSIG + 1];
	uint16_t rt_queued[K_NSIG + 1];
	uint32_t wake;                  /* futex word for interruptible waits */
	uint64_t async;                 /* signals noted by sig_note_async */
	int doomed;                     /* execve in another thread: leave */
	struct k_stack altstack;
	uintptr_t clear_child_tid;      /* guest address, or 0 */
	void *shim;                     /* the Linux shim's per-thread data */
	struct thread *next;
};

extern struct process *kproc;   /* the process this host process runs */
/* The process table in the arena (proc.c). */
int proctab_init(void);
/* The pid of an open /proc/<pid> directory (procfs.c), or -EINVAL. */
int procfs_pid_dir(struct file *f);
/* The host pid of a live process of the sandbox, or -ESRCH. */
long proc_host_pid(int pid);
void timer_fork_child(void);
void kernel_fork_lock(void);
void kernel_fork_unlock(void);
void vm_fork_lock(void);
void vm_fork_unlock(void);
int sysvshm_init(void);
int uts_init(void);
/* Remember which System V segment is attached at addr (vm.c). */
void vm_note_shm(uintptr_t addr, int id);
int vm_take_shm(uintptr_t addr);
void vm_each_shm(void (*fn)(int id, int delta), int delta);
int vm_take_shm_any(void);
/* Attachments of a process change as a whole: fork (+1 each, before the
 * child runs), exit and exec (all detached). */
void sysvshm_fork(int delta);
void sysvshm_detach_all(void);
int pid_alloc(void);
void proc_absorb_signals(void);
/* Would proc_absorb_signals find anything to do? Only loads. */
int proc_absorb_pending(void);
/* How /proc of another process asks that process for what only it
 * knows (procfs_ask.c). The slot lives in its entry of the shared table. */
struct proc_ask {
	uint32_t lock;      /* pid of the reader holding it, 0 when free */
	uint32_t state;     /* futex word: sequence << 3 | phase */
	int what;           /* PROC_ASK_* (procfs.h) */
	char *buf;          /* the answer in the arena, or NULL */
	size_t len;
};
/* state & PROC_ASK_PHASE == PROC_ASK_REQ: a request waits (procfs_ask.c). */
#define PROC_ASK_PHASE 7u
#define PROC_ASK_REQ 1u
/* The slot of live process pid, or NULL (proc.c). With kick set, pid is
 * also kicked to its next signal check, even when stopped. */
struct proc_ask *proc_ask_slot(int pid, int kick);
/* This process's slot, or NULL before the table exists (proc.c). */
struct proc_ask *proc_ask_own(void);
/* At a signal check: answer a request waiting in this process's slot.
 * Cheap when there is none; never waits for the reader. */
void proc_ask_answer(void);
/* An entry is being reused: free an answer that its reader (who died)
 * never took. */
void proc_ask_reset(struct proc_ask *a);
/* Make the program path and command line visible to the sandbox's other
 * processes (their /proc/<pid>), and read another process's. */
#define PROC_CMDLINE_MAX 1024
void proc_publish_exec(const char *exe, const char *argv_block, size_t len);
long proc_read_cmdline(int pid, char *buf, size_t n);
int proc_read_exe(int pid, char *buf, size_t n);
/* Before fork (delta 1) or after a failed one (-1), in the parent: tell
 * shared objects about the child's copies of the open files. */
void fd_forked(int delta);
struct thread *thread_new(struct process *p);
void thread_remove(struct thread *t);
/* Wake thread t from an interruptible wait (signals, timers). */
void thread_kick(struct thread *t);

static inline struct thread *cur_thread(void)
{
	return (struct thread *)plat_self();
}

#endif
