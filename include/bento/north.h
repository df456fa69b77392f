/*
 * north.h — the library OS's POSIX-style API. The Linux shim (and any
 * embedding program) calls these; they return 0 or a non-negative value on
 * success and a negative errno on failure, and never abort on bad input.
 *
 * Pointers named u* are guest ("user") memory: the kernel touches them only
 * through plat_copy or hands them to the host, which checks them itself.
 * Other pointers are bento memory.
 */
#ifndef BENTO_NORTH_H
#define BENTO_NORTH_H

#include <stddef.h>
#include <stdint.h>
#include <bento/types.h>
#include <bento/errno.h>
#include <bento/platform.h> /* struct cpu_regs */

/* ---- Open files ------------------------------------------------------- */

struct file;
struct file_ops;

/* Flags: Linux O_* numbering (the kernel's own too). */
#define K_O_ACCMODE   03
#define K_O_RDONLY    00
#define K_O_WRONLY    01
#define K_O_RDWR      02
#define K_O_CREAT     0100
#define K_O_EXCL      0200
#define K_O_NOCTTY    0400
#define K_O_TRUNC     01000
#define K_O_APPEND    02000
#define K_O_NONBLOCK  04000
#define K_O_DSYNC     010000
#define K_O_DIRECT    040000
#define K_O_LARGEFILE 0100000
#define K_O_DIRECTORY 0200000
#define K_O_NOFOLLOW  0400000
#define K_O_NOATIME   01000000
#define K_O_CLOEXEC   02000000
#define K_O_PATH      010000000
#define K_O_TMPFILE   020200000

#define K_S_IFMT   0170000
#define K_S_IFSOCK 0140000
#define K_S_IFLNK  0120000
#define K_S_IFREG  0100000
#define K_S_IFBLK  0060000
#define K_S_IFDIR  0040000
#define K_S_IFCHR  0020000
#define K_S_IFIFO  0010000

#define K_AT_FDCWD (-100)
#define K_AT_SYMLINK_NOFOLLOW 0x100
#define K_AT_REMOVEDIR 0x200
#define K_AT_SYMLINK_FOLLOW 0x400
#define K_AT_EMPTY_PATH 0x1000

/* Reference counting of open file descriptions. */
void file_get(struct file *f);
void file_put(struct file *f);

/* ---- Descriptor table of the calling process -------------------------- */

/* Descriptors a process can hold: 0 .. K_FD_MAX - 1. */
#define K_FD_MAX 4096

int fd_install(struct file *f, int cloexec);       /* lowest free fd */
struct file *fd_get(int fd);                       /* +1 ref, NULL if bad */
int fd_close(int fd);
int fd_close_range(unsigned first, unsigned last, unsigned flags);
int fd_dup(int fd, int min, int cloexec);          /* F_DUPFD semantics */
int fd_dup2(int oldfd, int newfd, int cloexec);    /* dup3 semantics when cloexec>=0 */
int fd_get_cloexec(int fd);
int fd_set_cloexec(int fd, int on);
int fd_count_limit(void);
/* Calls fn for each open fd (for /proc/self/fd). */
void fd_each(void (*fn)(int fd, struct file *f, void *ctx), void *ctx);

/* ---- Files by path ---------------------------------------------------- */

/* openat(2): dirfd may be K_AT_FDCWD. Returns a new fd. */
int vfs_openat(int dirfd, const char *path, int flags, int mode);
/* openat2(2): resolve holds RESOLVE_* bits (NO_SYMLINKS, BENEATH,
 * IN_ROOT are honoured; bento never leaves the guest's root anyway). */
int vfs_openat2(int dirfd, const char *path, int flags, int mode, int resolve);
/* fstatat(2) with K_AT_* flags; path "" with K_AT_EMPTY_PATH = the fd. */
int vfs_statat(int dirfd, const char *path, int flags, struct b_stat *st);
/* faccessat2: mode is R_OK|W_OK|X_OK bits (4,2,1) or F_OK. */
int vfs_accessat(int dirfd, const char *path, int mode, int flags);
long vfs_readlinkat(int dirfd, const char *path, char *buf, size_t n);
int vfs_mkdirat(int dirfd, const char *path, int mode);
/* mknod: regular files and named pipes (where the file system has them);
 * devices -EPERM (no sandbox may make one), sockets -EPERM (bind makes
 * them), other types -EINVAL. */
int vfs_mknodat(int dirfd, const char *path, int mode);
int vfs_unlinkat(int dirfd, const char *path, int flags);
int vfs_renameat(int olddir, const char *oldpath, int newdir, const char *newpath, int flags);
int vfs_symlinkat(const char *target, int dirfd, const char *path);
int vfs_linkat(int olddir, const char *oldpath, int newdir, const char *newpath, int flags);
int vfs_chmodat(int dirfd, const char *path, int mode);
int vfs_utimensat(int dirfd, const char *path, const struct b_timespec ts[2], int flags);
int vfs_truncate(const char *path, int64_t len);
int vfs_statfs(const char *path, struct b_statfs *st);
int vfs_chdir(const char *path);
int vfs_fchdir(int fd);
/* Canonical path of path (all links followed), or of an open file. */
int vfs_realpath(int dirfd, const char *path, char *out, size_t n);
int fd_path(int fd, char *out, size_t n);
/* Close the descriptors marked close-on-exec. */
void fd_exec(void);
/* Unmap every guest mapping (execve). */
void vm_unmap_all(void);
/* Reset caught signals to their default action (execve). */
void sig_exec_reset(void);
/* Current directory as a guest path; returns length+1 or -ERANGE. */
long vfs_getcwd(char *buf, size_t n);
/* Canonical guest path of an open file (for /proc and fd readlink). */
const char *file_path(struct file *f);

/* ---- Operations on descriptors ---------------------------------------- */

long file_read(int fd, void *ubuf, size_t n);
long file_write(int fd, const void *ubuf, size_t n);
long file_pread(int fd, void *ubuf, size_t n, int64_t off);
long file_pwrite(int fd, const void *ubuf, size_t n, int64_t off);
long file_seek(int fd, int64_t off, int whence);
int file_stat(int fd, struct b_stat *st);
int file_statfs(int fd, struct b_statfs *st);
long file_getdents(int fd, void *ubuf, size_t n);
int file_ioctl(int fd, unsigned long req, void *uarg);
int file_truncate(int fd, int64_t len);
/* fallocate(2): the file's own operation (host files); otherwise the
 * errno Linux gives for that kind of file. */
int file_allocate(int fd, int mode, int64_t off, int64_t len);
int file_sync(int fd);
int file_chmod(int fd, int mode);
int file_get_flags(int fd);
int file_set_flags(int fd, int flags);
/* Poll a set of descriptors (revents filled); timeout NULL = forever. */
int file_poll(struct b_pollfd *fds, int n, const struct b_timespec *timeout);
/* For mmap: the host handle that backs fd's data, or -ENODEV. */
int file_map_handle(int fd, int *writable);
/* Give the guest a host handle it inherited (stdin/stdout/stderr) as
 * descriptor guest_fd; flags are its O_* status flags. */
int file_adopt_host(int guest_fd, int host_fd, int flags);
/* memfd_create: a new anonymous in-memory file, as a descriptor. */
int file_memfd(const char *name, int flags);
/* fcntl commands specific to a file kind (pipe sizes, seals). */
int file_fcntl_special(int fd, int cmd, long arg);
/* A pipe pair: fds[0] read end, fds[1] write end. */
int pipe_create(int fds[2], int flags);
/* Advisory record locks (F_GETLK/F_SETLK/F_SETLKW), Linux flock layout
 * fields: type, whence, start, len, pid. */
struct k_flock { short type, whence; int64_t start, len; int pid; };
int file_lock(int fd, int cmd, struct k_flock *fl);
/* flock(2): LOCK_SH 1, LOCK_EX 2, LOCK_UN 8, | LOCK_NB 4. */
int file_flock(int fd, int op);

/* ---- Event files: eventfd, epoll, timerfd, signalfd ------------------- */

/* eventfd: a 64-bit counter; flags K_EFD_SEMAPHORE | K_O_NONBLOCK |
 * K_O_CLOEXEC. Reads and writes move 8-byte values. Returns a new fd. */
#define K_EFD_SEMAPHORE 1
int eventfd_create(unsigned int initval, int flags);

/* epoll: an interest list of (fd, open file) items polled through each
 * file's readiness; events use Linux EPOLL* numbering. The names differ
 * from libc's because the unit tests link the kernel with libc. */
#define K_EPOLL_CTL_ADD 1
#define K_EPOLL_CTL_DEL 2
#define K_EPOLL_CTL_MOD 3
#define K_EPOLLIN        0x001
#define K_EPOLLPRI       0x002
#define K_EPOLLOUT       0x004
#define K_EPOLLERR       0x008
#define K_EPOLLHUP       0x010
#define K_EPOLLRDNORM    0x040
#define K_EPOLLRDBAND    0x080
#define K_EPOLLWRNORM    0x100
#define K_EPOLLWRBAND    0x200
#define K_EPOLLMSG       0x400
#define K_EPOLLRDHUP     0x2000
#define K_EPOLLEXCLUSIVE (1U << 28)
#define K_EPOLLWAKEUP    (1U << 29)
#define K_EPOLLONESHOT   (1U << 30)
#define K_EPOLLET        (1U << 31)
struct k_epoll_event { uint32_t events; uint64_t data; };
/* flags: K_O_CLOEXEC only. Returns a new fd. */
int epollfd_create(int flags);
/* ev is ignored for K_EPOLL_CTL_DEL. */
int epollfd_ctl(int epfd, int op, int fd, const struct k_epoll_event *ev);
/* Fills out with up to maxevents ready items; timeout NULL = forever.
 * Returns the count, 0 on timeout, -EINTR on a signal. */
int epollfd_wait(int epfd, struct k_epoll_event *out, int maxevents, const struct b_timespec *timeout);

/* timerfd: expirations of a timer on clock (0 realtime, 1 monotonic,
 * 7 boottime), read as an 8-byte count; flags K_O_NONBLOCK|K_O_CLOEXEC.
 * Times are {interval, value}; K_TFD_TIMER_ABSTIME makes value absolute. */
#define K_TFD_TIMER_ABSTIME 1
#define K_TFD_TIMER_CANCEL_ON_SET 2
int timerfd_open(int clock, int flags);
int timerfd_set(int fd, int flags, const struct b_timespec newv[2], struct b_timespec old[2]);
int timerfd_get(int fd, struct b_timespec cur[2]);

/* signalfd: reads take the pending signals in mask (blocked ones, as a
 * rule) of the calling thread, one record of rec_size bytes each, built by
 * encode (the ABI's layout belongs to the caller). fd -1 creates a new
 * descriptor (flags K_O_NONBLOCK|K_O_CLOEXEC); otherwise fd's mask is
 * replaced. Returns the fd. */
int signalfd_create(int fd, uint64_t mask, int flags, size_t rec_size,
		    void (*encode)(const struct b_siginfo *info, void *rec));

/* ---- Sockets (socket.c) ----------------------------------------------- */

/* Host sockets passed through to the host, which confines them. Linux
 * numbering for domains, types, SOCK_NONBLOCK/SOCK_CLOEXEC, MSG_* flags,
 * levels and options; addresses are Linux sockaddrs and control data
 * Linux cmsghdrs. An AF_UNIX path name is a guest path, resolved by the
 * VFS: the socket file lives in a host directory mount (docs/
 * architecture.md, "Sockets"). Blocking calls wait in bento and return
 * -EINTR when a signal becomes deliverable. */
#define K_NET_NONE 0     /* no network: AF_INET/AF_INET6 are refused */
#define K_NET_LOOPBACK 1 /* a private network namespace with loopback */
#define K_NET_HOST 2     /* the host's network */
/* At start-up, before the guest runs (and before any fork). */
void sock_net_init(int mode);
int sock_create(int domain, int type, int protocol);
int sock_pair(int domain, int type, int protocol, int sv[2]);
int sock_bind(int fd, const void *uaddr, uint32_t len);
int sock_connect(int fd, const void *uaddr, uint32_t len);
int sock_listen(int fd, int backlog);
/* uaddr/ulen may be NULL; *ulen is guest memory (in: buffer size, out:
 * the address's length). flags: SOCK_NONBLOCK | SOCK_CLOEXEC. */
int sock_accept(int fd, void *uaddr, uint32_t *ulen, int flags);
/* A message: iov is a bento array of guest buffers; uname/ucontrol are
 * guest memory. recv sets namelen to the address's full length (the copy
 * is cut to the buffer), controllen to the control bytes written and
 * flags (MSG_TRUNC, MSG_CTRUNC, ...). Descriptors in SCM_RIGHTS are the
 * guest's: sent ones must be host-backed files or sockets, or files whose
 * state is in the shared arena (pipes, eventfds, timerfds; -EOPNOTSUPP
 * otherwise), received ones are installed as new descriptors. */
struct k_iovec { void *ubase; size_t len; };
struct k_msghdr {
	void *uname;
	uint32_t namelen;
	struct k_iovec *iov;
	size_t iovlen;
	void *ucontrol;
	size_t controllen;
	int flags;
};
long sock_sendmsg(int fd, struct k_msghdr *msg, int flags);
long sock_recvmsg(int fd, struct k_msghdr *msg, int flags);
int sock_shutdown(int fd, int how);
/* uval/ulen are guest memory, handed to the host. */
int sock_getsockopt(int fd, int level, int name, void *uval, uint32_t *ulen);
int sock_setsockopt(int fd, int level, int name, const void *uval, uint32_t len);
/* getsockname (peer 0) / getpeername (peer 1); ulen as for accept. */
int sock_getname(int fd, int peer, void *uaddr, uint32_t *ulen);
/* Netlink sockets are bento's own, an emulation of NETLINK_ROUTE's
 * read-only part (netlink.c); sock_create makes them, and the sock_*
 * calls above say -ENOTSOCK for them. These take over then, with the
 * same arguments, and say -ENOTSOCK for any other file. listen, accept
 * and shutdown get netlink_unsupported's -EOPNOTSUPP. */
int netlink_bind(int fd, const void *uaddr, uint32_t len);
int netlink_connect(int fd, const void *uaddr, uint32_t len);
int netlink_getname(int fd, int peer, void *uaddr, uint32_t *ulen);
int netlink_getsockopt(int fd, int level, int name, void *uval, uint32_t *ulen);
int netlink_setsockopt(int fd, int level, int name, const void *uval, uint32_t len);
long netlink_sendmsg(int fd, struct k_msghdr *msg, int flags);
long netlink_recvmsg(int fd, struct k_msghdr *msg, int flags);
int netlink_unsupported(int fd);

/* ---- Mount table (set up before the guest starts) --------------------- */

int vfs_mount_host(const char *guest_path, int host_dir, int writable);
int vfs_mount_tmpfs(const char *guest_path);
int vfs_mount_devfs(const char *guest_path);
int vfs_mount_procfs(const char *guest_path);
int vfs_add_symlink(const char *guest_path, const char *target);
int vfs_hide(const char *guest_path);
/* Resolve a program path for exec: follows links, checks a regular file.
 * Fills canon (the canonical guest path). Returns an fd-less file. */
int vfs_open_exec(const char *path, struct file **out, char *canon, size_t n);

/* ---- Memory map of the guest ------------------------------------------ */

#define K_PROT_READ 1
#define K_PROT_WRITE 2
#define K_PROT_EXEC 4
#define K_MAP_SHARED 0x01
#define K_MAP_PRIVATE 0x02
#define K_MAP_FIXED 0x10
#define K_MAP_ANONYMOUS 0x20
#define K_MAP_GROWSDOWN 0x100
#define K_MAP_NORESERVE 0x4000
#define K_MAP_POPULATE 0x8000
#define K_MAP_STACK 0x20000
#define K_MAP_FIXED_NOREPLACE 0x100000

long vm_mmap(uintptr_t addr, size_t len, int prot, int flags, int fd, uint64_t off);
int vm_munmap(uintptr_t addr, size_t len);
int vm_mprotect(uintptr_t addr, size_t len, int prot);
long vm_mremap(uintptr_t old, size_t old_len, size_t new_len, int flags, uintptr_t new_addr);
int vm_madvise(uintptr_t addr, size_t len, int advice);
int vm_msync(uintptr_t addr, size_t len, int flags);
long vm_brk(uintptr_t addr);
/* Sets the program break start (after the loaded executable). */
void vm_brk_init(uintptr_t start);
/* Records a mapping the loader made (name shown in /proc/self/maps). */
void vm_note(uintptr_t start, size_t len, int prot, int flags, const char *name, uint64_t off);
/* Writes /proc/self/maps text into buf; returns its length. */
size_t vm_format_maps(char *buf, size_t n);
/* Is [addr, addr+len) free of bento's own memory? */
int vm_guest_range_ok(uintptr_t addr, size_t len);
/* Protection of the guest mapping holding addr, or -1 if none. */
int vm_prot_at(uintptr_t addr);
/* Number of threads of the calling process. */
int proc_thread_count(void);
/* Is every page of [addr, addr+len) part of a guest mapping? */
int vm_is_mapped(uintptr_t addr, size_t len);
/* Bento memory that guest mappings may not replace. */
void vm_reserve(uintptr_t start, size_t len);

/* Copy from/to guest memory: 0 or -EFAULT. */
int copy_in(void *dst, const void *usrc, size_t n);
int copy_out(void *udst, const void *src, size_t n);
/* Copy a guest string (NUL included) of at most n bytes; returns length. */
long copy_in_str(char *dst, const char *usrc, size_t n);

/* ---- Processes and threads -------------------------------------------- */

struct thread;
struct process;

/* Initialise the kernel: heap, the first process and its first thread. */
int kernel_init(void);
struct thread *thread_current(void);
/* A slot of the calling thread for the shim's own per-thread data. */
void **thread_shim_slot(void);
/* Create a guest thread record in this process; returns its tid. The
 * caller starts the host thread (plat_thread_spawn with the record). */
struct thread *thread_create(void);
int thread_tid(struct thread *t);
void thread_set_host(struct thread *t, long host_tid);
/* Record/read the CLONE_CHILD_CLEARTID address of the calling thread. */
void thread_set_clear_tid(struct thread *t, uintptr_t uaddr);
uintptr_t thread_clear_tid(void);
/* execve: make every other thread of the process leave, and wait for
 * them; the caller becomes the main thread (tid = pid). */
void thread_kill_others(void);
/* Must the calling thread leave (another thread exec'd)? */
int thread_is_doomed(void);
/* Drop a thread record that never started. */
void thread_remove_record(struct thread *t);
/* The calling thread is leaving; returns the number of threads left. */
int thread_exit_current(void);
int proc_getpid(void);
int proc_getppid(void);
int thread_gettid(void);
/* Identity: real, effective, saved ids, all within the sandbox. */
void cred_get(int *ruid, int *euid, int *suid, int *rgid, int *egid, int *sgid);
/* Set every id at start-up (the host's ids, as the guest should see them). */
void cred_init(int uid, int gid);
int cred_setresuid(int r, int e, int s);
int cred_setresgid(int r, int e, int s);
int cred_getgroups(int n, uint32_t *list);
int cred_setgroups(int n, const uint32_t *list);
/* Supplementary groups a process can hold (Linux NGROUPS_MAX). */
#define K_NGROUPS_MAX 65536
/* Is gid the caller's, as a supplementary group? */
int cred_in_group(uint32_t gid);
int proc_umask(int mask);
/* Process name (comm), 16 bytes with NUL. */
void proc_get_name(char *buf);
void proc_set_name(const char *name);
/* Resource limits (Linux RLIMIT_* numbering). */
int proc_prlimit(int resource, const uint64_t *new_lim, uint64_t *old_lim);
/* Start-up: the limits bento was given become the guest's (RLIMIT_NOFILE
 * held to what the descriptor table can hold). */
void proc_rlimit_inherit(int resource, uint64_t soft, uint64_t hard);
/* Record what a new program image shows in /proc/self: exe is its
 * canonical path (links resolved, as the VFS names an open file), argv_block and env_block the
 * argument and environment strings exactly as laid out for the guest
 * (each NUL-terminated, back to back), auxv the auxiliary vector including
 * its AT_NULL pair. The kernel copies everything; 0 or -ENOMEM. */
int proc_set_exec_info(const char *exe, const void *argv_block, size_t argv_len,
		       const void *env_block, size_t env_len, const void *auxv, size_t auxv_len);

/* ---- System information ---------------------------------------------- */

/* What uname reports; /proc/version and /proc/sys/kernel agree. */
#define K_UTS_SYSNAME  "Linux"
#define K_UTS_NODENAME "bento"
#define K_UTS_RELEASE  "6.1.0-bento"
#define K_UTS_VERSION  "#1 SMP bento"
#define K_UTS_MACHINE  "x86_64"
#define K_UTS_DOMAIN   "(none)"
/* The host and domain names start as above; root of the sandbox may
 * change them for every process of it (uts.c). */
#define K_UTS_LEN 64
enum { UTS_HOST, UTS_DOMAIN };
void uts_get(int which, char out[K_UTS_LEN + 1]);
int uts_set(int which, const char *name, long len);

/* Memory figures in bytes, the one source for sysinfo and /proc/meminfo. */
struct k_meminfo {
	uint64_t total, free, available, buffers, cached, shared, swap_total, swap_free;
};
void mem_info(struct k_meminfo *mi);

/* The controlling terminal's foreground process group (tcgetpgrp,
 * tcsetpgrp, tcgetsid), and whether the caller is in it. */
int tty_get_pgrp(void);
int tty_set_pgrp(int pgid);
int tty_get_sid(void);
int tty_in_foreground(void);

/* Processes of the sandbox (proc.c). proc_fork returns the child's pid in
 * the parent and 0 in the child; with vfork the parent waits until the
 * child has exec'd or exited. */
long proc_fork(int vfork, uintptr_t parent_sp);
/* The same with clone's choices: CLONE_PARENT (the new process is the
 * caller's sibling) and the signal its parent gets when it ends. */
long proc_fork_ex(int vfork, uintptr_t parent_sp, int clone_parent, int exit_signal);
/* Stop the calling process until SIGCONT (default action of SIGSTOP). */
void proc_stop_self(int sig);
/* Dispositions other processes must know: SA_NOCLDSTOP on SIGCHLD, and
 * which signals have handlers. */
void proc_note_sigchld_flags(int nocldstop);
void proc_note_caught(uint64_t caught);
void proc_note_exec(void);
void proc_vfork_release(void);
/* Leave with a Linux wait status (code << 8, or the killing signal). */
_Noreturn void proc_exit(int wstatus);
/* wait4-style: pid selector, options (WNOHANG 1, WNOWAIT 0x1000000). */
int proc_wait(int pid, int options, int *wstatus, int64_t *cpu_ns);
/* The parent's pid as the table says now (orphans get a new one). */
int proc_parent(void);
/* PR_SET_CHILD_SUBREAPER (set 0/1) / GET (set -1): returns the flag. */
int proc_subreaper(int set);
/* Send sig to pid (>0), the caller's group (0), everyone (-1) or a group
 * (<-1). */
int proc_kill(int pid, int sig, const struct b_siginfo *info);
int proc_getpgid(int pid);
/* Is pid a process that has not ended yet? */
int proc_alive(int pid);
/* Processes of the sandbox, zombies included (for RLIMIT_NPROC). */
int proc_count(void);
/* pidfd_open (flags: O_NONBLOCK; the descriptor is close-on-exec), and
 * the pid a pidfd names (-EBADF, or -EINVAL for another kind of file). */
int pidfd_create(int pid, int flags);
int pidfd_pid(int fd);
int proc_getsid(int pid);
int proc_setpgid(int pid, int pgid);
int proc_setsid(void);
void proc_set_nocldwait(int on);
/* From a host signal handler: a child host process ended (lock-free). */
void proc_note_host_child(void);
void proc_set_comm(const char *name);
void proc_each(void (*fn)(int pid, int ppid, int pgid, int sid, int zombie, const char *comm, void *ctx),
	       void *ctx);

/* ---- Signals ---------------------------------------------------------- */

#define K_NSIG 64
struct k_sigaction {
	uintptr_t handler;   /* 0 SIG_DFL, 1 SIG_IGN, else guest address */
	uint64_t flags;      /* SA_* as Linux */
	uintptr_t restorer;
	uint64_t mask;
};

int sig_action(int sig, const struct k_sigaction *act, struct k_sigaction *old);
/* how: 0 block, 1 unblock, 2 set. */
int sig_procmask(int how, const uint64_t *set, uint64_t *old);
uint64_t sig_pending(void);
/* Send to the process (pid = own pid; -ESRCH otherwise for now) or a thread. */
int sig_kill(int pid, int sig, const struct b_siginfo *info);
int sig_tgkill(int tgid, int tid, int sig, const struct b_siginfo *info);
/* Queue a signal for the calling thread (faults) or the process. */
void sig_queue_thread(struct thread *t, const struct b_siginfo *info);
void sig_queue_process(const struct b_siginfo *info);
/* Note a signal that arrived while bento itself was running (from a host
 * signal handler): lock-free; it is queued at the next signal check. */
void sig_note_async(int sig);
/* Take the next deliverable signal of the calling thread, honouring the
 * mask; returns its number and fills info, or 0 if none. */
int sig_dequeue(uint64_t mask, struct b_siginfo *info);
/* Wait until a signal arrives or timeout passes: returns -EINTR when one
 * is pending, -ETIMEDOUT (or -EAGAIN) otherwise. Used by sleeps. */
int sig_wait_interruptible(const struct b_timespec *timeout);
/* True if a signal not blocked by the thread's mask is pending. */
int sig_has_deliverable(void);
/* The same without taking in what other threads, processes and host
 * signal handlers left for this thread (sig_has_deliverable does that
 * first): true also when anything is left to take in, so that the
 * caller goes on to a full check. Only loads; for the fast path's check
 * after each call. */
int sig_check_quick(void);
uint64_t sig_get_mask(void);
void sig_set_mask(uint64_t mask);
/* Alternate signal stack of the calling thread. */
struct k_stack { uintptr_t sp; int flags; size_t size; };
int sig_altstack(const struct k_stack *ss, struct k_stack *old, uintptr_t cur_sp);
/* Interval timer ITIMER_REAL and alarm: values in microseconds. */
int timer_setitimer(int which, const int64_t newv[4], int64_t oldv[4]);
int timer_getitimer(int which, int64_t cur[4]);

/* ---- System V shared memory (sysvshm.c) ------------------------------ */

int sysv_shmget(int key, size_t size, int flags);
long sysv_shmat(int id, uintptr_t addr, int flags);
int sysv_shmdt(uintptr_t addr);
/* cmd IPC_RMID 0, IPC_SET 1, IPC_STAT 2; kbuf: struct shmid64_ds. */
int sysv_shmctl(int id, int cmd, void *kbuf);

/* ---- Futexes (futex.c) ------------------------------------------------ */

/* futex(2) on guest memory: op and flags as Linux. ts is the timeout
 * (relative for WAIT, absolute for WAIT_BITSET) or NULL; val2 is the
 * fourth argument when it is a number (REQUEUE, WAKE_OP). */
long futex_op(uint32_t *uaddr, int op, uint32_t val, const struct b_timespec *ts, uint32_t *uaddr2,
	      uint32_t val3, uintptr_t val2);
/* Wake one waiter of a guest word (CLONE_CHILD_CLEARTID at thread exit). */
void futex_wake_one(uint32_t *uaddr);

/* ---- Host services the shim needs, through the kernel ----------------- */

/* Fill buf with randomness from the host. */
int random_get(void *buf, size_t n);
/* CPUs the sandbox may use. */
int cpu_count(void);
/* The guest's thread pointer (%fs base) of the calling thread. */
int thread_set_tls(uintptr_t fs_base);
uintptr_t thread_get_tls(void);
/* Run fn(arg) on a new host thread for guest thread t. */
long thread_start(struct thread *t, void (*fn)(void *), void *arg);
/* End the calling host thread (the guest thread has left). */
_Noreturn void thread_leave(void);
/* Continue as guest code with the given registers. */
_Noreturn void guest_enter(const struct cpu_regs *regs);
/* Write raw text to bento's log. */
void klog_raw(const char *buf, size_t n);

/* ---- Time ------------------------------------------------------------- */

int time_get(int clock, struct b_timespec *ts);
int time_res(int clock, struct b_timespec *ts);
/* Sleep relative (flags 0) or until an absolute time (flags 1); -EINTR
 * with the remaining time in *rem when a signal arrives. */
int time_sleep(int clock, int flags, const struct b_timespec *t, struct b_timespec *rem);

/* ---- Logging ---------------------------------------------------------- */

void klog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
