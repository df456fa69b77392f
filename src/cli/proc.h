/*
 * proc.h — reading a host process's /proc/PID/stat, which the supervisor
 * (parents), the start-up (CPUs) and the scratch directories (owners'
 * start times) all need.
 */
#ifndef BENTO_CLI_PROC_H
#define BENTO_CLI_PROC_H

#include <stddef.h>
#include <sys/types.h>

/* Size of a buffer that holds any /proc/PID/stat line (comm is short). */
#define PROC_STAT_MAX 1024

/*
 * Reads /proc/PID/stat into buf (size bytes, PROC_STAT_MAX will do) and
 * returns a pointer to field `field` inside it, numbered from 1 as in
 * proc(5); field must be 3 or more, past "pid (comm)", whose comm may hold
 * spaces and ')'. Returns NULL when the process is gone or the line is
 * shorter.
 */
const char *proc_stat_field(pid_t pid, int field, char *buf, size_t size);

/*
 * The start time of process pid (field 22: clock ticks after boot), which
 * with the pid names a process for good: a pid is reused, the pair is not.
 * Returns 0 when the process is gone.
 */
unsigned long long proc_start_time(pid_t pid);

#endif
