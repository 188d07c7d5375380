#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The test runner.  Every test program speaks TAP ("ok N - name" /
# "not ok N - name"); a program that exits non-zero without a "not ok"
# line counts as one failure.  The last line is "N passed, M failed".
#
#   tests/run.sh                 everything (unit, asan, fuzz, integ)
#   tests/run.sh --unit          unit tests only
#   tests/run.sh PATTERN...      only tests whose path matches a pattern
set -uo pipefail
cd "$(dirname "$0")/.."

# Seconds per fuzz target: the translation engine's targets (the hot,
# deep code) get FUZZ_SECONDS, the control-plane parser targets (small
# inputs, millions of runs a second; the same list as FUZZ_CTL in the
# Makefile) FUZZ_PARSER_SECONDS.
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_PARSER_SECONDS=${FUZZ_PARSER_SECONDS:-10}
FUZZ_PARSER_TARGETS="fuzz_ra fuzz_ndp fuzz_rfc7050 fuzz_link_monitor fuzz_rtnl fuzz_nexthop fuzz_config fuzz_ctl"
BUILD=${BUILD:-build}
ASAN_BUILD=${ASAN_BUILD:-build-asan}
LOGDIR=$BUILD/test-logs
mkdir -p "$LOGDIR"

only_unit=0
patterns=()
for a in "$@"; do
	case "$a" in
	--unit) only_unit=1 ;;
	*) patterns+=("$a") ;;
	esac
done

passed=0
failed=0
todos=0
failures=()

wanted() {
	[ ${#patterns[@]} -eq 0 ] && return 0
	local p
	for p in "${patterns[@]}"; do
		[[ "$1" == *"$p"* ]] && return 0
	done
	return 1
}

# run_tap NAME CMD...: run CMD, echo its TAP, count it.
run_tap() {
	local name=$1 log rc ok bad
	shift
	log="$LOGDIR/${name//\//_}.log"
	echo "# --- $name"
	"$@" >"$log" 2>&1 </dev/null
	rc=$?
	ok=$(grep -cE '^ok ' "$log")
	# TAP: a "not ok ... # TODO" is a known, reported gap, not a failure.
	bad=$(grep -E '^not ok ' "$log" | grep -cvE '# TODO')
	todo=$(grep -cE '^not ok .*# TODO' "$log")
	todos=$((todos + todo))
	grep -E '^(not ok|#)' "$log" | sed "s|^|$name: |" | head -n 200
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1
		echo "$name: not ok - exited with status $rc (log: $log)"
		tail -n 20 "$log" | sed "s|^|$name:   |"
	fi
	if [ "$ok" -eq 0 ] && [ "$bad" -eq 0 ]; then
		bad=1
		echo "$name: not ok - ran no test (log: $log)"
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	[ "$bad" -gt 0 ] && failures+=("$name")
	echo "# $name: $ok passed, $bad failed"
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	wanted "unit/${t##*/}" && run_tap "unit/${t##*/}" "$t"
done

if [ "$only_unit" -eq 0 ]; then
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	for t in "$ASAN_BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		wanted "asan/${t##*/}" && run_tap "asan/${t##*/}" "$t"
	done

	for f in "$BUILD"/fuzz/fuzz_*; do
		[ -x "$f" ] || continue
		n=${f##*/}
		wanted "fuzz/$n" || continue
		corpus=tests/fuzz/corpus/${n#fuzz_}
		work=$(mktemp -d)
		[ -d "$corpus" ] && cp -r "$corpus"/. "$work"/ 2>/dev/null
		secs=$FUZZ_SECONDS
		[[ " $FUZZ_PARSER_TARGETS " == *" $n "* ]] && secs=$FUZZ_PARSER_SECONDS
		# A finding's input is kept next to the logs, not in the tree.
		run_tap "fuzz/$n" bash -c "'$f' -max_total_time=$secs \
			-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix='$LOGDIR/$n-' '$work' \
			&& echo 'ok 1 - $n ran ${secs}s without a finding'"
		rm -rf "$work"
	done

	for t in tests/integ/*.sh; do
		[ -f "$t" ] || continue
		n=${t##*/}
		n=${n%.sh}
		wanted "integ/$n" && run_tap "integ/$n" timeout -k 10 600 bash "$t"
	done
fi

[ "$todos" -gt 0 ] && echo "# $todos known gap(s) marked TODO (see the not ok ... # TODO lines)"
if [ ${#failures[@]} -gt 0 ]; then
	echo "# failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
