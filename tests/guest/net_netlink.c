// net_netlink: the network interfaces a program can list — getifaddrs(),
// if_nameindex(), if_nametoindex()/if_indextoname() (SIOCGIFINDEX and
// SIOCGIFNAME on a socket), and raw NETLINK_ROUTE: bind and port ids,
// RTM_GETLINK/RTM_GETADDR dumps, a read with a too-small buffer (MSG_PEEK,
// MSG_TRUNC), NLMSG_DONE, acks and errors, poll.
// Natively the host has more interfaces than the sandbox's private
// network, so the test first enters a new network namespace
// (unshare(CLONE_NEWNET), as root or through a user namespace) and brings
// its lo up; in the sandbox unshare fails and the guest already is in
// one. Requests that would change something are sent without
// capabilities (capset to none), so Linux refuses them as bento does. If
// no namespace can be made natively and there is more than lo, the
// expected output is printed without running anything.
#include "guest.h"
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/capability.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char expected[] =
	"getifaddrs: ok\n"
	"  lo packet flags=0x10049 addr=ll(index 1, hatype 772, halen 6) mask=none data=yes\n"
	"  lo inet flags=0x10049 addr=127.0.0.1 mask=255.0.0.0 data=no\n"
	"  lo inet6 flags=0x10049 addr=::1 mask=ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff data=no\n"
	"if_nameindex: ok\n"
	"  1 lo\n"
	"if_nametoindex(lo): 1\n"
	"if_nametoindex(nosuch0): 0 0\n"
	"if_indextoname(1): lo\n"
	"if_indextoname(999): ENXIO\n"
	"SIOCGIFFLAGS on inet: ok\n"
	"  flags 0x49\n"
	"SIOCGIFMTU on inet: ok\n"
	"  mtu 65536\n"
	"SIOCGIFINDEX nosuch0: ENODEV\n"
	"socket(NETLINK, STREAM): ESOCKTNOSUPPORT\n"
	"socket(NETLINK, RAW, 31): EPROTONOSUPPORT\n"
	"socket(NETLINK, RAW|CLOEXEC, ROUTE): ok\n"
	"getsockname unbound: ok\n"
	"  family 16 pid 0 len 12\n"
	"bind: ok\n"
	"port id is the pid: yes\n"
	"getpeername: ok\n"
	"  pid 0\n"
	"bind second to the pid: EADDRINUSE\n"
	"bind second: ok\n"
	"second port id: negative\n"
	"recv on empty: EAGAIN\n"
	"SO_TYPE raw: yes\n"
	"SO_PROTOCOL: 0\n"
	"NETLINK_ADD_MEMBERSHIP: ok\n"
	"SIOCGIFINDEX on netlink: ok\n"
	"  index 1\n"
	"poll after request: 1 revents 0x1\n"
	"peek|trunc: whole datagram yes, MSG_TRUNC yes, type NEWLINK yes, one message yes, pid yes\n"
	"recvmsg 16: 16, MSG_TRUNC no\n"
	"  DONE error 0 multi yes\n"
	"poll when drained: 0\n"
	"link dump:\n"
	"  NEWLINK index 1 type 772 flags 0x10049 name lo txqlen 1000 operstate 0 mtu 65536 address 6 bytes\n"
	"  DONE error 0 multi yes\n"
	"addr dump unspec:\n"
	"  NEWADDR inet/8 scope 254 index 1 permanent yes address 127.0.0.1 local 127.0.0.1 label lo\n"
	"  NEWADDR inet6/128 scope 254 index 1 permanent yes address ::1\n"
	"  DONE error 0 multi yes\n"
	"addr dump inet:\n"
	"  NEWADDR inet/8 scope 254 index 1 permanent yes address 127.0.0.1 local 127.0.0.1 label lo\n"
	"  DONE error 0 multi yes\n"
	"addr dump inet6:\n"
	"  NEWADDR inet6/128 scope 254 index 1 permanent yes address ::1\n"
	"  DONE error 0 multi yes\n"
	"addr dump packet:\n"
	"  NEWADDR inet/8 scope 254 index 1 permanent yes address 127.0.0.1 local 127.0.0.1 label lo\n"
	"  NEWADDR inet6/128 scope 254 index 1 permanent yes address ::1\n"
	"  DONE error 0 multi yes\n"
	"getlink index 1:\n"
	"  NEWLINK index 1 type 772 flags 0x10049 name lo txqlen 1000 operstate 0 mtu 65536 address 6 bytes\n"
	"getlink index 999:\n"
	"  ERROR ENODEV len 52 capped no\n"
	"noop with ack:\n"
	"  ERROR 0 len 36 capped yes\n"
	"type 1000:\n"
	"  ERROR EOPNOTSUPP len 52 capped no\n"
	"type 16:\n"
	"  ERROR EPERM len 52 capped no\n"
	"type 17:\n"
	"  ERROR EPERM len 52 capped no\n"
	"type 19:\n"
	"  ERROR EPERM len 52 capped no\n"
	"type 20:\n"
	"  ERROR EPERM len 52 capped no\n"
	"type 21:\n"
	"  ERROR EPERM len 52 capped no\n"
	"type 24:\n"
	"  ERROR EPERM len 52 capped no\n"
	"write: 17\n"
	"read: first type NEWADDR yes\n"
	"  DONE error 0 multi yes\n"
	"listen: EOPNOTSUPP\n";

static const char *fam(int f)
{
	return f == AF_INET ? "inet" : f == AF_INET6 ? "inet6" : f == AF_PACKET ? "packet" : "other";
}

static void show_sa(const char *what, const struct sockaddr *sa)
{
	char b[INET6_ADDRSTRLEN] = "?";
	if (!sa) {
		printf(" %s=none", what);
		return;
	}
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, b, sizeof b);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, b, sizeof b);
	else if (sa->sa_family == AF_PACKET) {
		const struct sockaddr_ll *l = (const void *)sa;
		printf(" %s=ll(index %d, hatype %d, halen %d)", what, l->sll_ifindex, l->sll_hatype, l->sll_halen);
		return;
	}
	printf(" %s=%s", what, b);
}

static void list_getifaddrs(void)
{
	struct ifaddrs *all, *a;
	if (say("getifaddrs", getifaddrs(&all)) < 0)
		return;
	for (a = all; a; a = a->ifa_next) {
		printf("  %s %s flags=0x%x", a->ifa_name, a->ifa_addr ? fam(a->ifa_addr->sa_family) : "none",
		       a->ifa_flags);
		show_sa("addr", a->ifa_addr);
		show_sa("mask", a->ifa_netmask);
		printf(" data=%s\n", YN(a->ifa_data));
	}
	freeifaddrs(all);
}

static void names(void)
{
	struct if_nameindex *ni = if_nameindex(), *p;
	printf("if_nameindex: %s\n", ni ? "ok" : ename(errno));
	for (p = ni; p && p->if_index; p++)
		printf("  %u %s\n", p->if_index, p->if_name);
	if (ni)
		if_freenameindex(ni);
	printf("if_nametoindex(lo): %u\n", if_nametoindex("lo"));
	errno = 0;
	printf("if_nametoindex(nosuch0): %u %s\n", if_nametoindex("nosuch0"), ename(errno));
	char b[IF_NAMESIZE];
	printf("if_indextoname(1): %s\n", if_indextoname(1, b) ? b : ename(errno));
	printf("if_indextoname(999): %s\n", if_indextoname(999, b) ? b : ename(errno));
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq r = { 0 };
	strcpy(r.ifr_name, "lo");
	say("SIOCGIFFLAGS on inet", ioctl(u, SIOCGIFFLAGS, &r));
	printf("  flags 0x%x\n", (unsigned short)r.ifr_flags);
	say("SIOCGIFMTU on inet", ioctl(u, SIOCGIFMTU, &r));
	printf("  mtu %d\n", r.ifr_mtu);
	strcpy(r.ifr_name, "nosuch0");
	say("SIOCGIFINDEX nosuch0", ioctl(u, SIOCGIFINDEX, &r));
	close(u);
}

static unsigned seq;

static int request(int s, int type, int flags, int family, int index)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} q = { 0 };
	q.h.nlmsg_len = sizeof q;
	q.h.nlmsg_type = type;
	q.h.nlmsg_flags = flags;
	q.h.nlmsg_seq = ++seq;
	q.i.ifi_family = family;
	q.i.ifi_index = index;
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	return sendto(s, &q, sizeof q, 0, (struct sockaddr *)&k, sizeof k) == (ssize_t)sizeof q ? 0 : -1;
}

static void show_link(struct nlmsghdr *h)
{
	struct ifinfomsg *i = NLMSG_DATA(h);
	printf("  NEWLINK index %d type %d flags 0x%x", i->ifi_index, i->ifi_type, i->ifi_flags);
	int len = IFLA_PAYLOAD(h);
	for (struct rtattr *a = IFLA_RTA(i); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFLA_IFNAME)
			printf(" name %s", (char *)RTA_DATA(a));
		else if (a->rta_type == IFLA_MTU)
			printf(" mtu %u", *(unsigned *)RTA_DATA(a));
		else if (a->rta_type == IFLA_TXQLEN)
			printf(" txqlen %u", *(unsigned *)RTA_DATA(a));
		else if (a->rta_type == IFLA_ADDRESS)
			printf(" address %d bytes", (int)RTA_PAYLOAD(a));
		else if (a->rta_type == IFLA_OPERSTATE)
			printf(" operstate %d", *(unsigned char *)RTA_DATA(a));
	}
	printf("\n");
}

static void show_addr(struct nlmsghdr *h)
{
	struct ifaddrmsg *i = NLMSG_DATA(h);
	printf("  NEWADDR %s/%d scope %d index %d permanent %s", fam(i->ifa_family), i->ifa_prefixlen, i->ifa_scope,
	       i->ifa_index, YN(i->ifa_flags & IFA_F_PERMANENT));
	int len = IFA_PAYLOAD(h);
	char b[INET6_ADDRSTRLEN];
	for (struct rtattr *a = IFA_RTA(i); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFA_ADDRESS || a->rta_type == IFA_LOCAL)
			printf(" %s %s", a->rta_type == IFA_ADDRESS ? "address" : "local",
			       inet_ntop(i->ifa_family, RTA_DATA(a), b, sizeof b));
		else if (a->rta_type == IFA_LABEL)
			printf(" label %s", (char *)RTA_DATA(a));
	}
	printf("\n");
}

// Reads replies until NLMSG_DONE or an error message; prints each.
static void replies(int s, unsigned pid)
{
	static char buf[65536];
	for (;;) {
		struct sockaddr_nl from;
		struct iovec v = { buf, sizeof buf };
		struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &v, .msg_iovlen = 1 };
		ssize_t n = recvmsg(s, &m, MSG_DONTWAIT);
		if (n < 0) {
			printf("  recv: %s\n", ename(errno));
			return;
		}
		if (from.nl_family != AF_NETLINK || from.nl_pid || m.msg_namelen != sizeof from)
			printf("  sender not the kernel\n");
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq || h->nlmsg_pid != pid)
				printf("  seq/pid mismatch\n");
			if (h->nlmsg_type == NLMSG_DONE) {
				printf("  DONE error %d multi %s\n", *(int *)NLMSG_DATA(h), YN(h->nlmsg_flags & NLM_F_MULTI));
				return;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				printf("  ERROR %s len %u capped %s\n", e->error ? ename(-e->error) : "0", h->nlmsg_len,
				       YN(h->nlmsg_flags & NLM_F_CAPPED));
				return;
			}
			if (h->nlmsg_type == RTM_NEWLINK)
				show_link(h);
			else if (h->nlmsg_type == RTM_NEWADDR)
				show_addr(h);
			else
				printf("  type %d\n", h->nlmsg_type);
			if (h->nlmsg_type == RTM_NEWLINK && !(h->nlmsg_flags & NLM_F_MULTI))
				return; // the answer about one interface
		}
	}
}

static void raw_netlink(void)
{
	printf("socket(NETLINK, STREAM): %s\n",
	       socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE) < 0 ? ename(errno) : "ok");
	printf("socket(NETLINK, RAW, 31): %s\n", socket(AF_NETLINK, SOCK_RAW, 31) < 0 ? ename(errno) : "ok");
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (say("socket(NETLINK, RAW|CLOEXEC, ROUTE)", s) < 0)
		return;
	struct sockaddr_nl a = { 0 };
	socklen_t len = sizeof a;
	say("getsockname unbound", getsockname(s, (struct sockaddr *)&a, &len));
	printf("  family %d pid %u len %u\n", a.nl_family, a.nl_pid, len);
	a = (struct sockaddr_nl){ .nl_family = AF_NETLINK };
	say("bind", bind(s, (struct sockaddr *)&a, sizeof a));
	len = sizeof a;
	getsockname(s, (struct sockaddr *)&a, &len);
	unsigned pid = a.nl_pid;
	printf("port id is the pid: %s\n", YN(pid == (unsigned)getpid()));
	len = sizeof a;
	say("getpeername", getpeername(s, (struct sockaddr *)&a, &len));
	printf("  pid %u\n", a.nl_pid);
	int s2 = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK, NETLINK_ROUTE);
	a = (struct sockaddr_nl){ .nl_family = AF_NETLINK, .nl_pid = pid };
	say("bind second to the pid", bind(s2, (struct sockaddr *)&a, sizeof a));
	a.nl_pid = 0;
	say("bind second", bind(s2, (struct sockaddr *)&a, sizeof a));
	len = sizeof a;
	getsockname(s2, (struct sockaddr *)&a, &len);
	printf("second port id: %s\n", (int)a.nl_pid < 0 ? "negative" : a.nl_pid == pid ? "same" : "other");
	printf("recv on empty: %s\n", recv(s2, &a, sizeof a, 0) < 0 ? ename(errno) : "data");
	int t, one = 1;
	len = sizeof t;
	getsockopt(s, SOL_SOCKET, SO_TYPE, &t, &len);
	printf("SO_TYPE raw: %s\n", YN(t == SOCK_RAW));
	getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &t, &len);
	printf("SO_PROTOCOL: %d\n", t);
	say("NETLINK_ADD_MEMBERSHIP", setsockopt(s2, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &one, sizeof one));
	struct ifreq r = { 0 };
	strcpy(r.ifr_name, "lo");
	say("SIOCGIFINDEX on netlink", ioctl(s, SIOCGIFINDEX, &r));
	printf("  index %d\n", r.ifr_ifindex);
	close(s2);

	// A link dump read with a too-small buffer.
	request(s, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, AF_UNSPEC, 0);
	struct pollfd p = { s, POLLIN, 0 };
	int pr = poll(&p, 1, 1000);
	printf("poll after request: %d revents 0x%x\n", pr, p.revents);
	char small[16];
	struct iovec v = { small, sizeof small };
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1 };
	ssize_t n = recvmsg(s, &m, MSG_PEEK | MSG_TRUNC);
	struct nlmsghdr *h = (void *)small;
	printf("peek|trunc: whole datagram %s, MSG_TRUNC %s, type NEWLINK %s, one message %s, pid %s\n",
	       YN(n > (ssize_t)sizeof small), YN(m.msg_flags & MSG_TRUNC), YN(h->nlmsg_type == RTM_NEWLINK),
	       YN((ssize_t)h->nlmsg_len == n), YN(h->nlmsg_pid == pid));
	m.msg_flags = 0;
	printf("recvmsg 16: %zd, MSG_TRUNC %s\n", recvmsg(s, &m, 0), YN(m.msg_flags & MSG_TRUNC));
	replies(s, pid); // the rest of that datagram is gone: DONE next
	p.revents = 0;
	printf("poll when drained: %d\n", poll(&p, 1, 0));

	printf("link dump:\n");
	request(s, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, AF_UNSPEC, 0);
	replies(s, pid);
	const int fams[] = { AF_UNSPEC, AF_INET, AF_INET6, AF_PACKET };
	for (int i = 0; i < 4; i++) {
		printf("addr dump %s:\n", i ? fam(fams[i]) : "unspec");
		request(s, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, fams[i], 0);
		replies(s, pid);
	}
	printf("getlink index 1:\n");
	request(s, RTM_GETLINK, NLM_F_REQUEST, AF_UNSPEC, 1);
	replies(s, pid);
	printf("getlink index 999:\n");
	request(s, RTM_GETLINK, NLM_F_REQUEST, AF_UNSPEC, 999);
	replies(s, pid);
	printf("noop with ack:\n");
	request(s, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, AF_UNSPEC, 0);
	replies(s, pid);
	printf("type 1000:\n");
	request(s, 1000, NLM_F_REQUEST, AF_UNSPEC, 0);
	replies(s, pid);
	// Without capabilities, as a guest's requests are: nothing changes.
	struct __user_cap_header_struct ch = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct cd[2] = { 0 };
	syscall(SYS_capset, &ch, cd);
	const int changes[] = { RTM_NEWLINK, RTM_DELLINK, RTM_SETLINK, RTM_NEWADDR, RTM_DELADDR, RTM_NEWROUTE };
	for (int i = 0; i < 6; i++) {
		printf("type %d:\n", changes[i]);
		request(s, changes[i], NLM_F_REQUEST | NLM_F_ACK, AF_UNSPEC, 1);
		replies(s, pid);
	}

	// read() and write() are a receive and a send.
	struct {
		struct nlmsghdr h;
		struct rtgenmsg g;
	} q = { { NLMSG_LENGTH(sizeof(struct rtgenmsg)), RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, ++seq, 0 },
		{ AF_INET } };
	printf("write: %zd\n", write(s, &q, q.h.nlmsg_len));
	static char big[8192];
	n = read(s, big, sizeof big);
	h = (void *)big;
	printf("read: first type NEWADDR %s\n", YN(n > 0 && h->nlmsg_type == RTM_NEWADDR));
	replies(s, pid);
	say("listen", listen(s, 1));
	close(s);
}

static void body(void)
{
	list_getifaddrs();
	names();
	raw_netlink();
}

static int only_lo(void)
{
	struct if_nameindex *ni = if_nameindex();
	int ok = ni && ni[0].if_index && !strcmp(ni[0].if_name, "lo") && !ni[1].if_index;
	if (ni)
		if_freenameindex(ni);
	return ok;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (unshare(CLONE_NEWNET) == 0 || unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0) {
		int u = socket(AF_INET, SOCK_DGRAM, 0);
		struct ifreq r = { 0 };
		strcpy(r.ifr_name, "lo");
		ioctl(u, SIOCGIFFLAGS, &r);
		r.ifr_flags |= IFF_UP;
		ioctl(u, SIOCSIFFLAGS, &r);
		close(u);
	} else if (!only_lo()) {
		fputs(expected, stdout);
		return 0;
	}
	body();
	return 0;
}
