#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a test VM for one kernel and run the vmsched test suite (or a command)
# inside it, under QEMU software emulation with emulated AMD SVM, so that the
# guest kernel runs real KVM guests of its own.
#
#   run_vm.sh [--kernel 6.1|6.12|RELEASE] [--tests PATTERN]... [--guest-cmd CMD]
#             [--timeout SECONDS] [--log FILE] [--smp N] [--mem MB] [--shell]
#             [--no-build] [--with-qemu] [--setup CMD] [--test-timeout SECONDS]
#             [--qemu-arg ARG]... [--tcg-thread multi|single] [--time-scale N]
#
# Exit status is the verdict: 0 only if the command ran to its end and
# succeeded, the guest powered off before the timeout and the guest kernel
# printed no BUG/WARNING/Oops/lockdep/"scheduling while atomic"/RCU stall.
# --with-qemu adds QEMU and a guest kit for real QEMU guests (selftests/e2e);
# without it the suite leaves the e2e group out unless --tests asks for it.
# --setup runs CMD in the guest before the command or the shell.
# --test-timeout: each test's limit in the guest (run_kselftest.sh -o; default:
# the collection's settings file).
# --qemu-arg: one more argument for QEMU, e.g. "-monitor unix:/tmp/mon,server,nowait"
# to look at a hung guest's CPUs (info registers -a).
# --time-scale N: tests stretch their workload VMs' lifetimes and their waits
# N times (VMSCHED_TIME_SCALE in the guest), for a slow (debug) kernel.
# --tcg-thread single|multi (or VMSCHED_TCG_THREAD): one host thread for all
# guest CPUs or one each. Multi-threaded TCG (QEMU 10.0) loses interrupts of
# the test VM's CPUs while they run KVM guests of their own: a CPU stops
# taking its timer (RCU stall, a vCPU that ignores signals) and guests
# triple-fault, within minutes of creating and destroying KVM VMs, with none
# of our modules loaded (soak -H); in single mode the same runs are clean.
# So single is the default, except with --with-qemu: real QEMU guests (a few,
# long-lived) do not even boot within 300 s on one host thread.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KERNEL=6.12
TIMEOUT=900
SMP=2
MEM=2048
GUEST_CMD=
TESTS=()
LOG=
SHELL_MODE=0
BUILD_STEP=1
WITH_QEMU=0
SETUP_CMD=
TEST_TIMEOUT=
QEMU_EXTRA=()
TCG_THREAD=${VMSCHED_TCG_THREAD:-}
TIME_SCALE=1

usage() {
	sed -n '8,11p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--kernel) KERNEL=$2; shift ;;
	--tests|-t) TESTS+=("$2"); shift ;;
	--guest-cmd) GUEST_CMD=$2; shift ;;
	--timeout) TIMEOUT=$2; shift ;;
	--log) LOG=$2; shift ;;
	--smp) SMP=$2; shift ;;
	--mem) MEM=$2; shift ;;
	--shell) SHELL_MODE=1 ;;
	--no-build) BUILD_STEP=0 ;;
	--with-qemu) WITH_QEMU=1 ;;
	--setup) SETUP_CMD=$2; shift ;;
	--test-timeout) TEST_TIMEOUT=$2; shift ;;
	--qemu-arg) QEMU_EXTRA+=("$2"); shift ;;
	--tcg-thread) TCG_THREAD=$2; shift ;;
	--time-scale) TIME_SCALE=$2; shift ;;
	-h|--help) usage ;;
	*) echo "run_vm.sh: unknown option $1" >&2; usage ;;
	esac
	shift
done

case $TIME_SCALE in
[1-9]|1[0-6]) ;;
*) die "--time-scale: a whole number from 1 to 16, not '$TIME_SCALE'" ;;
esac
[ -n "$TCG_THREAD" ] || TCG_THREAD=$([ $WITH_QEMU = 1 ] && echo multi || echo single)
KDIR=$(kernel_dir "$KERNEL")
REL=$(kernel_release "$KDIR")
OUT=$BUILD/$REL
LOG=${LOG:-$OUT/console.log}
RESULTS=${LOG%.log}.results

if [ $BUILD_STEP = 1 ]; then
	build_modules "$KDIR"
	build_user
fi

# ---- initramfs ------------------------------------------------------------
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/vmsched-root.XXXXXX")
chmod 755 "$ROOT"	# the guest's /: unprivileged tests must reach their binaries
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc,root,lib/modules/kvm}
mkdir -p "$ROOT/selftests/bin" "$ROOT/selftests/modules"
cp /bin/busybox "$ROOT/bin/busybox"
for a in $(/bin/busybox --list); do
	[ -e "$ROOT/bin/$a" ] || ln -s busybox "$ROOT/bin/$a"
done

# kvm-amd and what it needs, in load order, uncompressed (busybox insmod)
MODROOT=$KDIR/root
[ -f "$MODROOT/lib/modules/$REL/modules.dep" ] || depmod -b "$MODROOT" "$REL"
: > "$ROOT/lib/modules/kvm/modules.load"
modprobe -d "$MODROOT" -S "$REL" --show-depends kvm-amd |
while read -r kw path _; do
	[ "$kw" = insmod ] || continue
	name=$(basename "$path")
	case $name in
	*.xz) xz -dc "$path" > "$ROOT/lib/modules/kvm/${name%.xz}"; name=${name%.xz} ;;
	*.zst) zstd -qdc "$path" > "$ROOT/lib/modules/kvm/${name%.zst}"; name=${name%.zst} ;;
	*) cp "$path" "$ROOT/lib/modules/kvm/$name" ;;
	esac
	echo "$name" >> "$ROOT/lib/modules/kvm/modules.load"
done
[ -s "$ROOT/lib/modules/kvm/modules.load" ] || die "no kvm-amd module in $REL"

# our modules and test modules
find "$OUT/src" -name '*.ko' -exec cp {} "$ROOT/selftests/modules/" \;
# test programs, workload VMM, CLI
cp -r "$BUILD/user/." "$ROOT/selftests/"
# promtool (Debian's prometheus) and its libraries: cli_test lints vmsched metrics
if PROMTOOL=$(command -v promtool); then
	cp -L "$PROMTOOL" "$ROOT/selftests/bin/promtool"
	ldd "$PROMTOOL" | awk '/=> \//{ print $3 } /^\t\//{ print $1 }' | while read -r lib; do
		mkdir -p "$ROOT$(dirname "$lib")" && cp -L "$lib" "$ROOT$lib"
	done
fi
cp "$SRC/selftests/run_kselftest.sh" "$SRC/selftests/allowed_skips" \
	"$SRC/selftests/vm/demo_guest.sh" "$ROOT/selftests/"
cp "$SRC/selftests/vm/init.sh" "$ROOT/init"
# what make install puts on a host, for selftests/install (copied to / there),
# with example_sched, which install_test drives
make -s -C "$SRC" install DESTDIR="$ROOT/selftests/install-root" PREFIX=/usr INSTALL_EXAMPLE=1 \
	KDIR="$KDIR/build" MODSRC="$OUT/src" STATIC=1 OUTPUT="$BUILD/install-tools" >&2 ||
	die "make install for the test VM failed"
if [ $WITH_QEMU = 1 ]; then
	# the guests' kernel: the test VM's own, or the one a debug kernel names
	gkernel=$KDIR/vmlinuz
	[ ! -e "$KDIR/guest-vmlinuz" ] || gkernel=$KDIR/guest-vmlinuz
	"$SRC/selftests/e2e/payload.sh" "$ROOT" "$gkernel" "$BUILD/user/e2e/guest_init" ||
		die "cannot pack QEMU into the test VM"
fi
[ -z "$SETUP_CMD" ] || printf '%s\n' "$SETUP_CMD" > "$ROOT/vmsched.setup"

if [ $SHELL_MODE = 1 ]; then
	echo shell > "$ROOT/vmsched.cmd"
elif [ -n "$GUEST_CMD" ]; then
	printf '%s\n' "$GUEST_CMD" > "$ROOT/vmsched.cmd"
else
	args=${TEST_TIMEOUT:+ -o $TEST_TIMEOUT}
	for t in "${TESTS[@]+"${TESTS[@]}"}"; do args="$args -t $t"; done
	# the e2e group needs QEMU and the guest kit: not run in boots without
	# them unless asked for (then its skip fails the run)
	[ $WITH_QEMU = 1 ] || [ ${#TESTS[@]} -gt 0 ] || args="$args -x e2e/"
	# the pools at scale need 4 CPUs or more: make check gives it a boot of 8
	[ "$SMP" -ge 4 ] || args="$args -x reliability/pools_load"
	echo "/selftests/run_kselftest.sh$args" > "$ROOT/vmsched.cmd"
fi

INITRD=$OUT/initrd.gz
(cd "$ROOT" && find . | cpio -o -H newc --quiet | gzip -1) > "$INITRD"

# ---- boot -----------------------------------------------------------------
QEMU=(qemu-system-x86_64 -accel "tcg,thread=$TCG_THREAD" -cpu max -smp "$SMP" -m "$MEM"
      -nographic -no-reboot -nodefaults
      -kernel "$KDIR/vmlinuz" -initrd "$INITRD" "${QEMU_EXTRA[@]+"${QEMU_EXTRA[@]}"}")
# an unknown NAME=VALUE on the kernel command line reaches init's environment
APPEND="console=ttyS0 panic=-1 oops=panic loglevel=6 mitigations=off VMSCHED_TIME_SCALE=$TIME_SCALE"

if [ $SHELL_MODE = 1 ]; then
	exec "${QEMU[@]}" -serial mon:stdio -serial null -append "$APPEND"
fi

mkdir -p "$(dirname "$LOG")"
: > "$LOG"; : > "$RESULTS"
log "booting $REL (timeout ${TIMEOUT}s), console: $LOG"
start=$(date +%s)
set +e
timeout -k 10 "$TIMEOUT" "${QEMU[@]}" -serial "file:$LOG" -serial "file:$RESULTS" \
	-append "$APPEND" < /dev/null > "$OUT/qemu.out" 2>&1
qrc=$?
set -e
elapsed=$(( $(date +%s) - start ))

# ---- verdict --------------------------------------------------------------
tr -d '\r' < "$RESULTS" > "$RESULTS.txt"
tr -d '\r' < "$LOG" > "$LOG.txt"
grep -v '^vmsched-vm: ' "$RESULTS.txt" || true

verdict=0
if [ $qrc = 124 ] || [ $qrc = 137 ]; then
	log "FAIL: guest did not finish within ${TIMEOUT}s (hang)"
	verdict=1
elif [ $qrc != 0 ]; then
	log "FAIL: qemu exited with $qrc: $(tail -3 "$OUT/qemu.out")"
	verdict=1
fi
SPLAT='BUG:|WARNING:|Oops|Kernel panic|general protection fault|scheduling while atomic|'
SPLAT+='possible circular locking|possible recursive locking|inconsistent lock state|'
SPLAT+='rcu: INFO|self-detected stall|detected stalls on CPU|blocked for more than|'
SPLAT+='UBSAN:|KASAN:|kmemleak: [0-9]+ new suspected|unreferenced object 0x|'
SPLAT+='list_add corruption|list_del corruption|Call Trace:'
if grep -Eq "$SPLAT" "$LOG.txt"; then
	log "FAIL: the guest kernel splatted:"
	grep -E -m 20 -B2 -A8 "$SPLAT" "$LOG.txt" | sed 's/^/    /' >&2
	verdict=1
fi
rc_line=$(grep -m1 '^vmsched-vm: exit=' "$RESULTS.txt" || true)
if [ -z "$rc_line" ]; then
	log "FAIL: the guest command did not complete (see $LOG.txt)"
	tail -20 "$LOG.txt" | sed 's/^/    /' >&2
	verdict=1
elif [ "${rc_line#vmsched-vm: exit=}" != 0 ]; then
	log "FAIL: guest command exited with ${rc_line#vmsched-vm: exit=}"
	verdict=1
fi
log "$REL: $([ $verdict = 0 ] && echo PASS || echo FAIL) in ${elapsed}s"
exit $verdict
