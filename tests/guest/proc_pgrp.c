// proc_pgrp: process groups and sessions: getpgid(0) == getpgrp(), a
// child inherits the group and session, setpgid(0, 0) makes it a leader
// (seen by the parent with getpgid), setpgid by the parent on a child,
// joining another group of the same session, the errors (EPERM for a group
// of another session or a session leader, ESRCH for a pid that is not a
// child, EACCES after the child exec'd, EINVAL for a negative pgid);
// setsid in a child (new session and group, getsid == getpid, EPERM for a
// group leader), getsid/getpgid of other processes and ESRCH for a gone
// pid; the controlling terminal is gone after setsid (open /dev/tty fails).
#include "guest.h"
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void ms_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int rep[2];

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	write(rep[1], line, n);
}

static void flush_child(pid_t c)
{
	int st;
	waitpid(c, &st, 0);
	char buf[4096];
	ssize_t n = read(rep[0], buf, sizeof buf);
	if (n > 0)
		fwrite(buf, 1, n, stdout);
	printf("  child: %s\n", wstr(st));
}

static const char *ok(int rc)
{
	return rc < 0 ? ename(errno) : "ok";
}

int main(void)
{
	pipe(rep);
	fcntl(rep[0], F_SETFL, O_NONBLOCK);
	pid_t me = getpid(), pg = getpgrp(), sid = getsid(0);
	printf("getpgid(0) == getpgrp(): %s, getpgid(me) too: %s, getsid(me) == getsid(0): %s\n", YN(getpgid(0) == pg),
	       YN(getpgid(me) == pg), YN(getsid(me) == sid));

	pid_t c = fork();
	if (c == 0) {
		out("child: inherits group %s and session %s\n", YN(getpgrp() == pg), YN(getsid(0) == sid));
		const char *r0 = ok(setpgid(0, 0));
		out("child: setpgid(0, 0): %s, leader now %s\n", r0, YN(getpgrp() == getpid()));
		out("child: setpgid back to the parent's group: %s\n", ok(setpgid(0, pg)));
		out("child: setpgid to a group that does not exist: %s\n", ok(setpgid(0, 99999)));
		out("child: setpgid(0, -1): %s\n", ok(setpgid(0, -1)));
		out("child: setpgid of the parent (not a child): %s\n", ok(setpgid(me, me)));
		_exit(0);
	}
	flush_child(c);

	// The parent moves a child into a new group, then another child in.
	int go[2];
	pipe(go);
	pid_t a = fork();
	if (a == 0) {
		char ch;
		read(go[0], &ch, 1);
		_exit(0);
	}
	pid_t b = fork();
	if (b == 0) {
		char ch;
		read(go[0], &ch, 1);
		_exit(0);
	}
	const char *r1 = ok(setpgid(a, a));
	printf("parent: setpgid(a, a): %s, getpgid(a) == a: %s\n", r1, YN(getpgid(a) == a));
	r1 = ok(setpgid(b, a));
	printf("parent: setpgid(b, a): %s, getpgid(b) == a: %s\n", r1, YN(getpgid(b) == a));
	printf("parent: getsid(a) is my session: %s\n", YN(getsid(a) == sid));
	write(go[1], "xx", 2);
	waitpid(a, NULL, 0);
	waitpid(b, NULL, 0);
	printf("getpgid(reaped): %s, ", ok(getpgid(a)));
	printf("getsid(reaped): %s\n", ok(getsid(a)));
	printf("setpgid(reaped, 0): %s\n", ok(setpgid(a, 0)));

	// After the child exec'd, the parent can no longer change its group.
	c = fork();
	if (c == 0) {
		execl("/bin/sleep", "sleep", "5", (char *)NULL);
		_exit(127);
	}
	int tries = 0;
	int rc;
	while ((rc = setpgid(c, c)) == 0 && tries < 500) {
		ms_sleep(10);
		tries++;
	}
	printf("setpgid on a child after its exec: %s\n", ok(rc));
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);

	// setsid in a child.
	c = fork();
	if (c == 0) {
		pid_t s = setsid();
		out("child: setsid returned my pid: %s\n", YN(s == getpid()));
		out("child: getsid(0) == pid %s, getpgrp() == pid %s\n", YN(getsid(0) == getpid()), YN(getpgrp() == getpid()));
		out("child: setsid again (a group leader): %s\n", ok(setsid()));
		out("child: setpgid in my own session leader: %s\n", ok(setpgid(0, 0)));
		out("child: setpgid to the old group (another session): %s\n", ok(setpgid(0, pg)));
		int fd = open("/dev/tty", O_RDWR);
		out("child: open /dev/tty without a controlling terminal: %s\n", fd < 0 ? ename(errno) : "ok");
		pid_t g = fork();
		if (g == 0) {
			pid_t gs = getsid(0);
			_exit(gs == getppid() ? 7 : 8);
		}
		int st;
		waitpid(g, &st, 0);
		out("child: grandchild in my session (7): %s\n", wstr(st));
		_exit(0);
	}
	flush_child(c);

	// The parent sees a child's new session.
	pipe(go);
	c = fork();
	if (c == 0) {
		setsid();
		write(go[1], "s", 1);
		ms_sleep(200);
		_exit(0);
	}
	char ch;
	read(go[0], &ch, 1);
	printf("parent: getsid(child) == child: %s, getpgid(child) == child: %s\n", YN(getsid(c) == c), YN(getpgid(c) == c));
	printf("parent: setpgid(child in another session): %s\n", ok(setpgid(c, pg)));
	waitpid(c, NULL, 0);

	printf("getsid(99999): %s, ", ok(getsid(99999)));
	printf("getpgid(99999): %s\n", ok(getpgid(99999)));
	return 0;
}
