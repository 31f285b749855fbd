#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare a Debian 12 (bookworm) machine to build and test vmsched (the test
# kernels are Debian's packages, so other distributions, Ubuntu too, fail):
#  - install the build and test tools (gcc, make, QEMU 10, busybox-static, cpio, sparse,
#    debhelper and dkms for make deb...)
#  - fetch the two test kernels, Debian bookworm 6.1 and 6.12, with their headers, and
#    unpack them into .cache/kernels/<version>/ (nothing is installed into /boot)
#
# ABI versions are resolved at run time from the archive: the newest
# linux-image-6.1.0-NN-amd64-unsigned and linux-image-6.12.NNN+deb12-amd64-unsigned.
# Re-running is fast and does nothing when everything is present.
#
# Environment:
#   VMSCHED_CACHE  cache folder (default: <source>/.cache)
#   KERNELS        space separated list of series to fetch (default: "6.1 6.12")
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${VMSCHED_CACHE:-$SRC/.cache}
KERNELS=${KERNELS:-"6.1 6.12"}
export DEBIAN_FRONTEND=noninteractive

log() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

SUDO=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || die "run as root or install sudo"
	SUDO=sudo
fi

. /etc/os-release
DISTRO=${ID:-unknown}
CODENAME=${VERSION_CODENAME:-}

# Debian bookworm: QEMU 10 comes from bookworm-backports (7.2 hangs under nested load).
add_backports() {
	[ "$DISTRO" = debian ] && [ "$CODENAME" = bookworm ] || return 0
	if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		log "adding bookworm-backports to apt sources"
		$SUDO tee /etc/apt/sources.list.d/vmsched-backports.sources >/dev/null <<'SRCS'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRCS
		APT_UPDATED=
	fi
}

APT_UPDATED=
apt_update() {
	[ -n "$APT_UPDATED" ] && return 0
	log "apt-get update"
	$SUDO apt-get update -qq || die "apt-get update failed"
	APT_UPDATED=1
}

PKGS="gcc make libc6-dev bc kmod cpio gzip xz-utils zstd busybox-static sparse
      dwarves tmux gnuplot-nox python3 file debhelper dh-dkms dkms valgrind prometheus
      lintian mandoc man-db bash-completion libvirt0"
QEMU_PKG=qemu-system-x86

need_install() {
	local p
	for p in $PKGS $QEMU_PKG; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			{ echo "$p"; }
	done
}

qemu_major() {
	qemu-system-x86_64 --version 2>/dev/null | sed -n 's/.*version \([0-9]*\)\..*/\1/p'
}

install_packages() {
	add_backports
	local missing
	missing=$(need_install | tr '\n' ' ')
	if [ -n "$missing" ]; then
		apt_update
		log "installing: $missing"
		# shellcheck disable=SC2086
		$SUDO apt-get install -y -qq --no-install-recommends $PKGS >/dev/null
	fi
	if [ "$(qemu_major)" = "" ] || [ "$(qemu_major)" -lt 8 ]; then
		apt_update
		if [ "$DISTRO" = debian ] && [ "$CODENAME" = bookworm ]; then
			log "installing QEMU from bookworm-backports"
			$SUDO apt-get install -y -qq --no-install-recommends \
				-t bookworm-backports qemu-system-x86 qemu-utils >/dev/null
		else
			$SUDO apt-get install -y -qq --no-install-recommends \
				qemu-system-x86 >/dev/null
		fi
	fi
	[ -n "$(qemu_major)" ] || die "qemu-system-x86_64 is missing after install"
	log "QEMU $(qemu-system-x86_64 --version | head -1)"
}

# newest package matching an extended regex, by version sort
newest_pkg() {
	apt-cache pkgnames "$1" 2>/dev/null | grep -E "^$2\$" | sort -V | tail -1
}

# resolve "6.1" or "6.12" to the kernel release string, e.g. 6.1.0-56-amd64
resolve_release() {
	local series=$1 img
	case $series in
	6.1) img=$(newest_pkg linux-image-6.1.0- 'linux-image-6\.1\.0-[0-9]+-amd64-unsigned') ;;
	6.12) img=$(newest_pkg linux-image-6.12. 'linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned') ;;
	*) die "unknown kernel series $series (known: 6.1 6.12)" ;;
	esac
	if [ -z "$img" ]; then
		apt_update
		case $series in
		6.1) img=$(newest_pkg linux-image-6.1.0- 'linux-image-6\.1\.0-[0-9]+-amd64-unsigned') ;;
		6.12) img=$(newest_pkg linux-image-6.12. 'linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned') ;;
		esac
	fi
	[ -n "$img" ] || die "no linux-image package found for $series: the test kernels come" \
		"from Debian 12 (bookworm)'s archive, and this is ${PRETTY_NAME:-$DISTRO}"
	img=${img#linux-image-}
	echo "${img%-unsigned}"
}

# unpack image + headers of one release into $CACHE/kernels/<release>/
fetch_kernel() {
	local rel=$1 dir=$CACHE/kernels/$1 tmp pkgs p common kbuild
	if [ -f "$dir/.complete" ]; then
		log "kernel $rel: present"
		return 0
	fi
	log "kernel $rel: fetching"
	rm -rf "$dir"
	tmp=$(mktemp -d "$CACHE/dl.XXXXXX")
	chmod 755 "$tmp"	# apt's download sandbox user must be able to write
	common=$(apt-cache depends "linux-headers-$rel" | sed -n 's/.*Depends: \(linux-headers-.*-common\)$/\1/p' | head -1)
	kbuild=$(apt-cache depends "linux-headers-$rel" | sed -n 's/.*Depends: \(linux-kbuild-[^ ]*\)$/\1/p' | head -1)
	[ -n "$common" ] && [ -n "$kbuild" ] || die "cannot resolve header dependencies of $rel"
	pkgs="linux-image-$rel-unsigned linux-headers-$rel $common $kbuild"
	(cd "$tmp" && apt-get download -qq $pkgs) || die "download of $pkgs failed"
	mkdir -p "$dir/root"
	for p in "$tmp"/*.deb; do
		dpkg-deb -x "$p" "$dir/root"
	done
	rm -rf "$tmp"
	[ -f "$dir/root/boot/vmlinuz-$rel" ] || die "no vmlinuz in linux-image-$rel"
	ln -sfn "root/boot/vmlinuz-$rel" "$dir/vmlinuz"
	ln -sfn "root/lib/modules/$rel" "$dir/modules"
	ln -sfn "root/usr/src/linux-headers-$rel" "$dir/build"
	# the arch headers include the common ones by absolute path: point it here
	sed -i "s|^include /usr/src/|include $dir/root/usr/src/|" "$dir/build/Makefile"
	[ -f "$dir/build/Makefile" ] || die "headers of $rel are incomplete"
	touch "$dir/.complete"
	log "kernel $rel: ready in $dir"
}

main() {
	install_packages
	mkdir -p "$CACHE/kernels"
	local s rel
	for s in $KERNELS; do
		rel=$(resolve_release "$s")
		fetch_kernel "$rel"
		ln -sfn "$rel" "$CACHE/kernels/$s"
	done
	log "done"
}

main "$@"
