# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the VM runner scripts (sourced, bash).

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${VMSCHED_CACHE:-$SRC/.cache}
BUILD=${VMSCHED_BUILD:-$SRC/build}

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# kernel_dir SERIES-OR-RELEASE: folder of an unpacked kernel in the cache
kernel_dir() {
	local d=$CACHE/kernels/$1
	[ -f "$d/.complete" ] || die "kernel $1 is not in $CACHE/kernels (run scripts/setup.sh)"
	readlink -f "$d"
}

# kernel_release DIR: e.g. 6.1.0-56-amd64
kernel_release() { basename "$1"; }

# build_modules KDIR: build our modules for one kernel into $BUILD/<release>/
# (a copy of the sources, so builds for several kernels do not collide)
build_modules() {
	local kdir=$1 rel out
	rel=$(kernel_release "$kdir")
	out=$BUILD/$rel
	mkdir -p "$out/src"
	# sources only (objects built in the tree for another kernel must not
	# come along), with their times, so that rebuilds are incremental;
	# dkms.conf has the version kvm_schedswap is built with
	(cd "$SRC" && find Kbuild dkms.conf kvm_schedswap sched_plugins uapi selftests/modules \
		-path sched_plugins/sim -prune -o -type f \
		\( -name '*.[ch]' -o -name Kbuild -o -name dkms.conf \) ! -name '*.mod.c' -print0 |
		cpio -0pdmu --quiet "$out/src") || die "cannot copy the sources to $out/src"
	make -s -C "$kdir/build" M="$out/src" W=1 modules >&2 ||
		die "module build for $rel failed"
	make -s -C "$kdir/build" M="$out/src/selftests/modules" W=1 \
		KBUILD_EXTRA_SYMBOLS="$out/src/Module.symvers" modules >&2 ||
		die "test module build for $rel failed"
}

# build_user: static userspace binaries (tests, workload VMM, CLI) into $BUILD/user
build_user() {
	make -s -C "$SRC/selftests" OUTPUT="$BUILD/user" all >&2 ||
		die "userspace build failed"
}
