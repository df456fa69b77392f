#!/usr/bin/env bash
# tests/escape/run.sh [BENTO]: hostile guests that try to get out of bento.
#
# Each guest (tests/escape/*.c, built natively with gcc into build/escape/)
# runs under BENTO (default build/bento) with build/escape mounted read-only
# at /t, and tries one way out. Every case checks the EFFECT on the host —
# the secret token never printed, the file never created, the listener never
# connected to, the process never traced or killed, the mount table
# unchanged — never a message of the guest or of bento. Where it is cheap, a
# native run of the same guest first proves that the effect would be seen.
#
#   part 1  raw_*   raw `syscall` instructions (open, create, connect,
#                   ptrace, execve, mount, kill)
#   part 2  jump_*  a jump into bento's own `syscall` instruction (in the
#                   section hostcall_text) with forged registers: the host
#                   kernel sees a call from bento; seccomp's allow-list,
#                   Landlock, the namespaces and the read-only host must
#                   hold without bento's help
#   part 3  paths_* ordinary libc calls with path tricks (../, symlinks
#                   planted in a rw mount, /proc/self/root, /dev/..,
#                   /etc/shadow), and a symlink race against chmod
#   part 4  when run as root: everything again as uid 65534 (setpriv)
#   docs    the allow-list documented in docs/security.md is gate.c's
#
# Prints "PASS escape/NAME" or "FAIL escape/NAME: reason" (with indented
# details) per case, "SKIP ..." for what this host cannot test, and at the
# end "N passed, M failed"; exits 0 iff M == 0. Temporary files live in
# /var/tmp/bento-escape-XXXXXX (not /tmp, which bento could be suspected of
# sharing) and are removed, with every listener and sleeper, on exit.
#
# Internal: ESCAPE_INNER=1 is the unprivileged second pass (no build, names
# prefixed by ESCAPE_PREFIX, no summary line of its own but "#counts P F").
set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BENTO=$(readlink -f "${1:-$root/build/bento}")
SANDBOX=$(readlink -f "$(dirname "$BENTO")/bento-sandbox")
ESC=$root/build/escape
PREFIX=${ESCAPE_PREFIX:-escape}
INNER=${ESCAPE_INNER:-0}
TMO=30

passed=0 failed=0
PIDS=()
T=

cleanup() {
	[ "$BASHPID" = $$ ] || return
	local p
	for p in "${PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	# Background bento runs of ours that a failure left behind: timeout
	# passes SIGTERM on to bento, which ends its sandbox.
	for p in $(jobs -p); do
		kill -TERM "$p" 2>/dev/null
	done
	wait 2>/dev/null
	[ -n "$T" ] && rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() { echo "PASS $PREFIX/$1"; passed=$((passed + 1)); }
skip() { echo "SKIP $PREFIX/$1: $2"; }
# fail NAME REASON [FILE...]: the first 15 lines of each file, indented.
fail() {
	local name=$1 reason=$2 f
	shift 2
	echo "FAIL $PREFIX/$name: $reason"
	for f in "$@"; do
		[ -s "$f" ] && { echo "    --- $(basename "$f"):"; head -n 15 "$f" | sed 's/^/    /'; }
	done
	failed=$((failed + 1))
}

# ---- build -----------------------------------------------------------------

GUESTS=(raw_open raw_create raw_connect raw_ptrace raw_exec raw_mount raw_kill jump paths race)

build() {
	mkdir -p "$ESC" || return 1
	local g
	for g in "${GUESTS[@]}"; do
		gcc -O1 -g -static -Wall -Wextra -Werror -I"$here" -o "$ESC/$g" "$here/$g.c" \
			>"$ESC/$g.buildlog" 2>&1 || { echo "$g"; return 1; }
	done
	gcc -O2 -Wall -Wextra -Werror -o "$ESC/listener" "$here/listener.c" \
		>"$ESC/listener.buildlog" 2>&1 || { echo listener; return 1; }
	rm -f "$ESC"/*.buildlog
}

if [ "$INNER" != 1 ]; then
	if ! bad=$(build); then
		fail build "cannot build $bad" "$ESC/$bad.buildlog"
		echo "$passed passed, $failed failed"
		exit 1
	fi
fi
if [ ! -x "$BENTO" ] || [ ! -f "$SANDBOX" ]; then
	fail setup "no $BENTO or no $SANDBOX (run make)"
	echo "$passed passed, $failed failed"
	exit 1
fi

# ---- the host side: a secret, a listener, sleepers ---------------------------

T=$(mktemp -d /var/tmp/bento-escape-XXXXXX) || exit 1
chmod 755 "$T"
TOKEN=bento-secret-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
SECRET=$T/secret
echo "$TOKEN" >"$SECRET"
chmod 644 "$SECRET"	# readable by this uid natively: only the sandbox stops it
mkdir "$T/w" "$T/ro" "$T/mnt" "$T/bin" "$T/control" "$T/run"
echo "read-only file" >"$T/ro/file"
chmod 644 "$T/ro/file"
touch -d 2001-02-03 "$T/ro/file" "$SECRET"
# A host symlink outside every mount, whose text is a secret too.
ln -s "hostlink-$TOKEN" "$T/hostlink"
cp /usr/bin/touch "$T/bin/touch"
IS_ROOT=0
[ "$(id -u)" = 0 ] && IS_ROOT=1

"$ESC/listener" "$T/port" "$T/listener.log" "$T/host.sock" &
PIDS+=($!)
disown $!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
PORT=$(cat "$T/port" 2>/dev/null)
: >"$T/listener.log"

# A process of ours outside bento; returns its pid in SLEEPER.
new_sleeper() {
	setsid sleep 1000 </dev/null >/dev/null 2>&1 &
	SLEEPER=$!
	PIDS+=("$SLEEPER")
	disown "$SLEEPER"
}

alive() { [ -d "/proc/$1" ] && ! grep -q '^State:.*[ZX]' "/proc/$1/status" 2>/dev/null; }
tracer_of() { sed -n 's/^TracerPid:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null; }
# "MODE MTIME SIZE" of a host file ("gone" when it is not there).
meta() { stat -c '%a %Y %s' "$1" 2>/dev/null || echo gone; }
# Puts a file a failed case changed back as it was made.
restore() { chmod 644 "$1" 2>/dev/null; touch -d 2001-02-03 "$1" 2>/dev/null; }

# ---- running guests ------------------------------------------------------------

# guest CASE [BENTO-OPTIONS...] -- PROG ARGS: runs /t/PROG under bento with
# stdin /dev/null; output in $T/run/CASE.{out,err}, status in STATUS.
guest() {
	local name=$1 opts=()
	shift
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	local prog=$1
	shift
	timeout -k 5 "$TMO" "$BENTO" run "${opts[@]}" --mount "$ESC:/t:ro" -- "/t/$prog" "$@" \
		</dev/null >"$T/run/$name.out" 2>"$T/run/$name.err"
	STATUS=$?
}

# native CASE PROG ARGS: the same guest without bento (a control).
native() {
	local name=$1 prog=$2
	shift 2
	(cd / && timeout -k 5 "$TMO" "$ESC/$prog" "$@" </dev/null >"$T/run/$name.native" 2>&1)
}

# start_guest CASE [BENTO-OPTIONS...] -- PROG ARGS: like guest, in the
# background, with stdin a fifo we hold open (GUEST_W); GUEST_PID is the
# pid of timeout, whose descendants are bento and its sandbox.
start_guest() {
	local name=$1 opts=()
	shift
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	local prog=$1
	shift
	rm -f "$T/run/$name.in"
	mkfifo "$T/run/$name.in"
	env "${GUEST_ENV[@]}" timeout -k 5 "$TMO" "$BENTO" run "${opts[@]}" --mount "$ESC:/t:ro" -- "/t/$prog" "$@" \
		<"$T/run/$name.in" >"$T/run/$name.out" 2>"$T/run/$name.err" &
	GUEST_PID=$!
	exec {GUEST_W}>"$T/run/$name.in"
}
GUEST_ENV=()

# wait_for FILE REGEX: up to 15 s for a line of FILE to match.
wait_for() {
	local i
	for i in $(seq 150); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# finish_guest [LINE]: writes LINE (if any) to the guest's stdin, closes it,
# waits; sets STATUS.
finish_guest() {
	[ $# -gt 0 ] && echo "$1" >&"$GUEST_W"
	exec {GUEST_W}>&-
	wait "$GUEST_PID"
	STATUS=$?
}

# Pids of the children of pid $1 (from /proc/*/stat: no CONFIG_PROC_CHILDREN
# needed).
children() {
	local f rest
	for f in /proc/[0-9]*/stat; do
		rest=$(cat "$f" 2>/dev/null) || continue
		rest=${rest##*) }
		rest=${rest#* }
		[ "${rest%% *}" = "$1" ] && { f=${f#/proc/}; echo "${f%/stat}"; }
	done
}

# Host pid of the sandbox process below pid $1 (the shallowest process
# whose argv[0] is bento-sandbox).
find_sandbox() {
	local queue=("$1") p c
	while [ ${#queue[@]} -gt 0 ]; do
		p=${queue[0]}
		queue=("${queue[@]:1}")
		if [ "$(tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null | head -n 1 | xargs -r basename 2>/dev/null)" = bento-sandbox ]; then
			echo "$p"
			return 0
		fi
		for c in $(children "$p"); do
			queue+=("$c")
		done
	done
	return 1
}

# Offset of the `syscall` instruction of host_syscall in bento-sandbox:
# host_syscall's address (nm) plus where its 0f 05 bytes are (objdump).
syscall_offset() {
	local sym insn
	sym=$(nm "$SANDBOX" 2>/dev/null | awk '$3 == "host_syscall" { print $1; exit }')
	insn=$(objdump -d --section=hostcall_text "$SANDBOX" 2>/dev/null |
		awk '/<host_syscall>:/ { f = 1 } f && /\t0f 05 / { sub(":", "", $1); print $1; exit }')
	[ -n "$sym" ] && [ -n "$insn" ] || return 1
	# Sanity: inside host_syscall, near its start.
	[ $((0x$insn - 0x$sym)) -ge 0 ] && [ $((0x$insn - 0x$sym)) -lt 64 ] || return 1
	printf '%x\n' $((0x$insn))
}
SYSCALL_OFF=$(syscall_offset)

# jump CASE [BENTO-OPTIONS...] -- OP ARGS: runs the jump guest, tells it
# the runtime address of bento's `syscall` instruction, waits for it.
# Sets STATUS and JUMP_ERR (a reason when the address could not be given).
jump() {
	local name=$1
	JUMP_ERR=
	start_guest "$@"
	shift
	while [ "$1" != -- ]; do shift; done
	shift
	if ! wait_for "$T/run/$name.out" '^ready'; then
		JUMP_ERR="the guest never said ready"
		finish_guest
		return
	fi
	local sb base
	sb=$(find_sandbox "$GUEST_PID")
	base=$([ -n "$sb" ] && awk -v f="$SANDBOX" '$6 == f && $3 == "00000000" { split($1, a, "-"); print a[1]; exit }' "/proc/$sb/maps" 2>/dev/null)
	if [ -z "$sb" ] || [ -z "$base" ] || [ -z "$SYSCALL_OFF" ]; then
		JUMP_ERR="no address (sandbox pid '${sb}', base '${base}', offset '${SYSCALL_OFF}')"
		finish_guest 0
		return
	fi
	finish_guest "$(printf '%x' $((0x$base + 0x$SYSCALL_OFF)))"
}

# jumped CASE: the forged call really went through bento's instruction.
jumped() {
	if [ -n "$JUMP_ERR" ]; then
		fail "$1" "$JUMP_ERR" "$T/run/$1.out" "$T/run/$1.err"
		return 1
	fi
	if ! grep -q '^jumped$' "$T/run/$1.out"; then
		fail "$1" "the forged call did not run (status $STATUS)" "$T/run/$1.out" "$T/run/$1.err"
		return 1
	fi
	return 0
}

# no_secret CASE FILE...: fails unless no FILE holds the token (or, as
# root, the first line of /etc/shadow or /etc/gshadow).
no_secret() {
	local name=$1 f
	shift
	for f in "$@"; do
		if grep -qF -- "$TOKEN" "$f" 2>/dev/null; then
			fail "$name" "the secret's content got out" "$f"
			return 1
		fi
		if [ "$IS_ROOT" = 1 ]; then
			local s line
			for s in /etc/shadow /etc/gshadow; do
				line=$(head -n 1 "$s" 2>/dev/null)
				if [ -n "$line" ] && grep -qxF -- "$line" "$f" 2>/dev/null; then
					fail "$name" "$s's content got out" "$f"
					return 1
				fi
			done
		fi
	done
	return 0
}

R=$T/run

# ---- part 1: raw system calls --------------------------------------------------

case_raw_open() {
	local n=raw_open_secret
	native "$n" raw_open "$SECRET"
	if ! grep -qF "$TOKEN" "$R/$n.native"; then
		fail $n "control: the native run could not read the secret" "$R/$n.native"
		return
	fi
	guest $n -- raw_open "$SECRET"
	no_secret $n "$R/$n.out" "$R/$n.err" && pass $n
}

case_raw_create() {
	local n=raw_create_outside
	native "$n" raw_create "$T/control/created"
	if [ ! -f "$T/control/created" ]; then
		fail $n "control: the native run created nothing" "$R/$n.native"
		return
	fi
	local before after
	before=$(ls -A "$T")
	guest $n -- raw_create "$T/created"
	after=$(ls -A "$T")
	if [ "$before" != "$after" ] || compgen -G "$T/created*" >/dev/null; then
		fail $n "something was created outside: $(cd "$T" && ls -d created* 2>/dev/null | tr '\n' ' ')" "$R/$n.out"
		return
	fi
	pass $n
}

# check_listener CASE: fails if the listener saw anything.
check_listener() {
	if [ -s "$T/listener.log" ]; then
		fail "$1" "the host's listener (127.0.0.1:$PORT, $T/host.sock) saw: $(tr '\n' ' ' <"$T/listener.log")" "$R/$1.out"
		: >"$T/listener.log"
		return 1
	fi
	return 0
}

case_raw_connect() {
	local n=raw_connect_listener
	if [ -z "$PORT" ]; then
		fail $n "the listener did not start"
		return
	fi
	native "$n" raw_connect "$PORT" "$T/host.sock"
	sleep 0.2
	if ! grep -q 'tcp connection' "$T/listener.log" || ! grep -q 'unix connection' "$T/listener.log"; then
		fail $n "control: the native run could not connect" "$R/$n.native" "$T/listener.log"
		return
	fi
	: >"$T/listener.log"
	# The default, --net none: no way to the host's loopback or sockets.
	guest $n -- raw_connect "$PORT" "$T/host.sock"
	sleep 0.2
	check_listener $n && pass $n
}

case_raw_ptrace() {
	local n=raw_ptrace
	new_sleeper
	# The guest gets the supervisor's pid too: bash's $$, which exec makes
	# bento's.
	rm -f "$R/$n.in"
	mkfifo "$R/$n.in"
	timeout -k 5 "$TMO" bash -c 'exec "$0" run --mount "$1:/t:ro" -- /t/raw_ptrace "$$" "$2"' \
		"$BENTO" "$ESC" "$SLEEPER" <"$R/$n.in" >"$R/$n.out" 2>"$R/$n.err" &
	GUEST_PID=$!
	exec {GUEST_W}>"$R/$n.in"
	if ! wait_for "$R/$n.out" '^done'; then
		finish_guest
		fail $n "the guest did not get to the end (status $STATUS)" "$R/$n.out" "$R/$n.err"
		return
	fi
	local sup t1 t2
	sup=$(children "$GUEST_PID" | head -n 1)
	t1=$(tracer_of "$SLEEPER")
	t2=$(tracer_of "$sup")
	finish_guest x
	if [ -z "$sup" ] || [ "$t1" != 0 ] || [ "$t2" != 0 ]; then
		fail $n "sleeper TracerPid '$t1', supervisor (pid '$sup') TracerPid '$t2'" "$R/$n.out"
		return
	fi
	if ! alive "$SLEEPER" || grep -q '^State:.*t' "/proc/$SLEEPER/status"; then
		fail $n "the sleeper died or stopped"
		return
	fi
	pass $n
}

case_raw_exec() {
	local n=raw_exec_host_binary
	native "$n" raw_exec /usr/bin/touch "$T/control/marker"
	if [ ! -e "$T/control/marker" ]; then
		fail $n "control: the native run did not create its marker" "$R/$n.native"
		return
	fi
	guest $n -- raw_exec /usr/bin/touch "$T/marker1"
	cp "$R/$n.out" "$R/$n.out1"
	guest $n -- raw_exec "$T/bin/touch" "$T/marker2"
	if [ -e "$T/marker1" ] || [ -e "$T/marker2" ]; then
		fail $n "a marker exists: $(ls "$T" | grep marker | tr '\n' ' ')" "$R/$n.out1" "$R/$n.out"
		return
	fi
	pass $n
}

case_raw_mount() {
	local n=raw_mount
	local before after
	before=$(cat /proc/self/mountinfo)
	guest $n -- raw_mount /tmp /t /usr /etc "$T/mnt" "$T"
	after=$(cat /proc/self/mountinfo)
	if [ "$before" != "$after" ]; then
		diff <(echo "$before") <(echo "$after") >"$R/$n.diff"
		fail $n "the host's mount table changed" "$R/$n.diff" "$R/$n.out"
		return
	fi
	pass $n
}

case_raw_kill() {
	local n=raw_kill
	new_sleeper
	guest $n -- raw_kill "$SLEEPER"
	sleep 0.2
	if ! alive "$SLEEPER"; then
		fail $n "the host sleeper (pid $SLEEPER) was killed (guest status $STATUS)" "$R/$n.out"
		return
	fi
	alive $$ && pass $n
}

# ---- part 2: forged calls through bento's own syscall instruction -------------

case_jump_openat() {
	local n=jump_openat
	jump $n -- jump openat "$SECRET"
	jumped $n || return
	no_secret $n "$R/$n.out" "$R/$n.err" || return
	# openat is not on the allow-list: seccomp kills the process.
	if [ "$STATUS" != 159 ]; then
		fail $n "status $STATUS, expected 159 (SIGSYS: openat is not on the allow-list)" "$R/$n.out"
		return
	fi
	pass $n
}

case_jump_openat2() {
	local n=jump_openat2
	jump $n -- jump openat2 "$SECRET"
	jumped $n || return
	no_secret $n "$R/$n.out" "$R/$n.err" && pass $n
}

case_jump_climb() {
	local n=jump_openat2_climb
	jump $n --mount "$T/w:/w:rw" -- jump climb "$SECRET"
	jumped $n || return
	no_secret $n "$R/$n.out" "$R/$n.err" && pass $n
}

# meta_of PATH: "dev=D ino=N" of a host file, as the jump guest prints it.
meta_of() { stat -c 'dev=%d ino=%i' "$1"; }

# own_mount_ns: bento gets a mount namespace here (a user namespace of its
# own, or root), so the sandbox runs in an empty root.
own_mount_ns() {
	unshare -U -m true 2>/dev/null || { [ "$IS_ROOT" = 1 ] && unshare -m true 2>/dev/null; }
}

# no_meta CASE FILE PATH...: fails when FILE shows a PATH's metadata.
no_meta() {
	local name=$1 file=$2 path
	shift 2
	for path in "$@"; do
		if grep -qxF "meta $(meta_of "$path")" "$file"; then
			fail "$name" "the metadata of $path got out" "$file"
			return 1
		fi
	done
	return 0
}

# host_names CASE CHECK [BENTO-OPTIONS...] -- OP ARGS: the jump guest; with
# CHECK "closed" nothing of the secret, of /root or of the symlink may get
# out; with "control" (no namespaces: the gap is still open there, see
# docs/security.md) something must, which shows the case can fail.
host_names() {
	local n=$1 how=$2 leaked=
	shift 2
	jump "$n" "$@"
	jumped "$n" || return
	if grep -qxF -e "meta $(meta_of "$SECRET")" -e "meta $(meta_of /root)" "$R/$n.out" ||
	   grep -qF -- "$TOKEN" "$R/$n.out"; then
		leaked=1
	fi
	if [ "$how" = control ]; then
		if [ -z "$leaked" ]; then
			fail "$n" "control: nothing got out without namespaces (if that gap closed too, drop this control)" "$R/$n.out"
			return
		fi
		pass "$n"
		return
	fi
	no_meta "$n" "$R/$n.out" "$SECRET" /root || return
	no_secret "$n" "$R/$n.out" "$R/$n.err" && pass "$n"
}

# Host names outside every mount: an O_PATH open (Landlock does not check
# those) and fstat, readlinkat, and both climbing ".." from each directory
# descriptor (the rw mount's, the read-only one's, the tmpfs ones'). In
# the empty root of the mount namespace none resolves (ENOENT); without
# namespaces they did, and still do.
case_jump_host_names() {
	local mounts=(--mount "$T/w:/w:rw" --mount "$T/ro:/r:ro")
	if own_mount_ns; then
		host_names jump_host_path_meta closed -- jump pathmeta "$SECRET"
		host_names jump_host_root_meta closed -- jump pathmeta /root
		host_names jump_host_readlink closed -- jump readlink "$T/hostlink"
		host_names jump_climb_meta closed "${mounts[@]}" -- jump climbmeta "$SECRET" "$T/hostlink"
		GUEST_ENV=(BENTO_NO_TMPFS=1)
		host_names jump_climb_meta_host_tmp closed "${mounts[@]}" -- jump climbmeta "$SECRET" "$T/hostlink"
	else
		skip jump_host_names "no mount namespace for this user: the gap stays open"
	fi
	GUEST_ENV=(BENTO_NO_NAMESPACES=1)
	host_names jump_host_path_meta_no_namespaces control -- jump pathmeta "$SECRET"
	host_names jump_host_readlink_no_namespaces control -- jump readlink "$T/hostlink"
	host_names jump_climb_meta_no_namespaces control "${mounts[@]}" -- jump climbmeta "$SECRET" "$T/hostlink"
	GUEST_ENV=()
}

case_jump_execve() {
	local n=jump_execve
	jump $n -- jump execve /usr/bin/touch "$T/marker3"
	jumped $n || return
	if [ -e "$T/marker3" ]; then
		fail $n "the host binary ran: $T/marker3 exists" "$R/$n.out"
		return
	fi
	if [ "$STATUS" != 159 ]; then
		fail $n "status $STATUS, expected 159 (SIGSYS)" "$R/$n.out" "$R/$n.err"
		return
	fi
	pass $n
}

# With the default --net none, a forged socket(AF_INET) is either killed by
# seccomp or lives in the private network namespace: the host's 127.0.0.1
# must not answer. Nor may a host unix socket, named by its host path.
case_jump_socket() {
	local n=jump_socket
	: >"$T/listener.log"
	jump $n -- jump socket "$PORT"
	jumped $n || return
	sleep 0.2
	check_listener $n && pass $n
	n=jump_unix_socket
	jump $n -- jump unix "$T/host.sock"
	jumped $n || return
	sleep 0.2
	check_listener $n && pass $n
}

case_jump_kill() {
	local n=jump_kill
	new_sleeper
	jump $n -- jump kill "$SLEEPER"
	jumped $n || return
	sleep 0.2
	if ! alive "$SLEEPER"; then
		fail $n "the host sleeper (pid $SLEEPER) was killed" "$R/$n.out"
		return
	fi
	# Without namespaces only Landlock's signal scope stands in the way.
	n=jump_kill_no_namespaces
	GUEST_ENV=(BENTO_NO_NAMESPACES=1)
	jump $n -- jump kill "$SLEEPER" no-kill-all
	GUEST_ENV=()
	jumped $n || return
	sleep 0.2
	if ! alive "$SLEEPER"; then
		fail $n "the host sleeper (pid $SLEEPER) was killed" "$R/$n.out"
		return
	fi
	pass jump_kill
	pass $n
}

case_jump_ptrace() {
	local n=jump_ptrace
	new_sleeper
	jump $n -- jump ptrace "$SLEEPER"
	jumped $n || return
	local t
	t=$(tracer_of "$SLEEPER")
	if [ "$t" != 0 ] || [ "$STATUS" != 159 ]; then
		fail $n "TracerPid '$t', status $STATUS (expected 0 and 159)" "$R/$n.out"
		return
	fi
	pass $n
}

# jump_meta CASE OP PATH [BENTO-OPTIONS...]: PATH's mode, time and size must
# not change.
jump_meta() {
	local n=$1 op=$2 path=$3 before after
	shift 3
	before=$(meta "$path")
	jump $n "$@" -- jump "$op" "$path"
	jumped $n || return
	after=$(meta "$path")
	if [ "$before" != "$after" ]; then
		fail $n "$path changed on the host: $before -> $after (mode mtime size)" "$R/$n.out"
		restore "$path"
		return
	fi
	pass $n
}

case_jump_files() {
	jump_meta jump_chmod chmod "$SECRET"
	jump_meta jump_utime utime "$SECRET"
	jump_meta jump_fd_meta_readonly_mount fdmeta "$T/ro/file" --mount "$T/ro:/r:ro"
	local n
	n=jump_link
	jump $n --mount "$T/w:/w:rw" -- jump link "$SECRET" "$T/w/stolen"
	if jumped $n; then
		if [ -e "$T/w/stolen" ]; then
			fail $n "the secret was linked into the rw mount" "$R/$n.out"
		else
			pass $n
		fi
	fi
	n=jump_rename
	jump $n --mount "$T/w:/w:rw" -- jump rename "$SECRET" "$T/w/stolen2"
	if jumped $n; then
		if [ -e "$T/w/stolen2" ] || [ ! -e "$SECRET" ]; then
			fail $n "the secret was moved" "$R/$n.out"
		else
			pass $n
		fi
	fi
	echo victim >"$T/victim"
	n=jump_unlink
	jump $n -- jump unlink "$T/victim"
	if jumped $n; then
		if [ ! -e "$T/victim" ]; then fail $n "a host file was removed" "$R/$n.out"; else pass $n; fi
	fi
	local op
	for op in mkdir symlink create; do
		n=jump_$op
		jump $n --mount "$T/w:/w:rw" -- jump $op "$T/made-$op"
		if jumped $n; then
			if [ -e "$T/made-$op" ] || [ -L "$T/made-$op" ]; then
				fail $n "$T/made-$op exists" "$R/$n.out"
			else
				pass $n
			fi
		fi
	done
}

case_jump_forbidden() {
	local n=jump_forbidden_calls
	jump $n -- jump forbidden
	jumped $n || return
	local bad
	bad=$(grep -E '^[a-z_0-9 A-Z]+: ' "$R/$n.out" | grep -v 'killed by signal 31$' | grep -vE '^(jumped|ready)')
	if [ -n "$bad" ] || ! grep -q '^end$' "$R/$n.out"; then
		echo "$bad" >"$R/$n.bad"
		fail $n "host calls off the allow-list did not kill the process" "$R/$n.bad" "$R/$n.out"
		return
	fi
	pass $n
}

# ---- part 3: libc and path tricks ----------------------------------------------

case_paths() {
	local n rel=../../../../../../../..$SECRET
	n=paths_dotdot
	guest $n -- paths "r:$rel" "r:/..$SECRET" "r:/t/../../..$SECRET" "c:/t" "r:$rel" \
		"d:/t:$rel" "d:/:$rel" "c:/usr/lib" "r:$rel" "r:/etc/../..$SECRET"
	no_secret $n "$R/$n.out" "$R/$n.err" && pass $n

	n=paths_symlink_in_rw_mount
	mkdir -p "$T/w2"
	guest $n --mount "$T/w2:/w:rw" -- paths "l:/w/l1=/etc/shadow" "l:/w/l2=$SECRET" \
		"l:/w/l3=../../../../../../..$SECRET" "l:/w/l4=/proc/self/root$SECRET" \
		"l:/w/l5=/etc/gshadow" "h:/w/h1=/etc/shadow" "h:/w/h2=$SECRET" \
		"l:/w/d1=/var" "r:/w/d1/tmp/$(basename "$T")/secret" "d:/w:l2" "d:/w:l3"
	no_secret $n "$R/$n.out" "$R/$n.err" || return
	# What the guest left in the rw mount is the guest's business, but no
	# hard link to a file outside may be there.
	local f
	for f in "$T"/w2/*; do
		if [ -f "$f" ] && [ ! -L "$f" ] && [ "$(stat -c %i "$f")" = "$(stat -c %i "$SECRET")" ]; then
			fail $n "a hard link to the secret was made: $f"
			return
		fi
	done
	pass $n

	n=paths_proc_root
	guest $n -- paths "r:/proc/self/root$SECRET" "r:/proc/1/root$SECRET" \
		"r:/proc/self/root/etc/shadow" "r:/proc/1/root/etc/shadow" \
		"r:/proc/self/cwd/../../..$SECRET" "r:/proc/1/cwd$rel" \
		"r:/proc/self/root/../../..$SECRET" "r:/proc/thread-self/root$SECRET"
	no_secret $n "$R/$n.out" "$R/$n.err" && pass $n

	n=paths_dev_dotdot
	guest $n -- paths "r:/dev/..$SECRET" "r:/dev/../etc/shadow" "r:/dev/fd/../../..$SECRET" \
		"c:/dev" "r:..$SECRET" "r:/dev/shm/../..$SECRET"
	no_secret $n "$R/$n.out" "$R/$n.err" && pass $n

	n=paths_etc_shadow
	guest $n -- paths r:/etc/shadow r:/etc/gshadow r:/etc/shadow- r:/etc/gshadow- \
		r://etc//shadow r:/etc/./shadow r:/etc/../etc/shadow r:/usr/../etc/shadow \
		d:/etc:shadow c:/etc r:shadow r:./gshadow
	if [ "$IS_ROOT" != 1 ]; then
		no_secret $n "$R/$n.out" "$R/$n.err" || return
		skip $n "not root: /etc/shadow's content cannot be compared"
		return
	fi
	no_secret $n "$R/$n.out" "$R/$n.err" && pass $n
}

case_race() {
	local n=race_chmod_symlink_swap
	mkdir -p "$T/w3"
	local before after
	before=$(meta "$SECRET")
	guest $n --mount "$T/w3:/w:rw" -- race /w "$SECRET" 3
	after=$(meta "$SECRET")
	if [ "$before" != "$after" ]; then
		fail $n "the secret changed on the host: $before -> $after (mode mtime size)" "$R/$n.out" "$R/$n.err"
		restore "$SECRET"
		return
	fi
	if ! grep -q '^tries' "$R/$n.out"; then
		fail $n "the race did not run (status $STATUS)" "$R/$n.out" "$R/$n.err"
		return
	fi
	pass $n
}

# ---- docs: the documented allow-list is the real one ---------------------------

case_docs_count() {
	local n=docs_allowlist_count gate=$root/src/platform/linux/gate.c doc=$root/docs/security.md
	if [ ! -f "$doc" ]; then
		fail $n "no docs/security.md"
		return
	fi
	# plain_allowed's entries, and the calls the code after it (the
	# argument checks, up to build_filter) lets through.
	local plain checked code_names doc_names count extra
	plain=$(sed -n '/^static const int plain_allowed\[\]/,/^};/p' "$gate" | grep -o '__NR_[a-z0-9_]*' | sort -u)
	checked=$(sed -n '/^static const int plain_allowed\[\]/,/^static int build_filter/p' "$gate" |
		sed '/^static const int plain_allowed\[\]/,/^};/d' | grep -o '__NR_[a-z0-9_]*' | sort -u)
	code_names=$(printf '%s\n%s\n' "$plain" "$checked" | sed 's/^__NR_//' | sort -u)
	count=$(echo "$code_names" | grep -c .)
	# The table rows of the allow-list section: "| `name` | ...".
	doc_names=$(sed -n '/^### The allow-list/,/^## /p' "$doc" | sed -n 's/^| `\([a-z0-9_]*\)` |.*/\1/p' | sort -u)
	local documented
	documented=$(sed -n 's/.*Total: \*\*\([0-9]*\)\*\* host system calls.*/\1/p' "$doc" | head -n 1)
	# gate_allowed_count() = the array's length + the constant it adds.
	local plus
	plus=$(sed -n '/^int gate_allowed_count/,/^}/p' "$gate" | sed -n 's/.*\]))* *+ *\([0-9]*\);.*/\1/p')
	extra=$(diff <(echo "$code_names") <(echo "$doc_names"))
	if [ -n "$extra" ]; then
		echo "$extra" >"$R/$n.diff"
		fail $n "the table in docs/security.md is not gate.c's allow-list (< gate.c, > docs)" "$R/$n.diff"
	elif [ "$documented" != "$count" ]; then
		fail $n "docs/security.md says '$documented' host system calls, gate.c has $count"
	elif [ -n "$plus" ] && [ $(($(echo "$plain" | grep -c .) + plus)) != "$count" ]; then
		fail $n "gate_allowed_count() says $(($(echo "$plain" | grep -c .) + plus)), gate.c has $count"
	else
		pass $n
	fi
}

# ---- run -------------------------------------------------------------------------

case_raw_open
case_raw_create
case_raw_connect
case_raw_ptrace
case_raw_exec
case_raw_mount
case_raw_kill
case_jump_openat
case_jump_openat2
case_jump_climb
case_jump_host_names
case_jump_execve
case_jump_socket
case_jump_kill
case_jump_ptrace
case_jump_files
case_jump_forbidden
case_paths
case_race
[ "$INNER" != 1 ] && case_docs_count

# Nothing of ours may be left running but the listener and sleepers, which
# must still be alive (no guest killed them).
for p in "${PIDS[@]}"; do
	alive "$p" || { fail host_processes "our process $p died during the run"; break; }
done

# ---- part 4: the same as an unprivileged user ------------------------------------

if [ "$INNER" = 1 ]; then
	echo "#counts $passed $failed"
	exit 0
fi
if [ "$IS_ROOT" = 1 ]; then
	if ! command -v setpriv >/dev/null; then
		echo "SKIP escape/uid65534: no setpriv"
	else
		chmod -R a+rX "$ESC"
		asuser=(setpriv --reuid=65534 --regid=65534 --clear-groups)
		if ! "${asuser[@]}" test -x "$BENTO" -a -r "$SANDBOX" -a -x "$ESC/jump" -a -r "$here/run.sh"; then
			echo "SKIP escape/uid65534: uid 65534 cannot reach $BENTO or $ESC"
		else
			inner=$("${asuser[@]}" env ESCAPE_INNER=1 ESCAPE_PREFIX=escape/uid65534 \
				PATH=/usr/local/bin:/usr/bin:/bin HOME=/ bash "$here/run.sh" "$BENTO" 2>&1)
			printf '%s\n' "$inner" | grep -v '^#counts '
			counts=$(printf '%s\n' "$inner" | sed -n 's/^#counts //p' | tail -n 1)
			if [ -z "$counts" ]; then
				fail uid65534 "the unprivileged pass printed no counts"
			else
				passed=$((passed + ${counts% *}))
				failed=$((failed + ${counts#* }))
			fi
		fi
	fi
else
	echo "SKIP escape/uid65534: not root (the suite ran as uid $(id -u) already)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
