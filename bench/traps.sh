#!/bin/bash
# bench/traps.sh — which guest system calls still trap (SIGSYS) in the
# application rows of the benchmark suite, with site rewriting on.
# An analysis aid for docs/performance.md; not run by `make bench`.
#
# For each application it prints the guest's system calls by name (from
# `bento run --trace`) beside the number of them that trapped (host SIGSYS
# deliveries, counted with `strace -f -e signal=SIGSYS`; a call that did not
# trap went through a rewritten site). Needs strace. Takes about a minute.
set -euo pipefail

cd "$(dirname "$0")/.."
command -v strace >/dev/null || { echo "traps.sh: needs strace" >&2; exit 1; }
W=$(mktemp -d /tmp/bento-traps.XXXXXX)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/bin" "$W/b"
cp build/bento build/bento-sandbox "$W/bin/"
BENTO=$W/bin/bento
D=$W/b
TOP=${TOP:-12}

bench/inputs.sh "$D"

one() { # name guest-argv...
	local name=$1
	shift
	"$BENTO" run --trace --mount "$D:/b:ro" -- "$@" 2>"$W/trace" >/dev/null
	strace -f -qq -e trace=none -e signal=SIGSYS -o "$W/strace" \
		"$BENTO" run --mount "$D:/b:ro" -- "$@" >/dev/null 2>&1
	grep -oP '^\[\d+\] \w+(?=\()' "$W/trace" | awk '{print $2}' | sort | uniq -c >"$W/calls"
	grep -oP 'si_syscall=__NR_\w+' "$W/strace" | sed 's/si_syscall=__NR_//' | sort | uniq -c >"$W/traps"
	local total trapped
	total=$(awk '{s += $1} END {print s + 0}' "$W/calls")
	trapped=$(awk '{s += $1} END {print s + 0}' "$W/traps")
	echo
	echo "== $name: $total guest system calls, $trapped trapped"
	printf '%8s %8s  %s\n' calls trapped name
	awk 'NR == FNR {t[$2] = $1; next} {printf "%8d %8d  %s\n", $1, t[$2], $2; seen[$2] = 1}
	     END {for (k in t) if (!(k in seen)) printf "%8s %8d  %s\n", "?", t[k], k}' \
		"$W/traps" "$W/calls" | sort -k2,2nr -k1,1nr | head -"$TOP"
}

one "python3 -c pass" /usr/bin/python3 -c pass
one "sqlite3 50k inserts" /usr/bin/sqlite3 /tmp/t.db ".read /b/insert.sql"
one "sha256sum 200 MB" /usr/bin/sha256sum /b/big
one "gcc -O2 -c" /usr/bin/gcc -O2 -c /b/gen.c -o /tmp/gen.o
