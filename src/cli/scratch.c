/*
 * scratch.c — creating and removing the host directories behind tmpfs
 * mounts (scratch.h).
 *
 * Removal is the delicate half: by then the guest has had the directory
 * to itself, so it may hold symbolic links pointing anywhere on the host,
 * directories of mode 0, and trees deeper than any path buffer. The walk
 * therefore never builds a path: it goes from descriptor to descriptor
 * with openat(O_NOFOLLOW | O_DIRECTORY) and removes names with unlinkat()
 * in the directory it has open, so a link is only ever unlinked, never
 * followed, and nothing outside the tree is touched.
 */
#include "cli/scratch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

/* The guest's directory inside the 0700 top directory. */
#define SCRATCH_DIR_NAME "fs"

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

/*
 * Where scratch directories go: /dev/shm when it is a tmpfs (memory, and
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

static mode_t mode_for(const char *guest)
{
	for (size_t i = 0; i < sizeof sticky_paths / sizeof *sticky_paths; i++)
		if (strcmp(guest, sticky_paths[i]) == 0)
			return 01777;
	return 0755;
}

int scratch_create(struct scratch *s, const char *guest, char *err,
		   size_t errlen)
{
	const char *base = scratch_base();
	size_t n = strlen(base);
	char *top, *dir;
	struct stat st;

	memset(s, 0, sizeof *s);
	while (n > 1 && base[n - 1] == '/')
		n--;
	top = malloc(n + sizeof "/bento-tmp-XXXXXX");
	dir = malloc(n + sizeof "/bento-tmp-XXXXXX/" SCRATCH_DIR_NAME);
	if (!top || !dir) {
		free(top);
		free(dir);
		return fail(err, errlen, "tmpfs %s: out of memory", guest);
	}
	snprintf(top, n + sizeof "/bento-tmp-XXXXXX", "%.*s/bento-tmp-XXXXXX",
		 (int)n, base);
	if (!mkdtemp(top)) {
		fail(err, errlen, "tmpfs %s: cannot create a directory in %.*s: %s",
		     guest, (int)n, base, strerror(errno));
		free(top);
		free(dir);
		return -1;
	}
	s->top = top;
	s->owner = getpid();
	sprintf(dir, "%s/" SCRATCH_DIR_NAME, top);
	s->dir = dir;
	/*
	 * top is ours and 0700 (whatever the umask), so no other user can
	 * reach, let alone swap, what is inside: paths are safe from here on.
	 * dir's mode is set explicitly too, not left to mkdir and the umask.
	 */
	if (chmod(top, 0700) < 0 || lstat(top, &st) < 0) {
		fail(err, errlen, "tmpfs %s: %s: %s", guest, top, strerror(errno));
		rmdir(top);	/* empty; its identity is unknown, though */
		free(top);
		free(dir);
		memset(s, 0, sizeof *s);
		return -1;
	}
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	if (mkdir(dir, 0700) < 0 || chmod(dir, mode_for(guest)) < 0) {
		char ignored[8];

		fail(err, errlen, "tmpfs %s: %s: %s", guest, dir, strerror(errno));
		scratch_remove(s, ignored, sizeof ignored);
		return -1;
	}
	return 0;
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

/* Splits path into its directory (opened) and last component. */
static int open_parent(const char *path, const char **base)
{
	char parent[4096];
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (!slash || n >= sizeof parent) {
		errno = EINVAL;
		return -1;
	}
	memcpy(parent, path, n);
	parent[n ? n : 1] = '\0';
	if (n == 0)
		parent[0] = '/';
	*base = slash + 1;
	return open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int scratch_remove(struct scratch *s, char *err, size_t errlen)
{
	struct remover rm = { .top = -1 };
	const char *base;
	struct stat st;
	int parent, rc = 0;

	if (!s->top || s->owner != getpid())
		goto out;
	parent = open_parent(s->top, &base);
	if (parent < 0) {
		rc = fail(err, errlen, "cannot remove %s: %s", s->top,
			  strerror(errno));
		goto out;
	}
	/* The name must still be the directory we made, not a stand-in. */
	if (fstatat(parent, base, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISDIR(st.st_mode) || st.st_dev != s->dev || st.st_ino != s->ino) {
		if (errno != ENOENT)
			rc = fail(err, errlen, "cannot remove %s: it was replaced",
				  s->top);
		close(parent);
		goto out;
	}
	rm.top = open_dir(parent, base);
	if (rm.top < 0 || fstat(rm.top, &st) < 0 ||
	    st.st_dev != s->dev || st.st_ino != s->ino) {
		rc = fail(err, errlen, "cannot remove %s: %s", s->top,
			  rm.top < 0 ? strerror(errno) : "it was replaced");
		if (rm.top >= 0)
			close(rm.top);
		close(parent);
		goto out;
	}
	for (int pass = 0; pass < REMOVE_MAX_PASSES; pass++) {
		int fd = openat(rm.top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		rm.again = false;
		if (fd < 0) {
			note(&rm, s->top);
			break;
		}
		empty_dir(&rm, fd, 1);
		if (!rm.again || rm.error)
			break;
	}
	close(rm.top);
	if (unlinkat(parent, base, AT_REMOVEDIR) < 0)
		note(&rm, s->top);
	close(parent);
	if (rm.error)
		rc = fail(err, errlen, "cannot remove all of %s (%s: %s)", s->top,
			  rm.what, strerror(rm.error));
out:
	free(s->top);
	free(s->dir);
	s->top = s->dir = NULL;
	return rc;
}
