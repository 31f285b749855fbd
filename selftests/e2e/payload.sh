#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Add what real QEMU guests need to the test VM's root folder: this machine's
# qemu-system-x86_64 with its shared libraries and the three firmware files
# a -kernel boot reads, the kernel the test VM boots (it boots the guests
# too) and the guests' initramfs (guest_init as /init).
#
#   payload.sh ROOT KERNEL_IMAGE GUEST_INIT
#
# Result in ROOT: /usr/bin/qemu-system-x86_64, /e2e/vmlinuz, /e2e/guest.cpio.gz
set -euo pipefail

die() { printf 'payload.sh: error: %s\n' "$*" >&2; exit 1; }

[ $# = 3 ] || die "usage: payload.sh ROOT KERNEL_IMAGE GUEST_INIT"
ROOT=$1 KIMAGE=$2 GUEST_INIT=$3
QEMU_BIN=$(command -v qemu-system-x86_64) ||
	die "qemu-system-x86_64 is not installed (run scripts/setup.sh)"
# firmware of a SeaBIOS -kernel boot; QEMU looks them up in its data dir
FIRMWARE="bios-256k.bin linuxboot_dma.bin kvmvapic.bin"
DATADIR=/usr/share/qemu

# copy FILE into ROOT at the same path, following symlinks
put() {
	mkdir -p "$ROOT$(dirname "$1")"
	cp -L "$1" "$ROOT$1"
}

put "$QEMU_BIN"
ldd "$QEMU_BIN" | awk '/=> \//{ print $3 } /^\t\//{ print $1 }' | while read -r lib; do
	put "$lib"
done
for f in $FIRMWARE; do
	src=$DATADIR/$f
	[ -e "$src" ] || src=/usr/share/seabios/$f
	[ -e "$src" ] || die "QEMU firmware $f is missing (looked in $DATADIR, /usr/share/seabios)"
	mkdir -p "$ROOT$DATADIR"
	cp -L "$src" "$ROOT$DATADIR/$f"
done

mkdir -p "$ROOT/e2e"
cp -L "$KIMAGE" "$ROOT/e2e/vmlinuz"
GROOT=$(mktemp -d "${TMPDIR:-/tmp}/vmsched-guest.XXXXXX")
trap 'rm -rf "$GROOT"' EXIT
mkdir -p "$GROOT/proc" "$GROOT/dev"
cp "$GUEST_INIT" "$GROOT/init"
(cd "$GROOT" && find . | cpio -o -H newc --quiet | gzip -9) > "$ROOT/e2e/guest.cpio.gz"
