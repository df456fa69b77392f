#!/bin/bash
# bench/inputs.sh DIR — writes the application benchmarks' inputs into DIR:
# insert.sql (50,000 inserts in one transaction), gen.c (2,000 lines of C)
# and big (200 MB from /dev/urandom). Used by run.sh and traps.sh.
set -euo pipefail
D=$1
# 50,000 inserts in one transaction.
awk 'BEGIN {
	print "BEGIN;"
	print "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, value REAL, blob TEXT);"
	for (i = 1; i <= 50000; i++)
		printf "INSERT INTO t VALUES(%d, %cname-%d%c, %d.%d, %cpayload-%d-%d%c);\n", i, 39, i, 39, i * 7, i % 10, 39, i * 7919 % 100003, i, 39
	print "COMMIT;"
}' >"$D/insert.sql"
# 2,000 lines of C: 100 functions of 20 lines.
awk 'BEGIN {
	print "#include <stddef.h>"
	for (f = 0; f < 100; f++) {
		printf "unsigned long f%d(const unsigned char *p, size_t n, unsigned long s)\n{\n", f
		print "\tunsigned long h = s ^ 0x9e3779b97f4a7c15UL;"
		print "\tfor (size_t i = 0; i < n; i++) {"
		printf "\t\th ^= p[i] + %d;\n", f
		printf "\t\th *= 0x100000001b3UL + %d;\n", f
		print "\t\tif (h & 1)"
		printf "\t\t\th = (h >> %d) | (h << %d);\n", f % 31 + 1, 63 - f % 31
		print "\t\telse"
		printf "\t\t\th += i * %d;\n", f * 3 + 1
		print "\t}"
		print "\tfor (int k = 0; k < 4; k++) {"
		printf "\t\tswitch ((h >> (k * 8)) & 3) {\n"
		printf "\t\tcase 0: h += %d; break;\n", f
		printf "\t\tcase 1: h ^= h >> %d; break;\n", f % 13 + 1
		print "\t\tcase 2: h *= 3; break;"
		print "\t\tdefault: h -= k; break;"
		print "\t\t}"
		print "\t}"
		print "\treturn h;"
		print "}"
	}
}' >"$D/gen.c"
head -c 200M /dev/urandom >"$D/big"
