// file_dir: mkdir, getdents64 (raw, small buffer, sorted names with d_type),
// rewinding a directory, rename/renameat2, rmdir/unlink/unlinkat and their
// errors (EEXIST, ENOTEMPTY, EISDIR, ENOTDIR, ENOENT).
#include "guest.h"
#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define D "/tmp/bento-gt-file_dir-d"

struct linux_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *tname(int t)
{
	return t == DT_REG ? "reg" : t == DT_DIR ? "dir" : t == DT_LNK ? "lnk" : t == DT_UNKNOWN ? "unknown" : "other";
}

// Lists the directory with raw getdents64 through a 64-byte buffer, sorted.
static int list(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	char buf[64], *names[32];
	int n = 0, calls = 0;
	for (;;) {
		long r = syscall(SYS_getdents64, fd, buf, sizeof buf);
		if (r <= 0) {
			if (r < 0)
				printf("getdents64: %s\n", ename(errno));
			break;
		}
		calls++;
		for (long off = 0; off < r && n < 32;) {
			struct linux_dirent64 *d = (void *)(buf + off);
			if (asprintf(&names[n], "%s %s", d->d_name, tname(d->d_type)) > 0)
				n++;
			off += d->d_reclen;
		}
	}
	qsort(names, n, sizeof names[0], cmp);
	printf("%s:", path);
	for (int i = 0; i < n; i++) {
		printf(" [%s]", names[i]);
		free(names[i]);
	}
	printf("\nneeded several getdents64 calls: %s\n", YN(calls > 1));
	return fd;
}

int main(void)
{
	rm_tree(D);
	say("mkdir", mkdir(D, 0755));
	say("mkdir existing", mkdir(D, 0755));
	say("mkdir in missing parent", mkdir(D "/no/such", 0755));
	close(open(D "/bravo", O_CREAT | O_WRONLY, 0644));
	close(open(D "/alpha", O_CREAT | O_WRONLY, 0644));
	close(open(D "/charlie.txt", O_CREAT | O_WRONLY, 0644));
	mkdir(D "/sub", 0755);
	close(open(D "/sub/inner", O_CREAT | O_WRONLY, 0644));
	symlink("alpha", D "/link");
	int fd = list(D);

	char buf[4096];
	long first = syscall(SYS_getdents64, fd, buf, sizeof buf);
	printf("getdents64 at end: %ld\n", first);
	lseek(fd, 0, SEEK_SET);
	long again = syscall(SYS_getdents64, fd, buf, sizeof buf);
	printf("after rewind returns entries: %s\n", YN(again > 0));
	say("getdents64 tiny buffer", syscall(SYS_getdents64, fd, buf, 8));
	close(fd);
	int f = open(D "/alpha", O_RDONLY);
	say("getdents64 on a file", syscall(SYS_getdents64, f, buf, sizeof buf));
	close(f);
	say("getdents64 bad fd", syscall(SYS_getdents64, 999, buf, sizeof buf));

	DIR *dir = opendir(D);
	int count = 0;
	while (readdir(dir))
		count++;
	closedir(dir);
	printf("readdir count: %d\n", count);

	say("rename alpha -> zulu", rename(D "/alpha", D "/zulu"));
	say("rename over existing file", rename(D "/bravo", D "/zulu"));
	say("rename missing", rename(D "/bravo", D "/x"));
	say("rename file over dir", rename(D "/zulu", D "/sub"));
	mkdir(D "/empty", 0755);
	say("rename dir over non-empty dir", rename(D "/empty", D "/sub"));
	say("rename dir over file", rename(D "/empty", D "/zulu"));
	say("rename dir into itself", rename(D "/empty", D "/empty/in"));
	say("renameat2 NOREPLACE existing", syscall(SYS_renameat2, AT_FDCWD, D "/charlie.txt", AT_FDCWD, D "/zulu", RENAME_NOREPLACE));
	say("renameat2 NOREPLACE new", syscall(SYS_renameat2, AT_FDCWD, D "/charlie.txt", AT_FDCWD, D "/delta.txt", RENAME_NOREPLACE));
	say("rename dir", rename(D "/empty", D "/moved"));
	close(list(D));

	say("rmdir non-empty", rmdir(D "/sub"));
	say("rmdir file", rmdir(D "/zulu"));
	say("unlink dir", unlink(D "/sub"));
	say("unlink missing", unlink(D "/nothing"));
	int dfd = open(D, O_RDONLY | O_DIRECTORY);
	say("unlinkat file", unlinkat(dfd, "sub/inner", 0));
	say("unlinkat AT_REMOVEDIR", unlinkat(dfd, "sub", AT_REMOVEDIR));
	say("mkdirat", mkdirat(dfd, "made", 0700));
	struct stat st;
	fstatat(dfd, "made", &st, 0);
	printf("mkdirat mode: %o\n", st.st_mode & 0777);
	unlinkat(dfd, "made", AT_REMOVEDIR);
	unlinkat(dfd, "moved", AT_REMOVEDIR);
	unlinkat(dfd, "zulu", 0);
	unlinkat(dfd, "delta.txt", 0);
	unlinkat(dfd, "link", 0);
	close(dfd);
	say("rmdir", rmdir(D));
	say("rmdir again", rmdir(D));
	return 0;
}
