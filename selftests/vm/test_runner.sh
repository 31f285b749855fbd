#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-test of the VM runner: its exit status must be the truth. A passing
# command passes; a failing command, a kernel splat in the guest, a hung
# guest, a boot without KVM and a module of ours that does not load each
# fail the run, with the reason in the runner's output. Then run_kselftest.sh
# on this machine, on made-up tests: a test that skips, or passes with a
# skipped case, fails the suite unless allowed_skips lists it.
#
#   test_runner.sh [KERNEL]     (default 6.12; modules must be built)
set -uo pipefail
DIR=$(cd "$(dirname "$0")" && pwd)
KERNEL=${1:-6.12}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "TAP version 13"
echo "1..10"
n=0 fails=0

# verdict TAPNAME WANT_RC(0|nonzero) WANT_MESSAGE RC OUTPUT: one TAP line
verdict() {
	local name=$1 want=$2 msg=$3 rc=$4 out=$5
	n=$((n + 1))
	if { [ "$want" = 0 ] && [ "$rc" = 0 ]; } ||
	   { [ "$want" != 0 ] && [ "$rc" != 0 ] && grep -q "$msg" "$out"; }; then
		echo "ok $n $name"
	else
		sed 's/^/# /' "$out" | tail -20
		echo "not ok $n $name # exit $rc, wanted $want with '$msg'"
		fails=$((fails + 1))
	fi
}

# case NAME WANT_RC WANT_MESSAGE -- runner args...
case_() {
	local name=$1 want=$2 msg=$3 rc
	shift 4
	"$DIR/run_vm.sh" --kernel "$KERNEL" --no-build --log "$OUT/$name.log" "$@" \
		> "$OUT/$name.out" 2>&1
	rc=$?
	verdict "runner_$name" "$want" "$msg" $rc "$OUT/$name.out"
}

case_ passes 0 "" -- --guest-cmd 'true'
case_ failing_command 1 "guest command exited with 1" -- --guest-cmd 'false'
case_ kernel_splat 1 "the guest kernel splatted" -- \
	--guest-cmd 'insmod /selftests/modules/vmsched_test_splat.ko; true'
case_ hang 1 "did not finish within" -- --timeout 30 --guest-cmd 'sleep 600'
# what the suite needs and does not find is a failure, not a skip
case_ no_kvm 1 "skipped, not in allowed_skips: no /dev/kvm" -- \
	--setup 'rmmod kvm_amd kvm' --tests core/two_vms
case_ module_does_not_load 1 "skipped, not in allowed_skips: cannot load" -- \
	--setup 'echo broken > /selftests/modules/kvm_schedswap.ko' --tests policy/params

# suite NAME WANT_RC WANT_MESSAGE ALLOWED_SKIPS: run_kselftest.sh here on the
# made-up tests of $OUT/suite with that allowed_skips
suite() {
	local name=$1 want=$2 msg=$3 rc
	printf '%s\n' "$4" > "$OUT/suite/allowed_skips"
	"$OUT/suite/run_kselftest.sh" -t "$name" > "$OUT/$name.out" 2>&1
	rc=$?
	verdict "run_kselftest_$name" "$want" "$msg" $rc "$OUT/$name.out"
}

mkdir -p "$OUT/suite/fake"
cp "$DIR/../run_kselftest.sh" "$OUT/suite/"
printf '#!/bin/sh\necho "1..0 # SKIP no frobnicator"\nexit 4\n' > "$OUT/suite/fake/whole_skip"
printf '#!/bin/sh\necho "1..2"\necho "ok 1 one"\necho "ok 2 two # SKIP no frob"\n' \
	> "$OUT/suite/fake/case_skip"
chmod +x "$OUT/suite/fake/whole_skip" "$OUT/suite/fake/case_skip"
printf 'fake:whole_skip\nfake:case_skip\n' > "$OUT/suite/kselftest-list.txt"
suite whole_skip 1 "not ok 1 selftests: fake: whole_skip # skipped, not in allowed_skips: no frobnicator" ""
suite case_skip 1 "a case skipped, not in allowed_skips: two: no frob" ""
suite whole_skip 0 "" "fake:whole_skip needs a frobnicator"
suite case_skip 0 "" "fake:case_skip:two needs a frob"

echo "$((n - fails)) passed, $fails failed"
[ $fails = 0 ]
