/* netif.c — the network interfaces the guest sees, for netlink.c's
 * RTM_GETLINK/RTM_GETADDR answers and the SIOCGIF* ioctls.
 *
 * The table is the loopback device alone, as a fresh network namespace
 * has it once lo is up: index 1, "lo", 127.0.0.1/8 and ::1/128, mtu 65536,
 * UP|LOOPBACK|RUNNING. That is what the guest really has with --net
 * loopback (the default: bento made a private namespace and brought lo
 * up, src/cli/confine.c). With --net none it has no inet sockets at all,
 * and lo is still what a process of an empty namespace would list. With
 * --net host the guest shares the host's network but is still shown lo
 * only: learning the host's interfaces would take netlink or SIOCGIFCONF
 * on the host, and the gate allows neither (docs/security.md); a program
 * that picks an address to bind from this list gets 127.0.0.1, which
 * works in every mode. Nothing here ever changes (no SIOCSIF*, no
 * RTM_NEW*), so the table is constant. */
#include "kernel/kernel.h"

#define IFNAMSIZ_K 16
#define AF_INET_K 2
#define ARPHRD_LOOPBACK_K 772
#define IFF_UP_K 0x1
#define IFF_LOOPBACK_K 0x8
#define IFF_RUNNING_K 0x40
#define IFF_LOWER_UP_K 0x10000

static const struct netif_addr lo_addrs[] = {
	{ .family = 2, .prefix = 8, .addr = { 127, 0, 0, 1 } },
	{ .family = 10, .prefix = 128, .addr = { [15] = 1 } },
};

static const struct netif ifs[] = {
	{
		.index = 1,
		.name = "lo",
		.type = ARPHRD_LOOPBACK_K,
		.flags = IFF_UP_K | IFF_LOOPBACK_K | IFF_RUNNING_K | IFF_LOWER_UP_K,
		.mtu = 65536,
		.txqlen = 1000,
		.addrs = lo_addrs,
		.naddrs = 2,
	},
};

const struct netif *netif_at(int i)
{
	return i >= 0 && i < (int)(sizeof(ifs) / sizeof(ifs[0])) ? &ifs[i] : NULL;
}

const struct netif *netif_by_index(int index)
{
	const struct netif *n;
	for (int i = 0; (n = netif_at(i)); i++)
		if (n->index == index)
			return n;
	return NULL;
}

const struct netif *netif_by_name(const char *name)
{
	const struct netif *n;
	for (int i = 0; (n = netif_at(i)); i++)
		if (!strcmp(n->name, name))
			return n;
	return NULL;
}

/* struct ifreq: the name, then a 24-byte union (sockaddr, short flags,
 * int index/mtu/qlen, ...). struct ifconf: a length and a buffer. */
struct k_ifreq {
	char name[IFNAMSIZ_K];
	union {
		struct { uint16_t family; uint8_t data[14]; } sa;
		int16_t flags;
		int32_t ivalue;
		char pad[24];
	} u;
};
_Static_assert(sizeof(struct k_ifreq) == 40, "struct ifreq");
struct k_ifconf {
	int32_t len;
	int32_t pad;
	void *ubuf;
};
_Static_assert(sizeof(struct k_ifconf) == 16, "struct ifconf");

/* SIOCGIFCONF: an ifreq with a sockaddr_in for every IPv4 address; with
 * no buffer, only the length needed. */
static int ifconf(void *uarg)
{
	struct k_ifconf c;
	if (copy_in(&c, uarg, sizeof(c)) < 0)
		return -EFAULT;
	int32_t done = 0;
	const struct netif *n;
	for (int i = 0; (n = netif_at(i)); i++) {
		for (int j = 0; j < n->naddrs; j++) {
			if (n->addrs[j].family != AF_INET_K)
				continue;
			if (c.ubuf) {
				if (done + (int32_t)sizeof(struct k_ifreq) > c.len)
					goto out;
				struct k_ifreq r = { 0 };
				strlcpy(r.name, n->name, sizeof(r.name));
				r.u.sa.family = AF_INET_K;
				memcpy(r.u.sa.data + 2, n->addrs[j].addr, 4);
				if (copy_out((char *)c.ubuf + done, &r, sizeof(r)) < 0)
					return -EFAULT;
			}
			done += (int32_t)sizeof(struct k_ifreq);
		}
	}
out:
	return copy_out(uarg, &done, sizeof(done)) < 0 ? -EFAULT : 0;
}

/* The requests that would change an interface: Linux wants
 * CAP_NET_ADMIN for them, which no guest has over this table. */
static int is_set_request(unsigned long req)
{
	static const unsigned short sets[] = {
		0x8914, 0x8916, 0x8918, 0x891a, 0x891c, 0x891e, 0x8920, 0x8922, 0x8923,
		0x8924, 0x8930, 0x8931, 0x8932, 0x8934, 0x8936, 0x8943, 0x8971,
	};
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		if (req == sets[i])
			return 1;
	return 0;
}

int netif_ioctl(unsigned long req, void *uarg)
{
	if (req == 0x8912) /* SIOCGIFCONF */
		return ifconf(uarg);
	if (is_set_request(req))
		return -EPERM;
	struct k_ifreq r;
	const struct netif *n;
	switch (req) {
	case 0x8910: /* SIOCGIFNAME: index -> name */
		if (copy_in(&r, uarg, sizeof(r)) < 0)
			return -EFAULT;
		if (!(n = netif_by_index(r.u.ivalue)))
			return -ENODEV;
		memset(r.name, 0, sizeof(r.name));
		strlcpy(r.name, n->name, sizeof(r.name));
		return copy_out(uarg, &r, sizeof(r)) < 0 ? -EFAULT : 0;
	case 0x8913: /* SIOCGIFFLAGS */
	case 0x891d: /* SIOCGIFMETRIC */
	case 0x8921: /* SIOCGIFMTU */
	case 0x8927: /* SIOCGIFHWADDR */
	case 0x8933: /* SIOCGIFINDEX */
	case 0x8942: /* SIOCGIFTXQLEN */
		break;
	default:
		return -ENOTTY;
	}
	if (copy_in(&r, uarg, sizeof(r)) < 0)
		return -EFAULT;
	r.name[IFNAMSIZ_K - 1] = 0;
	if (!(n = netif_by_name(r.name)))
		return -ENODEV;
	memset(&r.u, 0, sizeof(r.u));
	switch (req) {
	case 0x8913: r.u.flags = (int16_t)(n->flags & 0xffff); break;
	case 0x8921: r.u.ivalue = n->mtu; break;
	case 0x8927: r.u.sa.family = n->type; memcpy(r.u.sa.data, n->hwaddr, 6); break;
	case 0x8933: r.u.ivalue = n->index; break;
	case 0x8942: r.u.ivalue = n->txqlen; break;
	default: break; /* metric 0 */
	}
	return copy_out(uarg, &r, sizeof(r)) < 0 ? -EFAULT : 0;
}
