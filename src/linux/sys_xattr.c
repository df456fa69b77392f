/* sys_xattr.c — extended attributes, as far as bento has them: files
 * carry no extended attributes (reads say "no such attribute", writes
 * "not supported"). Sockets are in sys_socket.c. */
#include "linux/shim.h"

/* The path or descriptor must still exist: errors about it come first. */
static long check_path(long upath, int follow)
{
	char path[L_PATH_MAX];
	struct b_stat st;
	long r = get_path(path, upath);
	if (r < 0)
		return r;
	return vfs_statat(K_AT_FDCWD, path, follow ? 0 : K_AT_SYMLINK_NOFOLLOW, &st);
}

static long check_fd(long fd)
{
	struct b_stat st;
	return file_stat((int)fd, &st);
}

#define XATTR_CALL(name, check, result) \
	SYSCALL(name)                   \
	{                               \
		long r = check;         \
		return r < 0 ? r : result; \
	}

XATTR_CALL(getxattr, check_path(a0, 1), -ENODATA)
XATTR_CALL(lgetxattr, check_path(a0, 0), -ENODATA)
XATTR_CALL(fgetxattr, check_fd(a0), -ENODATA)
XATTR_CALL(listxattr, check_path(a0, 1), 0)
XATTR_CALL(llistxattr, check_path(a0, 0), 0)
XATTR_CALL(flistxattr, check_fd(a0), 0)
XATTR_CALL(setxattr, check_path(a0, 1), -EOPNOTSUPP)
XATTR_CALL(lsetxattr, check_path(a0, 0), -EOPNOTSUPP)
XATTR_CALL(fsetxattr, check_fd(a0), -EOPNOTSUPP)
XATTR_CALL(removexattr, check_path(a0, 1), -ENODATA)
XATTR_CALL(lremovexattr, check_path(a0, 0), -ENODATA)
XATTR_CALL(fremovexattr, check_fd(a0), -ENODATA)
