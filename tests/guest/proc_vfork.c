// proc_vfork: vfork children that exec (/bin/echo, /bin/sh -c 'exit 7'),
// that _exit, and whose exec fails (the parent resumes either way and the
// child's exit status is right); the parent is suspended until the child
// execs or exits; posix_spawn (glibc: clone(CLONE_VM|CLONE_VFORK) on a
// separate stack) and posix_spawnp with file actions (dup2
// into a pipe, close), POSIX_SPAWN_SETSIGMASK / SETSIGDEF /
// SETPGROUP, and the errors posix_spawn reports from the child (ENOENT,
// EACCES).
#include "guest.h"
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void show(const char *label, pid_t c)
{
	int st;
	pid_t r = waitpid(c, &st, 0);
	printf("%s: reaped %s, %s\n", label, YN(r == c && c > 0), wstr(st));
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "helper-spawned")) {
		sigset_t m;
		sigprocmask(SIG_BLOCK, NULL, &m);
		struct sigaction sa;
		sigaction(SIGUSR2, NULL, &sa);
		printf("spawned: SIGUSR1 blocked %s, SIGUSR2 default %s, own group %s\n", YN(sigismember(&m, SIGUSR1)),
		       YN(sa.sa_handler == SIG_DFL), YN(getpgrp() == getpid()));
		return 2;
	}

	pid_t c = vfork();
	if (c == 0) {
		execl("/bin/echo", "echo", "vfork child exec'd echo", (char *)NULL);
		_exit(127);
	}
	show("vfork + exec echo", c);

	c = vfork();
	if (c == 0) {
		execl("/bin/sh", "sh", "-c", "exit 7", (char *)NULL);
		_exit(127);
	}
	show("vfork + exec sh exit 7", c);

	c = vfork();
	if (c == 0)
		_exit(9);
	show("vfork + _exit(9)", c);

	c = vfork();
	if (c == 0) {
		execl("/nonexistent", "x", (char *)NULL);
		_exit(errno == ENOENT ? 44 : 45);
	}
	show("vfork + failed exec", c);

	// The parent does not run until the child has exec'd: the child
	// sleeps before exec and the parent sees the time pass.
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c = vfork();
	if (c == 0) {
		struct timespec ts = { 0, 150 * 1000000L };
		nanosleep(&ts, NULL);
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	printf("parent suspended until the exec: %s\n", YN(ms >= 140));
	show("vfork + sleep + exec true", c);

	// posix_spawn with file actions: stdout into a pipe.
	int p[2];
	pipe(p);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	posix_spawn_file_actions_addclose(&fa, p[1]);
	char *av[] = { "echo", "spawned", "into", "a", "pipe", NULL };
	int rc = posix_spawn(&c, "/bin/echo", &fa, NULL, av, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	char buf[256];
	ssize_t n = read(p[0], buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	close(p[0]);
	printf("posix_spawn: %s, pipe got: %s", rc ? ename(rc) : "ok", buf);
	show("posix_spawn echo", c);

	char *av2[] = { "sh", "-c", "echo posix_spawnp found sh; exit 6", NULL };
	rc = posix_spawnp(&c, "sh", NULL, NULL, av2, environ);
	show(rc ? ename(rc) : "posix_spawnp sh: ok", c);

	// Attributes: mask, default dispositions, process group.
	signal(SIGUSR2, SIG_IGN);
	posix_spawnattr_t at;
	posix_spawnattr_init(&at);
	sigset_t m, d;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigemptyset(&d);
	sigaddset(&d, SIGUSR2);
	posix_spawnattr_setsigmask(&at, &m);
	posix_spawnattr_setsigdefault(&at, &d);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	char *av3[] = { "spawned", "helper-spawned", NULL };
	rc = posix_spawn(&c, "/proc/self/exe", NULL, &at, av3, environ);
	posix_spawnattr_destroy(&at);
	show(rc ? ename(rc) : "posix_spawn with attributes: ok", c);

	// Errors come back from the child as return values.
	c = -1;
	rc = posix_spawn(&c, "/nonexistent/prog", NULL, NULL, av, environ);
	printf("posix_spawn missing: %s\n", rc ? ename(rc) : "ok");
	int st;
	printf("nothing left to reap: %s\n", YN(waitpid(-1, &st, WNOHANG) < 0 && errno == ECHILD));
	int fd = open("/tmp/bento-gt-proc_vfork-noexec", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	close(fd);
	rc = posix_spawn(&c, "/tmp/bento-gt-proc_vfork-noexec", NULL, NULL, av, environ);
	printf("posix_spawn not executable: %s\n", rc ? ename(rc) : "ok");
	unlink("/tmp/bento-gt-proc_vfork-noexec");
	rc = posix_spawnp(&c, "no-such-command-anywhere", NULL, NULL, av, environ);
	printf("posix_spawnp missing: %s\n", rc ? ename(rc) : "ok");
	printf("nothing left to reap: %s\n", YN(waitpid(-1, &st, WNOHANG) < 0 && errno == ECHILD));
	return 0;
}
