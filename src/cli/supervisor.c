/*
 * supervisor.c — fork, signal relay, timeout, exit status, clean-up.
 *
 * Ctrl-C (and the other terminal signals) must reach the sandbox exactly
 * once. The sandbox stays in bento's process group, so it is in the
 * terminal's foreground group whenever bento is, and reads from the
 * terminal keep working without any tcsetpgrp() juggling. The terminal
 * sends SIGINT, SIGQUIT, SIGHUP and SIGWINCH to that whole group, with
 * si_code SI_KERNEL, so the sandbox already has its copy: the supervisor
 * relays a signal unless it came from the kernel while the child shares
 * our process group. A signal sent with kill(2) to bento's pid (SI_USER)
 * is relayed. The one case still delivered twice is kill(2) aimed at the
 * whole process group; that sender asked for every member to get it.
 */
#include "cli/supervisor.h"

#include "cli/cli.h"
#include "cli/proc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const int relayed_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

/* How long end_orphans() keeps trying before it gives up (milliseconds). */
#define ORPHAN_GRACE_MS 5000

/* The relayed signals plus SIGCHLD: what supervisor_wait() waits for. */
static void waited_signals(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof relayed_signals / sizeof *relayed_signals; i++)
		sigaddset(set, relayed_signals[i]);
	sigaddset(set, SIGCHLD);
}

/* The caller's mask before supervisor_hold_signals(), for the child. */
static sigset_t saved_mask;
static bool holding;

void supervisor_hold_signals(void)
{
	sigset_t set;

	if (holding)
		return;
	waited_signals(&set);
	/* Not waited for, just kept from killing us: see supervisor.h. */
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &set, &saved_mask);
	/* The terminal's job-control signals (Ctrl-Z, background reads) are
	 * the guest's business: bento handles them for its processes, and
	 * neither the supervisor nor the process between it and the sandbox
	 * may stop. bento-sandbox installs its own handlers over these. */
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	holding = true;
}

int supervisor_become_subreaper(void)
{
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

pid_t supervisor_fork(void)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	pid_t pid;

	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, NULL);
	supervisor_hold_signals();
	pid = fork();
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &saved_mask, NULL);
		holding = false;
	}
	return pid;
}

/*
 * Whether signal info should be passed on to child. See the file comment:
 * the terminal already delivered its own signals to our process group.
 */
static bool should_relay(const siginfo_t *si, pid_t child)
{
	return !(si->si_code == SI_KERNEL && getpgid(child) == getpgrp());
}

/* Status bento exits with for a wait status. */
static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return BENTO_EXIT_INTERNAL;
}

/*
 * Reaps every child that has exited (orphans we adopted included). Returns
 * true, with its status in *status, once child is among them.
 */
static bool reap(pid_t child, int *status)
{
	bool done = false;
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		if (pid == child) {
			*status = st;
			done = true;
		}
	if (pid < 0 && errno == ECHILD && !done) {
		/* Cannot happen unless someone else reaped it. */
		*status = BENTO_EXIT_INTERNAL << 8;
		done = true;
	}
	return done;
}

/* Sets *left to the time until deadline; false once it has passed. */
static bool time_left(const struct timespec *deadline, struct timespec *left)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	left->tv_sec = deadline->tv_sec - now.tv_sec;
	left->tv_nsec = deadline->tv_nsec - now.tv_nsec;
	if (left->tv_nsec < 0) {
		left->tv_nsec += 1000000000L;
		left->tv_sec--;
	}
	return left->tv_sec > 0 || (left->tv_sec == 0 && left->tv_nsec > 0);
}

/* The monotonic time `seconds` from now. */
static struct timespec deadline_after(double seconds)
{
	struct timespec t;
	long long ns;

	clock_gettime(CLOCK_MONOTONIC, &t);
	ns = (long long)(seconds * 1e9) + t.tv_nsec;
	t.tv_sec += (time_t)(ns / 1000000000LL);
	t.tv_nsec = (long)(ns % 1000000000LL);
	return t;
}

/* Returns the parent pid from /proc/PID/stat, or -1. */
static pid_t parent_of(pid_t pid)
{
	char buf[PROC_STAT_MAX];
	const char *p = proc_stat_field(pid, 4, buf, sizeof buf);

	return p ? (pid_t)atoi(p) : -1;
}

/*
 * Sends SIGKILL to every child of ours. Returns how many there were, or -1
 * when /proc cannot be read.
 */
static int kill_children(void)
{
	pid_t self = getpid();
	struct dirent *d;
	int n = 0;
	DIR *dir = opendir("/proc");

	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		pid_t pid;
		if (!isdigit((unsigned char)d->d_name[0]))
			continue;
		pid = (pid_t)strtol(d->d_name, NULL, 10);
		if (parent_of(pid) == self) {
			kill(pid, SIGKILL);
			n++;
		}
	}
	closedir(dir);
	return n;
}

/*
 * Ends what the sandbox left behind: as the subreaper we inherit every
 * orphan, so kill our children and reap them until none remain (killing a
 * child orphans its own children to us, hence the loop).
 */
static void end_orphans(void)
{
	const struct timespec pause = { 0, 1000000 };

	for (int ms = 0; ms < ORPHAN_GRACE_MS; ms++) {
		pid_t pid;

		while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
			;
		if (pid < 0 && errno == ECHILD)
			return;
		if (kill_children() < 0)
			return;
		nanosleep(&pause, NULL);
	}
	cli_debug("some processes of the sandbox would not die");
}

int supervisor_wait(pid_t child, double timeout, bool end_orphans_after)
{
	struct timespec deadline = { 0 }, left;
	bool timed_out = false;
	int status = 0;
	sigset_t set;
	siginfo_t si;

	waited_signals(&set);
	if (timeout > 0)
		deadline = deadline_after(timeout);
	while (!reap(child, &status)) {
		int sig;

		if (timeout > 0 && !timed_out && !time_left(&deadline, &left)) {
			cli_debug("timeout: killing the sandbox");
			kill(child, SIGKILL);
			timed_out = true;
			continue;
		}
		if (timeout > 0 && !timed_out)
			sig = sigtimedwait(&set, &si, &left);
		else
			sig = sigwaitinfo(&set, &si);
		if (sig > 0 && sig != SIGCHLD && should_relay(&si, child))
			kill(child, sig);
	}
	if (end_orphans_after)
		end_orphans();
	return timed_out ? BENTO_EXIT_TIMEOUT : exit_code(status);
}
