// build: static
// static_hello: a fully static, non-PIE glibc program: arguments, the
// environment, IRELATIVE-resolved string functions, TLS, and some work.
// args: alpha "beta gamma" 42
#include "guest.h"
#include <stdlib.h>
#include <string.h>

static __thread int tls = 11;

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	printf("argc: %d, program: %s\n", argc, base ? base + 1 : argv[0]);
	for (int i = 1; i < argc; i++)
		printf("argv[%d]: %s\n", i, argv[i]);
	printf("HOME=%s LANG=%s\n", getenv("HOME"), getenv("LANG"));
	char *words[] = { "pear", "apple", "fig", "banana" };
	qsort(words, 4, sizeof words[0], cmp);
	printf("sorted: %s %s %s %s\n", words[0], words[1], words[2], words[3]);
	int count = 0;
	static char sieve[100000];
	for (int i = 2; i < 100000; i++) {
		if (sieve[i])
			continue;
		count++;
		for (int j = 2 * i; j < 100000; j += i)
			sieve[j] = 1;
	}
	printf("primes below 100000: %d\n", count);
	char buf[64];
	memset(buf, 'a', sizeof buf);
	memcpy(buf + 10, "static", 7);
	printf("strlen after memcpy: %zu, tls: %d\n", strlen(buf), tls);
	char *dup = strdup("heap works");
	printf("%s\n", dup);
	free(dup);
	return 0;
}
