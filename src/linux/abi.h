/* abi.h — the Linux x86-64 structures a guest passes to system calls,
 * each declared once with its size checked against the ABI. */
#ifndef LINUX_ABI_H
#define LINUX_ABI_H
#include <stdint.h>
#include <stddef.h>

struct l_timespec { int64_t tv_sec, tv_nsec; };
struct l_timeval { int64_t tv_sec, tv_usec; };
struct l_iovec { void *base; size_t len; };

struct l_stat {
	uint64_t st_dev, st_ino, st_nlink;
	uint32_t st_mode, st_uid, st_gid, pad0;
	uint64_t st_rdev;
	int64_t st_size, st_blksize, st_blocks;
	struct l_timespec st_atim, st_mtim, st_ctim;
	int64_t reserved[3];
};

struct l_statx_ts { int64_t tv_sec; uint32_t tv_nsec; int32_t reserved; };
struct l_statx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, pad1;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct l_statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t spare[14];
};

struct l_statfs {
	int64_t f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen, f_frsize, f_flags, f_spare[4];
};

struct l_sigaction {
	uintptr_t handler;
	uint64_t flags;
	uintptr_t restorer;
	uint64_t mask;
};

struct l_stack { uintptr_t ss_sp; int32_t ss_flags; int32_t pad; uint64_t ss_size; };

struct l_siginfo {
	int32_t si_signo, si_errno, si_code, pad;
	union {
		struct { int32_t pid; uint32_t uid; } kill;
		struct { int32_t pid; uint32_t uid; int32_t status; int32_t pad; int64_t utime, stime; } chld;
		struct { uintptr_t addr; uint16_t addr_lsb; } fault;
		struct { int32_t tid, overrun; uint64_t value; } timer;
		char bytes[112];
	} u;
};

struct l_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uintptr_t fpstate;
	uint64_t reserved1[8];
};

struct l_ucontext {
	uint64_t uc_flags;
	uintptr_t uc_link;
	struct l_stack uc_stack;
	struct l_sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};

struct l_rt_sigframe {
	uintptr_t pretcode;
	struct l_ucontext uc;
	struct l_siginfo info;
};

struct l_utsname { char f[6][65]; };

struct l_sysinfo {
	int64_t uptime;
	uint64_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t pad2;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char f[4];
};

struct l_rusage {
	struct l_timeval ru_utime, ru_stime;
	int64_t rest[14];
};

struct l_open_how { uint64_t flags, mode, resolve; };

struct l_flock { int16_t l_type, l_whence; int32_t pad; int64_t l_start, l_len; int32_t l_pid, pad2; };

struct l_winsize { uint16_t row, col, xpixel, ypixel; };

/* Packed on x86-64 only: 12 bytes, data at offset 4. */
struct l_epoll_event { uint32_t events; uint64_t data; } __attribute__((packed));

struct l_signalfd_siginfo {
	uint32_t ssi_signo;
	int32_t ssi_errno, ssi_code;
	uint32_t ssi_pid, ssi_uid;
	int32_t ssi_fd;
	uint32_t ssi_tid, ssi_band, ssi_overrun, ssi_trapno;
	int32_t ssi_status, ssi_int;
	uint64_t ssi_ptr, ssi_utime, ssi_stime, ssi_addr;
	uint16_t ssi_addr_lsb, pad2;
	int32_t ssi_syscall;
	uint64_t ssi_call_addr;
	uint32_t ssi_arch;
	uint8_t pad[28];
};

struct l_itimerspec { struct l_timespec it_interval, it_value; };

_Static_assert(sizeof(struct l_stat) == 144, "struct stat");
_Static_assert(sizeof(struct l_statx) == 256, "struct statx");
_Static_assert(sizeof(struct l_statfs) == 120, "struct statfs");
_Static_assert(sizeof(struct l_sigaction) == 32, "struct sigaction");
_Static_assert(sizeof(struct l_stack) == 24, "stack_t");
_Static_assert(sizeof(struct l_siginfo) == 128, "siginfo_t");
_Static_assert(sizeof(struct l_sigcontext) == 256, "struct sigcontext");
_Static_assert(offsetof(struct l_ucontext, uc_mcontext) == 40, "ucontext");
_Static_assert(sizeof(struct l_ucontext) == 304, "ucontext");
_Static_assert(sizeof(struct l_utsname) == 390, "utsname");
_Static_assert(sizeof(struct l_sysinfo) == 112, "sysinfo");
_Static_assert(sizeof(struct l_rusage) == 144, "rusage");
_Static_assert(sizeof(struct l_flock) == 32, "flock");
_Static_assert(sizeof(struct l_epoll_event) == 12, "struct epoll_event");
_Static_assert(sizeof(struct l_signalfd_siginfo) == 128, "struct signalfd_siginfo");
_Static_assert(sizeof(struct l_itimerspec) == 32, "struct itimerspec");
#endif
