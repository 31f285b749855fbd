#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: the vmsched benchmark, side by side for the host scheduler
# and every policy. Boots the test VM once per kernel, runs the in-guest
# bench program (selftests/bench/bench.c) there, runs the per-decision
# instruction counts of the policy simulator (sched_plugins/sim/bench.sh) on
# this machine, and writes into build/bench/<date>/:
#   results.json   every measurement, with the machine and the commit
#   results.md     the tables (also printed at the end)
#   *.png, *.svg   latency distributions and share accuracy per policy
#   console-<kernel>.log*, raw-<kernel>.jsonl, scale.txt   what they came from
# build/bench/latest points to the newest run.
#
#   bench.sh [--kernels "6.1 6.12"] [--repeats N] [--quick] [--out DIR]
#            [--scenarios "share latency swap overhead ctxsw scale"]
#
# Environment: QUICK=1 (same as --quick: short durations, one repeat; ctxsw: 3),
# KVER (same as --kernels).
set -uo pipefail
. "$(dirname "$0")/../vm/lib.sh"

KERNELS=${KVER:-"6.1 6.12"}
REPEATS=
QUICK=${QUICK:-0}
OUT=
SCENARIOS="share latency swap overhead ctxsw scale"

while [ $# -gt 0 ]; do
	case $1 in
	--kernels) KERNELS=$2; shift ;;
	--repeats) REPEATS=$2; shift ;;
	--quick) QUICK=1 ;;
	--out) OUT=$2; shift ;;
	--scenarios) SCENARIOS=$2; shift ;;
	-h|--help) sed -n '15,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
	*) die "unknown option $1" ;;
	esac
	shift
done
[ "$QUICK" = 0 ] && QUICK=

STAMP=$(date -u +%Y%m%d-%H%M%S)
OUT=${OUT:-$BUILD/bench/$STAMP}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
START=$(date +%s)
FAILED=
# the commit the numbers come from, as it is when the run starts (the full id)
COMMIT=$(git -C "$SRC" rev-parse HEAD 2>/dev/null || echo unknown)$(
	git -C "$SRC" diff --quiet HEAD -- 2>/dev/null || echo -dirty)

guest_args=""
in_guest=""
for s in $SCENARIOS; do
	case $s in
	share|latency|swap|overhead|ctxsw) guest_args="$guest_args -s $s"; in_guest=1 ;;
	scale) ;;
	*) die "unknown scenario $s" ;;
	esac
done
[ -n "$REPEATS" ] && guest_args="$guest_args -r $REPEATS"
[ -n "$QUICK" ] && guest_args="$guest_args -q"
# a full run takes about 25 minutes per kernel on 2 emulated CPUs (a hung VM ends here)
TIMEOUT=$([ -n "$QUICK" ] && echo 1800 || echo 3600)

# ---- in the test VM, per kernel -------------------------------------------
if [ -n "$in_guest" ]; then
	for k in $KERNELS; do
		log "kernel $k: bench$guest_args"
		log_file=$OUT/console-$k.log
		if ! "$SRC/selftests/vm/run_vm.sh" --kernel "$k" --timeout "$TIMEOUT" \
			--log "$log_file" --guest-cmd "/selftests/bench/bench$guest_args" \
			> "$OUT/run-$k.out" 2>&1; then
			log "kernel $k: the bench VM failed (see $OUT/run-$k.out and $log_file.txt)"
			tail -5 "$OUT/run-$k.out" >&2
			FAILED="$FAILED $k"
		fi
		grep '^{"bench":' "${log_file%.log}.results.txt" > "$OUT/raw-$k.jsonl" 2>/dev/null
		log "kernel $k: $(wc -l < "$OUT/raw-$k.jsonl") measurements"
	done
fi

# ---- on this machine: per-decision cost in the simulator -----------------
case " $SCENARIOS " in
*" scale "*)
	log "scale: callgrind instruction counts (sched_plugins/sim/bench.sh)"
	decisions=$([ -n "$QUICK" ] && echo 2000 || echo 20000)
	if make -s -C "$SRC/sched_plugins/sim" build/bench >&2 &&
	   (cd "$SRC/sched_plugins/sim" && DECISIONS=$decisions ./bench.sh build/bench) \
		> "$OUT/scale.txt"; then
		cat "$OUT/scale.txt" >&2
	else
		log "scale: the simulator bench failed"
		FAILED="$FAILED scale"
	fi
	;;
esac

# ---- results, tables and plots ---------------------------------------------
{
	echo "commit=$COMMIT"
	echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	echo "nproc=$(nproc)"
	echo "host_kernel=$(uname -r)"
	echo "qemu=$(qemu-system-x86_64 --version | head -1)"
	echo "testvm=qemu -accel tcg,thread=${VMSCHED_TCG_THREAD:-single} -cpu max (emulated AMD SVM), 2 vCPUs, 2048 MB"
	echo "quick=${QUICK:-0}"
	echo "kernels=$KERNELS"
	echo "failed=${FAILED# }"
	echo "elapsed_s=$(( $(date +%s) - START ))"
} > "$OUT/machine.txt"
python3 "$SRC/selftests/bench/report.py" "$OUT" || die "report failed"
ln -sfn "$OUT" "$BUILD/bench/latest" 2>/dev/null
cat "$OUT/results.md"
log "results in $OUT (results.json, results.md, plots)"
[ -z "$FAILED" ] || { log "failed:$FAILED"; exit 1; }
