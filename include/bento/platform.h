/*
 * platform.h — the South interface: every host operation the library OS may
 * perform. The kernel (src/kernel) reaches the outside world only through
 * these functions; a new host means a new src/platform/NAME/ implementing
 * them, nothing else.
 *
 * Each function is host attack surface. Its comment says what it may do on
 * the host and what it must refuse. All return 0 or a non-negative value on
 * success and a negative errno (Linux numbering, see errno.h) on failure.
 * None may abort on bad input.
 */
#ifndef BENTO_PLATFORM_H
#define BENTO_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <bento/types.h>

/* The guest's general registers, in the order of Linux x86-64 mcontext
 * gregs, as captured when it entered bento. fpstate points at the saved
 * FPU/SSE/AVX state (an XSAVE area with Linux's fpstate layout) or is NULL;
 * fpstate_size is its size in bytes. */
struct cpu_regs {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	void *fpstate;
	uint32_t fpstate_size;
};

/* ---- Memory ---------------------------------------------------------- */

/* Map len bytes. fd is a host handle from plat_file_* or -1 for anonymous
 * memory. PLAT_MAP_FIXED replaces whatever was at addr; the kernel checks
 * that addr does not overlap bento's own memory before asking. Returns the
 * address, or -errno. May not map executable memory for bento itself. */
long plat_mem_map(uintptr_t addr, size_t len, int prot, int flags, int fd, uint64_t off);
/* Unmap [addr, addr+len). */
int plat_mem_unmap(uintptr_t addr, size_t len);
/* Change protection of [addr, addr+len). */
int plat_mem_protect(uintptr_t addr, size_t len, int prot);
/* Resize/move a mapping as mremap(2) does; returns the new address. */
long plat_mem_remap(uintptr_t old, size_t old_len, size_t new_len, int flags, uintptr_t new_addr);
/* Advice (MADV_* numbering) and msync on guest memory. */
int plat_mem_advise(uintptr_t addr, size_t len, int advice);
int plat_mem_sync(uintptr_t addr, size_t len, int flags);
/* Copy n bytes between addresses that may be invalid guest memory: a fault
 * returns -EFAULT instead of crashing. Never touches memory outside the
 * two ranges. */
int plat_copy(void *dst, const void *src, size_t n);
/* Copy a NUL-terminated string of at most max bytes (including NUL);
 * returns its length, -EFAULT, or -ENAMETOOLONG. */
long plat_copy_str(char *dst, const char *src, size_t max);
/* Atomic compare-and-exchange / operation on a guest 32-bit word that may
 * fault: returns the old value in *old, 0 or -EFAULT. */
int plat_atomic_cmpxchg32(uint32_t *addr, uint32_t expect, uint32_t desired, uint32_t *old);

/* ---- Threads and waiting ----------------------------------------------- */

/* Start a host thread in this process running fn(arg) on a fresh bento
 * stack, with bento's per-thread state (gs) set to tls. Returns the host
 * thread id. It may create threads only, never processes. */
long plat_thread_spawn(void (*fn)(void *), void *arg, void *tls);
/* End the calling host thread; stack freeing is the caller's business. */
_Noreturn void plat_thread_exit(void);
/* End the whole sandbox process with status (0..255). */
_Noreturn void plat_exit(int status);
/* Wait while *word == val, at most timeout (relative, NULL = forever).
 * Returns 0 when woken, -EAGAIN if *word != val, -ETIMEDOUT, -EINTR when a
 * host signal arrived. Only private futexes on this process's memory. */
int plat_wait(uint32_t *word, uint32_t val, const struct b_timespec *timeout);
/* Wake up to n waiters on word; returns how many woke. */
int plat_wake(uint32_t *word, int n);
/* The same on a word in memory shared between the sandbox's processes
 * (a non-private futex). */
int plat_wait_shared(uint32_t *word, uint32_t val, const struct b_timespec *timeout);
int plat_wake_shared(uint32_t *word, int n);
/* A guest futex operation (Linux FUTEX_* numbering, private ops only) on
 * guest memory: wait, wake, requeue, wake-op, bitset variants. The host
 * refuses shared futexes; a bad address gives -EFAULT. */
long plat_futex(uint32_t *uaddr, int op, uint32_t val, const struct b_timespec *timeout,
		uint32_t *uaddr2, uint32_t val3);
/* Interrupt host thread tid of this process (its blocking host call fails
 * with -EINTR). Only threads of the own process. */
int plat_thread_kick(long tid);
/* The kernel's per-thread pointer given to plat_thread_spawn (or
 * plat_set_self for the first thread). Cheap: no host call. */
void *plat_self(void);
void plat_set_self(void *kernel_thread);
/* The calling thread's guest-visible process and thread ids (the
 * kernel's numbering). The platform may answer getpid and gettid from
 * them without entering the kernel, so the kernel calls this whenever
 * either changes for the calling thread: its start, a fork's child, an
 * exec by a thread other than the first (which takes the pid as tid).
 * Only records the two numbers. */
void plat_set_ids(int pid, int tid);
/* Start executing guest code with the given registers on the calling
 * thread (used by new threads and after exec); never returns. */
_Noreturn void plat_enter_guest(const struct cpu_regs *regs);
/* Host thread id of the caller. */
long plat_thread_id(void);
/* Set the guest's thread pointer (x86-64 %fs base) of the calling thread. */
int plat_set_tls(uintptr_t fs_base);
uintptr_t plat_get_tls(void);

/* ---- Processes of the sandbox ------------------------------------------ */

/* Host process id of the calling process. */
long plat_process_id(void);
/* Duplicate the calling process (only the calling thread) as a new host
 * process: copy-on-write memory, shared MAP_SHARED regions and inherited
 * host handles. Returns the child's host pid in the parent, 0 in the
 * child. May create processes only this way, never exec a host program. */
long plat_process_fork(void);
/* Make a process of this sandbox look at its pending signals (kick), or
 * end it at once (kill != 0). The host confines the target to the
 * sandbox (pid namespace, Landlock signal scope). */
int plat_process_signal(long host_pid, int kill);
/* Collect one ended child host process without blocking: returns its
 * host pid and its wait status, 0 when none ended, or -ECHILD. */
long plat_process_reap(int *wstatus);

/* ---- Time and randomness --------------------------------------------- */

/* Clock ids as in Linux (0 realtime, 1 monotonic, ...). */
int plat_clock_get(int clock, struct b_timespec *ts);
int plat_clock_res(int clock, struct b_timespec *ts);
/* Fill buf with n bytes of cryptographic randomness from the host. */
int plat_random(void *buf, size_t n);

/* ---- Host files (only beneath granted directories) ------------------- */

/* Open path relative to dir (a handle from the policy's mounts, or one
 * returned here) without ever leaving dir: no "..", no absolute paths, no
 * symlinks or magic links followed (openat2 RESOLVE_BENEATH|NO_SYMLINKS|
 * NO_MAGICLINKS). -ELOOP means a symlink was met; the VFS resolves it.
 * flags use Linux O_* numbering. Returns a host handle. */
int plat_file_open(int dir, const char *path, int flags, int mode);
int plat_file_close(int fd);
long plat_file_read(int fd, void *buf, size_t n);
long plat_file_write(int fd, const void *buf, size_t n);
long plat_file_pread(int fd, void *buf, size_t n, int64_t off);
long plat_file_pwrite(int fd, const void *buf, size_t n, int64_t off);
long plat_file_seek(int fd, int64_t off, int whence);
/* Status of an open handle, or of path beneath dir without following a
 * final symlink (path may be "" for dir itself). */
int plat_file_stat(int fd, const char *path, struct b_stat *st);
int plat_file_statfs(int fd, struct b_statfs *st);
/* Linux getdents64 records of directory handle fd. */
long plat_file_getdents(int fd, void *buf, size_t n);
long plat_file_readlink(int dir, const char *path, char *buf, size_t n);
/* Namespace changes beneath dir; the caller has checked the mount is rw.
 * op is one of PLAT_FS_* below. */
int plat_file_change(int op, int dir, const char *path, int dir2, const char *path2, int mode);
int plat_file_truncate(int fd, int64_t len);
/* fallocate(2) on a host file bento holds; the host checks the mode and
 * that fd is open for writing. */
int plat_file_allocate(int fd, int mode, int64_t off, int64_t len);
int plat_file_sync(int fd);
/* Set the timestamps (ts[0] atime, ts[1] mtime; UTIME_NOW/OMIT as Linux)
 * or the mode of an open handle. */
int plat_file_set_times(int fd, const struct b_timespec ts[2]);
int plat_file_chmod(int fd, int mode);
/* Times of the entry name of directory dir itself — a symbolic link, or a
 * file bento cannot open — or -EOPNOTSUPP where the host cannot do that
 * safely (docs/security.md: the sealed empty path). */
int plat_file_set_times_at(int dir, const char *name, const struct b_timespec ts[2]);
/* Terminal and queue ioctls on an inherited host handle: only TCGETS,
 * TCSETS*, TIOCGWINSZ, TIOCSWINSZ, FIONREAD, TIOCGPGRP, TIOCSPGRP. */
int plat_file_ioctl(int fd, unsigned long req, void *arg);
/* Advisory locks on a host handle: fcntl record locks (F_GETLK 5,
 * F_SETLK 6, F_SETLKW 7, F_OFD_GETLK 36, F_OFD_SETLK 37, F_OFD_SETLKW 38;
 * fl in Linux struct flock layout) and flock(2). */
int plat_file_lock(int fd, int cmd, void *fl);
int plat_file_flock(int fd, int op);
/* Set O_APPEND / O_NONBLOCK (F_SETFL) on a host handle. */
int plat_file_set_flags(int fd, int flags);
/* Wait for readiness of host handles (poll(2) events). */
int plat_file_poll(struct b_pollfd *fds, int n, const struct b_timespec *timeout);
/* Anonymous in-memory file (memfd) backing tmpfs files. */
int plat_memfd(const char *name);

/* ---- Sockets (host sockets; the host confines them) ------------------- */

/* Linux's struct iovec and struct msghdr. The msghdr and its iov array
 * are bento memory; iov bases, name and control may be guest memory,
 * which the host checks. */
struct plat_iovec { void *base; size_t len; };
struct plat_msghdr {
	void *name;
	uint32_t namelen;
	struct plat_iovec *iov;
	size_t iovlen;
	void *control;
	size_t controllen;
	int flags;
};

/* An inet socket: domain AF_INET (2) or AF_INET6 (10), only when the
 * sandbox has a network (--net loopback|host; the gate checks the domain
 * too); type SOCK_STREAM or SOCK_DGRAM (no raw or packet sockets);
 * protocol 0, 1 (ICMP echo), 6 (TCP), 17 (UDP) or 58 (ICMPv6 echo).
 * Anything else is refused (-EAFNOSUPPORT, -EPERM, -ESOCKTNOSUPPORT,
 * -EPROTONOSUPPORT). Never AF_UNIX: an unconnected host AF_UNIX socket
 * could connect to any host socket by its path (Landlock before ABI 9
 * does not check those). The handle is non-blocking on the host: the
 * kernel does its own waiting. */
int plat_socket(int domain, int type, int protocol);
/* A connected pair of AF_UNIX sockets, SOCK_STREAM or SOCK_SEQPACKET only
 * (protocol 0): these can never reach another socket by name — connect
 * says EISCONN and a send's address is refused or ignored — unlike a
 * datagram pair. Non-blocking on the host. */
int plat_socketpair(int domain, int type, int protocol, int sv[2]);
/* bind (PLAT_SOCK_BIND) or connect (PLAT_SOCK_CONNECT) fd to the inet or
 * AF_UNSPEC sockaddr addr (bento memory, 2..128 bytes); AF_UNIX
 * addresses are refused (-EINVAL). */
int plat_sock_addr(int op, int fd, const void *addr, uint32_t len);
/* accept4 on fd: a new non-blocking handle, the peer's address in addr
 * (bento memory, *len bytes; *len becomes its full length); -EAGAIN when
 * nobody is waiting. */
int plat_sock_accept(int fd, void *addr, uint32_t *len);
/* sendmsg (PLAT_SOCK_SEND) or recvmsg (PLAT_SOCK_RECV) on fd with Linux
 * MSG_* flags. A send's address must not be AF_UNIX (-EINVAL). The host
 * never raises SIGPIPE (MSG_NOSIGNAL is added) and received descriptors
 * are close-on-exec; SCM_RIGHTS data is passed as given (the kernel puts
 * only host handles it holds there). */
long plat_sock_msg(int op, int fd, struct plat_msghdr *msg, int flags);
/* The rest, on fd: PLAT_SOCK_LISTEN (a = backlog), PLAT_SOCK_SHUTDOWN
 * (a = how), PLAT_SOCK_GETOPT / PLAT_SOCK_SETOPT (level a, option b, value
 * val of *len bytes; val and len may be guest memory; attaching BPF
 * filters, SO_BINDTODEVICE and TCP_ULP are refused with -EPERM),
 * PLAT_SOCK_NAME / PLAT_SOCK_PEER (own or peer address into val, *len as
 * for accept). */
long plat_sock_ctl(int op, int fd, int a, int b, void *val, uint32_t *len);

enum plat_sock_op {
	PLAT_SOCK_BIND, PLAT_SOCK_CONNECT, PLAT_SOCK_SEND, PLAT_SOCK_RECV,
	PLAT_SOCK_LISTEN, PLAT_SOCK_SHUTDOWN, PLAT_SOCK_GETOPT, PLAT_SOCK_SETOPT,
	PLAT_SOCK_NAME, PLAT_SOCK_PEER,
};

/* Number of CPUs the host lets this process use. */
int plat_cpu_count(void);

/* ---- Diagnostics ------------------------------------------------------ */

/* Write a diagnostic line to bento's own log (host stderr at start-up). */
void plat_log(const char *buf, size_t n);

#define PLAT_MAP_SHARED    0x01
#define PLAT_MAP_PRIVATE   0x02
#define PLAT_MAP_FIXED     0x10
#define PLAT_MAP_ANONYMOUS 0x20
#define PLAT_MAP_NORESERVE 0x4000
#define PLAT_MAP_FIXED_NOREPLACE 0x100000

enum plat_fs_op {
	PLAT_FS_MKDIR, PLAT_FS_UNLINK, PLAT_FS_RMDIR, PLAT_FS_RENAME,
	PLAT_FS_SYMLINK, PLAT_FS_LINK, PLAT_FS_CHMOD_PATH,
	PLAT_FS_MKSOCK, /* the file of a bound AF_UNIX socket (mknodat S_IFSOCK) */
	PLAT_FS_MKFIFO, /* a named pipe (mknodat S_IFIFO); opened, it is the host's */
};

#endif
