// net_scm_rights: every kind of descriptor passed between two processes
// with SCM_RIGHTS over a socketpair: a pipe's read end, a pipe's write end
// (open while in flight after the sender closed it; EOF only when every
// write end, the received one too, is closed), a /tmp file (one shared
// offset), an eventfd, a socketpair end, a timerfd; MSG_CMSG_CLOEXEC; a
// control buffer too small (MSG_CTRUNC, the descriptors cut off are
// closed); MSG_PEEK; several kinds in one message; a descriptor dropped by
// read(); a message never received (its descriptors released when the
// socket closes).
#include "guest.h"
#include <poll.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>

#define TMPF "/tmp/bento-gt-net_scm_rights"

static int send_fds(int sock, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(8 * sizeof(int))];
	memset(cbuf, 0, sizeof cbuf);
	struct iovec iov = { "F", 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	return (int)sendmsg(sock, &m, 0);
}

static int send_fd(int sock, int fd)
{
	return send_fds(sock, &fd, 1);
}

// Receives up to room descriptors (the buffer's alignment may leave room
// for one more) into fds with recvmsg flags; returns how many came, and
// the message flags in *mflags.
static int recv_fds(int sock, int *fds, int room, int flags, int *mflags)
{
	char cbuf[CMSG_SPACE(8 * sizeof(int))], b;
	struct iovec iov = { &b, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = CMSG_SPACE(room * sizeof(int)) };
	if (recvmsg(sock, &m, flags) != 1)
		return -1;
	*mflags = m.msg_flags;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return 0;
	int n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
	memcpy(fds, CMSG_DATA(c), n * sizeof(int));
	return n;
}

static int recv_fd(int sock, int flags)
{
	int fd, mf;
	return recv_fds(sock, &fd, 1, flags, &mf) == 1 ? fd : -1;
}

// POLLIN/POLLHUP of fd within ms milliseconds, as text.
static const char *ready(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int r = poll(&p, 1, ms);
	if (r <= 0)
		return r == 0 ? "nothing" : "error";
	return (p.revents & POLLHUP) ? ((p.revents & POLLIN) ? "data+hup" : "hup") : "data";
}

static const char *accmode(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return ename(errno);
	switch (fl & O_ACCMODE) {
	case O_RDONLY: return "rdonly";
	case O_WRONLY: return "wronly";
	default: return "rdwr";
	}
}

// The kind of fd as /proc/self/fd shows it, without the inode number.
static void kind(const char *label, int fd)
{
	char p[64], t[256];
	snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(p, t, sizeof t - 1);
	t[n > 0 ? n : 0] = 0;
	char *br = strchr(t, '[');
	if (br)
		br[1] = 0;
	printf("%s: %s\n", label, t);
}

// The child: receives what main sends, in the same order.
static int child(int s)
{
	char buf[64];
	int fd, n, mf;

	// 1. a pipe's read end: data, then EOF.
	fd = recv_fd(s, 0);
	kind("child got read end", fd);
	printf("child read end mode: %s\n", accmode(fd));
	n = (int)read(fd, buf, sizeof buf);
	printf("child read %d: %.*s\n", n, n > 0 ? n : 0, buf);
	printf("child then reads %d (EOF)\n", (int)read(fd, buf, sizeof buf));
	close(fd);

	// 2. a pipe's write end, sent and closed by the sender before we
	// take it: we write and close, and the parent sees EOF.
	fd = recv_fd(s, MSG_CMSG_CLOEXEC);
	read(s, buf, 1); // the parent has looked at its read end
	printf("child write end mode: %s, cloexec: %s\n", accmode(fd), YN(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	write(fd, "from child", 10);
	close(fd);

	// 3. a /tmp file: one offset for both.
	fd = recv_fd(s, 0);
	printf("child file cloexec: %s\n", YN(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	printf("child file offset: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
	write(fd, "def", 3);
	close(fd);
	write(s, "3", 1);

	// 4. an eventfd.
	fd = recv_fd(s, 0);
	kind("child got", fd);
	uint64_t v = 5;
	write(fd, &v, 8);
	close(fd);

	// 5. a socketpair end.
	fd = recv_fd(s, 0);
	write(fd, "via passed socket", 17);
	n = (int)read(fd, buf, sizeof buf);
	printf("child socket read: %.*s\n", n > 0 ? n : 0, buf);
	close(fd);

	// 6. three write ends, room for one: MSG_CTRUNC, two closed.
	int got[8];
	n = recv_fds(s, got, 1, 0, &mf);
	printf("child got %d of 3, ctrunc: %s\n", n, YN(mf & MSG_CTRUNC));
	if (n >= 1)
		write(got[0], "x", 1);
	for (int i = 0; i < n; i++)
		close(got[i]);
	write(s, "6", 1);

	// 7. MSG_PEEK shows the descriptor; the real receive gets it again.
	int p1 = recv_fd(s, MSG_PEEK);
	int p2 = recv_fd(s, 0);
	printf("child peek and receive: %s %s\n", YN(p1 >= 0), YN(p2 >= 0 && p2 != p1));
	if (p1 >= 0)
		write(p1, "p", 1);
	if (p2 >= 0)
		write(p2, "q", 1);
	close(p1);
	close(p2);

	// 8. several kinds in one message.
	n = recv_fds(s, got, 8, 0, &mf);
	printf("child got %d at once\n", n);
	uint64_t one = 1;
	for (int i = 0; i < n; i++) {
		write(got[i], &one, 8);
		close(got[i]);
	}
	write(s, "8", 1);

	// 9. read() takes the byte and drops the descriptor with it.
	read(s, buf, 1);
	write(s, "9", 1);

	// 10. a timerfd, armed by the sender, which has closed it.
	fd = recv_fd(s, 0);
	uint64_t ticks = 0;
	n = (int)read(fd, &ticks, 8);
	printf("child timerfd read %d: %llu expiration\n", n, (unsigned long long)ticks);
	close(fd);
	return 0;
}

int main(void)
{
	int sv[2], st;
	char buf[64];
	// Each process's output in one piece, at its exit.
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 1;
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		exit(child(sv[1]));
	}
	close(sv[1]);
	int s = sv[0];

	// 1.
	int p[2];
	pipe(p);
	say("send read end", send_fd(s, p[0]));
	close(p[0]);
	write(p[1], "hello", 5);
	close(p[1]);

	// 2.
	pipe(p);
	say("send write end", send_fd(s, p[1]));
	close(p[1]);
	printf("read end while the write end is in flight: %s\n", ready(p[0], 100));
	write(s, "g", 1);
	int n = (int)read(p[0], buf, sizeof buf);
	printf("parent read %d: %.*s\n", n, n > 0 ? n : 0, buf);
	printf("then: %s, read %d\n", ready(p[0], 5000), (int)read(p[0], buf, sizeof buf));
	close(p[0]);

	// 3.
	int f = open(TMPF, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	write(f, "abc", 3);
	say("send file", send_fd(s, f));
	read(s, buf, 1);
	printf("parent file offset after the child wrote: %ld\n", (long)lseek(f, 0, SEEK_CUR));
	memset(buf, 0, sizeof buf);
	pread(f, buf, sizeof buf, 0);
	printf("file: %s\n", buf);
	close(f);
	unlink(TMPF);

	// 4.
	int e = eventfd(0, 0);
	say("send eventfd", send_fd(s, e));
	uint64_t v = 0;
	read(e, &v, 8);
	printf("eventfd count from the child: %llu\n", (unsigned long long)v);
	close(e);

	// 5.
	int sp[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sp);
	say("send socket", send_fd(s, sp[1]));
	close(sp[1]);
	n = (int)read(sp[0], buf, sizeof buf);
	printf("parent socket read: %.*s\n", n > 0 ? n : 0, buf);
	write(sp[0], "back", 4);
	close(sp[0]);

	// 6.
	pipe(p);
	int three[3] = { p[1], p[1], p[1] };
	say("send three", send_fds(s, three, 3));
	close(p[1]);
	read(s, buf, 1);
	n = (int)read(p[0], buf, sizeof buf);
	printf("after the cut: read %d, then %s\n", n, ready(p[0], 5000));
	close(p[0]);

	// 7.
	pipe(p);
	say("send for peek", send_fd(s, p[1]));
	close(p[1]);
	memset(buf, 0, sizeof buf);
	n = 0;
	for (int r; n < 2 && (r = (int)read(p[0], buf + n, 2 - n)) > 0;)
		n += r;
	printf("peeked and received ends wrote: %d bytes\n", n);
	printf("then: %s\n", ready(p[0], 5000));
	close(p[0]);

	// 8.
	pipe(p);
	int e2 = eventfd(0, 0);
	int q[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, q);
	int f2 = open(TMPF, O_RDWR | O_CREAT | O_TRUNC, 0600);
	int many[4] = { p[1], q[1], f2, e2 };
	say("send four kinds", send_fds(s, many, 4));
	close(p[1]);
	close(q[1]);
	read(s, buf, 1);
	printf("pipe: %s", ready(p[0], 5000));
	printf(", read %d", (int)read(p[0], buf, sizeof buf));
	printf(", then %s\n", ready(p[0], 5000));
	printf("socket: read %d\n", (int)read(q[0], buf, sizeof buf));
	printf("file offset: %ld\n", (long)lseek(f2, 0, SEEK_CUR));
	printf("eventfd: %s\n", YN(read(e2, &v, 8) == 8 && v == 1));
	close(p[0]), close(q[0]), close(f2), close(e2);
	unlink(TMPF);

	// 9.
	pipe(p);
	say("send to a read()", send_fd(s, p[1]));
	close(p[1]);
	read(s, buf, 1);
	printf("dropped by read(): %s\n", ready(p[0], 5000));
	close(p[0]);

	// 10.
	int t = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec its = { .it_value = { 0, 20 * 1000 * 1000 } };
	timerfd_settime(t, 0, &its, NULL);
	say("send timerfd", send_fd(s, t));
	close(t);

	waitpid(pid, &st, 0);
	printf("child: %s\n", wstr(st));

	// 11. A message never received: closing the socket releases it.
	int u[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, u);
	pipe(p);
	say("send and never receive", send_fd(u[0], p[1]));
	close(p[1]);
	printf("in flight: %s\n", ready(p[0], 100));
	close(u[0]);
	close(u[1]);
	printf("socket closed: %s\n", ready(p[0], 5000));
	close(p[0]);
	return 0;
}
