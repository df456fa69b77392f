// file_open: open/openat/openat2 (raw syscall) success and error paths:
// O_CREAT|O_EXCL, O_TRUNC, O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC, dirfd-relative
// opens, openat2 RESOLVE_* checks, lowest-free-descriptor reuse, ENOENT,
// ENOTDIR, EISDIR, EEXIST, ENAMETOOLONG.
#include "guest.h"
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define D "/tmp/bento-gt-file_open-dir"

static long openat2(int dirfd, const char *path, unsigned long long flags, unsigned long long mode,
		    unsigned long long resolve, size_t size)
{
	struct open_how how = { .flags = flags, .mode = mode, .resolve = resolve };
	return syscall(SYS_openat2, dirfd, path, &how, size);
}

static void closeif(long fd)
{
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	rm_tree(D);
	say("mkdir", mkdir(D, 0755));
	say("mkdir sub", mkdir(D "/sub", 0755));

	say("open missing", open(D "/missing", O_RDONLY));
	say("open in missing dir", open(D "/nodir/x", O_RDONLY));
	long fd = say("O_CREAT|O_EXCL new", open(D "/f", O_CREAT | O_EXCL | O_WRONLY, 0644));
	write(fd, "0123456789", 10);
	close(fd);
	say("O_CREAT|O_EXCL existing", open(D "/f", O_CREAT | O_EXCL | O_WRONLY, 0644));
	closeif(say("O_CREAT without O_EXCL existing", open(D "/f", O_CREAT | O_RDONLY, 0644)));
	say("file used as directory", open(D "/f/x", O_RDONLY));
	say("directory O_WRONLY", open(D, O_WRONLY));
	say("directory O_RDWR", open(D, O_RDWR));
	closeif(say("directory O_RDONLY", open(D, O_RDONLY)));
	say("O_DIRECTORY on file", open(D "/f", O_RDONLY | O_DIRECTORY));
	closeif(say("O_DIRECTORY on dir", open(D, O_RDONLY | O_DIRECTORY)));

	symlink("f", D "/lnk");
	say("O_NOFOLLOW on symlink", open(D "/lnk", O_RDONLY | O_NOFOLLOW));
	fd = say("open through symlink", open(D "/lnk", O_RDONLY));
	char b[16] = { 0 };
	read(fd, b, 4);
	printf("read through symlink: %s\n", b);
	close(fd);

	fd = open(D "/f", O_RDONLY | O_CLOEXEC);
	printf("O_CLOEXEC sets FD_CLOEXEC: %s\n", YN(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	close(fd);

	fd = open(D "/f", O_WRONLY | O_TRUNC);
	struct stat st;
	fstat(fd, &st);
	printf("size after O_TRUNC: %lld\n", (long long)st.st_size);
	close(fd);

	int dfd = open(D, O_RDONLY | O_DIRECTORY);
	closeif(say("openat relative to dirfd", openat(dfd, "f", O_RDONLY)));
	fd = say("openat create in sub", openat(dfd, "sub/g", O_CREAT | O_WRONLY, 0600));
	closeif(fd);
	closeif(say("openat absolute ignores dirfd", openat(12345, "/etc/passwd", O_RDONLY)));
	say("openat relative to bad dirfd", openat(12345, "f", O_RDONLY));
	int ffd = open(D "/f", O_RDONLY);
	say("openat relative to file fd", openat(ffd, "x", O_RDONLY));
	close(ffd);
	closeif(say("openat AT_FDCWD absolute", openat(AT_FDCWD, D "/f", O_RDONLY)));

	int sfd = open(D "/sub", O_RDONLY | O_DIRECTORY);
	closeif(say("openat2 plain", openat2(dfd, "f", O_RDONLY, 0, 0, sizeof(struct open_how))));
	closeif(say("openat2 RESOLVE_BENEATH inside", openat2(dfd, "sub/g", O_RDONLY, 0, RESOLVE_BENEATH, sizeof(struct open_how))));
	say("openat2 RESOLVE_BENEATH ..", openat2(sfd, "../f", O_RDONLY, 0, RESOLVE_BENEATH, sizeof(struct open_how)));
	say("openat2 RESOLVE_BENEATH absolute", openat2(sfd, "/etc/passwd", O_RDONLY, 0, RESOLVE_BENEATH, sizeof(struct open_how)));
	closeif(say("openat2 RESOLVE_IN_ROOT ..", openat2(sfd, "../g", O_RDONLY, 0, RESOLVE_IN_ROOT, sizeof(struct open_how))));
	say("openat2 RESOLVE_NO_SYMLINKS", openat2(dfd, "lnk", O_RDONLY, 0, RESOLVE_NO_SYMLINKS, sizeof(struct open_how)));
	say("openat2 unknown resolve bit", openat2(dfd, "f", O_RDONLY, 0, 1ULL << 40, sizeof(struct open_how)));
	say("openat2 mode without O_CREAT", openat2(dfd, "f", O_RDONLY, 0644, 0, sizeof(struct open_how)));
	say("openat2 short size", openat2(dfd, "f", O_RDONLY, 0, 0, 8));
	fd = say("openat2 O_CREAT", openat2(dfd, "h", O_CREAT | O_WRONLY, 0600, 0, sizeof(struct open_how)));
	closeif(fd);
	fstatat(dfd, "h", &st, 0);
	printf("openat2 created mode: %o\n", st.st_mode & 0777);
	unlinkat(dfd, "h", 0);
	close(sfd);
	close(dfd);

	int a = open(D "/f", O_RDONLY), b2 = open(D "/f", O_RDONLY);
	close(a);
	int c = open(D "/f", O_RDONLY);
	printf("lowest free descriptor reused: %s\n", YN(c == a && b2 > a));
	close(b2);
	close(c);

	char *lng = malloc(5000);
	memset(lng, 'n', 4999);
	lng[4999] = 0;
	say("path too long", open(lng, O_RDONLY));
	memcpy(lng, "/tmp/", 5);
	memset(lng + 5, 'n', 300);
	lng[305] = 0;
	say("component too long", open(lng, O_RDONLY));
	free(lng);
	say("empty path", open("", O_RDONLY));

	unlink(D "/lnk");
	unlink(D "/sub/g");
	unlink(D "/f");
	rmdir(D "/sub");
	say("cleanup", rmdir(D));
	return 0;
}
