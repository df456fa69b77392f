// file_times_link: times of a symbolic link itself (utimensat with
// AT_SYMLINK_NOFOLLOW, lutimes) leave its target alone; chmod of files
// and directories of mode 000 and back.
#include "guest.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define D "/tmp/bento-gt-file_times_link-d"

static void times_of(const char *what, const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		printf("%s: %s\n", what, ename(errno));
	else
		printf("%s: atime %lld, mtime %lld\n", what, (long long)st.st_atime, (long long)st.st_mtime);
}

int main(void)
{
	rm_tree(D);
	mkdir(D, 0755);
	close(open(D "/target", O_CREAT | O_WRONLY, 0644));
	symlink("target", D "/link");
	symlink("nowhere", D "/dangling");
	struct timespec old[2] = { { 1000000, 0 }, { 2000000, 0 } };
	say("set target times", utimensat(AT_FDCWD, D "/target", old, 0));
	struct timespec ts[2] = { { 1500000000, 0 }, { 1600000000, 0 } };
	say("utimensat link NOFOLLOW", utimensat(AT_FDCWD, D "/link", ts, AT_SYMLINK_NOFOLLOW));
	times_of("link", D "/link");
	times_of("target", D "/target");
	say("utimensat dangling NOFOLLOW", utimensat(AT_FDCWD, D "/dangling", ts, AT_SYMLINK_NOFOLLOW));
	times_of("dangling", D "/dangling");
	say("utimensat dangling, following", utimensat(AT_FDCWD, D "/dangling", ts, 0));
	struct timeval tv[2] = { { 1400000000, 0 }, { 1450000000, 0 } };
	say("lutimes link", lutimes(D "/link", tv));
	times_of("link", D "/link");
	mkdir(D "/dir", 0755);
	say("chmod dir 000", chmod(D "/dir", 0));
	say("chmod dir back to 755", chmod(D "/dir", 0755));
	say("chmod file 000", chmod(D "/target", 0));
	say("chmod file back to 640", chmod(D "/target", 0640));
	struct stat st;
	stat(D "/target", &st);
	printf("target mode: %o\n", st.st_mode & 07777);
	rm_tree(D);
	return 0;
}
