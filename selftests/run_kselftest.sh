#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In-guest test entry point of vmsched (busybox sh compatible).
#
# Runs every test listed in tests.list next to this script (or those matching
# -t, but for those matching -x), prints KTAP and ends with the line
# "N passed, N failed, N skipped". Independent of how the machine was
# booted: the VM runner calls it, and so can `vng --exec` or a shell on a
# test host (as root, with kvm loaded).
#
#   run_tests.sh [-l] [-t PATTERN]... [-x PATTERN]... [-T SECONDS]
#
# Environment: VMSCHED_MODDIR  folder with kvm_schedswap.ko and the plugins
#              (default: <this folder>/modules)
# A test is an executable. Exit 0 = pass, 4 = skip (kselftest's KSFT_SKIP),
# anything else = fail. Its own output (usually nested KTAP) is shown as
# "# " comments. A test that runs past its timeout fails.
#
# A skip is a failure unless allowed_skips (next to this script) lists it:
# a test that skips as a whole (exit 4) by its name, a case that a passing
# test skips ("ok N CASE # SKIP ...") as TEST:CASE. What the suite needs
# (KVM, our modules, the CLI) is never a reason to skip.

DIR=$(cd "$(dirname "$0")" && pwd)
LIST="$DIR/tests.list"
ALLOWED="$DIR/allowed_skips"
TIMEOUT=${VMSCHED_TEST_TIMEOUT:-600}
FILTERS=""
EXCLUDES=""
export VMSCHED_MODDIR="${VMSCHED_MODDIR:-$DIR/modules}"
export VMSCHED_TESTDIR="$DIR"
export PATH="$DIR:$DIR/bin:$PATH"

usage() {
	echo "usage: run_tests.sh [-l] [-t PATTERN]... [-x PATTERN]... [-T SECONDS]" >&2
	exit 2
}

LISTONLY=0
while [ $# -gt 0 ]; do
	case "$1" in
	-l) LISTONLY=1 ;;
	-t) shift; [ $# -gt 0 ] || usage; FILTERS="$FILTERS $1" ;;
	-x) shift; [ $# -gt 0 ] || usage; EXCLUDES="$EXCLUDES $1" ;;
	-T) shift; [ $# -gt 0 ] || usage; TIMEOUT=$1 ;;
	-h|--help) usage ;;
	*) usage ;;
	esac
	shift
done

[ -r "$LIST" ] || { echo "run_tests.sh: no test list at $LIST" >&2; exit 2; }

selected() {
	for f in $EXCLUDES; do
		case "$1" in
		*$f*) return 1 ;;
		esac
	done
	[ -z "$FILTERS" ] && return 0
	for f in $FILTERS; do
		case "$1" in
		*$f*) return 0 ;;
		esac
	done
	return 1
}

# is skip NAME (a test, or TEST:CASE) listed in allowed_skips?
allowed() {
	[ -r "$ALLOWED" ] || return 1
	while read -r name _; do
		case "$name" in ''|'#'*) continue ;; esac
		[ "$name" = "$1" ] && return 0
	done < "$ALLOWED"
	return 1
}

# the first case that test $1 skipped in its output $2 and allowed_skips
# does not list, as "CASE: reason"; nothing if none
unexpected_case_skip() {
	sed -n 's/^\(# \)*ok [0-9][0-9]* \([^ #][^ #]*\) # SKIP *\(.*\)/\2 \3/p' "$2" |
	while read -r c reason; do
		allowed "$1:$c" || { echo "$c: $reason"; break; }
	done
}

TESTS=""
while read -r t; do
	case "$t" in ''|'#'*) continue ;; esac
	selected "$t" && TESTS="$TESTS $t"
done < "$LIST"

if [ $LISTONLY = 1 ]; then
	for t in $TESTS; do echo "$t"; done
	exit 0
fi

N=0
for t in $TESTS; do N=$((N + 1)); done
# a pattern that matches nothing is a mistake, not a pass
[ $N -gt 0 ] || { echo "run_tests.sh: no test selected" >&2; exit 2; }

echo "TAP version 13"
echo "1..$N"
i=0 pass=0 fail=0 skip=0
for t in $TESTS; do
	i=$((i + 1))
	echo "# selftests: vmsched: $t"
	out=/tmp/vmsched-test.$$.out
	start=$(date +%s)
	if [ -x "$DIR/$t" ]; then
		timeout "$TIMEOUT" "$DIR/$t" > "$out" 2>&1 < /dev/null
		rc=$?
	else
		echo "test program $DIR/$t is missing" > "$out"
		rc=1
	fi
	sed 's/^/# /' "$out"
	end=$(date +%s)
	case_skip=
	[ $rc = 0 ] && case_skip=$(unexpected_case_skip "$t" "$out")
	if [ $rc = 0 ] && [ -z "$case_skip" ]; then
		echo "ok $i $t"
		pass=$((pass + 1))
	elif [ $rc = 0 ]; then
		echo "not ok $i $t # a case skipped, not in allowed_skips: $case_skip"
		fail=$((fail + 1))
	elif [ $rc = 4 ]; then
		reason=$(grep -m1 '# SKIP' "$out" | sed 's/.*# SKIP *//')
		if allowed "$t"; then
			echo "ok $i $t # SKIP ${reason:-skipped}"
			skip=$((skip + 1))
		else
			echo "not ok $i $t # skipped, not in allowed_skips: ${reason:-no reason}"
			fail=$((fail + 1))
		fi
	else
		[ $rc = 124 ] && echo "# $t: timed out after ${TIMEOUT}s"
		echo "not ok $i $t # exit=$rc"
		fail=$((fail + 1))
	fi
	echo "# $t: $((end - start))s"
	rm -f "$out"
done
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
