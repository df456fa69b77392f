// net_unix_procs: AF_UNIX sockets between processes and under signals: a
// child forked before the server binds connects later; a forking server;
// named datagrams with recvfrom and a reply; abstract names and autobind;
// a listening socket passed with SCM_RIGHTS; a blocking accept and recv
// interrupted by a signal (and restarted with SA_RESTART); the file of a
// dead server refuses connections.
#include "guest.h"
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define P "/tmp/bento-gt-net_unix_procs"

static struct sockaddr_un path(const char *p)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	strncpy(a.sun_path, p, sizeof(a.sun_path) - 1);
	return a;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { "F", 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	return (int)sendmsg(sock, &m, 0);
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], b;
	struct iovec iov = { &b, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
	if (recvmsg(sock, &m, 0) != 1 || !CMSG_FIRSTHDR(&m))
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof fd);
	return fd;
}

int main(void)
{
	char buf[64];
	int st, go[2];
	struct sockaddr_un a = path(P ".sock");
	unlink(a.sun_path);

	// A child that exists before the name does.
	pipe(go);
	pid_t pid = fork();
	if (pid == 0) {
		char x;
		read(go[0], &x, 1);
		int c = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(c, (struct sockaddr *)&a, sizeof a) < 0)
			_exit(10);
		write(c, "from the child", 14);
		memset(buf, 0, sizeof buf);
		read(c, buf, 5);
		_exit(strcmp(buf, "reply") ? 11 : 0);
	}
	int srv = socket(AF_UNIX, SOCK_STREAM, 0);
	say("bind", bind(srv, (struct sockaddr *)&a, sizeof a));
	struct stat sb;
	printf("a socket file: %s\n", YN(stat(a.sun_path, &sb) == 0 && S_ISSOCK(sb.st_mode)));
	say("listen", listen(srv, 4));
	write(go[1], "g", 1);
	int acc = accept(srv, NULL, NULL);
	memset(buf, 0, sizeof buf);
	read(acc, buf, 14);
	printf("server read: %s\n", buf);
	write(acc, "reply", 5);
	waitpid(pid, &st, 0);
	printf("child: %s\n", wstr(st));
	close(acc);

	// A forking server: each client served by a process of its own.
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 3; i++) {
			int c = accept(srv, NULL, NULL);
			if (fork() == 0) {
				char x;
				while (read(c, &x, 1) == 1)
					write(c, "+", 1);
				_exit(0);
			}
			close(c);
		}
		while (wait(NULL) > 0)
			;
		_exit(0);
	}
	int served = 0;
	for (int i = 0; i < 3; i++) {
		int c = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(c, (struct sockaddr *)&a, sizeof a) == 0 && write(c, "x", 1) == 1 &&
		    read(c, buf, 1) == 1 && buf[0] == '+')
			served++;
		close(c);
	}
	printf("clients served by forked servers: %d\n", served);
	waitpid(pid, &st, 0);
	printf("forking server: %s\n", wstr(st));

	// A listening socket passed to another process with SCM_RIGHTS.
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid = fork();
	if (pid == 0) {
		int l = recv_fd(sv[1]);
		int c = accept(l, NULL, NULL);
		_exit(c >= 0 && write(c, "!", 1) == 1 ? 0 : 12);
	}
	say("send the listener", send_fd(sv[0], srv));
	close(srv);
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	say("connect to the passed listener", connect(c, (struct sockaddr *)&a, sizeof a));
	printf("answer from its new owner: %s\n", YN(read(c, buf, 1) == 1 && buf[0] == '!'));
	waitpid(pid, &st, 0);
	printf("new owner: %s\n", wstr(st));
	close(c);
	close(sv[0]);
	close(sv[1]);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	say("connect after every owner closed it", connect(c, (struct sockaddr *)&a, sizeof a));
	close(c);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	say("bind over the stale file", bind(c, (struct sockaddr *)&a, sizeof a));
	close(c);
	say("unlink", unlink(a.sun_path));

	// Named datagrams: the receiver sees the sender's name and answers.
	struct sockaddr_un ds = path(P ".dgs"), dc = path(P ".dgc"), from;
	unlink(ds.sun_path);
	unlink(dc.sun_path);
	int d1 = socket(AF_UNIX, SOCK_DGRAM, 0), d2 = socket(AF_UNIX, SOCK_DGRAM, 0);
	bind(d1, (struct sockaddr *)&ds, sizeof ds);
	bind(d2, (struct sockaddr *)&dc, sizeof dc);
	pid = fork();
	if (pid == 0) {
		sendto(d2, "ping", 4, 0, (struct sockaddr *)&ds, sizeof ds);
		ssize_t n = recv(d2, buf, sizeof buf, 0);
		_exit(n == 4 && !memcmp(buf, "pong", 4) ? 0 : 13);
	}
	socklen_t fl = sizeof from;
	ssize_t n = recvfrom(d1, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
	printf("datagram: %zd from %s\n", n, from.sun_path);
	printf("reply: %zd\n", sendto(d1, "pong", 4, 0, (struct sockaddr *)&from, fl));
	waitpid(pid, &st, 0);
	printf("datagram child: %s\n", wstr(st));
	close(d2);
	printf("send to a closed receiver: %s\n",
	       sendto(d1, "x", 1, 0, (struct sockaddr *)&dc, sizeof dc) < 0 ? ename(errno) : "sent");
	close(d1);
	unlink(ds.sun_path);
	unlink(dc.sun_path);

	// Abstract names and autobind. The name holds the pid: natively the
	// abstract names of every test run on the host share one namespace.
	struct sockaddr_un ab = { .sun_family = AF_UNIX };
	int abn = snprintf(ab.sun_path + 1, sizeof ab.sun_path - 1, "bento-gt-abstract-%d", (int)getpid());
	socklen_t ablen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + abn);
	int l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	say("bind abstract", bind(l, (struct sockaddr *)&ab, ablen));
	say("bind it again", bind(socket(AF_UNIX, SOCK_SEQPACKET, 0), (struct sockaddr *)&ab, ablen));
	listen(l, 1);
	c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	struct sockaddr_un unnamed = { .sun_family = AF_UNIX };
	say("autobind", bind(c, (struct sockaddr *)&unnamed, sizeof(sa_family_t)));
	struct sockaddr_un got;
	socklen_t gl = sizeof got;
	getsockname(c, (struct sockaddr *)&got, &gl);
	printf("autobound name: length %d, abstract %s\n", (int)gl, YN(got.sun_path[0] == 0));
	say("connect abstract", connect(c, (struct sockaddr *)&ab, ablen));
	struct sockaddr_un peer;
	socklen_t pl = sizeof peer;
	acc = accept(l, (struct sockaddr *)&peer, &pl);
	printf("accepted peer is the autobound name: %s\n", YN(pl == gl && !memcmp(peer.sun_path, got.sun_path, gl - 2)));
	send(c, "a", 1, 0);
	send(c, "bc", 2, 0);
	ssize_t r1 = recv(acc, buf, sizeof buf, 0);
	ssize_t r2 = recv(acc, buf, sizeof buf, 0);
	printf("records: %zd %zd\n", r1, r2);
	close(acc);
	close(c);
	close(l);

	// Signals: a blocking accept and recv are interrupted; with
	// SA_RESTART a recv goes on until data comes.
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(l, (struct sockaddr *)&ab, ablen);
	listen(l, 1);
	struct sigaction act = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &act, NULL);
	alarm(1);
	say("accept with a signal", accept(l, NULL, NULL));
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	alarm(1);
	say("recv with a signal", recv(sv[1], buf, 1, 0));
	act.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &act, NULL);
	pid = fork();
	if (pid == 0) {
		usleep(1500000);
		write(sv[0], "late", 4);
		_exit(0);
	}
	alarm(1);
	printf("recv restarted: %zd\n", recv(sv[1], buf, sizeof buf, 0));
	waitpid(pid, &st, 0);
	return 0;
}
