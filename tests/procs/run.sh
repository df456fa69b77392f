#!/usr/bin/env bash
# tests/procs/run.sh [BENTO]: no host process of a sandbox outlives it.
# Each case starts `BENTO run` with a guest that leaves processes behind
# (50 background sleepers, sleepers in their own sessions, a pid 1 that
# dies by a signal, a sandbox stopped by --timeout, a front end killed with
# SIGKILL) and then checks on the host, for up to 5 s, that no process
# whose command line carries the case's marker argument remains. The
# marker is an argument of the guest command, so it appears in the command
# line of every host process of that sandbox (bento-sandbox keeps its own
# command line across guest fork and exec).
# Leftovers are killed by pid at the end of a failing case.
# shellcheck disable=SC2016 # guest shell code is single-quoted on purpose
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/tests/lib.sh"

BENTO=${1:-$root/build/bento}
BENTO=$(t_abspath "$BENTO")
read -r -a opts <<<"${BENTO_OPTS:-}"
out_dir=$root/build/procs
mkdir -p "$out_dir"
BB=/bin/busybox
if [ ! -x "$BENTO" ]; then
	echo "run.sh: warning: $BENTO is not an executable; every case will fail" >&2
fi

# Host pids (other than ours) whose command line contains $1.
marked() {
	local f pid
	for f in /proc/[0-9]*/cmdline; do
		pid=${f#/proc/}
		pid=${pid%/cmdline}
		[ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] && continue
		if { tr '\0' ' ' <"$f"; } 2>/dev/null | grep -qF -- "$1"; then
			echo "$pid"
		fi
	done
}

# Waits up to 5 s for the marked processes to go; prints what is left.
leftovers() {
	local n=50 left
	while [ "$n" -gt 0 ]; do
		n=$((n - 1))
		left=$(marked "$1")
		[ -z "$left" ] && return
		sleep 0.1
	done
	echo "$left"
}

# finish NAME MARKER DIR REASON: checks for leftovers and reports.
finish() {
	local name=$1 marker=$2 d=$3 reason=$4 left pid
	left=$(leftovers "$marker")
	if [ -n "$left" ]; then
		reason="${reason:+$reason; }$(echo "$left" | wc -w) host process(es) left after 5 s"
		for pid in $left; do
			ps -o pid=,ppid=,stat=,args= -p "$pid" 2>/dev/null | cut -c1-160
		done >"$d/left"
		for pid in $left; do
			kill -9 "$pid" 2>/dev/null
		done
	fi
	if [ -z "$reason" ]; then
		t_pass "procs/$name"
	else
		t_fail "procs/$name" "$reason" "$d/left" "$d/err"
	fi
}

new_case() {
	CASE=$1
	MARK=bento-procs-$1-$$-$RANDOM
	D=$out_dir/$1
	rm -rf "$D"
	mkdir -p "$D"
}

# Runs the guest (with the marker as an extra argument) in the background
# of this script; sets PID_RUN to the front end's pid.
start() {
	"$BENTO" run "${opts[@]}" "$@" >"$D/out" 2>"$D/err" </dev/null &
	PID_RUN=$!
}

# Waits for the front end for at most $1 seconds; sets STATUS (124 if it
# had to be killed).
wait_run() {
	local n=$(($1 * 10))
	while [ "$n" -gt 0 ]; do
		n=$((n - 1))
		kill -0 "$PID_RUN" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$PID_RUN" 2>/dev/null; then
		kill -9 "$PID_RUN" 2>/dev/null
		wait "$PID_RUN" 2>/dev/null
		STATUS=124
	else
		wait "$PID_RUN"
		STATUS=$?
	fi
}

# 50 background sleepers; the shell (pid 1) exits at once.
new_case sleepers_50
start -- $BB sh -c 'for i in $(seq 50); do sleep 100 & done; exit 0' "$MARK"
wait_run 20
r=
[ "$STATUS" = 0 ] || r="bento run: status $(t_status_text "$STATUS"), want 0 at once"
finish "$CASE" "$MARK" "$D" "$r"

# The same with /usr/bin/sleep (exec'd programs) in their own sessions and
# process groups, ignoring SIGHUP and SIGTERM.
new_case sleepers_setsid
start -- /bin/sh -c 'trap "" HUP TERM; for i in 1 2 3 4 5 6 7 8 9 10; do setsid /usr/bin/sleep 100 & done; sleep 0.5; exit 3' "$MARK"
wait_run 20
r=
[ "$STATUS" = 3 ] || r="bento run: status $(t_status_text "$STATUS"), want 3"
finish "$CASE" "$MARK" "$D" "$r"

# Grandchildren whose parents exited (orphans reparented to pid 1), then
# pid 1 exits.
new_case orphans
start -- $BB sh -c 'for i in 1 2 3 4 5; do (sleep 100 & sleep 100 & exit 0) ; done; sleep 0.3; exit 0' "$MARK"
wait_run 20
r=
[ "$STATUS" = 0 ] || r="bento run: status $(t_status_text "$STATUS"), want 0"
finish "$CASE" "$MARK" "$D" "$r"

# pid 1 killed by a signal while children run.
new_case pid1_killed
start -- $BB sh -c 'for i in $(seq 10); do sleep 100 & done; kill -9 $$' "$MARK"
wait_run 20
r=
[ "$STATUS" = 137 ] || r="bento run: status $(t_status_text "$STATUS"), want 137"
finish "$CASE" "$MARK" "$D" "$r"

# --timeout ends a sandbox whose pid 1 waits for its children.
new_case timeout
start --timeout 1 -- $BB sh -c 'for i in $(seq 10); do sleep 100 & done; wait' "$MARK"
wait_run 20
r=
[ "$STATUS" = 124 ] || r="bento run: status $(t_status_text "$STATUS"), want 124"
finish "$CASE" "$MARK" "$D" "$r"

# The front end killed with SIGKILL (it cannot clean up itself).
new_case frontend_sigkill
start -- $BB sh -c 'for i in $(seq 10); do sleep 100 & done; wait' "$MARK"
sleep 1
kill -9 "$PID_RUN" 2>/dev/null
wait "$PID_RUN" 2>/dev/null
finish "$CASE" "$MARK" "$D" ""

# The front end killed with SIGTERM: forwarded; the sandbox ends. First a
# check of the test itself: while the sandbox runs, its processes (pid 1
# and 10 sleepers, at least) are visible by their marker.
new_case frontend_sigterm
start -- $BB sh -c 'for i in $(seq 10); do sleep 100 & done; wait' "$MARK"
sleep 1
seen=$(marked "$MARK" | wc -l)
kill -TERM "$PID_RUN" 2>/dev/null
wait_run 20
r=
[ "$seen" -ge 11 ] || r="only $seen marked host processes while the sandbox ran (want 11 or more): the test cannot see them"
[ "$STATUS" = 143 ] || r="${r:+$r; }bento run: status $(t_status_text "$STATUS"), want 143"
finish "$CASE" "$MARK" "$D" "$r"

t_summary
