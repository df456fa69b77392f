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
 * on "/", recursive; the host's own mounts are not touched); detached
 * clones made before (confine_clone()) and descriptors opened in the
 * host's namespace keep their mounts' rights. Returns 0, 1 when the
 * kernel has no mount_setattr, or -1 with errno set.
 */
int confine_readonly_root(void);

/*
 * Returns a detached clone of the mount (and the mounts beneath it) that
 * holds fd, a descriptor of host path `host` opened in the host's mount
 * namespace, rooted at the same file or directory: open_tree by path
 * (OPEN_TREE_CLONE | AT_RECURSIVE, close-on-exec, O_PATH), made private,
 * and read-only when readonly. Needs the new mount namespace. A detached
 * clone is in no tree: ".." from its root stays there, so neither a
 * forged openat2 nor readlinkat relative to it reaches past it. Returns
 * the descriptor, or -1 with errno set (ENOSYS: no open_tree or
 * mount_setattr; ESTALE: the path no longer names the file fd was opened
 * on).
 */
int confine_clone(int fd, const char *host, bool readonly);

/*
 * Makes the process's root and working directory an empty, read-only
 * tmpfs of its own (fsopen + fsmount, detached: in no tree), so that no
 * host path resolves any more: what the process reaches after this it
 * reaches through its descriptors only. chroot into the detached mount
 * (fchdir + chroot(".")), not pivot_root: pivot_root wants the new root
 * attached in the namespace's tree and moves every process of the
 * namespace whose root was the old one (the pid namespace's relay too),
 * while chroot needs only CAP_SYS_CHROOT, which the user namespace gives,
 * and bento-sandbox can never call chroot or fchdir (the allow-list), so
 * the classic chroot escapes are out of its reach. Returns 0; 1 when the
 * kernel refuses the tmpfs (no fsopen: nothing changed, errno says why);
 * -1 with errno set when chroot failed.
 */
int confine_empty_root(void);

/*
 * Makes every descriptor above 2 close-on-exec except the n in keep, which
 * lose close-on-exec: the sandbox must inherit exactly stdin, stdout,
 * stderr and its mounts, never a descriptor bento's caller leaked to it.
 * Returns 0, or -1 with errno set.
 */
int confine_fds(const int *keep, size_t n);

#endif
