// file_link: symlink/readlink/readlinkat (including truncation and errors),
// dangling and looping links, relative link targets, hard links with nlink
// and shared inode, and /proc/self/exe being an absolute, existing path.
#include "guest.h"
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#define D "/tmp/bento-gt-file_link-d"

static void show_link(const char *path)
{
	char buf[256];
	ssize_t n = readlink(path, buf, sizeof buf);
	if (n < 0)
		printf("readlink %s: %s\n", path + sizeof(D), ename(errno));
	else
		printf("readlink %s: %zd '%.*s'\n", path + sizeof(D), n, (int)n, buf);
}

int main(void)
{
	rm_tree(D);
	mkdir(D, 0755);
	mkdir(D "/sub", 0755);
	int fd = open(D "/file", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	write(fd, "content\n", 8);
	close(fd);

	say("symlink", symlink("file", D "/rel"));
	say("symlink existing name", symlink("file", D "/rel"));
	say("symlink absolute", symlink(D "/file", D "/abs"));
	say("symlink up", symlink("../file", D "/sub/up"));
	say("symlink dangling", symlink("nowhere", D "/dangling"));
	symlink("loop2", D "/loop1");
	symlink("loop1", D "/loop2");
	show_link(D "/rel");
	show_link(D "/abs");
	show_link(D "/sub/up");
	show_link(D "/file");
	show_link(D "/missing");
	char small[3];
	printf("readlink truncates: %zd '%.3s'\n", readlink(D "/abs", small, 3), small);
	int dfd = open(D, O_RDONLY | O_DIRECTORY);
	char buf[64];
	ssize_t n = readlinkat(dfd, "sub/up", buf, sizeof buf);
	printf("readlinkat: %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);

	char got[16] = { 0 };
	fd = open(D "/sub/up", O_RDONLY);
	read(fd, got, 7);
	close(fd);
	printf("read via ../ link: %s\n", got);
	say("open dangling", open(D "/dangling", O_RDONLY));
	struct stat st;
	say("lstat dangling", lstat(D "/dangling", &st));
	say("open loop", open(D "/loop1", O_RDONLY));
	say("stat loop", stat(D "/loop1", &st));
	fd = say("O_CREAT through dangling link", open(D "/dangling", O_CREAT | O_WRONLY, 0644));
	close(fd);
	say("target now exists", access(D "/nowhere", F_OK));

	say("link", link(D "/file", D "/hard"));
	say("link existing name", link(D "/file", D "/hard"));
	say("link a directory", link(D "/sub", D "/subhard"));
	struct stat a, b;
	stat(D "/file", &a);
	stat(D "/hard", &b);
	printf("nlink after link: %lu, same inode: %s\n", (unsigned long)a.st_nlink, YN(a.st_ino == b.st_ino));
	unlink(D "/file");
	stat(D "/hard", &b);
	memset(got, 0, sizeof got);
	fd = open(D "/hard", O_RDONLY);
	read(fd, got, 7);
	close(fd);
	printf("after unlinking original: nlink=%lu content=%s\n", (unsigned long)b.st_nlink, got);
	say("linkat", linkat(dfd, "hard", dfd, "hard2", 0));
	stat(D "/hard", &b);
	printf("nlink: %lu\n", (unsigned long)b.st_nlink);
	say("symlinkat", symlinkat("hard", dfd, "viaat"));
	n = readlinkat(dfd, "viaat", buf, sizeof buf);
	printf("readlinkat viaat: '%.*s'\n", (int)(n > 0 ? n : 0), buf);

	char exe[PATH_MAX];
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = 0;
	printf("/proc/self/exe absolute: %s\n", YN(n > 0 && exe[0] == '/'));
	printf("/proc/self/exe names this program: %s\n", YN(n > 10 && strcmp(exe + n - 10, "/file_link") == 0));
	printf("/proc/self/exe target exists: %s\n", YN(stat(exe, &st) == 0 && S_ISREG(st.st_mode)));

	const char *names[] = { "rel", "abs", "sub/up", "dangling", "nowhere", "loop1", "loop2", "hard", "hard2", "viaat" };
	for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
		unlinkat(dfd, names[i], 0);
	rmdir(D "/sub");
	close(dfd);
	say("cleanup", rmdir(D));
	return 0;
}
