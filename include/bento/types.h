/*
 * types.h — plain data types shared by the kernel API (north.h) and the
 * platform interface (platform.h). Host-neutral: no host header is needed
 * to use them.
 */
#ifndef BENTO_TYPES_H
#define BENTO_TYPES_H

#include <stdint.h>
#include <stddef.h>

struct b_timespec {
	int64_t sec;
	int64_t nsec;
};

/* File status as the kernel keeps it; the Linux shim converts it to the
 * guest's struct stat / statx. */
struct b_stat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	struct b_timespec atime, mtime, ctime;
};

struct b_statfs {
	int64_t type, bsize, blocks, bfree, bavail, files, ffree, namelen, frsize, flags;
};

struct b_pollfd {
	int fd;
	short events, revents;
};

/* A signal's details as the kernel queues it (host-neutral; the Linux
 * shim turns it into the guest's siginfo). */
struct b_siginfo {
	int signo, code, errnum;
	int pid, uid;
	int status;         /* SIGCHLD: exit status or signal */
	uintptr_t addr;     /* faults: the address; timers: the value */
	int trapno;
};

#endif
