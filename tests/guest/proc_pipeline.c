// proc_pipeline: a pipeline of 5 processes moving 100 MB: a generator
// (forked) writes a deterministic pseudo-random stream, /bin/cat copies
// it, a forked filter inverts every byte, /usr/bin/cat copies it again,
// and a forked sink counts the bytes and computes a checksum that it
// reports to the parent over another pipe; the parent computes the
// expected checksum itself. Every stage's exit status is checked.
#include "guest.h"
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define TOTAL (100L << 20)
#define CHUNK 65536

static uint64_t seed_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void fill(unsigned char *buf, uint64_t *s)
{
	for (int i = 0; i < CHUNK; i += 8) {
		uint64_t v = seed_next(s);
		memcpy(buf + i, &v, 8);
	}
}

// FNV-1a over 8-byte words would depend on chunking; this is per byte.
static uint64_t sum_update(uint64_t h, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w <= 0)
			return -1;
		c += w;
		n -= w;
	}
	return 0;
}

static pid_t stage(int in, int out, int *close_list, int nclose, int kind, int report)
{
	pid_t c = fork();
	if (c != 0)
		return c;
	if (in >= 0)
		dup2(in, 0);
	if (out >= 0)
		dup2(out, 1);
	for (int i = 0; i < nclose; i++)
		close(close_list[i]);
	static unsigned char buf[CHUNK];
	if (kind == 0) { // generator
		uint64_t s = 88172645463325252ULL;
		for (long done = 0; done < TOTAL; done += CHUNK) {
			fill(buf, &s);
			if (write_all(1, buf, CHUNK) < 0)
				_exit(2);
		}
		_exit(0);
	}
	if (kind == 1 || kind == 3) { // cat
		execl(kind == 1 ? "/bin/cat" : "/usr/bin/cat", "cat", (char *)NULL);
		_exit(127);
	}
	if (kind == 2) { // invert
		ssize_t n;
		while ((n = read(0, buf, sizeof buf)) > 0) {
			for (ssize_t i = 0; i < n; i++)
				buf[i] = ~buf[i];
			if (write_all(1, buf, n) < 0)
				_exit(2);
		}
		_exit(n < 0 ? 3 : 0);
	}
	// sink
	uint64_t h = 14695981039346656037ULL;
	long total = 0;
	ssize_t n;
	while ((n = read(0, buf, sizeof buf)) > 0) {
		h = sum_update(h, buf, n);
		total += n;
	}
	uint64_t res[2] = { h, (uint64_t)total };
	write_all(report, res, sizeof res);
	_exit(n < 0 ? 3 : 0);
}

int main(void)
{
	int p[4][2], rep[2];
	for (int i = 0; i < 4; i++)
		pipe(p[i]);
	pipe(rep);
	int all[10] = { p[0][0], p[0][1], p[1][0], p[1][1], p[2][0], p[2][1], p[3][0], p[3][1], rep[0], rep[1] };
	pid_t pids[5];
	pids[0] = stage(-1, p[0][1], all, 9, 0, -1);
	pids[1] = stage(p[0][0], p[1][1], all, 9, 1, -1);
	pids[2] = stage(p[1][0], p[2][1], all, 9, 2, -1);
	pids[3] = stage(p[2][0], p[3][1], all, 9, 3, -1);
	pids[4] = stage(p[3][0], -1, all, 8, 4, rep[1]);
	for (int i = 0; i < 10; i++)
		if (all[i] != rep[0])
			close(all[i]);

	// The expected checksum, computed here meanwhile.
	static unsigned char buf[CHUNK];
	uint64_t s = 88172645463325252ULL, h = 14695981039346656037ULL;
	for (long done = 0; done < TOTAL; done += CHUNK) {
		fill(buf, &s);
		for (int i = 0; i < CHUNK; i++)
			buf[i] = ~buf[i];
		h = sum_update(h, buf, CHUNK);
	}

	uint64_t res[2] = { 0, 0 };
	ssize_t n = read(rep[0], res, sizeof res);
	printf("sink reported: %s, bytes %llu, checksum matches: %s\n", YN(n == sizeof res), (unsigned long long)res[1],
	       YN(res[0] == h));
	const char *names[5] = { "generator", "/bin/cat", "invert", "/usr/bin/cat", "sink" };
	for (int i = 0; i < 5; i++) {
		int st;
		pid_t r = waitpid(pids[i], &st, 0);
		printf("%s: %s%s\n", names[i], wstr(st), r == pids[i] ? "" : " (not reaped)");
	}
	return 0;
}
