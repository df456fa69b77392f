/*
 * landlock.c — building and applying the Landlock ruleset.
 *
 * Landlock rules are hierarchical: a right granted on a directory holds for
 * everything beneath it, and there is no "deny" rule. So a hidden path
 * inside a mount (/etc/shadow inside /etc) is hidden by not granting the
 * mount as a whole: its entries are granted one by one, the hidden one
 * skipped, descending only into the directories that lead to a hidden path.
 * The same goes for a path where another entry of the mount table sits
 * (the /tmp tmpfs inside --root DIR), and for /dev and /proc, which the
 * sandbox serves itself: the guest sees those, so the mount's own files
 * there are not granted.
 */
#include "cli/landlock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Newer than the UAPI header of Debian 12; values are the kernel's ABI. */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)		/* ABI 2 */
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)	/* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)	/* ABI 5 */
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)	/* ABI 4 */
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)	/* ABI 6 */
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif

/* struct landlock_ruleset_attr as of ABI 6 (the header's has one field). */
struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

#define FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)

/*
 * Writing, without EXECUTE (nothing but bento-sandbox runs), MAKE_CHAR and
 * MAKE_BLOCK (device nodes are no business of a guest's) and IOCTL_DEV.
 */
#define FS_WRITE (LANDLOCK_ACCESS_FS_WRITE_FILE |			\
		  LANDLOCK_ACCESS_FS_REMOVE_DIR |			\
		  LANDLOCK_ACCESS_FS_REMOVE_FILE |			\
		  LANDLOCK_ACCESS_FS_MAKE_DIR |				\
		  LANDLOCK_ACCESS_FS_MAKE_REG |				\
		  LANDLOCK_ACCESS_FS_MAKE_SOCK |			\
		  LANDLOCK_ACCESS_FS_MAKE_FIFO |			\
		  LANDLOCK_ACCESS_FS_MAKE_SYM |				\
		  LANDLOCK_ACCESS_FS_REFER |				\
		  LANDLOCK_ACCESS_FS_TRUNCATE)

/* The rights that mean something on a non-directory (others: EINVAL). */
#define FS_FILE (LANDLOCK_ACCESS_FS_EXECUTE |				\
		 LANDLOCK_ACCESS_FS_WRITE_FILE |			\
		 LANDLOCK_ACCESS_FS_READ_FILE |				\
		 LANDLOCK_ACCESS_FS_TRUNCATE |				\
		 LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* A ruleset being built. */
struct ruleset {
	int fd;
	uint64_t handled_fs;
	const struct policy *p;
	char *err;
	size_t errlen;
};

/* Formats the failure reason into rs->err and returns -1. */
static int fail(struct ruleset *rs, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(struct ruleset *rs, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rs->err, rs->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int landlock_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0,
			 LANDLOCK_CREATE_RULESET_VERSION);

	return v < 0 ? 0 : (int)v;
}

/* Every file-system right that ABI version abi knows. */
static uint64_t fs_rights_of_abi(int abi)
{
	uint64_t r = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;	/* ABI 1 */

	if (abi >= 2)
		r |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		r |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return r;
}

/* add_rule() for a descriptor whose file type is known already. */
static int add_rule_mode(struct ruleset *rs, int fd, mode_t mode,
			 uint64_t rights, const char *what)
{
	struct landlock_path_beneath_attr attr = { 0 };

	if (!S_ISDIR(mode))
		rights &= FS_FILE;
	rights &= rs->handled_fs;
	if (!rights)
		return 0;
	attr.allowed_access = rights;
	attr.parent_fd = fd;
	if (syscall(SYS_landlock_add_rule, rs->fd, LANDLOCK_RULE_PATH_BENEATH,
		    &attr, 0) < 0)
		return fail(rs, "landlock: rule for %s: %s", what,
			    strerror(errno));
	return 0;
}

/* Grants rights beneath the file or directory fd (an O_PATH is fine). */
static int add_rule(struct ruleset *rs, int fd, uint64_t rights,
		    const char *what)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return fail(rs, "landlock: stat %s: %s", what, strerror(errno));
	return add_rule_mode(rs, fd, st.st_mode, rights, what);
}

/* True when guest path `path` is one of the hidden paths. */
static bool is_hidden(const struct policy *p, const char *path)
{
	for (size_t i = 0; i < p->hides.n; i++)
		if (strcmp(p->hides.v[i], path) == 0)
			return true;
	return false;
}

/*
 * Guest paths bento-sandbox serves itself (docs/cli.md): a mount's own
 * files there are never seen by the guest, and with --root / they would be
 * the host's devices and processes.
 */
static const char *const sandbox_paths[] = { "/dev", "/proc" };

/* True when another entry of the table, or the sandbox, sits at path. */
static bool is_covered(const struct policy *p, const char *path)
{
	for (size_t i = 0; i < p->n_entries; i++)
		if (strcmp(p->entries[i].guest, path) == 0)
			return true;
	for (size_t i = 0; i < sizeof sandbox_paths / sizeof *sandbox_paths; i++)
		if (strcmp(sandbox_paths[i], path) == 0)
			return true;
	return false;
}

/*
 * True when what a mount has at guest path `path` must get no rights: the
 * path is hidden, or covered by another entry of the table (with
 * --mount X:/etc/shadow the guest sees X, so the host's /etc/shadow is not
 * granted through the /etc mount) or by the sandbox's own /dev and /proc.
 */
static bool is_skipped(const struct policy *p, const char *path)
{
	return is_hidden(p, path) || is_covered(p, path);
}

/* True when path is strictly beneath dir. */
static bool strictly_within(const char *path, const char *dir)
{
	return strcmp(path, dir) != 0 && policy_path_within(path, dir);
}

/* True when a skipped path (see is_skipped) lies strictly beneath dir. */
static bool skips_beneath(const struct policy *p, const char *dir)
{
	for (size_t i = 0; i < p->hides.n; i++)
		if (strictly_within(p->hides.v[i], dir))
			return true;
	for (size_t i = 0; i < p->n_entries; i++)
		if (strictly_within(p->entries[i].guest, dir))
			return true;
	for (size_t i = 0; i < sizeof sandbox_paths / sizeof *sandbox_paths; i++)
		if (strictly_within(sandbox_paths[i], dir))
			return true;
	return false;
}

static int grant_except(struct ruleset *rs, int dirfd, const char *guest,
			uint64_t rights);

/*
 * Grants the entry `name` of the directory dirfd (guest path `guest`,
 * d_type `type` as listed): fully, or entry by entry when a skipped path
 * lies beneath it.
 */
static int grant_entry(struct ruleset *rs, int dirfd, const char *name,
		       unsigned char type, const char *guest, uint64_t rights)
{
	struct stat st;
	int fd, rc;

	if (is_skipped(rs->p, guest))
		return 0;
	/* A symlink gets nothing (below): listed as one, it is not even
	 * opened. Should it have been replaced since, what is there now
	 * gets nothing either, which is the safe side. */
	if (type == DT_LNK)
		return 0;
	fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : fail(rs, "landlock: open %s: %s",
						   guest, strerror(errno));
	if (fstat(fd, &st) < 0) {
		close(fd);
		return fail(rs, "landlock: stat %s: %s", guest, strerror(errno));
	}
	/*
	 * A symlink needs no right: the sandbox reads it with readlinkat,
	 * which Landlock does not check, and resolves it itself.
	 */
	if (S_ISLNK(st.st_mode))
		rc = 0;
	else if (S_ISDIR(st.st_mode) && skips_beneath(rs->p, guest))
		rc = grant_except(rs, fd, guest, rights);
	else
		rc = add_rule_mode(rs, fd, st.st_mode, rights, guest);
	close(fd);
	return rc;
}

/*
 * Grants the directory dirfd (guest path `guest`) entry by entry, skipping
 * hidden and covered ones. The directory itself gets READ_DIR only, so that it can be
 * listed: that right is inherited by everything beneath, so a hidden
 * directory's names stay listable (its files do not open), and write rights
 * here would let a hidden file be removed or replaced, so there are none.
 */
static int grant_except(struct ruleset *rs, int dirfd, const char *guest,
			uint64_t rights)
{
	char path[POLICY_PATH_MAX];
	struct dirent *d;
	int rc = 0, fd;
	DIR *dir;

	if (add_rule(rs, dirfd, LANDLOCK_ACCESS_FS_READ_DIR, guest) < 0)
		return -1;
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return fail(rs, "landlock: list %s: %s", guest, strerror(errno));
	}
	while (rc == 0 && (d = readdir(dir))) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof path, "%s/%s",
			     strcmp(guest, "/") == 0 ? "" : guest,
			     d->d_name) >= (int)sizeof path)
			continue;	/* no guest can name it either */
		rc = grant_entry(rs, dirfd, d->d_name, d->d_type, path, rights);
	}
	closedir(dir);
	return rc;
}

/* Grants one mount entry of the policy. */
static int grant_mount(struct ruleset *rs, const struct entry *e)
{
	uint64_t rights = e->rw ? FS_READ | FS_WRITE : FS_READ;

	if (e->fd < 0)
		return fail(rs, "landlock: %s is not open", e->guest);
	if (is_hidden(rs->p, e->guest))
		return 0;
	/*
	 * A tmpfs's file system is new and empty: nothing of the host's
	 * lies beneath it to skip, and granting it entry by entry would leave
	 * it unwritable (a /tmp with a mount or a hide beneath it).
	 */
	if (e->scratch)
		return add_rule(rs, e->fd, rights, e->guest);
	if (e->is_dir && skips_beneath(rs->p, e->guest))
		return grant_except(rs, e->fd, e->guest, rights);
	return add_rule(rs, e->fd, rights, e->guest);
}

/* True when TCP must be shut: --net none without a private network
 * namespace (in one, TCP reaches only its own loopback). */
static bool deny_tcp(const struct policy *p, int abi)
{
	return abi >= 4 && p->net == NET_NONE && !p->net_private;
}

/*
 * Creates the ruleset: what it handles is denied unless a rule grants it.
 * With handle_tcp, TCP bind and connect too, with no port rule: no TCP.
 */
static int create_ruleset(struct ruleset *rs, int abi, bool handle_tcp)
{
	struct ruleset_attr attr = { 0 };

	attr.handled_access_fs = rs->handled_fs = fs_rights_of_abi(abi);
	if (handle_tcp)
		attr.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP |
					  LANDLOCK_ACCESS_NET_CONNECT_TCP;
	if (abi >= 6)
		attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
			      LANDLOCK_SCOPE_SIGNAL;
	/* The kernel takes a larger struct as long as the tail is zero. */
	rs->fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
	if (rs->fd < 0)
		return fail(rs, "landlock: create ruleset (ABI %d): %s", abi,
			    strerror(errno));
	return 0;
}

/* Adds every rule of the policy, and the one executable. */
static int add_policy_rules(struct ruleset *rs, int exec_fd)
{
	for (size_t i = 0; i < rs->p->n_entries; i++)
		if (rs->p->entries[i].kind == ENTRY_MOUNT &&
		    grant_mount(rs, &rs->p->entries[i]) < 0)
			return -1;
	/* execve opens the binary for reading too. */
	if (exec_fd >= 0 &&
	    add_rule(rs, exec_fd, LANDLOCK_ACCESS_FS_EXECUTE |
		     LANDLOCK_ACCESS_FS_READ_FILE, "bento-sandbox") < 0)
		return -1;
	return 0;
}

/* Sets no_new_privs and restricts the caller with the ruleset rs->fd. */
static int restrict_self(struct ruleset *rs)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(rs, "no_new_privs: %s", strerror(errno));
	if (syscall(SYS_landlock_restrict_self, rs->fd, 0) < 0)
		return fail(rs, "landlock: restrict: %s", strerror(errno));
	return 0;
}

int landlock_apply(const struct policy *p, int exec_fd, char *err,
		   size_t errlen)
{
	struct ruleset rs = { .fd = -1, .p = p, .err = err, .errlen = errlen };
	int abi = landlock_abi();

	if (abi <= 0)
		return 0;
	if (create_ruleset(&rs, abi, deny_tcp(p, abi)) < 0)
		return -1;
	if (add_policy_rules(&rs, exec_fd) < 0 || restrict_self(&rs) < 0) {
		close(rs.fd);
		return -1;
	}
	close(rs.fd);
	return abi;
}

int landlock_create(const struct policy *p, int abi, char *err,
		    size_t errlen)
{
	struct ruleset rs = { .fd = -1, .p = p, .err = err, .errlen = errlen };

	if (create_ruleset(&rs, abi, false) < 0)
		return -1;
	return rs.fd;
}

int landlock_add_rules(int fd, const struct policy *p, int abi, int exec_fd,
		       char *err, size_t errlen)
{
	struct ruleset rs = { .fd = fd, .handled_fs = fs_rights_of_abi(abi),
			      .p = p, .err = err, .errlen = errlen };

	return add_policy_rules(&rs, exec_fd);
}

int landlock_add_scratch_rules(int fd, const struct policy *p, int abi,
			       char *err, size_t errlen)
{
	struct ruleset rs = { .fd = fd, .handled_fs = fs_rights_of_abi(abi),
			      .p = p, .err = err, .errlen = errlen };

	for (size_t i = 0; i < p->n_entries; i++)
		if (p->entries[i].kind == ENTRY_MOUNT && p->entries[i].scratch &&
		    grant_mount(&rs, &p->entries[i]) < 0)
			return -1;
	return 0;
}

int landlock_restrict(int fd, const struct policy *p, int abi, char *err,
		      size_t errlen)
{
	struct ruleset rs = { .fd = fd, .p = p, .err = err, .errlen = errlen };
	struct ruleset_attr tcp = {
		.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP |
				      LANDLOCK_ACCESS_NET_CONNECT_TCP,
	};

	if (restrict_self(&rs) < 0)
		return -1;
	if (!deny_tcp(p, abi))
		return 0;
	/*
	 * A second layer that handles TCP alone, with no port rule. Layers
	 * intersect, so the two are the one ruleset landlock_apply() makes.
	 */
	rs.fd = (int)syscall(SYS_landlock_create_ruleset, &tcp, sizeof tcp, 0);
	if (rs.fd < 0)
		return fail(&rs, "landlock: create TCP ruleset: %s",
			    strerror(errno));
	if (restrict_self(&rs) < 0) {
		close(rs.fd);
		return -1;
	}
	close(rs.fd);
	return 0;
}
