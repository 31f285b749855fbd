# SPDX-License-Identifier: GPL-2.0
#
# Tests of host_test.sh (sourced by it, after apply_tests.sh): per-VM
# parameters in libvirt domain metadata, read through libvirt's test driver
# (a node XML file of domains, LIBVIRT_DEFAULT_URI=test:///FILE) for fake
# VMs of the same names on the fake /dev/vmsched.
#   libvirt_metadata  apply gives a VM its domain's metadata; a vm line of
#                     the file wins key by key; bad metadata is reported
#                     with the domain's name and ignored for that VM only;
#                     get vm says where each value came from; apply -f
#                     gives a VM that starts later its metadata
#   libvirt_lazy      vmsched is not linked with libvirt: only a command that
#                     reads metadata loads libvirt.so.0; without libvirt
#                     installed (an empty file in its place, in a mount
#                     namespace of its own) apply goes on and get vm says why

LIBVIRT_TESTS=(libvirt_metadata libvirt_lazy)

# can libvirt.so.0 be loaded here (libvirt0)?
have_libvirt() {
	ldconfig -p | grep -q 'libvirt\.so\.0 ' ||
		{ info "libvirt.so.0 is not installed (libvirt0)"; return 1; }
}

# lv_domain NAME [ATTRIBUTES]: a running test domain, with vmsched metadata
# when ATTRIBUTES are given
lv_domain() {
	printf "  <domain type='test'><name>%s</name><memory>65536</memory>" "$1"
	printf "<os><type>hvm</type></os>"
	[ -n "${2:-}" ] &&
		printf '<metadata><vmsched:sched xmlns:vmsched="urn:vmsched:sched:1" %s/></metadata>' "$2"
	printf '</domain>\n'
}

t_libvirt_metadata() {
	local f
	have_libvirt || return 2
	{
		echo "<node>"
		lv_domain web 'weight="512" cap="50%"'
		lv_domain db
		lv_domain bad 'weight="600" foo="1"'
		lv_domain badval 'weight="x"'
		lv_domain later 'weight="9"'
		echo "</node>"
	} > "$TMP/node.xml"
	export LIBVIRT_DEFAULT_URI=test://$TMP/node.xml
	fake_begin web db bad badval
	printf 'policy alpha\nvm db weight=100\n' > "$TMP/l1.conf"
	run apply "$TMP/l1.conf"
	[ "$RC" = 0 ] || fail "apply: exit $RC: $ERR"
	printf '%s\n' "$OUT" | grep -Eq "^web +${FAKE_PID[web]} +applied +libvirt +weight=512 cap=50%$" ||
		fail "web's metadata not applied: $OUT"
	# bad metadata: said with the domain's name, that VM keeps the defaults
	[[ $ERR == *'libvirt domain bad: policy alpha has no per-VM parameter "foo"'* ]] ||
		fail "unknown key not reported: $ERR"
	[[ $ERR == *'libvirt domain badval: bad value "x" for weight'* ]] || fail "bad value: $ERR"
	[[ $ERR == *"libvirt domain bad: vmsched metadata ignored for this VM"* ]] || fail "$ERR"
	want_params web '{"weight":512,"cap":50}'
	want_params db '{"weight":100,"cap":0}'
	want_params bad '{"weight":256,"cap":0}'
	want_params badval '{"weight":256,"cap":0}'
	# the file's vm line wins, key by key
	printf 'policy alpha\nvm web weight=7\n' > "$TMP/l2.conf"
	expect 0 "" apply "$TMP/l2.conf"
	printf '%s\n' "$OUT" | grep -Eq "^web +${FAKE_PID[web]} +applied +file\+libvirt +weight=7 cap=50%$" ||
		fail "apply's FROM for web: $OUT"
	want_params web '{"weight":7,"cap":50}'
	# where each value came from
	VMSCHED_CONF=$TMP/l2.conf run -j get vm web
	[[ $OUT == *'"sources":{"weight":"'"$TMP"'/l2.conf:2","cap":"libvirt metadata"},"libvirt":"vmsched metadata used"'* ]] ||
		fail "get vm web -j: $OUT"
	VMSCHED_CONF=$TMP/l2.conf run get vm web
	printf '%s\n' "$OUT" | grep -Eq '^  cap: +50% +libvirt metadata$' || fail "get vm web: $OUT"
	expect 0 "" set vm db weight=3
	VMSCHED_CONF=$TMP/l2.conf run get vm db
	printf '%s\n' "$OUT" | grep -Eq '^  weight: +3 +set by hand \(the configuration says 256\)$' &&
		printf '%s\n' "$OUT" | grep -Eq '^  cap: +0% +default$' &&
		printf '%s\n' "$OUT" | grep -q '^libvirt: *no vmsched metadata for this domain$' ||
		fail "get vm db: $OUT"
	VMSCHED_CONF=$TMP/l2.conf run get vm bad
	[[ $OUT == *"libvirt:"*"vmsched metadata ignored: not valid for policy alpha"* ]] || fail "get vm bad: $OUT"
	[ -z "$ERR" ] || fail "get vm reported the file's or metadata's errors: $ERR"
	# a VM that starts (or arrives) later gets its metadata from apply -f
	"$VMSCHED" apply -f -i 0.1 "$TMP/l2.conf" > "$TMP/lvfollow.out" 2>&1 & f=$!
	PIDS+=($f)
	sleep 0.5
	"$BUILD/fake_vmm" --name later & FAKE_PID[later]=$!
	echo "pid ${FAKE_PID[later]}" >> "$VMSCHED_FAKE_STATE"
	sleep 0.5
	kill $f
	wait $f
	grep -qx "vm later (pid ${FAKE_PID[later]}): applied weight=9 (libvirt metadata)" "$TMP/lvfollow.out" ||
		fail "apply -f: $(cat "$TMP/lvfollow.out")"
	want_params later '{"weight":9,"cap":0}'
	# no libvirt to ask: apply goes on without metadata
	LIBVIRT_DEFAULT_URI=test:///nonexistent/node.xml run apply "$TMP/l2.conf"
	[ "$RC" = 0 ] || fail "apply without libvirt: exit $RC: $ERR"
	want_params web '{"weight":7,"cap":0}'
	fake_end
	unset LIBVIRT_DEFAULT_URI
}

# without_libvirt SO ARGS...: vmsched ARGS with an empty file in place of
# libvirt's SO, in a mount namespace of its own
without_libvirt() {
	local so=$1
	shift
	: > "$TMP/empty.so"
	unshare -m sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' sh \
		"$TMP/empty.so" "$so" "$VMSCHED" "$@" > "$TMP/out" 2> "$TMP/err"
}

# loads VMSCHED ARGS...: does that command load libvirt.so.0?
loads() {
	LD_DEBUG=files "$VMSCHED" "$@" 2>&1 < /dev/null | grep -q 'file=libvirt\.so\.0 '
}

t_libvirt_lazy() {
	local so
	have_libvirt || return 2
	ldd "$VMSCHED" | grep -q libvirt && fail "vmsched is linked with libvirt: $(ldd "$VMSCHED")"
	loads version && fail "version loads libvirt"
	loads help && fail "help loads libvirt"
	echo "<node>$(lv_domain web 'weight="512"')</node>" > "$TMP/node.xml"
	export LIBVIRT_DEFAULT_URI=test://$TMP/node.xml
	fake_begin web
	printf 'policy alpha\n' > "$TMP/lazy.conf"
	expect 0 "" apply "$TMP/lazy.conf"
	loads list && fail "list loads libvirt"
	loads stats -s && fail "stats loads libvirt"
	loads apply "$TMP/lazy.conf" || fail "apply does not load libvirt"
	want_params web '{"weight":512,"cap":0}'
	# libvirt not installed: an empty file where libvirt.so.0 is
	so=$(readlink -f "$(ldconfig -p | sed -n 's/.*libvirt\.so\.0 .*=> //p' | head -1)")
	if ! unshare -m true 2> /dev/null; then
		info "no mount namespace here (unshare -m): libvirt not installed is not tested"
	else
		printf 'policy alpha\nvm web cap=5\n' > "$TMP/lazy.conf"
		without_libvirt "$so" apply "$TMP/lazy.conf"
		[ $? = 0 ] || fail "apply without libvirt: $(cat "$TMP/err")"
		grep -Eq "^web +${FAKE_PID[web]} +applied +file +cap=5$" "$TMP/out" ||
			fail "apply without libvirt: $(cat "$TMP/out")"
		want_params web '{"weight":256,"cap":5}'
		VMSCHED_CONF=$TMP/lazy.conf without_libvirt "$so" get vm web
		grep -Eq "^libvirt: +libvirt is not installed \(.*libvirt\.so\.0: .*\), no domain metadata$" "$TMP/out" ||
			fail "get vm without libvirt: $(cat "$TMP/out" "$TMP/err")"
	fi
	fake_end
	unset LIBVIRT_DEFAULT_URI
}
