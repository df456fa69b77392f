// proc_procfs: /proc/<pid> of another process of the sandbox (a child that
// exec'd /bin/sleep): the pid in the /proc listing, cmdline, comm, stat
// (state, ppid, pgrp, session), status (Name, State, PPid), exe, fd/ (an
// inherited pipe at fd 5), maps naming the program; a zombie shows state
// Z and an empty cmdline; after the reap the directory is gone.
#include "guest.h"
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static char buf[1 << 16];

static ssize_t slurp(const char *path)
{
	return slurp_into(path, buf, sizeof buf);
}

static void ms_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int in_listing(pid_t pid)
{
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	struct dirent *e;
	int found = 0;
	while ((e = readdir(d)))
		if (atoi(e->d_name) == pid)
			found = 1;
	closedir(d);
	return found;
}

// The value of "Key:" in a status text.
static const char *field(const char *text, const char *key, char *out, size_t n)
{
	const char *p = strstr(text, key);
	out[0] = 0;
	if (!p)
		return out;
	p += strlen(key);
	while (*p == ' ' || *p == '\t')
		p++;
	size_t i = 0;
	while (p[i] && p[i] != '\n' && i < n - 1) {
		out[i] = p[i];
		i++;
	}
	out[i] = 0;
	return out;
}

int main(void)
{
	pid_t me = getpid();
	int p[2];
	pipe(p);
	pid_t c = fork();
	if (c == 0) {
		dup2(p[1], 5);
		execl("/bin/sleep", "/bin/sleep", "30", (char *)NULL);
		_exit(127);
	}
	char path[64];
	// Wait until the child has exec'd (its comm becomes "sleep").
	snprintf(path, sizeof path, "/proc/%d/comm", c);
	for (int i = 0; i < 400; i++) {
		if (slurp(path) > 0 && !strcmp(buf, "sleep\n"))
			break;
		ms_sleep(5);
	}
	printf("comm: %s", buf);
	// ... and has reached its sleep (right after exec it may still run).
	snprintf(path, sizeof path, "/proc/%d/stat", c);
	for (int i = 0; i < 400; i++) {
		char *paren = slurp(path) > 0 ? strrchr(buf, ')') : NULL;
		if (paren && paren[1] == ' ' && paren[2] == 'S')
			break;
		ms_sleep(5);
	}
	printf("child in the /proc listing: %s, me too: %s\n", YN(in_listing(c)), YN(in_listing(me)));

	snprintf(path, sizeof path, "/proc/%d/cmdline", c);
	ssize_t n = slurp(path);
	for (ssize_t i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = '|';
	printf("cmdline: %s\n", n >= 0 ? buf : ename(errno));

	snprintf(path, sizeof path, "/proc/%d/stat", c);
	if (slurp(path) > 0) {
		int pid, ppid, pgrp, sid;
		char comm[64], state;
		int k = sscanf(buf, "%d %63s %c %d %d %d", &pid, comm, &state, &ppid, &pgrp, &sid);
		printf("stat: fields %d, pid %s, comm %s, state %c, ppid is me %s, pgrp ours %s, session ours %s\n", k,
		       YN(pid == c), comm, state, YN(ppid == me), YN(pgrp == getpgrp()), YN(sid == getsid(0)));
	} else {
		printf("stat: %s\n", ename(errno));
	}

	snprintf(path, sizeof path, "/proc/%d/status", c);
	if (slurp(path) > 0) {
		char v[64], w[64], x[64];
		field(buf, "Name:", v, sizeof v);
		field(buf, "State:", w, sizeof w);
		field(buf, "PPid:", x, sizeof x);
		printf("status: Name %s, State %.1s, PPid is me %s\n", v, w, YN(atoi(x) == me));
	} else {
		printf("status: %s\n", ename(errno));
	}

	char link[256];
	snprintf(path, sizeof path, "/proc/%d/exe", c);
	n = readlink(path, link, sizeof link - 1);
	link[n > 0 ? n : 0] = 0;
	printf("exe: %s\n", n > 0 ? link : ename(errno));

	snprintf(path, sizeof path, "/proc/%d/fd/5", c);
	n = readlink(path, link, sizeof link - 1);
	link[n > 0 ? n : 0] = 0;
	printf("fd/5 is a pipe: %s\n", n > 0 ? YN(!strncmp(link, "pipe:[", 6)) : ename(errno));
	snprintf(path, sizeof path, "/proc/%d/fd", c);
	DIR *d = opendir(path);
	int has5 = 0;
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)))
			has5 |= !strcmp(e->d_name, "5");
		closedir(d);
	}
	printf("fd/ listing has 5: %s\n", YN(has5));

	snprintf(path, sizeof path, "/proc/%d/maps", c);
	n = slurp(path);
	printf("maps names the program: %s\n", YN(n > 0 && strstr(buf, "/usr/bin/sleep")));

	// A zombie.
	kill(c, SIGTERM);
	siginfo_t si;
	waitid(P_PID, c, &si, WEXITED | WNOWAIT);
	snprintf(path, sizeof path, "/proc/%d/stat", c);
	if (slurp(path) > 0) {
		char comm[64], state = '?';
		int pid;
		sscanf(buf, "%d %63s %c", &pid, comm, &state);
		printf("zombie: state %c\n", state);
	} else {
		printf("zombie stat: %s\n", ename(errno));
	}
	snprintf(path, sizeof path, "/proc/%d/cmdline", c);
	n = slurp(path);
	printf("zombie cmdline length: %zd\n", n);
	int st;
	waitpid(c, &st, 0);
	snprintf(path, sizeof path, "/proc/%d", c);
	printf("after the reap: /proc/<pid> %s, in the listing: %s\n", access(path, F_OK) == 0 ? "exists" : ename(errno),
	       YN(in_listing(c)));
	return 0;
}
