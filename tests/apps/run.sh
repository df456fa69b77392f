#!/usr/bin/env bash
# tests/apps/run.sh [BENTO] [CASE...]: real programs (busybox, coreutils,
# bash, python3, sqlite3, gcc and make) run natively and as
# `BENTO run $BENTO_OPTS ... -- CMD` with the same environment, comparing
# stdout and exit status; plus checks
# of the front end's own exit statuses and of the default sandbox policy,
# which have no native counterpart and are compared with fixed answers.
#
# Comparison cases run natively with the data directory (a fresh mktemp -d
# under /tmp) as the current directory and under bento with
# `--mount DATA:/data:ro --cwd /data`, so relative paths name the same files.
# Outputs are kept in build/apps/results/CASE/.
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

# same_filtered SED_EXPR -- CMD...: as same, with SED_EXPR applied to both
# stdouts first (for values that legitimately differ, such as pids).
same_filtered() {
	local expr=$1 d side
	shift 2 # EXPR --
	d=$(new_dir "$CASE")
	native_side "$d" /dev/null "$@"
	bento_side "$d" /dev/null "$@"
	for side in native bento; do
		sed -e "$expr" "$d/$side.out" >"$d/$side.out.tmp" && mv "$d/$side.out.tmp" "$d/$side.out"
	done
	t_compare "apps/$CASE" "$d"
}

# check NAME DIR COND_TEXT: PASS if COND_TEXT is empty, else FAIL with it and
# the case's stdout/stderr.
check() {
	local d=$2 reason=$3
	if [ -z "$reason" ]; then
		t_pass "apps/$1"
		return
	fi
	{
		echo "--- stdout:"
		head -n 12 "$d/bento.out"
		echo "--- stderr:"
		tail -n 8 "$d/bento.err"
	} >"$d/details"
	t_fail "apps/$1" "$reason" "$d/details"
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
# cp: O_CREAT with the source's full st_mode, and sendfile.
case_busybox_cp() { same -- $BB sh -c 'cp words.txt /tmp/bento-app-cp && cat /tmp/bento-app-cp && rm /tmp/bento-app-cp'; }
case_python_copyfile() { same -- /usr/bin/python3 -B -c 'import shutil,os; shutil.copyfile("words.txt","/tmp/bento-app-pc"); print(open("/tmp/bento-app-pc").read()); os.unlink("/tmp/bento-app-pc")'; }
# Interactive job control in bash through a pseudo-terminal: Ctrl-C and
# Ctrl-Z reach only the foreground job, jobs/fg/kill %N work.
case_bash_job_control() {
	local d side cmd
	d=$(new_dir "$CASE")
	for side in native bento; do
		if [ $side = native ]; then cmd=(/bin/bash --norc -i); else cmd=("$BENTO" run -- /bin/bash --norc -i); fi
		timeout 60 /usr/bin/python3 -B "$root/tests/apps/jobctl.py" "${cmd[@]}" 2>&1 | tr -d '\r' |
			sed -e 's/^\[\([0-9]*\)\] [0-9]*$/[\1] PID/' -e '/^$/d' >"$d/$side.out"
		echo "${PIPESTATUS[0]}" >"$d/$side.status"
		: >"$d/$side.err"
	done
	# The transcript must show the session actually ran.
	if ! grep -q '^\[2\]+  Stopped' "$d/native.out"; then
		t_fail "apps/$CASE" "the native session did not run (no stopped job)" "$d/native.out"
		return
	fi
	t_compare "apps/$CASE" "$d"
}
# A program named without a slash is found through the guest's PATH.
case_path_lookup() { same -- sh -c 'echo found through PATH; ls / >/dev/null; echo $?'; }
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

# ---- processes: fork, exec, pipes, signals ----------------------------
case_fork_sh_pipe() { same -- $BB sh -c 'echo hello; ls /usr/share | head -3'; }
case_fork_sh_subshell() { same -- $BB sh -c 'x=$(echo inner); echo "got $x"; (exit 3); echo "status $?"'; }
case_fork_python_subprocess() { same -- "${PY[@]}" -c 'import subprocess; print(subprocess.run(["/bin/echo", "child"], capture_output=True, text=True).stdout, end="")'; }

# The commands of issue 3 ("what a user must be able to do").
case_proc_bash_pipestatus() { same -- /bin/bash -c 'seq 1 20000 | sort -rn | head -3; echo "${PIPESTATUS[@]}"'; }
case_proc_sh_gcc_tmp() {
	# Natively in a fresh directory under the host's /tmp; in the sandbox
	# its /tmp is private anyway.
	same -- /bin/sh -c 'd=$(mktemp -d /tmp/bento-apps-gcc.XXXXXX) && cd "$d" && printf "int main(){return 7;}" > a.c && gcc a.c -o a && ./a; echo $?; cd / && rm -rf "$d"'
}
case_proc_python_subprocess_rc() {
	# "echo $$" prints the child's pid, which differs: a number is enough.
	same_filtered 's/^[0-9][0-9]*$/PID/' -- "${PY[@]}" -c 'import subprocess; print(subprocess.run(["sh","-c","echo $$; exit 3"]).returncode)'
}
case_proc_busybox_sleep_kill() { same -- $BB sh -c 'sleep 5 & kill $!; wait $!; echo $?'; }
case_proc_python_pool_map() {
	same -- "${PY[@]}" -c '
import multiprocessing as mp
def sq(x):
    return x * x
if __name__ == "__main__":
    with mp.Pool(2) as p:
        print(p.map(sq, [1, 2, 3, 4, 5, 6, 7]))'
}
case_proc_sh_pipeline_status() { same -- $BB sh -c 'yes | head -c 100000 | wc -c; false | true; echo "last $?"; ! true; echo "neg $?"'; }
case_proc_bash_jobs() { same -- /bin/bash -c 'sleep 0.2 & sleep 0.1 & wait; echo "waited $?"; (exit 4) & wait $!; echo "job $?"'; }
# (Never pkill by name here: natively that would reach the host's processes.)
case_proc_busybox_pgrep() { same -- $BB sh -c 'sleep 5 & p=$!; pgrep -x sleep | grep -qx "$p" && echo "pgrep finds it"; pgrep -f "sleep 5" | grep -qx "$p" && echo "pgrep -f finds it"; kill $p; wait $p; echo "status $?"'; }
case_proc_xargs_find() { same -- /bin/sh -c 'find . -name "*.txt" | sort | xargs -n 2 echo'; }

# busybox ps in the sandbox lists only the sandbox's own processes: pid 1
# is the program bento started, and there are only a few lines.
case_proc_busybox_ps() {
	local d reason=
	d=$(new_dir "$CASE")
	(cd / && t_exec "$d/bento.out" "$d/bento.err" /dev/null -- "${T_ENV[@]}" "$BENTO" run "${opts[@]}" \
		-- $BB sh -c 'ps; echo "status $?"'; echo "$T_STATUS" >"$d/bento.status")
	local s lines
	s=$(cat "$d/bento.status")
	lines=$(wc -l <"$d/bento.out")
	[ "$s" = 0 ] || reason="status $(t_status_text "$s"), want 0"
	grep -q '^status 0$' "$d/bento.out" || reason="${reason:+$reason; }ps failed"
	[ "$lines" -ge 3 ] && [ "$lines" -le 6 ] || reason="${reason:+$reason; }$lines lines, want 3 to 6 (header, sh, ps, status)"
	# As natively: the command line of pid 1 (ps shows [comm] only when
	# the command line is empty).
	awk '$1 == 1' "$d/bento.out" | grep -q 'sh -c' || reason="${reason:+$reason; }pid 1 is not shown as the shell (sh -c ...)"
	# ps runs in a forked shell without exec: "{ps} /bin/busybox sh -c ..."
	grep -qE '(^|[ /])ps$|\{ps\}' "$d/bento.out" || reason="${reason:+$reason; }no line for ps itself"
	check "$CASE" "$d" "$reason"
}
case_proc_busybox_ps_alone() {
	local d reason=
	d=$(new_dir "$CASE")
	(cd / && t_exec "$d/bento.out" "$d/bento.err" /dev/null -- "${T_ENV[@]}" "$BENTO" run "${opts[@]}" \
		-- $BB ps; echo "$T_STATUS" >"$d/bento.status")
	local s lines
	s=$(cat "$d/bento.status")
	lines=$(wc -l <"$d/bento.out")
	[ "$s" = 0 ] || reason="status $(t_status_text "$s"), want 0"
	[ "$lines" = 2 ] || reason="${reason:+$reason; }$lines lines, want 2 (header and ps as pid 1)"
	awk '$1 == 1' "$d/bento.out" | grep -q 'ps' || reason="${reason:+$reason; }pid 1 is not ps"
	check "$CASE" "$d" "$reason"
}

# A real build: a C project of several files built with make -j2 and gcc in
# the sandbox (mounted rw at /src), its binary run inside and outside the
# sandbox, and a native build of the same sources: the same output.
make_project() {
	local p=$1
	mkdir -p "$p/lib"
	cat >"$p/Makefile" <<'MK'
CC = gcc
CFLAGS = -O2 -Wall -Ilib
OBJS = main.o lib/stats.o lib/words.o lib/fib.o
prog: $(OBJS)
	$(CC) -o $@ $(OBJS)
%.o: %.c lib/proj.h
	$(CC) $(CFLAGS) -c -o $@ $<
clean:
	rm -f prog $(OBJS)
MK
	cat >"$p/lib/proj.h" <<'H'
long sum_squares(int n);
int count_words(const char *s);
unsigned long long fib(int n);
H
	cat >"$p/lib/stats.c" <<'C'
#include "proj.h"
long sum_squares(int n) { long s = 0; for (int i = 1; i <= n; i++) s += (long)i * i; return s; }
C
	cat >"$p/lib/words.c" <<'C'
#include <ctype.h>
#include "proj.h"
int count_words(const char *s) { int n = 0, in = 0; for (; *s; s++) { if (isspace((unsigned char)*s)) in = 0; else if (!in) { in = 1; n++; } } return n; }
C
	cat >"$p/lib/fib.c" <<'C'
#include "proj.h"
unsigned long long fib(int n) { unsigned long long a = 0, b = 1; while (n-- > 0) { unsigned long long t = a + b; a = b; b = t; } return a; }
C
	cat >"$p/main.c" <<'C'
#include <stdio.h>
#include "proj.h"
int main(int argc, char **argv)
{
	printf("sum_squares(100) = %ld\n", sum_squares(100));
	printf("words = %d\n", count_words("the quick  brown fox\tjumps"));
	printf("fib(90) = %llu\n", fib(90));
	for (int i = 1; i < argc; i++)
		printf("arg %d: %s\n", i, argv[i]);
	return 3;
}
C
}
case_proc_make_j2_project() {
	local d pb pn reason=
	d=$(new_dir "$CASE")
	pb=$(mktemp -d /tmp/bento-apps-proj-XXXXXX)
	pn=$(mktemp -d /tmp/bento-apps-projn-XXXXXX)
	make_project "$pb"
	make_project "$pn"
	chmod 777 "$pb" "$pb/lib" # the guest may run under another uid
	(cd / && t_exec "$d/make.out" "$d/make.err" /dev/null -- "${T_ENV[@]}" "$BENTO" run "${opts[@]}" \
		--mount "$pb:/src:rw" -- /usr/bin/make -C /src -j2; echo "$T_STATUS" >"$d/make.status")
	(cd "$pn" && make -s -j2 >"$d/native-make.out" 2>&1)
	(cd / && t_exec "$d/native.out" "$d/native.err" /dev/null -- "${T_ENV[@]}" "$pn/prog" one "two words"; echo "$T_STATUS" >"$d/native.status")
	(cd / && t_exec "$d/outside.out" "$d/outside.err" /dev/null -- "${T_ENV[@]}" "$pb/prog" one "two words"; echo "$T_STATUS" >"$d/outside.status")
	(cd / && t_exec "$d/bento.out" "$d/bento.err" /dev/null -- "${T_ENV[@]}" "$BENTO" run "${opts[@]}" \
		--mount "$pb:/src:ro" -- /src/prog one "two words"; echo "$T_STATUS" >"$d/bento.status")
	local ms
	ms=$(cat "$d/make.status")
	[ "$ms" = 0 ] || reason="make -j2 in the sandbox: status $(t_status_text "$ms")"
	[ -x "$pb/prog" ] || reason="${reason:+$reason; }no prog built"
	cmp -s "$d/native.out" "$d/outside.out" && [ "$(cat "$d/native.status")" = "$(cat "$d/outside.status")" ] ||
		reason="${reason:+$reason; }the sandbox-built prog run outside differs from a native build"
	cmp -s "$d/native.out" "$d/bento.out" && [ "$(cat "$d/native.status")" = "$(cat "$d/bento.status")" ] ||
		reason="${reason:+$reason; }the sandbox-built prog run inside differs from a native build"
	if [ -n "$reason" ]; then
		cp "$d/make.out" "$d/bento.out.make"
		{
			echo "--- make stdout:"
			tail -n 8 "$d/make.out"
			echo "--- make stderr:"
			tail -n 8 "$d/make.err"
			echo "--- prog inside (status $(cat "$d/bento.status")):"
			head -n 6 "$d/bento.out"
		} >"$d/details"
		t_fail "apps/$CASE" "$reason" "$d/details"
	else
		t_pass "apps/$CASE"
	fi
	rm -rf "$pb" "$pn"
}

all_cases=$(sed -n 's/^case_\([a-z0-9_]*\)().*/\1/p' "$0")
selected=()
if [ $# -eq 0 ]; then
	for c in $all_cases; do
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
