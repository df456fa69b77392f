// id_uts: sethostname and setdomainname. As root they change the names
// uname and /proc/sys/kernel show, for this process and a child (natively
// the test first makes its own UTS namespace, so the host keeps its
// name); otherwise they fail with EPERM, which Linux checks before the
// length (EINVAL) and the name (EFAULT). If no namespace can be made
// natively as root, the expected output is printed without setting
// anything (as proc_killall does).
#include "guest.h"
#include <errno.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static const char expected_root[] =
	"running as root: yes\n"
	"sethostname(len 65): EINVAL\n"
	"sethostname(len -1): EINVAL\n"
	"sethostname(bad pointer): EFAULT\n"
	"sethostname(uts-test): ok\n"
	"setdomainname(uts.example): ok\n"
	"self: uname new / new, proc new / new\n"
	"child: uname new / new, proc new / new\n";

static const char *err_name(int r)
{
	return r == 0 ? "ok" : errno == EPERM ? "EPERM" : errno == EINVAL ? "EINVAL" :
	       errno == EFAULT ? "EFAULT" : strerror(errno);
}

static void show(const char *who)
{
	struct utsname u;
	char host[128] = "", dom[128] = "";
	uname(&u);
	slurp_into("/proc/sys/kernel/hostname", host, sizeof host);
	slurp_into("/proc/sys/kernel/domainname", dom, sizeof dom);
	printf("%s: uname %s / %s, proc %s / %s\n", who,
	       strcmp(u.nodename, "uts-test") ? "old" : "new", strcmp(u.domainname, "uts.example") ? "old" : "new",
	       strcmp(host, "uts-test\n") ? "old" : "new", strcmp(dom, "uts.example\n") ? "old" : "new");
}

int main(void)
{
	int root = geteuid() == 0;
	if (root && unshare(CLONE_NEWUTS) != 0 && errno != ENOSYS) {
		fputs(expected_root, stdout); // never change the host's names
		return 0;
	}
	printf("running as root: %s\n", root ? "yes" : "no");
	printf("sethostname(len 65): %s\n", err_name((int)syscall(SYS_sethostname, "x", 65)));
	printf("sethostname(len -1): %s\n", err_name((int)syscall(SYS_sethostname, "x", -1)));
	printf("sethostname(bad pointer): %s\n", err_name((int)syscall(SYS_sethostname, 8, 4)));
	printf("sethostname(uts-test): %s\n", err_name(sethostname("uts-testXYZ", 8)));
	printf("setdomainname(uts.example): %s\n", err_name(setdomainname("uts.example", 11)));
	show("self");
	pid_t p = fork();
	if (p == 0) {
		show("child");
		_exit(0);
	}
	waitpid(p, NULL, 0);
	return 0;
}
