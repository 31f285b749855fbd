# SPDX-License-Identifier: GPL-2.0
#
# Tests of host_test.sh (sourced by it, after apply_tests.sh): apply
# --follow (the service) against the fake /dev/vmsched, whose device node
# is a file the test removes and creates as rmmod and modprobe do.
#   follow_quiet  with nothing to follow (no vm lines, no libvirt) it says
#                 so and makes no calls while it sleeps, not even STATS; a
#                 SIGHUP with a vm line makes it follow (a VM that starts
#                 then gets its values); metrics are still written every
#                 interval, and nothing else is called
#   follow_rmmod  it holds the device only during a round, so that "rmmod"
#                 works while it runs; one line when the device goes, no
#                 rounds while it is gone, one line when it is back, and the
#                 file is applied again to the new module (policy and the
#                 VMs' values, also of a VM that started meanwhile)

FOLLOW_TESTS=(follow_quiet follow_rmmod)

# follow_begin CONF [ENV...]: vmsched apply -f -i 0.1 CONF in the background
# (pid FOLLOW, output in $TMP/follow.out) against a fake device node
follow_begin() {
	export VMSCHED_FAKE_DEV=$TMP/dev/vmsched
	mkdir -p "$TMP/dev"
	touch "$VMSCHED_FAKE_DEV"
	env "${@:2}" "$VMSCHED" apply -f -i 0.1 "$1" > "$TMP/follow.out" 2>&1 < /dev/null &
	FOLLOW=$!
	PIDS+=("$FOLLOW")
	# started once it says whether it follows (up to 5 s)
	for _ in $(seq 50); do
		grep -q "following new VMs\|nothing to follow" "$TMP/follow.out" && return
		sleep 0.1
	done
	fail "apply -f did not start: $(cat "$TMP/follow.out")"
}

follow_end() {
	kill "$FOLLOW"
	wait "$FOLLOW" || fail "apply -f ended with exit $?: $(cat "$TMP/follow.out")"
	unset VMSCHED_FAKE_DEV
}

# locked CMD...: CMD reads or changes the fake's state file while no call
# writes it
locked() { flock "$VMSCHED_FAKE_STATE.lock" "$@"; }

# calls SECONDS: the number of STATS calls (each round makes one) in SECONDS
calls() {
	locked sed -i '/^log /d' "$VMSCHED_FAKE_STATE"
	sleep "$1"
	locked grep -c '^log stats' "$VMSCHED_FAKE_STATE"
}

# holds: apply -f has the device open now
holds() {
	local l
	for l in /proc/"$FOLLOW"/fd/*; do
		[ "$(readlink "$l")" = "$VMSCHED_FAKE_DEV" ] && return 0
	done
	return 1
}

# fake_rmmod: remove the device node as rmmod does, which fails while the
# device is open: tried 20 times 50 ms apart (a round takes less)
fake_rmmod() {
	for _ in $(seq 20); do
		holds || break
		sleep 0.05
	done
	holds && { fail "apply -f keeps the device open: rmmod would fail"; return; }
	rm "$VMSCHED_FAKE_DEV"
	sleep 0.3
	# a new module knows no policy and no values
	locked sed -i '/^active /d; /^[gv] /d' "$VMSCHED_FAKE_STATE"
}

# fake_vm NAME: a VM that starts now
fake_vm() {
	"$BUILD/fake_vmm" --name "$1" & FAKE_PID[$1]=$!
	PIDS+=("${FAKE_PID[$1]}")
	locked sed -i "\$a pid ${FAKE_PID[$1]}" "$VMSCHED_FAKE_STATE"
}

# lines TEXT: how many lines of apply -f's output contain TEXT
lines() { grep -cF "$1" "$TMP/follow.out"; }

t_follow_quiet() {
	local n
	fake_begin web
	printf 'policy alpha\nmetrics-textfile off\n' > "$TMP/q.conf"
	follow_begin "$TMP/q.conf" VMSCHED_FAKE_NO_LIBVIRT=1
	grep -q "q.conf: nothing to follow (no vm lines, and libvirt is not installed .*): waiting for SIGHUP; metrics off$" \
		"$TMP/follow.out" || fail "no \"nothing to follow\" line: $(cat "$TMP/follow.out")"
	n=$(calls 1.5)
	[ "$n" = 0 ] || fail "$n STATS calls in 1.5 s with nothing to follow"
	locked grep -q '^log ' "$VMSCHED_FAKE_STATE" && fail "calls with nothing to follow: $(grep '^log ' "$VMSCHED_FAKE_STATE")"
	holds && fail "the device is held while nothing is followed"
	# a vm line: following, and a VM that starts gets its values
	printf 'policy alpha\nvm db weight=100\nmetrics-textfile off\n' > "$TMP/q.conf"
	kill -HUP "$FOLLOW"
	sleep 0.5
	grep -q "q.conf: now following new VMs every 0.1s (1 vm line); metrics off$" "$TMP/follow.out" ||
		fail "no \"now following\" line after SIGHUP: $(cat "$TMP/follow.out")"
	fake_vm db
	sleep 0.5
	want_params db '{"weight":100,"cap":0}'
	n=$(calls 1)
	[ "$n" -ge 5 ] || fail "$n STATS calls in 1 s, following every 0.1 s"
	# nothing to follow again, but metrics every second
	printf 'policy alpha\nmetrics-textfile %s\nmetrics-interval 1s\n' "$TMP/q.prom" > "$TMP/q.conf"
	kill -HUP "$FOLLOW"
	sleep 0.5
	grep -q "q.conf: now nothing to follow (.*): waiting for SIGHUP; metrics to $TMP/q.prom every 1s$" \
		"$TMP/follow.out" || fail "no \"now nothing to follow\" line: $(cat "$TMP/follow.out")"
	n=$(calls 2.5)
	[ "$n" -ge 2 ] && [ "$n" -le 4 ] ||
		fail "$n STATS calls in 2.5 s: metrics every second, no rounds"
	grep -q '^vmsched_up 1$' "$TMP/q.prom" || fail "no metrics in $TMP/q.prom"
	follow_end
	[ -e "$TMP/q.prom" ] && fail "the metrics file is left behind"
	# with libvirt, metadata can give a VM parameters: following
	if have_libvirt; then
		printf 'policy alpha\nmetrics-textfile off\n' > "$TMP/q.conf"
		follow_begin "$TMP/q.conf"
		grep -q "q.conf: following new VMs every 0.1s (libvirt metadata); metrics off$" \
			"$TMP/follow.out" || fail "libvirt: $(cat "$TMP/follow.out")"
		follow_end
	fi
	# policy none: nothing to follow
	printf 'policy none\nmetrics-textfile off\n' > "$TMP/q.conf"
	follow_begin "$TMP/q.conf"
	grep -q "q.conf: nothing to follow (policy none): waiting for SIGHUP" "$TMP/follow.out" ||
		fail "policy none: $(cat "$TMP/follow.out")"
	follow_end
	fake_end
}

t_follow_rmmod() {
	local n
	fake_begin web
	printf 'policy alpha slice=20ms\nvm web weight=512\nvm db weight=100\nmetrics-textfile off\n' > "$TMP/m.conf"
	follow_begin "$TMP/m.conf"
	want_params web '{"weight":512,"cap":0}'
	fake_rmmod
	sleep 0.3
	[ "$(lines "kvm_schedswap is not loaded (rmmod?): nothing to follow until it is loaded again")" = 1 ] ||
		fail "not one line for the module gone: $(cat "$TMP/follow.out")"
	n=$(calls 1)
	[ "$n" = 0 ] || fail "$n STATS calls in 1 s while the module is gone"
	fake_vm db
	sleep 0.5
	[ "$(lines "not loaded")" = 1 ] || fail "the module gone said more than once: $(cat "$TMP/follow.out")"
	grep -qi "error\|cannot\|not found" "$TMP/follow.out" && fail "errors while gone: $(cat "$TMP/follow.out")"
	# modprobe: the file applied again, db (started meanwhile) too
	touch "$VMSCHED_FAKE_DEV"
	sleep 1
	[ "$(lines "kvm_schedswap is loaded again: applying $TMP/m.conf again")" = 1 ] ||
		fail "not one line for the module back: $(cat "$TMP/follow.out")"
	want_global '{"slice":20000000}'
	want_params web '{"weight":512,"cap":0}'
	want_params db '{"weight":100,"cap":0}'
	n=$(calls 1)
	[ "$n" -ge 5 ] || fail "$n STATS calls in 1 s after the module came back"
	# and it can go again
	fake_rmmod
	sleep 0.3
	[ "$(lines "not loaded")" = 2 ] || fail "the second rmmod: $(cat "$TMP/follow.out")"
	follow_end
	fake_end
}
