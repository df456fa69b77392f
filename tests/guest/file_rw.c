// file_rw: read/write, pread/pwrite, readv/writev, preadv/pwritev, lseek
// SEEK_SET/CUR/END, holes beyond EOF read as zeros, O_APPEND, ftruncate,
// short reads at EOF, a 1 MiB round trip, and offset errors.
#include "guest.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define F "/tmp/bento-gt-file_rw-file"

static long long fsize(int fd)
{
	struct stat st;
	fstat(fd, &st);
	return st.st_size;
}

int main(void)
{
	unlink(F);
	int fd = open(F, O_RDWR | O_CREAT | O_TRUNC, 0600);
	printf("write: %zd\n", write(fd, "hello world\n", 12));
	printf("lseek CUR after write: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
	printf("lseek SET 6: %lld\n", (long long)lseek(fd, 6, SEEK_SET));
	char buf[64] = { 0 };
	printf("read: %zd '%.5s'\n", read(fd, buf, 5), buf);
	printf("lseek CUR -3: %lld\n", (long long)lseek(fd, -3, SEEK_CUR));
	printf("lseek END 0: %lld\n", (long long)lseek(fd, 0, SEEK_END));
	printf("read at EOF: %zd\n", read(fd, buf, sizeof buf));
	printf("lseek END -4: %lld\n", (long long)lseek(fd, -4, SEEK_END));
	memset(buf, 0, sizeof buf);
	printf("short read near EOF: %zd\n", read(fd, buf, sizeof buf));

	printf("lseek beyond EOF: %lld\n", (long long)lseek(fd, 100, SEEK_END));
	printf("write after hole: %zd\n", write(fd, "X", 1));
	printf("size: %lld\n", fsize(fd));
	char hole[100];
	memset(hole, 'h', sizeof hole);
	printf("pread hole: %zd\n", pread(fd, hole, sizeof hole, 12));
	int zero = 1;
	for (int i = 0; i < 100; i++)
		zero &= hole[i] == 0;
	printf("hole reads zeros: %s\n", YN(zero));

	printf("pwrite: %zd\n", pwrite(fd, "HELLO", 5, 0));
	printf("offset unchanged by pwrite: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
	memset(buf, 0, sizeof buf);
	printf("pread: %zd '%s'\n", pread(fd, buf, 11, 0), buf);

	struct iovec wv[3] = { { "abc", 3 }, { "", 0 }, { "defgh", 5 } };
	lseek(fd, 0, SEEK_SET);
	printf("writev: %zd\n", writev(fd, wv, 3));
	char r1[2], r2[3], r3[8] = { 0 };
	struct iovec rv[3] = { { r1, 2 }, { r2, 3 }, { r3, 3 } };
	lseek(fd, 0, SEEK_SET);
	printf("readv: %zd '%.2s' '%.3s' '%.3s'\n", readv(fd, rv, 3), r1, r2, r3);
	struct iovec pw[2] = { { "PQ", 2 }, { "RS", 2 } };
	printf("pwritev at 20: %zd\n", pwritev(fd, pw, 2, 20));
	memset(r3, 0, sizeof r3);
	struct iovec pr[2] = { { r1, 2 }, { r3, 2 } };
	printf("preadv at 20: %zd '%.2s%.2s'\n", preadv(fd, pr, 2, 20), r1, r3);
	printf("offset after preadv: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
	struct iovec pr2[1] = { { buf, 3 } };
	lseek(fd, 2, SEEK_SET);
	printf("preadv2 offset -1 uses file offset: %zd '%.3s'\n", preadv2(fd, pr2, 1, -1, 0), buf);
	printf("offset advanced to: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));

	say("ftruncate to 4", ftruncate(fd, 4));
	printf("size: %lld\n", fsize(fd));
	say("ftruncate to 4096", ftruncate(fd, 4096));
	memset(buf, 'x', sizeof buf);
	pread(fd, buf, 8, 2);
	printf("grown tail is zero: %s, head kept: %.2s\n", YN(buf[2] == 0 && buf[7] == 0), buf);
	say("ftruncate negative", ftruncate(fd, -1));
	say("lseek to negative", lseek(fd, -1, SEEK_SET));
	say("lseek bad whence", lseek(fd, 0, 99));
	say("pread negative offset", pread(fd, buf, 1, -5));
	close(fd);

	fd = open(F, O_WRONLY | O_APPEND);
	lseek(fd, 0, SEEK_SET);
	write(fd, "END", 3);
	printf("O_APPEND wrote at end, size: %lld, offset: %lld\n", fsize(fd), (long long)lseek(fd, 0, SEEK_CUR));
	printf("pwrite on O_APPEND appends too: %zd, size: %lld\n", pwrite(fd, "Z", 1, 0), fsize(fd));
	close(fd);

	fd = open(F, O_RDWR | O_TRUNC);
	size_t n = 1 << 20;
	unsigned char *big = malloc(n), *back = malloc(n);
	for (size_t i = 0; i < n; i++)
		big[i] = (unsigned char)(i * 7 + i / 251);
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(fd, big + done, n - done);
		if (w <= 0)
			break;
		done += w;
	}
	printf("1MiB written: %zu\n", done);
	lseek(fd, 0, SEEK_SET);
	done = 0;
	while (done < n) {
		ssize_t r = read(fd, back + done, n - done);
		if (r <= 0)
			break;
		done += r;
	}
	printf("1MiB read back identical: %s\n", YN(done == n && memcmp(big, back, n) == 0));
	free(big);
	free(back);
	close(fd);

	fd = open(F, O_RDONLY);
	say("write to O_RDONLY fd", write(fd, "x", 1));
	close(fd);
	say("unlink", unlink(F));
	return 0;
}
