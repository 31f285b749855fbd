#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In-guest test entry point of vmsched (busybox sh compatible).
#
# Runs every test listed in tests.list next to this script (or those matching
# -t), prints KTAP and ends with the line "N passed, N failed, N skipped".
# Independent of how the machine was booted: the VM runner calls it, and so
# can `vng --exec` or a shell on a test host (as root, with kvm loaded).
#
#   run_tests.sh [-l] [-t PATTERN]... [-T SECONDS]
#
# Environment: VMSCHED_MODDIR  folder with kvm_schedswap.ko and the plugins
#              (default: <this folder>/modules)
# A test is an executable. Exit 0 = pass, 4 = skip (kselftest's KSFT_SKIP),
# anything else = fail. Its own output (usually nested KTAP) is shown as
# "# " comments. A test that runs past its timeout fails.

DIR=$(cd "$(dirname "$0")" && pwd)
LIST="$DIR/tests.list"
TIMEOUT=${VMSCHED_TEST_TIMEOUT:-600}
FILTERS=""
export VMSCHED_MODDIR="${VMSCHED_MODDIR:-$DIR/modules}"
export VMSCHED_TESTDIR="$DIR"
export PATH="$DIR:$DIR/bin:$PATH"

usage() {
	echo "usage: run_tests.sh [-l] [-t PATTERN]... [-T SECONDS]" >&2
	exit 2
}

LISTONLY=0
while [ $# -gt 0 ]; do
	case "$1" in
	-l) LISTONLY=1 ;;
	-t) shift; [ $# -gt 0 ] || usage; FILTERS="$FILTERS $1" ;;
	-T) shift; [ $# -gt 0 ] || usage; TIMEOUT=$1 ;;
	-h|--help) usage ;;
	*) usage ;;
	esac
	shift
done

[ -r "$LIST" ] || { echo "run_tests.sh: no test list at $LIST" >&2; exit 2; }

selected() {
	[ -z "$FILTERS" ] && return 0
	for f in $FILTERS; do
		case "$1" in
		*$f*) return 0 ;;
		esac
	done
	return 1
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
	if [ $rc = 0 ]; then
		echo "ok $i $t"
		pass=$((pass + 1))
	elif [ $rc = 4 ]; then
		reason=$(grep -m1 '# SKIP' "$out" | sed 's/.*# SKIP *//')
		echo "ok $i $t # SKIP ${reason:-skipped}"
		skip=$((skip + 1))
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
