# SPDX-License-Identifier: GPL-2.0
#
# Tests of host_test.sh (sourced by it) against a /dev/vmsched of its own:
# fake_dev.so (LD_PRELOAD) answers the ioctls from a state file, with
# policies "alpha" and "beta" and VMs that are fake_vmm processes.
#   apply_declarative  a key or a vm line taken out of the file goes back
#                      to the policy's default on the next apply
#   apply_rollback     a refused VM undoes everything, "nothing was
#                      changed" only when the undo worked; each failed
#                      undo step is named (VM, keys, errno)
#   read_errors        list -v and status show a parameter block they
#                      could not read as an error, text and JSON, exit 1

APPLY_TESTS=(apply_declarative apply_rollback read_errors)

# fake_begin NAME...: a fake device that knows a fake VM of each NAME; sets
# FAKE_PID[NAME]
declare -A FAKE_PID
fake_begin() {
	local n p
	export VMSCHED_FAKE_STATE=$TMP/fake_state LD_PRELOAD=$BUILD/fake_dev.so
	: > "$VMSCHED_FAKE_STATE"
	for n in "$@"; do
		"$BUILD/fake_vmm" --name "$n" & p=$!
		PIDS+=($p)
		FAKE_PID[$n]=$p
		echo "pid $p" >> "$VMSCHED_FAKE_STATE"
	done
}

fake_end() {
	local n
	for n in "${!FAKE_PID[@]}"; do kill "${FAKE_PID[$n]}" 2>/dev/null; done
	FAKE_PID=()
	unset VMSCHED_FAKE_STATE LD_PRELOAD
}

# fake_fail LINE: add a failure to the fake device ("fail set PID ERRNO", ...)
fake_fail() { echo "$*" >> "$VMSCHED_FAKE_STATE"; }

# want_params VM JSON: vmsched -j get vm VM has these params
want_params() {
	run -j get vm "$1"
	[[ $OUT == *"\"params\":$2"[,}]* ]] || fail "get vm $1: $OUT, want params $2 ($ERR)"
}

# want_global JSON: the active policy's global parameters in status -j
want_global() {
	run -j status
	[[ $OUT == *"\"params\":$1,"* ]] || fail "status: $OUT, want params $1 ($ERR)"
}

t_apply_declarative() {
	fake_begin web db
	printf 'policy alpha slice=20ms\nvm web weight=512 cap=50%%\nvm db weight=100\n' > "$TMP/a1.conf"
	printf 'policy alpha\nvm web weight=512\n' > "$TMP/a2.conf"
	expect 0 "" apply "$TMP/a1.conf"
	want_global '{"slice":20000000}'
	want_params web '{"weight":512,"cap":50}'
	want_params db '{"weight":100,"cap":0}'
	# slice, web's cap and db's line are gone from the file: the defaults
	expect 0 "" apply "$TMP/a2.conf"
	want_global '{"slice":10000000}'
	want_params web '{"weight":512,"cap":0}'
	want_params db '{"weight":256,"cap":0}'
	run apply "$TMP/a2.conf"
	[[ $OUT == *"db "*" defaults "* ]] && fail "db reset again while at its defaults: $OUT"
	# a VM set by hand and not in the file goes back too
	expect 0 "" set vm db weight=7
	run apply "$TMP/a2.conf"
	printf '%s\n' "$OUT" | grep -Eq "^db +${FAKE_PID[db]} +defaults +- +weight=256 cap=0%$" ||
		fail "apply does not say db went back to the defaults: $OUT"
	want_params db '{"weight":256,"cap":0}'
	# --follow's reload (SIGHUP) is the same apply
	"$VMSCHED" apply -f -i 0.1 "$TMP/a1.conf" > "$TMP/follow.out" 2>&1 & local f=$!
	PIDS+=($f)
	sleep 0.5
	cp "$TMP/a2.conf" "$TMP/a1.conf"
	kill -HUP $f
	sleep 0.5
	kill $f
	wait $f
	want_global '{"slice":10000000}'
	want_params db '{"weight":256,"cap":0}'
	fake_end
}

t_apply_rollback() {
	fake_begin web db
	printf 'policy alpha\nvm web weight=512\n' > "$TMP/r0.conf"
	printf 'policy alpha slice=20ms\nvm web weight=9 cap=50%%\nvm db weight=100\n' > "$TMP/r1.conf"
	expect 0 "" apply "$TMP/r0.conf"
	# db's values are refused: web and the slice are put back
	fake_fail "fail set ${FAKE_PID[db]} 22"
	expect 1 "vm db (pid ${FAKE_PID[db]}): the policy refused the values" apply "$TMP/r1.conf"
	[[ $ERR == *"nothing was changed"* ]] || fail "no \"nothing was changed\": $ERR"
	[[ $OUT == *"result:"*"failed, rolled back"* ]] || fail "result: $OUT"
	want_global '{"slice":10000000}'
	want_params web '{"weight":512,"cap":0}'
	# and web's undo fails too (the 2nd set from now: web's, db's is refused before)
	fake_fail "failnth set 2 5"
	run -j apply "$TMP/r1.conf"
	[ "$RC" = 1 ] || fail "exit $RC with a failed rollback"
	[[ $ERR == *"rollback: vm web (pid ${FAKE_PID[web]}): cannot put back weight=512 cap=0%: Input/output error (errno 5)"* ]] ||
		fail "the failed undo is not named: $ERR"
	[[ $ERR == *"the host is left partly changed: 1 rollback step failed"* ]] || fail "$ERR"
	[[ $ERR == *"nothing was changed"* ]] && fail "\"nothing was changed\" after a failed rollback: $ERR"
	[[ $OUT == *'"result":"failed, rollback incomplete"'* ]] || fail "-j: $OUT"
	want_global '{"slice":10000000}'
	want_params web '{"weight":9,"cap":50}'	# what was left, as reported
	# a refused policy changes nothing, and says so
	fake_fail "fail activate alpha 22"
	expect 1 "policy alpha: the policy refused the values" apply "$TMP/r0.conf"
	[[ $ERR == *"; nothing was changed"* ]] || fail "$ERR"
	want_params web '{"weight":9,"cap":50}'
	fake_end
}

t_read_errors() {
	fake_begin web
	expect 0 "" activate alpha
	fake_fail "fail params beta 5"
	run list -v
	[ "$RC" = 1 ] || fail "list -v with an unread policy: exit $RC"
	[[ $OUT == *"slice "*"quantum"* ]] && fail "beta's params invented: $OUT"
	printf '%s\n' "$OUT" | grep -q "^    (parameters not read: Input/output error)$" ||
		fail "list -v does not say beta's parameters were not read: $OUT"
	[[ $ERR == *"policy beta: cannot read its parameters: Input/output error"* ]] || fail "$ERR"
	run -j list -v
	[ "$RC" = 1 ] || fail "list -v -j: exit $RC"
	printf '%s' "$OUT" | python3 -c '
import json, sys
pol = {p["name"]: p for p in json.load(sys.stdin)}	# one value
assert len(pol["alpha"]["params"]) == 4, pol["alpha"]
assert pol["beta"]["params"] is None, pol["beta"]
assert pol["beta"]["params_error"] == "Input/output error", pol["beta"]
' || fail "list -v -j: $OUT"
	fake_fail "fail get 0 5"
	run status
	[ "$RC" = 1 ] || fail "status with unread params: exit $RC"
	printf '%s\n' "$OUT" | grep -Eq '^params: +\(not read: Input/output error\)$' || fail "status: $OUT"
	[[ $OUT == *"swaps:"* ]] || fail "status stopped at the error: $OUT"
	run -j status
	[ "$RC" = 1 ] && [[ $OUT == *'"params":null,"params_error":"Input/output error",'* ]] &&
		[[ $OUT == *'"error":"cannot read the global parameters of policy alpha: Input/output error"'* ]] ||
		fail "status -j: $RC $OUT"
	fake_end
}
