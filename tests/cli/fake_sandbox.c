/*
 * fake_sandbox.c — a stand-in for bento-sandbox, to test the front end
 * without a working sandbox: `BENTO_SANDBOX=fake bento run -- CMD ARGS`.
 *
 * It runs under the front end's real confinement (namespaces, Landlock,
 * no_new_privs), so it must be linked statically: Landlock lets exactly one
 * file be executed, and a dynamic program would also need ld.so.
 * It takes the sandbox argv (docs/cli.md), skips to "--", and does CMD:
 *   exit N             exit with status N
 *   term               kill itself with SIGTERM (as the init of a pid
 *                      namespace it survives that, so then it exits 143,
 *                      as the contract asks bento-sandbox to)
 *   segv               fault (a fault kills even a pid namespace's init)
 *   sleep SECS [TAG]   sleep; TAG only marks the process for pgrep
 *   orphan SECS TAG    leave a child sleeping SECS, exit 0 at once
 *   trap               print "ready", exit 42 on SIGTERM, 43 on SIGUSR1
 *   count-int          print "ready", count SIGINTs until 0.5 s after the
 *                      first, print "sigint=N"
 *   open PATH...       try open(2) on each host path: "PATH ok|ERRNO"
 *   exec PATH          try execve(2): prints "exec ok|ERRNO"
 *   fds                print "fds N..." (open descriptors) and
 *                      "mounts N..." (the --mount descriptors)
 *   env                print the environment
 *   id                 print "pid=N uid=N gid=N"
 *   memfd              create, truncate, write and map a memfd (what the
 *                      sandbox's tmpfs is made of): "memfd ok" or errno
 *   readat GUEST REL   open REL beneath the --mount descriptor of GUEST
 *                      the way bento-sandbox does (openat2, RESOLVE_BENEATH
 *                      and no symlinks), or, for REL ".", reopen the
 *                      descriptor itself through /proc/self/fd (a file
 *                      mount; or read it as it is when the front end
 *                      opened it, in the empty root); print the first
 *                      line read, or the errno
 *   tmp GUEST ACTION [TARGET...]
 *                      for the tmpfs at GUEST (a --mount of a detached
 *                      tmpfs or a host directory): print "dir PATH" (its
 *                      host path: "/" for a detached tmpfs; nothing in
 *                      the empty root, without /proc), "dotdot self" when
 *                      ".." of it is itself, else "dotdot other", "fstype
 *                      tmpfs|other" and "mode OCTAL", fill it with what a hostile guest
 *                      might leave (a symlink "linkN" to each TARGET, also
 *                      deep inside, a directory of mode 0 and one of 0500
 *                      with files in them, a fifo, a chain of 150
 *                      directories with one of mode 0 beside each of the
 *                      last 90), print "planted" (or the errno) and
 *                      "ready", then ACTION: exit (status 0), segv, sleep
 *                      (30 s), or trap (exit 42 on SIGTERM, SIGINT or
 *                      SIGHUP)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static volatile sig_atomic_t got_int, got_term, got_usr1, got_hup;

static void on_signal(int sig)
{
	if (sig == SIGINT)
		got_int++;
	else if (sig == SIGTERM)
		got_term = 1;
	else if (sig == SIGUSR1)
		got_usr1 = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
}

static void handle(int sig)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Sleeps up to ms, waking early when a signal sets *flag. */
static void wait_for(volatile sig_atomic_t *flag, long ms)
{
	for (long t = 0; t < ms && !*flag; t += 10) {
		struct timespec ts = { 0, 10000000L };
		nanosleep(&ts, NULL);
	}
}

static const char *err_name(int e)
{
	switch (e) {
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	default: return strerror(e);
	}
}

static int cmd_fds(char **argv, int dashdash)
{
	printf("fds");
	for (int fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			printf(" %d", fd);
	printf("\nmounts");
	for (int i = 1; i < dashdash; i++)
		if (strcmp(argv[i], "--mount") == 0 && i + 1 < dashdash)
			printf(" %d", atoi(argv[i + 1]));
	printf("\n");
	return 0;
}

static int cmd_open(char **paths)
{
	for (; *paths; paths++) {
		int fd = open(*paths, O_RDONLY);
		printf("%s %s\n", *paths, fd >= 0 ? "ok" : err_name(errno));
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

/* The descriptor of `--mount FD:GUEST:MODE` in argv[1..end), or -1. */
static int mount_fd(char **argv, int end, const char *guest)
{
	size_t n = strlen(guest);

	for (int i = 1; i + 1 < end; i++) {
		char *colon = strchr(argv[i + 1], ':');
		if (strcmp(argv[i], "--mount") == 0 && colon &&
		    strncmp(colon + 1, guest, n) == 0 && colon[1 + n] == ':')
			return atoi(argv[i + 1]);
	}
	return -1;
}

static int cmd_readat(char **argv, int end, const char *guest, const char *rel)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	int dirfd = mount_fd(argv, end, guest), fd;
	char path[64], line[256] = "";
	ssize_t n;

	if (dirfd < 0) {
		printf("no mount at %s\n", guest);
		return 0;
	}
	if (strcmp(rel, ".") == 0 && !(fcntl(dirfd, F_GETFL) & O_PATH)) {
		fd = dup(dirfd);	/* opened already: the empty root */
	} else if (strcmp(rel, ".") == 0) {
		snprintf(path, sizeof path, "/proc/self/fd/%d", dirfd);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	} else {
		fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
	}
	if (fd < 0) {
		printf("%s\n", err_name(errno));
		return 0;
	}
	n = read(fd, line, sizeof line - 1);
	line[n > 0 ? n : 0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	printf("%s\n", line);
	close(fd);
	return 0;
}

/* True when ".." of directory dir is dir itself: the root of a detached
 * mount (or of the host). */
static int same_as_parent(int dir)
{
	struct stat a, b;
	int up = openat(dir, "..", O_PATH | O_CLOEXEC);
	int same = up >= 0 && fstat(dir, &a) == 0 && fstat(up, &b) == 0 &&
		   a.st_dev == b.st_dev && a.st_ino == b.st_ino;

	if (up >= 0)
		close(up);
	return same;
}

static int cmd_memfd(void)
{
	int fd = memfd_create("fake", MFD_CLOEXEC);
	char *p;

	if (fd < 0 || ftruncate(fd, 4096) < 0 || write(fd, "x", 1) != 1) {
		printf("memfd %s\n", err_name(errno));
		return 0;
	}
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("memfd %s\n", p != MAP_FAILED && p[0] == 'x' ? "ok" : "mmap failed");
	return 0;
}

/* Creates directory name in dirfd and returns it opened, or -1. */
static int make_dir(int dirfd, const char *name)
{
	if (mkdirat(dirfd, name, 0755) < 0)
		return -1;
	return openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Writes a small file name in dirfd. Returns 0 or -1. */
static int make_file(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			0644);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* What a guest might leave in its tmpfs, and then some. */
static int plant(int root, char **targets)
{
	char name[32];
	int d, deep, prev, i;

	for (i = 0; targets[i]; i++) {
		snprintf(name, sizeof name, "link%d", i);
		if (symlinkat(targets[i], root, name) < 0)
			return -1;
	}
	if ((d = make_dir(root, "locked")) < 0 || make_file(d, "f") < 0 ||
	    mkdirat(d, "sub", 0755) < 0 || fchmodat(root, "locked", 0, 0) < 0)
		return -1;
	close(d);
	if ((d = make_dir(root, "readonly")) < 0 || make_file(d, "f") < 0 ||
	    fchmodat(root, "readonly", 0500, 0) < 0)
		return -1;
	close(d);
	if (mkfifoat(root, "fifo", 0644) < 0)
		return -1;
	/* Deeper than the removal descends (it moves such subtrees up). */
	deep = root;
	for (i = 0; i < 150; i++) {
		prev = deep;
		if ((deep = make_dir(prev, "d")) < 0)
			return -1;
		if (prev != root)
			close(prev);
		/*
		 * Locked directories on 90 levels: whatever depth the removal
		 * moves subtrees up at, some are at it (moving one needs its w).
		 */
		if (i >= 60) {
			if ((d = make_dir(deep, "l")) < 0 || make_file(d, "f") < 0 ||
			    fchmodat(deep, "l", 0, 0) < 0)
				return -1;
			close(d);
		}
		if (i % 50 == 49) {
			for (int t = 0; targets[t]; t++) {
				snprintf(name, sizeof name, "link%d", t);
				if (symlinkat(targets[t], deep, name) < 0)
					return -1;
			}
			if (make_file(deep, "f") < 0)
				return -1;
		}
	}
	close(deep);
	return 0;
}

static int cmd_tmp(char **argv, int end, const char *guest,
		   const char *action, char **targets)
{
	int dirfd = mount_fd(argv, end, guest);
	char path[64], host[4096];
	struct statfs sf;
	struct stat st;
	ssize_t n;

	if (dirfd < 0) {
		printf("no mount at %s\n", guest);
		return 1;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", dirfd);
	n = readlink(path, host, sizeof host - 1);
	host[n > 0 ? n : 0] = '\0';
	printf("dir %s\n", host);
	printf("dotdot %s\n", same_as_parent(dirfd) ? "self" : "other");
	printf("fstype %s\n", fstatfs(dirfd, &sf) == 0 &&
	       sf.f_type == TMPFS_MAGIC ? "tmpfs" : "other");
	if (fstat(dirfd, &st) == 0)
		printf("mode %o\n", (unsigned)(st.st_mode & 07777));
	if (plant(dirfd, targets) == 0)
		printf("planted\n");
	else
		printf("plant: %s\n", err_name(errno));
	handle(SIGTERM);
	handle(SIGINT);
	handle(SIGHUP);
	printf("ready\n");
	if (strcmp(action, "segv") == 0)
		*(volatile int *)(unsigned long)getpid() = 0;
	if (strcmp(action, "sleep") == 0)
		sleep_ms(30000);
	if (strcmp(action, "trap") == 0) {
		for (int t = 0; t < 1000 && !got_term && !got_int && !got_hup; t++)
			sleep_ms(10);
		return got_term || got_int || got_hup ? 42 : 99;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int k = 1;
	char **av;

	while (k < argc && strcmp(argv[k], "--") != 0)
		k++;
	if (k + 1 >= argc) {
		fprintf(stderr, "fake-sandbox: no command\n");
		return 125;
	}
	av = &argv[k + 1];
	setvbuf(stdout, NULL, _IONBF, 0);
	if (strcmp(av[0], "exit") == 0 && av[1])
		return atoi(av[1]);
	if (strcmp(av[0], "term") == 0) {
		kill(getpid(), SIGTERM);
		sleep_ms(100);
		return 128 + SIGTERM;
	}
	if (strcmp(av[0], "segv") == 0) {
		*(volatile int *)(unsigned long)getpid() = 0;
		return 1;
	}
	if (strcmp(av[0], "sleep") == 0 && av[1]) {
		sleep_ms(atol(av[1]) * 1000);
		return 0;
	}
	if (strcmp(av[0], "orphan") == 0 && av[1]) {
		if (fork() == 0) {
			signal(SIGTERM, SIG_IGN);
			sleep_ms(atol(av[1]) * 1000);
			_exit(0);
		}
		return 0;
	}
	if (strcmp(av[0], "trap") == 0) {
		handle(SIGTERM);
		handle(SIGUSR1);
		printf("ready\n");
		for (int t = 0; t < 1000 && !got_term && !got_usr1; t++)
			sleep_ms(10);
		return got_term ? 42 : got_usr1 ? 43 : 99;
	}
	if (strcmp(av[0], "count-int") == 0) {
		handle(SIGINT);
		printf("ready\n");
		wait_for(&got_int, 10000);
		sleep_ms(500);
		printf("sigint=%d\n", (int)got_int);
		return 0;
	}
	if (strcmp(av[0], "open") == 0)
		return cmd_open(av + 1);
	if (strcmp(av[0], "exec") == 0 && av[1]) {
		char *args[] = { av[1], NULL };
		execve(av[1], args, environ);
		printf("exec %s\n", err_name(errno));
		return 0;
	}
	if (strcmp(av[0], "fds") == 0)
		return cmd_fds(argv, k);
	if (strcmp(av[0], "memfd") == 0)
		return cmd_memfd();
	if (strcmp(av[0], "readat") == 0 && av[1] && av[2])
		return cmd_readat(argv, k, av[1], av[2]);
	if (strcmp(av[0], "tmp") == 0 && av[1] && av[2])
		return cmd_tmp(argv, k, av[1], av[2], av + 3);
	if (strcmp(av[0], "env") == 0) {
		for (char **e = environ; *e; e++)
			printf("%s\n", *e);
		return 0;
	}
	if (strcmp(av[0], "id") == 0) {
		printf("pid=%d uid=%d gid=%d\n", (int)getpid(), (int)getuid(),
		       (int)getgid());
		return 0;
	}
	fprintf(stderr, "fake-sandbox: unknown command '%s'\n", av[0]);
	return 125;
}
