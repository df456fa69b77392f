// raw_connect PORT [UNIXPATH]: raw socket(AF_INET, SOCK_STREAM) + connect to
// 127.0.0.1:PORT (the listener run.sh started on the host), then a write.
// Also tries socket(AF_INET, SOCK_DGRAM) + sendto, AF_INET6 to
// ::ffff:127.0.0.1, AF_NETLINK and AF_PACKET. run.sh checks that the
// listener (TCP and UDP on that port) saw no connection and no datagram.
// With UNIXPATH, also socket(AF_UNIX) + connect to that host socket.
#include "esc.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int port = atoi(argv[1]);
	struct sockaddr_in a = { 0 };
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(0x7f000001);
	long s = RAW3(SYS_socket, AF_INET, SOCK_STREAM, 0);
	report("socket AF_INET", s);
	if (s >= 0) {
		long r = RAW3(SYS_connect, s, &a, sizeof(a));
		report("connect 127.0.0.1", r);
		if (r == 0)
			report("write", RAW3(SYS_write, s, "escaped\n", 8));
	}
	s = RAW3(SYS_socket, AF_INET, SOCK_DGRAM, 0);
	report("socket AF_INET dgram", s);
	if (s >= 0)
		report("sendto", raw6(SYS_sendto, s, (long)"escaped\n", 8, 0, (long)&a, sizeof(a)));
	struct sockaddr_in6 a6 = { 0 };
	a6.sin6_family = AF_INET6;
	a6.sin6_port = htons((uint16_t)port);
	a6.sin6_addr.s6_addr[10] = 0xff, a6.sin6_addr.s6_addr[11] = 0xff;
	a6.sin6_addr.s6_addr[12] = 127, a6.sin6_addr.s6_addr[15] = 1;
	s = RAW3(SYS_socket, AF_INET6, SOCK_STREAM, 0);
	report("socket AF_INET6", s);
	if (s >= 0)
		report("connect ::ffff:127.0.0.1", RAW3(SYS_connect, s, &a6, sizeof(a6)));
	report("socket AF_NETLINK", RAW3(SYS_socket, AF_NETLINK, SOCK_RAW, 0));
	if (argc > 2) {
		struct sockaddr_un u = { .sun_family = AF_UNIX };
		strncpy(u.sun_path, argv[2], sizeof(u.sun_path) - 1);
		s = RAW3(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
		report("socket AF_UNIX", s);
		if (s >= 0)
			report("connect host unix socket", RAW3(SYS_connect, s, &u, sizeof(u)));
	}
	report("socket AF_PACKET", RAW3(SYS_socket, AF_PACKET, SOCK_RAW, 0));
	return 0;
}
