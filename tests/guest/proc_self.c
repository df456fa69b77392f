// proc_self: /proc/self: exe link, maps with [stack] and the program,
// status Name/Pid/Threads, stat, cmdline equal to argv, environ, fd listing
// and fd links, cwd link, /proc/<pid> equal to /proc/self.
// args: first "second arg" ""
#include "guest.h"
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define F "/tmp/bento-gt-proc_self-file"

// Reads a whole small file; returns its length (buffer is NUL terminated).
static ssize_t slurp(const char *path, char *buf, size_t size)
{
	return slurp_into(path, buf, size);
}

static int has_line(const char *text, const char *prefix, char *out, size_t outsz)
{
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, prefix, strlen(prefix)) == 0) {
			size_t n = strcspn(l, "\n");
			snprintf(out, outsz, "%.*s", (int)n, l);
			return 1;
		}
	}
	return 0;
}

static char big[1 << 20];

int main(int argc, char **argv)
{
	char path[PATH_MAX], line[256];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	path[n > 0 ? n : 0] = 0;
	printf("exe absolute: %s, names proc_self: %s\n", YN(path[0] == '/'), YN(n > 10 && !strcmp(path + n - 10, "/proc_self")));

	slurp("/proc/self/maps", big, sizeof big);
	int stack = 0, exe = 0;
	for (char *l = strtok(big, "\n"); l; l = strtok(NULL, "\n")) {
		stack |= strstr(l, "[stack]") != NULL;
		exe |= strstr(l, path) != NULL;
	}
	printf("maps has [stack]: %s, maps has the executable: %s\n", YN(stack), YN(exe));

	slurp("/proc/self/status", big, sizeof big);
	printf("status Name: %s\n", has_line(big, "Name:", line, sizeof line) ? line : "missing");
	char want[64];
	snprintf(want, sizeof want, "Pid:\t%d", getpid());
	printf("status Pid matches getpid: %s\n", YN(has_line(big, want, line, sizeof line) && strcmp(line, want) == 0));
	printf("status has PPid: %s\n", YN(has_line(big, "PPid:", line, sizeof line)));
	printf("status %s\n", has_line(big, "Threads:", line, sizeof line) ? line : "Threads: missing");

	slurp("/proc/self/stat", big, sizeof big);
	snprintf(want, sizeof want, "%d (proc_self) R ", getpid());
	printf("stat starts with pid (comm) R: %s\n", YN(strncmp(big, want, strlen(want)) == 0));

	n = slurp("/proc/self/cmdline", big, sizeof big);
	size_t expect = 0;
	int same = 1;
	for (int i = 0; i < argc; i++) {
		same &= expect < (size_t)n && strcmp(big + expect, argv[i]) == 0;
		expect += strlen(argv[i]) + 1;
	}
	printf("cmdline equals argv: %s (argc=%d, length matches: %s)\n", YN(same), argc, YN((size_t)n == expect));
	for (int i = 1; i < argc; i++)
		printf("argv[%d]='%s'\n", i, argv[i]);

	n = slurp("/proc/self/environ", big, sizeof big);
	int home = 0;
	for (ssize_t off = 0; off < n; off += strlen(big + off) + 1)
		home |= strcmp(big + off, "HOME=/tmp") == 0;
	printf("environ has HOME=/tmp: %s\n", YN(home));

	unlink(F);
	int fd = open(F, O_CREAT | O_RDWR, 0600);
	DIR *d = opendir("/proc/self/fd");
	int has0 = 0, has1 = 0, has2 = 0, hasfd = 0;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		int v = atoi(e->d_name);
		has0 |= !strcmp(e->d_name, "0");
		has1 |= v == 1;
		has2 |= v == 2;
		hasfd |= e->d_name[0] != '.' && v == fd;
	}
	if (d)
		closedir(d);
	printf("fd dir lists 0 1 2: %s %s %s, our file: %s\n", YN(has0), YN(has1), YN(has2), YN(hasfd));
	snprintf(want, sizeof want, "/proc/self/fd/%d", fd);
	n = readlink(want, path, sizeof path - 1);
	path[n > 0 ? n : 0] = 0;
	printf("fd link: %s\n", path);
	char c;
	int fd2 = open(want, O_RDONLY);
	printf("reopen through fd link: %s\n", YN(fd2 >= 0 && read(fd2, &c, 1) == 0));
	close(fd2);
	close(fd);
	unlink(F);

	chdir("/tmp");
	n = readlink("/proc/self/cwd", path, sizeof path - 1);
	path[n > 0 ? n : 0] = 0;
	printf("cwd link: %s\n", path);

	struct stat a, b;
	snprintf(want, sizeof want, "/proc/%d", getpid());
	printf("/proc/<pid> is /proc/self: %s\n", YN(stat(want, &a) == 0 && stat("/proc/self", &b) == 0 && a.st_ino == b.st_ino));
	printf("/proc/thread-self exists: %s\n", YN(stat("/proc/thread-self", &a) == 0));
	say("/proc/self/bento-nonexistent", open("/proc/self/bento-nonexistent", O_RDONLY));
	return 0;
}
