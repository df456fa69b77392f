#!/bin/bash
# bench/proccalls.sh [BENTO] — host calls, page faults and CPU time per
# fork+exit+wait and fork+exec+wait, natively and under bento (not part
# of make bench; needs strace and perf). Calls: the strace -f lines of a
# 200-operation run minus those of a 100-operation run, over 100; a
# trapped guest call is its own line followed by a SIGSYS and is counted
# apart. Faults and CPU (task-clock, all processes, start-up included):
# perf stat of a 300-operation run.
set -euo pipefail
cd "$(dirname "$0")/.."
BENTO=$(realpath "${1:-build/bento}")
W=$(mktemp -d /tmp/bento-proccalls.XXXXXX)
trap 'rm -rf "$W"' EXIT
${CC:-gcc} -O2 -Wall -Wextra bench/forkn.c -o "$W/forkn"

calls() { # MODE CMD...: "calls/op (trapped/op)"
	local m=$1 c n
	shift
	for n in 100 200; do
		strace -f -o "$W/s.$n" "$@" "$m" "$n" >/dev/null 2>&1
	done
	for n in 100 200; do
		grep -v -e '--- SIG' -e '+++' -e 'resumed>' "$W/s.$n" | wc -l
		grep -c 'SIGSYS' "$W/s.$n" || true
	done | paste -s | awk '{printf "%.1f host calls + %.1f trapped", ($3-$1-($4-$2))/100, ($4-$2)/100}'
}

stat_of() { # MODE CMD...
	local m=$1
	shift
	perf stat -x, -e task-clock,page-faults -- "$@" "$m" 300 2>&1 >/dev/null |
		awk -F, '/task-clock/ {c = $1} /page-faults/ {f = $1} END {printf "%.0f us CPU, %.1f faults", c * 1000 / 300, f / 300}'
}

for m in exit exec; do
	echo "fork+$m+wait native: $(calls $m "$W/forkn"); $(stat_of $m "$W/forkn")"
	echo "fork+$m+wait bento:  $(calls $m "$BENTO" run --mount "$W:/b:ro" -- /b/forkn); $(stat_of $m "$BENTO" run --mount "$W:/b:ro" -- /b/forkn)"
done
