// proc_many: /proc lists every process, however many there are. The test
// forks 150 children that block on a pipe, then counts the entries of
// /proc whose stat names it as the parent (ps and pgrep find processes
// this way), and /proc/<pid>/stat of the last child; then it lets them
// go and reaps them all.
#include "guest.h"
#include <dirent.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILDREN 150

// The parent pid in /proc/<name>/stat, or -1.
static int stat_ppid(const char *name)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%s/stat", name);
	if (slurp_into(path, buf, sizeof buf) <= 0)
		return -1;
	const char *p = strrchr(buf, ')'); // the name may hold spaces
	char state;
	int ppid;
	return p && sscanf(p + 1, " %c %d", &state, &ppid) == 2 ? ppid : -1;
}

static int children_listed(void)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (atoi(e->d_name) > 0 && stat_ppid(e->d_name) == getpid())
			n++;
	closedir(d);
	return n;
}

int main(void)
{
	int gate[2];
	pid_t last = 0;
	if (pipe(gate))
		return 1;
	for (int i = 0; i < CHILDREN; i++) {
		pid_t p = fork();
		if (p < 0) {
			printf("fork %d failed\n", i);
			return 1;
		}
		if (p == 0) {
			char c;
			close(gate[1]);
			_exit(read(gate[0], &c, 1) == 0 ? 0 : 1);
		}
		last = p;
	}
	close(gate[0]);
	printf("children listed: %d of %d\n", children_listed(), CHILDREN);
	char name[16];
	snprintf(name, sizeof name, "%d", last);
	printf("last child's stat names the parent: %s\n", stat_ppid(name) == getpid() ? "yes" : "no");
	close(gate[1]);
	int reaped = 0, clean = 0, st;
	while (wait(&st) > 0) {
		reaped++;
		clean += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	printf("reaped %d, exited 0: %d\n", reaped, clean);
	return 0;
}
