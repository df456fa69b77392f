/* net.c — host sockets (platform.h, "Sockets"). Inet sockets are passed
 * through to the host, which confines them (a private network namespace
 * for --net loopback, nothing at all for --net none). AF_UNIX exists on
 * the host only as connected stream/seqpacket pairs, which cannot reach
 * any other socket: the guest's AF_UNIX names are bento's (socket.c). The
 * seccomp gate checks the same domains, types and protocols for socket(2)
 * and socketpair(2) and the same options of setsockopt(2) as these
 * functions, so a forged call gets no further. */
#include "platform/linux/host.h"
#include <bento/errno.h>
#include "lib/string.h"

#define SOCK_NONBLOCK_H 04000
#define SOCK_CLOEXEC_H 02000000
#define MSG_NOSIGNAL_H 0x4000
#define MSG_CMSG_CLOEXEC_H 0x40000000

/* May AF_INET/AF_INET6 sockets be made? Set once at start-up from --net,
 * before the gate is built (gate.c allows the same domains). */
int host_net_inet;

int plat_socket(int domain, int type, int protocol)
{
	if ((domain != 2 && domain != 10) || !host_net_inet)
		return -EAFNOSUPPORT;
	if (type == 3 || type == 10) /* SOCK_RAW, SOCK_PACKET */
		return -EPERM;
	if (type != 1 && type != 2)
		return -ESOCKTNOSUPPORT;
	if (protocol != 0 && protocol != 1 && protocol != 6 && protocol != 17 && protocol != 58 &&
	    protocol != 136 /* UDP-Lite */)
		return -EPROTONOSUPPORT;
	return (int)HOST3(__NR_socket, domain, type | SOCK_NONBLOCK_H | SOCK_CLOEXEC_H, protocol);
}

int plat_socketpair(int domain, int type, int protocol, int sv[2])
{
	if (domain != 1)
		return -EAFNOSUPPORT;
	if (type != 1 && type != 5)
		return -ESOCKTNOSUPPORT;
	if (protocol != 0)
		return -EPROTONOSUPPORT;
	return (int)HOST4(__NR_socketpair, 1, type | SOCK_NONBLOCK_H | SOCK_CLOEXEC_H, 0, sv);
}

static int unix_address(const void *addr, uint32_t len)
{
	uint16_t family;
	if (!addr || len < 2)
		return 0;
	memcpy(&family, addr, 2);
	return family == 1;
}

int plat_sock_addr(int op, int fd, const void *addr, uint32_t len)
{
	if (!addr || len < 2 || len > 128 || unix_address(addr, len))
		return -EINVAL;
	if (op == PLAT_SOCK_BIND)
		return (int)HOST3(__NR_bind, fd, addr, len);
	if (op == PLAT_SOCK_CONNECT)
		return (int)HOST3(__NR_connect, fd, addr, len);
	return -EINVAL;
}

int plat_sock_accept(int fd, void *addr, uint32_t *len)
{
	return (int)HOST4(__NR_accept4, fd, addr, len, SOCK_NONBLOCK_H | SOCK_CLOEXEC_H);
}

long plat_sock_msg(int op, int fd, struct plat_msghdr *msg, int flags)
{
	_Static_assert(sizeof(struct plat_msghdr) == 56, "msghdr layout");
	_Static_assert(sizeof(struct plat_iovec) == 16, "iovec layout");
	if (op == PLAT_SOCK_SEND) {
		if (msg->name && unix_address(msg->name, msg->namelen))
			return -EINVAL;
		return HOST3(__NR_sendmsg, fd, msg, flags | MSG_NOSIGNAL_H);
	}
	if (op == PLAT_SOCK_RECV)
		return HOST3(__NR_recvmsg, fd, msg, flags | MSG_CMSG_CLOEXEC_H);
	return -EINVAL;
}

/* setsockopt options the gate refuses: BPF filters (SO_ATTACH_FILTER,
 * SO_ATTACH_BPF, SO_ATTACH_REUSEPORT_CBPF/EBPF), SO_BINDTODEVICE, and
 * TCP_ULP (kernel TLS and other upper-layer protocols). */
static int option_refused(int level, int name)
{
	if (level == 1)
		return name == 25 || name == 26 || name == 50 || name == 51 || name == 52;
	return level == 6 && name == 31;
}

long plat_sock_ctl(int op, int fd, int a, int b, void *val, uint32_t *len)
{
	switch (op) {
	case PLAT_SOCK_LISTEN:
		return HOST2(__NR_listen, fd, a);
	case PLAT_SOCK_SHUTDOWN:
		return HOST2(__NR_shutdown, fd, a);
	case PLAT_SOCK_GETOPT:
		return HOST5(__NR_getsockopt, fd, a, b, val, len);
	case PLAT_SOCK_SETOPT:
		if (option_refused(a, b))
			return -EPERM;
		return HOST5(__NR_setsockopt, fd, a, b, val, len ? *len : 0);
	case PLAT_SOCK_NAME:
		return HOST3(__NR_getsockname, fd, val, len);
	case PLAT_SOCK_PEER:
		return HOST3(__NR_getpeername, fd, val, len);
	}
	return -EINVAL;
}
