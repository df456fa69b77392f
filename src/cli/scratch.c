/*
 * scratch.c — the detached tmpfs instances and the host directories behind
 * the guest's tmpfs mounts (scratch.h).
 *
 * Removing a host directory is the delicate part: by then the guest has
 * had it to itself, so it may hold symbolic links pointing anywhere on the
 * host, directories of mode 0, and trees deeper than any path buffer. The
 * walk therefore never builds a path: it goes from descriptor to
 * descriptor with openat(O_NOFOLLOW | O_DIRECTORY) and removes names with
 * unlinkat() in the directory it has open, so a link is only ever
 * unlinked, never followed, and nothing outside the tree is touched.
 */
#include "cli/scratch.h"

#include "cli/cli.h"
#include "cli/proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

/* The guest's directory inside the 0700 top directory. */
#define SCRATCH_DIR_NAME "fs"

/* Host directories are named PREFIX PID "-" START "-" and this many
 * random characters. */
#define SCRATCH_PREFIX "bento-tmp-"
#define SCRATCH_RANDOM 6

/* Levels the removal descends before it moves a subtree up to the top. */
#define REMOVE_MAX_DEPTH 64

/*
 * Passes over the top directory before the removal gives up: each pass
 * shortens every too-deep chain by REMOVE_MAX_DEPTH - 1 levels, so only a
 * tree still growing (a guest process that would not die) gets this far.
 */
#define REMOVE_MAX_PASSES 100000

/* Guest paths that get a world-writable, sticky directory, like a /tmp. */
static const char *const sticky_paths[] = { "/tmp", "/var/tmp", "/dev/shm" };

/* Formats a reason into err and returns -1. */
static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static bool is_sticky(const char *guest)
{
	for (size_t i = 0; i < sizeof sticky_paths / sizeof *sticky_paths; i++)
		if (strcmp(guest, sticky_paths[i]) == 0)
			return true;
	return false;
}

/* ---- detached tmpfs --------------------------------------------------- */

/* fsconfig(FSCONFIG_SET_STRING): 0 or -1 with errno. */
static int set_option(int fs, const char *key, const char *value)
{
	return (int)syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, key, value, 0);
}

int scratch_mount(const char *guest)
{
	int fs, mnt = -1, saved;

	fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -1;
	/* No uid=/gid=: the root belongs to whoever makes it, the guest's
	 * own uid inside its user namespace. */
	if (set_option(fs, "size", SCRATCH_TMPFS_SIZE) == 0 &&
	    set_option(fs, "mode", is_sticky(guest) ? "1777" : "755") == 0 &&
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
		mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
				   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	saved = errno;
	close(fs);
	errno = saved;
	return mnt;
}

/* ---- host directories ------------------------------------------------- */

/*
 * Where host directories go: /dev/shm when it is a tmpfs (memory, and
 * typically roomy), otherwise $TMPDIR (when absolute), otherwise /tmp.
 */
static const char *scratch_base(void)
{
	const char *tmpdir = getenv("TMPDIR");
	struct statfs sf;

	if (statfs("/dev/shm", &sf) == 0 && sf.f_type == TMPFS_MAGIC)
		return "/dev/shm";
	if (tmpdir && tmpdir[0] == '/')
		return tmpdir;
	return "/tmp";
}

int scratch_host_open(struct scratch_host *h, char *err, size_t errlen)
{
	const char *base = scratch_base();
	size_t n = strlen(base);

	while (n > 1 && base[n - 1] == '/')
		n--;
	h->base = -1;
	h->error = ENAMETOOLONG;
	h->owner = getpid();
	h->start = proc_start_time(h->owner);
	if (n >= sizeof h->path)
		return fail(err, errlen, "scratch directory base too long: %s",
			    base);
	memcpy(h->path, base, n);
	h->path[n] = '\0';
	h->base = open(h->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	h->error = h->base < 0 ? errno : 0;
	if (h->base < 0)
		return fail(err, errlen, "cannot open %s: %s", h->path,
			    strerror(errno));
	return 0;
}

void scratch_host_close(struct scratch_host *h)
{
	if (h->base >= 0)
		close(h->base);
	h->base = -1;
}

/*
 * Parses a host directory's name: true, with its owner, when name is
 * "bento-tmp-PID-START-XXXXXX".
 */
static bool parse_name(const char *name, pid_t *pid,
		       unsigned long long *start)
{
	const char *p = name + strlen(SCRATCH_PREFIX);
	char *end;
	long v;

	if (strncmp(name, SCRATCH_PREFIX, strlen(SCRATCH_PREFIX)) != 0 ||
	    *p < '0' || *p > '9')
		return false;
	v = strtol(p, &end, 10);
	if (*end != '-' || v <= 0 || end[1] < '0' || end[1] > '9')
		return false;
	*pid = (pid_t)v;
	*start = strtoull(end + 1, &end, 10);
	return *end == '-' && strlen(end + 1) == SCRATCH_RANDOM;
}

/* Creates BASE/bento-tmp-PID-START-XXXXXX, mode 0700; its name in name. */
static int make_top(const struct scratch_host *h, char *name, size_t size)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char rnd[SCRATCH_RANDOM];

	for (int tries = 0; tries < 100; tries++) {
		int n = snprintf(name, size, SCRATCH_PREFIX "%d-%llu-",
				 (int)h->owner, h->start);

		if (n < 0 || (size_t)n + SCRATCH_RANDOM >= size ||
		    getrandom(rnd, sizeof rnd, 0) != sizeof rnd)
			return -1;
		for (int i = 0; i < SCRATCH_RANDOM; i++)
			name[n + i] = chars[rnd[i] % (sizeof chars - 1)];
		name[n + SCRATCH_RANDOM] = '\0';
		if (mkdirat(h->base, name, 0700) < 0) {
			if (errno == EEXIST)
				continue;
			return -1;
		}
		/* 0700 whatever the umask: no other uid may reach inside. */
		if (fchmodat(h->base, name, 0700, 0) == 0)
			return 0;
		unlinkat(h->base, name, AT_REMOVEDIR);
		return -1;
	}
	errno = EEXIST;
	return -1;
}

static int remove_top(const struct scratch_host *h, const char *name,
		      char *err, size_t errlen);

/*
 * Makes "fs" in top with guest's mode (set explicitly: not left to mkdir
 * and the umask) and opens it, locked shared. Returns the descriptor or -1.
 */
static int make_fs(int top, const char *guest)
{
	int fd;

	if (mkdirat(top, SCRATCH_DIR_NAME, 0700) < 0 ||
	    fchmodat(top, SCRATCH_DIR_NAME, is_sticky(guest) ? 01777 : 0755, 0) < 0)
		return -1;
	fd = openat(top, SCRATCH_DIR_NAME,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int scratch_reopen(int clone)
{
	int fd = openat(clone, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), saved;

	if (fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int scratch_create(const struct scratch_host *h, const char *guest,
		   char **dir, char *err, size_t errlen)
{
	char name[128], ignored[8];
	int top, fd = -1;

	*dir = NULL;
	if (h->base < 0)
		return fail(err, errlen, "tmpfs %s: cannot open %s: %s",
			    guest, h->path, strerror(h->error));
	if (make_top(h, name, sizeof name) < 0)
		return fail(err, errlen, "tmpfs %s: cannot create a directory in %s: %s",
			    guest, h->path, strerror(errno));
	top = openat(h->base, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (top >= 0)
		fd = make_fs(top, guest);
	if (fd < 0) {
		fail(err, errlen, "tmpfs %s: %s/%s: %s", guest, h->path, name,
		     strerror(errno));
		if (top >= 0)
			close(top);
		remove_top(h, name, ignored, sizeof ignored);
		return -1;
	}
	close(top);
	if (asprintf(dir, "%s/%s/" SCRATCH_DIR_NAME, h->path, name) < 0)
		*dir = NULL;
	return fd;
}

/* A removal under way. */
struct remover {
	int top;		/* the top directory, open for reading */
	unsigned long moved;	/* subtrees moved up so far (for their names) */
	bool again;		/* a subtree was moved up: the top needs another pass */
	int error;		/* first errno of something that stayed, or 0 */
	char what[128];		/* and which name it was */
};

static void note(struct remover *rm, const char *name)
{
	if (rm->error || errno == ENOENT)
		return;
	rm->error = errno;
	snprintf(rm->what, sizeof rm->what, "%.100s", name);
}

/*
 * Opens directory `name` of dirfd for listing, never through a symlink,
 * and makes it 0700 so that its entries can be removed. A directory the
 * guest made unreadable (mode 0) is made ours again first, through an
 * O_PATH descriptor (fchmod refuses those; /proc/self/fd does not).
 */
static int open_dir(int dirfd, const char *name)
{
	int fd = openat(dirfd, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == EACCES) {
		int pfd = openat(dirfd, name,
				 O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		char proc[64];

		if (pfd < 0)
			return -1;
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", pfd);
		if (chmod(proc, 0700) == 0)
			fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		else
			errno = EACCES;
		close(pfd);
	}
	if (fd >= 0)
		fchmod(fd, 0700);	/* may fail as root on others' files: fine */
	return fd;
}

static void empty_dir(struct remover *rm, int fd, int depth);

/*
 * Moves directory `name` of dirfd up into the top directory under a fresh
 * name, to be emptied by the next pass from a shallow depth.
 */
static void move_up(struct remover *rm, int dirfd, const char *name)
{
	char fresh[64];

	for (int tries = 0; tries < 1000; tries++) {
		snprintf(fresh, sizeof fresh, ".bento-deep-%lu", rm->moved++);
		/* An empty directory there is replaced: it was going anyway. */
		if (renameat(dirfd, name, rm->top, fresh) == 0) {
			rm->again = true;
			return;
		}
		if (errno != EEXIST && errno != ENOTEMPTY && errno != ENOTDIR &&
		    errno != EISDIR)
			break;
	}
	note(rm, name);
}

/* Removes entry `name` of directory dirfd, and what is beneath it. */
static void remove_entry(struct remover *rm, int dirfd, const char *name,
			 int depth)
{
	struct stat st;
	int fd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		note(rm, name);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		/* Files, symlinks, fifos, sockets: the name goes, nothing else. */
		if (unlinkat(dirfd, name, 0) < 0)
			note(rm, name);
		return;
	}
	fd = open_dir(dirfd, name);
	if (fd >= 0 && depth >= REMOVE_MAX_DEPTH) {
		/* open_dir made it 0700: moving a directory needs its w bit. */
		close(fd);
		move_up(rm, dirfd, name);
		return;
	}
	if (fd < 0) {
		/* Replaced by a non-directory since the fstatat: unlink that. */
		if ((errno == ELOOP || errno == ENOTDIR) &&
		    unlinkat(dirfd, name, 0) == 0)
			return;
		note(rm, name);
		return;
	}
	empty_dir(rm, fd, depth + 1);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0)
		note(rm, name);
}

/* Removes every entry of directory fd (which it closes). */
static void empty_dir(struct remover *rm, int fd, int depth)
{
	DIR *dir = fdopendir(fd);
	struct dirent *d;

	if (!dir) {
		note(rm, ".");
		close(fd);
		return;
	}
	while ((errno = 0, d = readdir(dir))) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		remove_entry(rm, dirfd(dir), d->d_name, depth);
	}
	if (errno)
		note(rm, ".");
	closedir(dir);
}

/*
 * Opens top directory `name` of base for the removal, when it is a
 * directory of our uid (not a stand-in: checked through the descriptor).
 * Returns the descriptor, 0 when it is gone already, or -1 with errno set.
 */
static int open_top(int base, const char *name)
{
	struct stat st, got;
	int fd;

	if (fstatat(base, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
		errno = EPERM;
		return -1;
	}
	fd = open_dir(base, name);
	if (fd >= 0 && (fstat(fd, &got) < 0 || got.st_dev != st.st_dev ||
			got.st_ino != st.st_ino)) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

/*
 * Removes top directory `name` of h's BASE and what is beneath it, when
 * it is a directory of our uid. Returns 0, or -1 with err.
 */
static int remove_top(const struct scratch_host *h, const char *name,
		      char *err, size_t errlen)
{
	struct remover rm = { .top = open_top(h->base, name) };

	if (rm.top <= 0)
		return rm.top == 0 ? 0 : fail(err, errlen, "cannot remove %s/%s: %s",
					      h->path, name, strerror(errno));
	for (int pass = 0; pass < REMOVE_MAX_PASSES; pass++) {
		int fd = openat(rm.top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		rm.again = false;
		if (fd < 0) {
			note(&rm, name);
			break;
		}
		empty_dir(&rm, fd, 1);
		if (!rm.again || rm.error)
			break;
	}
	close(rm.top);
	if (unlinkat(h->base, name, AT_REMOVEDIR) < 0)
		note(&rm, name);
	if (rm.error)
		return fail(err, errlen, "cannot remove all of %s/%s (%s: %s)",
			    h->path, name, rm.what, strerror(rm.error));
	return 0;
}

/* Opens BASE for listing. */
static DIR *list_base(const struct scratch_host *h)
{
	int fd = h->base < 0 ? -1 :
		 openat(h->base, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);

	if (fd >= 0 && !dir)
		close(fd);
	return dir;
}

int scratch_remove_owned(const struct scratch_host *h, char *err,
			 size_t errlen)
{
	unsigned long long start;
	struct dirent *d;
	char why[512];
	int rc = 0;
	pid_t pid;
	DIR *dir;

	if (h->base < 0 || h->owner != getpid() || !(dir = list_base(h)))
		return 0;
	while ((d = readdir(dir))) {
		if (!parse_name(d->d_name, &pid, &start) || pid != h->owner ||
		    start != h->start ||
		    remove_top(h, d->d_name, why, sizeof why) == 0)
			continue;
		if (rc == 0)
			snprintf(err, errlen, "%s", why);
		rc = -1;
	}
	closedir(dir);
	return rc;
}

/*
 * True when the host directory `name` is removable by another bento: its
 * "fs" is not held by any process (the sandbox's descriptor carries a
 * shared lock). Then *lock holds our exclusive lock, to keep another
 * sweeper off while we remove it; close it afterwards.
 */
static bool unheld(int base, const char *name, int *lock)
{
	int top = openat(base, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	*lock = -1;
	if (top < 0)
		return false;
	if (fstat(top, &st) < 0 || st.st_uid != geteuid()) {
		close(top);
		return false;
	}
	*lock = openat(top, SCRATCH_DIR_NAME,
		       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	close(top);
	if (*lock < 0)
		/* No "fs" (made and died before it): nobody can hold it.
		 * Unreadable (the guest's chmod): cannot tell, so keep it. */
		return errno == ENOENT;
	if (flock(*lock, LOCK_EX | LOCK_NB) == 0)
		return true;
	close(*lock);
	*lock = -1;
	return false;
}

void scratch_remove_stale(const struct scratch_host *h)
{
	unsigned long long start;
	struct dirent *d;
	char why[512];
	int lock;
	pid_t pid;
	DIR *dir = list_base(h);

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (!parse_name(d->d_name, &pid, &start) ||
		    (pid == h->owner && start == h->start) ||
		    proc_start_time(pid) == start ||
		    !unheld(h->base, d->d_name, &lock))
			continue;
		cli_debug("removing %s/%s, left by a bento that is gone",
			  h->path, d->d_name);
		if (remove_top(h, d->d_name, why, sizeof why) < 0)
			cli_debug("%s", why);
		if (lock >= 0)
			close(lock);
	}
	closedir(dir);
}
