// exit_busy_threads: a process exits (exit_group) while its other threads
// are busy inside system calls that take the sandbox's shared locks
// (kill(getpid(), 0), getppid, pipe writes). Every round's child must end
// with its own status, and the sandbox must go on working afterwards:
// bento once let the host kill such a thread while it held the process
// table's lock, and every process of the sandbox then waited forever.
#include "guest.h"
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#define ROUNDS 60

static int pfd[2];

static void *busy(void *arg)
{
	long kind = (long)arg;
	for (;;) {
		if (kind == 0)
			kill(getpid(), 0);
		else if (kind == 1)
			getppid();
		else
			write(pfd[1], "x", 1);
	}
	return NULL;
}

int main(void)
{
	int exact = 0;
	for (int r = 0; r < ROUNDS; r++) {
		pipe(pfd);
		pid_t c = fork();
		if (c == 0) {
			close(pfd[0]);
			pthread_t t;
			for (long i = 0; i < 3; i++)
				pthread_create(&t, NULL, busy, (void *)i);
			usleep(1000 + (r % 5) * 500);
			if (r % 2)
				exit(r % 100 + 1); // exit_group from main
			_exit(r % 100 + 1);
		}
		close(pfd[1]);
		// Drain so the writer never blocks for long.
		char buf[4096];
		while (read(pfd[0], buf, sizeof buf) > 0)
			;
		close(pfd[0]);
		int st;
		if (waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == r % 100 + 1)
			exact++;
		else
			printf("round %d: %s\n", r, wstr(st));
	}
	printf("children ended with their own status: %d/%d\n", exact, ROUNDS);
	// The process table still works.
	pid_t c = fork();
	if (c == 0)
		_exit(7);
	int st;
	waitpid(c, &st, 0);
	printf("one more child: %s\n", wstr(st));
	return 0;
}
