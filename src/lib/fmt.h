/* fmt.h — freestanding formatted output into buffers.
 * Supports %d %i %u %x %X %o %s %c %p %% with l/ll/z length, width, '-' and
 * '0' flags, and precision for %s; width and precision may be '*'. */
#ifndef LIB_FMT_H
#define LIB_FMT_H
#include <stdarg.h>
#include <stddef.h>

/* Like vsnprintf: returns the length the full output would have. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#endif
