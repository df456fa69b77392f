#!/usr/bin/env bash
# tests/guest/run.sh [BENTO] [NAME...]: builds every tests/guest/NAME.c into
# build/guest/NAME, runs each natively and as
#   BENTO run $BENTO_OPTS --mount build/guest:/t:ro -- /t/NAME ARGS
# with the same fixed environment and stdin /dev/null, and compares stdout
# and exit status (a death by signal N counts as 128+N on both sides).
#
# BENTO defaults to build/bento. BENTO=native compares two native runs (a
# determinism check for the tests themselves). BENTO_OPTS adds options after
# "run" (e.g. BENTO_OPTS=--no-rewrite). NAMEs select a subset.
#
# A test's first lines may say "// build: static" or "// build: static-pie"
# and "// args: A 'B C'" (shell words passed to the program).
# Outputs are kept in build/guest/results/NAME/ for inspection.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/tests/lib.sh"

BENTO=${1:-$root/build/bento}
[ $# -gt 0 ] && shift
[ "$BENTO" = native ] || BENTO=$(t_abspath "$BENTO")
read -r -a opts <<<"${BENTO_OPTS:-}"
out_dir=$root/build/guest
CFLAGS=(-O1 -g -Wall -Wextra -Werror -pthread -I"$here")
mkdir -p "$out_dir/results"

if [ "$BENTO" != native ] && [ ! -x "$BENTO" ]; then
	echo "run.sh: warning: $BENTO is not an executable; every test will fail" >&2
fi

# Selected tests: all by default, else the names given (guest/ and .c are
# accepted around a name).
names=()
if [ $# -eq 0 ]; then
	for src in "$here"/*.c; do
		names+=("$(basename "$src" .c)")
	done
else
	for n in "$@"; do
		n=${n#guest/}
		names+=("${n%.c}")
	done
fi

# The value of a "// KEY:" line among a source's first 10 lines.
header() {
	head -n 10 "$1" | sed -n "s|^// $2: *||p" | head -n 1
}

build_one() {
	local name=$1 src=$here/$1.c bin=$out_dir/$1 mode link=()
	mode=$(header "$src" build)
	case $mode in
	static) link=(-static) ;;
	static-pie) link=(-static-pie) ;;
	"") ;;
	*)
		echo "unknown build mode '$mode'" >"$bin.buildlog"
		return 1
		;;
	esac
	if gcc "${CFLAGS[@]}" "${link[@]}" -o "$bin.tmp" "$src" >"$bin.buildlog" 2>&1; then
		mv "$bin.tmp" "$bin"
	else
		rm -f "$bin.tmp" "$bin"
		return 1
	fi
}

# Build what is missing or stale, in parallel.
jobs_max=$(nproc 2>/dev/null || echo 2)
for name in "${names[@]}"; do
	src=$here/$name.c bin=$out_dir/$name
	[ -f "$src" ] || continue
	if [ -x "$bin" ] && [ "$bin" -nt "$src" ] && [ "$bin" -nt "$here/guest.h" ] && [ "$bin" -nt "$here/run.sh" ]; then
		continue
	fi
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
		wait -n
	done
	build_one "$name" &
done
wait

for name in "${names[@]}"; do
	test_name=guest/$name
	src=$here/$name.c bin=$out_dir/$name
	if [ ! -f "$src" ]; then
		t_fail "$test_name" "no such test ($src)"
		continue
	fi
	if [ ! -x "$bin" ]; then
		t_fail "$test_name" "build failed" "$bin.buildlog"
		continue
	fi
	args=()
	line=$(header "$src" args)
	[ -n "$line" ] && eval "args=($line)"
	# "// timeout: SECONDS" in the first lines: a longer limit for a test
	# whose run time grows with the machine's load (signal floods).
	T_TIMEOUT=$(header "$src" timeout)
	T_TIMEOUT=${T_TIMEOUT:-${GUEST_TIMEOUT:-30}}
	d=$out_dir/results/$name
	rm -rf "$d"
	mkdir -p "$d"

	(cd / && t_exec "$d/native.out" "$d/native.err" /dev/null -- "${T_ENV[@]}" "$bin" "${args[@]}"; echo "$T_STATUS" >"$d/native.status")
	if [ "$BENTO" = native ]; then
		(cd / && t_exec "$d/bento.out" "$d/bento.err" /dev/null -- "${T_ENV[@]}" "$bin" "${args[@]}"; echo "$T_STATUS" >"$d/bento.status")
	else
		(cd / && t_exec "$d/bento.out" "$d/bento.err" /dev/null -- "${T_ENV[@]}" "$BENTO" run "${opts[@]}" \
			--mount "$out_dir:/t:ro" -- "/t/$name" "${args[@]}"; echo "$T_STATUS" >"$d/bento.status")
	fi
	t_compare "$test_name" "$d"
done

t_summary
