/*
 * landlock_probe.c — applies the front end's Landlock policy to itself,
 * natively (no sandbox), then checks with raw system calls what the host
 * kernel lets through. Prints "ok NAME" or "not ok NAME: DETAIL" a line,
 * and "skip NAME: WHY"; exits 1 if any check failed, 2 if it could not
 * start.
 *
 * usage: landlock_probe RW RO RWH [cover] [tmpfs]
 *   The default policy (system directories, secrets hidden), plus
 *   --mount RW:/rw:rw, --mount RO:/ro:ro, --mount RWH:/rwh:rw and the
 *   hidden guest paths /ro/secret/key, /ro/secretdir and /rwh/locked/hidden.
 *   With "cover", also --mount RO/plain:/etc/shadow (which un-hides the
 *   guest's /etc/shadow: the host's must stay shut all the same),
 *   --mount RW:/ro/covered (the host's RO/covered must get no rights) and
 *   --mount RWH/work:/tmp/ro (a mount beneath the /tmp tmpfs must not
 *   make it unwritable).
 *   The /tmp tmpfs gets its file system as bento makes it, in a child
 *   that runs the checks: without "tmpfs", a host directory (bento's way
 *   without namespaces), which the parent, unconfined, removes afterwards
 *   the way bento does, checking that it is gone; with "tmpfs", the child
 *   first enters a user (unless root) and mount namespace of its own and
 *   gets a detached tmpfs, reached through /proc/self/fd.
 *   run.sh creates: RO/plain, RO/secret/{key,other}, RO/secretdir/file,
 *   RO/covered/file, RWH/locked/{hidden,other}, RWH/work/.
 */
#include "cli/landlock.h"
#include "cli/policy.h"
#include "cli/scratch.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int failures;
static const char *rw, *ro, *rwh;
static bool cover, tmpfs;

static void report(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void report(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("ok %s\n", name);
		return;
	}
	failures++;
	printf("not ok %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* "DIR/rel" in a static buffer (one at a time). */
static const char *at(const char *dir, const char *rel)
{
	static char buf[4][4096];
	static int next;
	char *b = buf[next++ % 4];

	snprintf(b, sizeof buf[0], "%s/%s", dir, rel);
	return b;
}

/* open(2) with flags; returns 0 on success, else errno. */
static int try_open(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static void expect_denied(const char *name, const char *path, int flags)
{
	int e = try_open(path, flags);

	report(e == EACCES, name, "open %s: %s (want EACCES)", path,
	       e ? strerror(e) : "opened");
}

static void expect_allowed(const char *name, const char *path, int flags)
{
	int e = try_open(path, flags);

	report(e == 0, name, "open %s: %s", path, strerror(e));
}

/* The hidden secrets of the default policy, those the host has. */
static void check_secrets(void)
{
	static const char *const secrets[] = {
		"/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-",
	};
	struct dirent *d;
	DIR *dir;

	for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++) {
		char name[64];
		snprintf(name, sizeof name, "hidden%s", secrets[i]);
		if (access(secrets[i], F_OK) == 0 || errno == EACCES)
			expect_denied(name, secrets[i], O_RDONLY);
		else
			printf("skip %s: not on this host\n", name);
	}
	dir = opendir("/etc/ssl/private");
	if (!dir) {
		printf("skip hidden/etc/ssl/private: %s\n", strerror(errno));
		return;
	}
	/* Names stay listable (see landlock.c); contents must not open. */
	int files = 0;
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.') {
			expect_denied("hidden/etc/ssl/private/*",
				      at("/etc/ssl/private", d->d_name), O_RDONLY);
			files++;
		}
	closedir(dir);
	if (!files)
		printf("skip hidden/etc/ssl/private/*: empty on this host\n");
}

/* What the default policy shows, and what it does not. */
static void check_system(void)
{
	expect_allowed("etc-passwd", "/etc/passwd", O_RDONLY);
	expect_allowed("etc-listable", "/etc", O_RDONLY | O_DIRECTORY);
	expect_allowed("etc-ssl-sibling", "/etc/ssl/certs",
		       O_RDONLY | O_DIRECTORY);
	expect_allowed("usr-read", "/usr/bin/true", O_RDONLY);
	expect_denied("etc-readonly", "/etc/passwd", O_WRONLY);
	expect_denied("root-dir", "/root", O_RDONLY | O_DIRECTORY);
	expect_denied("host-tmp", "/tmp", O_RDONLY | O_DIRECTORY);
	if (access("/home", F_OK) == 0)
		expect_denied("home-dir", "/home", O_RDONLY | O_DIRECTORY);
	if (access("/var", F_OK) == 0)
		expect_denied("var-dir", "/var", O_RDONLY | O_DIRECTORY);
}

/* Nothing may be executed: not even /bin/true, which is readable. */
static void check_exec(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		char *argv[] = { "true", NULL };
		execve("/bin/true", argv, environ);
		_exit(errno == EACCES ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	report(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exec-denied",
	       "execve /bin/true did not fail with EACCES (status %#x)", status);
}

static void check_rw(void)
{
	int e;

	expect_allowed("rw-create", at(rw, "new"), O_WRONLY | O_CREAT);
	report(mkdir(at(rw, "dir"), 0755) == 0, "rw-mkdir", "%s", strerror(errno));
	e = rename(at(rw, "new"), at(rw, "dir/moved")) == 0 ? 0 : errno;
	report(e == 0, "rw-rename", "%s", strerror(e));
	report(unlink(at(rw, "dir/moved")) == 0, "rw-unlink", "%s",
	       strerror(errno));
	report(rmdir(at(rw, "dir")) == 0, "rw-rmdir", "%s", strerror(errno));
	expect_denied("ro-create", at(ro, "new"), O_WRONLY | O_CREAT);
	expect_denied("ro-write", at(ro, "plain"), O_WRONLY);
	expect_allowed("ro-read", at(ro, "plain"), O_RDONLY);
	e = unlink(at(ro, "plain")) == 0 ? 0 : errno;
	report(e == EACCES, "ro-unlink", "%s", e ? strerror(e) : "removed");
}

/* Hidden paths inside the test's own mounts, read-only and read-write. */
static void check_hidden(void)
{
	int e;

	expect_denied("hide-file", at(ro, "secret/key"), O_RDONLY);
	expect_allowed("hide-sibling", at(ro, "secret/other"), O_RDONLY);
	expect_denied("hide-dir-content", at(ro, "secretdir/file"), O_RDONLY);
	expect_allowed("hide-top-sibling", at(ro, "plain"), O_RDONLY);
	expect_denied("rw-hide-read", at(rwh, "locked/hidden"), O_RDONLY);
	e = unlink(at(rwh, "locked/hidden")) == 0 ? 0 : errno;
	report(e == EACCES, "rw-hide-unlink", "%s", e ? strerror(e) : "removed");
	e = rename(at(rwh, "locked/other"), at(rwh, "locked/hidden")) == 0 ?
	    0 : errno;
	report(e == EACCES, "rw-hide-replace", "%s", e ? strerror(e) : "renamed");
	expect_allowed("rw-hide-sibling-write", at(rwh, "locked/other"), O_WRONLY);
	expect_allowed("rw-hide-other-dir", at(rwh, "work/new"),
		       O_WRONLY | O_CREAT);
	if (cover) {
		expect_denied("covered-dir", at(ro, "covered/file"), O_RDONLY);
		expect_denied("covered-etc-shadow", "/etc/shadow", O_RDONLY);
	} else {
		expect_allowed("uncovered-dir", at(ro, "covered/file"), O_RDONLY);
	}
}

/* The /tmp tmpfs (entry e): read-write, never executable. */
static void check_tmpfs(const struct entry *e)
{
	char tmp[4096], top[4096];
	struct stat st = { 0 };
	struct statfs sf = { 0 };
	int fd, err, status;
	pid_t pid;

	if (tmpfs)	/* a detached mount: no path but through its fd */
		snprintf(tmp, sizeof tmp, "/proc/self/fd/%d", e->fd);
	else
		snprintf(tmp, sizeof tmp, "%s", e->host);
	report(stat(tmp, &st) == 0 && (st.st_mode & 07777) == 01777,
	       "tmp-mode-1777", "%s: mode %o", tmp, (unsigned)st.st_mode);
	expect_allowed("tmp-create", at(tmp, "new"), O_WRONLY | O_CREAT);
	report(mkdir(at(tmp, "dir"), 0755) == 0, "tmp-mkdir", "%s",
	       strerror(errno));
	err = rename(at(tmp, "new"), at(tmp, "dir/moved")) == 0 ? 0 : errno;
	report(err == 0, "tmp-rename", "%s", strerror(err));
	report(symlink("/etc/passwd", at(tmp, "link")) == 0, "tmp-symlink",
	       "%s", strerror(errno));
	report(unlink(at(tmp, "dir/moved")) == 0, "tmp-unlink", "%s",
	       strerror(errno));
	/* Junk, so that an allowed exec would fail with ENOEXEC instead. */
	fd = open(at(tmp, "prog"), O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
	if (fd < 0 || write(fd, "\0\0\0\0", 4) != 4) {
		report(false, "tmp-exec-denied", "cannot write %s: %s",
		       at(tmp, "prog"), strerror(errno));
	} else {
		close(fd);
		pid = fork();
		if (pid == 0) {
			char *argv[] = { "prog", NULL };
			execve(at(tmp, "prog"), argv, environ);
			_exit(errno == EACCES ? 0 : 1);
		}
		waitpid(pid, &status, 0);
		report(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		       "tmp-exec-denied", "execve of a file in %s did not fail "
		       "with EACCES (status %#x)", tmp, status);
	}
	if (tmpfs) {
		report(fstatfs(e->fd, &sf) == 0 && sf.f_type == TMPFS_MAGIC,
		       "tmp-is-tmpfs", "f_type %#lx", (unsigned long)sf.f_type);
		return;
	}
	snprintf(top, sizeof top, "%s", e->host);
	*strrchr(top, '/') = '\0';
	expect_denied("tmp-top-shut", top, O_RDONLY | O_DIRECTORY);
}

/* No TCP (ABI 4), no signals or abstract sockets out (ABI 6). */
static void check_scopes(int abi, int outside_sock, const char *abstract)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(9) };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int s, e;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (abi < 4) {
		printf("skip tcp-denied: Landlock ABI %d < 4\n", abi);
	} else {
		s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		e = connect(s, (struct sockaddr *)&sin, sizeof sin) == 0 ? 0 : errno;
		report(e == EACCES, "tcp-denied", "connect: %s",
		       e ? strerror(e) : "connected");
		close(s);
	}
	if (abi < 6) {
		printf("skip scope-signal: Landlock ABI %d < 6\n", abi);
		return;
	}
	e = kill(getppid(), 0) == 0 ? 0 : errno;
	report(e == EPERM, "scope-signal", "kill(parent, 0): %s",
	       e ? strerror(e) : "allowed");
	memcpy(sun.sun_path + 1, abstract, strlen(abstract));
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	e = connect(s, (struct sockaddr *)&sun,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				strlen(abstract))) == 0 ? 0 : errno;
	report(e == EPERM, "scope-abstract-unix", "connect: %s",
	       e ? strerror(e) : "connected");
	close(s);
	close(outside_sock);
}

/* An abstract unix socket listening outside the Landlock domain. */
static int listen_abstract(const char *name)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memcpy(sun.sun_path + 1, name, strlen(name));
	if (bind(s, (struct sockaddr *)&sun,
		 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			     strlen(name))) < 0 || listen(s, 1) < 0)
		return -1;
	return s;
}

/* Builds the policy exactly as bento does, plus the test's mounts. */
static int build_policy(struct policy *p)
{
	char spec[6][4200];
	int n = cover ? 6 : 3;

	policy_init(p);
	snprintf(spec[0], sizeof spec[0], "%s:/rw:rw", rw);
	snprintf(spec[1], sizeof spec[1], "%s:/ro", ro);
	snprintf(spec[2], sizeof spec[2], "%s:/rwh:rw", rwh);
	snprintf(spec[3], sizeof spec[3], "%s/plain:/etc/shadow", ro);
	snprintf(spec[4], sizeof spec[4], "%s:/ro/covered", rw);
	snprintf(spec[5], sizeof spec[5], "%s/work:/tmp/ro", rwh);
	for (int i = 0; i < n; i++)
		if (policy_add_mount(p, spec[i]) < 0)
			return -1;
	if (policy_add_hide(p, "/ro/secret/key") < 0 ||
	    policy_add_hide(p, "/ro/secretdir") < 0 ||
	    policy_add_hide(p, "/rwh/locked/hidden") < 0 ||
	    policy_finish(p, environ) < 0 || policy_prepare_scratch(p) < 0 ||
	    policy_open(p) < 0)
		return -1;
	return 0;
}

/* The /tmp tmpfs's entry, once made. */
static const struct entry *tmp_entry(const struct policy *p)
{
	for (size_t i = 0; i < p->n_entries; i++)
		if (p->entries[i].scratch &&
		    strcmp(p->entries[i].guest, "/tmp") == 0)
			return &p->entries[i];
	return NULL;
}

/* Writes text to a /proc file. Returns 0 or -1. */
static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, text, strlen(text));

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* A user (unless root) and mount namespace, as bento's sandbox gets. */
static int enter_namespaces(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];

	if (uid == 0)
		return unshare(CLONE_NEWNS);
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return -1;
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof map, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	if (write_file("/proc/self/uid_map", map) < 0)
		return -1;
	snprintf(map, sizeof map, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	return write_file("/proc/self/gid_map", map);
}

/* The child's part before the checks: the /tmp tmpfs, as bento's makes it. */
static int make_tmp(struct policy *p)
{
	if (tmpfs && enter_namespaces() < 0) {
		fprintf(stderr, "landlock_probe: namespaces: %s\n",
			strerror(errno));
		return -1;
	}
	if (policy_make_scratch(p, tmpfs) < 0) {
		fprintf(stderr, "landlock_probe: %s\n", p->err);
		return -1;
	}
	return 0;
}

/* True when a host directory of ours is left in the policy's base. */
static bool scratch_left(const struct policy *p)
{
	char prefix[64];
	struct dirent *d;
	bool left = false;
	DIR *dir = opendir(p->scratch.path);

	snprintf(prefix, sizeof prefix, "bento-tmp-%d-", (int)getpid());
	while (dir && (d = readdir(dir)))
		left |= strncmp(d->d_name, prefix, strlen(prefix)) == 0;
	if (dir)
		closedir(dir);
	return left;
}

/* Applies the policy to this process and runs the checks. */
static int confined_checks(struct policy *p, int sock,
			   const char *abstract)
{
	const struct entry *tmp;
	char err[512];
	int abi;

	if (make_tmp(p) < 0)
		return 2;
	tmp = tmp_entry(p);
	abi = landlock_apply(p, -1, err, sizeof err);
	if (abi <= 0) {
		fprintf(stderr, "landlock_probe: %s\n",
			abi < 0 ? err : "no Landlock in this kernel");
		return 2;
	}
	printf("abi %d\n", abi);
	check_secrets();
	check_system();
	check_exec();
	check_rw();
	check_hidden();
	if (tmp)
		check_tmpfs(tmp);
	else
		report(false, "tmp-scratch", "no scratch directory for /tmp");
	check_scopes(abi, sock, abstract);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct policy p;
	char abstract[64];
	int sock, status, rc;
	pid_t pid;

	for (int i = 4; i < argc; i++) {
		if (strcmp(argv[i], "cover") == 0)
			cover = true;
		else if (strcmp(argv[i], "tmpfs") == 0)
			tmpfs = true;
		else
			argc = 0;
	}
	if (argc < 4) {
		fprintf(stderr, "usage: landlock_probe RW RO RWH [cover] [tmpfs]\n");
		return 2;
	}
	rw = argv[1], ro = argv[2], rwh = argv[3];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (build_policy(&p) < 0) {
		fprintf(stderr, "landlock_probe: %s\n", p.err);
		policy_free(&p);
		return 2;
	}
	snprintf(abstract, sizeof abstract, "bento-probe-%d", (int)getpid());
	sock = listen_abstract(abstract);
	pid = fork();
	if (pid == 0)
		_exit(confined_checks(&p, sock, abstract));
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) == 2)
		rc = 2;
	else
		rc = WEXITSTATUS(status);
	/* What the guest left in /tmp goes, the way bento removes it. */
	if (policy_remove_scratch(&p) < 0) {
		printf("not ok tmp-removed: %s\n", p.err);
		rc = rc ? rc : 1;
	} else if (scratch_left(&p)) {
		printf("not ok tmp-removed: a bento-tmp-%d-* is still in %s\n",
		       (int)getpid(), p.scratch.path);
		rc = rc ? rc : 1;
	} else {
		printf("ok tmp-removed\n");
	}
	policy_free(&p);
	return rc;
}
