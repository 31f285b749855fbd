#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of installing vmsched (no module is loaded):
#   conf_parser     the /etc/vmsched.conf parser (conf_test), shipped files parse
#   make_install    make install DESTDIR= PREFIX=: every file, mode and
#                   modules.dep entry where an admin expects it
#   reinstall       an edited /etc/vmsched.conf survives install and uninstall;
#                   uninstall leaves nothing else
#   consistent      dkms.conf lists every module Kbuild builds; one version in
#                   dkms.conf, debian/changelog, the CLI and kvm_schedswap.ko
#   make_deb        make deb: both packages, their files, conffile, maintainer
#                   scripts (systemd unit, DKMS)
#   dkms_build      DKMS builds every module from the vmsched-dkms package for
#                   the cached 6.12 kernel (private DKMS trees, nothing installed)
#
#   host_test.sh BUILD_DIR     (make -C selftests/install host-test)
#
# KTAP output, ending with "N passed, N failed, N skipped".
set -euo pipefail
BUILD=$(cd "${1:?usage: host_test.sh BUILD_DIR}" && pwd)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${VMSCHED_CACHE:-$SRC/.cache}
KDIR=$CACHE/kernels/6.12/build
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vmsched-install.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
MODULES="kvm_schedswap bvt_sched rr_sched fair_sched example_sched"

TESTS=(conf_parser make_install reinstall consistent make_deb dkms_build)
echo "TAP version 13"
echo "1..${#TESTS[@]}"
N=0 PASS=0 FAIL=0 SKIP=0 FAILS=0 SKIPPED=

fail() { echo "# FAIL: $*"; FAILS=$((FAILS + 1)); }
info() { echo "# $*"; }
skip() { SKIPPED=$*; }

# want_file PATH MODE: exists with that mode
want_file() {
	local m
	if [ ! -f "$1" ]; then
		fail "missing $1"
		return
	fi
	m=$(stat -c %a "$1")
	[ "$m" = "$2" ] || fail "$1: mode $m, want $2"
}

t_conf_parser() {
	"$BUILD/conf_test" "$SRC/packaging/vmsched.conf" > "$TMP/conf.out" 2>&1 ||
		fail "conf_test failed"
	sed 's/^/# /' "$TMP/conf.out"
}

DEST=$TMP/dest
REL=
do_install() {
	make -s -C "$SRC" install DESTDIR="$DEST" PREFIX=/usr/local KDIR="$KDIR" \
		> "$TMP/install.log" 2>&1 || { sed 's/^/# /' "$TMP/install.log"; return 1; }
}

# verify_unit FILE: systemd-analyze verify finds nothing wrong with FILE;
# what it says of other units on this host is shown, not counted. Not
# counted either, as only a DESTDIR install lacks them: the ExecStart
# binary, and /sbin/modprobe on a host without it. Documentation= is looked
# up among DEST's man pages.
verify_unit() {
	local name out bad man=--man=no missing="is not executable: No such file or directory"

	name=$(basename "$1")
	command -v man > /dev/null && man=--man=yes
	out=$(MANPATH=$DEST/usr/local/share/man systemd-analyze verify "$man" "$1" 2>&1) || true
	bad=$(printf '%s\n' "$out" | grep -F "$name:" |
	      grep -vxF -e "$name: Command /usr/local/sbin/vmsched $missing" \
			-e "$name: Command /sbin/modprobe $missing") || true
	[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# systemd-analyze: /'
	[ -z "$bad" ] || fail "systemd-analyze verify finds fault with $name (above)"
}

t_make_install() {
	local m u
	[ -f "$KDIR/Makefile" ] || { skip "no 6.12 headers in $CACHE (scripts/setup.sh)"; return; }
	REL=$(cat "$KDIR/include/config/kernel.release")
	do_install || { fail "make install failed"; return; }
	for m in $MODULES; do
		want_file "$DEST/lib/modules/$REL/extra/$m.ko" 644
		[ "$m" = kvm_schedswap ] && continue
		grep -qx "extra/$m.ko: extra/kvm_schedswap.ko" "$DEST/lib/modules/$REL/modules.dep" ||
			fail "modules.dep: no \"extra/$m.ko: extra/kvm_schedswap.ko\""
	done
	want_file "$DEST/usr/local/sbin/vmsched" 755
	want_file "$DEST/usr/local/share/man/man8/vmsched.8" 644
	want_file "$DEST/usr/local/share/bash-completion/completions/vmsched" 644
	want_file "$DEST/etc/vmsched.conf" 644
	u=$DEST/usr/local/lib/systemd/system/vmsched.service
	want_file "$u" 644
	grep -qx 'ExecStart=/usr/local/sbin/vmsched apply --follow /etc/vmsched.conf' "$u" ||
		fail "vmsched.service: ExecStart does not run /usr/local/sbin/vmsched"
	grep -q '@' "$u" && fail "vmsched.service: unsubstituted @...@"
	"$DEST/usr/local/sbin/vmsched" help | grep -q 'vmsched apply' ||
		fail "the installed vmsched has no apply command"
	if command -v systemd-analyze > /dev/null; then
		verify_unit "$u"
	else
		info "systemd-analyze missing: vmsched.service not verified"
	fi
	info "installed: $(cd "$DEST" && find . -type f | grep -cv 'modules\.') files"
}

t_reinstall() {
	local left
	[ -n "$REL" ] || { skip "make_install did not run"; return; }
	echo "policy rr slice=5ms" > "$DEST/etc/vmsched.conf"
	do_install || { fail "second make install failed"; return; }
	grep -qx 'policy rr slice=5ms' "$DEST/etc/vmsched.conf" ||
		fail "make install overwrote an edited /etc/vmsched.conf"
	make -s -C "$SRC" uninstall DESTDIR="$DEST" PREFIX=/usr/local KDIR="$KDIR" \
		> "$TMP/uninstall.log" 2>&1 || fail "make uninstall failed"
	[ -f "$DEST/etc/vmsched.conf" ] || fail "uninstall removed an edited /etc/vmsched.conf"
	left=$(cd "$DEST" && find . -type f ! -name 'modules.*' ! -path ./etc/vmsched.conf)
	[ -z "$left" ] || fail "left after uninstall: $left"
	grep -q extra "$DEST/lib/modules/$REL/modules.dep" && fail "modules.dep still lists them"
	# an unedited configuration goes with the package
	cp "$SRC/packaging/vmsched.conf" "$DEST/etc/vmsched.conf"
	make -s -C "$SRC" uninstall-tools DESTDIR="$DEST" PREFIX=/usr/local > /dev/null 2>&1
	[ -f "$DEST/etc/vmsched.conf" ] && fail "uninstall kept the unedited /etc/vmsched.conf"
	return 0
}

t_consistent() {
	local built listed v_dkms v_deb v_cli v_mod
	built=$(cat "$SRC/kvm_schedswap/Kbuild" "$SRC"/sched_plugins/*/Kbuild |
		sed -n 's/^obj-m *[:+]\?= *\([a-z_]*\)\.o$/\1/p' | sort | xargs)
	listed=$(sed -n 's/^BUILT_MODULE_NAME\[[0-9]*\]="\(.*\)"/\1/p' "$SRC/dkms.conf" | sort | xargs)
	info "modules: $built"
	[ "$built" = "$listed" ] || fail "dkms.conf lists \"$listed\", Kbuild builds \"$built\""
	[ "$(echo "$MODULES" | tr ' ' '\n' | sort | xargs)" = "$built" ] ||
		fail "this test expects \"$MODULES\""
	v_dkms=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$SRC/dkms.conf")
	v_deb=$(sed -n '1s/^vmsched (\([^)-]*\).*/\1/p' "$SRC/debian/changelog")
	make -s -C "$SRC/tools/vmsched" OUTPUT="$TMP/tool" > /dev/null 2>&1 || fail "vmsched does not build"
	v_cli=$("$TMP/tool/vmsched" -j -V | sed -n 's/^{"version":"\([^"]*\)".*/\1/p')
	# kvm_schedswap.ko of make_install, if it ran
	v_mod=$(modinfo -F version "$SRC/kvm_schedswap/kvm_schedswap.ko" 2>/dev/null ||
		echo "$v_dkms")
	info "versions: dkms.conf $v_dkms, debian/changelog $v_deb, vmsched $v_cli, module $v_mod"
	[ "$v_dkms" = "$v_deb" ] && [ "$v_deb" = "$v_cli" ] && [ "$v_cli" = "$v_mod" ] ||
		fail "versions differ"
}

DEBS=
t_make_deb() {
	local v c
	command -v dpkg-buildpackage > /dev/null && command -v dh_dkms > /dev/null ||
		{ skip "dpkg-buildpackage or dh_dkms missing (scripts/setup.sh)"; return; }
	make -s -C "$SRC" deb > "$TMP/deb.log" 2>&1 || {
		tail -20 "$TMP/deb.log" | sed 's/^/# /'
		fail "make deb failed"
		return
	}
	v=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$SRC/dkms.conf")
	DEBS=$SRC/build/deb
	for c in vmsched_${v}_amd64 vmsched-dkms_${v}_all; do
		[ -f "$DEBS/$c.deb" ] || { fail "no $c.deb"; return; }
		dpkg-deb -c "$DEBS/$c.deb" | awk '{ print $6 }' > "$TMP/$c.list"
		dpkg-deb -e "$DEBS/$c.deb" "$TMP/$c.ctl"
	done
	for f in ./usr/sbin/vmsched ./usr/share/man/man8/vmsched.8.gz ./etc/vmsched.conf \
		 ./usr/share/bash-completion/completions/vmsched ./lib/systemd/system/vmsched.service; do
		grep -qx "$f" "$TMP/vmsched_${v}_amd64.list" || fail "vmsched.deb lacks $f"
	done
	grep -qx /etc/vmsched.conf "$TMP/vmsched_${v}_amd64.ctl/conffiles" ||
		fail "/etc/vmsched.conf is not a conffile"
	grep -q 'deb-systemd-helper enable.*vmsched.service\|vmsched.service' \
		"$TMP/vmsched_${v}_amd64.ctl/postinst" || fail "postinst does not enable vmsched.service"
	for f in dkms.conf Kbuild kvm_schedswap/Kbuild uapi/linux/vmsched.h \
		 sched_plugins/example/example.c sched_plugins/common/vmsched_policy.h; do
		grep -qx "./usr/src/vmsched-$v/$f" "$TMP/vmsched-dkms_${v}_all.list" ||
			fail "vmsched-dkms.deb lacks /usr/src/vmsched-$v/$f"
	done
	grep -q '\.ko$\|\.o$\|/sim/' "$TMP/vmsched-dkms_${v}_all.list" &&
		fail "vmsched-dkms.deb ships build products or the simulator"
	grep -q 'dkms' "$TMP/vmsched-dkms_${v}_all.ctl/postinst" ||
		fail "vmsched-dkms postinst does not run DKMS"
	dpkg-deb -f "$DEBS/vmsched-dkms_${v}_all.deb" Depends | grep -q dkms ||
		fail "vmsched-dkms does not depend on dkms"
	info "$(cd "$DEBS" && ls ./*.deb | xargs)"
}

t_dkms_build() {
	local v m d rel
	[ -n "$DEBS" ] || { skip "make_deb did not run"; return; }
	command -v dkms > /dev/null || { skip "dkms missing (scripts/setup.sh)"; return; }
	[ -f "$KDIR/Makefile" ] || { skip "no 6.12 headers"; return; }
	v=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$SRC/dkms.conf")
	rel=$(cat "$KDIR/include/config/kernel.release")
	d=$TMP/dkms
	mkdir -p "$d/tree"
	dpkg-deb -x "$DEBS/vmsched-dkms_${v}_all.deb" "$d/root"
	if ! { dkms add -m vmsched -v "$v" --dkmstree "$d/tree" --sourcetree "$d/root/usr/src" &&
	       dkms build -m vmsched -v "$v" -k "$rel" --kernelsourcedir "$KDIR" \
			--dkmstree "$d/tree" --sourcetree "$d/root/usr/src"; } > "$d/log" 2>&1; then
		tail -20 "$d/log" | sed 's/^/# /'
		cat "$d/tree/vmsched/$v/build/make.log" 2>/dev/null | tail -20 | sed 's/^/# /'
		fail "dkms build failed"
		return
	fi
	for m in $MODULES; do
		[ -f "$d/tree/vmsched/$v/$rel/x86_64/module/$m.ko" ] ||
			ls "$d/tree/vmsched/$v/$rel/x86_64/module/$m.ko"* > /dev/null 2>&1 ||
			fail "dkms did not build $m for $rel"
	done
	grep -i 'warning:' "$d/tree/vmsched/$v/build/make.log" 2>/dev/null | sed 's/^/# /' &&
		fail "warnings in the DKMS build"
	info "dkms built $MODULES for $rel"
}

for t in "${TESTS[@]}"; do
	echo "# test: $t"
	FAILS=0 SKIPPED=
	"t_$t"
	N=$((N + 1))
	if [ -n "$SKIPPED" ]; then
		echo "ok $N $t # SKIP $SKIPPED"
		SKIP=$((SKIP + 1))
	elif [ $FAILS = 0 ]; then
		echo "ok $N $t"
		PASS=$((PASS + 1))
	else
		echo "not ok $N $t"
		FAIL=$((FAIL + 1))
	fi
done
echo "$PASS passed, $FAIL failed, $SKIP skipped"
[ $FAIL = 0 ]
