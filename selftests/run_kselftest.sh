#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Test entry point of vmsched's installed selftests, in the kernel's
# kselftest layout (busybox sh compatible): kselftest-list.txt next to this
# script names each test as COLLECTION:TEST, the program is COLLECTION/TEST,
# and COLLECTION/settings may set its "timeout=SECONDS" (default 45, as in
# kselftest). Independent of how the machine was booted: the VM runner calls
# it, and so can a kernel CI system, `vng --exec` or a shell on a test host
# (as root, with kvm loaded).
#
#   run_kselftest.sh [-l] [-c COLLECTION]... [-t PATTERN]... [-x PATTERN]...
#                    [-o SECONDS]
#
# -l lists the selected tests; -c selects a collection, -t the tests whose
# COLLECTION:TEST or COLLECTION/TEST contains PATTERN, -x leaves out those
# that match (after -c and -t); -o overrides every test's timeout.
# Environment: VMSCHED_MODDIR  folder with kvm_schedswap.ko and the plugins
#              (default: <this folder>/modules)
#
# A test is an executable. Exit 0 = pass, 4 = skip (KSFT_SKIP), anything else
# = fail. Its own output (nested KTAP) is shown as "# " comments. A test that
# runs past its timeout fails. Prints KTAP, the kselftest "# Totals:" line
# and last "N passed, N failed, N skipped"; exit status 0 only if none failed.
#
# A skip is a failure unless allowed_skips (next to this script) lists it:
# a test that skips as a whole (exit 4) as COLLECTION:TEST, a case that a
# passing test skips ("ok N CASE # SKIP ...") as COLLECTION:TEST:CASE. What
# the suite needs (KVM, our modules, the CLI) is never a reason to skip.

DIR=$(cd "$(dirname "$0")" && pwd)
LIST="$DIR/kselftest-list.txt"
ALLOWED="$DIR/allowed_skips"
OVERRIDE=
COLLECTIONS=""
FILTERS=""
EXCLUDES=""
export VMSCHED_MODDIR="${VMSCHED_MODDIR:-$DIR/modules}"
export VMSCHED_TESTDIR="$DIR"
export PATH="$DIR:$DIR/bin:$PATH"

usage() {
	echo "usage: run_kselftest.sh [-l] [-c COLLECTION]... [-t PATTERN]... [-x PATTERN]... [-o SECONDS]" >&2
	exit 2
}

LISTONLY=0
while [ $# -gt 0 ]; do
	case "$1" in
	-l) LISTONLY=1 ;;
	-c) shift; [ $# -gt 0 ] || usage; COLLECTIONS="$COLLECTIONS $1" ;;
	-t) shift; [ $# -gt 0 ] || usage; FILTERS="$FILTERS $1" ;;
	-x) shift; [ $# -gt 0 ] || usage; EXCLUDES="$EXCLUDES $1" ;;
	-o) shift; [ $# -gt 0 ] || usage; OVERRIDE=$1 ;;
	-h|--help) usage ;;
	*) usage ;;
	esac
	shift
done

[ -r "$LIST" ] || { echo "run_kselftest.sh: no test list at $LIST" >&2; exit 2; }

# does COLLECTION:TEST $1 (also written COLLECTION/TEST) match a pattern of $2?
matches() {
	for f in $2; do
		case "$1" in *$f*) return 0 ;; esac
		case "$(echo "$1" | tr : /)" in *$f*) return 0 ;; esac
	done
	return 1
}

selected() {
	[ -z "$COLLECTIONS" ] || case " $COLLECTIONS " in *" ${1%%:*} "*) ;; *) return 1 ;; esac
	[ -z "$FILTERS" ] || matches "$1" "$FILTERS" || return 1
	! matches "$1" "$EXCLUDES"
}

# is skip NAME (COLLECTION:TEST, or COLLECTION:TEST:CASE) in allowed_skips?
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

# timeout of COLLECTION:TEST $1: -o, else its collection's settings, else 45
timeout_of() {
	local t=45 settings="$DIR/${1%%:*}/settings"
	[ -n "$OVERRIDE" ] && { echo "$OVERRIDE"; return; }
	[ -r "$settings" ] && t=$(sed -n 's/^timeout=\([0-9][0-9]*\)$/\1/p' "$settings" | tail -1)
	echo "${t:-45}"
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
[ $N -gt 0 ] || { echo "run_kselftest.sh: no test selected" >&2; exit 2; }

echo "TAP version 13"
echo "1..$N"
i=0 pass=0 fail=0 skip=0
for t in $TESTS; do
	i=$((i + 1))
	c=${t%%:*} name=${t#*:}
	what="selftests: $c: $name"
	echo "# $what"
	out=/tmp/vmsched-test.$$.out
	limit=$(timeout_of "$t")
	start=$(date +%s)
	if [ -x "$DIR/$c/$name" ]; then
		timeout "$limit" "$DIR/$c/$name" > "$out" 2>&1 < /dev/null
		rc=$?
	else
		echo "test program $DIR/$c/$name is missing" > "$out"
		rc=1
	fi
	sed 's/^/# /' "$out"
	end=$(date +%s)
	case_skip=
	[ $rc = 0 ] && case_skip=$(unexpected_case_skip "$t" "$out")
	if [ $rc = 0 ] && [ -z "$case_skip" ]; then
		echo "ok $i $what"
		pass=$((pass + 1))
	elif [ $rc = 0 ]; then
		echo "not ok $i $what # a case skipped, not in allowed_skips: $case_skip"
		fail=$((fail + 1))
	elif [ $rc = 4 ]; then
		reason=$(grep -m1 '# SKIP' "$out" | sed 's/.*# SKIP *//')
		if allowed "$t"; then
			echo "ok $i $what # SKIP ${reason:-skipped}"
			skip=$((skip + 1))
		else
			echo "not ok $i $what # skipped, not in allowed_skips: ${reason:-no reason}"
			fail=$((fail + 1))
		fi
	else
		[ $rc = 124 ] && echo "# $what: timed out after ${limit}s"
		echo "not ok $i $what # exit=$rc"
		fail=$((fail + 1))
	fi
	echo "# $what: $((end - start))s"
	rm -f "$out"
done
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
