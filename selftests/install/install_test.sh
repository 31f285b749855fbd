#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In the test VM: vmsched as an admin installs and runs it. The host staged
# "make install DESTDIR=... PREFIX=/usr" (modules, depmod, CLI, unit, config)
# into /selftests/install-root; this test copies it to /, then:
#   installed   the files are where they belong, the unit runs /usr/sbin/vmsched,
#               the shipped config checks without loading modules (apply -c
#               says which ones apply would load) and apply modprobes the core
#   modprobe    modules load by name (modules.dep from make install's depmod)
#   apply       /etc/vmsched.conf: policy, global and per-VM parameters in effect,
#               a VM not running yet listed as such
#   check_only  apply -c changes nothing
#   bad_config  malformed lines reported as FILE:LINE, nothing changed
#   rollback    a value the policy refuses (after validation passed) puts back
#               the VMs set before it and the previous policy
#   follow      apply -f gives a VM that starts later its parameters
#   follow_rmmod rmmod kvm_schedswap works while apply -f runs, which says so
#               once; after modprobe it applies the file again (policy, slice,
#               the VMs' weights)
# busybox sh; KTAP output; exit 0 pass, 1 fail, 4 skip.
set -eu

STAGE=${VMSCHED_TESTDIR:-/selftests}/install-root
VMSCHED=/usr/sbin/vmsched
TMP=/tmp/install-test
PIDS=""
N=0 FAILED=0 FAILS=0

fail() { echo "# FAIL: $*"; FAILS=$((FAILS + 1)); }
info() { echo "# $*"; }
result() {
	N=$((N + 1))
	if [ $FAILS = 0 ]; then echo "ok $N $1"; else echo "not ok $N $1"; FAILED=1; fi
	FAILS=0
}

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	$VMSCHED deactivate > /dev/null 2>&1 || true
	for m in example_sched rr_sched fair_sched bvt_sched kvm_schedswap; do
		rmmod "$m" 2>/dev/null || true
	done
}
trap cleanup EXIT

# vs ARGS...: run vmsched, sets RC, OUT (stdout) and ERR (stderr)
vs() {
	RC=0
	$VMSCHED "$@" > $TMP/out 2> $TMP/err || RC=$?
	OUT=$(cat $TMP/out)
	ERR=$(cat $TMP/err)
}

# has TEXT NEEDLE WHAT
has() {
	case $1 in
	*"$2"*) ;;
	*) fail "$3: \"$2\" not in: $1" ;;
	esac
}

# start_vm NAME: a workload VM that halts half the time, until killed
start_vm() {
	workload --name "$1" --vcpus 1 --duration 600 --profile duty > "$TMP/vm-$1.log" 2>&1 &
	PIDS="$PIDS $!"
	eval "PID_$1=$!"
}

# wait_vm NAME: until the core knows the VM (its first guest entry)
wait_vm() {
	i=0
	while [ $i -lt 60 ]; do
		$VMSCHED -j stats -s 2>/dev/null | grep -q "\"name\":\"$1\"" && return 0
		sleep 0.5
		i=$((i + 1))
	done
	fail "VM $1 did not show up"
	return 1
}

expect_state() {	# POLICY SLICE_NS: active policy and its slice
	vs -j status
	has "$OUT" "\"active\":\"$1\"" "status"
	has "$OUT" "\"slice\":$2" "status"
}

expect_weight() {	# VM WEIGHT
	local before=$FAILS
	vs -j get vm "$1"
	has "$OUT" "\"weight\":$2" "get vm $1"
	[ $FAILS = "$before" ] || vm_gone "$1"
}

# vm_gone NAME: why the core does not know VM NAME (any more)
vm_gone() {
	eval "pid=\${PID_$1:-}"
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		info "$1 (pid $pid) is still running"
	else
		info "$1 (pid $pid) has exited; its output:"
		sed 's/^/#   /' "$TMP/vm-$1.log"
	fi
	dmesg | tail -15 | sed 's/^/#   dmesg: /'
}

echo "TAP version 13"
echo "1..7"
[ -d "$STAGE" ] || { echo "1..0 # SKIP no staged install in $STAGE"; exit 4; }
[ -c /dev/kvm ] || { echo "1..0 # SKIP no /dev/kvm"; exit 4; }
mkdir -p $TMP
cleanup
REL=$(uname -r)

# ---- installed
cp -a "$STAGE/." /
for f in /lib/modules/$REL/extra/kvm_schedswap.ko /lib/modules/$REL/extra/example_sched.ko \
	 /lib/modules/$REL/modules.dep /usr/sbin/vmsched /usr/share/man/man8/vmsched.8 \
	 /usr/share/man/man5/vmsched.conf.5 \
	 /usr/share/bash-completion/completions/vmsched /etc/vmsched.conf \
	 /usr/lib/systemd/system/vmsched.service; do
	[ -f "$f" ] || fail "missing $f"
done
grep -q '^ExecStart=/usr/sbin/vmsched apply --follow /etc/vmsched.conf$' \
	/usr/lib/systemd/system/vmsched.service || fail "unit does not run /usr/sbin/vmsched"
# apply -c loads nothing; it says what apply would load
vs apply -c
[ $RC = 0 ] || fail "apply -c of the shipped file: exit $RC: $ERR"
has "$OUT" "would load:" "apply -c"
has "$OUT" "kvm_schedswap" "apply -c"
printf 'policy rr slice=7ms\n' > $TMP/rr.conf
vs apply -c $TMP/rr.conf
[ $RC = 1 ] || fail "apply -c of an unloaded policy's parameters: exit $RC, want 1"
has "$ERR" "apply would load kvm_schedswap and rr_sched" "apply -c"
grep -q '^kvm_schedswap \|^rr_sched ' /proc/modules && fail "apply -c loaded a module"
# apply loads the core by name when it is missing
vs apply
[ $RC = 0 ] || fail "apply of the shipped file: exit $RC: $ERR"
grep -q '^kvm_schedswap ' /proc/modules || fail "apply did not modprobe kvm_schedswap"
vs apply -c $TMP/rr.conf
has "$ERR" "apply would load rr_sched;" "apply -c"
grep -q '^rr_sched ' /proc/modules && fail "apply -c loaded rr_sched"
result installed

# ---- modprobe
modprobe kvm_schedswap || fail "modprobe kvm_schedswap"
modprobe example_sched || fail "modprobe example_sched"
modprobe rr_sched || fail "modprobe rr_sched"
grep -q '^example_sched ' /proc/modules || fail "example_sched not loaded"
vs list
has "$OUT" "example" "vmsched list"
result modprobe

# ---- apply
# the core learns of VMs only once a policy is active: apply finds them
start_vm web1
start_vm web2
sleep 3
cat > /etc/vmsched.conf <<CONF
# boot-time policy of the test host
policy example slice=2ms
vm web1 weight=300   # twice as long a turn as web2
vm web2 weight=150
vm later weight=50
CONF
vs apply
[ $RC = 0 ] || fail "apply: exit $RC: $ERR"
info "$(echo "$OUT" | head -8)"
has "$OUT" "applied" "apply output"
has "$OUT" "not running" "apply output (later)"
expect_state example 2000000
expect_weight web1 300
expect_weight web2 150
result apply

# ---- check_only
sed 's/slice=2ms/slice=3ms/; s/weight=300/weight=301/' /etc/vmsched.conf > $TMP/check.conf
vs apply -c $TMP/check.conf
[ $RC = 0 ] || fail "apply -c: exit $RC: $ERR"
has "$OUT" "valid, nothing changed" "apply -c"
expect_state example 2000000
expect_weight web1 300
result check_only

# ---- bad_config
cat > $TMP/bad.conf <<CONF
policy example slice=3ms
vm web1 weight=400
vm web2 weight=0
vm web3 slice=2ms
vm web4 weight=12x
CONF
vs apply $TMP/bad.conf
[ $RC = 1 ] || fail "bad config: exit $RC, want 1"
has "$ERR" "$TMP/bad.conf:3: weight=0 is out of range for policy example: allowed 1..10000" bad
has "$ERR" "$TMP/bad.conf:4: policy example has no per-VM parameter \"slice\"" bad
has "$ERR" "$TMP/bad.conf:5: bad value \"12x\" for weight" bad
printf 'policy example\nvm web1\npolicy rr\n' > $TMP/syntax.conf
vs apply $TMP/syntax.conf
[ $RC = 1 ] || fail "syntax errors: exit $RC, want 1"
has "$ERR" "$TMP/syntax.conf:2: vm web1: missing KEY=VALUE" syntax
has "$ERR" "$TMP/syntax.conf:3: a second policy line (the first is line 1)" syntax
# what modprobe said about a policy module it cannot load
printf 'policy nosuch\n' > $TMP/nosuch.conf
vs apply $TMP/nosuch.conf
[ $RC = 1 ] || fail "unknown policy: exit $RC, want 1"
has "$ERR" "$TMP/nosuch.conf:1: policy \"nosuch\" is not loaded, and loading nosuch_sched failed: modprobe: " nosuch
has "$ERR" "nosuch_sched not found" nosuch
expect_state example 2000000
expect_weight web1 300
expect_weight web2 150
result bad_config

# ---- rollback: web1 is set, then the policy refuses web2 (20 x 1s > 10s)
vs activate rr slice=7ms
[ $RC = 0 ] || fail "activate rr: $ERR"
printf 'policy example slice=1s\nvm web1 weight=5\nvm web2 weight=2000\n' > $TMP/refused.conf
vs apply $TMP/refused.conf
[ $RC = 1 ] || fail "refused config: exit $RC, want 1"
has "$ERR" "$TMP/refused.conf:3: vm web2 (pid" rollback
has "$ERR" "the policy refused the values" rollback
has "$ERR" "nothing was changed" rollback
expect_state rr 7000000
# with -j: one object, apply's report and the errors in it
vs -j apply $TMP/refused.conf
[ $RC = 1 ] || fail "refused config -j: exit $RC, want 1"
[ "$(echo "$OUT" | wc -l)" = 1 ] || fail "apply -j: more than one line: $OUT"
has "$OUT" '"result":"failed, rolled back","error":"'"$TMP/refused.conf:3: vm web2 (pid" "apply -j"
has "$OUT" 'nothing was changed' "apply -j"
expect_state rr 7000000
# activated again, example would start from its last instance's global
# values (the refused apply's slice=1s), so give the slice; per-VM values
# are those from before the refused apply
vs activate example slice=2ms
expect_state example 2000000
expect_weight web1 300
expect_weight web2 150
result rollback

# ---- follow: a VM named "later" starts after apply -f
$VMSCHED apply -f -i 200ms > $TMP/follow.out 2>&1 &
FPID=$!
PIDS="$PIDS $FPID"
sleep 1
start_vm later
wait_vm later || true
i=0
while [ $i -lt 40 ] && ! grep -q 'vm later (pid' $TMP/follow.out; do
	sleep 0.25
	i=$((i + 1))
done
expect_weight later 50
has "$(cat $TMP/follow.out)" "vm later (pid $PID_later): applied weight=50" follow
kill -HUP $FPID
sleep 1
kill $FPID
RC=0
wait $FPID || RC=$?
[ $RC = 0 ] || fail "apply -f exited $RC on SIGTERM"
has "$(cat $TMP/follow.out)" "reloading" "follow SIGHUP"
info "$(cat $TMP/follow.out)"
result follow

# ---- follow_rmmod: the modules out and the core back while apply -f runs
$VMSCHED apply -f -i 200ms > $TMP/rmmod.out 2>&1 &
FPID=$!
PIDS="$PIDS $FPID"
sleep 1
vs deactivate
for m in example_sched rr_sched fair_sched bvt_sched; do rmmod "$m" 2>/dev/null || true; done
# a round holds the device for a moment: rmmod is tried again then
i=0
while [ $i -lt 10 ] && ! rmmod kvm_schedswap 2> $TMP/rmmod.err; do
	sleep 0.1
	i=$((i + 1))
done
[ -e /dev/vmsched ] && fail "rmmod kvm_schedswap while apply -f runs: $(cat $TMP/rmmod.err)"
sleep 1
[ "$(grep -c 'kvm_schedswap is not loaded (rmmod?)' $TMP/rmmod.out)" = 1 ] ||
	fail "not one line for the module gone: $(cat $TMP/rmmod.out)"
modprobe kvm_schedswap || fail "modprobe kvm_schedswap"
i=0
while [ $i -lt 40 ] && ! grep -q 'kvm_schedswap is loaded again' $TMP/rmmod.out; do
	sleep 0.25
	i=$((i + 1))
done
sleep 1
has "$(cat $TMP/rmmod.out)" "kvm_schedswap is loaded again: applying /etc/vmsched.conf again" follow_rmmod
expect_state example 2000000
expect_weight web1 300
expect_weight later 50
kill $FPID
RC=0
wait $FPID || RC=$?
[ $RC = 0 ] || fail "apply -f exited $RC on SIGTERM"
info "$(cat $TMP/rmmod.out)"
result follow_rmmod

[ $FAILED = 0 ]
