// id_groups: supplementary groups. As root: setgroups of 100 groups (more
// than a small fixed table holds) reads back through getgroups and
// /proc/self/status, is inherited by a child, a group in the list grants
// a file's group permission to a non-root user (access), and setgroups(0) clears
// it; then the errors in Linux's order (EINVAL for more than NGROUPS_MAX
// or a too-small getgroups buffer, EFAULT for an unreadable list, EPERM
// once the process is no longer root).
#include "guest.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 100
#define FILE_PATH "/tmp/bento-gt-id_groups"

static const char *err(long r)
{
	return r >= 0 ? "ok" : errno == EACCES ? "EACCES" : errno == EPERM ? "EPERM" : errno == EINVAL ? "EINVAL" : errno == EFAULT ? "EFAULT" :
	       strerror(errno);
}

// How many numbers the Groups: line of /proc/self/status holds.
static int status_groups(void)
{
	char buf[8192];
	slurp_into("/proc/self/status", buf, sizeof buf);
	char *p = strstr(buf, "Groups:");
	int n = 0;
	if (!p)
		return -1;
	for (p += 7; *p && *p != '\n';) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p >= '0' && *p <= '9') {
			n++;
			while (*p >= '0' && *p <= '9')
				p++;
		} else if (*p != '\n' && *p) {
			p++;
		}
	}
	return n;
}

int main(void)
{
	if (geteuid() != 0) {
		gid_t g = 1;
		printf("not root: setgroups %s\n", err(syscall(SYS_setgroups, 1, &g)));
		return 0;
	}
	gid_t set[N], got[N + 5];
	// The last group is the one a new file gets (the process's own, which
	// the file keeps: chown to other groups is not what is tested here).
	int fd = open(FILE_PATH, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	close(fd);
	chmod(FILE_PATH, 040);
	struct stat st;
	stat(FILE_PATH, &st);
	for (int i = 0; i < N; i++)
		set[i] = 20000 + (gid_t)i;
	set[N - 1] = st.st_gid;
	printf("setgroups(%d): %s\n", N, err(syscall(SYS_setgroups, N, set)));
	long n = syscall(SYS_getgroups, 0, NULL);
	printf("getgroups(0): %ld\n", n);
	printf("getgroups(too small): %s\n", err(syscall(SYS_getgroups, N - 1, got)));
	n = syscall(SYS_getgroups, N + 5, got);
	int sorted = 1;
	for (long i = 1; i < n; i++)
		sorted &= got[i - 1] <= got[i];
	printf("getgroups: %ld, ascending: %s, first %s\n", n, sorted ? "yes" : "no",
	       n > 0 && got[0] == st.st_gid ? "the file's group" : "another");
	printf("/proc/self/status Groups: %d\n", status_groups());
	pid_t c = fork();
	if (c == 0) {
		printf("child: getgroups %ld\n", syscall(SYS_getgroups, 0, NULL));
		// A group in the list opens a file of that group for a non-root user.
		if (setresgid(1, 1, 1) || setresuid(65534, 65534, 65534))
			printf("child: could not drop root\n");
		printf("child as uid 65534: access(R_OK) of a file of its last group (mode 040): %s\n",
		       err(access(FILE_PATH, R_OK)));
		printf("child as uid 65534: access(W_OK) of it: %s\n", access(FILE_PATH, W_OK) ? "denied" : "ok");
		gid_t g = 1;
		printf("child as uid 65534: setgroups %s\n", err(syscall(SYS_setgroups, 1, &g)));
		_exit(0);
	}
	waitpid(c, NULL, 0);
	unlink(FILE_PATH);
	printf("setgroups(65537): %s\n", err(syscall(SYS_setgroups, 65537, set)));
	printf("setgroups(bad list): %s\n", err(syscall(SYS_setgroups, 2, (void *)8)));
	long r = syscall(SYS_setgroups, 0, NULL);
	printf("setgroups(0): %s, now %ld\n", err(r), syscall(SYS_getgroups, 0, NULL));
	return 0;
}
