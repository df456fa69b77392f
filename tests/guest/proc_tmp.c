// proc_tmp: the in-memory /tmp (and /dev/shm) is shared by the processes
// of a sandbox: a file written by a child is read by the parent and vice
// versa, a file created by a child after fork is visible, renames,
// unlinks and mkdir by one process are seen by the other, an fd inherited
// across fork shares its offset (writes through either advance it), an fd
// opened separately has its own offset, O_APPEND writers in two processes
// never overwrite each other, and an unlinked file stays readable through
// an fd the other process still holds. Also a file written by an exec'd
// program (/bin/sh) and read back.
#include "guest.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define D "/tmp/bento-gt-proc_tmp"

static pid_t run_child(void (*fn)(void))
{
	pid_t c = fork();
	if (c == 0) {
		fn();
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		printf("child failed: %s\n", wstr(st));
	return c;
}

static void slurp(const char *label, const char *path)
{
	char buf[512];
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("%s: %s\n", label, ename(errno));
		return;
	}
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	printf("%s: '%s'\n", label, buf);
}

static void child_writes(void)
{
	int fd = open(D "/from-child", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	write(fd, "written by the child", 20);
	close(fd);
	mkdir(D "/child-dir", 0755);
	rename(D "/to-rename", D "/renamed");
	unlink(D "/to-unlink");
}

static void child_reads(void)
{
	slurp("child reads the parent's file", D "/from-parent");
}

static int shared_fd, held_fd;

static void child_shared_offset(void)
{
	write(shared_fd, "child-", 6);
}

static void child_unlinks(void)
{
	unlink(D "/held");
}

static void child_appends(void)
{
	int fd = open(D "/append", O_WRONLY | O_APPEND);
	for (int i = 0; i < 500; i++)
		write(fd, "c", 1);
	close(fd);
}

static void child_own_offset(void)
{
	int fd = open(D "/offsets", O_RDWR);
	write(fd, "XX", 2);
	close(fd);
}

int main(void)
{
	rm_tree(D);
	mkdir(D, 0755);
	int fd = open(D "/from-parent", O_WRONLY | O_CREAT, 0644);
	write(fd, "written by the parent", 21);
	close(fd);
	close(open(D "/to-rename", O_WRONLY | O_CREAT, 0644));
	close(open(D "/to-unlink", O_WRONLY | O_CREAT, 0644));
	run_child(child_reads);
	run_child(child_writes);
	slurp("parent reads the child's file", D "/from-child");
	struct stat st;
	printf("child's mkdir seen: %s\n", YN(stat(D "/child-dir", &st) == 0 && S_ISDIR(st.st_mode)));
	printf("child's rename seen: %s %s\n", YN(stat(D "/renamed", &st) == 0), YN(stat(D "/to-rename", &st) < 0));
	printf("child's unlink seen: %s\n", YN(stat(D "/to-unlink", &st) < 0 && errno == ENOENT));

	// Inherited fd: one offset.
	shared_fd = open(D "/shared", O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(shared_fd, "parent-", 7);
	run_child(child_shared_offset);
	printf("offset after the child's write: %ld\n", (long)lseek(shared_fd, 0, SEEK_CUR));
	write(shared_fd, "parent2", 7);
	slurp("shared file", D "/shared");

	// Separately opened: own offset (the child overwrites at 0).
	fd = open(D "/offsets", O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(fd, "abcdef", 6);
	run_child(child_own_offset);
	printf("parent's offset unchanged: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
	close(fd);
	slurp("offsets file", D "/offsets");

	// O_APPEND from two processes at once.
	close(open(D "/append", O_WRONLY | O_CREAT | O_TRUNC, 0644));
	pid_t c = fork();
	if (c == 0) {
		child_appends();
		_exit(0);
	}
	int afd = open(D "/append", O_WRONLY | O_APPEND);
	for (int i = 0; i < 500; i++)
		write(afd, "p", 1);
	close(afd);
	waitpid(c, NULL, 0);
	stat(D "/append", &st);
	printf("O_APPEND from two processes: size %ld\n", (long)st.st_size);

	// Unlinked by a child while the parent holds it open.
	held_fd = open(D "/held", O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(held_fd, "still here", 10);
	run_child(child_unlinks);
	char buf[32] = { 0 };
	ssize_t n = pread(held_fd, buf, sizeof buf - 1, 0);
	printf("unlinked by the child, read through my fd: %zd '%s', name gone: %s\n", n, buf,
	       YN(access(D "/held", F_OK) < 0));
	struct stat fst;
	fstat(held_fd, &fst);
	printf("nlink now: %ld\n", (long)fst.st_nlink);
	close(held_fd);

	// A file written by an exec'd shell.
	c = fork();
	if (c == 0) {
		execl("/bin/sh", "sh", "-c", "echo from sh > " D "/sh-out; echo more >> " D "/sh-out", (char *)NULL);
		_exit(127);
	}
	int ws;
	waitpid(c, &ws, 0);
	slurp("written by /bin/sh", D "/sh-out");

	// /dev/shm too.
	int s = open("/dev/shm/bento-gt-proc_tmp", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (s < 0) {
		printf("/dev/shm: %s\n", ename(errno));
	} else {
		c = fork();
		if (c == 0) {
			int f = open("/dev/shm/bento-gt-proc_tmp", O_WRONLY);
			write(f, "shm file", 8);
			_exit(0);
		}
		waitpid(c, NULL, 0);
		slurp("/dev/shm file written by the child", "/dev/shm/bento-gt-proc_tmp");
		close(s);
		unlink("/dev/shm/bento-gt-proc_tmp");
	}
	rm_tree(D);
	return 0;
}
