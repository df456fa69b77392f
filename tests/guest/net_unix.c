// net_unix: AF_UNIX sockets inside one process: socketpair stream and
// datagram, SCM_RIGHTS passing a descriptor, a named socket in /tmp with
// bind/listen/connect/accept, shutdown, and getsockname.
#include "guest.h"
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define S "/tmp/bento-gt-net_unix-sock"

int main(void)
{
	int sv[2];
	say("socketpair stream", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	char buf[64] = { 0 };
	printf("send: %zd\n", send(sv[0], "ping", 4, 0));
	printf("recv: %zd %.4s\n", recv(sv[1], buf, sizeof buf, 0), buf);
	say("shutdown write", shutdown(sv[0], SHUT_WR));
	printf("recv after peer shutdown: %zd\n", recv(sv[1], buf, sizeof buf, 0));
	close(sv[0]);
	close(sv[1]);

	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	send(sv[0], "one", 3, 0);
	send(sv[0], "three", 5, 0);
	ssize_t a = recv(sv[1], buf, sizeof buf, 0);
	ssize_t b = recv(sv[1], buf, sizeof buf, 0);
	printf("datagram boundaries kept: %zd %zd\n", a, b);

	int fd = open("/etc/passwd", O_RDONLY);
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { "F", 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	printf("sendmsg with SCM_RIGHTS: %zd\n", sendmsg(sv[0], &msg, 0));
	char got;
	struct iovec riov = { &got, 1 };
	char rbuf[CMSG_SPACE(sizeof(int))];
	struct msghdr rmsg = { .msg_iov = &riov, .msg_iovlen = 1, .msg_control = rbuf, .msg_controllen = sizeof rbuf };
	printf("recvmsg: %zd\n", recvmsg(sv[1], &rmsg, 0));
	struct cmsghdr *rc = CMSG_FIRSTHDR(&rmsg);
	int passed = -1;
	if (rc && rc->cmsg_type == SCM_RIGHTS)
		memcpy(&passed, CMSG_DATA(rc), sizeof passed);
	printf("received a new descriptor: %s\n", YN(passed >= 0 && passed != fd));
	char line[6] = { 0 };
	read(passed, line, 5);
	printf("it reads /etc/passwd: %s\n", YN(strcmp(line, "root:") == 0));
	close(sv[0]);
	close(sv[1]);

	unlink(S);
	int srv = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un addr = { .sun_family = AF_UNIX, .sun_path = S };
	say("bind", bind(srv, (struct sockaddr *)&addr, sizeof addr));
	say("bind again", bind(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&addr, sizeof addr));
	say("listen", listen(srv, 4));
	int cl = socket(AF_UNIX, SOCK_STREAM, 0);
	say("connect", connect(cl, (struct sockaddr *)&addr, sizeof addr));
	int acc = accept(srv, NULL, NULL);
	printf("accept: %s\n", YN(acc >= 0));
	write(cl, "hello", 5);
	memset(buf, 0, sizeof buf);
	read(acc, buf, 5);
	printf("server read: %s\n", buf);
	struct sockaddr_un sn;
	socklen_t len = sizeof sn;
	getsockname(srv, (struct sockaddr *)&sn, &len);
	printf("getsockname: %s\n", sn.sun_path);
	int nc = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un missing = { .sun_family = AF_UNIX, .sun_path = "/tmp/bento-gt-net_unix-missing" };
	say("connect to missing path", connect(nc, (struct sockaddr *)&missing, sizeof missing));
	close(acc);
	close(cl);
	close(srv);
	say("unlink socket", unlink(S));
	return 0;
}
