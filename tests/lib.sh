# tests/lib.sh: shared helpers for the comparison test runners
# (tests/guest/run.sh, tests/apps/run.sh). Source it; it defines t_* and T_*.
# shellcheck shell=bash disable=SC2034 # T_* are used by the sourcing scripts
#
# Result lines are "PASS SUITE/NAME" or "FAIL SUITE/NAME: REASON" followed by
# indented detail lines; t_summary prints "N passed, M failed".

T_PASSED=0
T_FAILED=0
T_TIMEOUT=${T_TIMEOUT:-30}
T_ENV=(env -i PATH=/usr/bin:/bin HOME=/tmp LANG=C)

t_pass() {
	echo "PASS $1"
	T_PASSED=$((T_PASSED + 1))
}

# t_fail NAME REASON [DETAIL_FILE...]: the first 20 lines of each detail
# file are shown indented by four spaces.
t_fail() {
	local name=$1 reason=$2 f
	shift 2
	echo "FAIL $name: $reason"
	for f in "$@"; do
		[ -s "$f" ] && head -n 20 "$f" | sed 's/^/    /'
	done
	T_FAILED=$((T_FAILED + 1))
}

# Prints the summary line; returns 0 iff nothing failed.
t_summary() {
	echo "$T_PASSED passed, $T_FAILED failed"
	[ "$T_FAILED" -eq 0 ]
}

# "143 (signal 15)" for statuses that mean a death by signal.
t_status_text() {
	local s=$1
	case $s in
	124) echo "124 (timed out after ${T_TIMEOUT}s)" ;;
	12[89] | 1[3-9][0-9]) echo "$s (signal $((s - 128)))" ;;
	*) echo "$s" ;;
	esac
}

# t_exec OUT ERR IN -- CMD...: runs CMD with stdin from IN, stdout through a
# pipe into OUT (so /dev/stdout reopens work as on a terminal-less run),
# stderr into ERR, under a timeout and without core dumps. Sets T_STATUS;
# a death by signal N is 128+N whether it happened to CMD or to timeout.
t_exec() {
	local out=$1 err=$2 in=$3
	shift 4
	(
		ulimit -c 0
		# The reader has its own timeout in case something left behind
		# keeps the pipe open after CMD ends.
		timeout -k 5 "$T_TIMEOUT" "$@" <"$in" 2>"$err" | timeout $((T_TIMEOUT + 10)) cat >"$out"
		exit "${PIPESTATUS[0]}"
	)
	T_STATUS=$?
}

# t_compare NAME DIR: compares DIR/native.{out,status} with
# DIR/bento.{out,status}; reports PASS or FAIL with a diff and the tail of
# bento's stderr.
t_compare() {
	local name=$1 d=$2 ns bs
	ns=$(cat "$d/native.status")
	bs=$(cat "$d/bento.status")
	if [ "$ns" = 124 ]; then
		t_fail "$name" "native run timed out" "$d/native.err"
		return
	fi
	local reason=
	[ "$ns" = "$bs" ] || reason="status $(t_status_text "$bs"), native $(t_status_text "$ns")"
	cmp -s "$d/native.out" "$d/bento.out" || reason="${reason:+$reason; }stdout differs"
	if [ -z "$reason" ]; then
		t_pass "$name"
		return
	fi
	diff -u --label native --label bento "$d/native.out" "$d/bento.out" >"$d/diff" 2>&1
	{
		echo "--- bento stderr (last 5 lines):"
		tail -n 5 "$d/bento.err"
	} >"$d/errtail"
	[ -s "$d/bento.err" ] || : >"$d/errtail"
	t_fail "$name" "$reason" "$d/diff" "$d/errtail"
}

# Makes a path absolute relative to the current directory (bare command
# names without a slash are left for PATH lookup).
t_abspath() {
	case $1 in
	/*) echo "$1" ;;
	*/*) echo "$PWD/$1" ;;
	*) echo "$1" ;;
	esac
}
