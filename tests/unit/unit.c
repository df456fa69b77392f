/* unit.c — see unit.h. */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "unit.h"

void unit_kernel(void)
{
	static int done;
	if (done)
		return;
	mock_init();
	mock_set_guest_mode(0);
	int r = kernel_init();
	if (r < 0) {
		fprintf(stderr, "unit: kernel_init failed: %d\n", r);
		exit(2);
	}
	mock_set_guest_mode(1);
	done = 1;
}

int unit_group_setup(void **state)
{
	(void)state;
	unit_kernel();
	return 0;
}

void unit_thread_enter(void)
{
	struct thread *t = thread_create();
	if (!t) {
		fprintf(stderr, "unit: thread_create failed\n");
		exit(2);
	}
	thread_set_host(t, plat_thread_id());
	plat_set_self(t);
}

void unit_thread_leave(void)
{
	thread_exit_current();
	plat_set_self(NULL);
}

int unit_put(const char *path, const char *data)
{
	int fd = vfs_openat(K_AT_FDCWD, path, K_O_CREAT | K_O_WRONLY | K_O_TRUNC, 0644);
	if (fd < 0)
		return fd;
	size_t n = strlen(data);
	long w = file_write(fd, data, n);
	fd_close(fd);
	if (w < 0)
		return (int)w;
	return w == (long)n ? 0 : -EIO;
}

long unit_read_fd(int fd, char *buf, size_t n)
{
	size_t got = 0;
	for (;;) {
		long r = file_read(fd, buf + got, n - 1 - got);
		if (r < 0)
			return r;
		if (r == 0 || got + (size_t)r >= n - 1) {
			got += (size_t)r;
			break;
		}
		got += (size_t)r;
	}
	buf[got] = 0;
	return (long)got;
}

long unit_get(const char *path, char *buf, size_t n)
{
	int fd = vfs_openat(K_AT_FDCWD, path, K_O_RDONLY, 0);
	if (fd < 0)
		return fd;
	long r = unit_read_fd(fd, buf, n);
	fd_close(fd);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int unit_list_fd(int fd, char *out, size_t n)
{
	char buf[4096];
	char *names[512];
	int count = 0;
	for (;;) {
		long r = file_getdents(fd, buf, sizeof(buf));
		if (r < 0) {
			for (int i = 0; i < count; i++)
				free(names[i]);
			return (int)r;
		}
		if (r == 0)
			break;
		for (long off = 0; off < r;) {
			uint16_t reclen;
			memcpy(&reclen, buf + off + 16, 2);
			const char *name = buf + off + 19;
			if (strcmp(name, ".") && strcmp(name, "..") && count < 512)
				names[count++] = strdup(name);
			if (!reclen)
				break;
			off += reclen;
		}
	}
	qsort(names, (size_t)count, sizeof(names[0]), cmp_str);
	out[0] = 0;
	for (int i = 0; i < count; i++) {
		if (i)
			strncat(out, ",", n - strlen(out) - 1);
		strncat(out, names[i], n - strlen(out) - 1);
		free(names[i]);
	}
	return count;
}

int unit_list(const char *path, char *out, size_t n)
{
	int fd = vfs_openat(K_AT_FDCWD, path, K_O_RDONLY | K_O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	int r = unit_list_fd(fd, out, n);
	fd_close(fd);
	return r;
}

long unit_type(const char *path)
{
	struct b_stat st;
	int r = vfs_statat(K_AT_FDCWD, path, K_AT_SYMLINK_NOFOLLOW, &st);
	return r < 0 ? r : (long)(st.mode & K_S_IFMT);
}

/* ---- host temporary directories ------------------------------------ */

static char *tmpdirs[16];
static int ntmpdirs;

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

static void rm_tmpdirs(void)
{
	for (int i = 0; i < ntmpdirs; i++) {
		nftw(tmpdirs[i], rm_one, 16, FTW_DEPTH | FTW_PHYS);
		free(tmpdirs[i]);
	}
	ntmpdirs = 0;
}

const char *unit_host_tmpdir(void)
{
	char tmpl[256];
	const char *base = getenv("TMPDIR");
	snprintf(tmpl, sizeof(tmpl), "%s/bento-unit-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpl) || ntmpdirs >= 16) {
		perror("unit: mkdtemp");
		exit(2);
	}
	if (!ntmpdirs)
		atexit(rm_tmpdirs);
	tmpdirs[ntmpdirs] = strdup(tmpl);
	return tmpdirs[ntmpdirs++];
}

void unit_host_put(const char *dir, const char *rel, const char *data)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(data, f);
	fclose(f);
}
