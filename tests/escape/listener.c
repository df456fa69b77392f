// listener PORTFILE LOGFILE UNIXPATH: a host-side helper of run.sh (not a
// guest). Listens on 127.0.0.1 (TCP, and UDP on the same port) and on the
// unix socket UNIXPATH, writes the port to PORTFILE, and appends one line to
// LOGFILE for every connection accepted or datagram received. Runs until
// killed.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <sys/stat.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void note(const char *log, const char *what)
{
	int fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		dprintf(fd, "%s\n", what);
		close(fd);
	}
}

int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int t = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (t < 0 || u < 0)
		return 1;
	setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(t, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(t, 16) < 0 ||
	    getsockname(t, (struct sockaddr *)&a, &len) < 0 ||
	    bind(u, (struct sockaddr *)&a, sizeof(a)) < 0)
		return 1;
	struct sockaddr_un ua = { .sun_family = AF_UNIX };
	int x = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	strncpy(ua.sun_path, argv[3], sizeof(ua.sun_path) - 1);
	if (x < 0 || bind(x, (struct sockaddr *)&ua, sizeof(ua)) < 0 || listen(x, 16) < 0)
		return 1;
	chmod(argv[3], 0777);
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return 1;
	fprintf(f, "%d\n", ntohs(a.sin_port));
	fclose(f);
	rename(tmp, argv[1]);
	for (;;) {
		struct pollfd p[3] = { { t, POLLIN, 0 }, { u, POLLIN, 0 }, { x, POLLIN, 0 } };
		if (poll(p, 3, -1) < 0)
			continue;
		if (p[2].revents) {
			int c = accept4(x, NULL, NULL, SOCK_CLOEXEC);
			if (c >= 0) {
				note(argv[2], "unix connection");
				close(c);
			}
		}
		if (p[0].revents) {
			int c = accept4(t, NULL, NULL, SOCK_CLOEXEC);
			if (c >= 0) {
				note(argv[2], "tcp connection");
				close(c);
			}
		}
		if (p[1].revents) {
			char b[64];
			if (recv(u, b, sizeof(b), 0) >= 0)
				note(argv[2], "udp datagram");
		}
	}
}
