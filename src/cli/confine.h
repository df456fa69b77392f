/*
 * confine.h — namespaces, rlimits, no_new_privs, descriptors: the
 * confinement the sandbox's process gets before bento-sandbox is executed
 * (DESIGN.md section 5). Landlock is in landlock.h.
 */
#ifndef BENTO_CLI_CONFINE_H
#define BENTO_CLI_CONFINE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The namespaces confine_namespaces() can create, as a bit set. */
enum {
	CONFINE_USER = 1 << 0,
	CONFINE_MNT = 1 << 1,
	CONFINE_IPC = 1 << 2,
	CONFINE_UTS = 1 << 3,
	CONFINE_NET = 1 << 4,
	CONFINE_PID = 1 << 5,
	CONFINE_LOOPBACK = 1 << 6,	/* the new net namespace's lo is up */
};

/*
 * Moves the calling process, a fresh child of the supervisor (whose pid is
 * parent), into new namespaces: user (unless root; the same uid and gid
 * inside), mount, ipc, uts, net when private_net (with its loopback
 * brought up), and pid. Each one the host refuses is skipped. Makes the
 * process die with SIGKILL when its parent dies.
 * A pid namespace holds only the children of whoever unshares it, so this
 * forks once more: the parent stays behind as a relay for signals and
 * status and never returns; the child returns as pid 1 of the new
 * namespace, also set to die with its parent.
 * With wanted false, creates none (only the death signal): the path taken
 * where the host refuses them all, for debugging and tests.
 * Returns the CONFINE_* bits of what was created, or -1 with a message on
 * stderr when something failed half-way (a user namespace without a map).
 */
int confine_namespaces(pid_t parent, bool private_net, bool wanted);

/* Writes "skipped namespaces: ..." on stderr when BENTO_DEBUG is set. */
void confine_report(int created, bool private_net);

/*
 * The rest of the process confinement: no core dumps (RLIMIT_CORE 0) and
 * no_new_privs. Returns 0, or -1 with errno set.
 */
int confine_process(void);

/*
 * Landlock does not check chmod or utimes: without more, a hostile guest
 * could change the mode or times of any host file it can name (its uid
 * owns, or any as root), and of a read-only mount's files. So in the new
 * mount namespace every mount is made read-only and private (mount_setattr
 * on "/", recursive; the host's own mounts are not touched); descriptors opened
 * before, in the host's namespace (the rw mounts'), keep their mounts'
 * rights. Returns 0, 1 when the kernel has no mount_setattr, or -1 with
 * errno set.
 */
int confine_readonly_root(void);

/*
 * Replaces fd, an O_PATH descriptor of host path `host` (a read-only
 * mount of the policy, opened in the host's namespace), by the same file
 * or tree in a detached, read-only clone of its mount (open_tree +
 * mount_setattr MOUNT_ATTR_RDONLY, at the same descriptor number). Needs
 * the new mount namespace. Returns 0, 1 when the kernel has no
 * mount_setattr (fd is left as it was), or -1 with errno set (ESTALE: the
 * path no longer names the file the descriptor was opened on).
 */
int confine_readonly(int fd, const char *host);

/*
 * Makes every descriptor above 2 close-on-exec except the n in keep, which
 * lose close-on-exec: the sandbox must inherit exactly stdin, stdout,
 * stderr and its mounts, never a descriptor bento's caller leaked to it.
 * Returns 0, or -1 with errno set.
 */
int confine_fds(const int *keep, size_t n);

#endif
