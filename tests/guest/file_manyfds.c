// file_manyfds: poll, select and epoll with more descriptors than a small
// fixed array holds (servers watch thousands). With RLIMIT_NOFILE raised
// to min(hard, 4096), it makes pipes until about 2,000 descriptors are
// open (fewer when the hard limit is lower), then: poll of all of them
// (every write end ready), poll of one more entry than the limit
// (EINVAL), select on the read ends with a bitmap larger than FD_SETSIZE
// after writing to the last pipe, and epoll_wait with room for every
// item (all write ends reported in one call).
#include "guest.h"
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <unistd.h>

#define WANT_PIPES 1000

static int rd[WANT_PIPES], wr[WANT_PIPES];

int main(void)
{
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rlim_t lim = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
	rl.rlim_cur = lim;
	setrlimit(RLIMIT_NOFILE, &rl);
	int n = 0, fds[2];
	while (n < WANT_PIPES && (rlim_t)(2 * n + 64) < lim && pipe(fds) == 0)
		rd[n] = fds[0], wr[n] = fds[1], n++;
	printf("pipes made: %s\n", n == WANT_PIPES || (rlim_t)(2 * n + 64) >= lim ? "as planned" : "fewer");

	struct pollfd *p = calloc((size_t)lim + 1, sizeof(*p));
	for (int i = 0; i < n; i++) {
		p[2 * i] = (struct pollfd){ rd[i], POLLIN, 0 };
		p[2 * i + 1] = (struct pollfd){ wr[i], POLLOUT, 0 };
	}
	int r = poll(p, (nfds_t)(2 * n), 0);
	printf("poll of every end: %s\n", r == n ? "each write end ready" : "wrong count");
	for (size_t i = (size_t)(2 * n); i <= lim; i++)
		p[i] = (struct pollfd){ -1, 0, 0 };
	errno = 0;
	r = poll(p, (nfds_t)lim + 1, 0);
	printf("poll of limit+1 entries: %d %s\n", r, r < 0 ? strerror(errno) : "");

	if (write(wr[n - 1], "x", 1) != 1)
		return 1;
	int top = rd[n - 1] + 1;
	size_t words = ((size_t)top + 63) / 64;
	unsigned long *bits = calloc(words, 8);
	for (int i = 0; i < n; i++)
		bits[rd[i] / 64] |= 1UL << (rd[i] % 64);
	struct timeval tv = { 0, 0 };
	r = select(top, (fd_set *)bits, NULL, NULL, &tv);
	int last_set = (bits[rd[n - 1] / 64] >> (rd[n - 1] % 64)) & 1;
	printf("select above FD_SETSIZE: %d ready, the last pipe's read end %s\n", r,
	       last_set ? "set" : "not set");

	int ep = epoll_create1(0);
	for (int i = 0; i < n; i++) {
		struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = (uint32_t)i };
		epoll_ctl(ep, EPOLL_CTL_ADD, wr[i], &ev);
	}
	struct epoll_event *out = calloc((size_t)n + 10, sizeof(*out));
	r = epoll_wait(ep, out, n + 10, 0);
	printf("epoll_wait with room for all: %s\n", r == n ? "every write end" : "fewer");
	return 0;
}
