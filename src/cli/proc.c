/*
 * proc.c — /proc/PID/stat fields (proc.h).
 */
#include "cli/proc.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *proc_stat_field(pid_t pid, int field, char *buf, size_t size)
{
	char path[64];
	char *p;
	ssize_t n;
	int fd;

	if (field < 3 || size < 2)
		return NULL;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	/* comm is the only field that may hold ' ' or ')': skip past the
	 * last ')', which ends it, to "state" (field 3). */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return NULL;
	p += 2;
	for (int i = 3; i < field; i++) {
		p = strchr(p, ' ');
		if (!p)
			return NULL;
		p++;
	}
	return *p ? p : NULL;
}

unsigned long long proc_start_time(pid_t pid)
{
	char buf[PROC_STAT_MAX];
	const char *p = proc_stat_field(pid, 22, buf, sizeof buf);

	return p ? strtoull(p, NULL, 10) : 0;
}
