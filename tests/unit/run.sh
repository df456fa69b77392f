#!/usr/bin/env bash
# tests/unit/run.sh — builds the unit tests (tests/unit/unit.mk, into
# build/unit/; rebuilt when sources change), runs every build/unit/test_*
# binary and prints its TAP results, then one line "N passed, M failed".
# A binary that dies before reporting all its planned tests counts the
# missing ones as failed. Exits 0 iff nothing failed.
# Usage: tests/unit/run.sh [binary-name-filter]   (e.g. tests/unit/run.sh vfs)
set -u
cd "$(dirname "$0")/../.."
filter=${1:-}

if ! make -s -f tests/unit/unit.mk -j"$(nproc 2>/dev/null || echo 2)"; then
	echo "unit: build failed"
	echo "0 passed, 1 failed"
	exit 1
fi

# Host temporary directories of the tests live in the build tree, so a
# crashed run leaves nothing in /tmp.
export TMPDIR=$PWD/build/unit/tmp
rm -rf "$TMPDIR"
mkdir -p "$TMPDIR"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export CMOCKA_MESSAGE_OUTPUT=TAP

passed=0
failed=0
for src in tests/unit/test_*.c; do
	name=$(basename "$src" .c)
	bin=build/unit/$name
	case $name in *"$filter"*) ;; *) continue ;; esac
	echo "== $name"
	out=$(timeout -k 5 300 "$bin" 2>&1)
	status=$?
	printf '%s\n' "$out"
	plan=0
	for n in $(printf '%s\n' "$out" | sed -nE 's/^1\.\.([0-9]+).*/\1/p'); do
		plan=$((plan + n))
	done
	ok=$(printf '%s\n' "$out" | grep -cE '^ok [0-9]+')
	notok=$(printf '%s\n' "$out" | grep -cE '^not ok [0-9]+')
	missing=$((plan - ok - notok))
	[ "$missing" -lt 0 ] && missing=0
	bad=$((notok + missing))
	if [ "$missing" -gt 0 ]; then
		echo "FAIL $name: $missing planned test(s) did not report (status $status)"
	fi
	if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
		echo "FAIL $name: exited with status $status"
		bad=1
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
