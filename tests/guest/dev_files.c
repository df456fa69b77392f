// dev_files: /dev/null, /dev/zero, /dev/full (ENOSPC), /dev/random and
// /dev/urandom (two reads differ), /dev/stdout and /dev/fd/1 reaching our
// stdout (the runner makes stdout a pipe), /dev/stdin at EOF, device types and numbers, mmap of /dev/zero.
#include "guest.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static void devnum(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		printf("%s: %s\n", path, ename(errno));
	else
		printf("%s: chr=%s %u:%u\n", path, YN(S_ISCHR(st.st_mode)), major(st.st_rdev), minor(st.st_rdev));
}

static void differ(const char *path)
{
	unsigned char a[32], b[32];
	int fd = open(path, O_RDONLY);
	ssize_t n1 = read(fd, a, sizeof a);
	ssize_t n2 = read(fd, b, sizeof b);
	close(fd);
	printf("%s: read %zd+%zd, two reads differ: %s\n", path, n1, n2, YN(memcmp(a, b, 32) != 0));
}

int main(void)
{
	char buf[256];
	int fd = open("/dev/null", O_RDWR);
	printf("/dev/null read: %zd\n", read(fd, buf, sizeof buf));
	printf("/dev/null write: %zd\n", write(fd, "discard", 7));
	close(fd);

	fd = open("/dev/zero", O_RDWR);
	memset(buf, 'x', sizeof buf);
	ssize_t n = read(fd, buf, sizeof buf);
	int zero = 1;
	for (int i = 0; i < 256; i++)
		zero &= buf[i] == 0;
	printf("/dev/zero read: %zd all zero: %s\n", n, YN(zero));
	printf("/dev/zero write: %zd\n", write(fd, "x", 1));
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	printf("/dev/zero private map zero and writable: %s\n", YN(m != MAP_FAILED && m[100] == 0 && (m[100] = 1)));
	close(fd);

	fd = open("/dev/full", O_RDWR);
	say("/dev/full write", write(fd, "x", 1));
	buf[0] = 'x';
	n = read(fd, buf, 16);
	printf("/dev/full read: %zd zero: %s\n", n, YN(buf[0] == 0));
	close(fd);

	differ("/dev/urandom");
	differ("/dev/random");

	fflush(stdout);
	fd = open("/dev/stdout", O_WRONLY);
	write(fd, "via /dev/stdout\n", 16);
	close(fd);
	fd = open("/dev/fd/1", O_WRONLY);
	write(fd, "via /dev/fd/1\n", 14);
	close(fd);
	fd = open("/dev/stdin", O_RDONLY);
	printf("/dev/stdin (stdin is /dev/null) read: %zd\n", read(fd, buf, 10));
	close(fd);

	devnum("/dev/null");
	devnum("/dev/zero");
	devnum("/dev/full");
	devnum("/dev/random");
	devnum("/dev/urandom");
	struct stat st;
	printf("/dev is a directory: %s\n", YN(stat("/dev", &st) == 0 && S_ISDIR(st.st_mode)));
	say("open /dev/nonexistent", open("/dev/bento-gt-nonexistent", O_RDONLY));
	return 0;
}
