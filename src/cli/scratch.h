/*
 * scratch.h — what stands behind the guest's tmpfs mounts (/tmp, /dev/shm
 * and each --tmpfs).
 *
 * Every guest process is a host process of its own, so a tmpfs kept in one
 * sandbox process's memory could not be shared; instead each one is a host
 * file system handed to the sandbox as an ordinary read-write mount, whose
 * descriptor every sandbox process inherits. Two kinds (docs/cli.md):
 *
 *  - a detached tmpfs instance (scratch_mount()), made by the sandbox's
 *    process inside its own user and mount namespaces: it is no part of
 *    any directory tree, so nothing of it is on the host's file system, and
 *    the kernel frees it when the last descriptor closes, that is when the
 *    last sandbox process is gone, whatever happened to the front end;
 *
 *  - where that is impossible (no namespaces), a host directory
 *    (scratch_create()): BASE/bento-tmp-PID-START-XXXXXX, mode 0700 so no
 *    other uid can reach inside, holding "fs" (01777 for /tmp-like guest
 *    paths, else 0755), which is what the guest sees. PID and START name
 *    the owner, the supervisor, which removes its directories once the
 *    sandbox is gone (scratch_remove_owned()). A SIGKILLed owner cannot,
 *    so the next bento removes them (scratch_remove_stale()) — but only
 *    when the owner is gone and no process holds "fs" any more: the
 *    sandbox's descriptor of "fs" carries a shared flock(2), which every
 *    sandbox process inherits, so a sandbox that outlived its front end
 *    keeps its /tmp. BASE is /dev/shm when it is a tmpfs, else $TMPDIR,
 *    else /tmp.
 */
#ifndef BENTO_CLI_SCRATCH_H
#define BENTO_CLI_SCRATCH_H

#include <stddef.h>
#include <sys/types.h>

/* Size limit of each detached tmpfs, as tmpfs's "size=" takes it. */
#define SCRATCH_TMPFS_SIZE "25%"

/* The owner's side of the host directories: where, and whose. */
struct scratch_host {
	int base;			/* BASE, O_PATH; -1 when not open */
	int error;			/* why base is -1: an errno */
	char path[4096];		/* BASE's path, for messages */
	pid_t owner;			/* the process that removes them */
	unsigned long long start;	/* and its start time (proc.h) */
};

/*
 * Makes the caller the owner of host directories created under h from now
 * on (also by its forked children) and opens BASE (close-on-exec; open
 * before any namespace is made, so that what is created through it stays
 * on the host's mount, writable). Returns 0, or -1 with err.
 */
int scratch_host_open(struct scratch_host *h, char *err, size_t errlen);

/* Closes BASE. */
void scratch_host_close(struct scratch_host *h);

/*
 * Makes a fresh detached tmpfs for guest path `guest` (mode 01777 for a
 * /tmp-like path, else 0755; owned by the caller's uid; nosuid, nodev;
 * SCRATCH_TMPFS_SIZE at most) and returns its mount descriptor (O_PATH,
 * close-on-exec), or -1 with errno set (ENOSYS: no new mount API; EPERM:
 * not allowed here, e.g. outside a user namespace of one's own).
 */
int scratch_mount(const char *guest);

/*
 * Creates a host directory under h for guest path `guest` and returns a
 * descriptor of its "fs" (O_RDONLY | O_DIRECTORY, close-on-exec, holding
 * a shared flock), or -1 with a one-line reason in err (nothing is left
 * behind then). Sets *dir (malloc'ed) to the path of "fs" for messages.
 */
int scratch_create(const struct scratch_host *h, const char *guest,
		   char **dir, char *err, size_t errlen);

/*
 * Opens the root of clone, a detached clone of a host directory's "fs"
 * (confine_clone()), the way scratch_create() opens "fs" (O_RDONLY |
 * O_DIRECTORY, close-on-exec, holding a shared flock: the lock is on the
 * directory, so it counts whichever mount it is reached through).
 * Returns the descriptor, or -1 with errno set.
 */
int scratch_reopen(int clone);

/*
 * Removes h's owner's directories and everything beneath them, never
 * following a symbolic link (the guest may have planted some) and never
 * leaving the tree: it walks with openat(O_NOFOLLOW)/unlinkat from
 * descriptors, makes directories the guest made unreadable or unwritable
 * its own again (mode 0700), and moves subtrees deeper than a fixed limit
 * up to the top instead of descending further, so no depth exhausts
 * descriptors or stack. Only directories owned by the caller's uid count.
 * Does nothing in a process other than the owner (a forked child must
 * never remove them). Returns 0, or -1 with a one-line reason in err when
 * something stayed.
 */
int scratch_remove_owned(const struct scratch_host *h, char *err,
			 size_t errlen);

/*
 * Removes, the same way, the directories under h of owners that are gone
 * (a bento killed with SIGKILL) unless a process still holds their "fs"
 * (see above). Best effort: what cannot be removed stays, silently (with
 * BENTO_DEBUG, a line).
 */
void scratch_remove_stale(const struct scratch_host *h);

#endif
