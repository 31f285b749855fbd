#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Start and stop the small QEMU guests of the end-to-end tests and the demo
# (busybox sh; runs in the test VM). QEMU is started the way libvirt starts
# it: one process per VM, named with -name guest=NAME, a QMP socket, vCPU
# threads named "CPU N/KVM" with debug-threads=on.
#
#   qemu_vm.sh start NAME [MODE [NAME_OPTION]]   prints the QEMU pid
#   qemu_vm.sh wait NAME [SECONDS]     until the guest reports progress (300)
#   qemu_vm.sh stop NAME               SIGTERM, then wait for the exit
#
# MODE is the guest's workload (guest_init.c): spin (default) or
# tick:PERIOD_US:BUSY_US. NAME_OPTION is the -name value, default
# "guest=NAME,debug-threads=on".
#
# Environment: VMSCHED_VM_DIR  state folder (default /tmp/vms): NAME.pid,
#                              NAME.serial (the guest's console), NAME.qmp
#              VMSCHED_VM_CPUS taskset CPU list for QEMU (default: all)
#              VMSCHED_E2E     folder with vmlinuz and guest.cpio.gz (/e2e)
set -eu

DIR=${VMSCHED_VM_DIR:-/tmp/vms}
E2E=${VMSCHED_E2E:-/e2e}

die() { echo "qemu_vm.sh: error: $*" >&2; exit 1; }

start() {
	name=$1 mode=${2:-spin} nameopt=${3:-guest=$1,debug-threads=on}
	mkdir -p "$DIR"
	[ -f "$E2E/vmlinuz" ] || die "no guest kernel in $E2E (run_vm.sh --with-qemu packs it)"
	command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is not in PATH"
	[ -c /dev/kvm ] || die "/dev/kvm is missing: kvm is not loaded"
	rm -f "$DIR/$name.serial" "$DIR/$name.qmp"
	pin=""
	[ -n "${VMSCHED_VM_CPUS:-}" ] && pin="taskset -c $VMSCHED_VM_CPUS"
	$pin qemu-system-x86_64 -name "$nameopt" \
		-machine q35,accel=kvm -cpu host -smp 1 -m 96 \
		-nodefaults -no-user-config -display none \
		-serial "file:$DIR/$name.serial" \
		-qmp "unix:$DIR/$name.qmp,server=on,wait=off" \
		-kernel "$E2E/vmlinuz" -initrd "$E2E/guest.cpio.gz" \
		-append "console=ttyS0 quiet panic=-1 mitigations=off vmsched.mode=$mode" \
		</dev/null >"$DIR/$name.log" 2>&1 &
	echo $! > "$DIR/$name.pid"
	echo $!
}

wait_ready() {
	name=$1 secs=${2:-300} i=0
	pid=$(cat "$DIR/$name.pid" 2>/dev/null) || die "VM $name was not started"
	while ! grep -q 'vmsched-guest: n=' "$DIR/$name.serial" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null ||
			die "QEMU of VM $name exited: $(tail -3 "$DIR/$name.log")"
		i=$((i + 1))
		[ $i -le $((secs * 5)) ] || die "VM $name reported no progress in ${secs}s"
		sleep 0.2
	done
}

stop() {
	name=$1 i=0
	pid=$(cat "$DIR/$name.pid" 2>/dev/null) || return 0
	kill -TERM "$pid" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$pid" 2>/dev/null || true
	rm -f "$DIR/$name.pid"
}

cmd=${1:-}
[ $# -ge 2 ] || die "usage: qemu_vm.sh start|wait|stop NAME ..."
shift
case $cmd in
start) start "$@" ;;
wait) wait_ready "$@" ;;
stop) stop "$@" ;;
*) die "unknown command $cmd (start, wait, stop)" ;;
esac
