// file_stat: stat/fstat/lstat/fstatat/statx: sizes, type bits, permission
// bits under a known umask, nlink of a new file, inode identity between
// calls, utimensat with a fixed time, chmod/fchmod, device numbers of
// /dev/null, and the error cases.
#include "guest.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define F "/tmp/bento-gt-file_stat-file"
#define L "/tmp/bento-gt-file_stat-link"

static const char *kind(mode_t m)
{
	return S_ISREG(m) ? "regular" : S_ISDIR(m) ? "directory" : S_ISLNK(m) ? "symlink" :
	       S_ISCHR(m) ? "char-device" : S_ISFIFO(m) ? "fifo" : S_ISSOCK(m) ? "socket" : "other";
}

int main(void)
{
	unlink(F);
	unlink(L);
	umask(022);
	int fd = open(F, O_RDWR | O_CREAT, 0666);
	write(fd, "12345", 5);
	struct stat st, st2;
	say("fstat", fstat(fd, &st));
	printf("fstat: %s size=%lld perm=%o nlink=%lu\n", kind(st.st_mode), (long long)st.st_size,
	       st.st_mode & 07777, (unsigned long)st.st_nlink);
	printf("blksize > 0: %s\n", YN(st.st_blksize > 0));
	printf("owner is us: %s\n", YN(st.st_uid == geteuid()));
	time_t now = time(NULL);
	printf("mtime is recent: %s\n", YN(st.st_mtime >= now - 5 && st.st_mtime <= now + 5));
	say("stat", stat(F, &st2));
	printf("stat and fstat same inode: %s\n", YN(st.st_ino == st2.st_ino && st.st_dev == st2.st_dev));

	symlink("bento-gt-file_stat-file", L);
	say("lstat", lstat(L, &st2));
	printf("lstat: %s size=%lld\n", kind(st2.st_mode), (long long)st2.st_size);
	stat(L, &st2);
	printf("stat follows link: %s same inode: %s\n", kind(st2.st_mode), YN(st2.st_ino == st.st_ino));
	fstatat(AT_FDCWD, L, &st2, AT_SYMLINK_NOFOLLOW);
	printf("fstatat NOFOLLOW: %s\n", kind(st2.st_mode));
	int dfd = open("/tmp", O_RDONLY | O_DIRECTORY);
	say("fstatat relative to dirfd", fstatat(dfd, "bento-gt-file_stat-file", &st2, 0));
	printf("size via dirfd: %lld\n", (long long)st2.st_size);
	say("fstatat AT_EMPTY_PATH", fstatat(fd, "", &st2, AT_EMPTY_PATH));
	printf("same inode: %s\n", YN(st2.st_ino == st.st_ino));
	say("fstatat empty path without flag", fstatat(fd, "", &st2, 0));

	struct statx sx;
	say("statx", statx(AT_FDCWD, F, 0, STATX_BASIC_STATS, &sx));
	printf("statx mask has size and type: %s\n", YN((sx.stx_mask & (STATX_SIZE | STATX_TYPE)) == (STATX_SIZE | STATX_TYPE)));
	printf("statx: %s size=%llu perm=%o nlink=%u same inode: %s\n", kind(sx.stx_mode),
	       (unsigned long long)sx.stx_size, sx.stx_mode & 07777, sx.stx_nlink, YN(sx.stx_ino == st.st_ino));
	say("statx AT_EMPTY_PATH", statx(fd, "", AT_EMPTY_PATH, STATX_SIZE, &sx));
	say("statx symlink NOFOLLOW", statx(AT_FDCWD, L, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &sx));
	printf("statx link type: %s\n", kind(sx.stx_mode));
	say("statx bad flags", statx(AT_FDCWD, F, 0x40000000, STATX_SIZE, &sx));

	say("chmod 0600", chmod(F, 0600));
	stat(F, &st2);
	printf("perm: %o\n", st2.st_mode & 07777);
	say("fchmod 0640", fchmod(fd, 0640));
	fstat(fd, &st2);
	printf("perm: %o\n", st2.st_mode & 07777);

	struct timespec ts[2] = { { 1000000000, 0 }, { 1234567890, 500 } };
	say("utimensat", utimensat(AT_FDCWD, F, ts, 0));
	stat(F, &st2);
	printf("atime=%lld mtime=%lld.%09ld\n", (long long)st2.st_atime, (long long)st2.st_mtim.tv_sec,
	       st2.st_mtim.tv_nsec);
	struct timespec omit[2] = { { 0, UTIME_OMIT }, { 1500000000, 0 } };
	say("futimens with UTIME_OMIT", futimens(fd, omit));
	fstat(fd, &st2);
	printf("atime=%lld mtime=%lld\n", (long long)st2.st_atime, (long long)st2.st_mtime);

	stat("/etc/passwd", &st2);
	printf("/etc/passwd: %s nonempty: %s\n", kind(st2.st_mode), YN(st2.st_size > 0));
	stat("/", &st2);
	printf("/: %s\n", kind(st2.st_mode));
	stat("/usr/bin", &st2);
	printf("/usr/bin: %s\n", kind(st2.st_mode));
	stat("/dev/null", &st2);
	printf("/dev/null: %s %u:%u\n", kind(st2.st_mode), major(st2.st_rdev), minor(st2.st_rdev));
	stat("/tmp", &st2);
	printf("/tmp: %s sticky: %s\n", kind(st2.st_mode), YN(st2.st_mode & S_ISVTX));

	say("stat missing", stat("/tmp/bento-gt-file_stat-missing", &st2));
	say("stat through file", stat(F "/x", &st2));
	say("fstat bad fd", fstat(-1, &st2));
	close(fd);
	close(dfd);
	unlink(L);
	say("unlink", unlink(F));
	return 0;
}
