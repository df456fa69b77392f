#!/usr/bin/env bash
# Runs every test suite of bento and sums their "N passed, M failed" lines.
# Usage: tests/run-all.sh   (from the top of the tree, after make)
set -u
cd "$(dirname "$0")/.."
total_pass=0
total_fail=0
run_suite() {
	local name=$1; shift
	echo "== $name"
	local out
	out=$("$@" 2>&1)
	local status=$?
	printf '%s\n' "$out"
	local line
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL $name: suite printed no summary (status $status)"
		total_fail=$((total_fail + 1))
		return
	fi
	local p f
	p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $name: suite exited with status $status"
		total_fail=$((total_fail + 1))
	fi
}
for suite in unit cli guest apps procs escape pyregr; do
	if [ -x "tests/$suite/run.sh" ]; then
		run_suite "$suite" "tests/$suite/run.sh"
	fi
done
# The front end again as built with AddressSanitizer and UBSan.
[ -x build/san/bento ] && run_suite "cli (ASan+UBSan)" tests/cli/run.sh build/san/bento
# The guest programs once more with the fast path off, so that both the
# trapping path and the rewritten one stay tested.
run_suite "guest --no-rewrite" env BENTO_OPTS=--no-rewrite tests/guest/run.sh
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
