/*
 * landlock.h — the policy as host-level Landlock rules.
 *
 * The sandbox confines guest paths itself (openat2 beneath each mount's
 * descriptor), but bento's kernel runs in the guest's address space, so a
 * guest that corrupts it must still meet a wall the host kernel enforces:
 * this one (DESIGN.md section 5).
 */
#ifndef BENTO_CLI_LANDLOCK_H
#define BENTO_CLI_LANDLOCK_H

#include <stddef.h>

#include "cli/policy.h"

/* Highest Landlock ABI version the running kernel supports, or 0 if none. */
int landlock_abi(void);

/*
 * Restricts the calling process, and everything it later forks or
 * executes, to the policy p (after policy_open()):
 *  - beneath each read-only mount: read files, list directories;
 *  - beneath each read-write mount: also write, create, remove, rename,
 *    truncate; never execute. A tmpfs is such a mount of its detached
 *    tmpfs or host directory (policy_make_scratch()), granted as a whole;
 *    a tmpfs entry not yet made one gets nothing;
 *  - a hidden path (p->hides) gets nothing, nor does a path where another
 *    entry of the table sits, nor /dev and /proc (the sandbox serves its
 *    own): the mount above it is granted entry by entry instead of as a
 *    whole, skipping those;
 *  - exec_fd (an O_PATH descriptor, or -1 for none) is the only file that
 *    may be executed;
 *  - with --net none (ABI >= 4) no TCP bind or connect at all;
 *  - (ABI >= 6) no signals to processes outside the sandbox, no abstract
 *    unix sockets outside it.
 * Uses every access right of the newest ABI the kernel has. Sets
 * no_new_privs, which restricting requires.
 * Returns the ABI version used (>= 1), 0 when the kernel has no Landlock
 * (nothing was done), or -1 with a one-line reason in err.
 */
int landlock_apply(const struct policy *p, int exec_fd, char *err,
		   size_t errlen);

/*
 * landlock_apply() in three steps, so that one process can add the rules
 * while another makes its namespaces (main.c: the supervisor fills the
 * ruleset while its child unshares, which takes as long):
 *  - landlock_create(): the empty ruleset of ABI abi (>= 1) for p, TCP not
 *    handled; its descriptor (close-on-exec) is shared across a fork.
 *    Returns it, or -1 with the reason in err;
 *  - landlock_add_rules(): p's rules and exec_fd's into ruleset fd;
 *    0, or -1 with err;
 *  - landlock_add_scratch_rules(): the rules of p's tmpfs mounts alone:
 *    the sandbox's process makes them inside its namespaces, after the
 *    supervisor added the rest; 0, or -1 with err;
 *  - landlock_restrict(): no_new_privs, then restricts the caller with fd
 *    and, where landlock_apply() would have handled TCP (--net none
 *    without a private network namespace: p->net_private false, ABI >= 4),
 *    with a second layer that shuts TCP: layers intersect, so the result
 *    is landlock_apply()'s. 0, or -1 with err.
 */
int landlock_create(const struct policy *p, int abi, char *err,
		    size_t errlen);
int landlock_add_rules(int fd, const struct policy *p, int abi, int exec_fd,
		       char *err, size_t errlen);
int landlock_add_scratch_rules(int fd, const struct policy *p, int abi,
			       char *err, size_t errlen);
int landlock_restrict(int fd, const struct policy *p, int abi, char *err,
		      size_t errlen);

#endif
