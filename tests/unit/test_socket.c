/* test_socket.c — sockets (src/kernel/socket.c) over the mock's host
 * socket pairs: pairs, non-blocking reads, datagram boundaries, SCM_RIGHTS
 * in both directions, AF_UNIX names (path names in host mounts, abstract
 * names, autobind; stream, seqpacket, datagram; addresses as the guest
 * gave them), a listener travelling with SCM_RIGHTS, the refusals, and
 * the emulated netlink (netlink.c). */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#define AF_UNIX_T 1
#define SOCK_STREAM_T 1
#define SOCK_DGRAM_T 2
#define SOCK_NONBLOCK_T 04000

struct sun { uint16_t family; char path[108]; };

static int group_setup(void **state)
{
	unit_kernel();
	const char *h = unit_host_tmpdir(), *ro = unit_host_tmpdir();
	unit_host_put(h, "file.txt", "hello from a host file");
	int hd = open(h, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int rd = open(ro, O_PATH | O_DIRECTORY | O_CLOEXEC);
	(void)state;
	if (hd < 0 || rd < 0 || vfs_mount_tmpfs("/") || vfs_mount_host("/h", hd, 1) ||
	    vfs_mount_host("/ro", rd, 0) || vfs_mount_tmpfs("/t"))
		return -1;
	sock_net_init(K_NET_NONE);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fd_close_range(0, ~0U, 0);
	return 0;
}

static struct sun sun_of(const char *path)
{
	struct sun a = { AF_UNIX_T, { 0 } };
	strncpy(a.path, path, sizeof(a.path) - 1);
	return a;
}

static void test_pair_stream(void **state)
{
	(void)state;
	int sv[2];
	char buf[16] = { 0 };
	assert_ok(sock_pair(AF_UNIX_T, SOCK_STREAM_T, 0, sv));
	assert_int_equal(file_write(sv[0], "ping", 4), 4);
	assert_int_equal(file_read(sv[1], buf, sizeof(buf)), 4);
	assert_string_equal(buf, "ping");
	assert_ok(sock_shutdown(sv[0], 1 /* SHUT_WR */));
	assert_int_equal(file_read(sv[1], buf, sizeof(buf)), 0);
	struct b_stat st;
	assert_ok(file_stat(sv[0], &st));
	assert_int_equal(st.mode & K_S_IFMT, K_S_IFSOCK);
	assert_err(file_seek(sv[0], 0, 0), ESPIPE);
}

static void test_nonblock_and_poll(void **state)
{
	(void)state;
	int sv[2];
	char c;
	assert_ok(sock_pair(AF_UNIX_T, SOCK_STREAM_T | SOCK_NONBLOCK_T, 0, sv));
	assert_err(file_read(sv[1], &c, 1), EAGAIN);
	struct b_pollfd p = { sv[1], 1, 0 };
	struct b_timespec zero = { 0, 0 };
	assert_int_equal(file_poll(&p, 1, &zero), 0);
	assert_int_equal(file_write(sv[0], "x", 1), 1);
	assert_int_equal(file_poll(&p, 1, &zero), 1);
	int n = 0;
	assert_ok(file_ioctl(sv[1], 0x541B /* FIONREAD */, &n));
	assert_int_equal(n, 1);
	/* The guest's O_NONBLOCK is bento's: clearing it makes reads block
	 * (here: data is there, so it returns at once). */
	assert_ok(file_set_flags(sv[1], 0));
	assert_int_equal(file_read(sv[1], &c, 1), 1);
}

static void test_dgram_boundaries(void **state)
{
	(void)state;
	int sv[2];
	char buf[16];
	assert_ok(sock_pair(AF_UNIX_T, SOCK_DGRAM_T, 0, sv));
	assert_int_equal(file_write(sv[0], "one", 3), 3);
	assert_int_equal(file_write(sv[0], "three", 5), 5);
	assert_int_equal(file_read(sv[1], buf, sizeof(buf)), 3);
	assert_int_equal(file_read(sv[1], buf, sizeof(buf)), 5);
}

static long send_fd(int sock, int fd)
{
	union { char buf[24]; uint64_t align; } ctl = { { 0 } };
	uint64_t len = 16 + sizeof(int);
	int level = 1, type = 1;
	memcpy(ctl.buf, &len, 8);
	memcpy(ctl.buf + 8, &level, 4);
	memcpy(ctl.buf + 12, &type, 4);
	memcpy(ctl.buf + 16, &fd, 4);
	struct k_iovec iov = { "F", 1 };
	struct k_msghdr m = { .iov = &iov, .iovlen = 1, .ucontrol = ctl.buf, .controllen = sizeof(ctl.buf) };
	return sock_sendmsg(sock, &m, 0);
}

static int recv_fd(int sock)
{
	union { char buf[24]; uint64_t align; } ctl = { { 0 } };
	char c;
	struct k_iovec iov = { &c, 1 };
	struct k_msghdr m = { .iov = &iov, .iovlen = 1, .ucontrol = ctl.buf, .controllen = sizeof(ctl.buf) };
	if (sock_recvmsg(sock, &m, 0) != 1 || m.controllen < 20)
		return -1;
	int fd;
	memcpy(&fd, ctl.buf + 16, 4);
	return fd;
}

static void test_rights(void **state)
{
	(void)state;
	int sv[2], pv[2];
	char buf[64] = { 0 };
	assert_ok(sock_pair(AF_UNIX_T, SOCK_STREAM_T, 0, sv));
	int fd = vfs_openat(K_AT_FDCWD, "/h/file.txt", K_O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_int_equal(send_fd(sv[0], fd), 1);
	int got = recv_fd(sv[1]);
	assert_true(got >= 0 && got != fd);
	assert_int_equal(file_read(got, buf, 5), 5);
	assert_string_equal(buf, "hello");
	char path[64];
	assert_true(fd_path(got, path, sizeof(path)) >= 0);
	assert_string_equal(path, "/h/file.txt");
	/* A socket travels as a socket. */
	int sp[2];
	assert_ok(sock_pair(AF_UNIX_T, SOCK_DGRAM_T, 0, sp));
	assert_int_equal(send_fd(sv[0], sp[0]), 1);
	int s2 = recv_fd(sv[1]);
	assert_true(s2 >= 0);
	assert_int_equal(file_write(s2, "via", 3), 3);
	assert_int_equal(file_read(sp[1], buf, sizeof(buf)), 3);
	/* Bento's own pipes travel as placeholders: the write end stays
	 * open while in flight, the received end is the same pipe. */
	assert_ok(pipe_create(pv, K_O_NONBLOCK));
	assert_int_equal(send_fd(sv[0], pv[1]), 1);
	assert_ok(fd_close(pv[1]));
	assert_err(file_read(pv[0], buf, sizeof(buf)), EAGAIN);
	int w = recv_fd(sv[1]);
	assert_true(w >= 0);
	assert_ok(fd_path(w, path, sizeof(path)));
	assert_memory_equal(path, "pipe:[", 6);
	assert_int_equal(file_write(w, "pipe", 4), 4);
	assert_ok(fd_close(w));
	assert_int_equal(file_read(pv[0], buf, sizeof(buf)), 4);
	assert_int_equal(file_read(pv[0], buf, sizeof(buf)), 0);
	assert_ok(fd_close(pv[0]));
	/* Files of bento's in-memory tmpfs live in one process: refused. */
	int t = vfs_openat(K_AT_FDCWD, "/t/private", K_O_RDWR | K_O_CREAT, 0600);
	assert_true(t >= 0);
	assert_err(send_fd(sv[0], t), EOPNOTSUPP);
	assert_err(send_fd(sv[0], 999), EBADF);
}

/* A message never received: closing its socket releases the pipe end in
 * it (the sweep of passfd.c). */
static void test_rights_dropped(void **state)
{
	(void)state;
	int sv[2], pv[2];
	char c;
	assert_ok(sock_pair(AF_UNIX_T, SOCK_STREAM_T, 0, sv));
	assert_ok(pipe_create(pv, K_O_NONBLOCK));
	assert_int_equal(send_fd(sv[0], pv[1]), 1);
	assert_ok(fd_close(pv[1]));
	assert_err(file_read(pv[0], &c, 1), EAGAIN);
	assert_ok(fd_close(sv[0]));
	assert_err(file_read(pv[0], &c, 1), EAGAIN);
	assert_ok(fd_close(sv[1]));
	assert_int_equal(file_read(pv[0], &c, 1), 0);
}

static void test_path_names(void **state)
{
	(void)state;
	struct sun a = sun_of("/h/sock"), got;
	uint32_t len = sizeof(got);
	int srv = sock_create(AF_UNIX_T, SOCK_STREAM_T, 0);
	assert_true(srv >= 0);
	assert_ok(sock_bind(srv, &a, sizeof(a)));
	assert_int_equal(unit_type("/h/sock"), K_S_IFSOCK);
	int other = sock_create(AF_UNIX_T, SOCK_STREAM_T, 0);
	assert_err(sock_bind(other, &a, sizeof(a)), EADDRINUSE);
	assert_ok(sock_listen(srv, 4));
	int cl = sock_create(AF_UNIX_T, SOCK_STREAM_T, 0);
	assert_ok(vfs_chdir("/h"));
	struct sun rel = sun_of("sock");
	assert_ok(sock_connect(cl, &rel, sizeof(rel)));
	assert_ok(vfs_chdir("/"));
	int acc = sock_accept(srv, &got, &len, 0);
	assert_true(acc >= 0);
	assert_int_equal(len, 2); /* the client is unnamed */
	len = sizeof(got);
	assert_ok(sock_getname(srv, 0, &got, &len));
	assert_string_equal(got.path, "/h/sock");
	assert_int_equal(len, 2 + strlen("/h/sock") + 1);
	len = sizeof(got);
	assert_ok(sock_getname(acc, 0, &got, &len));
	assert_string_equal(got.path, "/h/sock");
	len = sizeof(got);
	assert_ok(sock_getname(cl, 1, &got, &len));
	assert_string_equal(got.path, "/h/sock"); /* as the listener bound it */
	assert_int_equal(file_write(cl, "hi", 2), 2);
	char buf[4] = { 0 };
	assert_int_equal(file_read(acc, buf, 2), 2);
	assert_string_equal(buf, "hi");

	struct sun missing = sun_of("/h/missing"), ro = sun_of("/ro/sock"), tmp = sun_of("/t/sock");
	assert_err(sock_connect(other, &missing, sizeof(missing)), ENOENT);
	assert_err(sock_bind(other, &ro, sizeof(ro)), EROFS);
	assert_err(sock_bind(other, &tmp, sizeof(tmp)), EOPNOTSUPP);
	struct sun file = sun_of("/h/file.txt");
	assert_err(sock_connect(other, &file, sizeof(file)), ECONNREFUSED);
	assert_ok(vfs_unlinkat(K_AT_FDCWD, "/h/sock", 0));
}

static void test_abstract_and_datagrams(void **state)
{
	(void)state;
	struct sun ab = { AF_UNIX_T, { 0 } }, got;
	memcpy(ab.path, "\0bento-test", 11);
	uint32_t ablen = 2 + 11, len;
	int srv = sock_create(AF_UNIX_T, 5 /* SEQPACKET */, 0);
	assert_ok(sock_bind(srv, &ab, ablen));
	int again = sock_create(AF_UNIX_T, 5, 0);
	assert_err(sock_bind(again, &ab, ablen), EADDRINUSE);
	int cl = sock_create(AF_UNIX_T, 5, 0);
	assert_err(sock_connect(cl, &ab, ablen), ECONNREFUSED); /* not listening */
	assert_err(sock_listen(again, 1), EINVAL);                /* unbound */
	assert_ok(sock_listen(srv, 1));
	int st = sock_create(AF_UNIX_T, SOCK_STREAM_T, 0);
	assert_err(sock_connect(st, &ab, ablen), EPROTOTYPE);
	/* autobind, then connect: the server sees the client's name */
	struct sun unnamed = { AF_UNIX_T, { 0 } };
	assert_ok(sock_bind(cl, &unnamed, 2));
	len = sizeof(got);
	assert_ok(sock_getname(cl, 0, &got, &len));
	assert_int_equal(len, 8);
	assert_int_equal(got.path[0], 0);
	assert_ok(sock_connect(cl, &ab, ablen));
	struct sun peer;
	uint32_t plen = sizeof(peer);
	int acc = sock_accept(srv, &peer, &plen, 0);
	assert_true(acc >= 0);
	assert_int_equal(plen, 8);
	assert_memory_equal(peer.path, got.path, 6);
	assert_int_equal(file_write(cl, "ab", 2), 2);
	assert_int_equal(file_write(cl, "cde", 3), 3);
	char buf[8];
	assert_int_equal(file_read(acc, buf, sizeof(buf)), 2);
	assert_int_equal(file_read(acc, buf, sizeof(buf)), 3);
	/* the name is free again once its socket is closed */
	assert_ok(fd_close(srv));
	assert_ok(sock_bind(again, &ab, ablen));

	/* named datagrams both ways */
	struct sun ds = sun_of("/h/dgram-s"), dc = sun_of("/h/dgram-c"), from;
	int s1 = sock_create(AF_UNIX_T, SOCK_DGRAM_T, 0), s2 = sock_create(AF_UNIX_T, SOCK_DGRAM_T, 0);
	assert_ok(sock_bind(s1, &ds, sizeof(ds)));
	assert_ok(sock_bind(s2, &dc, sizeof(dc)));
	struct k_iovec iov = { "hello", 5 };
	struct k_msghdr m = { .uname = &ds, .namelen = sizeof(ds), .iov = &iov, .iovlen = 1 };
	assert_int_equal(sock_sendmsg(s2, &m, 0), 5);
	memset(buf, 0, sizeof(buf));
	struct k_iovec riov = { buf, sizeof(buf) };
	struct k_msghdr rm = { .uname = &from, .namelen = sizeof(from), .iov = &riov, .iovlen = 1 };
	assert_int_equal(sock_recvmsg(s1, &rm, 0), 5);
	assert_string_equal(buf, "hello");
	assert_string_equal(from.path, "/h/dgram-c");
	/* a short buffer: truncated, MSG_TRUNC */
	assert_int_equal(sock_sendmsg(s2, &m, 0), 5);
	riov.len = 2;
	rm.namelen = sizeof(from);
	assert_int_equal(sock_recvmsg(s1, &rm, 0), 2);
	assert_true(rm.flags & 0x20);
	/* connected datagrams and getpeername */
	assert_ok(sock_connect(s1, &dc, sizeof(dc)));
	assert_int_equal(file_write(s1, "re", 2), 2);
	assert_int_equal(file_read(s2, buf, sizeof(buf)), 2);
	len = sizeof(got);
	assert_ok(sock_getname(s1, 1, &got, &len));
	assert_string_equal(got.path, "/h/dgram-c");
	int s3 = sock_create(AF_UNIX_T, SOCK_DGRAM_T | SOCK_NONBLOCK_T, 0);
	assert_err(file_write(s3, "x", 1), ENOTCONN);
	assert_err(file_read(s3, buf, 1), EAGAIN);
	/* a closed receiver refuses */
	assert_ok(fd_close(s2));
	assert_err(file_write(s1, "x", 1), ECONNREFUSED);
	assert_ok(vfs_unlinkat(K_AT_FDCWD, "/h/dgram-s", 0));
	assert_ok(vfs_unlinkat(K_AT_FDCWD, "/h/dgram-c", 0));
}

/* A listening socket travels with its state: the receiver accepts. */
static void test_listener_travels(void **state)
{
	(void)state;
	int sv[2];
	struct sun a = sun_of("/h/travel");
	int srv = sock_create(AF_UNIX_T, SOCK_STREAM_T, 0);
	assert_ok(sock_bind(srv, &a, sizeof(a)));
	assert_ok(sock_listen(srv, 1));
	assert_ok(sock_pair(AF_UNIX_T, SOCK_STREAM_T, 0, sv));
	assert_int_equal(send_fd(sv[0], srv), 1);
	int srv2 = recv_fd(sv[1]);
	assert_true(srv2 >= 0);
	int cl = sock_create(AF_UNIX_T, SOCK_STREAM_T, 0);
	assert_ok(sock_connect(cl, &a, sizeof(a)));
	int acc = sock_accept(srv2, NULL, NULL, 0);
	assert_true(acc >= 0);
	int v = 0;
	uint32_t len = sizeof(v);
	assert_ok(sock_getsockopt(srv2, 1, 30 /* SO_ACCEPTCONN */, &v, &len));
	assert_int_equal(v, 1);
	/* an unbound socket has no host handle to send */
	int fresh = sock_create(AF_UNIX_T, SOCK_STREAM_T, 0);
	assert_err(send_fd(sv[0], fresh), EOPNOTSUPP);
	assert_ok(vfs_unlinkat(K_AT_FDCWD, "/h/travel", 0));
}

static void test_refusals(void **state)
{
	(void)state;
	assert_err(sock_create(2 /* AF_INET */, SOCK_STREAM_T, 0), EAFNOSUPPORT);
	assert_err(sock_create(17 /* AF_PACKET */, SOCK_DGRAM_T, 0), EAFNOSUPPORT);
	assert_err(sock_create(16 /* AF_NETLINK */, SOCK_STREAM_T, 0), ESOCKTNOSUPPORT);
	assert_err(sock_create(16, SOCK_DGRAM_T, 16 /* NETLINK_GENERIC */), EPROTONOSUPPORT);
	assert_err(sock_create(AF_UNIX_T, SOCK_STREAM_T | 0x100, 0), EINVAL);
	int sv[2];
	assert_err(sock_pair(2, SOCK_STREAM_T, 0, sv), EAFNOSUPPORT);
	assert_err(sock_create(AF_UNIX_T, 3 /* SOCK_RAW */, 0), ESOCKTNOSUPPORT);
	int fd = vfs_openat(K_AT_FDCWD, "/h/file.txt", K_O_RDONLY, 0);
	assert_err(sock_listen(fd, 1), ENOTSOCK);
	assert_err(sock_listen(12345, 1), EBADF);
	struct sun a = sun_of("/h/x");
	assert_err(sock_bind(fd, &a, 1), ENOTSOCK);
	int s = sock_create(AF_UNIX_T, SOCK_STREAM_T, 0);
	assert_err(sock_bind(s, &a, 1), EINVAL);
	assert_err(sock_bind(s, &a, 200), EINVAL);
}

/* An emulated NETLINK_ROUTE socket (netlink.c): an RTM_GETADDR dump of
 * AF_INET answers lo's 127.0.0.1/8, then NLMSG_DONE; a change is refused
 * with NLMSG_ERROR -EPERM; a too-small buffer truncates. */
struct nlreq { uint32_t len; uint16_t type, flags; uint32_t seq, pid; uint8_t family, pad[3]; };

static long nl_ask(int fd, uint16_t type, uint16_t flags, uint8_t family)
{
	struct nlreq q = { sizeof(q), type, flags, 7, 0, family, { 0 } };
	struct k_iovec iov = { &q, sizeof(q) };
	struct k_msghdr m = { .iov = &iov, .iovlen = 1 };
	return netlink_sendmsg(fd, &m, 0);
}

static long nl_get(int fd, void *buf, size_t n, int flags, int *mflags)
{
	struct k_iovec iov = { buf, n };
	struct k_msghdr m = { .iov = &iov, .iovlen = 1 };
	long r = netlink_recvmsg(fd, &m, flags);
	*mflags = m.flags;
	return r;
}

static void test_netlink(void **state)
{
	(void)state;
	int fd = sock_create(16, SOCK_DGRAM_T | SOCK_NONBLOCK_T, 0);
	assert_true(fd >= 0);
	assert_err(sock_listen(fd, 1), ENOTSOCK); /* socket.c leaves it to netlink.c */
	assert_err(netlink_unsupported(fd), EOPNOTSUPP);
	uint32_t buf[256], fl;
	int mflags;
	assert_err(nl_get(fd, buf, sizeof(buf), 0, &mflags), EAGAIN);
	assert_int_equal(nl_ask(fd, 22 /* RTM_GETADDR */, 0x301 /* REQUEST|DUMP */, 2), sizeof(struct nlreq));
	long n = nl_get(fd, buf, sizeof(buf), 0, &mflags);
	assert_true(n > 24);
	assert_int_equal(buf[0], n);                 /* one message */
	assert_int_equal(buf[1] & 0xffff, 20);       /* RTM_NEWADDR */
	assert_int_equal(buf[2], 7);                 /* the request's seq */
	fl = buf[4];                                 /* family 2, prefix 8 */
	assert_int_equal(fl & 0xffff, 0x0802);
	assert_int_equal(nl_get(fd, buf, sizeof(buf), 0, &mflags), 20);
	assert_int_equal(buf[1] & 0xffff, 3);        /* NLMSG_DONE */
	assert_int_equal(nl_ask(fd, 20 /* RTM_NEWADDR */, 0x5 /* REQUEST|ACK */, 2), sizeof(struct nlreq));
	assert_int_equal(nl_get(fd, buf, sizeof(buf), 0, &mflags), 16 + 4 + sizeof(struct nlreq));
	assert_int_equal(buf[1] & 0xffff, 2);        /* NLMSG_ERROR */
	assert_int_equal((int32_t)buf[4], -EPERM);
	assert_int_equal(nl_ask(fd, 18 /* RTM_GETLINK */, 0x301, 0), sizeof(struct nlreq));
	n = nl_get(fd, buf, 8, 0x2 | 0x20 /* PEEK|TRUNC */, &mflags);
	assert_int_equal(n, buf[0]);                 /* the whole length */
	assert_true(mflags & 0x20);
	assert_int_equal(nl_get(fd, buf, 8, 0, &mflags), 8);
	assert_int_equal(nl_get(fd, buf, sizeof(buf), 0, &mflags), 20); /* the rest went */
	fd_close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_pair_stream, teardown),
		cmocka_unit_test_teardown(test_nonblock_and_poll, teardown),
		cmocka_unit_test_teardown(test_dgram_boundaries, teardown),
		cmocka_unit_test_teardown(test_rights, teardown),
		cmocka_unit_test_teardown(test_rights_dropped, teardown),
		cmocka_unit_test_teardown(test_path_names, teardown),
		cmocka_unit_test_teardown(test_abstract_and_datagrams, teardown),
		cmocka_unit_test_teardown(test_listener_travels, teardown),
		cmocka_unit_test_teardown(test_refusals, teardown),
		cmocka_unit_test_teardown(test_netlink, teardown),
	};
	return cmocka_run_group_tests_name("socket", tests, group_setup, NULL);
}
