# SPDX-License-Identifier: GPL-2.0
#
# Tests of host_test.sh (sourced by it, after apply_tests.sh): pools
# (uapi 2.2) against the fake /dev/vmsched, which keeps pools, each pool's
# policy and values, and each VM's pool, with the uapi's errnos.
#   pool_commands  pool add, list, move, del and -P on activate, deactivate,
#                  status, set, get, stats: the state they leave, the output
#   pool_errors    every error of the pool commands and of -P: exact
#                  message, exit code, nothing changed (no call logged)
#   pool_route     -P reaches the right ioctl with the right pool, in the
#                  2.2 struct sizes; without -P the default pool as before
#   pool_compat    a 2.1 (and 2.0) module: pool commands and -P refused
#                  with the ABI named, the old commands in the old sizes
#                  and with the same output
#   pool_metrics   one series per pool, each VM labelled with its pool;
#                  promtool and metrics_check.py pass; a recording replays
#                  the same metrics
#   pool_apply     apply with pool lines creates, changes (CPUs, policy,
#                  globals) and removes pools and moves VMs to them; bad pool
#                  lines are FILE:LINE errors that change nothing; a failure
#                  after pools changed (injected) puts them all back, and a
#                  rollback step that fails is named; get vm's sources
#                  from a file with pools

POOL_TESTS=(pool_commands pool_errors pool_route pool_compat pool_metrics pool_apply)

# has_log LINE: the fake logged exactly LINE; no_log PATTERN: nothing like it
has_log() { grep -qx -- "log $1" "$VMSCHED_FAKE_STATE" || fail "no \"log $1\": $(grep '^log ' "$VMSCHED_FAKE_STATE" | xargs)"; }
no_log() { grep -q -- "^log $1" "$VMSCHED_FAKE_STATE" && fail "logged $(grep -- "^log $1" "$VMSCHED_FAKE_STATE" | xargs)"; }
clear_log() { sed -i '/^log /d' "$VMSCHED_FAKE_STATE"; }

# want_out ARGS... -- TEXT: vmsched ARGS succeeds and prints exactly TEXT
want_out() {
	local args=() want
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	want=$2
	run "${args[@]}"
	[ "$RC" = 0 ] || fail "vmsched ${args[*]}: exit $RC: $ERR"
	[ "$OUT" = "$want" ] || fail "vmsched ${args[*]}: got
$OUT
want
$want"
}

# expect_exact RC MESSAGE ARGS...: exit code and the whole of stderr
expect_exact() {
	local rc=$1 msg=$2
	shift 2
	run "$@"
	[ "$RC" = "$rc" ] || fail "vmsched $*: exit $RC, want $rc (stderr: $ERR)"
	[ "$ERR" = "vmsched: $msg" ] || fail "vmsched $*: stderr
$ERR
want
vmsched: $msg"
}

t_pool_commands() {
	local w d
	fake_begin web db
	w=${FAKE_PID[web]} d=${FAKE_PID[db]}
	want_out pool list -- "POOL         CPUS             POLICY       VMS  VCPUS  GRANTED  GATED
default      0-3              -              2      2        0      0"
	want_out pool add lat 1 alpha slice=20ms -- ""
	has_log "pool create lat 2"
	has_log "alpha in lat slice=20000000"
	want_out pool l -- "POOL         CPUS             POLICY       VMS  VCPUS  GRANTED  GATED
default      0,2-3            -              2      2        0      0
lat          1                alpha          0      0        0      0"
	want_out -j pool move web lat -- "null"
	has_log "pool move $w lat"
	run -j pool list
	[[ $OUT == *'{"name":"lat","cpus":"1","policy":"alpha","vms":1,"vcpus":1,"granted":0,"gated":0,"nr_cpus":1,'* ]] ||
		fail "pool list -j: $OUT"
	[[ $OUT == '[{"name":"default","cpus":"0,2-3","policy":null,"vms":1,'* ]] ||
		fail "pool list -j, default: $OUT"
	# stats: every VM with its pool; -P: only that pool's
	run -j stats -s
	[[ $OUT == *"\"pid\":$w,"*"\"pool\":\"lat\""* && $OUT == *"\"pid\":$d,"*"\"pool\":\"default\""* ]] ||
		fail "stats -j: pools missing: $OUT"
	run -j -P lat stats -s
	[[ $OUT == *"\"pid\":$w,"* && $OUT != *"\"pid\":$d,"* ]] || fail "stats -P lat: $OUT"
	[[ $OUT == *'"policy":"alpha"'* ]] || fail "stats -P lat: not lat's policy: $OUT"
	run -P lat top -b -n 1
	[[ $OUT == "vmsched top - "*" - pool lat policy: alpha - swaps: 0"* ]] || fail "top -P lat: $OUT"
	printf '%s\n' "$OUT" | grep -Eq "^ +$w +web " && ! printf '%s\n' "$OUT" | grep -Eq "^ +$d +db " ||
		fail "top -P lat: not only lat's VMs: $OUT"
	run -j --pool=default stats -s
	[[ $OUT == *"\"pid\":$d,"* && $OUT != *"\"pid\":$w,"* ]] || fail "stats -P default: $OUT"
	# status -P: the pool's line; status: the default pool as ever
	run -P lat status
	printf '%s\n' "$OUT" | grep -qx 'pool:  *lat' && printf '%s\n' "$OUT" | grep -qx 'CPUs:  *1' &&
		printf '%s\n' "$OUT" | grep -qx 'policy:  *alpha' &&
		printf '%s\n' "$OUT" | grep -qx '  slice:  *20ms' &&
		printf '%s\n' "$OUT" | grep -qx 'VMs:  *1' &&
		printf '%s\n' "$OUT" | grep -qx 'slots (pCPUs):  *1' || fail "status -P lat: $OUT"
	run status
	[[ $OUT == "policy:            none (host scheduler)"$'\n'"policies loaded:   2"* ]] ||
		fail "status: $OUT"
	run -j -P lat status
	[[ $OUT == '{"pool":"lat","cpus":"1","active":"alpha","params":{"slice":20000000},"vms":1,'* ]] ||
		fail "status -P lat -j: $OUT"
	# set and get: -P, or the VM's own pool's policy without it
	want_out -P lat set vm web weight=7 -- ""
	has_log "set $w in lat weight=7"
	want_params web '{"weight":7,"cap":0}'
	want_out set vm web cap=20 -- ""
	has_log "set $w cap=20"
	run -j -P lat get vm web
	[[ $OUT == *'"params":{"weight":7,"cap":20}'* ]] || fail "get -P lat: $OUT"
	# activate and deactivate in the pool leave the default pool alone
	want_out activate beta -- ""
	want_out -P lat activate beta quantum=2ms -- ""
	has_log "beta in lat quantum=2000000"
	grep -qx "active beta" "$VMSCHED_FAKE_STATE" || fail "default pool's policy changed"
	clear_log
	want_out -P lat deactivate -- ""
	has_log "pool deactivate lat"
	no_log "deactivate$"
	run pool list
	printf '%s\n' "$OUT" | grep -Eq '^lat +1 +- +1 ' || fail "lat not deactivated: $OUT"
	printf '%s\n' "$OUT" | grep -Eq '^default +0,2-3 +beta ' || fail "default changed: $OUT"
	# del: the VMs and CPUs go back to default
	want_out pool del lat -- ""
	has_log "pool destroy lat"
	grep -q "^in " "$VMSCHED_FAKE_STATE" && fail "a VM still in lat: $(cat "$VMSCHED_FAKE_STATE")"
	want_out pool list -- "POOL         CPUS             POLICY       VMS  VCPUS  GRANTED  GATED
default      0-3              beta           2      2        0      0"
	# a pool without a policy, of a list of ranges
	echo "ncpus 16" >> "$VMSCHED_FAKE_STATE"
	want_out pool add b_2 4,6,8-11 -- ""
	has_log "pool create b_2 f50"
	run pool list
	printf '%s\n' "$OUT" | grep -Eq '^b_2 +4,6,8-11 +- +0 ' || fail "pool b_2: $OUT"
	fake_end
}

t_pool_errors() {
	local w d
	fake_begin web
	w=${FAKE_PID[web]}
	# a VM pinned to CPU 0, its vCPU thread the VMM's main thread
	taskset -c 0 "$BUILD/fake_vmm" --name db & d=$!
	PIDS+=($d)
	FAKE_PID[db]=$d
	echo "pid $d $d" >> "$VMSCHED_FAKE_STATE"
	want_out pool add lat 1 -- ""
	clear_log
	# command line: exit 2
	expect_exact 2 "pool add: missing NAME and CPULIST, e.g. pool add lat 2-3 [POLICY]" pool add
	expect_exact 2 "pool add: missing CPULIST, e.g. pool add lat 2-3 [POLICY]" pool add x
	expect_exact 2 'pool add: bad pool name "X": 1 to 31 characters of a-z, 0-9, _ and -' pool add X 2
	expect_exact 2 'pool add x: bad CPULIST "3-2": range 3-2 is reversed (2-3?)' pool add x 3-2
	expect_exact 2 'pool add x: bad CPULIST "1,1": CPU 1 is listed twice' pool add x 1,1
	expect_exact 2 'pool add x: bad CPULIST "1-3,2": CPU 2 is listed twice' pool add x 1-3,2
	expect_exact 2 'pool add x: bad CPULIST "8192": CPU 8192 is out of range (CPUs are 0 to 8191)' pool add x 8192
	expect_exact 2 'pool add x: bad CPULIST "2,,3": expected a CPU number at ",3"' pool add x 2,,3
	expect_exact 2 'pool add x: bad CPULIST "2-": expected a CPU number at "the end"' pool add x 2-
	expect_exact 2 'pool add x: bad CPULIST "2 3": unexpected " 3" (expected N or N-M, and commas between)' pool add x "2 3"
	expect_exact 2 'pool add x: bad CPULIST "": the list is empty' pool add x ""
	expect_exact 2 'pool add x: bad CPULIST "-1": expected a CPU number at "-1"' pool add x -- -1
	expect_exact 2 "pool del: missing NAME" pool del
	expect_exact 2 "pool del takes one NAME" pool del a b
	expect_exact 2 "pool move: missing POOL" pool move web
	expect_exact 2 "pool move takes a VM and a POOL" pool move web lat x
	expect_exact 2 "pool list takes no arguments" pool list x
	expect_exact 2 "pool: missing object (add, del, list or move), try vmsched pool help" pool
	expect_exact 2 'bad pool name "L" for -P: 1 to 31 characters of a-z, 0-9, _ and -' -P L status
	expect_exact 2 'option -P does not apply to "list", try vmsched list -h' -P lat list
	expect 2 "commands that change the host are spelled out" pool a x 2
	# the module refuses: exit 1, the pool, CPU or VM named
	expect_exact 1 "pool add: the default pool always exists: it has every CPU of no other pool" pool add default 2
	expect_exact 1 "pool add: pool lat exists (vmsched pool list)" pool add lat 2
	expect_exact 1 "pool add x: CPU 1 is in pool lat" pool add x 0-1
	expect_exact 1 "pool add x: CPUs 0,2-3 would leave the default pool (CPUs 0,2-3) without a CPU: it keeps at least one" pool add x 0,2-3
	expect_exact 1 "pool add x: CPU 8 is offline or not present (online CPUs: 0-3)" pool add x 8-9
	echo "offline 2" >> "$VMSCHED_FAKE_STATE"
	expect_exact 1 "pool add x: CPU 2 is offline or not present (online CPUs: 0-1,3)" pool add x 2-3
	sed -i '/^offline/d' "$VMSCHED_FAKE_STATE"
	expect 1 'policy "gamma" is not loaded; loaded policies: alpha, beta' pool add x 2 gamma
	expect 1 'policy beta has no global parameter "nope"' pool add x 2 beta nope=1
	no_log "pool"
	# activation fails: the pool goes again
	run pool add x 2 beta quantum=200ms
	[ "$RC" = 1 ] && [ "$ERR" = "vmsched: quantum=200ms is out of range for policy beta: allowed 1ms..100ms
vmsched: pool add x: removed the pool again, nothing changed" ] || fail "pool add, bad range: $RC $ERR"
	has_log "pool create x 4"
	has_log "pool destroy x"
	fake_fail "fail activate beta 22"
	run pool add x 2 beta quantum=20ms
	[ "$RC" = 1 ] && [ "$ERR" = "vmsched: activate beta in pool x: the policy refused these parameters
vmsched: pool add x: removed the pool again, nothing changed" ] || fail "pool add, refused: $RC $ERR"
	fake_fail "fail destroy x 16"
	run pool add x 2 beta quantum=20ms
	[ "$RC" = 1 ] && [[ $ERR == *"
vmsched: pool add x: the pool stays, without a policy: removing it failed: Device or resource busy (vmsched pool del x)" ]] ||
		fail "pool add, undo fails: $RC $ERR"
	sed -i '/^fail /d' "$VMSCHED_FAKE_STATE"
	want_out pool del x -- ""
	run pool list
	[ "$(printf '%s\n' "$OUT" | wc -l)" = 3 ] || fail "pools left: $OUT"
	clear_log
	expect_exact 1 'no pool "nope"; pools: default, lat (vmsched pool add creates one)' pool del nope
	expect_exact 1 "pool del: the default pool cannot be removed" pool del default
	expect_exact 1 'no pool "nope"; pools: default, lat (vmsched pool add creates one)' pool move web nope
	expect 1 'VM "ghost" not found' pool move ghost lat
	expect_exact 1 "pool move: VM db (pid $d) cannot move to pool lat (CPUs 1): a vCPU thread may run on none of them; vCPU 0 (thread $d) may run on CPUs 0" pool move db lat
	fake_fail "fail move $w 3"
	expect_exact 1 "pool move: VM web (pid $w) is gone" pool move web lat
	fake_fail "fail move $w 76"
	sed -i "/^fail move $w 3\$/d" "$VMSCHED_FAKE_STATE"
	expect_exact 1 "pool move: process $w runs several VMs: a pid cannot name one of them" pool move web lat
	sed -i '/^fail /d' "$VMSCHED_FAKE_STATE"
	# -P
	expect_exact 1 'no pool "nope"; pools: default, lat (vmsched pool add creates one)' -P nope status
	expect_exact 1 'no pool "nope"; pools: default, lat (vmsched pool add creates one)' -P nope activate alpha
	expect_exact 1 'no pool "nope"; pools: default, lat (vmsched pool add creates one)' -P nope stats -s
	expect_exact 1 'no pool "nope"; pools: default, lat (vmsched pool add creates one)' -P nope set vm web weight=1
	expect_exact 1 "no policy is active in pool lat: per-VM parameters belong to a policy (vmsched -P lat activate POLICY first)" -P lat get vm web
	want_out -P lat activate alpha -- ""
	expect_exact 1 "set: VM web (pid $w) is in pool default, not in pool lat" -P lat set vm web weight=1
	expect_exact 1 "get: VM web (pid $w) is in pool default, not in pool lat" -P lat get vm web
	no_log "pool \(create\|destroy\|move\)"
	no_log "set"
	# JSON: the error as the one object
	run -j pool del nope
	[ "$OUT" = '{"error":"no pool \"nope\"; pools: default, lat (vmsched pool add creates one)"}' ] ||
		fail "pool del -j: $OUT"
	fake_end
}

t_pool_route() {
	local w
	fake_begin web
	w=${FAKE_PID[web]}
	want_out pool add lat 2 -- ""
	want_out pool move web lat -- ""
	echo trace >> "$VMSCHED_FAKE_STATE"
	clear_log
	# VMSCHED_IOC_ACTIVATE is 3, DEACTIVATE 4, SET 6, GET 7, STATS 8,
	# POOL_DEACTIVATE 11 (0x0b), POOL_LIST 12 (0x0c)
	want_out activate alpha -- ""
	has_log "ioc 3 88"
	has_log "alpha"
	want_out -P lat activate beta -- ""
	has_log "beta in lat"
	clear_log
	want_out -P lat set vm web prio=3 -- ""
	has_log "ioc 6 64"
	has_log "set $w in lat prio=3"
	clear_log
	want_out set vm web prio=2 -- ""
	has_log "set $w prio=2"
	clear_log
	run -P lat stats -s
	has_log "ioc 8 80"
	has_log "stats 440 416"
	has_log "ioc 12 16"
	clear_log
	want_out deactivate -- ""
	has_log "ioc 4 0"
	has_log "deactivate"
	no_log "pool deactivate"
	clear_log
	want_out -P lat deactivate -- ""
	has_log "ioc 11 40"
	has_log "pool deactivate lat"
	no_log "deactivate$"
	fake_end
}

# compat_old MINOR: the commands of before pools against a 2.MINOR module
compat_old() {
	local msg="this kvm_schedswap has no pools (ABI 2.$1); pools need 2.2" c
	sed -i '/^abi /d; /^log /d' "$VMSCHED_FAKE_STATE"
	echo "abi $1" >> "$VMSCHED_FAKE_STATE"
	for c in "pool list" "pool add lat 1" "pool add lat 1 alpha" "pool del lat" \
		 "pool move web lat" "-P lat status" "-P lat activate alpha" "-P lat deactivate" \
		 "-P lat set vm web weight=2" "-P lat get vm web" "-P lat stats -s" \
		 "-P lat top -b -n 1"; do
		# shellcheck disable=SC2086
		expect_exact 1 "$msg" $c
	done
	no_log "ioc \(9\|1[0-3]\) "
	want_out activate alpha slice=20ms -- ""
	has_log "ioc 3 56"
	want_out -P default activate alpha slice=20ms -- ""
	want_out set vm web weight=2 -- ""
	has_log "ioc 6 32"
	want_params web '{"weight":2,"cap":0}'
	has_log "ioc 7 32"
	run -j stats -s
	has_log "ioc 8 48"
	[[ $OUT == *'"pool"'* ]] && fail "2.$1: a pool in stats: $OUT"
	run status
	printf '%s\n' "$OUT" > "$TMP/status.2$1"
	want_out deactivate -- ""
	has_log "ioc 4 0"
}

t_pool_compat() {
	fake_begin web
	echo trace >> "$VMSCHED_FAKE_STATE"
	compat_old 1
	has_log "stats 408 416"
	compat_old 0
	has_log "stats 80 88"
	# the same status from a 2.2 module without pools
	sed -i '/^abi /d' "$VMSCHED_FAKE_STATE"
	want_out activate alpha slice=20ms -- ""
	run status
	[ "$OUT" = "$(cat "$TMP/status.21")" ] || fail "status differs from 2.1's: $OUT"
	fake_end
}

t_pool_metrics() {
	local w d m
	fake_begin web db
	w=${FAKE_PID[web]} d=${FAKE_PID[db]}
	want_out pool add lat 1 alpha -- ""
	want_out pool move web lat -- ""
	run metrics
	[ "$RC" = 0 ] || fail "metrics: $RC $ERR"
	printf '%s\n' "$OUT" > "$TMP/pm"
	for m in 'vmsched_pool_policy_info{pool="default",policy="none"} 1' \
		 'vmsched_pool_policy_info{pool="lat",policy="alpha"} 1' \
		 'vmsched_pool_slots{pool="default"} 3' 'vmsched_pool_slots{pool="lat"} 1' \
		 'vmsched_pool_vms{pool="default"} 1' 'vmsched_pool_vms{pool="lat"} 1' \
		 'vmsched_pool_vcpus{pool="lat",state="blocked"} 1' \
		 "vmsched_vm_vcpus{vm=\"web\",pid=\"$w\",pool=\"lat\"} 1" \
		 "vmsched_vm_vcpus{vm=\"db\",pid=\"$d\",pool=\"default\"} 1"; do
		grep -qxF -- "$m" "$TMP/pm" || fail "metrics lack $m"
	done
	[ "$(grep -c '^vmsched_pool_swaps_total{' "$TMP/pm")" = 2 ] || fail "not one swaps series per pool"
	promtool_ok "$TMP/pm"
	"$HERE/metrics_check.py" "$TMP/pm" || fail "metrics_check.py: problems above"
	rm -f "$TMP/prec"
	VMSCHED_STATS_RECORD=$TMP/prec run metrics
	printf '%s\n' "$OUT" > "$TMP/pm"
	grep -q "pool:name=lat,policy=alpha,cpus=1," "$TMP/prec" || fail "recording lacks lat: $(cat "$TMP/prec")"
	VMSCHED_STATS_FEED=$TMP/prec run metrics
	printf '%s\n' "$OUT" | diff "$TMP/pm" - > "$TMP/diff" ||
		fail "the recording's metrics differ: $(head -5 "$TMP/diff")"
	fake_end
}

# pools_are TEXT: pool list prints the lines of TEXT after its header, in
# any order (a rollback creates pools again in its own order)
pools_are() {
	run pool list
	[ "$(printf '%s\n' "$OUT" | sed 1d | sort)" = "$(printf '%s\n' "$1" | sort)" ] &&
		[[ $OUT == "POOL         CPUS             POLICY       VMS  VCPUS  GRANTED  GATED"$'\n'* ]] ||
		fail "pool list: $OUT
want
$1"
}

# no_change: the fake logged no call that changes anything
no_change() {
	grep '^log ' "$VMSCHED_FAKE_STATE" | grep -v '^log stats ' &&
		fail "changed: $(grep '^log ' "$VMSCHED_FAKE_STATE" | grep -v '^log stats ' | xargs)"
}

t_pool_apply() {
	local w d two
	fake_begin web db
	w=${FAKE_PID[web]} d=${FAKE_PID[db]}
	export VMSCHED_FAKE_NO_LIBVIRT=1
	printf 'policy alpha slice=20ms\npool lat cpus=1 policy=beta quantum=2ms\nvm web pool=lat prio=3\nvm db weight=100\n' > "$TMP/p1.conf"
	printf 'policy alpha\npool lat cpus=1-2 policy=alpha\npool b cpus=3\nvm web pool=lat weight=9\n' > "$TMP/p2.conf"
	printf 'policy alpha\n' > "$TMP/p3.conf"
	# create
	run apply "$TMP/p1.conf"
	[ "$RC" = 0 ] || fail "apply p1: $RC $ERR"
	printf '%s\n' "$OUT" | grep -Eq '^lat +1 +beta +created$' || fail "apply p1: $OUT"
	pools_are "default      0,2-3            alpha          1      1        0      0
lat          1                beta           1      1        0      0"
	grep -qx "in $w lat" "$VMSCHED_FAKE_STATE" || fail "web not moved to lat"
	grep -qx "pg lat quantum 2000000" "$VMSCHED_FAKE_STATE" || fail "lat's quantum not set"
	run -j get vm web
	[[ $OUT == *'"policy":"beta","params":{"prio":3}'* ]] || fail "web in lat: $OUT"
	want_params db '{"weight":100,"cap":0}'
	# get vm's sources: the vm line, checked against its pool's policy
	VMSCHED_CONF=$TMP/p1.conf run -j get vm web
	[[ $OUT == *"\"sources\":{\"prio\":\"$TMP/p1.conf:3\"}"* ]] || fail "get vm web, sources: $OUT"
	VMSCHED_CONF=$TMP/p1.conf run -j get vm db
	[[ $OUT == *"\"sources\":{\"weight\":\"$TMP/p1.conf:4\",\"cap\":\"default\"}"* ]] ||
		fail "get vm db, sources: $OUT"
	# change: other CPUs (lat removed and created again), policies; a new pool
	run -j apply "$TMP/p2.conf"
	[[ $OUT == *'"pools":[{"name":"lat","cpus":"1","policy":"beta","state":"removed"},{"name":"lat","cpus":"1-2","policy":"alpha","state":"created"},{"name":"b","cpus":"3","policy":null,"state":"created"}]'* ]] ||
		fail "apply p2 -j: $OUT"
	two="default      0                alpha          1      1        0      0
lat          1-2              alpha          1      1        0      0
b            3                -              0      0        0      0"
	pools_are "$two"
	run -j get vm web
	[[ $OUT == *'"policy":"alpha","params":{"weight":9,"cap":0}'* ]] || fail "web in lat: $OUT"
	# apply -c changes nothing
	clear_log
	run apply -c "$TMP/p3.conf"
	printf '%s\n' "$OUT" | grep -Eq '^b +3 +- +would remove$' || fail "apply -c: $OUT"
	no_change
	pools_are "$two"
	# a failure after the pools changed: all back
	fake_fail "failnth activate 2 22"
	run apply "$TMP/p1.conf"
	[ "$RC" = 1 ] && [[ $ERR == *"p1.conf:1: policy alpha: the policy refused the values"* ]] &&
		[[ $ERR == *"nothing was changed"* ]] || fail "apply, activate fails: $RC $ERR"
	pools_are "$two"
	grep -qx "in $w lat" "$VMSCHED_FAKE_STATE" || fail "web not back in lat"
	fake_fail "failnth move 1 22"
	run apply "$TMP/p1.conf"
	[ "$RC" = 1 ] && [[ $ERR == *"p1.conf:3: vm web (pid $w): cannot move it to pool lat: a vCPU thread may run on none of its CPUs"* ]] &&
		[[ $ERR == *"nothing was changed"* ]] || fail "apply, move fails: $RC $ERR"
	pools_are "$two"
	sed -i '/^fail/d' "$VMSCHED_FAKE_STATE"
	# ... and a rollback step that fails is said
	fake_fail "failnth activate 2 22"
	fake_fail "fail create b 16"
	run apply "$TMP/p1.conf"
	[ "$RC" = 1 ] && [[ $ERR == *"rollback: pool b: cannot create it again: Device or resource busy (errno 16)"* ]] &&
		[[ $ERR == *"rollback step failed"* ]] && [[ $OUT == *"failed, rollback incomplete"* ]] ||
		fail "apply, rollback fails: $RC $OUT $ERR"
	sed -i '/^fail/d' "$VMSCHED_FAKE_STATE"
	# remove: the file has no pools
	expect 0 "" apply "$TMP/p3.conf"
	pools_are "default      0-3              alpha          2      2        0      0"
	# bad pool lines: FILE:LINE, nothing changed
	clear_log
	printf 'policy alpha\npool default cpus=1\npool Lat cpus=1\npool lat policy=beta\npool x cpus=3-2\npool y cpus=1 quantum=2ms\npool z cpus=1-2\npool q cpus=2\nvm web pool=nope\n' > "$TMP/bad.conf"
	run apply "$TMP/bad.conf"
	[ "$RC" = 1 ] || fail "bad pools: exit $RC"
	[ "$ERR" = "vmsched: $TMP/bad.conf:2: pool default has the CPUs of no other pool: its policy is the policy line
vmsched: $TMP/bad.conf:3: bad pool name \"Lat\": 1 to 31 characters of a-z, 0-9, _ and -
vmsched: $TMP/bad.conf:4: pool lat: missing cpus=LIST (e.g. cpus=2-3)
vmsched: $TMP/bad.conf:5: pool x: bad cpus=3-2: range 3-2 is reversed (2-3?)
vmsched: $TMP/bad.conf:6: pool y: parameters without policy=POLICY" ] || fail "bad pools: $ERR"
	printf 'policy alpha\npool z cpus=1-2\npool q cpus=2\nvm web pool=nope\nvm db pool=z weight=2\n' > "$TMP/bad2.conf"
	run apply "$TMP/bad2.conf"
	[ "$ERR" = "vmsched: $TMP/bad2.conf:3: pool q: CPU 2 is also in pool z (line 2)
vmsched: $TMP/bad2.conf:4: vm web: no pool line for pool=nope" ] || fail "bad pools 2: $ERR"
	printf 'policy alpha\npool z cpus=1-2 policy=beta quantum=1s\nvm db pool=z weight=2\n' > "$TMP/bad3.conf"
	run apply "$TMP/bad3.conf"
	[ "$ERR" = "vmsched: $TMP/bad3.conf:2: quantum=1s is out of range for policy beta: allowed 1ms..100ms
vmsched: $TMP/bad3.conf:3: policy beta has no per-VM parameter \"weight\" (per-VM parameters: prio)" ] ||
		fail "bad pools 3: $ERR"
	no_change
	pools_are "default      0-3              alpha          2      2        0      0"
	# a module without pools
	echo "abi 1" >> "$VMSCHED_FAKE_STATE"
	expect_exact 1 "$TMP/p1.conf:2: pool lat: this kvm_schedswap has no pools (ABI 2.1); pools need 2.2" apply "$TMP/p1.conf"
	expect 0 "" apply "$TMP/p3.conf"
	unset VMSCHED_FAKE_NO_LIBVIRT
	fake_end
}
