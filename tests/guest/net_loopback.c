// net_loopback: TCP and UDP over 127.0.0.1 inside one process: bind to an
// ephemeral port, listen/connect/accept, data both ways, getpeername,
// setsockopt/getsockopt, ECONNREFUSED on a closed port.
#include "guest.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int srv = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	say("SO_REUSEADDR", setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = 0 };
	say("bind 127.0.0.1:0", bind(srv, (struct sockaddr *)&a, sizeof a));
	socklen_t len = sizeof a;
	getsockname(srv, (struct sockaddr *)&a, &len);
	printf("ephemeral port assigned: %s\n", YN(ntohs(a.sin_port) > 0));
	say("listen", listen(srv, 8));
	int cl = socket(AF_INET, SOCK_STREAM, 0);
	say("connect", connect(cl, (struct sockaddr *)&a, sizeof a));
	int acc = accept(srv, NULL, NULL);
	printf("accepted: %s\n", YN(acc >= 0));
	printf("client send: %zd\n", send(cl, "hello over tcp", 14, 0));
	char buf[64] = { 0 };
	size_t got = 0;
	while (got < 14) {
		ssize_t n = recv(acc, buf + got, sizeof buf - got, 0);
		if (n <= 0)
			break;
		got += n;
	}
	printf("server got: %s\n", buf);
	send(acc, "reply", 5, 0);
	memset(buf, 0, sizeof buf);
	recv(cl, buf, 5, MSG_WAITALL);
	printf("client got: %s\n", buf);
	struct sockaddr_in peer;
	len = sizeof peer;
	getpeername(acc, (struct sockaddr *)&peer, &len);
	printf("peer is loopback: %s\n", YN(peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK)));
	int nd = 0;
	len = sizeof nd;
	setsockopt(cl, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	getsockopt(cl, IPPROTO_TCP, TCP_NODELAY, &nd, &len);
	printf("TCP_NODELAY read back: %s\n", YN(nd != 0));
	int type = 0;
	len = sizeof type;
	getsockopt(cl, SOL_SOCKET, SO_TYPE, &type, &len);
	printf("SO_TYPE is SOCK_STREAM: %s\n", YN(type == SOCK_STREAM));
	close(cl);
	printf("recv after peer closed: %zd\n", recv(acc, buf, sizeof buf, 0));
	close(acc);
	close(srv);

	int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in ua = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	bind(u2, (struct sockaddr *)&ua, sizeof ua);
	len = sizeof ua;
	getsockname(u2, (struct sockaddr *)&ua, &len);
	printf("udp sendto: %zd\n", sendto(u1, "datagram", 8, 0, (struct sockaddr *)&ua, sizeof ua));
	memset(buf, 0, sizeof buf);
	printf("udp recv: %zd\n", recv(u2, buf, sizeof buf, 0));
	printf("udp data: %s\n", buf);
	close(u1);
	close(u2);

	int closed = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in dead = a; // the listener is closed now
	say("connect to closed port", connect(closed, (struct sockaddr *)&dead, sizeof dead));
	close(closed);
	return 0;
}
