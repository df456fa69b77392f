/* forkn.c — N forks in a row, for counting what one costs (bench/
 * proccalls.sh; docs/performance.md "Processes"): `forkn exec N` forks,
 * the child execs /bin/true, the parent waits; `forkn exit N` the child
 * _exits at once. Prints the mean wall time per operation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "exec") && strcmp(argv[1], "exit"))) {
		fprintf(stderr, "usage: forkn exec|exit N\n");
		return 2;
	}
	int n = atoi(argv[2]), ex = !strcmp(argv[1], "exec");
	static char *const av[] = { "true", NULL };
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0) {
			if (ex)
				execv("/bin/true", av);
			_exit(ex ? 127 : 0);
		}
		int st;
		if (p < 0 || waitpid(p, &st, 0) != p || st != 0) {
			fprintf(stderr, "forkn: child failed\n");
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f us/op\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n / 1e3);
	return 0;
}
