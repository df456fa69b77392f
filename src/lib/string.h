/* string.h — freestanding memory and string helpers (the compiler may also
 * emit calls to memcpy/memset/memmove/memcmp, so these keep libc names). */
#ifndef LIB_STRING_H
#define LIB_STRING_H
#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
/* Copies at most size-1 bytes and always terminates; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);
/* Appends like strlcpy; returns the length it tried to create. */
size_t strlcat(char *dst, const char *src, size_t size);
/* True when s begins with prefix. */
int str_starts(const char *s, const char *prefix);
/* Parses a decimal unsigned number; returns -1 if s is not one. */
long str_to_ulong(const char *s);
#endif
