#!/usr/bin/env bash
# tests/apps/run.sh [BENTO] [CASE...]: real programs (busybox, coreutils,
# python3, sqlite3) run natively and as `BENTO run $BENTO_OPTS ... -- CMD`
# with the same environment, comparing stdout and exit status; plus checks
# of the front end's own exit statuses and of the default sandbox policy,
# which have no native counterpart and are compared with fixed answers.
#
# Comparison cases run natively with the data directory (a fresh mktemp -d
# under /tmp) as the current directory and under bento with
# `--mount DATA:/data:ro --cwd /data`, so relative paths name the same files.
# Cases that need fork/exec (pipes, subprocesses) run only with APPS_FORK=1
# or when named. Outputs are kept in build/apps/results/CASE/.
# shellcheck disable=SC2016 # guest shell code is single-quoted on purpose
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/tests/lib.sh"

BENTO=${1:-$root/build/bento}
[ $# -gt 0 ] && shift
BENTO=$(t_abspath "$BENTO")
read -r -a opts <<<"${BENTO_OPTS:-}"
results=$root/build/apps/results
mkdir -p "$results"
if [ ! -x "$BENTO" ]; then
	echo "run.sh: warning: $BENTO is not an executable; every case will fail" >&2
fi

BB=/bin/busybox
PY=(/usr/bin/python3 -B)
SQLITE_DB=/tmp/bento-apps-sqlite.db

DATA=$(mktemp -d /tmp/bento-apps-XXXXXX)
trap 'rm -rf "$DATA"' EXIT
make_data() {
	printf '%s\n' pear apple fig apple banana kiwi cherry fig apple >"$DATA/words.txt"
	LC_ALL=C sort "$DATA/words.txt" >"$DATA/sorted.txt"
	printf '%s\n' 'alice:31:paris' 'bob:27:oslo' 'carol:45:lima' 'dave:38:rome' >"$DATA/table.txt"
	perl -e 'print map { chr(($_ * 7 + 3) % 256) } 0 .. 2999' >"$DATA/data.bin"
	printf '# notes\nnot a txt file\n' >"$DATA/notes.md"
	mkdir -p "$DATA/sub/deeper"
	echo nested >"$DATA/sub/nested.txt"
	echo deepest >"$DATA/sub/deeper/x.txt"
	: >"$DATA/empty.txt"
	printf 'echo this is text, not a program\n' >"$DATA/notelf.sh"
	chmod 755 "$DATA/notelf.sh"
	chmod 640 "$DATA/table.txt"
	chmod 755 "$DATA" "$DATA/sub" "$DATA/sub/deeper"
	# Fixed times, so listings do not depend on when the suite ran.
	find "$DATA" -exec touch -h -d '2024-01-02 03:04:05' {} +
}
make_data

# Runs one side of a comparison case into $d/SIDE.{out,err,status}.
native_side() {
	local d=$1 stdin=$2
	shift 2
	(cd "$DATA" && t_exec "$d/native.out" "$d/native.err" "$stdin" -- "${T_ENV[@]}" "$@"; echo "$T_STATUS" >"$d/native.status")
}
bento_side() {
	local d=$1 stdin=$2
	shift 2
	(cd / && t_exec "$d/bento.out" "$d/bento.err" "$stdin" -- "${T_ENV[@]}" "$BENTO" run "${opts[@]}" \
		--mount "$DATA:/data:ro" --cwd /data -- "$@"; echo "$T_STATUS" >"$d/bento.status")
}
new_dir() {
	rm -rf "${results:?}/$1"
	mkdir -p "$results/$1"
	echo "$results/$1"
}

# same [< STDIN] -- CMD...: native and bento must agree on stdout and status.
same() {
	local stdin=/dev/null d
	if [ "$1" = "<" ]; then
		stdin=$DATA/$2
		shift 2
	fi
	shift # --
	d=$(new_dir "$CASE")
	native_side "$d" "$stdin" "$@"
	bento_side "$d" "$stdin" "$@"
	t_compare "apps/$CASE" "$d"
}

# expect WANT [empty] [secret] -- BENTO_ARGS...: runs `BENTO BENTO_ARGS`
# alone; its status must be WANT (a number, "nonzero", or "any"), and with
# "empty" its stdout must be empty ("secret": never show that stdout).
# BENTO_OPTS go right after "run".
expect() {
	local want=$1 empty=0 secret=0 d
	shift
	if [ "$1" = empty ]; then
		empty=1
		shift
	fi
	if [ "$1" = secret ]; then
		secret=1
		shift
	fi
	shift # --
	local args=("$@")
	if [ "${args[0]}" = run ]; then
		args=(run "${opts[@]}" "${args[@]:1}")
	fi
	d=$(new_dir "$CASE")
	(cd / && t_exec "$d/bento.out" "$d/bento.err" /dev/null -- "${T_ENV[@]}" "$BENTO" "${args[@]}"; echo "$T_STATUS" >"$d/bento.status")
	local s reason=
	s=$(cat "$d/bento.status")
	case $want in
	any) [ "$s" != 124 ] || reason="timed out" ;;
	nonzero) [ "$s" != 0 ] && [ "$s" != 124 ] || reason="status $(t_status_text "$s"), want non-zero" ;;
	*) [ "$s" = "$want" ] || reason="status $(t_status_text "$s"), want $want" ;;
	esac
	if [ "$empty" = 1 ] && [ -s "$d/bento.out" ]; then
		reason="${reason:+$reason; }stdout not empty"
	fi
	if [ -z "$reason" ]; then
		t_pass "apps/$CASE"
	else
		{
			if [ "$secret" = 1 ]; then
				echo "--- stdout: $(wc -c <"$d/bento.out") bytes (not shown)"
				: >"$d/bento.out"
			else
				echo "--- stdout:"
				head -n 8 "$d/bento.out"
			fi
			echo "--- stderr:"
			tail -n 5 "$d/bento.err"
		} >"$d/details"
		t_fail "apps/$CASE" "$reason" "$d/details"
	fi
}

# ---- busybox (static) -------------------------------------------------
case_busybox_echo() { same -- $BB echo hello from busybox; }
case_busybox_sh_builtins() {
	same -- $BB sh -c 'echo a; echo b; x=6; echo $((x * 7)); for i in 1 2 3; do printf "%s-" $i; done; echo;
		test -f /etc/passwd && echo passwd-exists; cd /usr && pwd; read -r l </etc/passwd; echo "${l%%:*}";
		case foo in f*) echo glob-ok ;; esac; set -- p q r; echo "$# $2"'
}
case_busybox_ls() { same -- $BB ls /usr/share; }
case_busybox_wc() { same -- $BB wc -l /etc/passwd words.txt; }
case_busybox_cat() { same -- $BB cat words.txt table.txt; }
case_busybox_sha256sum() { same -- $BB sha256sum words.txt data.bin empty.txt; }
case_busybox_sort() { same -- $BB sort -r words.txt; }
case_busybox_uniq() { same -- $BB uniq -c sorted.txt; }
case_busybox_md5sum() { same -- $BB md5sum data.bin; }
case_busybox_head_tail() { same -- $BB sh -c 'head -n 2 words.txt; tail -n 2 words.txt'; }
case_busybox_exit_status() { same -- $BB sh -c 'echo before; exit 7'; }
case_busybox_kill_self() { same -- $BB sh -c 'echo dying; kill -TERM $$; echo survived'; }
case_busybox_missing_file() { same -- $BB cat no-such-file; }

# ---- python3 ----------------------------------------------------------
case_python_json_hash() { same -- "${PY[@]}" -c 'import json,hashlib; print(json.dumps({"h": hashlib.sha256(b"x").hexdigest()}))'; }
case_python_listdir() { same -- "${PY[@]}" -c 'import os; print(sorted(os.listdir("."))); print(sorted(os.listdir("sub")))'; }
case_python_threads() {
	same -- "${PY[@]}" -c '
import threading
res = [0] * 4
def work(i):
    res[i] = sum(j * j for j in range(100000 * (i + 1)))
ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print(res)'
}
case_python_read_file() { same -- "${PY[@]}" -c 'print(open("words.txt").read().upper(), end=""); print(len(open("data.bin", "rb").read()))'; }
case_python_math() {
	same -- "${PY[@]}" -c 'import math, decimal, fractions
decimal.getcontext().prec = 50
print(decimal.Decimal(2).sqrt())
print(math.factorial(30), math.gcd(1071, 462), round(math.pi, 10))
print(fractions.Fraction(1, 3) + fractions.Fraction(1, 6))'
}
case_python_sqlite3() {
	same -- "${PY[@]}" -c 'import sqlite3
c = sqlite3.connect(":memory:")
c.execute("create table t(a integer, b text)")
c.executemany("insert into t values(?, ?)", [(i, str(i)) for i in range(1000)])
print(c.execute("select sum(a), count(*), max(b) from t").fetchone())'
}
case_python_re() { same -- "${PY[@]}" -c 'import re; print(re.findall(r"\b\w{5}\b", open("words.txt").read())); print(re.sub(r"(\w+):(\d+)", r"\2=\1", open("table.txt").read()), end="")'; }
case_python_zlib() {
	same -- "${PY[@]}" -c 'import zlib, base64
d = open("data.bin", "rb").read()
c = zlib.compress(d, 9)
print(len(d), zlib.decompress(c) == d, hex(zlib.crc32(d)), base64.b64encode(d[:12]).decode())'
}
case_python_exit_code() { same -- "${PY[@]}" -c 'import sys; print("bye"); sys.exit(4)'; }

# ---- sqlite3 ----------------------------------------------------------
case_sqlite_memory() { same -- /usr/bin/sqlite3 :memory: 'create table t(a); insert into t values(1),(2); select sum(a) from t;'; }
case_sqlite_tmp_file() {
	rm -f "$SQLITE_DB" "$SQLITE_DB-journal"
	same -- /usr/bin/sqlite3 "$SQLITE_DB" 'create table t(a, b); insert into t values(1, "x"), (2, "y");
		create index i on t(b); insert into t select a + 2, b || "z" from t; select count(*), sum(a), group_concat(b) from t;
		pragma integrity_check;'
	rm -f "$SQLITE_DB" "$SQLITE_DB-journal"
}

# ---- coreutils on the data directory ----------------------------------
case_ls_names() { same -- /usr/bin/ls -1 . sub; }
case_ls_long() { same -- /usr/bin/ls -l --time-style=long-iso . sub; }
case_ls_sizes() { same -- /usr/bin/ls -s -1 --block-size=1 data.bin words.txt; }
case_cat() { same -- /usr/bin/cat words.txt table.txt; }
case_sha256sum() { same -- /usr/bin/sha256sum words.txt data.bin empty.txt sub/nested.txt; }
case_md5sum() { same -- /usr/bin/md5sum data.bin; }
case_sort() { same -- /usr/bin/sort -u words.txt; }
case_wc() { same -- /usr/bin/wc words.txt table.txt data.bin; }
case_stat() { same -- /usr/bin/stat -c '%n %s %F %a' words.txt table.txt sub data.bin notelf.sh; }
case_find() { same -- /usr/bin/find . -name '*.txt'; }
case_head() { same -- /usr/bin/head -n 3 words.txt; }
case_tail() { same -- /usr/bin/tail -n 2 table.txt; }
case_cut() { same -- /usr/bin/cut -d: -f1,3 table.txt; }
case_tr() { same "<" words.txt -- /usr/bin/tr a-z A-Z; }
case_uniq() { same -- /usr/bin/uniq -c sorted.txt; }
case_base64() { same -- /usr/bin/base64 data.bin; }
case_od() { same -- /usr/bin/od -A x -t x1z data.bin; }
case_ls_la_usr_share() { same -- /usr/bin/ls -la /usr/share; }

# ---- --trace ----------------------------------------------------------
case_trace_ls() {
	local d
	d=$(new_dir "$CASE")
	(cd / && t_exec "$d/native.out" "$d/native.err" /dev/null -- "${T_ENV[@]}" /bin/ls /usr/share; echo "$T_STATUS" >"$d/native.status")
	(cd / && t_exec "$d/bento.out" "$d/bento.err" /dev/null -- "${T_ENV[@]}" "$BENTO" run "${opts[@]}" --trace -- /bin/ls /usr/share; echo "$T_STATUS" >"$d/bento.status")
	if [ "$(cat "$d/bento.status")" = 0 ] && ! grep -qE 'openat|getdents64' "$d/bento.err"; then
		{ echo "--- stderr:"; head -n 5 "$d/bento.err"; } >"$d/details"
		t_fail "apps/$CASE" "no openat/getdents64 trace lines on stderr" "$d/details"
		return
	fi
	t_compare "apps/$CASE" "$d"
}

# ---- front-end statuses -----------------------------------------------
case_frontend_unknown_option() { expect 2 empty -- run --bento-no-such-option -- /bin/true; }
case_frontend_bad_mount() { expect 2 empty -- run --mount foo -- /bin/true; }
case_frontend_not_found() { expect 127 empty -- run -- /nonexistent; }
case_frontend_not_elf() { expect 126 empty -- run --mount "$DATA:/data:ro" -- /data/notelf.sh; }
case_frontend_exit_status() { expect 7 -- run -- $BB sh -c 'exit 7'; }
case_frontend_signal_status() { expect 143 -- run -- $BB sh -c 'kill -TERM $$'; }

# ---- default policy ---------------------------------------------------
case_policy_shadow_hidden() { expect nonzero empty secret -- run -- $BB cat /etc/shadow; }
case_policy_root_hidden() { expect any empty -- run -- $BB ls -A /root; }
case_policy_home_hidden() { expect any empty -- run -- $BB ls -A /home; }
case_policy_tmp_empty() { expect 0 empty -- run -- $BB ls -A /tmp; }
case_policy_usr_readonly() {
	if [ -e /usr/bentotest ]; then
		t_fail "apps/$CASE" "/usr/bentotest already exists on the host; remove it first"
		return
	fi
	expect nonzero -- run -- $BB touch /usr/bentotest
	if [ -e /usr/bentotest ]; then
		rm -f /usr/bentotest
		t_fail "apps/$CASE-host" "/usr/bentotest was created on the host"
	fi
}

# ---- need fork/exec (APPS_FORK=1) -------------------------------------
case_fork_sh_pipe() { same -- $BB sh -c 'echo hello; ls /usr/share | head -3'; }
case_fork_sh_subshell() { same -- $BB sh -c 'x=$(echo inner); echo "got $x"; (exit 3); echo "status $?"'; }
case_fork_python_subprocess() { same -- "${PY[@]}" -c 'import subprocess; print(subprocess.run(["/bin/echo", "child"], capture_output=True, text=True).stdout, end="")'; }

all_cases=$(sed -n 's/^case_\([a-z0-9_]*\)().*/\1/p' "$0")
selected=()
if [ $# -eq 0 ]; then
	for c in $all_cases; do
		case $c in fork_*) [ "${APPS_FORK:-0}" = 1 ] || continue ;; esac
		selected+=("$c")
	done
else
	for c in "$@"; do
		selected+=("${c#apps/}")
	done
fi

for CASE in "${selected[@]}"; do
	if declare -F "case_$CASE" >/dev/null; then
		"case_$CASE"
	else
		t_fail "apps/$CASE" "no such case"
	fi
done

t_summary
