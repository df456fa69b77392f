// proc_exec_paths: execve checks the file it is given before it reads argv
// (a directory, a FIFO, a missing or non-executable file fail with their
// own error even when argv is a bad pointer; a good program with a bad
// argv gets EFAULT), a FIFO is refused without blocking, and execve through
// a chain of symbolic links runs the target. Then host symlinks (library
// links in /usr/lib/x86_64-linux-gnu, alternatives links in /usr/bin) seen
// through stat, lstat, open, open with O_NOFOLLOW and realpath: bento reads
// a link that is a path's last component and retries in one step; and
// directory links in /usr/share/doc used as a path's middle component
// (stat, lstat, access and open of an entry beneath one), which the one
// step cannot take and leaves to the full walk.
#include "guest.h"
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>

#define TDIR "/tmp/bento-gt-proc_exec_paths"

extern char **environ;

// execve(path, argv) in a child; prints the error it got (or its status).
static void try_exec(const char *label, const char *path, char **argv)
{
	pid_t c = fork();
	if (c == 0) {
		alarm(5); // a FIFO must not block the exec
		execve(path, argv, environ);
		printf("%s: %s\n", label, ename(errno));
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		printf("%s: ran, %s\n", label, wstr(st));
}

static const char *kind(mode_t m)
{
	return S_ISREG(m) ? "file" : S_ISDIR(m) ? "dir" : S_ISLNK(m) ? "link" : "other";
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

// The symbolic links in dir (to directories only, if dirs_only), sorted,
// into names (4096 at most); their count, or -1 (printed) if dir cannot
// be read.
static int sorted_links(const char *dir, int dirs_only, char **names)
{
	DIR *d = opendir(dir);
	if (!d) {
		printf("%s: %s\n", dir, ename(errno));
		return -1;
	}
	int count = 0;
	struct dirent *e;
	struct stat st;
	char p[PATH_MAX];
	while ((e = readdir(d)) && count < 4096) {
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (e->d_type == DT_LNK && (!dirs_only || (stat(p, &st) == 0 && S_ISDIR(st.st_mode))))
			names[count++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, count, sizeof(names[0]), by_name);
	return count;
}

// The first n symbolic links of dir (sorted), through every lookup.
static void links_of(const char *dir, int n)
{
	static char *names[4096];
	int count = sorted_links(dir, 0, names);
	for (int i = 0; i < count && i < n; i++) {
		char p[PATH_MAX], real[PATH_MAX];
		struct stat st, lst, fst;
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		int s = stat(p, &st), l = lstat(p, &lst);
		printf("%s: stat %s", p, s == 0 ? kind(st.st_mode) : ename(errno));
		if (s == 0)
			printf(" %lld bytes", (long long)st.st_size);
		printf(", lstat %s", l == 0 ? kind(lst.st_mode) : ename(errno));
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &fst) == 0)
			printf(", open %s %lld bytes, same %s", kind(fst.st_mode), (long long)fst.st_size,
			       YN(s == 0 && fst.st_size == st.st_size && fst.st_ino == st.st_ino));
		else
			printf(", open %s", ename(errno));
		if (fd >= 0)
			close(fd);
		fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		printf(", nofollow %s", fd >= 0 ? "ok" : ename(errno));
		if (fd >= 0)
			close(fd);
		printf(", realpath %s\n", realpath(p, real) ? real : ename(errno));
		free(names[i]);
	}
	for (int i = n; i < count; i++)
		free(names[i]);
}

// Through the first n directory links of dir: an entry beneath each.
static void dir_links_of(const char *dir, int n)
{
	static char *names[4096];
	struct dirent *e;
	struct stat st;
	char p[PATH_MAX];
	int count = sorted_links(dir, 1, names);
	for (int i = 0; i < count; i++) {
		if (i < n) {
			char first[256] = "";
			snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
			DIR *sub = opendir(p);
			while (sub && (e = readdir(sub)))
				if (e->d_name[0] != '.' && (!first[0] || strcmp(e->d_name, first) < 0))
					snprintf(first, sizeof(first), "%s", e->d_name);
			if (sub)
				closedir(sub);
			snprintf(p, sizeof(p), "%s/%s/%s", dir, names[i], first);
			struct stat lst;
			int s1 = stat(p, &st), s2 = lstat(p, &lst), a = access(p, R_OK);
			printf("%s: stat %s, lstat %s, access %s", p, s1 == 0 ? kind(st.st_mode) : ename(errno),
			       s2 == 0 ? kind(lst.st_mode) : ename(errno), a == 0 ? "ok" : ename(errno));
			int fd = open(p, O_RDONLY | O_CLOEXEC);
			printf(", open %s\n", fd >= 0 ? "ok" : ename(errno));
			if (fd >= 0)
				close(fd);
		}
		free(names[i]);
	}
}

int main(void)
{
	char *bad = (char *)1;
	char *av[] = { "true", NULL };
	mkdir(TDIR, 0755);
	unlink(TDIR "/fifo");
	mkfifo(TDIR "/fifo", 0755);
	int fd = open(TDIR "/plain", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	close(fd);
	unlink(TDIR "/l1");
	unlink(TDIR "/l2");
	unlink(TDIR "/l3");
	symlink("/bin/true", TDIR "/l3");
	symlink("l3", TDIR "/l2");
	symlink(TDIR "/l2", TDIR "/l1");

	try_exec("directory, bad argv", TDIR, (char **)bad);
	try_exec("fifo, bad argv", TDIR "/fifo", (char **)bad);
	try_exec("fifo", TDIR "/fifo", av);
	try_exec("missing, bad argv", TDIR "/missing", (char **)bad);
	try_exec("not executable, bad argv", TDIR "/plain", (char **)bad);
	try_exec("/bin/true, bad argv", "/bin/true", (char **)bad);
	try_exec("link chain to /bin/true", TDIR "/l1", av);
	try_exec("/lib64 loader link", "/lib64/ld-linux-x86-64.so.2", (char *[]){ "ld.so", "/bin/true", NULL });

	links_of("/usr/lib/x86_64-linux-gnu", 12);
	links_of("/usr/bin", 12);
	dir_links_of("/usr/share/doc", 6);

	unlink(TDIR "/l1");
	unlink(TDIR "/l2");
	unlink(TDIR "/l3");
	unlink(TDIR "/fifo");
	unlink(TDIR "/plain");
	rmdir(TDIR);
	return 0;
}
