/* test_vfs.c — path resolution over a mount table (tmpfs root, a hostfs
 * mount of a temporary host directory full of symbolic links, a read-only
 * hostfs mount, a tmpfs at /t), hidden paths, and the file operations of
 * tmpfs and hostfs. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static const char *H, *R; /* host directories behind /h and /ro */

static void host_link(const char *dir, const char *target, const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (symlink(target, path) < 0) {
		perror(path);
		exit(2);
	}
}

static void host_mkdir(const char *dir, const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (mkdir(path, 0755) < 0) {
		perror(path);
		exit(2);
	}
}

static int host_dirfd(const char *path)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		perror(path);
		exit(2);
	}
	return fd;
}

static int group_setup(void **state)
{
	unit_group_setup(state);
	H = unit_host_tmpdir();
	unit_host_put(H, "file.txt", "host file");
	host_mkdir(H, "dir");
	host_mkdir(H, "dir/sub");
	unit_host_put(H, "dir/sub/deep.txt", "deep");
	unit_host_put(H, "dir/sibling.txt", "sibling");
	host_link(H, "/t/target.txt", "abs-link");
	host_link(H, "dir/sub/deep.txt", "rel-link");
	host_link(H, "../t/target.txt", "dotdot-link");
	host_link(H, "../file.txt", "dir/up-link");
	host_link(H, "chain2", "chain1");
	host_link(H, "chain3", "chain2");
	host_link(H, "/h/file.txt", "chain3");
	host_link(H, "loop2", "loop1");
	host_link(H, "loop1", "loop2");
	host_link(H, "self", "self");
	host_link(H, "dir", "dirlink");
	host_link(H, "dir/sub", "sublink");
	host_link(H, "nowhere", "dangling");
	host_link(H, "../../../../../etc/passwd", "escape");
	host_link(H, "/", "rootlink");
	unit_host_put(H, "secret.txt", "secret");
	host_mkdir(H, "dir/secret-dir");
	unit_host_put(H, "dir/secret-dir/inner.txt", "inner");
	host_link(H, "secret.txt", "to-secret");
	host_mkdir(H, "work");
	R = unit_host_tmpdir();
	unit_host_put(R, "ro.txt", "read only");
	host_mkdir(R, "rodir");
	host_link(R, "ro.txt", "ro-link");

	if (vfs_mount_tmpfs("/") || vfs_mount_host("/h", host_dirfd(H), 1) ||
	    vfs_mount_host("/ro", host_dirfd(R), 0) || vfs_mount_tmpfs("/t"))
		return -1;
	if (unit_put("/t/target.txt", "tmp target") || unit_put("/t/hidden", "hidden in tmpfs") ||
	    vfs_mkdirat(K_AT_FDCWD, "/t/work", 0755))
		return -1;
	return vfs_hide("/h/secret.txt") || vfs_hide("/h/dir/secret-dir") || vfs_hide("/t/hidden");
}

static int check_clean(void **state)
{
	(void)state;
	vfs_chdir("/");
	proc_umask(022);
	int c[1] = { 0 };
	for (int fd = 0; fd < 64; fd++) {
		struct file *f = fd_get(fd);
		if (f) {
			file_put(f);
			fd_close(fd);
			c[0]++;
		}
	}
	if (c[0])
		fprintf(stderr, "# test left %d descriptor(s) open\n", c[0]);
	return c[0] ? -1 : 0;
}

static void expect_file(const char *path, const char *want)
{
	char buf[256];
	long r = unit_get(path, buf, sizeof(buf));
	if (r < 0)
		fail_msg("%s: error %ld, want \"%s\"", path, -r, want);
	if (strcmp(buf, want))
		fail_msg("%s: \"%s\", want \"%s\"", path, buf, want);
}

static void expect_err(const char *path, int err)
{
	char buf[256];
	long r = unit_get(path, buf, sizeof(buf));
	if (r != -err)
		fail_msg("%s: got %ld, want -%d", path, r, err);
}

/* ---- resolution ------------------------------------------------------- */

static void test_resolve_plain(void **state)
{
	(void)state;
	expect_file("/h/file.txt", "host file");
	expect_file("//h///file.txt", "host file");
	expect_file("/h/./dir/./sub/deep.txt", "deep");
	expect_file("/t/target.txt", "tmp target");
	expect_file("/ro/ro.txt", "read only");
	expect_file("/../h/file.txt", "host file");
	expect_file("/../../h/../h/dir/../file.txt", "host file");
	expect_err("/h/missing", ENOENT);
	expect_err("/nomount/x", ENOENT);
	expect_err("", ENOENT);
	char out[256];
	assert_int_equal(unit_list("/", out, sizeof(out)), 3);
	assert_string_equal(out, "h,ro,t");
}

static void test_resolve_cwd_and_dirfd(void **state)
{
	(void)state;
	char buf[64];
	assert_ok(vfs_chdir("/h/dir"));
	assert_int_equal(vfs_getcwd(buf, sizeof(buf)), 7);
	assert_string_equal(buf, "/h/dir");
	expect_file("sub/deep.txt", "deep");
	expect_file("../file.txt", "host file");
	expect_file("./../../t/target.txt", "tmp target");
	assert_err(vfs_getcwd(buf, 6), ERANGE);
	assert_ok(vfs_chdir(".."));
	assert_int_equal(vfs_getcwd(buf, sizeof(buf)), 3);
	assert_string_equal(buf, "/h");
	assert_err(vfs_chdir("file.txt"), ENOTDIR);
	assert_err(vfs_chdir("nothing"), ENOENT);
	assert_ok(vfs_chdir("dirlink")); /* through a link: the canonical path */
	vfs_getcwd(buf, sizeof(buf));
	assert_string_equal(buf, "/h/dir");
	int d = vfs_openat(K_AT_FDCWD, "sub", K_O_RDONLY | K_O_DIRECTORY, 0);
	assert_true(d >= 0);
	assert_ok(vfs_chdir("/"));
	int fd = vfs_openat(d, "deep.txt", K_O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_int_equal(unit_read_fd(fd, buf, sizeof(buf)), 4);
	struct b_stat st;
	assert_ok(vfs_statat(d, "../sibling.txt", 0, &st));
	assert_int_equal(st.size, 7);
	assert_err(vfs_openat(fd, "x", K_O_RDONLY, 0), ENOTDIR); /* dirfd is a file */
	assert_err(vfs_openat(55, "x", K_O_RDONLY, 0), EBADF);
	assert_true(vfs_openat(55, "/h/file.txt", K_O_RDONLY, 0) >= 0); /* absolute: dirfd unused */
	assert_ok(vfs_fchdir(d));
	vfs_getcwd(buf, sizeof(buf));
	assert_string_equal(buf, "/h/dir/sub");
	assert_err(vfs_fchdir(fd), ENOTDIR);
	assert_ok(vfs_statat(fd, "", K_AT_EMPTY_PATH, &st));
	assert_int_equal(st.size, 4);
	fd_close_range(0, 63, 0);
}

static void test_resolve_symlinks(void **state)
{
	(void)state;
	expect_file("/h/abs-link", "tmp target");     /* absolute, into another mount */
	expect_file("/h/rel-link", "deep");
	expect_file("/h/dotdot-link", "tmp target");  /* relative, out of the mount */
	expect_file("/h/dir/up-link", "host file");
	expect_file("/h/chain1", "host file");
	expect_file("/h/dirlink/sub/deep.txt", "deep"); /* a link on the way */
	expect_file("/h/rootlink/h/rootlink/t/target.txt", "tmp target");
	/* ".." after a link is the link target's parent, not the link's. */
	expect_file("/h/sublink/../sibling.txt", "sibling");
	expect_err("/h/sublink/../file.txt", ENOENT);
	/* A link's ".." chain cannot climb out of the guest's root. */
	expect_err("/h/escape", ENOENT);
	char buf[64];
	assert_int_equal(vfs_readlinkat(K_AT_FDCWD, "/h/abs-link", buf, sizeof(buf)), 13);
	assert_memory_equal(buf, "/t/target.txt", 13);
	assert_int_equal(vfs_readlinkat(K_AT_FDCWD, "/h/dirlink/up-link", buf, sizeof(buf)), 11);
	/* Links made through the kernel, in tmpfs, pointing into hostfs. */
	assert_ok(vfs_symlinkat("/h/dir", K_AT_FDCWD, "/t/to-host"));
	assert_ok(vfs_symlinkat("to-host/sub", K_AT_FDCWD, "/t/to-host-sub"));
	expect_file("/t/to-host/sub/deep.txt", "deep");
	expect_file("/t/to-host-sub/deep.txt", "deep");
	assert_int_equal(unit_type("/t/to-host"), K_S_IFLNK);
	assert_int_equal(vfs_readlinkat(K_AT_FDCWD, "/t/to-host-sub", buf, sizeof(buf)), 11);
	assert_memory_equal(buf, "to-host/sub", 11);
	assert_ok(vfs_unlinkat(K_AT_FDCWD, "/t/to-host", 0));
	assert_ok(vfs_unlinkat(K_AT_FDCWD, "/t/to-host-sub", 0));
}

static void test_resolve_loops(void **state)
{
	(void)state;
	expect_err("/h/loop1", ELOOP);
	expect_err("/h/self", ELOOP);
	expect_err("/h/loop1/x", ELOOP);
	struct b_stat st;
	assert_err(vfs_statat(K_AT_FDCWD, "/h/loop2", 0, &st), ELOOP);
	assert_ok(vfs_statat(K_AT_FDCWD, "/h/loop2", K_AT_SYMLINK_NOFOLLOW, &st));
	assert_int_equal(st.mode & K_S_IFMT, K_S_IFLNK);
	/* 40 links are allowed, 41 are not (tmpfs chain). */
	char name[32], target[32];
	for (int i = 0; i < 41; i++) {
		snprintf(name, sizeof(name), "/t/l%d", i);
		snprintf(target, sizeof(target), i ? "l%d" : "target.txt", i - 1);
		assert_ok(vfs_symlinkat(target, K_AT_FDCWD, name));
	}
	expect_file("/t/l39", "tmp target");
	expect_err("/t/l40", ELOOP);
	for (int i = 0; i < 41; i++) {
		snprintf(name, sizeof(name), "/t/l%d", i);
		vfs_unlinkat(K_AT_FDCWD, name, 0);
	}
}

static void test_resolve_dangling_nofollow(void **state)
{
	(void)state;
	expect_err("/h/dangling", ENOENT);
	assert_int_equal(unit_type("/h/dangling"), K_S_IFLNK);
	char buf[16];
	assert_int_equal(vfs_readlinkat(K_AT_FDCWD, "/h/dangling", buf, sizeof(buf)), 7);
	/* O_NOFOLLOW on a final link: ELOOP; O_PATH|O_NOFOLLOW opens it. */
	assert_err(vfs_openat(K_AT_FDCWD, "/h/chain1", K_O_RDONLY | K_O_NOFOLLOW, 0), ELOOP);
	assert_ok(vfs_symlinkat("target.txt", K_AT_FDCWD, "/t/nofollow"));
	assert_err(vfs_openat(K_AT_FDCWD, "/t/nofollow", K_O_RDONLY | K_O_NOFOLLOW, 0), ELOOP);
	int fd = vfs_openat(K_AT_FDCWD, "/t/nofollow", K_O_PATH | K_O_NOFOLLOW, 0);
	assert_true(fd >= 0);
	fd_close(fd);
	/* A link on the way is followed even with O_NOFOLLOW. */
	fd = vfs_openat(K_AT_FDCWD, "/h/dirlink/sibling.txt", K_O_RDONLY | K_O_NOFOLLOW, 0);
	assert_true(fd >= 0);
	fd_close(fd);
	vfs_unlinkat(K_AT_FDCWD, "/t/nofollow", 0);
}

/* A trailing slash demands a directory. */
static void test_resolve_trailing_slash(void **state)
{
	(void)state;
	struct b_stat st;
	assert_ok(vfs_statat(K_AT_FDCWD, "/h/dir/", 0, &st));
	assert_int_equal(st.mode & K_S_IFMT, K_S_IFDIR);
	assert_ok(vfs_statat(K_AT_FDCWD, "/h/dirlink/", K_AT_SYMLINK_NOFOLLOW, &st));
	assert_int_equal(st.mode & K_S_IFMT, K_S_IFDIR);
	assert_ok(vfs_statat(K_AT_FDCWD, "/t/", 0, &st));
	assert_err(vfs_statat(K_AT_FDCWD, "/h/file.txt/", 0, &st), ENOTDIR);
	assert_err(vfs_statat(K_AT_FDCWD, "/t/target.txt/", 0, &st), ENOTDIR);
	assert_err(vfs_statat(K_AT_FDCWD, "/h/chain1/", 0, &st), ENOTDIR);
	assert_err(vfs_openat(K_AT_FDCWD, "/h/file.txt/", K_O_RDONLY, 0), ENOTDIR);
	assert_err(vfs_openat(K_AT_FDCWD, "/t/target.txt/", K_O_RDONLY, 0), ENOTDIR);
	assert_err(vfs_statat(K_AT_FDCWD, "/h/missing/", 0, &st), ENOENT);
	/* mkdir accepts one. */
	assert_ok(vfs_mkdirat(K_AT_FDCWD, "/t/work/slashdir/", 0755));
	assert_ok(vfs_unlinkat(K_AT_FDCWD, "/t/work/slashdir/", K_AT_REMOVEDIR));
}

/* ".." needs an existing directory before it, as on Linux. */
static void test_resolve_dotdot_needs_dir(void **state)
{
	(void)state;
	expect_err("/h/nonexistent/../file.txt", ENOENT);
	expect_err("/t/nonexistent/../target.txt", ENOENT);
	expect_err("/h/file.txt/../file.txt", ENOTDIR);
	expect_err("/t/target.txt/../target.txt", ENOTDIR);
	expect_file("/h/dir/../file.txt", "host file");
}

/* Hidden paths do not exist for the guest, by any route. */
static void test_hidden(void **state)
{
	(void)state;
	struct b_stat st;
	expect_err("/h/secret.txt", ENOENT);
	expect_err("/h/to-secret", ENOENT);
	expect_err("/h/dir/../secret.txt", ENOENT);
	expect_err("/h/dirlink/../secret.txt", ENOENT);
	expect_err("/h/dir/secret-dir/inner.txt", ENOENT);
	expect_err("/h/./dir/secret-dir/../sibling.txt", ENOENT);
	expect_err("/t/hidden", ENOENT);
	assert_err(vfs_statat(K_AT_FDCWD, "/h/secret.txt", K_AT_SYMLINK_NOFOLLOW, &st), ENOENT);
	assert_err(vfs_statat(K_AT_FDCWD, "/h/dir/secret-dir", 0, &st), ENOENT);
	assert_err(vfs_accessat(K_AT_FDCWD, "/h/secret.txt", 0, 0), ENOENT);
	assert_err(vfs_chdir("/h/dir/secret-dir"), ENOENT);
	int d = vfs_openat(K_AT_FDCWD, "/h", K_O_RDONLY | K_O_DIRECTORY, 0);
	assert_err(vfs_openat(d, "secret.txt", K_O_RDONLY, 0), ENOENT);
	assert_err(vfs_openat(d, "secret.txt", K_O_RDWR | K_O_CREAT, 0644), ENOENT);
	assert_err(vfs_renameat(d, "secret.txt", d, "exposed.txt", 0), ENOENT);
	assert_err(vfs_unlinkat(d, "secret.txt", 0), ENOENT);
	assert_err(vfs_symlinkat("x", d, "secret.txt"), ENOENT);
	fd_close(d);
	/* Nor in listings. */
	char out[1024];
	assert_true(unit_list("/h", out, sizeof(out)) > 0);
	assert_null(strstr(out, "secret.txt"));
	assert_non_null(strstr(out, "file.txt"));
	assert_non_null(strstr(out, "to-secret")); /* the link itself is not hidden */
	unit_list("/h/dir", out, sizeof(out));
	assert_string_equal(out, "sibling.txt,sub,up-link");
	unit_list("/t", out, sizeof(out));
	assert_null(strstr(out, "hidden"));
	assert_non_null(strstr(out, "target.txt"));
	/* The host file is untouched. */
	char hp[1024];
	snprintf(hp, sizeof(hp), "%s/secret.txt", H);
	assert_int_equal(access(hp, F_OK), 0);
}

/* ---- tmpfs ---------------------------------------------------------------- */

static void test_tmpfs_read_write_seek(void **state)
{
	(void)state;
	char buf[64];
	int fd = vfs_openat(K_AT_FDCWD, "/t/work/rw", K_O_CREAT | K_O_RDWR, 0644);
	assert_true(fd >= 0);
	assert_int_equal(file_write(fd, "0123456789", 10), 10);
	assert_int_equal(file_seek(fd, 0, 1), 10);
	assert_int_equal(file_read(fd, buf, 10), 0); /* at the end */
	assert_int_equal(file_seek(fd, 0, 0), 0);
	assert_int_equal(file_read(fd, buf, 4), 4);
	assert_memory_equal(buf, "0123", 4);
	assert_int_equal(file_seek(fd, 2, 1), 6);
	assert_int_equal(file_read(fd, buf, 2), 2);
	assert_memory_equal(buf, "67", 2);
	assert_int_equal(file_seek(fd, -3, 2), 7);
	assert_int_equal(file_read(fd, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "789", 3);
	assert_err(file_seek(fd, -11, 2), EINVAL);
	assert_err(file_seek(fd, 0, 7), EINVAL);
	assert_int_equal(file_seek(fd, 0, 1), 10); /* unchanged by the failures */
	/* Past the end: a hole of zeros. */
	assert_int_equal(file_seek(fd, 20, 0), 20);
	assert_int_equal(file_write(fd, "X", 1), 1);
	struct b_stat st;
	assert_ok(file_stat(fd, &st));
	assert_int_equal(st.size, 21);
	assert_int_equal(st.mode, K_S_IFREG | 0644);
	assert_int_equal(file_pread(fd, buf, 11, 10), 11);
	assert_memory_equal(buf, "\0\0\0\0\0\0\0\0\0\0X", 11);
	/* pread/pwrite leave the position alone. */
	assert_int_equal(file_pwrite(fd, "ab", 2, 0), 2);
	assert_int_equal(file_seek(fd, 0, 1), 21);
	assert_err(file_pread(fd, buf, 1, -1), EINVAL);
	fd_close(fd);
	expect_err("/t/work/rw/x", ENOTDIR);
	/* Access modes. */
	fd = vfs_openat(K_AT_FDCWD, "/t/work/rw", K_O_RDONLY, 0);
	assert_err(file_write(fd, "x", 1), EBADF);
	fd_close(fd);
	fd = vfs_openat(K_AT_FDCWD, "/t/work/rw", K_O_WRONLY, 0);
	assert_err(file_read(fd, buf, 1), EBADF);
	fd_close(fd);
	/* A bad user buffer is EFAULT, and nothing changes. */
	fd = vfs_openat(K_AT_FDCWD, "/t/work/rw", K_O_RDWR, 0);
	assert_err(file_read(fd, NULL, 4), EFAULT);
	assert_err(file_write(fd, (void *)16, 4), EFAULT);
	assert_int_equal(file_seek(fd, 0, 1), 0);
	fd_close(fd);
	vfs_unlinkat(K_AT_FDCWD, "/t/work/rw", 0);
}

static void test_tmpfs_append_trunc(void **state)
{
	(void)state;
	char buf[64];
	assert_ok(unit_put("/t/work/ap", "start"));
	int fd = vfs_openat(K_AT_FDCWD, "/t/work/ap", K_O_WRONLY | K_O_APPEND, 0);
	assert_int_equal(file_write(fd, "+more", 5), 5);
	file_seek(fd, 0, 0);
	assert_int_equal(file_write(fd, "+end", 4), 4); /* still at the end */
	fd_close(fd);
	expect_file("/t/work/ap", "start+more+end");
	/* O_TRUNC empties; truncate grows with zeros and shrinks. */
	fd = vfs_openat(K_AT_FDCWD, "/t/work/ap", K_O_RDWR | K_O_TRUNC, 0);
	struct b_stat st;
	file_stat(fd, &st);
	assert_int_equal(st.size, 0);
	file_write(fd, "abcdef", 6);
	assert_ok(file_truncate(fd, 3));
	assert_int_equal(file_pread(fd, buf, sizeof(buf), 0), 3);
	assert_ok(file_truncate(fd, 5));
	assert_int_equal(file_pread(fd, buf, sizeof(buf), 0), 5);
	assert_memory_equal(buf, "abc\0\0", 5);
	assert_err(file_truncate(fd, -1), EINVAL);
	fd_close(fd);
	assert_ok(vfs_truncate("/t/work/ap", 1));
	expect_file("/t/work/ap", "a");
	fd = vfs_openat(K_AT_FDCWD, "/t/work/ap", K_O_RDONLY, 0);
	assert_err(file_truncate(fd, 0), EINVAL); /* not open for writing */
	fd_close(fd);
	assert_err(vfs_truncate("/t/work", 0), EISDIR);
	assert_err(vfs_truncate("/t/work/none", 0), ENOENT);
	vfs_unlinkat(K_AT_FDCWD, "/t/work/ap", 0);
}

static void test_tmpfs_open_flags(void **state)
{
	(void)state;
	assert_ok(unit_put("/t/work/f", "data"));
	assert_err(vfs_openat(K_AT_FDCWD, "/t/work/f", K_O_CREAT | K_O_EXCL | K_O_WRONLY, 0644), EEXIST);
	int fd = vfs_openat(K_AT_FDCWD, "/t/work/f", K_O_CREAT | K_O_WRONLY, 0644);
	assert_true(fd >= 0); /* O_CREAT alone opens the existing file */
	fd_close(fd);
	expect_file("/t/work/f", "data");
	assert_err(vfs_openat(K_AT_FDCWD, "/t/work/f", K_O_RDONLY | K_O_DIRECTORY, 0), ENOTDIR);
	assert_err(vfs_openat(K_AT_FDCWD, "/t/work", K_O_WRONLY, 0), EISDIR);
	assert_err(vfs_openat(K_AT_FDCWD, "/t/work", K_O_RDWR, 0), EISDIR);
	assert_err(vfs_openat(K_AT_FDCWD, "/t/work", K_O_CREAT | K_O_RDONLY, 0644), EISDIR);
	assert_err(vfs_openat(K_AT_FDCWD, "/t/work/nodir/f", K_O_CREAT | K_O_RDWR, 0644), ENOENT);
	assert_err(vfs_openat(K_AT_FDCWD, "/t/work/f/x", K_O_CREAT | K_O_RDWR, 0644), ENOTDIR);
	assert_err(vfs_openat(K_AT_FDCWD, "/t/work/none", K_O_RDONLY, 0), ENOENT);
	char buf[16];
	int d = vfs_openat(K_AT_FDCWD, "/t/work", K_O_RDONLY | K_O_DIRECTORY, 0);
	assert_true(d >= 0);
	assert_err(file_read(d, buf, sizeof(buf)), EISDIR);
	fd_close(d);
	fd = vfs_openat(K_AT_FDCWD, "/t/work/f", K_O_RDONLY, 0);
	assert_err(file_getdents(fd, buf, sizeof(buf)), ENOTDIR);
	fd_close(fd);
	/* umask applies to created files. */
	proc_umask(027);
	fd = vfs_openat(K_AT_FDCWD, "/t/work/masked", K_O_CREAT | K_O_WRONLY, 0777);
	struct b_stat st;
	file_stat(fd, &st);
	assert_int_equal(st.mode & 07777, 0750);
	fd_close(fd);
	/* O_CLOEXEC reaches the descriptor, not the file flags. */
	fd = vfs_openat(K_AT_FDCWD, "/t/work/f", K_O_RDONLY | K_O_CLOEXEC, 0);
	assert_int_equal(fd_get_cloexec(fd), 1);
	assert_int_equal(file_get_flags(fd) & K_O_CLOEXEC, 0);
	fd_close(fd);
	vfs_unlinkat(K_AT_FDCWD, "/t/work/f", 0);
	vfs_unlinkat(K_AT_FDCWD, "/t/work/masked", 0);
}

/* O_CREAT|O_EXCL never follows a final link, dangling or not. */
static void test_excl_dangling_link(void **state)
{
	(void)state;
	assert_ok(vfs_symlinkat("made-through-link", K_AT_FDCWD, "/t/work/dangle"));
	assert_err(vfs_openat(K_AT_FDCWD, "/t/work/dangle", K_O_CREAT | K_O_EXCL | K_O_WRONLY, 0644),
		   EEXIST);
	assert_err(unit_type("/t/work/made-through-link"), ENOENT);
	/* Without O_EXCL the target is created, as on Linux. */
	int fd = vfs_openat(K_AT_FDCWD, "/t/work/dangle", K_O_CREAT | K_O_WRONLY, 0644);
	assert_true(fd >= 0);
	fd_close(fd);
	assert_int_equal(unit_type("/t/work/made-through-link"), K_S_IFREG);
	/* The same on hostfs. */
	assert_ok(vfs_symlinkat("host-made", K_AT_FDCWD, "/h/work/dangle"));
	assert_err(vfs_openat(K_AT_FDCWD, "/h/work/dangle", K_O_CREAT | K_O_EXCL | K_O_WRONLY, 0644),
		   EEXIST);
	assert_err(unit_type("/h/work/host-made"), ENOENT);
	vfs_unlinkat(K_AT_FDCWD, "/t/work/dangle", 0);
	vfs_unlinkat(K_AT_FDCWD, "/t/work/made-through-link", 0);
	vfs_unlinkat(K_AT_FDCWD, "/h/work/dangle", 0);
}

static void test_tmpfs_mkdir_rmdir_unlink(void **state)
{
	(void)state;
	struct b_stat st;
	assert_ok(vfs_mkdirat(K_AT_FDCWD, "/t/work/d", 0777));
	assert_ok(vfs_statat(K_AT_FDCWD, "/t/work/d", 0, &st));
	assert_int_equal(st.mode, K_S_IFDIR | 0755); /* umask 022 */
	assert_int_equal(st.nlink, 2);
	assert_err(vfs_mkdirat(K_AT_FDCWD, "/t/work/d", 0755), EEXIST);
	assert_err(vfs_mkdirat(K_AT_FDCWD, "/t/work/none/d", 0755), ENOENT);
	assert_ok(vfs_mkdirat(K_AT_FDCWD, "/t/work/d/e", 0755));
	assert_ok(vfs_statat(K_AT_FDCWD, "/t/work/d", 0, &st));
	assert_int_equal(st.nlink, 3);
	assert_ok(unit_put("/t/work/d/file", "x"));
	assert_err(vfs_unlinkat(K_AT_FDCWD, "/t/work/d", K_AT_REMOVEDIR), ENOTEMPTY);
	assert_err(vfs_unlinkat(K_AT_FDCWD, "/t/work/d/file", K_AT_REMOVEDIR), ENOTDIR);
	assert_err(vfs_unlinkat(K_AT_FDCWD, "/t/work/d/e", 0), EISDIR);
	assert_err(vfs_unlinkat(K_AT_FDCWD, "/t/work/d/none", 0), ENOENT);
	assert_err(vfs_unlinkat(K_AT_FDCWD, "/t/work/d/file", 0x400), EINVAL);
	assert_ok(vfs_unlinkat(K_AT_FDCWD, "/t/work/d/file", 0));
	assert_ok(vfs_unlinkat(K_AT_FDCWD, "/t/work/d/e", K_AT_REMOVEDIR));
	assert_ok(vfs_statat(K_AT_FDCWD, "/t/work/d", 0, &st));
	assert_int_equal(st.nlink, 2);
	assert_ok(vfs_unlinkat(K_AT_FDCWD, "/t/work/d", K_AT_REMOVEDIR));
	assert_err(vfs_unlinkat(K_AT_FDCWD, "/t/work/d", K_AT_REMOVEDIR), ENOENT);
	/* Mount points cannot be removed. */
	assert_err(vfs_unlinkat(K_AT_FDCWD, "/t", K_AT_REMOVEDIR), EBUSY);
	assert_err(vfs_mkdirat(K_AT_FDCWD, "/t", 0755), EEXIST);
}

/* Unlinking an open file keeps its data for the open descriptor. */
static void test_tmpfs_unlink_while_open(void **state)
{
	(void)state;
	char buf[64];
	assert_ok(unit_put("/t/work/open", "still here"));
	int fd = vfs_openat(K_AT_FDCWD, "/t/work/open", K_O_RDWR, 0);
	assert_ok(vfs_unlinkat(K_AT_FDCWD, "/t/work/open", 0));
	expect_err("/t/work/open", ENOENT);
	assert_int_equal(unit_read_fd(fd, buf, sizeof(buf)), 10);
	assert_string_equal(buf, "still here");
	assert_int_equal(file_pwrite(fd, "STILL", 5, 0), 5);
	assert_int_equal(file_pread(fd, buf, 10, 0), 10);
	assert_memory_equal(buf, "STILL here", 10);
	struct b_stat st;
	assert_ok(file_stat(fd, &st));
	assert_int_equal(st.nlink, 0);
	assert_int_equal(st.size, 10);
	/* A new file of the same name is a different file. */
	assert_ok(unit_put("/t/work/open", "new"));
	assert_int_equal(file_pread(fd, buf, 10, 0), 10);
	fd_close(fd);
	expect_file("/t/work/open", "new");
	vfs_unlinkat(K_AT_FDCWD, "/t/work/open", 0);
}

static void test_tmpfs_rename(void **state)
{
	(void)state;
	assert_ok(vfs_mkdirat(K_AT_FDCWD, "/t/work/r", 0755));
	assert_ok(unit_put("/t/work/r/a", "A"));
	assert_ok(unit_put("/t/work/r/b", "B"));
	int fd = vfs_openat(K_AT_FDCWD, "/t/work/r/a", K_O_RDONLY, 0);
	assert_ok(vfs_renameat(K_AT_FDCWD, "/t/work/r/a", K_AT_FDCWD, "/t/work/r/c", 0));
	expect_err("/t/work/r/a", ENOENT);
	expect_file("/t/work/r/c", "A");
	char buf[8];
	assert_int_equal(unit_read_fd(fd, buf, sizeof(buf)), 1); /* open file unaffected */
	fd_close(fd);
	/* Over an existing file: replaced; an open descriptor of the old
	 * one still reads it. */
	int old_b = vfs_openat(K_AT_FDCWD, "/t/work/r/b", K_O_RDONLY, 0);
	assert_ok(vfs_renameat(K_AT_FDCWD, "/t/work/r/c", K_AT_FDCWD, "/t/work/r/b", 0));
	expect_file("/t/work/r/b", "A");
	assert_int_equal(unit_read_fd(old_b, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "B");
	fd_close(old_b);
	expect_err("/t/work/r/c", ENOENT);
	/* RENAME_NOREPLACE. */
	assert_ok(unit_put("/t/work/r/c", "C"));
	assert_err(vfs_renameat(K_AT_FDCWD, "/t/work/r/c", K_AT_FDCWD, "/t/work/r/b", 1), EEXIST);
	assert_ok(vfs_renameat(K_AT_FDCWD, "/t/work/r/c", K_AT_FDCWD, "/t/work/r/d", 1));
	/* Directories. */
	assert_ok(vfs_mkdirat(K_AT_FDCWD, "/t/work/r/dir1", 0755));
	assert_ok(vfs_mkdirat(K_AT_FDCWD, "/t/work/r/dir1/inner", 0755));
	assert_ok(vfs_mkdirat(K_AT_FDCWD, "/t/work/r/empty", 0755));
	assert_ok(vfs_mkdirat(K_AT_FDCWD, "/t/work/r/full", 0755));
	assert_ok(unit_put("/t/work/r/full/x", "x"));
	assert_err(vfs_renameat(K_AT_FDCWD, "/t/work/r/dir1", K_AT_FDCWD, "/t/work/r/dir1/inner/x", 0),
		   EINVAL);
	assert_err(vfs_renameat(K_AT_FDCWD, "/t/work/r/dir1", K_AT_FDCWD, "/t/work/r/dir1/y", 0), EINVAL);
	assert_err(vfs_renameat(K_AT_FDCWD, "/t/work/r/b", K_AT_FDCWD, "/t/work/r/empty", 0), EISDIR);
	assert_err(vfs_renameat(K_AT_FDCWD, "/t/work/r/dir1", K_AT_FDCWD, "/t/work/r/b", 0), ENOTDIR);
	assert_err(vfs_renameat(K_AT_FDCWD, "/t/work/r/dir1", K_AT_FDCWD, "/t/work/r/full", 0), ENOTEMPTY);
	assert_ok(vfs_renameat(K_AT_FDCWD, "/t/work/r/dir1", K_AT_FDCWD, "/t/work/r/empty", 0));
	assert_int_equal(unit_type("/t/work/r/empty/inner"), K_S_IFDIR);
	assert_err(unit_type("/t/work/r/dir1"), ENOENT);
	assert_ok(vfs_renameat(K_AT_FDCWD, "/t/work/r/empty", K_AT_FDCWD, "/t/work/r/full/moved", 0));
	struct b_stat st;
	assert_ok(vfs_statat(K_AT_FDCWD, "/t/work/r/full", 0, &st));
	assert_int_equal(st.nlink, 3);
	assert_ok(vfs_statat(K_AT_FDCWD, "/t/work/r", 0, &st));
	assert_int_equal(st.nlink, 3); /* r, r/full and r/.. */
	/* Same name: nothing happens. */
	assert_ok(vfs_renameat(K_AT_FDCWD, "/t/work/r/b", K_AT_FDCWD, "/t/work/r/b", 0));
	expect_file("/t/work/r/b", "A");
	assert_err(vfs_renameat(K_AT_FDCWD, "/t/work/r/none", K_AT_FDCWD, "/t/work/r/z", 0), ENOENT);
	assert_err(vfs_renameat(K_AT_FDCWD, "/t/work/r/b", K_AT_FDCWD, "/h/work/b", 0), EXDEV);
	char out[256];
	unit_list("/t/work/r", out, sizeof(out));
	assert_string_equal(out, "b,d,full");
	unit_list("/t/work/r/full", out, sizeof(out));
	assert_string_equal(out, "moved,x");
}

static void test_tmpfs_getdents(void **state)
{
	(void)state;
	char out[8192], name[64];
	assert_ok(vfs_mkdirat(K_AT_FDCWD, "/t/work/g", 0755));
	assert_int_equal(unit_list("/t/work/g", out, sizeof(out)), 0);
	unit_put("/t/work/g/b", "");
	unit_put("/t/work/g/a", "");
	vfs_mkdirat(K_AT_FDCWD, "/t/work/g/d", 0755);
	vfs_symlinkat("a", K_AT_FDCWD, "/t/work/g/l");
	assert_int_equal(unit_list("/t/work/g", out, sizeof(out)), 4);
	assert_string_equal(out, "a,b,d,l");
	/* "." and ".." and the d_type of each entry. */
	int fd = vfs_openat(K_AT_FDCWD, "/t/work/g", K_O_RDONLY | K_O_DIRECTORY, 0);
	char buf[1024];
	long n = file_getdents(fd, buf, sizeof(buf));
	int seen = 0;
	for (long off = 0; off < n;) {
		uint16_t reclen;
		memcpy(&reclen, buf + off + 16, 2);
		const char *nm = buf + off + 19;
		unsigned char type = (unsigned char)buf[off + 18];
		if (!strcmp(nm, ".") || !strcmp(nm, "..") || !strcmp(nm, "d"))
			assert_int_equal(type, 4), seen++;
		if (!strcmp(nm, "a"))
			assert_int_equal(type, 8), seen++;
		if (!strcmp(nm, "l"))
			assert_int_equal(type, 10), seen++;
		off += reclen;
	}
	assert_int_equal(seen, 5);
	assert_int_equal(file_getdents(fd, buf, sizeof(buf)), 0);
	/* Rewind. */
	assert_int_equal(file_seek(fd, 0, 0), 0);
	assert_true(file_getdents(fd, buf, sizeof(buf)) > 0);
	assert_int_equal(file_seek(fd, 0, 0), 0);
	assert_err(file_getdents(fd, buf, 10), EINVAL); /* too small for one entry */
	fd_close(fd);
	/* Many entries, read with a small buffer: each exactly once. */
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "/t/work/g/d/entry-%03d", i);
		assert_ok(unit_put(name, ""));
	}
	fd = vfs_openat(K_AT_FDCWD, "/t/work/g/d", K_O_RDONLY | K_O_DIRECTORY, 0);
	int count = 0, dots = 0;
	static unsigned char found[300];
	memset(found, 0, sizeof(found));
	for (;;) {
		n = file_getdents(fd, buf, 100);
		assert_true(n >= 0);
		if (!n)
			break;
		for (long off = 0; off < n;) {
			uint16_t reclen;
			memcpy(&reclen, buf + off + 16, 2);
			int k;
			if (sscanf(buf + off + 19, "entry-%d", &k) == 1) {
				assert_int_equal(found[k], 0);
				found[k] = 1, count++;
			} else {
				dots++;
			}
			off += reclen;
		}
	}
	assert_int_equal(count, 300);
	assert_int_equal(dots, 2);
	fd_close(fd);
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "/t/work/g/d/entry-%03d", i);
		assert_ok(vfs_unlinkat(K_AT_FDCWD, name, 0));
	}
	vfs_unlinkat(K_AT_FDCWD, "/t/work/g/b", 0);
	unit_list("/t/work/g", out, sizeof(out));
	assert_string_equal(out, "a,d,l");
}

/* A directory removed while open (and its parent too): listing and stat
 * through the open descriptor stay safe. */
static void test_tmpfs_removed_dir_open(void **state)
{
	(void)state;
	assert_ok(vfs_mkdirat(K_AT_FDCWD, "/t/work/gone", 0755));
	assert_ok(vfs_mkdirat(K_AT_FDCWD, "/t/work/gone/sub", 0755));
	int fd = vfs_openat(K_AT_FDCWD, "/t/work/gone/sub", K_O_RDONLY | K_O_DIRECTORY, 0);
	assert_true(fd >= 0);
	assert_ok(vfs_unlinkat(K_AT_FDCWD, "/t/work/gone/sub", K_AT_REMOVEDIR));
	assert_ok(vfs_unlinkat(K_AT_FDCWD, "/t/work/gone", K_AT_REMOVEDIR));
	/* Churn the heap so a freed parent would be reused. */
	for (int i = 0; i < 50; i++) {
		char name[32];
		snprintf(name, sizeof(name), "/t/work/churn%d", i);
		vfs_mkdirat(K_AT_FDCWD, name, 0755);
		vfs_unlinkat(K_AT_FDCWD, name, K_AT_REMOVEDIR);
	}
	char buf[512];
	assert_true(file_getdents(fd, buf, sizeof(buf)) >= 0);
	struct b_stat st;
	assert_ok(file_stat(fd, &st));
	assert_int_equal(st.mode & K_S_IFMT, K_S_IFDIR);
	fd_close(fd);
}

static void test_tmpfs_chmod_stat_access(void **state)
{
	(void)state;
	struct b_stat st, st2;
	assert_ok(unit_put("/t/work/m", "1234"));
	assert_ok(vfs_chmodat(K_AT_FDCWD, "/t/work/m", 0600));
	assert_ok(vfs_statat(K_AT_FDCWD, "/t/work/m", 0, &st));
	assert_int_equal(st.mode, K_S_IFREG | 0600);
	assert_int_equal(st.size, 4);
	assert_ok(vfs_statat(K_AT_FDCWD, "/t/target.txt", 0, &st2));
	assert_true(st.ino != st2.ino);
	assert_int_equal(st.dev, st2.dev);
	assert_ok(vfs_accessat(K_AT_FDCWD, "/t/work/m", 4 | 2, 0));
	assert_err(vfs_accessat(K_AT_FDCWD, "/t/work/m", 1, 0), EACCES); /* root: x needs a bit */
	int fd = vfs_openat(K_AT_FDCWD, "/t/work/m", K_O_RDONLY, 0);
	assert_ok(file_chmod(fd, 0751));
	assert_ok(file_stat(fd, &st));
	assert_int_equal(st.mode & 07777, 0751);
	fd_close(fd);
	assert_err(vfs_chmodat(K_AT_FDCWD, "/t/work/none", 0600), ENOENT);
	struct b_statfs sf;
	assert_ok(vfs_statfs("/t/work", &sf));
	assert_int_equal(sf.type, 0x01021994);
	vfs_unlinkat(K_AT_FDCWD, "/t/work/m", 0);
}

/* ---- hostfs ---------------------------------------------------------------- */

static void test_hostfs_files(void **state)
{
	(void)state;
	char buf[64], hp[1024];
	int fd = vfs_openat(K_AT_FDCWD, "/h/work/new", K_O_CREAT | K_O_EXCL | K_O_RDWR, 0640);
	assert_true(fd >= 0);
	assert_int_equal(file_write(fd, "hello host", 10), 10);
	assert_int_equal(file_seek(fd, -4, 2), 6);
	assert_int_equal(file_read(fd, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "host", 4);
	assert_int_equal(file_seek(fd, 0, 1), 10);
	assert_err(file_seek(fd, -1, 0), EINVAL);
	assert_ok(file_truncate(fd, 5));
	struct b_stat st;
	assert_ok(file_stat(fd, &st));
	assert_int_equal(st.size, 5);
	assert_int_equal(st.mode, K_S_IFREG | 0640);
	fd_close(fd);
	/* It is a real host file. */
	snprintf(hp, sizeof(hp), "%s/work/new", H);
	FILE *f = fopen(hp, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "hello");
	assert_err(vfs_openat(K_AT_FDCWD, "/h/work/new", K_O_CREAT | K_O_EXCL | K_O_RDWR, 0640), EEXIST);
	assert_err(vfs_openat(K_AT_FDCWD, "/h/work/new", K_O_RDONLY | K_O_DIRECTORY, 0), ENOTDIR);
	assert_err(vfs_openat(K_AT_FDCWD, "/h/work", K_O_WRONLY, 0), EISDIR);
	expect_err("/h/work/new/x", ENOTDIR);
	/* O_APPEND and O_TRUNC. */
	fd = vfs_openat(K_AT_FDCWD, "/h/work/new", K_O_WRONLY | K_O_APPEND, 0);
	assert_int_equal(file_write(fd, "+x", 2), 2);
	fd_close(fd);
	expect_file("/h/work/new", "hello+x");
	fd = vfs_openat(K_AT_FDCWD, "/h/work/new", K_O_WRONLY | K_O_TRUNC, 0);
	fd_close(fd);
	expect_file("/h/work/new", "");
	/* readlink of a file that is no link. */
	assert_err(vfs_readlinkat(K_AT_FDCWD, "/h/work/new", buf, sizeof(buf)), EINVAL);
	assert_err(vfs_readlinkat(K_AT_FDCWD, "/t/target.txt", buf, sizeof(buf)), EINVAL);
	assert_err(vfs_readlinkat(K_AT_FDCWD, "/h/work/none", buf, sizeof(buf)), ENOENT);
	assert_ok(vfs_unlinkat(K_AT_FDCWD, "/h/work/new", 0));
	assert_int_equal(access(hp, F_OK), -1);
}

static void test_hostfs_dirs_rename(void **state)
{
	(void)state;
	char out[256];
	assert_ok(vfs_mkdirat(K_AT_FDCWD, "/h/work/d", 0755));
	assert_err(vfs_mkdirat(K_AT_FDCWD, "/h/work/d", 0755), EEXIST);
	assert_ok(unit_put("/h/work/d/a", "A"));
	assert_ok(unit_put("/h/work/d/b", "B"));
	assert_ok(vfs_mkdirat(K_AT_FDCWD, "/h/work/d/sub", 0755));
	assert_int_equal(unit_list("/h/work/d", out, sizeof(out)), 3);
	assert_string_equal(out, "a,b,sub");
	assert_err(vfs_unlinkat(K_AT_FDCWD, "/h/work/d", K_AT_REMOVEDIR), ENOTEMPTY);
	assert_err(vfs_unlinkat(K_AT_FDCWD, "/h/work/d/a", K_AT_REMOVEDIR), ENOTDIR);
	assert_err(vfs_unlinkat(K_AT_FDCWD, "/h/work/d/sub", 0), EISDIR);
	assert_ok(vfs_renameat(K_AT_FDCWD, "/h/work/d/a", K_AT_FDCWD, "/h/work/d/b", 0));
	expect_file("/h/work/d/b", "A");
	assert_ok(vfs_renameat(K_AT_FDCWD, "/h/work/d/b", K_AT_FDCWD, "/h/work/d/sub/c", 0));
	expect_file("/h/work/d/sub/c", "A");
	assert_err(vfs_renameat(K_AT_FDCWD, "/h/work/d/sub/c", K_AT_FDCWD, "/t/work/c", 0), EXDEV);
	/* Unlink while open keeps the data (host semantics). */
	int fd = vfs_openat(K_AT_FDCWD, "/h/work/d/sub/c", K_O_RDONLY, 0);
	assert_ok(vfs_unlinkat(K_AT_FDCWD, "/h/work/d/sub/c", 0));
	char buf[8];
	assert_int_equal(unit_read_fd(fd, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "A");
	fd_close(fd);
	/* Symlinks made through the kernel are host links, resolved by bento. */
	assert_ok(vfs_symlinkat("../../file.txt", K_AT_FDCWD, "/h/work/d/up"));
	expect_file("/h/work/d/up", "host file");
	assert_ok(vfs_unlinkat(K_AT_FDCWD, "/h/work/d/up", 0));
	assert_ok(vfs_unlinkat(K_AT_FDCWD, "/h/work/d/sub", K_AT_REMOVEDIR));
	assert_ok(vfs_unlinkat(K_AT_FDCWD, "/h/work/d", K_AT_REMOVEDIR));
	assert_err(unit_type("/h/work/d"), ENOENT);
}

/* A read-only mount refuses every change with EROFS (after ENOENT/EEXIST
 * where Linux reports those first) but reads fine. */
static void test_hostfs_readonly(void **state)
{
	(void)state;
	expect_file("/ro/ro.txt", "read only");
	expect_file("/ro/ro-link", "read only");
	assert_err(vfs_openat(K_AT_FDCWD, "/ro/ro.txt", K_O_WRONLY, 0), EROFS);
	assert_err(vfs_openat(K_AT_FDCWD, "/ro/ro.txt", K_O_RDWR, 0), EROFS);
	assert_err(vfs_openat(K_AT_FDCWD, "/ro/ro.txt", K_O_RDONLY | K_O_TRUNC, 0), EROFS);
	assert_err(vfs_openat(K_AT_FDCWD, "/ro/new", K_O_CREAT | K_O_WRONLY, 0644), EROFS);
	assert_err(vfs_openat(K_AT_FDCWD, "/ro/none", K_O_WRONLY, 0), ENOENT);
	assert_err(vfs_openat(K_AT_FDCWD, "/ro/rodir", K_O_RDWR, 0), EISDIR);
	assert_err(vfs_mkdirat(K_AT_FDCWD, "/ro/newdir", 0755), EROFS);
	assert_err(vfs_mkdirat(K_AT_FDCWD, "/ro/rodir", 0755), EEXIST);
	assert_err(vfs_unlinkat(K_AT_FDCWD, "/ro/ro.txt", 0), EROFS);
	assert_err(vfs_unlinkat(K_AT_FDCWD, "/ro/rodir", K_AT_REMOVEDIR), EROFS);
	assert_err(vfs_renameat(K_AT_FDCWD, "/ro/ro.txt", K_AT_FDCWD, "/ro/moved", 0), EROFS);
	assert_err(vfs_symlinkat("ro.txt", K_AT_FDCWD, "/ro/l"), EROFS);
	assert_err(vfs_chmodat(K_AT_FDCWD, "/ro/ro.txt", 0777), EROFS);
	assert_err(vfs_truncate("/ro/ro.txt", 0), EROFS);
	assert_err(vfs_accessat(K_AT_FDCWD, "/ro/ro.txt", 2, 0), EROFS);
	assert_ok(vfs_accessat(K_AT_FDCWD, "/ro/ro.txt", 4, 0));
	int fd = vfs_openat(K_AT_FDCWD, "/ro/ro.txt", K_O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_err(file_chmod(fd, 0777), EROFS);
	struct b_timespec ts[2] = { { 1, 0 }, { 2, 0 } };
	assert_err(vfs_utimensat(fd, NULL, ts, 0), EROFS);
	fd_close(fd);
	char out[128];
	unit_list("/ro", out, sizeof(out));
	assert_string_equal(out, "ro-link,ro.txt,rodir");
	/* Nothing changed on the host. */
	char hp[1024];
	snprintf(hp, sizeof(hp), "%s/ro.txt", R);
	struct stat hs;
	assert_int_equal(stat(hp, &hs), 0);
	assert_int_equal(hs.st_size, 9);
}

/* ---- more paths and files ----------------------------------------------- */

static void test_path_limits_and_escapes(void **state)
{
	(void)state;
	char path[PATH_MAX_K + 64];
	memset(path, 'a', sizeof(path));
	memcpy(path, "/t/", 3);
	path[3 + 256] = 0; /* one component of 256 bytes */
	expect_err(path, ENAMETOOLONG);
	path[3 + 255] = 0; /* 255 is fine: just missing */
	expect_err(path, ENOENT);
	size_t n = 0;
	while (n < PATH_MAX_K + 16)
		memcpy(path + n, "/.", 2), n += 2;
	memcpy(path + n, "/t", 3); /* "/t", longer than PATH_MAX in total */
	struct b_stat st;
	int r = vfs_statat(K_AT_FDCWD, path, 0, &st);
	assert_true(r == 0 || r == -ENAMETOOLONG);
	/* Absolute host paths in links are guest paths. */
	assert_ok(vfs_symlinkat("/etc/passwd", K_AT_FDCWD, "/h/work/abs-escape"));
	expect_err("/h/work/abs-escape", ENOENT);
	assert_ok(vfs_unlinkat(K_AT_FDCWD, "/h/work/abs-escape", 0));
	/* Links added at set-up time. */
	assert_ok(vfs_add_symlink("/t/work/added", "/h/file.txt"));
	expect_file("/t/work/added", "host file");
	vfs_unlinkat(K_AT_FDCWD, "/t/work/added", 0);
}

/* A mount hides what was at its mount point. */
static void test_mount_shadowing(void **state)
{
	(void)state;
	assert_ok(vfs_mkdirat(K_AT_FDCWD, "/t/work/shadow", 0755));
	assert_ok(unit_put("/t/work/shadow/under", "under"));
	assert_ok(vfs_mount_tmpfs("/t/work/shadow"));
	expect_err("/t/work/shadow/under", ENOENT);
	assert_ok(unit_put("/t/work/shadow/over", "over"));
	char out[64];
	unit_list("/t/work/shadow", out, sizeof(out));
	assert_string_equal(out, "over");
	assert_err(vfs_renameat(K_AT_FDCWD, "/t/work/shadow/over", K_AT_FDCWD, "/t/work/over", 0), EXDEV);
	expect_file("/t/work/shadow/../shadow/over", "over");
}

static void test_shared_offset_and_flags(void **state)
{
	(void)state;
	char buf[16];
	assert_ok(unit_put("/t/work/off", "abcdefgh"));
	int a = vfs_openat(K_AT_FDCWD, "/t/work/off", K_O_RDWR, 0);
	int b = fd_dup(a, 0, 0);
	int c = vfs_openat(K_AT_FDCWD, "/t/work/off", K_O_RDONLY, 0);
	assert_int_equal(file_read(a, buf, 3), 3);
	assert_int_equal(file_read(b, buf, 2), 2); /* one description, one offset */
	assert_memory_equal(buf, "de", 2);
	assert_int_equal(file_read(c, buf, 1), 1); /* another description */
	assert_int_equal(buf[0], 'a');
	/* F_SETFL O_APPEND on one description. */
	assert_ok(file_set_flags(a, K_O_APPEND));
	assert_true(file_get_flags(b) & K_O_APPEND);
	assert_false(file_get_flags(c) & K_O_APPEND);
	assert_int_equal(file_get_flags(a) & K_O_ACCMODE, K_O_RDWR);
	file_seek(a, 0, 0);
	assert_int_equal(file_write(a, "Z", 1), 1);
	assert_int_equal(file_pread(c, buf, 9, 0), 9);
	assert_memory_equal(buf, "abcdefghZ", 9);
	assert_ok(file_set_flags(a, K_O_RDONLY)); /* the access mode cannot change */
	assert_int_equal(file_get_flags(a) & K_O_ACCMODE, K_O_RDWR);
	fd_close(a), fd_close(b), fd_close(c);
	vfs_unlinkat(K_AT_FDCWD, "/t/work/off", 0);
}

static void test_times_and_access(void **state)
{
	(void)state;
	struct b_stat st;
	assert_ok(unit_put("/t/work/tm", "t"));
	struct b_timespec ts[2] = { { 1000, 5 }, { 2000, 7 } };
	assert_ok(vfs_utimensat(K_AT_FDCWD, "/t/work/tm", ts, 0));
	assert_ok(vfs_statat(K_AT_FDCWD, "/t/work/tm", 0, &st));
	assert_int_equal(st.atime.sec, 1000);
	assert_int_equal(st.atime.nsec, 5);
	assert_int_equal(st.mtime.sec, 2000);
	struct b_timespec omit[2] = { { 0, (1L << 30) - 2 }, { 3000, 0 } };
	assert_ok(vfs_utimensat(K_AT_FDCWD, "/t/work/tm", omit, 0));
	assert_ok(vfs_statat(K_AT_FDCWD, "/t/work/tm", 0, &st));
	assert_int_equal(st.atime.sec, 1000); /* UTIME_OMIT */
	assert_int_equal(st.mtime.sec, 3000);
	assert_ok(vfs_utimensat(K_AT_FDCWD, "/t/work/tm", NULL, 0));
	assert_ok(vfs_statat(K_AT_FDCWD, "/t/work/tm", 0, &st));
	assert_true(st.mtime.sec > 1600000000);
	/* The same on a host file. */
	assert_ok(unit_put("/h/work/tm", "t"));
	assert_ok(vfs_utimensat(K_AT_FDCWD, "/h/work/tm", ts, 0));
	assert_ok(vfs_statat(K_AT_FDCWD, "/h/work/tm", 0, &st));
	assert_int_equal(st.mtime.sec, 2000);
	assert_int_equal(st.mtime.nsec, 7);
	/* access(2) by mode bits for another user. */
	assert_ok(vfs_chmodat(K_AT_FDCWD, "/t/work/tm", 0604));
	cred_init(1000, 1000);
	assert_ok(vfs_accessat(K_AT_FDCWD, "/t/work/tm", 4, 0));
	assert_err(vfs_accessat(K_AT_FDCWD, "/t/work/tm", 2, 0), EACCES);
	assert_err(vfs_accessat(K_AT_FDCWD, "/t/work/tm", 1, 0), EACCES);
	assert_ok(vfs_accessat(K_AT_FDCWD, "/t/work/tm", 0, 0));
	cred_init(0, 0);
	vfs_unlinkat(K_AT_FDCWD, "/t/work/tm", 0);
	vfs_unlinkat(K_AT_FDCWD, "/h/work/tm", 0);
}

/* Hard links: hostfs passes them to the host; tmpfs has none yet. */
static void test_links(void **state)
{
	(void)state;
	struct b_stat st;
	assert_ok(unit_put("/h/work/orig", "linked"));
	assert_ok(vfs_linkat(K_AT_FDCWD, "/h/work/orig", K_AT_FDCWD, "/h/work/hard", 0));
	expect_file("/h/work/hard", "linked");
	assert_ok(vfs_statat(K_AT_FDCWD, "/h/work/orig", 0, &st));
	assert_int_equal(st.nlink, 2);
	assert_err(vfs_linkat(K_AT_FDCWD, "/h/work/orig", K_AT_FDCWD, "/t/work/hard", 0), EXDEV);
	assert_err(vfs_linkat(K_AT_FDCWD, "/h/work/orig", K_AT_FDCWD, "/h/work/hard", 0), EEXIST);
	vfs_unlinkat(K_AT_FDCWD, "/h/work/orig", 0);
	vfs_unlinkat(K_AT_FDCWD, "/h/work/hard", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_resolve_plain, check_clean),
		cmocka_unit_test_teardown(test_resolve_cwd_and_dirfd, check_clean),
		cmocka_unit_test_teardown(test_resolve_symlinks, check_clean),
		cmocka_unit_test_teardown(test_resolve_loops, check_clean),
		cmocka_unit_test_teardown(test_resolve_dangling_nofollow, check_clean),
		cmocka_unit_test_teardown(test_resolve_trailing_slash, check_clean),
		cmocka_unit_test_teardown(test_resolve_dotdot_needs_dir, check_clean),
		cmocka_unit_test_teardown(test_hidden, check_clean),
		cmocka_unit_test_teardown(test_tmpfs_read_write_seek, check_clean),
		cmocka_unit_test_teardown(test_tmpfs_append_trunc, check_clean),
		cmocka_unit_test_teardown(test_tmpfs_open_flags, check_clean),
		cmocka_unit_test_teardown(test_excl_dangling_link, check_clean),
		cmocka_unit_test_teardown(test_tmpfs_mkdir_rmdir_unlink, check_clean),
		cmocka_unit_test_teardown(test_tmpfs_unlink_while_open, check_clean),
		cmocka_unit_test_teardown(test_tmpfs_rename, check_clean),
		cmocka_unit_test_teardown(test_tmpfs_getdents, check_clean),
		cmocka_unit_test_teardown(test_tmpfs_removed_dir_open, check_clean),
		cmocka_unit_test_teardown(test_tmpfs_chmod_stat_access, check_clean),
		cmocka_unit_test_teardown(test_hostfs_files, check_clean),
		cmocka_unit_test_teardown(test_hostfs_dirs_rename, check_clean),
		cmocka_unit_test_teardown(test_hostfs_readonly, check_clean),
		cmocka_unit_test_teardown(test_path_limits_and_escapes, check_clean),
		cmocka_unit_test_teardown(test_mount_shadowing, check_clean),
		cmocka_unit_test_teardown(test_shared_offset_and_flags, check_clean),
		cmocka_unit_test_teardown(test_times_and_access, check_clean),
		cmocka_unit_test_teardown(test_links, check_clean),
	};
	return cmocka_run_group_tests_name("vfs", tests, group_setup, NULL);
}
