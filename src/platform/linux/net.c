/* net.c — host sockets (platform.h, "Sockets"). Sockets are passed
 * through to the host, which confines them: a private network namespace
 * (--net loopback), Landlock's scopes, and the seccomp gate, which checks
 * the domain, type and protocol of socket(2) and socketpair(2) and the
 * options of setsockopt(2) as these functions do. */
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

static int domain_ok(int domain)
{
	return domain == 1 || ((domain == 2 || domain == 10) && host_net_inet);
}

static int check_type(int domain, int type, int protocol)
{
	int base = type & 0xf;
	if (type & ~(0xf | SOCK_NONBLOCK_H | SOCK_CLOEXEC_H))
		return -EINVAL;
	if (base == 3 || base == 10) /* SOCK_RAW, SOCK_PACKET: no raw access */
		return domain == 1 ? -ESOCKTNOSUPPORT : -EPERM;
	if (base != 1 && base != 2 && base != 5)
		return -ESOCKTNOSUPPORT;
	if (protocol != 0 && protocol != 1 && protocol != 6 && protocol != 17 && protocol != 58)
		return -EPROTONOSUPPORT;
	if (domain == 1 && protocol > 1)
		return -EPROTONOSUPPORT;
	return base;
}

int plat_socket(int domain, int type, int protocol)
{
	if (!domain_ok(domain))
		return -EAFNOSUPPORT;
	int base = check_type(domain, type, protocol);
	if (base < 0)
		return base;
	return (int)HOST3(__NR_socket, domain, base | SOCK_NONBLOCK_H | SOCK_CLOEXEC_H, protocol);
}

int plat_socketpair(int domain, int type, int protocol, int sv[2])
{
	if (domain != 1)
		return domain_ok(domain) ? -EOPNOTSUPP : -EAFNOSUPPORT;
	int base = check_type(domain, type, protocol);
	if (base < 0)
		return base;
	return (int)HOST4(__NR_socketpair, 1, base | SOCK_NONBLOCK_H | SOCK_CLOEXEC_H, protocol, sv);
}

/* An AF_UNIX path name must be one component inside dir, and dir is
 * needed exactly for path names. Then the calling thread's working
 * directory moves to dir (threads are created without CLONE_FS, so no
 * other thread's relative names are affected). */
static int prepare_addr(int dir, const void *addr, uint32_t len)
{
	if (!addr)
		return dir < 0 ? 0 : -EINVAL;
	if (len < 2 || len > 128)
		return -EINVAL;
	const unsigned char *a = addr;
	int pathname = a[0] == 1 && a[1] == 0 && len > 2 && a[2] != 0;
	if (!pathname)
		return dir < 0 ? 0 : -EINVAL;
	if (dir < 0)
		return -EINVAL;
	const char *name = (const char *)a + 2;
	size_t n = strnlen(name, len - 2);
	if (n >= 108)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (name[i] == '/')
			return -EINVAL;
	if ((n == 1 && name[0] == '.') || (n == 2 && name[0] == '.' && name[1] == '.'))
		return -EINVAL;
	return (int)HOST1(__NR_fchdir, dir);
}

int plat_sock_addr(int op, int fd, int dir, const void *addr, uint32_t len)
{
	if (!addr)
		return -EINVAL;
	int r = prepare_addr(dir, addr, len);
	if (r < 0)
		return r;
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

long plat_sock_msg(int op, int fd, int dir, struct plat_msghdr *msg, int flags)
{
	_Static_assert(sizeof(struct plat_msghdr) == 56, "msghdr layout");
	_Static_assert(sizeof(struct plat_iovec) == 16, "iovec layout");
	if (op == PLAT_SOCK_SEND) {
		int r = prepare_addr(dir, msg->namelen ? msg->name : NULL, msg->namelen);
		if (r < 0)
			return r;
		return HOST3(__NR_sendmsg, fd, msg, flags | MSG_NOSIGNAL_H);
	}
	if (op == PLAT_SOCK_RECV && dir < 0)
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
