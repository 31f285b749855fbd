#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-test of the VM runner: its exit status must be the truth. A passing
# command passes; a failing command, a kernel splat in the guest and a hung
# guest each fail the run, with the reason in the runner's output.
#
#   test_runner.sh [KERNEL]     (default 6.12; modules must be built)
set -uo pipefail
DIR=$(cd "$(dirname "$0")" && pwd)
KERNEL=${1:-6.12}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "TAP version 13"
echo "1..4"
n=0 fails=0

# case NAME WANT_RC(0|nonzero) WANT_MESSAGE -- runner args...
case_() {
	local name=$1 want=$2 msg=$3 rc
	shift 4
	n=$((n + 1))
	"$DIR/run_vm.sh" --kernel "$KERNEL" --no-build --log "$OUT/$name.log" "$@" \
		> "$OUT/$name.out" 2>&1
	rc=$?
	if { [ "$want" = 0 ] && [ $rc = 0 ]; } ||
	   { [ "$want" != 0 ] && [ $rc != 0 ] && grep -q "$msg" "$OUT/$name.out"; }; then
		echo "ok $n runner_$name"
	else
		sed 's/^/# /' "$OUT/$name.out" | tail -20
		echo "not ok $n runner_$name # exit $rc, wanted $want with '$msg'"
		fails=$((fails + 1))
	fi
}

case_ passes 0 "" -- --guest-cmd 'true'
case_ failing_command 1 "guest command exited with 1" -- --guest-cmd 'false'
case_ kernel_splat 1 "the guest kernel splatted" -- \
	--guest-cmd 'insmod /selftests/modules/vmsched_test_splat.ko; true'
case_ hang 1 "did not finish within" -- --timeout 30 --guest-cmd 'sleep 600'

echo "$((n - fails)) passed, $fails failed"
[ $fails = 0 ]
