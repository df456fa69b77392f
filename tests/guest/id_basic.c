// id_basic: process identity: getpid/getppid/gettid, user and group ids
// consistent with each other, setuid/setgid to the current ids, getgroups,
// process group and session, and uname.
#include "guest.h"
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(void)
{
	pid_t pid = getpid();
	printf("pid > 0: %s\n", YN(pid > 0));
	printf("ppid >= 0: %s\n", YN(getppid() >= 0));
	printf("gettid == getpid in main thread: %s\n", YN(gettid() == pid));
	printf("raw getpid agrees: %s\n", YN(syscall(SYS_getpid) == pid));
	uid_t r, e, s;
	gid_t gr, ge, gs;
	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	printf("uid == euid == suid: %s\n", YN(getuid() == geteuid() && r == e && e == s && r == getuid()));
	printf("gid == egid == sgid: %s\n", YN(getgid() == getegid() && gr == ge && ge == gs && gr == getgid()));
	say("setuid(getuid())", setuid(getuid()));
	say("setgid(getgid())", setgid(getgid()));
	say("seteuid(geteuid())", seteuid(geteuid()));
	printf("ids unchanged: %s\n", YN(getuid() == r && geteuid() == e && getgid() == gr));
	int n = getgroups(0, NULL);
	gid_t groups[256];
	int n2 = getgroups(256, groups);
	printf("getgroups count stable: %s\n", YN(n >= 0 && n == n2));
	if (n > 0)
		say("getgroups too small", getgroups(n > 1 ? 1 : 0, groups) < 0 && n > 1 ? -1 : 0);
	/* getsid is 0 when the session leader lives outside this pid namespace
	 * (CI containers); only its consistency is portable. */
	printf("getpgrp > 0: %s, getsid >= 0: %s, getsid(0) == getsid(self): %s\n", YN(getpgrp() > 0),
	       YN(getsid(0) >= 0), YN(getsid(0) == getsid(getpid())));
	printf("getpgid(0) == getpgrp: %s\n", YN(getpgid(0) == getpgrp()));

	struct utsname u;
	say("uname", uname(&u));
	printf("sysname: %s\n", u.sysname);
	printf("machine: %s\n", u.machine);
	printf("release starts with a digit: %s\n", YN(u.release[0] >= '0' && u.release[0] <= '9'));
	printf("nodename non-empty: %s\n", YN(u.nodename[0] != 0));
	return 0;
}
