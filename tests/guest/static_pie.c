// build: static-pie
// static_pie: a static-pie program that must relocate itself: a table of
// function pointers and string pointers (relative relocations), TLS,
// arguments and environment, malloc.
// args: one two
#include "guest.h"
#include <stdint.h>
#include <stdlib.h>

static __thread long tls_counter = 100;

static int add(int a, int b)
{
	return a + b;
}

static int mul(int a, int b)
{
	return a * b;
}

static const struct {
	const char *name;
	int (*fn)(int, int);
} ops[] = { { "add", add }, { "mul", mul } };

int main(int argc, char **argv)
{
	printf("argc: %d\n", argc);
	for (int i = 1; i < argc; i++)
		printf("argv[%d]: %s\n", i, argv[i]);
	printf("HOME=%s\n", getenv("HOME"));
	for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++)
		printf("%s(6, 7) = %d\n", ops[i].name, ops[i].fn(6, 7));
	printf("main is not at its link address 0: %s\n", YN((uintptr_t)main > 0x10000));
	tls_counter++;
	printf("tls: %ld\n", tls_counter);
	unsigned long h = 5381;
	for (int i = 0; i < 100000; i++)
		h = h * 33 + (i & 0xff);
	printf("hash: %lu\n", h);
	long *v = malloc(1000 * sizeof *v);
	long s = 0;
	for (int i = 0; i < 1000; i++)
		s += v[i] = i;
	printf("sum: %ld\n", s);
	free(v);
	return 0;
}
