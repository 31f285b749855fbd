#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel of `make check-debug` from Debian's linux-source
# package: x86_64 defconfig, KVM (kvm-amd as a module, as in Debian's
# kernels), what our modules and tests use (kprobes, tracepoints, debugfs,
# cgroups, CPU hotplug), and the checkers: KASAN, lockdep (PROVE_LOCKING,
# PROVE_RCU), DEBUG_ATOMIC_SLEEP, KMEMLEAK, DEBUG_LIST. No debug info (it
# would triple the build time and the splats already name functions).
#
# The result is cached like the Debian kernels, as
# .cache/kernels/<release>/{vmlinuz,build,root/lib/modules/<release>} with
# the link .cache/kernels/debug, so `run_vm.sh --kernel debug` boots it.
# Re-running does nothing when it is there. About 40 minutes on 2 cores.
#
#   debug_kernel.sh [--series 6.12]
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${VMSCHED_CACHE:-$SRC/.cache}
SERIES=6.12
export DEBIAN_FRONTEND=noninteractive

log() { printf 'debug_kernel: %s\n' "$*" >&2; }
die() { printf 'debug_kernel: error: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	--series) SERIES=$2; shift ;;
	*) die "unknown option $1 (usage: debug_kernel.sh [--series 6.1|6.12])" ;;
	esac
	shift
done

LINK=$CACHE/kernels/debug
if [ -f "$LINK/.complete" ]; then
	log "present: $(readlink "$LINK")"
	exit 0
fi

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
NEED=""
for p in flex bison libelf-dev libssl-dev bc; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || NEED="$NEED $p"
done
if [ -n "$NEED" ]; then
	log "installing:$NEED"
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $NEED >/dev/null ||
		die "cannot install$NEED"
fi

# ---- the source --------------------------------------------------------------
WORK=$CACHE/debug-kernel
SRCDIR=$WORK/linux-source-$SERIES
if [ ! -f "$SRCDIR/.unpacked" ]; then
	mkdir -p "$WORK/dl"
	chmod 755 "$WORK/dl"	# apt's download sandbox user must be able to write
	rm -f "$WORK"/dl/*.deb
	log "fetching linux-source-$SERIES"
	(cd "$WORK/dl" && apt-get download -qq "linux-source-$SERIES") ||
		die "download of linux-source-$SERIES failed"
	rm -rf "$WORK/pkg" "$SRCDIR"
	dpkg-deb -x "$WORK"/dl/linux-source-"$SERIES"_*.deb "$WORK/pkg"
	tarball=$(find "$WORK/pkg/usr/src" -name "linux-source-$SERIES.tar.*" | head -1)
	[ -n "$tarball" ] || die "no source tarball in linux-source-$SERIES"
	log "unpacking $(basename "$tarball")"
	tar -xf "$tarball" -C "$WORK"
	rm -rf "$WORK/pkg" "$WORK/dl"
	touch "$SRCDIR/.unpacked"
fi

# ---- configure and build -------------------------------------------------------
OBJ=$WORK/build-$SERIES
mkdir -p "$OBJ"
KMAKE=(make -s -C "$SRCDIR" O="$OBJ" ARCH=x86_64 LOCALVERSION=-vmsched-debug)
if [ ! -f "$OBJ/.config.done" ]; then
	"${KMAKE[@]}" defconfig kvm_guest.config
	c() { "$SRCDIR/scripts/config" --file "$OBJ/.config" "$@"; }
	c -d LOCALVERSION_AUTO -d DEBUG_INFO -e DEBUG_INFO_NONE \
	  -d MODULE_SIG -d SECURITY_LOCKDOWN_LSM -d WERROR \
	  -e MODULES -e MODULE_UNLOAD -e MODULE_FORCE_UNLOAD \
	  -e VIRTUALIZATION -m KVM -m KVM_AMD -d KVM_INTEL -d KVM_WERROR \
	  -e KPROBES -e FTRACE -e ENABLE_DEFAULT_TRACERS -e DEBUG_FS \
	  -e CGROUPS -e CGROUP_SCHED -e FAIR_GROUP_SCHED -e CPUSETS \
	  -e HOTPLUG_CPU -e DEVTMPFS -e BLK_DEV_INITRD -e RD_GZIP \
	  -e SERIAL_8250 -e SERIAL_8250_CONSOLE \
	  -e KASAN -e KASAN_GENERIC -e KASAN_INLINE \
	  -e PROVE_LOCKING -e DEBUG_ATOMIC_SLEEP -e DEBUG_LIST \
	  -e DEBUG_KMEMLEAK -e DEBUG_KMEMLEAK_AUTO_SCAN \
	  --set-val DEBUG_KMEMLEAK_MEM_POOL_SIZE 65536 \
	  -e SOFTLOCKUP_DETECTOR -e DETECT_HUNG_TASK
	"${KMAKE[@]}" olddefconfig
	for opt in KVM_AMD KASAN PROVE_LOCKING DEBUG_ATOMIC_SLEEP DEBUG_KMEMLEAK KPROBES \
		   TRACEPOINTS DEBUG_FS; do
		grep -Eq "^CONFIG_$opt=(y|m)" "$OBJ/.config" || die "CONFIG_$opt did not stick"
	done
	touch "$OBJ/.config.done"
fi
log "building in $OBJ ($(nproc) jobs)"
start=$(date +%s)
"${KMAKE[@]}" -j"$(nproc)" bzImage modules || die "kernel build failed"
REL=$("${KMAKE[@]}" kernelrelease)
log "built $REL in $(( $(date +%s) - start ))s"

# ---- install into the cache, laid out like the Debian kernels ---------------------
DIR=$CACHE/kernels/$REL
rm -rf "$DIR"
mkdir -p "$DIR/root"
"${KMAKE[@]}" INSTALL_MOD_PATH="$DIR/root" INSTALL_MOD_STRIP=1 modules_install ||
	die "modules_install failed"
cp "$OBJ/arch/x86/boot/bzImage" "$DIR/vmlinuz"
ln -sfn "$OBJ" "$DIR/build"
ln -sfn "root/lib/modules/$REL" "$DIR/modules"
# real QEMU guests (selftests/e2e) boot Debian's kernel of the same series:
# the debug kernel under test is the host's, a KASAN guest would only be slow
guest=$CACHE/kernels/$SERIES/vmlinuz
[ ! -e "$guest" ] || ln -sfn "$(readlink -f "$guest")" "$DIR/guest-vmlinuz"
touch "$DIR/.complete"
ln -sfn "$REL" "$LINK"
log "ready: $DIR"
