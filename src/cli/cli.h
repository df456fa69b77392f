/*
 * cli.h — what the front end's files share: exit statuses and the debug
 * switch. Kept tiny; everything else belongs to one file's header.
 */
#ifndef BENTO_CLI_CLI_H
#define BENTO_CLI_CLI_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Exit statuses of bento (and, for 124-127, of bento-sandbox). */
enum {
	BENTO_EXIT_USAGE = 2,		/* bad command line */
	BENTO_EXIT_TIMEOUT = 124,	/* --timeout expired, as timeout(1) */
	BENTO_EXIT_INTERNAL = 125,	/* bento itself failed */
	BENTO_EXIT_NOEXEC = 126,	/* program not executable */
	BENTO_EXIT_NOTFOUND = 127,	/* program not found */
};

/* True when BENTO_DEBUG is set to anything but "" or "0". */
static inline int cli_debugging(void)
{
	const char *v = getenv("BENTO_DEBUG");

	return v && *v && !(v[0] == '0' && v[1] == '\0');
}

/* Prints "bento: MESSAGE" on stderr, only when BENTO_DEBUG is set. */
static inline void cli_debug(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void cli_debug(const char *fmt, ...)
{
	va_list ap;

	if (!cli_debugging())
		return;
	va_start(ap, fmt);
	fputs("bento: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

#endif
