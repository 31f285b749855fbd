#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of installing vmsched (no module is loaded):
#   conf_parser     the /etc/vmsched.conf parser (conf_test), shipped files parse
#   man_pages       vmsched(8) and vmsched.conf(5): no warning from groff
#                   (man --warnings) or mandoc -T lint; vmsched.conf(5)'s
#                   examples parse; the module parameters are those of the core
#   readme          README.md's first example loads what it uses by name
#                   (modprobe, a policy before its activate); the README's
#                   and docs/'s relative links lead to files
#   make_install    make install DESTDIR= PREFIX=: every file, mode and
#                   modules.dep entry where an admin expects it; example_sched
#                   only with INSTALL_EXAMPLE=1
#   reinstall       an edited /etc/vmsched.conf survives install and uninstall;
#                   uninstall leaves nothing else
#   consistent      dkms.conf lists every module Kbuild builds but example_sched;
#                   one version in dkms.conf, debian/changelog, the CLI and
#                   kvm_schedswap.ko
#   make_deb        make deb: both packages, their files, conffile, maintainer
#                   scripts (systemd unit, DKMS), libvirt0 suggested, not needed
#   lintian         lintian finds no error in the packages; the CLI is built
#                   with dpkg-buildflags (fortified, no -Werror)
#   unit_security   systemd-analyze security rates the packaged vmsched.service
#                   at most 4.0 ("OK"), with the access it needs still given
#   postinst        vmsched's postinst starts the service on first install only
#                   when the file names a policy and the modules are built;
#                   vmsched-dkms's starts it once they are (stub commands)
#   dkms_build      DKMS builds the modules from the vmsched-dkms package for
#                   the cached 6.12 kernel (private DKMS trees, nothing
#                   installed), not example_sched; none for another
#                   architecture or a kernel without kprobes
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
# what a host gets; example_sched, the policy to copy, only on request
MODULES="kvm_schedswap bvt_sched rr_sched fair_sched"
EXAMPLE=example_sched

TESTS=(conf_parser man_pages readme make_install reinstall consistent make_deb lintian unit_security postinst
       dkms_build)
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

t_man_pages() {
	local p out n=0 params doc
	for p in "$SRC/tools/vmsched/vmsched.8" "$SRC/tools/vmsched/vmsched.conf.5"; do
		if command -v man > /dev/null; then
			out=$(MANWIDTH=80 man --warnings -E UTF-8 -l "$p" 2>&1 > /dev/null)
			[ -z "$out" ] || { printf '%s\n' "$out" | sed 's/^/# man: /'; fail "$p: groff warns"; }
		else
			skip "man missing (scripts/setup.sh)"
		fi
		if command -v mandoc > /dev/null; then
			out=$(mandoc -T lint -W warning "$p" 2>&1) ||
				{ printf '%s\n' "$out" | sed 's/^/# /'; fail "$p: mandoc -T lint"; }
		else
			skip "mandoc missing (scripts/setup.sh)"
		fi
	done
	# every example of vmsched.conf(5) is a valid file
	awk -v dir="$TMP" '/^\.SH EXAMPLES/ { ex = 1 } /^\.SH FILES/ { ex = 0 }
		ex && /^\.fi/ { on = 0 } on { gsub(/\\-/, "-"); print > (dir "/example" n ".conf") }
		ex && /^\.nf/ { on = 1; n++ }' "$SRC/tools/vmsched/vmsched.conf.5"
	for p in "$TMP"/example*.conf; do
		[ -f "$p" ] || { fail "no examples in vmsched.conf(5)"; break; }
		"$BUILD/conf_test" "$p" > "$TMP/ex.out" 2>&1 ||
			{ sed 's/^/# /' "$TMP/ex.out"; fail "vmsched.conf(5): example $(basename "$p") does not parse"; }
		n=$((n + 1))
	done
	# vmsched(8)'s MODULE PARAMETERS: those kvm_schedswap declares
	params=$(sed -n 's/^module_param[a-z_]*(\([a-z_]*\),.*/\1/p' "$SRC"/kvm_schedswap/*.c | sort | xargs)
	doc=$(sed -n '/^\.SH MODULE PARAMETERS/,/^\.SH /s/^\.BI \([a-z_]*\)= .*/\1/p' \
	      "$SRC/tools/vmsched/vmsched.8" | sort | xargs)
	[ -n "$params" ] && [ "$params" = "$doc" ] ||
		fail "module parameters: vmsched(8) has \"$doc\", kvm_schedswap \"$params\""
	info "$n examples of vmsched.conf(5) parse; module parameters: $doc"
}

t_readme() {
	local ex line p loaded=" " f link n=0
	# the first indented block: the example under the title
	ex=$(awk '/^    / { on = 1; print; next } on { exit }' "$SRC/README.md")
	[ -n "$ex" ] || { fail "README.md: no example"; return; }
	printf '%s\n' "$ex" | grep -q 'insmod' && fail "README.md's example uses insmod: modprobe loads by name"
	printf '%s\n' "$ex" | grep -q '^ *modprobe kvm_schedswap' || fail "README.md's example does not load the core"
	while read -r line; do
		case $line in
		modprobe\ *)
			p=${line#modprobe }; p=${p%% *}
			[[ $p != *_sched ]] || loaded="$loaded${p%_sched} " ;;
		vmsched\ activate\ *)
			p=${line#vmsched activate }; p=${p%% *}
			[[ $loaded == *" $p "* ]] ||
				fail "README.md's example activates $p before it loads ${p}_sched" ;;
		esac
	done <<< "$ex"
	# relative links: [text](path) and ![img](path)
	for f in "$SRC/README.md" "$SRC"/docs/*.md; do
		for link in $(grep -o '](\([^)#: ]*\))' "$f" | sed 's/^](\(.*\))$/\1/'); do
			n=$((n + 1))
			[ -e "$(dirname "$f")/$link" ] || fail "${f#"$SRC"/}: link to $link, no such file"
		done
	done
	info "example loads:$loaded; $n links"
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
	[ -e "$DEST/lib/modules/$REL/extra/$EXAMPLE.ko" ] && fail "$EXAMPLE installed by default"
	make -s -C "$SRC" install-modules DESTDIR="$TMP/dest-ex" KDIR="$KDIR" INSTALL_EXAMPLE=1 \
		> "$TMP/install-ex.log" 2>&1 || {
		sed 's/^/# /' "$TMP/install-ex.log"
		fail "make install-modules INSTALL_EXAMPLE=1 failed"
	}
	want_file "$TMP/dest-ex/lib/modules/$REL/extra/$EXAMPLE.ko" 644
	want_file "$DEST/usr/local/sbin/vmsched" 755
	want_file "$DEST/usr/local/share/man/man8/vmsched.8" 644
	want_file "$DEST/usr/local/share/man/man5/vmsched.conf.5" 644
	want_file "$DEST/usr/local/share/bash-completion/completions/vmsched" 644
	want_file "$DEST/etc/vmsched.conf" 644
	u=$DEST/usr/local/lib/systemd/system/vmsched.service
	want_file "$u" 644
	grep -qx 'ExecStart=/usr/local/sbin/vmsched apply --follow /etc/vmsched.conf' "$u" ||
		fail "vmsched.service: ExecStart does not run /usr/local/sbin/vmsched"
	grep -q '@[A-Z]*@' "$u" && fail "vmsched.service: unsubstituted @...@"
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
	[ "$(echo "$listed $EXAMPLE" | tr ' ' '\n' | sort | xargs)" = "$built" ] ||
		fail "dkms.conf lists \"$listed\" (and leaves out $EXAMPLE), Kbuild builds \"$built\""
	[ "$(echo "$MODULES" | tr ' ' '\n' | sort | xargs)" = "$listed" ] ||
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
	for f in ./usr/sbin/vmsched ./usr/share/man/man8/vmsched.8.gz \
		 ./usr/share/man/man5/vmsched.conf.5.gz ./etc/vmsched.conf \
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
	# libvirt is loaded at run time, for metadata only: suggested, not needed
	dpkg-deb -f "$DEBS/vmsched_${v}_amd64.deb" Depends | grep -q libvirt &&
		fail "vmsched depends on libvirt"
	dpkg-deb -f "$DEBS/vmsched_${v}_amd64.deb" Suggests | grep -qw libvirt0 ||
		fail "vmsched does not suggest libvirt0"
	info "$(cd "$DEBS" && ls ./*.deb | xargs)"
}

t_lintian() {
	local v out
	[ -n "$DEBS" ] || { skip "make_deb did not run"; return; }
	command -v lintian > /dev/null || { skip "lintian missing (scripts/setup.sh)"; return; }
	v=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$SRC/dkms.conf")
	# -I: hardening-no-fortify-functions is an informational tag
	out=$(lintian -I "$DEBS/vmsched_${v}_amd64.deb" "$DEBS/vmsched-dkms_${v}_all.deb" 2>&1 |
	      grep -v '^running with root privileges') || true
	[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# lintian: /'
	printf '%s\n' "$out" | grep -q '^E: ' && fail "lintian reports errors (above)"
	printf '%s\n' "$out" | grep -q 'hardening-no-fortify-functions' &&
		fail "vmsched is not built with dpkg-buildflags' CPPFLAGS (_FORTIFY_SOURCE)"
	# the compiler lines of the package build, as debian/rules runs them
	(cd "$SRC" && OUTPUT=$TMP/dry make -s -n -f debian/rules override_dh_auto_build) \
		> "$TMP/dry.out" 2>&1 || { sed 's/^/# /' "$TMP/dry.out"; fail "debian/rules: no build"; }
	grep -q -- '-D_FORTIFY_SOURCE=2 .* -c -o .*/main.o' "$TMP/dry.out" ||
		fail "the package build does not compile with CPPFLAGS (-D_FORTIFY_SOURCE=2)"
	grep -- ' -c -o ' "$TMP/dry.out" | grep -q -- '-Werror\( \|$\)' &&
		fail "the package build compiles with -Werror"
	info "lintian: $(printf '%s\n' "$out" | grep -c '^E: ') errors," \
		"$(printf '%s\n' "$out" | grep -c '^W: ') warnings"
}

# the unit as the package ships it
UNIT=
t_unit_security() {
	local v score rating
	[ -n "$DEBS" ] || { skip "make_deb did not run"; return; }
	v=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$SRC/dkms.conf")
	dpkg-deb -x "$DEBS/vmsched_${v}_amd64.deb" "$TMP/deb-root"
	UNIT=$TMP/deb-root/lib/systemd/system/vmsched.service
	[ -f "$UNIT" ] || { fail "no vmsched.service in vmsched.deb"; return; }
	systemd-analyze security --offline=true "$UNIT" > "$TMP/security.out" 2>&1 ||
		{ sed 's/^/# /' "$TMP/security.out"; fail "systemd-analyze security failed"; return; }
	read -r score rating < <(sed -n 's/.*Overall exposure level for vmsched.service: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p' \
		"$TMP/security.out")
	info "systemd-analyze security: $score $rating"
	awk -v s="${score:-99}" 'BEGIN { exit !(s <= 4.0) }' && [ "$rating" = OK ] ||
		fail "exposure ${score:-?} ${rating:-?}, want at most 4.0 OK"
	# what it must still be allowed to do
	grep -qx 'ExecStartPre=/sbin/modprobe kvm_schedswap' "$UNIT" || fail "no modprobe of the core"
	grep -qx 'CapabilityBoundingSet=CAP_SYS_MODULE CAP_SYS_NICE' "$UNIT" ||
		fail "capabilities: want CAP_SYS_MODULE (modprobe) and CAP_SYS_NICE (the ioctls)"
	grep -qx 'DeviceAllow=char-misc rw' "$UNIT" || fail "/dev/vmsched (a misc device) not allowed"
	grep -qx 'SystemCallFilter=@system-service @module' "$UNIT" ||
		fail "system calls: want @system-service and @module (finit_module)"
	grep -q '^ProtectKernelModules=yes\|^PrivateDevices=yes\|^ProtectProc=invisible\|^PrivateUsers=yes' \
		"$UNIT" && fail "a setting that hides the modules, /dev/vmsched or the VMs' /proc"
	grep -qx 'ReadWritePaths=-/var/lib/prometheus/node-exporter' "$UNIT" ||
		fail "the Prometheus textfile folder is not writable"
}

# run_postinst SCRIPT ARGS...: with DPKG_ROOT=$TMP/pi, commands stubbed in
# $TMP/stubs (modinfo exits $MODINFO_RC); what they were asked in $TMP/pi.log
run_postinst() {
	local c script=$1
	shift
	mkdir -p "$TMP/stubs" "$TMP/pi/run/systemd/system" "$TMP/pi/lib/systemd/system" "$TMP/pi/etc"
	for c in deb-systemd-helper deb-systemd-invoke systemctl modinfo; do
		printf '#!/bin/sh\necho "%s $*" >> "%s"\n[ %s != modinfo ] || exit "$MODINFO_RC"\n' \
			"$c" "$TMP/pi.log" "$c" > "$TMP/stubs/$c"
		chmod +x "$TMP/stubs/$c"
	done
	: > "$TMP/pi.log"
	DPKG_ROOT=$TMP/pi PATH=$TMP/stubs:$PATH sh "$script" "$@" > "$TMP/pi.out" 2>&1 ||
		fail "$(basename "$script") $*: exit $?"
}

# started WANT CASE: whether the last run_postinst started vmsched.service
started() {
	local got=no
	grep -q '^deb-systemd-invoke start vmsched.service' "$TMP/pi.log" && got=yes
	[ "$got" = "$1" ] || { sed 's/^/# /' "$TMP/pi.out"; fail "$2: started: $got, want $1"; }
}

t_postinst() {
	local v ctl=$TMP/postinst
	[ -n "$DEBS" ] || { skip "make_deb did not run"; return; }
	v=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$SRC/dkms.conf")
	dpkg-deb -e "$DEBS/vmsched_${v}_amd64.deb" "$ctl"
	dpkg-deb -e "$DEBS/vmsched-dkms_${v}_all.deb" "$ctl-dkms"
	# vmsched-dkms's own part, after the DKMS build that cannot run here
	sed '1,/^# End automatically added section/d' "$ctl-dkms/postinst" > "$ctl-dkms/tail"
	grep -q 'deb-systemd-helper enable' "$ctl/postinst" || fail "postinst does not enable the unit"
	mkdir -p "$TMP/pi/etc"
	cp "$SRC/packaging/vmsched.conf" "$TMP/pi/etc/vmsched.conf"
	MODINFO_RC=0 run_postinst "$ctl/postinst" configure ""
	started no "first install, shipped file (policy none)"
	grep -q 'policy none' "$TMP/pi.out" || fail "postinst does not say why it did not start"
	grep -q 'modinfo' "$TMP/pi.log" && fail "postinst looked for modules with policy none"
	printf 'policy fair slice=10ms\n' > "$TMP/pi/etc/vmsched.conf"
	MODINFO_RC=1 run_postinst "$ctl/postinst" configure ""
	started no "first install, policy fair, modules not built"
	MODINFO_RC=0 run_postinst "$ctl/postinst" configure ""
	started yes "first install, policy fair, modules built"
	MODINFO_RC=0 run_postinst "$ctl/postinst" configure "$v"
	started no "upgrade"
	touch "$TMP/pi/lib/systemd/system/vmsched.service"
	MODINFO_RC=0 run_postinst "$ctl-dkms/tail" configure ""
	started yes "vmsched-dkms first install, policy fair"
	cp "$SRC/packaging/vmsched.conf" "$TMP/pi/etc/vmsched.conf"
	MODINFO_RC=0 run_postinst "$ctl-dkms/tail" configure ""
	started no "vmsched-dkms first install, policy none"
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
	ls "$d/tree/vmsched/$v/build/sched_plugins/example/"*.ko > /dev/null 2>&1 &&
		fail "dkms built $EXAMPLE"
	grep -i 'warning:' "$d/tree/vmsched/$v/build/make.log" 2>/dev/null | sed 's/^/# /' &&
		fail "warnings in the DKMS build"
	info "dkms built $MODULES for $rel"
	# BUILD_EXCLUSIVE_*: another architecture, a kernel without kprobes
	dkms_excluded "$d" "$v" "$rel" "-a aarch64 --kernelsourcedir $KDIR" "an arm64 kernel"
	mkdir -p "$d/nokprobes"
	grep -v '^CONFIG_KPROBES=' "$KDIR/.config" > "$d/nokprobes/.config"
	dkms_excluded "$d" "$v" "$rel" "--kernelsourcedir $d/nokprobes" "a kernel without kprobes"
}

# dkms_excluded DIR VERSION RELEASE "DKMS OPTIONS" WHAT: dkms builds nothing
dkms_excluded() {
	local rc=0
	# shellcheck disable=SC2086  # $4: options
	dkms build -m vmsched -v "$2" -k "$3" $4 --force --dkmstree "$1/tree" \
		--sourcetree "$1/root/usr/src" > "$1/excl.log" 2>&1 || rc=$?
	if [ $rc != 77 ] || ! grep -q 'BUILD_EXCLUSIVE' "$1/excl.log"; then
		tail -5 "$1/excl.log" | sed 's/^/# /'
		fail "dkms build for $5: exit $rc, want 77 (BUILD_EXCLUSIVE)"
	fi
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
