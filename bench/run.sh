#!/bin/bash
# bench/run.sh — bento's benchmark suite (`make bench`; not part of make check).
#
# Every benchmark runs natively, under `bento run` (site rewriting on, the
# default) and under `bento run --no-rewrite`, in the same invocation, RUNS
# times each, the three interleaved round by round so that drift of a noisy
# machine hits all three alike. A row shows the median of each column and
# the ratios of those medians (median(bento) / median(native)).
# It only reports: no time is asserted, and it exits 0 unless a run fails.
#
# Environment: BENCH_RUNS (default 5) rounds; BENCH_STARTUP_N (default 50)
# start-ups per column; BENCH_ONLY=micro|procs|startup|apps to run one group.
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${BENCH_RUNS:-5}
STARTUP_N=${BENCH_STARTUP_N:-50}
ONLY=${BENCH_ONLY:-}
CC=${CC:-gcc}

W=$(mktemp -d /tmp/bento-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
# A snapshot of the binaries, so that a rebuild while the suite runs
# cannot mix versions. bento finds bento-sandbox next to itself.
mkdir -p "$W/bin" "$W/b"
cp build/bento build/bento-sandbox "$W/bin/"
BENTO=$W/bin/bento
D=$W/b # mounted into the sandbox at /b, read-only

$CC -O2 -Wall -Wextra -pthread bench/micro.c -o "$D/micro"
$CC -O2 -Wall -Wextra bench/spawn.c -o "$W/spawn"
head -c 1M /dev/urandom >"$D/data"

MODES="native bento norewrite"

# Native runs write their temporary files where bento keeps the guest's
# /tmp: a directory on the host's /dev/shm when that is a tmpfs (see
# src/cli/scratch.h), else in the work directory.
if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
	NT=$(mktemp -d /dev/shm/bento-bench.XXXXXX)
else
	NT=$W/tmp && mkdir -p "$NT"
fi
trap 'rm -rf "$W" "$NT"' EXIT

# cmdline MODE HOST-ARGV... -- GUEST-ARGV...: the command line of one
# column, NUL-separated. Under bento, $D is mounted at /b unless NOMOUNT.
cmdline() {
	local mode=$1
	shift
	local host=() guest=()
	while [ "$1" != "--" ]; do host+=("$1"); shift; done
	shift
	guest=("$@")
	local mount=(--mount "$D:/b:ro")
	[ -n "${NOMOUNT:-}" ] && mount=()
	case $mode in
	native) printf '%s\0' "${host[@]}" ;;
	bento) printf '%s\0' "$BENTO" run "${mount[@]}" -- "${guest[@]}" ;;
	norewrite) printf '%s\0' "$BENTO" run --no-rewrite "${mount[@]}" -- "${guest[@]}" ;;
	esac
}

median() { sort -g | awk '{a[NR] = $1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

fmt() { # value unit
	awk -v v="$1" -v u="$2" 'BEGIN {
		if (u == "ns") { if (v < 10000) printf "%.1f ns", v; else if (v < 1e6) printf "%.2f us", v / 1e3; else printf "%.2f ms", v / 1e6 }
		else printf "%.2f ms", v / 1e6 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }

row() { # name unit target files...
	local name=$1 unit=$2 target=$3 n b r
	n=$(median <"$W/res.native")
	b=$(median <"$W/res.bento")
	r=$(median <"$W/res.norewrite")
	printf '| %-26s | %10s | %10s | %10s | %7s | %7s | %-22s |\n' "$name" \
		"$(fmt "$n" "$unit")" "$(fmt "$b" "$unit")" "$(fmt "$r" "$unit")" \
		"$(ratio "$b" "$n")" "$(ratio "$r" "$n")" "$target"
	echo "$name $n $b $r" >>"$W/summary"
}

header() {
	printf '\n%s\n\n' "$1"
	printf '| %-26s | %10s | %10s | %10s | %7s | %7s | %-22s |\n' benchmark native bento \
		"no-rewrite" "bento/n" "no-rw/n" "target (bento/native)"
	printf '|%s|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..28})" "$(printf -- '-%.0s' {1..12})" \
		"$(printf -- '-%.0s' {1..12})" "$(printf -- '-%.0s' {1..12})" "$(printf -- '-%.0s' {1..9})" \
		"$(printf -- '-%.0s' {1..9})" "$(printf -- '-%.0s' {1..24})"
}

# measure NAME UNIT TARGET PER-ROUND-COUNT HOST-ARGV... -- GUEST-ARGV...
# PER-ROUND-COUNT 0: the command prints ns/op itself (micro); N > 0: spawn
# runs it N times and each run's wall time is one sample. PRE, if set, is
# run (by the shell, untimed) before each native run.
measure() {
	local name=$1 unit=$2 target=$3 count=$4 mode round
	shift 4
	rm -f "$W"/res.*
	for round in $(seq "$RUNS"); do
		for mode in $MODES; do
			local argv=()
			mapfile -d '' argv < <(cmdline "$mode" "$@")
			[ "$mode" = native ] && [ -n "${PRE:-}" ] && eval "$PRE"
			local envp=()
			[ "$mode" = native ] && envp=(env "TMPDIR=$NT")
			if [ "$count" = 0 ]; then
				"${envp[@]}" "${argv[@]}" </dev/null >>"$W/res.$mode"
			else
				"${envp[@]}" "$W/spawn" "$count" "${argv[@]}" >>"$W/res.$mode"
			fi
		done
	done
	row "$name" "$unit" "$target"
}

echo "bento benchmark suite: $(date -u '+%Y-%m-%d %H:%M UTC'), git $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src include 2>/dev/null || echo '+local changes')"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$RUNS rounds, interleaved; each row: medians, ratios = median(bento) / median(native)"

# M CASE TARGET: one row of bench/micro.c.
M() { measure "$1" ns "$2" 0 "$D/micro" "$1" "$D/data" -- /b/micro "$1" /b/data; }

if [ -z "$ONLY" ] || [ "$ONLY" = micro ]; then
	header "micro (time per operation)"
	M getpid "< 30 ns, >= 20x native"
	M gettid "< 30 ns, >= 20x native"
	M clock_gettime "<= 1.10x (vDSO)"
	M sigprocmask "< 30 ns (own answer)"
	M futex_wake "< 30 ns (own answer)"
	M read_zero "< 30 ns (own answer)"
	M pread_4k "<= 1.10x"
	M pipe_rw "<= 1.10x"
	M open_close "<= 1.10x"
	M stat "<= 1.10x"
	M thread "<= 1.10x"
	M mmap_1m "<= 1.10x"
	g=$(awk '$1 == "getpid" {printf "%.1f", $2 / $3}' "$W/summary")
	echo
	echo "native getpid / bento getpid: ${g}x"
fi

if [ -z "$ONLY" ] || [ "$ONLY" = procs ]; then
	# Issue 3: processes. micro times them like the rows above; the
	# guest's /bin/true is the host's, through the default /usr mount.
	header "processes (time per operation)"
	M fork_exit "-"
	M fork_exec "<= 1.5x"
	M pipe_pingpong "-"
fi

if [ -z "$ONLY" ] || [ "$ONLY" = startup ]; then
	per=$(((STARTUP_N + RUNS - 1) / RUNS))
	header "start-up ($((per * RUNS)) runs per column)"
	NOMOUNT=1 measure "/bin/true (dynamic)" ms "<= 2x" "$per" /bin/true -- /bin/true
	NOMOUNT=1 measure "busybox true (static)" ms "<= 2x" "$per" /bin/busybox true -- /bin/busybox true
fi

if [ -z "$ONLY" ] || [ "$ONLY" = apps ]; then
	bench/inputs.sh "$D"

	header "applications (wall time per run)"
	measure "python3 -c pass" ms "<= 1.10x" 1 /usr/bin/python3 -c pass -- /usr/bin/python3 -c pass
	PRE='rm -f "$NT/native.db"' measure "sqlite3 50k inserts (/tmp)" ms "<= 1.10x" 1 \
		/usr/bin/sqlite3 "$NT/native.db" ".read $D/insert.sql" -- \
		/usr/bin/sqlite3 /tmp/bench.db ".read /b/insert.sql"
	measure "sha256sum 200 MB" ms "<= 1.10x" 1 /usr/bin/sha256sum "$D/big" -- /usr/bin/sha256sum /b/big
	measure "gcc -O2 -c (2,000 lines)" ms "<= 1.10x" 1 \
		/usr/bin/gcc -O2 -c "$D/gen.c" -o "$NT/gen.o" -- /usr/bin/gcc -O2 -c /b/gen.c -o /tmp/gen.o
fi
echo
echo "native: the program run directly; bento: bento run; no-rewrite: bento run --no-rewrite."
echo "native temporary files in $(dirname "$NT"); load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
