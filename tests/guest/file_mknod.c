// file_mknod: mkfifo/mknod (named pipes, regular files, bad types, errors)
// and a named pipe carrying data between two processes, including the
// O_NONBLOCK open rules; fallocate on files, pipes and bad descriptors.
// (Device nodes are left out: root may make them natively, a sandbox never.)
#include "guest.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define D "/tmp/bento-gt-file_mknod-d"

static void show_type(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		printf("lstat %s: %s\n", path + sizeof(D), ename(errno));
		return;
	}
	printf("%s: fifo %s, reg %s, size %lld, perm %o\n", path + sizeof(D), YN(S_ISFIFO(st.st_mode)),
	       YN(S_ISREG(st.st_mode)), (long long)st.st_size, st.st_mode & 0777);
}

static void fifo_transfer(void)
{
	say("open fifo O_WRONLY|O_NONBLOCK with no reader", open(D "/p", O_WRONLY | O_NONBLOCK));
	int rd = open(D "/p", O_RDONLY | O_NONBLOCK);
	say("open fifo O_RDONLY|O_NONBLOCK", rd);
	char c;
	say("read empty fifo with no writer", read(rd, &c, 1));
	close(rd);
	pid_t pid = fork();
	if (pid == 0) {
		int w = open(D "/p", O_WRONLY);
		write(w, "through the fifo\n", 17);
		_exit(w < 0);
	}
	int r = open(D "/p", O_RDONLY);
	char buf[64] = { 0 };
	ssize_t n = 0, k;
	while (r >= 0 && (k = read(r, buf + n, sizeof buf - 1 - n)) > 0)
		n += k;
	printf("read from fifo: %zd '%s'\n", n, buf);
	close(r);
	int st;
	waitpid(pid, &st, 0);
	printf("writer: %s\n", wstr(st));
}

static void fallocate_cases(void)
{
	int fd = open(D "/alloc", O_CREAT | O_RDWR | O_TRUNC, 0644);
	printf("posix_fallocate 0+10: %s\n", ename(posix_fallocate(fd, 0, 10)));
	show_type(D "/alloc");
	say("fallocate KEEP_SIZE", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 8192));
	show_type(D "/alloc");
	say("fallocate len 0", fallocate(fd, 0, 0, 0));
	say("fallocate negative offset", fallocate(fd, 0, -1, 10));
	close(fd);
	fd = open(D "/alloc", O_RDONLY);
	say("fallocate on O_RDONLY", fallocate(fd, 0, 0, 10));
	close(fd);
	int p[2];
	pipe(p);
	say("fallocate on a pipe", fallocate(p[1], 0, 0, 10));
	close(p[0]);
	close(p[1]);
	say("fallocate on fd -42", fallocate(-42, 0, 0, 10));
	printf("posix_fallocate fd -42: %s\n", ename(posix_fallocate(-42, 0, 10)));
}

int main(void)
{
	rm_tree(D);
	mkdir(D, 0755);
	umask(022);
	say("mkfifo", mkfifo(D "/p", 0666));
	show_type(D "/p");
	say("mkfifo existing", mkfifo(D "/p", 0600));
	say("mkfifo in missing dir", mkfifo(D "/none/p", 0600));
	say("mknod S_IFREG", mknod(D "/reg", S_IFREG | 0640, 0));
	show_type(D "/reg");
	say("mknod type 0", mknod(D "/zero", 0600, 0));
	show_type(D "/zero");
	say("mknod bad type", mknod(D "/bad", 0150000 | 0600, 0));
	say("mknodat fifo", mknodat(AT_FDCWD, D "/p2", S_IFIFO | 0644, 0));
	show_type(D "/p2");
	int dir = open(D, O_RDONLY | O_DIRECTORY);
	say("mkfifoat relative", mkfifoat(dir, "p3", 0600));
	show_type(D "/p3");
	close(dir);
	say("unlink fifo", unlink(D "/p3"));
	fifo_transfer();
	fallocate_cases();
	rm_tree(D);
	return 0;
}
