/* spawn.c — the start-up and application driver of bench/run.sh.
 *
 *     spawn N PROGRAM [ARGS...]
 *
 * Runs PROGRAM N times, one after the other (fork, execv, waitpid), with
 * its standard input and output on /dev/null, and prints the wall-clock
 * time of each run in nanoseconds (CLOCK_MONOTONIC, from before fork to
 * after waitpid), one a line. Exits 1 if a run fails (status not 0).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc < 3 || atoi(argv[1]) < 1) {
		fprintf(stderr, "usage: spawn N PROGRAM [ARGS...]\n");
		return 2;
	}
	int n = atoi(argv[1]);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0) {
		perror("/dev/null");
		return 1;
	}
	for (int i = 0; i < n; i++) {
		long long t0 = now_ns();
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			dup2(null, 0);
			dup2(null, 1);
			execv(argv[2], argv + 2);
			perror(argv[2]);
			_exit(127);
		}
		int status;
		if (waitpid(pid, &status, 0) != pid) {
			perror("waitpid");
			return 1;
		}
		long long t1 = now_ns();
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "spawn: %s: run %d failed (status 0x%x)\n", argv[2], i + 1,
				status);
			return 1;
		}
		printf("%lld\n", t1 - t0);
	}
	return 0;
}
