// paths STEP...: ordinary libc calls with path tricks, one STEP at a time:
//   r:PATH          open PATH and copy it to stdout (a directory is listed)
//   l:LINK=TARGET   symlink(TARGET, LINK), then open LINK and copy it
//   h:LINK=TARGET   link(TARGET, LINK) (a hard link), then open LINK
//   c:DIR           chdir(DIR)
//   d:DIR:REL       openat(open(DIR), REL) and copy it
// Each step prints "STEP: ok" or "STEP: ERRNO". run.sh checks that no
// secret (the run's random token, /etc/shadow's first line) appears.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void result(const char *step, int r)
{
	printf("%s: %s\n", step, r < 0 ? strerrorname_np(errno) : "ok");
	fflush(stdout);
}

static void copy(const char *step, int fd)
{
	result(step, fd);
	if (fd < 0)
		return;
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	if (n < 0 && errno == EISDIR) {
		DIR *d = fdopendir(fd);
		struct dirent *e;
		while (d && (e = readdir(d)))
			printf("  %s\n", e->d_name);
		if (d)
			closedir(d);
	} else {
		close(fd);
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char *s = argv[i], *arg = s + 2, *eq;
		if (!strncmp(s, "r:", 2)) {
			copy(s, open(arg, O_RDONLY));
		} else if (!strncmp(s, "l:", 2) && (eq = strchr(arg, '='))) {
			*eq = 0;
			result("symlink", symlink(eq + 1, arg));
			copy(arg, open(arg, O_RDONLY));
			*eq = '=';
		} else if (!strncmp(s, "h:", 2) && (eq = strchr(arg, '='))) {
			*eq = 0;
			result("link", link(eq + 1, arg));
			copy(arg, open(arg, O_RDONLY));
			*eq = '=';
		} else if (!strncmp(s, "c:", 2)) {
			result(s, chdir(arg));
		} else if (!strncmp(s, "d:", 2) && (eq = strchr(arg, ':'))) {
			*eq = 0;
			int dfd = open(arg, O_RDONLY | O_DIRECTORY);
			*eq = ':';
			copy(s, dfd < 0 ? dfd : openat(dfd, eq + 1, O_RDONLY));
		} else {
			printf("bad step %s\n", s);
			return 2;
		}
	}
	return 0;
}
