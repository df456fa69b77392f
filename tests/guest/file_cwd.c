// file_cwd: getcwd/chdir/fchdir, relative paths after chdir, "..", the raw
// getcwd return value, and ERANGE/ENOTDIR/ENOENT errors.
#include "guest.h"
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define D "/tmp/bento-gt-file_cwd-d"

static void pwd(void)
{
	char buf[PATH_MAX];
	printf("cwd: %s\n", getcwd(buf, sizeof buf) ? buf : ename(errno));
}

int main(void)
{
	rm_tree(D);
	mkdir(D, 0755);
	mkdir(D "/sub", 0755);
	say("chdir", chdir(D "/sub"));
	pwd();
	int fd = open("rel", O_CREAT | O_WRONLY, 0644);
	close(fd);
	say("relative create visible absolutely", access(D "/sub/rel", F_OK));
	say("chdir ..", chdir(".."));
	pwd();
	say("relative path with dir", access("sub/rel", F_OK));
	say("chdir ./sub/../sub", chdir("./sub/../sub"));
	pwd();
	int dfd = open(D, O_RDONLY | O_DIRECTORY);
	say("fchdir", fchdir(dfd));
	pwd();
	char buf[PATH_MAX];
	long r = syscall(SYS_getcwd, buf, sizeof buf);
	printf("raw getcwd returns length with NUL: %ld (strlen+1=%zu)\n", r, strlen(D) + 1);
	char tiny[4];
	printf("getcwd small buffer: %s\n", getcwd(tiny, sizeof tiny) ? "ok" : ename(errno));
	say("chdir to file", chdir(D "/sub/rel"));
	say("chdir missing", chdir(D "/missing"));
	fd = open(D "/sub/rel", O_RDONLY);
	say("fchdir to file fd", fchdir(fd));
	close(fd);
	say("fchdir bad fd", fchdir(999));
	pwd();
	say("chdir /", chdir("/"));
	pwd();
	say("chdir /..", chdir("/.."));
	pwd();
	say("chdir /tmp", chdir("/tmp"));
	say("relative path from /tmp", access("bento-gt-file_cwd-d/sub/rel", F_OK));
	unlink(D "/sub/rel");
	rmdir(D "/sub");
	close(dfd);
	say("cleanup", rmdir(D));
	return 0;
}
