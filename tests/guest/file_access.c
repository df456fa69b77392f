// file_access: access/faccessat/faccessat2 on host and /tmp files, only
// with checks whose answer is the same for root and for other users.
#include "guest.h"
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define F "/tmp/bento-gt-file_access-file"

int main(void)
{
	unlink(F);
	close(open(F, O_CREAT | O_WRONLY, 0644));
	say("access /etc/passwd F_OK", access("/etc/passwd", F_OK));
	say("access /etc/passwd R_OK", access("/etc/passwd", R_OK));
	say("access /bin/sh X_OK", access("/bin/sh", X_OK));
	say("access /usr/bin dir X_OK", access("/usr/bin", X_OK));
	say("access own file R_OK|W_OK", access(F, R_OK | W_OK));
	say("access own non-executable X_OK", access(F, X_OK));
	say("access missing", access("/tmp/bento-gt-file_access-missing", F_OK));
	say("access through a file", access(F "/x", F_OK));
	say("access bad mode", access(F, 0x100));
	int dfd = open("/etc", O_RDONLY | O_DIRECTORY);
	say("faccessat dirfd passwd", faccessat(dfd, "passwd", R_OK, 0));
	say("faccessat AT_FDCWD", faccessat(AT_FDCWD, F, W_OK, 0));
	say("faccessat bad dirfd", faccessat(999, "passwd", R_OK, 0));
	say("faccessat2 AT_EACCESS", syscall(SYS_faccessat2, dfd, "passwd", R_OK, AT_EACCESS));
	say("faccessat2 AT_SYMLINK_NOFOLLOW", syscall(SYS_faccessat2, AT_FDCWD, F, F_OK, AT_SYMLINK_NOFOLLOW));
	say("faccessat2 AT_EMPTY_PATH", syscall(SYS_faccessat2, dfd, "", F_OK, AT_EMPTY_PATH));
	say("faccessat2 bad flags", syscall(SYS_faccessat2, dfd, "passwd", R_OK, 0x1));
	close(dfd);
	say("unlink", unlink(F));
	return 0;
}
