// proc_race: signals racing with exit. The parent sends signals in a
// tight loop to children that are exiting: ignored signals and handled
// signals must not change the exit status; SIGTERM/SIGKILL give either the
// exit status or the death by that signal, never anything else; a
// multi-threaded child whose threads exit while signals arrive; SIGSTOP
// and SIGCONT pairs leave the status alone; a group
// kill racing with a child that keeps forking. Nothing may hang.
// timeout: 120
#include "guest.h"
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 50

static void on_usr1(int s)
{
	(void)s;
}

static void spin(int n)
{
	volatile int x = 0;
	for (int i = 0; i < n; i++)
		x += i;
}

static void *thread_exit(void *arg)
{
	spin((int)(long)arg);
	return NULL;
}

// Runs ROUNDS children doing BODY(round) and exiting with round+1 while the
// parent sends SIG in a loop until the child is reaped. Returns how many
// statuses were exactly "exit round+1"; *killed counts deaths by SIG.
static int flood(int sig, int mode, int *killed, int *other)
{
	int exact = 0;
	*killed = *other = 0;
	for (int r = 0; r < ROUNDS; r++) {
		pid_t c = fork();
		if (c == 0) {
			if (mode == 1) {
				struct sigaction sa;
				memset(&sa, 0, sizeof sa);
				sa.sa_handler = on_usr1;
				sa.sa_flags = SA_RESTART;
				sigaction(SIGUSR1, &sa, NULL);
			}
			if (mode == 2) {
				pthread_t t[4];
				for (int i = 0; i < 4; i++)
					pthread_create(&t[i], NULL, thread_exit, (void *)(long)(r * 1000));
				for (int i = 0; i < 2; i++)
					pthread_join(t[i], NULL);
			}
			spin(r * 2000);
			_exit(r + 1);
		}
		int st, sent = 0;
		pid_t w;
		while ((w = waitpid(c, &st, WNOHANG)) == 0) {
			if (mode == 3) {
				kill(c, SIGSTOP);
				kill(c, SIGCONT);
			} else {
				kill(c, sig);
			}
			sent++;
		}
		if (w == c && WIFEXITED(st) && WEXITSTATUS(st) == r + 1)
			exact++;
		else if (w == c && WIFSIGNALED(st) && WTERMSIG(st) == sig)
			(*killed)++;
		else {
			(*other)++;
			if (*other <= 3)
				printf("  round %d: waitpid %s, %s\n", r, w == c ? "ok" : ename(errno), wstr(st));
		}
	}
	return exact;
}

int main(void)
{
	int killed, other, exact;

	signal(SIGUSR1, SIG_IGN);
	exact = flood(SIGUSR1, 0, &killed, &other);
	printf("ignored SIGUSR1 flood: exact status %d/%d, other %d\n", exact, ROUNDS, other + killed);
	signal(SIGUSR1, SIG_DFL);

	exact = flood(SIGUSR1, 1, &killed, &other);
	// The child may be killed before it installs its handler.
	printf("handled SIGUSR1 flood: exact or killed before the handler %d/%d, other %d\n", exact + killed, ROUNDS, other);

	signal(SIGUSR1, SIG_IGN);
	exact = flood(SIGUSR1, 2, &killed, &other);
	printf("multi-threaded child, ignored SIGUSR1 flood: exact %d/%d, other %d\n", exact, ROUNDS, other + killed);
	signal(SIGUSR1, SIG_DFL);

	exact = flood(SIGTERM, 0, &killed, &other);
	printf("SIGTERM flood: exit or SIGTERM %d/%d, other %d\n", exact + killed, ROUNDS, other);
	exact = flood(SIGKILL, 0, &killed, &other);
	printf("SIGKILL flood: exit or SIGKILL %d/%d, other %d\n", exact + killed, ROUNDS, other);
	exact = flood(0, 3, &killed, &other);
	printf("SIGSTOP+SIGCONT flood: exact %d/%d, other %d\n", exact, ROUNDS, other + killed);

	// A group kill racing with a child that keeps forking.
	for (int r = 0; r < 10; r++) {
		pid_t c = fork();
		if (c == 0) {
			setpgid(0, 0);
			for (;;) {
				pid_t g = fork();
				if (g == 0) {
					spin(10000);
					_exit(0);
				}
				if (g < 0)
					spin(100000);
			}
		}
		setpgid(c, c);
		struct timespec ts = { 0, 2 * 1000000L };
		nanosleep(&ts, NULL);
		kill(-c, SIGKILL);
		int st;
		waitpid(c, &st, 0);
		if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
			printf("round %d: %s\n", r, wstr(st));
	}
	printf("group kill racing with fork: done\n");

	int st;
	while (waitpid(-1, &st, WNOHANG) > 0)
		;
	return 0;
}
