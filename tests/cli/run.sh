#!/bin/bash
# tests/cli/run.sh [BENTO] — tests of the front end (default build/bento).
#
# None of them needs a working bento-sandbox: the sandbox argv is checked
# with BENTO_PRINT_ARGV=1, the supervisor and the confinement with a fake
# sandbox (tests/cli/fake_sandbox.c, via BENTO_SANDBOX), and the Landlock
# policy natively with tests/cli/landlock_probe.c. When run as root, the
# main cases are repeated as an unprivileged user (setpriv, uid 65534).
#
# Prints "PASS cli/NAME" or "FAIL cli/NAME: reason" per case ("SKIP ..." for
# what this host cannot test) and "N passed, M failed"; exits 0 iff none
# failed.
set -u
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENTO=$(readlink -f "${1:-$ROOT/build/bento}")
CC=${CC:-cc}
HELPERS=$ROOT/build/tests/cli
FAKE=$HELPERS/fake-sandbox
PROBE=$HELPERS/landlock_probe
WORK=$(mktemp -d /tmp/bento-cli-test.XXXXXX)
chmod 755 "$WORK"	# the unprivileged cases use it too
TAG=bentoclitest$$
passed=0 failed=0

cleanup() {
	[ "$BASHPID" = $$ ] || return	# only the main shell, never a subshell
	pkill -KILL -f "$TAG" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

pass() { echo "PASS cli/$1"; passed=$((passed + 1)); }
fail() { echo "FAIL cli/$1: $2"; failed=$((failed + 1)); }
skip() { echo "SKIP cli/$1: $2"; }

# check NAME WANT GOT: passes when the two strings are equal.
check() {
	if [ "$2" == "$3" ]; then pass "$1"; else fail "$1" "want [$2], got [$3]"; fi
}

# run_status CMD...: runs CMD with output discarded, echoes its status.
run_status() { "$@" >/dev/null 2>&1; echo $?; }

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	ASUSER=(setpriv --reuid=65534 --regid=65534 --clear-groups)
else
	ASUSER=()
fi

build_helpers() {
	mkdir -p "$HELPERS" || return 1
	$CC -std=c11 -Wall -Wextra -Werror -O2 -static \
		"$ROOT/tests/cli/fake_sandbox.c" -o "$FAKE" || return 1
	$CC -std=c11 -Wall -Wextra -Werror -O2 -I"$ROOT/include" -I"$ROOT/src" \
		-D_GNU_SOURCE "$ROOT/tests/cli/landlock_probe.c" \
		"$ROOT/src/cli/landlock.c" "$ROOT/src/cli/policy.c" \
		"$ROOT/src/cli/scratch.c" "$ROOT/src/cli/proc.c" -o "$PROBE"
}

# --- command line ----------------------------------------------------------

# usage_error NAME ARGS...: bento ARGS must exit 2 with one stderr line.
usage_error() {
	local name=$1 err status
	shift
	err=$("$BENTO" "$@" 2>&1 >/dev/null)
	status=$?
	if [ $status != 2 ]; then
		fail "$name" "status $status, want 2"
	elif [ "$(printf '%s\n' "$err" | wc -l)" != 1 ] || [[ $err != bento:* ]]; then
		fail "$name" "want one 'bento: ...' line, got [$err]"
	else
		pass "$name"
	fi
}

test_command_line() {
	local out
	out=$("$BENTO" --help); check help "0 yes" "$? $([[ $out == *usage* ]] && echo yes)"
	out=$("$BENTO" run --help)
	check run-help "0 yes" "$? $([[ $out == *--mount* ]] && echo yes)"
	check unknown-option-message "bento: unknown option '--x'" \
		"$("$BENTO" run --x true 2>&1)"
	usage_error unknown-option run --x true
	usage_error unknown-command frobnicate
	check no-command 2 "$(run_status "$BENTO")"
	usage_error mount-missing-colon run --mount /etc true
	usage_error mount-relative-guest run --mount /etc:etc true
	usage_error mount-dotdot-guest run --mount /etc:/a/../b true
	usage_error mount-missing-host run --mount /nonexistent-$TAG:/x true
	usage_error mount-bad-mode run --mount /etc:/x:rx true
	usage_error mount-empty-host run --mount :/x true
	usage_error missing-program run
	usage_error missing-program-after-options run --trace --cwd /
	usage_error missing-value run --mount
	usage_error flag-with-value run --trace=1 true
	usage_error bad-net run --net wifi true
	usage_error bad-timeout run --timeout soon true
	usage_error negative-timeout run --timeout -1 true
	usage_error bad-env run --env NOEQUALS true
	usage_error relative-cwd run --cwd tmp true
	usage_error root-not-dir run --root /etc/passwd true
	BENTO_SANDBOX=/nonexistent-$TAG "$BENTO" run true 2>/dev/null
	check missing-sandbox 125 $?
}

# --- the sandbox argv -------------------------------------------------------

# argv ARGS...: the sandbox argv for `bento run ARGS` on one line, with
# descriptor numbers as FD.
argv() {
	BENTO_PRINT_ARGV=1 BENTO_SANDBOX=SB "${RUN_AS[@]}" "$BENTO" run "$@" |
		sed -E 's/^[0-9]+:/FD:/' | tr '\n' ' ' | sed 's/ $//'
}

# The default system part of the argv, as this host's directories are.
system_entries() {
	local d
	for d in /usr /bin /sbin /lib /lib64 /lib32 /libx32 /etc; do
		if [ -L $d ]; then
			printf ' --symlink %s:%s' $d "$(readlink $d)"
		elif [ -d $d ]; then
			printf ' --mount FD:%s:ro' $d
		fi
	done
}

system_hides() {
	local h
	printf ' --hide %s' /etc/shadow /etc/shadow- /etc/gshadow /etc/gshadow- \
		/etc/ssl/private
	for h in /etc/ssh/ssh_host_*_key; do
		[ -e "$h" ] && printf ' --hide %s' "$h"
	done
}

# The --net the sandbox should be told under BENTO's confinement.
private_net() {
	if "${RUN_AS[@]}" unshare -U -n true 2>/dev/null ||
	   "${RUN_AS[@]}" unshare -n true 2>/dev/null; then
		echo loopback
	else
		echo none
	fi
}

test_argv() {
	local p=$1 net sys hides dir=$WORK/root
	net=$(private_net) sys=$(system_entries) hides=$(system_hides)
	mkdir -p "$dir"
	check "${p}argv-default" "SB --net $net --cwd /$sys --mount FD:/tmp:rw --mount FD:/dev/shm:rw$hides -- ls -l /" \
		"$(argv ls -l /)"
	check "${p}argv-dashdash" "SB --net $net --cwd /$sys --mount FD:/tmp:rw --mount FD:/dev/shm:rw$hides -- --help x" \
		"$(argv -- --help x)"
	check "${p}argv-user-entries" \
		"SB --net $net --cwd /home$sys --mount FD:/tmp:rw --mount FD:/dev/shm:rw --mount FD:/home:rw --mount FD:/var/tmp:rw --mount FD:/data:ro$hides -- p" \
		"$(argv --mount /etc:/home:rw --tmpfs /var/tmp/ --mount=/usr:/data:ro --cwd //home/. p)"
	check "${p}argv-flags" \
		"SB --trace --no-rewrite --net host --cwd /$sys --mount FD:/tmp:rw --mount FD:/dev/shm:rw$hides -- p" \
		"$(argv --no-rewrite --net host --trace p)"
	check "${p}argv-root" \
		"SB --net $net --cwd / --mount FD:/:ro --mount FD:/tmp:rw --mount FD:/dev/shm:rw --mount FD:/etc/hostname:ro -- p" \
		"$(argv --root "$dir" --mount /etc/hostname:/etc/hostname p)"
	check "${p}argv-root-rw" "SB --net $net --cwd / --mount FD:/:rw --mount FD:/tmp:rw --mount FD:/dev/shm:rw -- p" \
		"$(argv --root "$dir:rw" p)"
	# A later entry at the same path replaces the earlier one.
	check "${p}argv-replace" \
		"SB --net $net --cwd /${sys/ --mount FD:\/etc:ro/} --mount FD:/dev/shm:rw --mount FD:/tmp:rw --mount FD:/etc:rw$hides -- p" \
		"$(argv --tmpfs /tmp --mount /etc:/etc:rw p)"
	# Mounting something exactly at a hidden path un-hides it.
	check "${p}argv-unhide" \
		"SB --net $net --cwd /$sys --mount FD:/tmp:rw --mount FD:/dev/shm:rw --mount FD:/etc/shadow:ro${hides/ --hide \/etc\/shadow / } -- p" \
		"$(argv --mount /etc/hostname:/etc/shadow p)"
	check "${p}argv-no-namespaces" "SB --net none --cwd /$sys --mount FD:/tmp:rw --mount FD:/dev/shm:rw$hides -- p" \
		"$(BENTO_NO_NAMESPACES=1 argv p)"
	check "${p}argv-sandbox-path" "$(dirname "$BENTO")/bento-sandbox" \
		"$(BENTO_PRINT_ARGV=1 "${RUN_AS[@]}" "$BENTO" run p | head -1)"
}

# --- Landlock, natively ----------------------------------------------------

# make_probe_tree DIR: the files landlock_probe expects.
make_probe_tree() {
	mkdir -p "$1"/rw "$1"/ro/secret "$1"/ro/secretdir "$1"/ro/covered \
		"$1"/rwh/locked "$1"/rwh/work
	echo plain >"$1"/ro/plain
	echo key >"$1"/ro/secret/key
	echo other >"$1"/ro/secret/other
	echo file >"$1"/ro/secretdir/file
	echo file >"$1"/ro/covered/file
	echo hidden >"$1"/rwh/locked/hidden
	echo other >"$1"/rwh/locked/other
	chmod 755 "$1"
}

# probe PREFIX [cover] [tmpfs]: runs landlock_probe, one PASS/FAIL per check.
probe() {
	local p=$1 tree=$WORK/probe-$1${2:-}${3:-} out status line
	shift
	make_probe_tree "$tree"
	[ ${#RUN_AS[@]} -gt 0 ] && chown -R 65534:65534 "$tree"/*
	out=$("${RUN_AS[@]}" "$PROBE" "$tree/rw" "$tree/ro" "$tree/rwh" "$@" 2>&1)
	status=$?
	if [ $status = 2 ]; then
		fail "${p}landlock-probe" "could not run: $out"
		return
	fi
	while IFS= read -r line; do
		case $line in
		"ok "*) pass "${p}landlock/${line#ok }" ;;
		"not ok "*) line=${line#not ok }
			fail "${p}landlock/${line%%:*}" "${line#*: }" ;;
		"skip "*) line=${line#skip }
			skip "${p}landlock/${line%%:*}" "${line#*: }" ;;
		esac
	done <<<"$out"
}

# own_namespaces: true when bento's user gets a mount namespace (through a
# user namespace unless root), as the detached tmpfs mounts need.
own_namespaces() {
	"${RUN_AS[@]}" unshare -U -m true 2>/dev/null ||
		{ [ "$("${RUN_AS[@]}" id -u)" = 0 ] && unshare -m true 2>/dev/null; }
}

# probe_tmpfs PREFIX: the probe with /tmp a detached tmpfs.
probe_tmpfs() {
	if own_namespaces; then
		probe "$1tmpfs-" tmpfs
	else
		skip "$1tmpfs-landlock" "no user and mount namespace here"
	fi
}

# --- the supervisor and the confinement, with the fake sandbox -------------

# fake ARGS...: bento run ARGS with the fake sandbox.
fake() { BENTO_SANDBOX=$FAKE "${RUN_AS[@]}" "$BENTO" run "$@"; }

# left TAG: the processes still running with TAG in their command line.
left() { pgrep -f "$1" | tr '\n' ' '; }

# wait_ready FILE: waits (up to 5 s) until the fake printed "ready".
wait_ready() {
	for _ in $(seq 50); do
		grep -q ready "$1" 2>/dev/null && return
		sleep 0.1
	done
}

# relay NAME SIGNAL WANT [ENV]: sends SIGNAL to bento; the fake's status.
relay() {
	local out=$WORK/relay-$1 pid status
	(exec env ${4:-} BENTO_SANDBOX="$FAKE" "${RUN_AS[@]}" "$BENTO" run \
		trap >"$out") &
	pid=$!
	wait_ready "$out"
	kill -"$2" $pid
	wait $pid
	status=$?
	check "$1" "$3" $status
}

test_supervisor() {
	local p=$1 ns tag t0 t1 out pid
	for ns in 0 1; do
		local q=$p
		[ $ns = 1 ] && q=${p}nons-
		export BENTO_NO_NAMESPACES=$ns
		check "${q}status-7" 7 "$(run_status fake exit 7)"
		check "${q}status-0" 0 "$(run_status fake exit 0)"
		check "${q}killed-by-sigterm" 143 "$(run_status fake term)"
		check "${q}killed-by-sigsegv" 139 "$(run_status fake segv)"
		tag=${TAG}t$ns
		t0=$(date +%s%N)
		check "${q}timeout-status" 124 "$(run_status fake --timeout 1 sleep 30 "$tag")"
		t1=$(date +%s%N)
		check "${q}timeout-duration" yes \
			"$([ $(((t1 - t0) / 1000000)) -lt 3000 ] && echo yes)"
		check "${q}timeout-nothing-left" "" "$(left "$tag")"
		tag=${TAG}o$ns
		check "${q}orphan-status" 0 "$(run_status fake orphan 30 "$tag")"
		sleep 0.2
		check "${q}orphan-killed" "" "$(left "$tag")"
		relay "${q}relay-sigterm" TERM 42 BENTO_NO_NAMESPACES=$ns
		relay "${q}relay-sigusr1" USR1 43 BENTO_NO_NAMESPACES=$ns
		# A name of its own: the redirection below happens in the
		# background, and wait_ready must not find an earlier run's "ready".
		out=$WORK/${q}int
		# $! must be bento itself, not a subshell: hence the exec.
		(exec env BENTO_SANDBOX="$FAKE" "${RUN_AS[@]}" "$BENTO" run \
			count-int >"$out") &
		pid=$!
		wait_ready "$out"
		kill -INT $pid
		wait $pid
		check "${q}relay-sigint-once" "sigint=1" "$(tail -1 "$out")"
		tag=${TAG}k$ns
		(exec env BENTO_DEBUG=1 BENTO_SANDBOX="$FAKE" "${RUN_AS[@]}" \
			"$BENTO" run sleep 30 "$tag" 2>"$WORK/k$ns.err") &
		pid=$!
		sleep 0.5
		kill -KILL $pid
		wait $pid 2>/dev/null
		sleep 0.3
		check "${q}dies-with-supervisor" "" "$(left "$tag")"
		# What the SIGKILLed bento could not remove, the next one does.
		run_status fake exit 0 >/dev/null
		check "${q}sigkill-scratch-gone" "" "$(scratch_of $pid)"
	done
	unset BENTO_NO_NAMESPACES
	test_ctrl_c "$p"
}

# Ctrl-C on a terminal reaches bento, its relays and the sandbox alike (one
# process group): the sandbox must see it once, not once per relay.
test_ctrl_c() {
	local p=$1 ns got
	if ! command -v python3 >/dev/null; then
		skip "${p}ctrl-c-once" "no python3 for a pseudo-terminal"
		return
	fi
	for ns in 0 1; do
		got=$(BENTO_NO_NAMESPACES=$ns BENTO_SANDBOX=$FAKE python3 - \
			"${RUN_AS[@]}" "$BENTO" run count-int <<-'EOF'
		import os, pty, select, sys, time
		pid, fd = pty.fork()
		if pid == 0:
		    os.execvp(sys.argv[1], sys.argv[1:])
		buf = b""
		def until(token, seconds):
		    global buf
		    end = time.time() + seconds
		    while token not in buf and time.time() < end:
		        if select.select([fd], [], [], 0.1)[0]:
		            try:
		                buf += os.read(fd, 1024)
		            except OSError:
		                break
		until(b"ready", 10)
		os.write(fd, b"\x03")
		until(b"sigint=", 10)
		until(b"\n", 2)
		os.waitpid(pid, 0)
		out = buf.decode(errors="replace")
		print(out[out.find("sigint="):].strip())
		EOF
		)
		check "${p}ctrl-c-once$([ $ns = 1 ] && echo -nons)" "sigint=1" "$got"
	done
}

# fake_env NAME=VALUE ARGS...: fake with one more variable set.
fake_env() { local e=$1; shift; env "$e" BENTO_SANDBOX="$FAKE" "${RUN_AS[@]}" "$BENTO" run "$@"; }

# host_paths PREFIX ENV SHUT PASSWD: host paths by name. Without namespaces
# Landlock alone shuts them (SHUT EACCES) and lets a granted file open
# (PASSWD ok); in the mount namespace the sandbox runs in an empty root,
# where no host path resolves (ENOENT), granted or not. A single-file
# mount reads either way (reopened through /proc, or opened already).
host_paths() {
	local p=$1 e=$2 shut=$3
	check "${p}confined-shadow" "/etc/shadow $shut" "$(fake_env "$e" open /etc/shadow)"
	check "${p}confined-passwd" "/etc/passwd $4" "$(fake_env "$e" open /etc/passwd)"
	check "${p}confined-root" "/root $shut" "$(fake_env "$e" open /root)"
	check "${p}confined-exec" "exec $shut" "$(fake_env "$e" exec /bin/true)"
	check "${p}confined-host-proc-dev" "/proc/self/maps $shut /dev/urandom $shut" \
		"$(fake_env "$e" open /proc/self/maps /dev/urandom | tr '\n' ' ' | sed 's/ $//')"
	check "${p}file-mount-reopen" "$(head -1 /etc/hostname)" \
		"$(fake_env "$e" --mount /etc/hostname:/h readat /h .)"
}

test_confined() {
	local p=$1 uid fds mounts
	if own_namespaces; then
		host_paths "$p" BENTO_NO_NAMESPACES=0 ENOENT ENOENT
	else
		skip "${p}confined-empty-root" "no user and mount namespace here"
	fi
	host_paths "${p}nons-" BENTO_NO_NAMESPACES=1 EACCES ok
	check "${p}confined-memfd" "memfd ok" "$(fake memfd)"
	# Host files the way bento-sandbox reaches them: beneath a mount's fd.
	check "${p}mount-openat2" "$(head -1 /etc/passwd)" "$(fake readat /etc passwd)"
	check "${p}mount-openat2-hidden" EACCES "$(fake readat /etc shadow)"
	# A rw mount is a detached clone in the namespaces: Landlock's rules,
	# added on the supervisor's descriptor, hold on it (granted files
	# read, hidden ones not, writes work), and ".." of it is itself.
	check "${p}rw-mount-readable" "$(head -1 /etc/passwd)" \
		"$(fake --mount /etc:/etc:rw readat /etc passwd)"
	check "${p}rw-mount-hidden" EACCES "$(fake --mount /etc:/etc:rw readat /etc shadow)"
	mkdir -p "$WORK/rw-$p"
	[ ${#RUN_AS[@]} -gt 0 ] && chown 65534:65534 "$WORK/rw-$p"
	out=$(fake --mount "$WORK/rw-$p:/w:rw" tmp /w exit "$WORK/rw-$p")
	check "${p}rw-mount-writable" "planted" "$(grep -x planted <<<"$out")"
	if own_namespaces; then
		check "${p}rw-mount-climb" "dotdot self" "$(grep ^dotdot <<<"$out")"
	fi
	check "${p}nons-rw-mount-climb" "dotdot other" \
		"$(BENTO_NO_NAMESPACES=1 fake --mount "$WORK/rw-$p:/w:rw" tmp /w exit | grep ^dotdot)"
	check "${p}covered-hidden-file" EACCES \
		"$(fake --mount /etc/hostname:/etc/shadow readat /etc shadow)"
	# --root /: the sandbox serves /dev, /proc and /tmp; the host's stay shut.
	check "${p}root-readable" "$(head -1 /etc/hostname)" \
		"$(fake --root / readat / etc/hostname)"
	check "${p}root-host-dev" EACCES "$(fake --root / readat / dev/zero)"
	check "${p}root-host-proc" EACCES "$(fake --root / readat / proc/version)"
	echo visible >"$WORK/tmpfile"
	chmod 644 "$WORK/tmpfile"
	check "${p}root-host-tmp" EACCES "$(fake --root / readat / "${WORK#/}/tmpfile")"
	uid=$("${RUN_AS[@]}" id -u)
	if "${RUN_AS[@]}" unshare -U -p -f true 2>/dev/null || [ "$uid" = 0 ]; then
		check "${p}pid-1" "pid=1 uid=$uid" "$(fake id | cut -d' ' -f1-2)"
	else
		skip "${p}pid-1" "no pid namespace for this user"
	fi
	check "${p}nons-ids" "uid=$uid" "$(BENTO_NO_NAMESPACES=1 fake id | cut -d' ' -f2)"
	# A descriptor bento's caller leaked must not reach the sandbox.
	out=$(fake fds 7</etc/hostname)
	fds=$(sed -n 's/^fds //p' <<<"$out")
	mounts=$(sed -n 's/^mounts //p' <<<"$out")
	check "${p}fds-only-mounts" "0 1 2 $mounts" "$fds"
	# bento-sandbox found next to bento, and an empty environment passed on.
	mkdir -p "$WORK/bin"
	cp "$BENTO" "$WORK/bin/bento" && cp "$FAKE" "$WORK/bin/bento-sandbox"
	check "${p}sandbox-next-to-bento" "pid" \
		"$(env -i "${RUN_AS[@]}" "$WORK/bin/bento" run id | cut -c1-3)"
	check "${p}env-empty" "0:" \
		"$(out=$(env -i "${RUN_AS[@]}" "$WORK/bin/bento" run env); echo "$?:$out")"
	check "${p}env" "$(printf 'PATH=/usr/bin:/bin\nHOME=/g\nBENTO_SANDBOX=%s\nNEW=a=b' "$FAKE")" \
		"$(env -i PATH=/usr/bin:/bin HOME=/h BENTO_SANDBOX=$FAKE \
			"${RUN_AS[@]}" "$BENTO" run --env HOME=/g --env NEW=a=b env)"
}

# --- tmpfs scratch directories ----------------------------------------------

# make_victims: a file and a directory that the links the fake plants in its
# tmpfs point to; the clean-up must leave them alone. Owned by whoever runs
# bento, so that a clean-up that followed a link could really remove them.
make_victims() {
	VICTIM=$WORK/victim
	mkdir -p "$VICTIM/dir"
	echo keep >"$VICTIM/file"
	echo keep >"$VICTIM/dir/file"
	[ ${#RUN_AS[@]} -gt 0 ] && chown -R 65534:65534 "$VICTIM"
}

# The base directory of bento's host directories (scratch.h).
SHM=/dev/shm
[ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] || SHM=${TMPDIR:-/tmp}

# scratch_of PID: the host directories bento PID made, in $SHM.
scratch_of() { (cd "$SHM" && ls -d "bento-tmp-$1-"* 2>/dev/null); }

# scratch_run NAME WANT HOW ARGS...: runs `bento run ARGS victims` with
# the fake in the background (ARGS end in "tmp /tmp ACTION"), waits until
# it has filled its tmpfs; with HOW "-" checks nothing more while it runs,
# with "wait" checks that the tmpfs is there, with a signal name also
# sends that to bento. Then checks bento's status (WANT), that no host
# directory of it remains and that the victims are intact. $KIND says what
# the tmpfs must be: "tmpfs" (a detached tmpfs: no host directory at any
# time) or "dir" (a host directory, BASE/bento-tmp-PID-START-XXXXXX/fs);
# $CLIMB what ".." of its descriptor is: "self" or "other".
scratch_run() {
	local name=$1 want=$2 how=$3 out=$WORK/$1.out pid status dir top
	shift 3
	rm -f "$out"
	(exec env BENTO_DEBUG=1 BENTO_SANDBOX="$FAKE" "${RUN_AS[@]}" "$BENTO" run "$@" \
		"$VICTIM/file" "$VICTIM/dir" >"$out" 2>&1) &
	pid=$!
	wait_ready "$out"
	# From bento: in its empty root the fake has no /proc to tell.
	dir=$(sed -n 's/^bento: tmpfs \/tmp: //p' "$out")
	top=${dir%/fs}
	# ".." of the mount's descriptor is itself when the mount is a detached
	# tmpfs or a detached clone of the host directory (namespaces).
	check "$name-climb" "dotdot $CLIMB" "$(grep ^dotdot "$out")"
	if [ "$KIND" = tmpfs ]; then
		check "$name-detached" "tmpfs none" \
			"$(sed -n 's/^fstype //p' "$out") $(scratch_of $pid | wc -l | sed 's/^0$/none/')"
	elif [[ $top != "$SHM"/bento-tmp-$pid-*-?????? ]]; then
		kill -KILL $pid 2>/dev/null
		wait $pid 2>/dev/null
		fail "$name" "no scratch directory: $(tr '\n' ' ' <"$out")"
		return
	fi
	check "$name-planted" planted "$(grep -x planted "$out")"
	if [ "$how" != - ] && [ "$KIND" = dir ]; then
		check "$name-exists" "yes 700" \
			"$([ -d "$dir" ] && echo yes) $(stat -c %a "$top")"
	fi
	case $how in -|wait) ;; *) kill -"$how" $pid ;; esac
	wait $pid
	status=$?
	check "$name-status" "$want" $status
	check "$name-removed" "" "$(scratch_of $pid)"
	check "$name-links-not-followed" "keep keep" \
		"$(cat "$VICTIM/file" "$VICTIM/dir/file" 2>&1 | tr '\n' ' ' | sed 's/ $//')"
}

# scratch_modes PREFIX: the modes of the tmpfs mounts this host offers
# bento's user, as "PREFIX ENV KIND" lines: a detached tmpfs in its own
# namespaces (when it gets them), host directories without namespaces
# (BENTO_NO_NAMESPACES) and host directories in namespaces (BENTO_NO_TMPFS).
# An empty PREFIX is written ".", which read would otherwise lose.
scratch_modes() {
	if own_namespaces; then
		echo "${1:-.} - tmpfs"
		echo "$1notmpfs- BENTO_NO_TMPFS=1 dir"
	else
		echo "${1:-.} - dir"
	fi
	echo "$1nons- BENTO_NO_NAMESPACES=1 dir"
}

test_scratch() {
	local p=$1 q envs err path
	make_victims
	while read -r q envs KIND; do
		[ "$q" = . ] && q=
		CLIMB=self
		{ [ "$envs" = BENTO_NO_NAMESPACES=1 ] || ! own_namespaces; } && CLIMB=other
		[ "$envs" = - ] && envs=
		# shellcheck disable=SC2163 # NAME=VALUE, not a name
		[ -n "$envs" ] && export "$envs"
		scratch_run "${q}scratch-exit" 0 - tmp /tmp exit
		scratch_run "${q}scratch-guest-killed" 139 - tmp /tmp segv
		scratch_run "${q}scratch-timeout" 124 wait --timeout 2 tmp /tmp sleep
		scratch_run "${q}scratch-bento-sigterm" 42 TERM tmp /tmp trap
		scratch_run "${q}scratch-bento-sigint" 42 INT tmp /tmp trap
		scratch_run "${q}scratch-bento-sighup" 42 HUP tmp /tmp trap
		check "${q}scratch-mode-tmp" "mode 1777" "$(fake tmp /tmp exit | grep ^mode)"
		check "${q}scratch-mode-other" "mode 755" \
			"$(fake --tmpfs /work tmp /work exit | grep ^mode)"
		[ -n "$envs" ] && unset "${envs%%=*}"
	done < <(scratch_modes "$p")
	# BENTO_PRINT_ARGV makes the host directory (the argv shows its
	# descriptor) and must remove it all the same.
	err=$(BENTO_NO_TMPFS=1 BENTO_DEBUG=1 BENTO_PRINT_ARGV=1 BENTO_SANDBOX=SB \
		"${RUN_AS[@]}" "$BENTO" run p 2>&1 >/dev/null)
	path=$(sed -n 's/^bento: tmpfs \/tmp: //p' <<<"$err")
	if [[ $path == "$SHM"/bento-tmp-*/fs ]]; then
		check "${p}scratch-print-argv-removed" gone \
			"$([ -e "${path%/fs}" ] || echo gone)"
	else
		fail "${p}scratch-print-argv-removed" "no scratch path in [$err]"
	fi
}

# The next bento removes what a SIGKILLed one left in $SHM, unless the
# owner (pid + start time in the name) lives or a process holds the
# directory's "fs" (flock): a sandbox that outlived its front end. Made by
# hand here: pid 999999999 never exists (pid_max is at most 2^22).
test_scratch_stale() {
	# Names end in 6 characters, 4 of them this run's.
	local r; r=$(printf %04x $RANDOM)
	local p=$1 held dead=bento-tmp-999999999-1-${r}dd old=bento-tmp-${r}od
	local held_dir=bento-tmp-999999999-2-${r}hd other=bento-tmp-999999999-3-${r}ot
	local start live reused
	"${RUN_AS[@]}" mkdir -p "$SHM/$dead/fs/sub" "$SHM/$held_dir/fs" "$SHM/$old/fs"
	"${RUN_AS[@]}" ln -s "$VICTIM/file" "$SHM/$dead/fs/sub/link"
	"${RUN_AS[@]}" chmod 0 "$SHM/$dead/fs/sub"
	if command -v flock >/dev/null; then
		"${RUN_AS[@]}" flock -s "$SHM/$held_dir/fs" sleep 30 &
		held=$!
		sleep 0.2
	fi
	check "${p}stale-run" 0 "$(run_status fake exit 0)"
	check "${p}stale-removed" gone "$([ -e "$SHM/$dead" ] || echo gone)"
	check "${p}stale-links-not-followed" keep "$(cat "$VICTIM/file")"
	check "${p}stale-old-name-kept" kept "$([ -d "$SHM/$old/fs" ] && echo kept)"
	if [ -n "${held:-}" ]; then
		check "${p}stale-held-kept" kept "$([ -d "$SHM/$held_dir/fs" ] && echo kept)"
		# flock(1)'s child, sleep, holds the lock too.
		pkill -KILL -P $held
		kill -KILL $held 2>/dev/null
		wait $held 2>/dev/null
		# The killed sleep lets go of its lock in its own time.
		for _ in $(seq 50); do
			fake exit 0 >/dev/null 2>&1
			[ -e "$SHM/$held_dir" ] || break
			sleep 0.1
		done
		check "${p}stale-released-removed" gone \
			"$([ -e "$SHM/$held_dir" ] || echo gone)"
	else
		skip "${p}stale-held-kept" "no flock(1)"
	fi
	# A live owner's stay, unlocked as they are; a reused pid's (the
	# start time differs) go. The owner here: this shell.
	start=$(sed 's/.*) //' /proc/$$/stat | cut -d' ' -f20)
	live=bento-tmp-$$-$start-${r}lv
	reused=bento-tmp-$$-$((start + 1))-${r}ru
	"${RUN_AS[@]}" mkdir -p "$SHM/$live/fs" "$SHM/$reused/fs"
	# Another uid's (when there is one to try) is never ours to remove.
	if [ ${#RUN_AS[@]} = 0 ] && [ "$(id -u)" = 0 ]; then
		mkdir -p "$SHM/$other/fs"
		chown -R 65534:65534 "$SHM/$other"
	fi
	fake exit 0 >/dev/null 2>&1
	check "${p}stale-live-owner-kept" kept "$([ -d "$SHM/$live/fs" ] && echo kept)"
	check "${p}stale-reused-pid-removed" gone "$([ -e "$SHM/$reused" ] || echo gone)"
	if [ -d "$SHM/$other" ]; then
		check "${p}stale-other-uid-kept" kept "$([ -d "$SHM/$other/fs" ] && echo kept)"
	fi
	rm -rf "${SHM:?}/$old" "${SHM:?}/$held_dir" "${SHM:?}/$live" "${SHM:?}/$other"
}

# Without a tmpfs at /dev/shm the scratch directories go to $TMPDIR. Needs
# root for a private mount namespace to hide /dev/shm in.
test_scratch_fallback() {
	local base=$WORK/tmpdir empty=$WORK/empty out dir
	# The path from BENTO_DEBUG: in its empty root the fake cannot tell.
	if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
		skip scratch-fallback "needs root and a mount namespace"
		return
	fi
	mkdir -p "$base" "$empty"
	# /dev/shm missing: an empty directory over /dev.
	out=$(unshare -m sh -c 'mount --bind "$1" /dev && shift &&
		TMPDIR=$1 BENTO_NO_TMPFS=1 BENTO_DEBUG=1 BENTO_SANDBOX=$2 "$3" run tmp /tmp exit' \
		sh "$empty" "$base" "$FAKE" "$BENTO" 2>&1)
	dir=$(sed -n 's/^bento: tmpfs \/tmp: //p' <<<"$out")
	check scratch-fallback-missing yes \
		"$([[ $dir == "$base"/bento-tmp-*-*-??????/fs ]] && echo yes)"
	check scratch-fallback-missing-removed "" "$(ls -A "$base")"
	# /dev/shm not a tmpfs: a directory of the test's (if it is not one).
	if [ "$(stat -f -c %T "$empty")" = tmpfs ]; then
		skip scratch-fallback-not-tmpfs "$WORK is on a tmpfs itself"
		return
	fi
	out=$(unshare -m sh -c 'mount --bind "$1" /dev/shm && shift &&
		TMPDIR=$1 BENTO_NO_TMPFS=1 BENTO_DEBUG=1 BENTO_SANDBOX=$2 "$3" run tmp /tmp exit' \
		sh "$empty" "$base" "$FAKE" "$BENTO" 2>&1)
	dir=$(sed -n 's/^bento: tmpfs \/tmp: //p' <<<"$out")
	check scratch-fallback-not-tmpfs yes \
		"$([[ $dir == "$base"/bento-tmp-*-*-??????/fs ]] && echo yes)"
	check scratch-fallback-not-tmpfs-removed "" "$(ls -A "$base")"
}

# --- main --------------------------------------------------------------------

if [ ! -x "$BENTO" ]; then
	echo "FAIL cli/setup: no executable $BENTO"
	echo "0 passed, 1 failed"
	exit 1
fi
if ! build_helpers; then
	echo "FAIL cli/setup: cannot build the test helpers"
	echo "0 passed, 1 failed"
	exit 1
fi

RUN_AS=()
test_command_line
test_argv ""
probe ""
probe "" cover
probe_tmpfs ""
test_supervisor ""
test_confined ""
test_scratch ""
test_scratch_stale ""
test_scratch_fallback
if [ ${#ASUSER[@]} -gt 0 ]; then
	RUN_AS=("${ASUSER[@]}")
	test_argv unpriv-
	probe unpriv-
	probe_tmpfs unpriv-
	test_supervisor unpriv-
	test_confined unpriv-
	test_scratch unpriv-
	test_scratch_stale unpriv-
else
	skip unpriv "not root: the cases above ran unprivileged already"
fi

echo "$passed passed, $failed failed"
[ $failed = 0 ]
