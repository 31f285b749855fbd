#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The vmsched demo, inside the test VM: load the modules, start two workload
# VMs, and show their progress under the host scheduler and under every
# policy module that is present, swapping live, then unload the active
# policy and watch the host scheduler take over again.
B=/selftests/bin
M=/selftests/modules
say() { printf '\n=== %s\n' "$*"; }
show() {
	sleep "${1:-3}"
	$B/vmsched stats -i 2s 2>&1
}

say "insmod kvm_schedswap.ko"
insmod $M/kvm_schedswap.ko || exit 1
for p in fair bvt rr; do
	[ -f $M/${p}_sched.ko ] && insmod $M/${p}_sched.ko && echo "loaded ${p}_sched.ko"
done
$B/vmsched list

say "two VMs, 2 vCPUs each, spinning: web and batch"
$B/workload --name web --vcpus 2 --duration 600 --profile spin >/dev/null 2>&1 &
$B/workload --name batch --vcpus 2 --duration 600 --profile spin >/dev/null 2>&1 &
sleep 3

say "host scheduler (no policy active)"
$B/vmsched status
show 1

for p in fair bvt rr; do
	[ -f $M/${p}_sched.ko ] || continue
	say "vmsched activate $p   (live swap; the VMs keep running)"
	$B/vmsched activate $p && $B/vmsched status
	case $p in
	fair|bvt) $B/vmsched set vm web weight=512 && echo "web weight=512 (twice batch)" ;;
	esac
	show 2
	last=$p
done

if [ -n "$last" ]; then
	say "rmmod ${last}_sched   (active policy unloads: host scheduler takes over)"
	rmmod ${last}_sched
	$B/vmsched status
	show 1
fi

say "done: stopping the VMs"
kill $(jobs -p) 2>/dev/null
wait
