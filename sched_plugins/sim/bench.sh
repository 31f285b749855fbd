#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Instructions per scheduling decision (charge + enqueue + pick_next), as
# counted by valgrind's callgrind in bench_decide(), for each policy at
# 16, 256, 1024 and 10000 vCPUs; last column: growth from 16 to 10000.
set -e
BENCH=${1:-build/bench}
DECISIONS=${DECISIONS:-20000}
SIZES="16 256 1024 10000"

if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind not found: apt-get install valgrind" >&2
	exit 1
fi

# instructions per decision for policy $1 at $2 vCPUs
measure() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		--collect-atstart=no --toggle-collect=bench_decide \
		"$BENCH" "$1" "$2" "$DECISIONS" 2>&1 >/dev/null |
		awk -v d="$DECISIONS" '/Collected :/ { printf "%.0f", $NF / d }'
}

printf "instructions per decision (callgrind, %s decisions, 4 slots, 1 vCPU per VM)\n" "$DECISIONS"
printf "%-8s" policy
for n in $SIZES; do printf "%10s" "$n"; done
printf "%12s\n" "10000/16"
for p in rr fair bvt; do
	printf "%-8s" "$p"
	first= last=
	for n in $SIZES; do
		c=$(measure "$p" "$n")
		[ -n "$c" ] || { echo " callgrind failed for $p $n" >&2; exit 1; }
		[ -n "$first" ] || first=$c
		last=$c
		printf "%10s" "$c"
	done
	awk -v a="$first" -v b="$last" 'BEGIN { printf "%11.2fx\n", b / a }'
done
