#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The vmsched demo, inside the test VM: load the modules, start three real
# QEMU guests the way libvirt starts them, and walk through the story:
# host scheduler, fair with weights set by VM name, a live swap to bvt with
# warp for the latency-sensitive VM, a swap to rr, rmmod of the active
# policy and the fallback. Each step shows the measured shares next to the
# targets (vmshare) and the kernel's view (vmsched stats).
#
#   demo_guest.sh            the whole story, then stop the VMs
#   demo_guest.sh --setup    only load the modules and start the VMs
#                            (make demo-shell)
#
# The three guests run a CPU loop and report their work every second on
# their serial consoles (/tmp/vms/NAME.serial). All QEMU threads run on CPU 1 and the core grants one vCPU at a time
# (slots=1), so the guests compete for one CPU and the policy decides.
B=/selftests/bin
M=/selftests/modules
export VMSCHED_VM_CPUS=1
VMS="web db batch"
FAILED=0

say() { printf '\n=== %s\n' "$*"; }
run() {
	echo "# $*"
	"$@" || { echo "demo: '$*' failed"; FAILED=1; }
}
# table [--strict] SECONDS web=TARGET db=TARGET batch=TARGET: the shares
# over SECONDS next to the targets; --strict: missing one fails the demo
table() {
	strict=0
	[ "$1" = --strict ] && { strict=1; shift; }
	secs=$1
	shift
	sleep 1
	$B/vmshare -s "$secs" "$@" || [ $strict = 0 ] || FAILED=1
}
die() { echo "demo: error: $*"; exit 1; }

setup() {
	say "load kvm_schedswap (one slot: the guests share one CPU) and the policies"
	run insmod $M/kvm_schedswap.ko slots=1
	for p in fair bvt rr; do
		[ -f $M/${p}_sched.ko ] || die "$M/${p}_sched.ko is missing"
		run insmod $M/${p}_sched.ko
	done
	run $B/vmsched list

	say "start three QEMU guests (-name guest=NAME), pinned to CPU 1"
	$B/qemu_vm.sh start web spin guest=web,debug-threads=on >/dev/null || exit 1
	$B/qemu_vm.sh start db spin guest=db >/dev/null || exit 1
	$B/qemu_vm.sh start batch spin guest=batch >/dev/null || exit 1
	for vm in $VMS; do
		$B/qemu_vm.sh wait $vm || exit 1
		echo "$vm: pid $(cat /tmp/vms/$vm.pid), reporting"
	done
	ps -o pid,args | grep '[q]emu-system' | cut -c1-100
}

if [ "${1:-}" = --setup ]; then
	setup
	echo
	echo "Ready: $B/vmsched top, $B/vmshare web db batch, $B/vmsched activate fair, ..."
	echo "Guests' consoles: /tmp/vms/NAME.serial; 'poweroff -f' leaves."
	exit 0
fi

setup

say "1. host scheduler (no policy): Linux shares the CPU equally"
run $B/vmsched status
table 4 web=33 db=33 batch=33

say "2. vmsched activate fair; weights by VM name 4:2:1"
# 50 ms slices: under emulation a switch between guests costs the incoming
# one milliseconds of work, which short slices would make visible
run $B/vmsched activate fair slice=50ms
sleep 1	# a VM is known to the core from its first guest entry under a policy
run $B/vmsched set vm web weight=1024
run $B/vmsched set vm db weight=512
run $B/vmsched set vm batch weight=256
run $B/vmsched get vm db
table --strict 5 web=57 db=29 batch=14
run $B/vmsched stats -i 2s

say "3. live swap to bvt; warp for web, the latency-sensitive VM"
run $B/vmsched activate bvt
run $B/vmsched set vm web weight=1024 warp=5ms warp_limit=1s unwarp_req=0
run $B/vmsched set vm db weight=512
run $B/vmsched set vm batch weight=256
run $B/vmsched status
table 5 web=57 db=29 batch=14

say "4. live swap to rr (no weights: equal turns)"
run $B/vmsched activate rr
table 4 web=33 db=33 batch=33

say "5. rmmod rr_sched: the active policy goes away, the host scheduler takes over"
run rmmod rr_sched
run $B/vmsched status
table 4 web=33 db=33 batch=33

say "6. vmsched top (one snapshot)"
run $B/vmsched top -b -n 1

say "done: stopping the guests"
for vm in $VMS; do
	$B/qemu_vm.sh stop $vm
done
[ $FAILED = 0 ] && echo "demo: every step worked" || echo "demo: some steps failed (see above)"
exit $FAILED
