#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: every test of vmsched, on this machine and in VMs.
#   1. host-side tests (no kernel module needed): the policy simulator, the
#      CLI, the workload VMM's parsers, installing (config parser, make
#      install, make deb, DKMS)
#   2. the VM runner's self-test (6.12), beside the host-side tests
#   3. the in-guest suite (selftests/run_kselftest.sh) on Debian 6.1 and 6.12
#   4. pools at scale (reliability/pools_load) in a boot with 8 CPUs, on both
#   5. the end-to-end group with real QEMU guests (selftests/e2e) on both
# Ends with "N passed, N failed, N skipped" over all groups; exit status 0
# only if nothing failed.
#
#   check.sh [--kernels "6.1 6.12"] [--tests PATTERN] [--vm-only] [--slow]
# --vm-only: only the groups that boot a test VM (3 to 5);
# --slow: four times the time limits, workload lifetimes and waits, for a
# debug kernel (make check-debug).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

KERNELS="6.1 6.12"
TEST_ARGS=()
E2E_MATCH=0
SMP8_TEST=reliability/pools_load	# the suite VMs' 2 CPUs are too few: run_vm.sh leaves it out
SMP8_MATCH=0
HOST=1
VM_ARGS=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernels) KERNELS=$2; shift ;;
	--tests) TEST_ARGS+=(--tests "$2"); case e2e/qemu_guests in *"$2"*) E2E_MATCH=1 ;; esac
		case "$SMP8_TEST ${SMP8_TEST/\//:}" in *"$2"*) SMP8_MATCH=1 ;; esac
		shift ;;
	--vm-only) HOST=0 ;;
	--slow) VM_ARGS+=(--timeout 3600 --test-timeout 2400 --time-scale 4) ;;
	*) die "unknown option $1" ;;
	esac
	shift
done
E2E=1	# the end-to-end group runs unless --tests selects other tests only
SMP8=1	# so does the 8-CPU group
[ ${#TEST_ARGS[@]} = 0 ] || { E2E=$E2E_MATCH; SMP8=$SMP8_MATCH; }

mkdir -p "$BUILD"
PASS=0 FAIL=0 SKIP=0
FAILED=()	# "group: test" of every failure, listed again at the end
WHY=()		# "group: file:line: check failed: ..." of every failed check
START=$(date +%s)

# the verdict of a group whose output is in $BUILD/check-NAME.log: its own
# "N passed, N failed[, N skipped]" line, every "not ok", its exit status RC
collect() {
	local name=$1 rc=$2 out="$BUILD/check-$1.log" line p f s
	line=$(tr -d '\r' < "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
	p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	s=$(echo "$line" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
	p=${p:-0} f=${f:-0} s=${s:-0}
	if [ -z "$line" ]; then
		f=$((f + 1))	# a group that gives no verdict has not passed
		FAILED+=("$name: no \"N passed, N failed\" line")
	fi
	while read -r line; do
		FAILED+=("$name: $line")
	done < <(tr -d '\r' < "$out" | sed -n '/# SKIP/d; s/^\(# \)*not ok [0-9]* \(.*\)/\2/p')
	while read -r line; do
		WHY+=("$name: ${line:0:300}")
	done < <(tr -d '\r' < "$out" | sed -n 's/^\(# \)*\([^ ]*:[0-9]*: check failed: .*\)/\2/p')
	while read -r line; do
		FAILED+=("$name: skipped, not in allowed_skips: $line")
		f=$((f + 1))
		[ "$s" -gt 0 ] && s=$((s - 1))
	done < <(unexpected_host_skips "$name" "$out")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1	# the group failed outside its tests (build, boot, splat)
		echo "# $name: FAILED (exit $rc)"
		FAILED+=("$name: exit $rc outside its tests")
	fi
	PASS=$((PASS + p)) FAIL=$((FAIL + f)) SKIP=$((SKIP + s))
	echo "# $name: $p passed, $f failed, $s skipped"
}

# is skip NAME listed in selftests/allowed_skips (as run_kselftest.sh reads it)?
allowed_skip() {
	grep -v '^#' "$SRC/selftests/allowed_skips" | awk '{ print $1 }' | grep -qxF "$1"
}

# the skips of host-side group $1 (log $2) that allowed_skips does not list,
# as "CASE: reason" lines; the in-VM groups' are run_kselftest.sh's to judge
unexpected_host_skips() {
	local c reason
	case $1 in host-*|runner-*) ;; *) return 0 ;; esac
	tr -d '\r' < "$2" | sed -n 's/^\(# \)*ok [0-9]* \([^ #][^ #]*\) # SKIP *\(.*\)/\2 \3/p' |
	while read -r c reason; do
		allowed_skip "$1:$c" || echo "$c: $reason"
	done
}

# run a group that prints KTAP and its own "N passed, N failed[, N skipped]"
group() {
	local name=$1
	shift
	echo "# ---- $name"
	"$@" 2>&1 | tee "$BUILD/check-$name.log" | sed 's/^/# /'
	collect "$name" "${PIPESTATUS[0]}"
}

# the same for several groups side by side ("NAME CMD..." per argument,
# word-split); their outputs are shown one after the other when all ended
groups_parallel() {
	local spec name pids=() names=() i rc
	for spec in "$@"; do
		# shellcheck disable=SC2086
		set -- $spec
		name=$1
		shift
		echo "# ---- $name (started)"
		"$@" > "$BUILD/check-$name.log" 2>&1 &
		pids+=($!) names+=("$name")
	done
	for i in "${!pids[@]}"; do
		rc=0
		wait "${pids[$i]}" || rc=$?
		echo "# ---- ${names[$i]}"
		sed 's/^/# /' "$BUILD/check-${names[$i]}.log"
		collect "${names[$i]}" $rc
	done
}

# groups side by side ("NAME CMD..." per argument) on a machine with two or
# more CPUs, else one after the other
groups_run() {
	local spec
	if [ "$(nproc)" -ge 2 ]; then
		groups_parallel "$@"
		return
	fi
	for spec in "$@"; do
		# shellcheck disable=SC2086
		group $spec
	done
}

# build once per kernel, for the runner's self-test and the suites
for k in $KERNELS; do
	kdir=$(kernel_dir "$k")
	build_modules "$kdir"
done
build_user
# make install's static CLI (run_vm.sh stages an install): built once here,
# not by two test VMs at the same time
make -s -C "$SRC/tools/vmsched" STATIC=1 OUTPUT="$BUILD/install-tools" >&2 ||
	die "static CLI build failed"

# The runner's self-test boots one single-threaded test VM at a time: it
# runs beside the host-side groups, whose outputs come first.
if [ $HOST = 1 ]; then
	echo "# ---- runner-selftest (started)"
	"$SRC/selftests/vm/test_runner.sh" 6.12 > "$BUILD/check-runner-selftest.log" 2>&1 &
	runner_pid=$!
fi

# host-side test groups: folders with a "host-test" (or "test") make target
for d in sched_plugins/sim selftests/workload selftests/cli selftests/install selftests/bench; do
	[ $HOST = 1 ] || break
	[ -f "$SRC/$d/Makefile" ] || continue
	target=$(grep -o '^host-test:\|^test:' "$SRC/$d/Makefile" | head -1 | tr -d :)
	[ -n "$target" ] || continue
	group "host-${d//\//-}" make -s -C "$SRC/$d" "$target"
done

if [ $HOST = 1 ]; then
	rc=0
	wait $runner_pid || rc=$?
	echo "# ---- runner-selftest"
	sed 's/^/# /' "$BUILD/check-runner-selftest.log"
	collect runner-selftest $rc
fi

# Each suite VM is one host thread (run_vm.sh: TCG thread=single), so the
# kernels' suites run side by side on a machine with two or more CPUs.
specs=()
for k in $KERNELS; do
	specs+=("vm-$k $SRC/selftests/vm/run_vm.sh --kernel $k --no-build
		 ${VM_ARGS[*]+"${VM_ARGS[*]}"} ${TEST_ARGS[*]+"${TEST_ARGS[*]}"}")
done
groups_run "${specs[@]}"

# pools at scale need 8 CPUs: a boot of their own per kernel, after the
# suite VMs (single-threaded TCG: one host thread each, side by side)
specs=()
for k in $KERNELS; do
	[ $SMP8 = 1 ] || break
	# its own console log: the suite VM's of this kernel stays
	specs+=("smp8-$k $SRC/selftests/vm/run_vm.sh --kernel $k --no-build --smp 8
		 --log $BUILD/smp8-$k-console.log ${VM_ARGS[*]+"${VM_ARGS[*]}"} --tests $SMP8_TEST")
done
[ ${#specs[@]} = 0 ] || groups_run "${specs[@]}"

# real QEMU guests need QEMU in the initramfs: a boot of their own, one
# kernel after the other (multi-threaded TCG: two host threads each)
for k in $KERNELS; do
	[ $E2E = 1 ] || break
	group "e2e-$k" "$SRC/selftests/vm/run_vm.sh" --kernel "$k" --no-build --with-qemu \
		"${VM_ARGS[@]+"${VM_ARGS[@]}"}" --tests e2e/
done

# the reasons last, next to the verdict: a CI log may keep only its end
for line in "${WHY[@]+"${WHY[@]}"}"; do
	echo "# why: $line"
done
for line in "${FAILED[@]+"${FAILED[@]}"}"; do
	echo "# failed: $line"
done
echo "# make check took $(( $(date +%s) - START ))s"
echo "$PASS passed, $FAIL failed, $SKIP skipped"
[ $FAIL = 0 ]
