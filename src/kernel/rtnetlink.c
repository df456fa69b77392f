/* rtnetlink.c — the answers to NETLINK_ROUTE requests, for netlink.c's
 * sockets: RTM_GETLINK and RTM_GETADDR dumps (NLM_F_DUMP; the messages in
 * datagrams of at most DGRAM_GOOD bytes, then NLMSG_DONE alone, as Linux
 * sends a small dump) and RTM_GETLINK of one interface by index or name,
 * from netif.c's table. Requests that would change something (RTM_NEW*,
 * RTM_DEL*, RTM_SET*) get NLMSG_ERROR -EPERM, as an unprivileged process;
 * other requests -EOPNOTSUPP (routes, neighbours, rules, ...: bento
 * keeps no such tables). Layouts: linux/netlink.h, rtnetlink.h,
 * if_link.h, if_addr.h. */
#include "kernel/kernel.h"

#define AF_INET_K 2
#define AF_INET6_K 10
#define NLM_F_REQUEST 0x1
#define NLM_F_MULTI 0x2
#define NLM_F_ACK 0x4
#define NLM_F_DUMP 0x300
#define NLM_F_CAPPED 0x100
#define NLMSG_ERROR_K 2
#define NLMSG_DONE_K 3
#define NLMSG_MIN_TYPE_K 0x10
#define RTM_NEWLINK_K 16
#define RTM_GETLINK_K 18
#define RTM_NEWADDR_K 20
#define RTM_GETADDR_K 22
#define RTM_MAX_K 123        /* the last type Linux 6.x knows */

#define IFLA_ADDRESS 1
#define IFLA_BROADCAST 2
#define IFLA_IFNAME 3
#define IFLA_MTU 4
#define IFLA_QDISC 6
#define IFLA_STATS 7
#define IFLA_TXQLEN 13
#define IFLA_OPERSTATE 16
#define IFLA_LINKMODE 17
#define IFLA_STATS64 23
#define IFLA_GROUP 27
#define IFLA_PROMISCUITY 30
#define IFLA_NUM_TX_QUEUES 31
#define IFLA_NUM_RX_QUEUES 32
#define IFLA_CARRIER 33
#define IFA_ADDRESS 1
#define IFA_LOCAL 2
#define IFA_LABEL 3
#define IFA_CACHEINFO 6
#define IFA_FLAGS 8
#define IFA_F_PERMANENT 0x80
#define RT_SCOPE_HOST 254
#define IFF_LOOPBACK_K 0x8

#define DGRAM_GOOD 3776        /* a page less the kernel's skb overhead */
#define MSG_MAX 1024           /* one reply message; ours are < 600 */
#define NL_ALIGN(n) (((n) + 3) & ~(size_t)3)

struct nlmsghdr_k { uint32_t len; uint16_t type, flags; uint32_t seq, pid; };
struct ifinfomsg_k { uint8_t family, pad; uint16_t type; int32_t index; uint32_t flags, change; };
struct ifaddrmsg_k { uint8_t family, prefixlen, flags, scope; uint32_t index; };
struct rtattr_k { uint16_t len, type; };
_Static_assert(sizeof(struct nlmsghdr_k) == 16, "struct nlmsghdr");
_Static_assert(sizeof(struct ifinfomsg_k) == 16, "struct ifinfomsg");
_Static_assert(sizeof(struct ifaddrmsg_k) == 8, "struct ifaddrmsg");

/* ---- building replies --------------------------------------------------- */

struct msg {
	size_t len;
	char b[MSG_MAX];
};

/* n zeroed bytes at the end of m, padded to 4 (the sizes are constant
 * and far below MSG_MAX). */
static void *put(struct msg *m, size_t n)
{
	void *p = m->b + m->len;
	memset(p, 0, NL_ALIGN(n));
	m->len += NL_ALIGN(n);
	return p;
}

static void attr(struct msg *m, int type, const void *data, size_t n)
{
	struct rtattr_k *a = put(m, sizeof(*a) + n);
	a->len = (uint16_t)(sizeof(*a) + n);
	a->type = (uint16_t)type;
	if (n)
		memcpy(a + 1, data, n);
}

static void attr_u32(struct msg *m, int type, uint32_t v)
{
	attr(m, type, &v, sizeof(v));
}

static void attr_u8(struct msg *m, int type, uint8_t v)
{
	attr(m, type, &v, sizeof(v));
}

static struct nlmsghdr_k *begin(struct msg *m, int type, int flags, const struct nlmsghdr_k *req,
				const struct rtnl_peer *s)
{
	m->len = 0;
	struct nlmsghdr_k *h = put(m, sizeof(*h));
	h->type = (uint16_t)type;
	h->flags = (uint16_t)flags;
	h->seq = req->seq;
	h->pid = s->portid;
	return h;
}

static void end(struct msg *m)
{
	((struct nlmsghdr_k *)m->b)->len = (uint32_t)m->len;
}

/* RTM_NEWLINK for n. The counters (IFLA_STATS, IFLA_STATS64) are zero:
 * the real ones would be the host's. */
static void link_msg(struct msg *m, const struct netif *n, int flags, const struct nlmsghdr_k *req,
		     const struct rtnl_peer *s)
{
	begin(m, RTM_NEWLINK_K, flags, req, s);
	struct ifinfomsg_k *i = put(m, sizeof(*i));
	i->type = n->type;
	i->index = n->index;
	i->flags = n->flags;
	attr(m, IFLA_IFNAME, n->name, strlen(n->name) + 1);
	attr_u32(m, IFLA_TXQLEN, (uint32_t)n->txqlen);
	attr_u8(m, IFLA_OPERSTATE, (n->flags & IFF_LOOPBACK_K) ? 0 /* unknown */ : 6 /* up */);
	attr_u8(m, IFLA_LINKMODE, 0);
	attr_u32(m, IFLA_MTU, (uint32_t)n->mtu);
	attr_u32(m, IFLA_GROUP, 0);
	attr_u32(m, IFLA_PROMISCUITY, 0);
	attr_u32(m, IFLA_NUM_TX_QUEUES, 1);
	attr_u32(m, IFLA_NUM_RX_QUEUES, 1);
	attr_u8(m, IFLA_CARRIER, 1);
	attr(m, IFLA_QDISC, (n->flags & IFF_LOOPBACK_K) ? "noqueue" : "mq", (n->flags & IFF_LOOPBACK_K) ? 8 : 3);
	static const uint64_t zeros[25];
	attr(m, IFLA_ADDRESS, n->hwaddr, 6);
	attr(m, IFLA_BROADCAST, zeros, 6); /* lo's; bento lists no other kind */
	attr(m, IFLA_STATS64, zeros, 200); /* struct rtnl_link_stats64 */
	attr(m, IFLA_STATS, zeros, 96);    /* struct rtnl_link_stats */
	end(m);
}

/* RTM_NEWADDR for address a of n: IPv4 with IFA_LOCAL and IFA_LABEL as
 * Linux sends them; lifetimes forever (IFA_F_PERMANENT). */
static void addr_msg(struct msg *m, const struct netif *n, const struct netif_addr *a,
		     const struct nlmsghdr_k *req, const struct rtnl_peer *s)
{
	begin(m, RTM_NEWADDR_K, NLM_F_MULTI, req, s);
	struct ifaddrmsg_k *i = put(m, sizeof(*i));
	int v4 = a->family == AF_INET_K;
	size_t alen = v4 ? 4 : 16;
	i->family = (uint8_t)a->family;
	i->prefixlen = (uint8_t)a->prefix;
	i->flags = IFA_F_PERMANENT;
	i->scope = (n->flags & IFF_LOOPBACK_K) ? RT_SCOPE_HOST : 0;
	i->index = (uint32_t)n->index;
	attr(m, IFA_ADDRESS, a->addr, alen);
	if (v4) {
		attr(m, IFA_LOCAL, a->addr, alen);
		attr(m, IFA_LABEL, n->name, strlen(n->name) + 1);
	}
	uint32_t cacheinfo[4] = { 0xffffffffu, 0xffffffffu, 0, 0 };
	attr(m, IFA_CACHEINFO, cacheinfo, sizeof(cacheinfo));
	attr_u32(m, IFA_FLAGS, IFA_F_PERMANENT);
	end(m);
}

/* A dump's datagrams: messages gathered up to DGRAM_GOOD bytes each. */
struct dump {
	const struct rtnl_peer *s;
	size_t len;
	char b[DGRAM_GOOD];
};

static void dump_flush(struct dump *d)
{
	if (d->len)
		d->s->out(d->s->ctx, d->b, d->len);
	d->len = 0;
}

static void dump_add(struct dump *d, const struct msg *m)
{
	if (d->len + m->len > sizeof(d->b))
		dump_flush(d);
	memcpy(d->b + d->len, m->b, m->len);
	d->len += m->len;
}

/* The dump's messages, then NLMSG_DONE in a datagram of its own.
 * family: RTM_GETADDR's; AF_INET or AF_INET6 alone, any other all. */
static void dump(const struct rtnl_peer *s, const struct nlmsghdr_k *req, int family)
{
	struct dump *d = kmalloc(sizeof(*d));
	struct msg *m = kmalloc(sizeof(*m));
	if (!d || !m) {
		kfree(d);
		kfree(m);
		s->out(s->ctx, NULL, 0); /* a reply lost */
		return;
	}
	d->s = s;
	d->len = 0;
	const struct netif *n;
	for (int i = 0; (n = netif_at(i)); i++) {
		if (req->type == RTM_GETLINK_K) {
			link_msg(m, n, NLM_F_MULTI, req, s);
			dump_add(d, m);
		}
	}
	static const int families[] = { AF_INET_K, AF_INET6_K };
	for (int f = 0; req->type == RTM_GETADDR_K && f < 2; f++) {
		int fam = families[f];
		if ((family == AF_INET_K || family == AF_INET6_K) && fam != family)
			continue;
		for (int i = 0; (n = netif_at(i)); i++) {
			for (int j = 0; j < n->naddrs; j++) {
				if (n->addrs[j].family != fam)
					continue;
				addr_msg(m, n, &n->addrs[j], req, s);
				dump_add(d, m);
			}
		}
	}
	dump_flush(d);
	begin(m, NLMSG_DONE_K, NLM_F_MULTI, req, s);
	put(m, 4); /* the error code: 0 */
	end(m);
	s->out(s->ctx, m->b, m->len);
	kfree(d);
	kfree(m);
}

/* NLMSG_ERROR for req (err 0: an acknowledgement): the request follows
 * whole on an error, its header alone on an ack or with NETLINK_CAP_ACK. */
static void ack(const struct rtnl_peer *s, const struct nlmsghdr_k *req, int err)
{
	int capped = !err || s->cap_ack;
	size_t body = capped ? sizeof(*req) : req->len;
	char *b = kmalloc(sizeof(struct nlmsghdr_k) + 4 + NL_ALIGN(body));
	if (!b)
		return;
	struct nlmsghdr_k *h = (struct nlmsghdr_k *)b;
	h->len = (uint32_t)(sizeof(*h) + 4 + NL_ALIGN(body));
	h->type = NLMSG_ERROR_K;
	h->flags = capped ? NLM_F_CAPPED : 0;
	h->seq = req->seq;
	h->pid = s->portid;
	int32_t e = err;
	memcpy(b + sizeof(*h), &e, 4);
	memcpy(b + sizeof(*h) + 4, req, body);
	memset(b + sizeof(*h) + 4 + body, 0, NL_ALIGN(body) - body);
	s->out(s->ctx, b, h->len);
	kfree(b);
}

/* RTM_GETLINK of one interface: by ifi_index, else by IFLA_IFNAME. */
static int get_link(const struct rtnl_peer *s, const struct nlmsghdr_k *req)
{
	const char *p = (const char *)req;
	if (req->len < sizeof(*req) + sizeof(struct ifinfomsg_k))
		return -EINVAL;
	const struct ifinfomsg_k *i = (const void *)(p + sizeof(*req));
	const struct netif *n = NULL;
	if (i->index > 0) {
		n = netif_by_index(i->index);
	} else {
		size_t off = sizeof(*req) + sizeof(*i);
		while (off + sizeof(struct rtattr_k) <= req->len) {
			const struct rtattr_k *a = (const void *)(p + off);
			if (a->len < sizeof(*a) || off + a->len > req->len)
				return -EINVAL;
			if (a->type == IFLA_IFNAME) {
				char name[16] = { 0 };
				size_t l = a->len - sizeof(*a);
				memcpy(name, a + 1, l < sizeof(name) - 1 ? l : sizeof(name) - 1);
				n = netif_by_name(name);
				break;
			}
			off += NL_ALIGN(a->len);
		}
		if (off + sizeof(struct rtattr_k) > req->len)
			return -EINVAL; /* neither index nor name */
	}
	if (!n)
		return -ENODEV;
	struct msg *m = kmalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	link_msg(m, n, 0, req, s);
	s->out(s->ctx, m->b, m->len);
	kfree(m);
	return 0;
}

/* One request, as Linux's netlink_rcv_skb and rtnetlink_rcv_msg take it:
 * a message that is no request, a control message or one too short for
 * its family byte does nothing (an ack if asked); a dump is not acked. */
static void request(const struct rtnl_peer *s, const struct nlmsghdr_k *req)
{
	int err = 0;
	if (!(req->flags & NLM_F_REQUEST) || req->type < NLMSG_MIN_TYPE_K ||
	    (req->type <= RTM_MAX_K && req->len < sizeof(*req) + 1))
		goto out;
	if (req->type > RTM_MAX_K) {
		err = -EOPNOTSUPP;
	} else if (((req->type - 16) & 3) != 2) {
		err = -EPERM; /* RTM_NEW*, RTM_DEL*, RTM_SET*: the network is not the guest's to change */
	} else if ((req->flags & NLM_F_DUMP) == NLM_F_DUMP) {
		if (req->type != RTM_GETLINK_K && req->type != RTM_GETADDR_K) {
			err = -EOPNOTSUPP;
		} else {
			dump(s, req, *((const uint8_t *)req + sizeof(*req)));
			return;
		}
	} else {
		err = req->type == RTM_GETLINK_K ? get_link(s, req) : -EOPNOTSUPP;
	}
out:
	if (err || (req->flags & NLM_F_ACK))
		ack(s, req, err);
}

/* Every message of a sent datagram, in order; a malformed one ends it. */
void rtnl_requests(const struct rtnl_peer *s, const char *b, size_t n)
{
	size_t off = 0;
	while (n - off >= sizeof(struct nlmsghdr_k)) {
		struct nlmsghdr_k h;
		memcpy(&h, b + off, sizeof(h));
		if (h.len < sizeof(h) || h.len > n - off)
			return;
		request(s, (const struct nlmsghdr_k *)(b + off));
		off += NL_ALIGN(h.len);
		if (off > n)
			return;
	}
}
