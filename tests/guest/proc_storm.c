// proc_storm: fork+exec storms: 100 children of /bin/true started one
// after another and reaped together, 100 started and reaped one by one,
// and 100 quick fork+_exit children all alive at once; every child is
// reaped with status 0 (or its own code) and nothing is left afterwards.
#include "guest.h"
#include <stdlib.h>
#include <unistd.h>

#define N 100

int main(void)
{
	pid_t kids[N];
	int started = 0;
	for (int i = 0; i < N; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		if (kids[i] > 0)
			started++;
	}
	int reaped = 0, ok = 0;
	for (int i = 0; i < N; i++) {
		int st;
		pid_t r = waitpid(-1, &st, 0);
		if (r > 0)
			reaped++;
		if (r > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			ok++;
	}
	int st;
	printf("all at once: started %d, reaped %d, status 0: %d, then %s\n", started, reaped, ok,
	       waitpid(-1, &st, WNOHANG) < 0 ? ename(errno) : "more children");

	ok = 0;
	for (int i = 0; i < N; i++) {
		pid_t c = fork();
		if (c == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		if (waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			ok++;
	}
	printf("one by one: status 0: %d\n", ok);

	int distinct = 1;
	for (int i = 0; i < N; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			_exit(i);
		for (int j = 0; j < i; j++)
			if (kids[j] == kids[i])
				distinct = 0;
	}
	ok = 0;
	for (int i = N - 1; i >= 0; i--) {
		if (waitpid(kids[i], &st, 0) == kids[i] && WIFEXITED(st) && WEXITSTATUS(st) == i)
			ok++;
	}
	printf("fork+_exit: distinct pids %s, own status: %d, then %s\n", YN(distinct), ok,
	       waitpid(-1, &st, WNOHANG) < 0 ? ename(errno) : "more children");
	return 0;
}
