// proc_exec: execve in forked children: /bin/true and /bin/false statuses,
// /bin/sh -c with $0, shebang scripts in /tmp (#!/bin/sh, and an
// interpreter argument with #! /bin/echo ARG), argv[0] preserved and the
// new image's AT_EXECFN, the pid and parent pid kept, close-on-exec fds
// closed in the new image (O_CLOEXEC, F_DUPFD_CLOEXEC, dup3, pipe2, FD_CLOEXEC
// set and cleared), signal dispositions reset (handled -> default, ignored
// stays ignored), the blocked mask and pending signals kept, the alternate
// stack dropped, exec from a multi-threaded process leaves one thread,
// fexecve and execveat; execve errors (ENOENT, EACCES, ENOEXEC, ENOTDIR,
// EFAULT, a missing interpreter) leave the caller running.
// The test execs itself (/proc/self/exe) with a helper mode in argv[1].
#include "guest.h"
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define DIR "/tmp/bento-gt-proc_exec"

extern char **environ;

static int helper(int argc, char **argv)
{
	const char *mode = argv[1];
	if (!strcmp(mode, "helper-argv")) {
		printf("helper: argc %d, argv[0] '%s'", argc, argv[0]);
		for (int i = 2; i < argc; i++)
			printf(", '%s'", argv[i]);
		const char *fn = (const char *)getauxval(AT_EXECFN);
		printf("\nhelper: AT_EXECFN '%s', AT_PAGESZ %lu, AT_ENTRY set %s, AT_RANDOM set %s\n", fn ? fn : "(none)",
		       getauxval(AT_PAGESZ), YN(getauxval(AT_ENTRY) != 0), YN(getauxval(AT_RANDOM) != 0));
		printf("helper: environment kept: %s\n", YN(getenv("BENTO_GT_MARK") && !strcmp(getenv("BENTO_GT_MARK"), "kept")));
		return 5;
	}
	if (!strcmp(mode, "helper-ids")) {
		printf("helper: pid unchanged: %s, ppid unchanged: %s\n", YN(getpid() == atoi(argv[2])),
		       YN(getppid() == atoi(argv[3])));
		return 0;
	}
	if (!strcmp(mode, "helper-fds")) {
		// argv: helper-fds LABEL=FD ...
		for (int i = 2; i < argc; i++) {
			char *eq = strchr(argv[i], '=');
			*eq = 0;
			int fd = atoi(eq + 1);
			int fl = fcntl(fd, F_GETFD);
			if (fl < 0)
				printf("helper: %s: %s\n", argv[i], ename(errno));
			else
				printf("helper: %s: open, FD_CLOEXEC %d\n", argv[i], fl & FD_CLOEXEC);
		}
		return 0;
	}
	if (!strcmp(mode, "helper-sig")) {
		struct sigaction sa;
		sigaction(SIGUSR1, NULL, &sa);
		printf("helper: handled SIGUSR1 now default: %s\n", YN(sa.sa_handler == SIG_DFL));
		sigaction(SIGUSR2, NULL, &sa);
		printf("helper: ignored SIGUSR2 still ignored: %s\n", YN(sa.sa_handler == SIG_IGN));
		sigaction(SIGINT, NULL, &sa);
		printf("helper: SIGINT default: %s\n", YN(sa.sa_handler == SIG_DFL));
		sigset_t m, p;
		sigprocmask(SIG_BLOCK, NULL, &m);
		printf("helper: SIGTERM still blocked: %s, SIGQUIT not blocked: %s\n", YN(sigismember(&m, SIGTERM)),
		       YN(!sigismember(&m, SIGQUIT)));
		sigpending(&p);
		printf("helper: pending SIGHUP kept: %s\n", YN(sigismember(&p, SIGHUP)));
		stack_t ss;
		sigaltstack(NULL, &ss);
		printf("helper: alternate stack disabled: %s\n", YN(ss.ss_flags & SS_DISABLE));
		return 0;
	}
	if (!strcmp(mode, "helper-threads")) {
		printf("helper: threads after exec: %d\n", threads_now());
		return 0;
	}
	printf("helper: unknown mode %s\n", mode);
	return 1;
}

// Forks; the child calls execve(PATH, ARGV) and, if that fails, exits with
// 100 + errno after printing it. Prints LABEL and the child's status.
static void run(const char *label, const char *path, char *const argv[])
{
	pid_t c = fork();
	if (c == 0) {
		execve(path, argv, environ);
		printf("%s: execve failed: %s\n", label, ename(errno));
		_exit(100);
	}
	int st;
	waitpid(c, &st, 0);
	printf("%s: %s\n", label, wstr(st));
}

// execveat(dirfd of dir, name): Linux names the script /dev/fd/N/name.
static void run_at(const char *label, const char *dir, const char *name)
{
	pid_t c = fork();
	if (c == 0) {
		int dfd = open(dir, O_RDONLY | O_DIRECTORY);
		syscall(SYS_execveat, dfd, name, (char *[]){ "at", "a", NULL }, environ, 0);
		printf("%s: execveat failed: %s\n", label, ename(errno));
		_exit(100);
	}
	int st;
	waitpid(c, &st, 0);
	printf("%s: %s\n", label, wstr(st));
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	write(fd, text, strlen(text));
	close(fd);
	chmod(path, mode);
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void *exec_thread(void *arg)
{
	(void)arg;
	struct timespec ts = { 0, 20 * 1000000L };
	nanosleep(&ts, NULL);
	execv("/proc/self/exe", (char *[]){ "thr2", "helper-threads", NULL });
	_exit(100);
}

static void noop(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strncmp(argv[1], "helper-", 7))
		return helper(argc, argv);

	rm_tree(DIR);
	mkdir(DIR, 0755);
	setenv("BENTO_GT_MARK", "kept", 1);

	run("/bin/true", "/bin/true", (char *[]){ "true", NULL });
	run("/bin/false", "/bin/false", (char *[]){ "false", NULL });
	run("/bin/sh -c", "/bin/sh", (char *[]){ "sh", "-c", "echo \"sh: \\$0=$0 \\$1=$1\"; exit 3", "zero", "one", NULL });

	write_file(DIR "/script.sh", "#!/bin/sh\necho \"script: \\$0=$0 argc=$# \\$1=$1 \\$2=$2\"\nexit 4\n", 0755);
	run("#!/bin/sh script", DIR "/script.sh", (char *[]){ "ignored-argv0", "a", "b c", NULL });
	write_file(DIR "/echo.sh", "#! /bin/echo interp-arg\nnot shell\n", 0755);
	run("#! /bin/echo script", DIR "/echo.sh", (char *[]){ "ignored", "x", "y", NULL });
	write_file(DIR "/nested.sh", "#!" DIR "/script.sh\n", 0755);
	run("script as interpreter of a script", DIR "/nested.sh", (char *[]){ "n", "arg", NULL });
	// The interpreter gets the script's name as execve was given it.
	symlink("script.sh", DIR "/link.sh");
	chdir(DIR);
	run("script by a relative path", "./script.sh", (char *[]){ "r", "a", NULL });
	run("script by a bare name", "script.sh", (char *[]){ "r", "a", NULL });
	run("script through a link", DIR "/link.sh", (char *[]){ "l", "a", NULL });
	chdir("/");
	run_at("script by execveat beneath a directory", DIR, "script.sh");

	run("argv[0] preserved", "/proc/self/exe", (char *[]){ "custom-argv0", "helper-argv", "x", "", "y z", NULL });
	char spid[16], sppid[16];
	pid_t c = fork();
	if (c == 0) {
		snprintf(spid, sizeof spid, "%d", getpid());
		snprintf(sppid, sizeof sppid, "%d", getppid());
		execv("/proc/self/exe", (char *[]){ "ids", "helper-ids", spid, sppid, NULL });
		_exit(100);
	}
	int st;
	waitpid(c, &st, 0);
	printf("ids: %s\n", wstr(st));

	// Close-on-exec.
	c = fork();
	if (c == 0) {
		int plain = open("/dev/null", O_RDONLY);
		int cloexec = open("/dev/null", O_RDONLY | O_CLOEXEC);
		int dupfd_cloexec = fcntl(plain, F_DUPFD_CLOEXEC, 20);
		int dup3_cloexec = dup3(plain, 30, O_CLOEXEC);
		int dup_of_cloexec = dup(cloexec);
		int p[2];
		pipe2(p, O_CLOEXEC);
		int set_cleared = open("/dev/null", O_RDONLY);
		fcntl(set_cleared, F_SETFD, FD_CLOEXEC);
		fcntl(set_cleared, F_SETFD, 0);
		int set = open("/dev/null", O_RDONLY);
		fcntl(set, F_SETFD, FD_CLOEXEC);
		int dir = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		char a[9][32];
		snprintf(a[0], 32, "plain=%d", plain);
		snprintf(a[1], 32, "O_CLOEXEC=%d", cloexec);
		snprintf(a[2], 32, "F_DUPFD_CLOEXEC=%d", dupfd_cloexec);
		snprintf(a[3], 32, "dup3-O_CLOEXEC=%d", dup3_cloexec);
		snprintf(a[4], 32, "dup-of-cloexec=%d", dup_of_cloexec);
		snprintf(a[5], 32, "pipe2-O_CLOEXEC=%d", p[0]);
		snprintf(a[6], 32, "set-then-cleared=%d", set_cleared);
		snprintf(a[7], 32, "F_SETFD-FD_CLOEXEC=%d", set);
		snprintf(a[8], 32, "dir-O_CLOEXEC=%d", dir);
		execv("/proc/self/exe",
		      (char *[]){ "fds", "helper-fds", a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], NULL });
		_exit(100);
	}
	waitpid(c, &st, 0);
	printf("fds: %s\n", wstr(st));

	// Signal dispositions, mask, pending signals, alternate stack.
	c = fork();
	if (c == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = noop;
		sa.sa_flags = SA_ONSTACK | SA_RESTART;
		sigaction(SIGUSR1, &sa, NULL);
		signal(SIGUSR2, SIG_IGN);
		sigset_t m;
		sigemptyset(&m);
		sigaddset(&m, SIGTERM);
		sigaddset(&m, SIGHUP);
		sigprocmask(SIG_BLOCK, &m, NULL);
		raise(SIGHUP);
		static char alt[1 << 16];
		stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0 };
		sigaltstack(&ss, NULL);
		execv("/proc/self/exe", (char *[]){ "sig", "helper-sig", NULL });
		_exit(100);
	}
	waitpid(c, &st, 0);
	printf("sig: %s\n", wstr(st));

	// Exec from a multi-threaded process.
	c = fork();
	if (c == 0) {
		pthread_t t[3];
		for (int i = 0; i < 3; i++)
			pthread_create(&t[i], NULL, sleeper, NULL);
		printf("threads before exec: %d\n", threads_now());
		execv("/proc/self/exe", (char *[]){ "thr", "helper-threads", NULL });
		_exit(100);
	}
	waitpid(c, &st, 0);
	printf("threads: %s\n", wstr(st));

	// A thread other than the main one calls execve.
	c = fork();
	if (c == 0) {
		pthread_t t;
		pthread_create(&t, NULL, sleeper, NULL);
		pthread_t e;
		pthread_create(&e, NULL, exec_thread, NULL);
		for (;;)
			pause();
	}
	waitpid(c, &st, 0);
	printf("exec from a second thread: %s\n", wstr(st));

	// fexecve and execveat.
	c = fork();
	if (c == 0) {
		int fd = open("/bin/echo", O_RDONLY);
		fexecve(fd, (char *[]){ "echo", "via fexecve", NULL }, environ);
		printf("fexecve: %s\n", ename(errno));
		_exit(100);
	}
	waitpid(c, &st, 0);
	printf("fexecve: %s\n", wstr(st));
	c = fork();
	if (c == 0) {
		int dfd = open("/bin", O_RDONLY | O_DIRECTORY);
		syscall(SYS_execveat, dfd, "echo", (char *[]){ "echo", "via execveat", NULL }, environ, 0);
		printf("execveat: %s\n", ename(errno));
		_exit(100);
	}
	waitpid(c, &st, 0);
	printf("execveat: %s\n", wstr(st));

	// Errors: the caller keeps running.
	write_file(DIR "/noexec", "#!/bin/sh\necho no\n", 0644);
	write_file(DIR "/garbage", "\x01\x02\x03 this is not a program\n", 0755);
	write_file(DIR "/empty", "", 0755);
	write_file(DIR "/badinterp.sh", "#!/nonexistent/interpreter\n", 0755);
	char *av[] = { "x", NULL };
	say("execve missing file", execve("/nonexistent/program", av, environ));
	say("execve without x permission", execve(DIR "/noexec", av, environ));
	say("execve a directory", execve(DIR, av, environ));
	say("execve garbage", execve(DIR "/garbage", av, environ));
	say("execve empty file", execve(DIR "/empty", av, environ));
	say("execve file/ as a directory", execve("/bin/true/x", av, environ));
	say("execve bad argv pointer", syscall(SYS_execve, "/bin/true", (char **)8, environ));
	say("execve bad path pointer", syscall(SYS_execve, (char *)8, av, environ));
	say("execveat empty path without AT_EMPTY_PATH",
	    syscall(SYS_execveat, AT_FDCWD, "", av, environ, 0));
	// Last: a missing interpreter is only found while loading the script.
	say("execve missing interpreter", execve(DIR "/badinterp.sh", av, environ));
	printf("still running after the errors: yes\n");
	rm_tree(DIR);
	return 0;
}
