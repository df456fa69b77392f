/* sys_socket.c — the socket system calls: argument and structure
 * conversion (struct msghdr, struct mmsghdr, iovec arrays) for the
 * kernel's sock_* functions (socket.c). */
#include "linux/shim.h"

struct l_msghdr {
	void *name;
	uint32_t namelen;
	uint32_t pad;
	struct l_iovec *iov;
	size_t iovlen;
	void *control;
	size_t controllen;
	int32_t flags;
	uint32_t pad2;
};
struct l_mmsghdr {
	struct l_msghdr hdr;
	uint32_t len;
	uint32_t pad;
};
_Static_assert(sizeof(struct l_msghdr) == 56, "struct msghdr");
_Static_assert(sizeof(struct l_mmsghdr) == 64, "struct mmsghdr");

#define UIO_MAXIOV 1024
#define MSG_DONTWAIT_L 0x40
#define MSG_WAITFORONE_L 0x10000

/* Netlink sockets are bento's own (netlink.c): socket.c's calls say
 * ENOTSOCK for them, and the netlink calls answer instead (no cost for
 * the other sockets). */
static long send_k(int fd, struct k_msghdr *m, int flags)
{
	long r = sock_sendmsg(fd, m, flags);
	return r != -ENOTSOCK ? r : netlink_sendmsg(fd, m, flags);
}

static long recv_k(int fd, struct k_msghdr *m, int flags)
{
	long r = sock_recvmsg(fd, m, flags);
	return r != -ENOTSOCK ? r : netlink_recvmsg(fd, m, flags);
}

SYSCALL(socket)
{
	return sock_create((int)a0, (int)a1, (int)a2);
}

SYSCALL(socketpair)
{
	int sv[2];
	long r = sock_pair((int)a0, (int)a1, (int)a2, sv);
	if (r < 0)
		return r;
	if (copy_out((void *)a3, sv, sizeof(sv)) < 0) {
		fd_close(sv[0]);
		fd_close(sv[1]);
		return -EFAULT;
	}
	return 0;
}

SYSCALL(bind)
{
	if ((int)a2 < 0)
		return -EINVAL;
	long r = sock_bind((int)a0, (const void *)a1, (uint32_t)a2);
	return r != -ENOTSOCK ? r : netlink_bind((int)a0, (const void *)a1, (uint32_t)a2);
}

SYSCALL(connect)
{
	if ((int)a2 < 0)
		return -EINVAL;
	long r = sock_connect((int)a0, (const void *)a1, (uint32_t)a2);
	return r != -ENOTSOCK ? r : netlink_connect((int)a0, (const void *)a1, (uint32_t)a2);
}

SYSCALL(listen)
{
	long r = sock_listen((int)a0, (int)a1);
	return r != -ENOTSOCK ? r : netlink_unsupported((int)a0);
}

SYSCALL(accept)
{
	long r = sock_accept((int)a0, (void *)a1, (uint32_t *)a2, 0);
	return r != -ENOTSOCK ? r : netlink_unsupported((int)a0);
}

SYSCALL(accept4)
{
	long r = sock_accept((int)a0, (void *)a1, (uint32_t *)a2, (int)a3);
	return r != -ENOTSOCK ? r : netlink_unsupported((int)a0);
}

SYSCALL(shutdown)
{
	long r = sock_shutdown((int)a0, (int)a1);
	return r != -ENOTSOCK ? r : netlink_unsupported((int)a0);
}

SYSCALL(getsockname)
{
	long r = sock_getname((int)a0, 0, (void *)a1, (uint32_t *)a2);
	return r != -ENOTSOCK ? r : netlink_getname((int)a0, 0, (void *)a1, (uint32_t *)a2);
}

SYSCALL(getpeername)
{
	long r = sock_getname((int)a0, 1, (void *)a1, (uint32_t *)a2);
	return r != -ENOTSOCK ? r : netlink_getname((int)a0, 1, (void *)a1, (uint32_t *)a2);
}

SYSCALL(getsockopt)
{
	long r = sock_getsockopt((int)a0, (int)a1, (int)a2, (void *)a3, (uint32_t *)a4);
	return r != -ENOTSOCK ? r : netlink_getsockopt((int)a0, (int)a1, (int)a2, (void *)a3, (uint32_t *)a4);
}

SYSCALL(setsockopt)
{
	if ((int)a4 < 0)
		return -EINVAL;
	long r = sock_setsockopt((int)a0, (int)a1, (int)a2, (const void *)a3, (uint32_t)a4);
	return r != -ENOTSOCK ? r : netlink_setsockopt((int)a0, (int)a1, (int)a2, (const void *)a3, (uint32_t)a4);
}

SYSCALL(sendto)
{
	struct k_iovec iov = { (void *)a1, (size_t)a2 };
	struct k_msghdr m = { .uname = (void *)a4, .namelen = (uint32_t)a5, .iov = &iov, .iovlen = 1 };
	if ((int)a5 < 0)
		return -EINVAL;
	if (!a4)
		m.namelen = 0;
	return send_k((int)a0, &m, (int)a3);
}

SYSCALL(recvfrom)
{
	struct k_iovec iov = { (void *)a1, (size_t)a2 };
	struct k_msghdr m = { .iov = &iov, .iovlen = 1 };
	uint32_t *ulen = (uint32_t *)a5;
	if (a4) {
		int32_t len;
		if (copy_in(&len, ulen, sizeof(len)) < 0)
			return -EFAULT;
		if (len < 0)
			return -EINVAL;
		m.uname = (void *)a4;
		m.namelen = (uint32_t)len;
	}
	long r = recv_k((int)a0, &m, (int)a3);
	if (r >= 0 && a4 && copy_out(ulen, &m.namelen, sizeof(m.namelen)) < 0)
		return -EFAULT;
	return r;
}

/* A guest msghdr as the kernel's: the iovec array comes into iov (room
 * for UIO_MAXIOV). */
static long get_msghdr(const struct l_msghdr *um, struct l_msghdr *lm, struct k_msghdr *km,
		       struct k_iovec *iov)
{
	if (copy_in(lm, um, sizeof(*lm)) < 0)
		return -EFAULT;
	if (lm->iovlen > UIO_MAXIOV)
		return -EMSGSIZE;
	if (lm->iovlen && copy_in(iov, lm->iov, lm->iovlen * sizeof(*iov)) < 0)
		return -EFAULT;
	if ((int32_t)lm->namelen < 0)
		return -EINVAL;
	*km = (struct k_msghdr){
		.uname = lm->name,
		.namelen = lm->name ? lm->namelen : 0,
		.iov = iov,
		.iovlen = lm->iovlen,
		.ucontrol = lm->control,
		.controllen = lm->control ? lm->controllen : 0,
	};
	return 0;
}

_Static_assert(sizeof(struct k_iovec) == sizeof(struct l_iovec), "iovec");

static long sendmsg_one(int fd, const struct l_msghdr *um, int flags, struct k_iovec *iov)
{
	struct l_msghdr lm;
	struct k_msghdr km;
	long r = get_msghdr(um, &lm, &km, iov);
	return r < 0 ? r : send_k(fd, &km, flags);
}

/* After a receive: the address length, control length and flags go back
 * into the guest's msghdr, as Linux writes them. */
static long recvmsg_one(int fd, struct l_msghdr *um, int flags, struct k_iovec *iov)
{
	struct l_msghdr lm;
	struct k_msghdr km;
	long r = get_msghdr(um, &lm, &km, iov);
	if (r < 0)
		return r;
	r = recv_k(fd, &km, flags);
	if (r < 0)
		return r;
	int32_t fl = km.flags;
	uint64_t cl = km.controllen;
	if ((lm.name && copy_out(&um->namelen, &km.namelen, sizeof(km.namelen)) < 0) ||
	    copy_out(&um->controllen, &cl, sizeof(cl)) < 0 ||
	    copy_out(&um->flags, &fl, sizeof(fl)) < 0)
		return -EFAULT;
	return r;
}

static struct k_iovec *iov_buffer(void)
{
	return kmalloc(UIO_MAXIOV * sizeof(struct k_iovec));
}

SYSCALL(sendmsg)
{
	struct k_iovec *iov = iov_buffer();
	if (!iov)
		return -ENOMEM;
	long r = sendmsg_one((int)a0, (const struct l_msghdr *)a1, (int)a2, iov);
	kfree(iov);
	return r;
}

SYSCALL(recvmsg)
{
	struct k_iovec *iov = iov_buffer();
	if (!iov)
		return -ENOMEM;
	long r = recvmsg_one((int)a0, (struct l_msghdr *)a1, (int)a2, iov);
	kfree(iov);
	return r;
}

/* sendmmsg/recvmmsg: one message after the other; an error after the
 * first message ends the call with the count so far. recvmmsg's timeout
 * is approximated: with one, the messages after the first are taken only
 * if already there. */
SYSCALL(sendmmsg)
{
	struct l_mmsghdr *vec = (struct l_mmsghdr *)a1;
	unsigned vlen = (unsigned)a2 > UIO_MAXIOV ? UIO_MAXIOV : (unsigned)a2;
	struct k_iovec *iov = iov_buffer();
	if (!iov)
		return -ENOMEM;
	long r = 0;
	unsigned i;
	for (i = 0; i < vlen; i++) {
		r = sendmsg_one((int)a0, &vec[i].hdr, (int)a3, iov);
		if (r < 0)
			break;
		uint32_t n = (uint32_t)r;
		if (copy_out(&vec[i].len, &n, sizeof(n)) < 0) {
			r = -EFAULT;
			break;
		}
	}
	kfree(iov);
	return i ? (long)i : r;
}

SYSCALL(recvmmsg)
{
	struct l_mmsghdr *vec = (struct l_mmsghdr *)a1;
	unsigned vlen = (unsigned)a2 > UIO_MAXIOV ? UIO_MAXIOV : (unsigned)a2;
	int flags = (int)a3 & ~MSG_WAITFORONE_L;
	struct k_iovec *iov = iov_buffer();
	if (!iov)
		return -ENOMEM;
	long r = 0;
	unsigned i;
	for (i = 0; i < vlen; i++) {
		r = recvmsg_one((int)a0, &vec[i].hdr, flags, iov);
		if (r < 0)
			break;
		uint32_t n = (uint32_t)r;
		if (copy_out(&vec[i].len, &n, sizeof(n)) < 0) {
			r = -EFAULT;
			break;
		}
		if (((int)a3 & MSG_WAITFORONE_L) || a4)
			flags |= MSG_DONTWAIT_L;
	}
	kfree(iov);
	return i ? (long)i : r;
}

/* readv/writev on a socket are one recvmsg/sendmsg, so that a datagram is
 * one message, not one per buffer. */
long socket_vector_io(int fd, long uiov, long cnt, int writing)
{
	struct b_stat st;
	long r = file_stat(fd, &st);
	if (r < 0 || (st.mode & K_S_IFMT) != K_S_IFSOCK)
		return -ENOTSOCK;
	if (cnt < 0 || cnt > UIO_MAXIOV)
		return -EINVAL;
	struct k_iovec *iov = iov_buffer();
	if (!iov)
		return -ENOMEM;
	struct k_msghdr m = { .iov = iov, .iovlen = (size_t)cnt };
	if (cnt && copy_in(iov, (const void *)uiov, (size_t)cnt * sizeof(*iov)) < 0)
		r = -EFAULT;
	else
		r = writing ? send_k(fd, &m, 0) : recv_k(fd, &m, 0);
	kfree(iov);
	return r;
}
