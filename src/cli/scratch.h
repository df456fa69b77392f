/*
 * scratch.h — the host directories behind the guest's tmpfs mounts.
 *
 * Every guest process is a host process of its own, so a tmpfs kept in one
 * sandbox process's memory could not be shared; instead each --tmpfs entry
 * (the default /tmp included) is a fresh directory on the host's in-memory
 * /dev/shm, handed to the sandbox as an ordinary read-write mount. The
 * supervisor creates it before confinement and removes it, with whatever
 * the guest left in it, once the sandbox is gone (docs/cli.md).
 *
 * Layout: BASE/bento-tmp-XXXXXX (mkdtemp: mode 0700, so no other uid can
 * reach what is inside) holding one directory "fs" (01777 for /tmp-like
 * guest paths, else 0755), which is what the guest sees. BASE is /dev/shm
 * when it is a tmpfs, else $TMPDIR, else /tmp.
 */
#ifndef BENTO_CLI_SCRATCH_H
#define BENTO_CLI_SCRATCH_H

#include <stddef.h>
#include <sys/types.h>

struct scratch {
	char *top;	/* BASE/bento-tmp-XXXXXX */
	char *dir;	/* TOP/fs, the guest's mount */
	dev_t dev;	/* identity of top, checked before it is removed */
	ino_t ino;
	pid_t owner;	/* the process that made it; only it removes it */
};

/*
 * Creates the scratch directory for a tmpfs at guest path `guest` (which
 * decides the mode of s->dir). Returns 0, or -1 with a one-line reason in
 * err (nothing is left behind then). s->dir is safe to open by path: only
 * its owner can reach inside s->top.
 */
int scratch_create(struct scratch *s, const char *guest, char *err,
		   size_t errlen);

/*
 * Removes s->top and everything beneath it, never following a symbolic
 * link (the guest may have planted some) and never leaving the tree: it
 * walks with openat(O_NOFOLLOW)/unlinkat from descriptors, makes
 * directories the guest made unreadable or unwritable its own again (mode
 * 0700), and moves subtrees deeper than a fixed limit up to the top
 * instead of descending further, so no depth exhausts descriptors or
 * stack. Does nothing in a process other than the one that created it
 * (a forked child must never remove the parent's directory) or when
 * already removed. Frees s's strings either way.
 * Returns 0, or -1 with a one-line reason in err when something stayed.
 */
int scratch_remove(struct scratch *s, char *err, size_t errlen);

#endif
