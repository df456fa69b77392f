// proc_orphan: a grandchild whose parent exits is reparented: its getppid()
// changes away from the dead parent; in the sandbox the first process (pid
// 1, this test) becomes its parent and can reap it, natively the test is not
// pid 1 and some init or subreaper adopts it (so only relations are
// printed). Then the same with PR_SET_CHILD_SUBREAPER in a child: the
// subreaper adopts and reaps the orphan (deterministic on both sides).
#include "guest.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static void ms_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

// Forks a middle process that forks an orphan and exits at once; the orphan
// waits for its parent to change, writes its pid and new parent into OUT
// and exits with 33. Returns the middle process's pid; *orphan gets the
// orphan's pid (sent over a pipe by the middle process).
static pid_t make_orphan(int out, pid_t *orphan)
{
	int p[2];
	pipe(p);
	pid_t m = fork();
	if (m == 0) {
		close(p[0]);
		pid_t mid = getpid();
		int q[2];
		pipe(q);
		pid_t o = fork();
		if (o == 0) {
			close(p[1]);
			pid_t old = getppid();
			write(q[1], "r", 1);
			int loops = 0;
			while (getppid() == mid && loops < 1000) {
				ms_sleep(5);
				loops++;
			}
			pid_t info[3] = { getpid(), old == mid, getppid() };
			write(out, info, sizeof info);
			_exit(33);
		}
		char ch;
		read(q[0], &ch, 1);
		write(p[1], &o, sizeof o);
		_exit(0);
	}
	close(p[1]);
	read(p[0], orphan, sizeof *orphan);
	close(p[0]);
	return m;
}

int main(void)
{
	pid_t me = getpid();
	int res[2];
	pipe(res);

	pid_t orphan = 0;
	pid_t m = make_orphan(res[1], &orphan);
	int st;
	pid_t r = waitpid(m, &st, 0);
	printf("middle process reaped: %s, %s\n", YN(r == m), wstr(st));
	pid_t info[3] = { 0, 0, 0 };
	read(res[0], info, sizeof info);
	printf("orphan reported: %s, its parent was the middle process: %s\n", YN(info[0] == orphan), YN(info[1]));
	printf("orphan's new parent is not its dead parent: %s\n", YN(info[2] != m && info[2] > 0));
	printf("orphan's new parent is not me (or I am pid 1 and it is me): %s\n",
	       YN(me == 1 ? info[2] == 1 : info[2] != me));
	if (me == 1) {
		r = waitpid(orphan, &st, 0);
		printf("orphan reaped by pid 1 (natively: not my child): %s\n", YN(r == orphan && WIFEXITED(st) && WEXITSTATUS(st) == 33));
	} else {
		r = waitpid(orphan, &st, 0);
		printf("orphan reaped by pid 1 (natively: not my child): %s\n", YN(r < 0 && errno == ECHILD));
	}

	// A subreaper (not pid 1) adopts the orphans of its descendants.
	pid_t s = fork();
	if (s == 0) {
		int rc = prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
		int flag = -1;
		prctl(PR_GET_CHILD_SUBREAPER, &flag, 0, 0, 0);
		printf("subreaper: set %s, get %d\n", rc == 0 ? "ok" : ename(errno), flag);
		pid_t o2 = 0;
		pid_t m2 = make_orphan(res[1], &o2);
		waitpid(m2, &st, 0);
		pid_t info2[3] = { 0, 0, 0 };
		read(res[0], info2, sizeof info2);
		printf("subreaper: orphan's new parent is the subreaper: %s\n", YN(info2[2] == getpid()));
		r = waitpid(o2, &st, 0);
		printf("subreaper reaped the orphan: %s, %s\n", YN(r == o2), wstr(st));
		_exit(0);
	}
	waitpid(s, &st, 0);
	printf("subreaper process: %s\n", wstr(st));
	return 0;
}
