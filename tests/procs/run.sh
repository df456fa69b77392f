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

# exit_case NAME WANT ARGS...: runs `bento run ARGS... MARKER`, expects the
# front end to exit with status WANT within 20 s, and nothing left.
exit_case() {
	local want=$2 r=
	new_case "$1"
	shift 2
	start "$@" "$MARK"
	wait_run 20
	[ "$STATUS" = "$want" ] || r="bento run: status $(t_status_text "$STATUS"), want $want"
	finish "$CASE" "$MARK" "$D" "$r"
}

# 50 background sleepers; the shell (pid 1) exits at once.
exit_case sleepers_50 0 -- $BB sh -c 'for i in $(seq 50); do sleep 100 & done; exit 0'

# The same with /usr/bin/sleep (exec'd programs) in their own sessions and
# process groups, ignoring SIGHUP and SIGTERM.
exit_case sleepers_setsid 3 -- /bin/sh -c 'trap "" HUP TERM; for i in 1 2 3 4 5 6 7 8 9 10; do setsid /usr/bin/sleep 100 & done; sleep 0.5; exit 3'

# Grandchildren whose parents exited (orphans reparented to pid 1), then
# pid 1 exits.
exit_case orphans 0 -- $BB sh -c 'for i in 1 2 3 4 5; do (sleep 100 & sleep 100 & exit 0) ; done; sleep 0.3; exit 0'

# pid 1 killed by a signal while children run.
exit_case pid1_killed 137 -- $BB sh -c 'for i in $(seq 10); do sleep 100 & done; kill -9 $$'

# --timeout ends a sandbox whose pid 1 waits for its children.
exit_case timeout 124 --timeout 1 -- $BB sh -c 'for i in $(seq 10); do sleep 100 & done; wait'

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

# The front end killed with SIGKILL leaves nothing of its tmpfs mounts on
# the host, and touches no other sandbox's: a sandbox A keeps running
# meanwhile, and its /tmp and /dev/shm must hold what it wrote. In each
# mode: the default (detached tmpfs instances: no host directory at any
# time), BENTO_NO_NAMESPACES=1 (no namespaces, as where the host refuses
# them: host directories, removed by the next bento) and BENTO_NO_TMPFS=1
# (namespaces but host directories, as on a kernel that refuses a
# detached tmpfs).
SHM=/dev/shm
[ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] || SHM=${TMPDIR:-/tmp}

# Host directories bento $1 made (bento-tmp-PID-START-XXXXXX).
scratch_of() { (cd "$SHM" && ls -d "bento-tmp-$1-"* 2>/dev/null); }

# Waits up to 10 s for file $1.
wait_file() {
	local n=100
	while [ "$n" -gt 0 ] && [ ! -e "$1" ]; do
		n=$((n - 1))
		sleep 0.1
	done
}

# scratch_guest: B's guest. Without namespaces, guest processes that B's
# pid 1 forked outlive a SIGKILLed front end (nothing kills them: no pid
# namespace), so there B is a single process, which dies with it.
scratch_guest() {
	if [ "$1" = nons ]; then
		echo 'echo b >/tmp/f && echo b >/dev/shm/f && touch /x/ready && exec sleep 100'
	else
		echo 'echo b >/tmp/f && echo b >/dev/shm/f &&
			for i in 1 2 3; do sleep 100 & done; touch /x/ready; wait'
	fi
}

# start_b MODE GUEST: starts sandbox B (marker $MARK-b) with GUEST; sets
# PID_RUN; returns once B is ready.
start_b() {
	env "${env[@]}" "$BENTO" run "${opts[@]}" --mount "$D/b:/x:rw" -- \
		$BB sh -c "$2" "$MARK-b" >"$D/out" 2>"$D/err" </dev/null &
	PID_RUN=$!
	wait_file "$D/b/ready"
}

for mode in tmpfs nons notmpfs; do
	case $mode in
	tmpfs) env=() ;;
	nons) env=(BENTO_NO_NAMESPACES=1) ;;
	notmpfs) env=(BENTO_NO_TMPFS=1) ;;
	esac
	new_case scratch_sigkill_$mode
	mkdir -p "$D/a" "$D/b"
	chmod 777 "$D/a" "$D/b"
	r=
	# A: writes its /tmp and /dev/shm, waits for "go", reports them.
	env "${env[@]}" "$BENTO" run "${opts[@]}" --mount "$D/a:/x:rw" -- \
		$BB sh -c 'echo keep-a >/tmp/f && echo keep-a >/dev/shm/f &&
			touch /x/ready; while [ ! -e /x/go ]; do sleep 0.1; done
			cat /tmp/f /dev/shm/f >/x/result' "$MARK-a" \
		>"$D/out-a" 2>"$D/err-a" </dev/null &
	pid_a=$!
	wait_file "$D/a/ready"
	start_b $mode "$(scratch_guest $mode)"
	[ -e "$D/b/ready" ] || r="sandbox B did not start"
	made=$(scratch_of "$PID_RUN" | wc -l)
	case $mode in
	tmpfs) [ "$made" = 0 ] || r="${r:+$r; }$made host directories while B ran, want none" ;;
	*) [ "$made" = 2 ] || r="${r:+$r; }$made host directories while B ran, want 2 (the test cannot see them)" ;;
	esac
	kill -9 "$PID_RUN" 2>/dev/null
	wait "$PID_RUN" 2>/dev/null
	[ -z "$(leftovers "$MARK-b")" ] || r="${r:+$r; }B's processes outlived it"
	# The next bento (C) removes what a SIGKILLed one left.
	[ "$mode" = tmpfs ] || env "${env[@]}" "$BENTO" run "${opts[@]}" -- /bin/true
	stale=$(scratch_of "$PID_RUN")
	[ -z "$stale" ] || r="${r:+$r; }left on the host: $stale"
	touch "$D/a/go"
	wait "$pid_a"
	st=$?
	got=$(tr '\n' ' ' <"$D/a/result" 2>/dev/null)
	[ "$st" = 0 ] && [ "$got" = "keep-a keep-a " ] ||
		r="${r:+$r; }sandbox A: status $st, its /tmp and /dev/shm held [$got], want [keep-a keep-a ]"
	stale=$(scratch_of "$pid_a")
	[ -z "$stale" ] || r="${r:+$r; }A's directories stayed: $stale"
	finish "$CASE" "$MARK" "$D" "$r"
done

# Without namespaces, processes of a SIGKILLed front end's sandbox that
# live on (forked ones: see scratch_guest) keep their /tmp: the next bento
# leaves it while they hold it, and removes it once they are gone.
env=(BENTO_NO_NAMESPACES=1)
new_case scratch_held_nons
mkdir -p "$D/b"
chmod 777 "$D/b"
r=
start_b nons "$(scratch_guest tmpfs)"
kill -9 "$PID_RUN" 2>/dev/null
wait "$PID_RUN" 2>/dev/null
sleep 0.3
orphans=$(marked "$MARK-b")
"$BENTO" run "${opts[@]}" -- /bin/true
kept=$(scratch_of "$PID_RUN" | wc -l)
if [ -z "$orphans" ]; then
	r="no process of B outlived it: the case tests nothing"
elif [ "$kept" != 2 ]; then
	r="$kept of B's 2 directories kept while its processes ran"
fi
for pid in $orphans; do kill -9 "$pid" 2>/dev/null; done
[ -z "$(leftovers "$MARK-b")" ] || r="${r:+$r; }B's processes would not die"
"$BENTO" run "${opts[@]}" -- /bin/true
stale=$(scratch_of "$PID_RUN")
[ -z "$stale" ] || r="${r:+$r; }left after B's processes were gone: $stale"
finish "$CASE" "$MARK" "$D" "$r"

t_summary
