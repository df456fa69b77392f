/*
 * confine.c — namespaces, rlimits, no_new_privs, descriptor hygiene.
 */
#include "cli/confine.h"

#include "cli/cli.h"
#include "cli/supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* The namespaces entered one by one after the user namespace. */
static const struct {
	int clone_flag;
	int bit;
} plain_namespaces[] = {
	{ CLONE_NEWNS, CONFINE_MNT },
	{ CLONE_NEWIPC, CONFINE_IPC },
	{ CLONE_NEWUTS, CONFINE_UTS },
	{ CLONE_NEWNET, CONFINE_NET },
};

/*
 * Makes the process die with its parent, so that a sandbox never outlives
 * the supervisor. parent > 0 closes the race where the parent died before
 * the prctl: then we are an orphan already and end here.
 */
static void die_with_parent(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (parent > 0 && getppid() != parent)
		_exit(BENTO_EXIT_INTERNAL);
}

/* Writes text to a /proc file. Returns 0 or -1 with errno set. */
static int write_file(const char *path, const char *text)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/*
 * Enters a new user namespace with our uid and gid mapped to themselves.
 * It lets an unprivileged user create the other namespaces. Returns 1 when
 * entered, 0 when the host refuses, -1 when entered but not mapped.
 */
static int enter_user_namespace(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];

	if (unshare(CLONE_NEWUSER) < 0)
		return 0;
	/* An unprivileged gid_map needs setgroups denied (absent before 3.19). */
	if (write_file("/proc/self/setgroups", "deny") < 0 && errno != ENOENT)
		return -1;
	snprintf(map, sizeof map, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	if (write_file("/proc/self/uid_map", map) < 0)
		return -1;
	snprintf(map, sizeof map, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	if (write_file("/proc/self/gid_map", map) < 0)
		return -1;
	return 1;
}

/* Brings up lo in a new net namespace, where it starts down. */
static bool loopback_up(void)
{
	struct ifreq ifr;
	bool ok = false;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return false;
	memset(&ifr, 0, sizeof ifr);
	memcpy(ifr.ifr_name, "lo", 3);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		ok = ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
	}
	close(s);
	return ok;
}

/*
 * Unshares the pid namespace and forks its first process. Only that child
 * returns (true); the parent relays signals to it and exits with its
 * status. Returns false when the host refuses the namespace.
 */
static bool enter_pid_namespace(void)
{
	pid_t pid;

	if (unshare(CLONE_NEWPID) < 0)
		return false;
	pid = supervisor_fork();
	if (pid < 0) {
		fprintf(stderr, "bento: fork: %s\n", strerror(errno));
		_exit(BENTO_EXIT_INTERNAL);
	}
	if (pid > 0)
		_exit(supervisor_wait(pid, 0, false));
	/* Our parent is outside the namespace: getppid() says 0. */
	die_with_parent(0);
	return true;
}

int confine_namespaces(pid_t parent, bool private_net, bool wanted)
{
	int created = 0;

	die_with_parent(parent);
	if (!wanted)
		return 0;
	/* Root can create the others without one (and keeps its own uids). */
	if (geteuid() != 0) {
		int rc = enter_user_namespace();
		if (rc < 0) {
			fprintf(stderr, "bento: user namespace map: %s\n",
				strerror(errno));
			return -1;
		}
		if (rc > 0) {
			created |= CONFINE_USER;
			/* A credential change may clear the death signal. */
			die_with_parent(parent);
		}
	}
	for (size_t i = 0; i < sizeof plain_namespaces / sizeof *plain_namespaces; i++) {
		if (plain_namespaces[i].clone_flag == CLONE_NEWNET && !private_net)
			continue;
		if (unshare(plain_namespaces[i].clone_flag) == 0)
			created |= plain_namespaces[i].bit;
	}
	if ((created & CONFINE_NET) && loopback_up())
		created |= CONFINE_LOOPBACK;
	if (enter_pid_namespace())
		created |= CONFINE_PID;
	return created;
}

void confine_report(int created, bool private_net)
{
	static const struct {
		int bit;
		const char *name;
	} names[] = {
		{ CONFINE_USER, "user" }, { CONFINE_MNT, "mount" },
		{ CONFINE_IPC, "ipc" }, { CONFINE_UTS, "uts" },
		{ CONFINE_NET, "net" }, { CONFINE_PID, "pid" },
	};
	char list[128] = "";

	if (!cli_debugging())
		return;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		if (created & names[i].bit)
			continue;
		if (names[i].bit == CONFINE_USER && geteuid() == 0)
			continue;	/* not wanted, so not skipped */
		if (names[i].bit == CONFINE_NET && !private_net)
			continue;
		strcat(list, " ");
		strcat(list, names[i].name);
	}
	cli_debug("skipped namespaces:%s", *list ? list : " none");
	if ((created & CONFINE_NET) && !(created & CONFINE_LOOPBACK))
		cli_debug("could not bring up lo in the new net namespace");
}

int confine_process(void)
{
	const struct rlimit no_core = { 0, 0 };

	/* A core dump would write guest memory, and bento's, to the host. */
	if (setrlimit(RLIMIT_CORE, &no_core) < 0)
		return -1;
	/* No set-uid gain ever; Landlock also requires it. */
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

int confine_readonly_root(void)
{
	/* Private too: no mount made in here ever reaches the host's tree,
	 * even where the host's / is shared (systemd). */
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY,
				   .propagation = MS_PRIVATE };

	if (syscall(SYS_mount_setattr, AT_FDCWD, "/", AT_RECURSIVE, &attr,
		    sizeof attr) == 0)
		return 0;
	return errno == ENOSYS ? 1 : -1;
}

int confine_clone(int fd, const char *host, bool readonly)
{
	/* Private: a clone of a shared mount would otherwise be its peer. */
	struct mount_attr attr = { .attr_set = readonly ? MOUNT_ATTR_RDONLY : 0,
				   .propagation = MS_PRIVATE };
	struct stat want, got;
	int saved, clone;

	/*
	 * open_tree() clones only mounts of our own namespace, and fd was
	 * opened in the host's: reopen by path, then check it is the same.
	 * Recursive: the mounts beneath come along (and a mount with locked
	 * children cannot be cloned alone).
	 */
	clone = (int)syscall(SYS_open_tree, AT_FDCWD, host,
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (clone < 0)
		return -1;
	if (syscall(SYS_mount_setattr, clone, "", AT_EMPTY_PATH | AT_RECURSIVE,
		    &attr, sizeof attr) < 0)
		goto fail;
	if (fstat(fd, &want) < 0 || fstat(clone, &got) < 0)
		goto fail;
	if (want.st_dev != got.st_dev || want.st_ino != got.st_ino) {
		errno = ESTALE;
		goto fail;
	}
	return clone;
fail:
	saved = errno;
	close(clone);
	errno = saved;
	return -1;
}

int confine_empty_root(void)
{
	int fs, mnt, saved;

	fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return 1;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "0555", 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "nr_inodes", "1", 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		saved = errno;
		close(fs);
		errno = saved;
		return 1;
	}
	mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
			   MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
			   MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	saved = errno;
	close(fs);
	if (mnt < 0) {
		errno = saved;
		return 1;
	}
	/* chroot, not pivot_root: see confine.h. */
	if (fchdir(mnt) < 0 || chroot(".") < 0 || chdir("/") < 0) {
		saved = errno;
		close(mnt);
		errno = saved;
		return -1;
	}
	close(mnt);
	return 0;
}

int confine_fds(const int *keep, size_t n)
{
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		/* Kernels before 5.11: walk the table. */
		long max = sysconf(_SC_OPEN_MAX);
		if (max < 0 || max > 65536)
			max = 65536;
		for (int fd = 3; fd < max; fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	for (size_t i = 0; i < n; i++)
		if (fcntl(keep[i], F_SETFD, 0) < 0)
			return -1;
	return 0;
}
