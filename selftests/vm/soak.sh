#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make soak`: the long runs, not part of `make check`. Per kernel, one VM
# boot that runs reliability/load at full length (16 VMs, 64 vCPUs, 4 racing
# threads for 30 s) and reliability/soak (mixed load and swaps, counters
# checked every second, 10 minutes), then a boot with 8 CPUs that runs
# reliability/pools_load for 30 s (4 pools of 2 CPUs, 32 vCPUs, swaps in
# every pool at once and moves between them).
# --host-only: the same churning VMs with none of our modules (soak -H), the
# control run for a hang: if it hangs too, the emulated machine does.
#
#   soak.sh [--kernels "6.1 6.12"] [--seconds N] [--host-only]   (default: 6.12, 600 s)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KERNELS=6.12
SECONDS_SOAK=600
SOAK_ARGS=
while [ $# -gt 0 ]; do
	case $1 in
	--kernels) KERNELS=$2; shift ;;
	--seconds) SECONDS_SOAK=$2; shift ;;
	--host-only) SOAK_ARGS=-H ;;
	*) die "unknown option $1" ;;
	esac
	shift
done

rc=0
for k in $KERNELS; do
	if [ -n "$SOAK_ARGS" ]; then
		cmd="/selftests/reliability/soak -s $SECONDS_SOAK $SOAK_ARGS"
	else
		cmd="/selftests/reliability/load --seconds 30 &&
		     /selftests/reliability/soak -s $SECONDS_SOAK"
	fi
	"$SRC/selftests/vm/run_vm.sh" --kernel "$k" --timeout $((SECONDS_SOAK + 900)) \
		--guest-cmd "$cmd" || rc=1
	# pools at scale: none of our modules in the control run
	[ -z "$SOAK_ARGS" ] || continue
	"$SRC/selftests/vm/run_vm.sh" --kernel "$k" --no-build --smp 8 --timeout 900 \
		--log "$BUILD/soak-smp8-$k-console.log" \
		--guest-cmd "/selftests/reliability/pools_load --seconds 30" || rc=1
done
exit $rc
