// guest.h: helpers shared by the guest tests. Everything a test prints must
// be deterministic, so results are printed as "ok", errno names or yes/no.
#ifndef GUEST_H
#define GUEST_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#define YN(c) ((c) ? "yes" : "no")

// The errno name ("ENOENT"), never the message text.
static inline const char *ename(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "E?";
}

// Prints "LABEL: ok" if rc >= 0, else "LABEL: ENAME" (errno). Returns rc.
static inline long say(const char *label, long rc)
{
	if (rc >= 0)
		printf("%s: ok\n", label);
	else
		printf("%s: %s\n", label, ename(errno));
	return rc;
}

// A wait status as text: "exit 3", "signal SIGTERM", "stopped SIGSTOP",
// "continued" (a static buffer: use before the next call).
static inline const char *wstr(int st)
{
	static char buf[64];
	if (WIFEXITED(st))
		snprintf(buf, sizeof buf, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof buf, "signal SIG%s", sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st)) : "?");
	else if (WIFSTOPPED(st))
		snprintf(buf, sizeof buf, "stopped SIG%s", sigabbrev_np(WSTOPSIG(st)) ? sigabbrev_np(WSTOPSIG(st)) : "?");
	else if (WIFCONTINUED(st))
		snprintf(buf, sizeof buf, "continued");
	else
		snprintf(buf, sizeof buf, "raw 0x%x", st);
	return buf;
}

// "SIGTERM" for a signal number.
static inline const char *sname(int sig)
{
	static char buf[32];
	const char *a = sigabbrev_np(sig);
	if (a)
		snprintf(buf, sizeof buf, "SIG%s", a);
	else
		snprintf(buf, sizeof buf, "signal %d", sig);
	return buf;
}

static inline int guest_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

// Removes PATH and everything below it, quietly: leftovers of an earlier,
// interrupted run must not change what a test prints.
static inline void rm_tree(const char *path)
{
	nftw(path, guest_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

// Line-buffered stdout, so output survives a death by signal and
// interleaves correctly with raw write(1, ...).
__attribute__((constructor)) static void guest_stdout_setup(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

// Reads the whole file path into buf (at most size - 1 bytes, then a NUL).
// Returns the length, or -1 if it does not open.
static inline ssize_t slurp_into(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	size_t len = 0;
	ssize_t n;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	buf[len] = 0;
	close(fd);
	return len;
}

// The "Threads:" count of /proc/self/status, or -1.
static inline int threads_now(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	char line[256];
	int n = -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

#endif
