#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of the vmsched CLI, without the kernel module:
#   units        parsing and printing round trips (units_test)
#   follow       apply --follow retries a VM until its parameters are set,
#                reporting a failure once (follow_test)
#   perm         permission messages: the device's mode, the capability
#                a refused call lacked (perm_test)
#   usage        argument errors: exit code and message
#   options      long and short options before, between and after operands
#   abbrev       commands that change the host are not abbreviated, others are
#   json_errors  with -j every error is one JSON object on stdout
#   nomodule     what every command says when /dev/vmsched is missing
#   version      -V, --version and version: vmsched's version (dkms.conf's),
#                uapi, "not loaded" for the module; the man page's version
#   apply_check  apply -c loads no module, says which ones apply would load
#   modprobe     apply reports why modprobe failed (Secure Boot's rejection)
#   sync         help, man page and bash completion list the same commands
#                and options
#   feed_stats   stats text and JSON from a recorded feed
#   metrics      metrics from a feed: promtool's lint, exact values, label
#                escaping, summaries, no series of an ended VM, no counter
#                going back (metrics_check.py); --textfile replaces the file
#                atomically, mode 0644; without the module vmsched_up 0; the
#                Grafana dashboard is JSON and uses only metrics that exist
#   names        VM names from /proc/PID/cmdline (QEMU -name, --name, comm),
#                ambiguous and unknown names
#   top_*        vmsched top in an 80x24 tmux terminal, as a person sees it
#   apply_*, read_errors   against a fake /dev/vmsched (apply_tests.sh)
#   pool_*       pools of uapi 2.2 and -P, and a 2.1 module's refusal, against
#                the fake /dev/vmsched (pool_tests.sh)
#   metrics_*    the latency histogram of uapi 2.1, from a feed and from the
#                fake /dev/vmsched against 2.0 and 2.1 (metrics_tests.sh)
#   completion   bash completion from -j output (completion_tests.sh)
#   libvirt_*    per-VM parameters in libvirt domain metadata (libvirt_tests.sh)
#   follow_*     apply -f sleeps when there is nothing to follow and lets
#                rmmod kvm_schedswap work (follow_tests.sh)
#   host_*       VMs under the host scheduler: the vCPU threads' schedstat
#                (host_view_tests.sh)
#
#   host_test.sh BUILD_DIR [TEST...]   (make -C selftests/cli host-test);
#                                      TESTs: only these, by name
#
# KTAP output, ending with "N passed, N failed".
set -u
BUILD=${1:?usage: host_test.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
TOOL=$(cd "$HERE/../../tools/vmsched" && pwd)
VMSCHED=$BUILD/vmsched
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vmsched-cli.XXXXXX")
TMUX_SOCK=vmsched-cli-$$
PIDS=()

cleanup() {
	local p
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do kill "$p" 2>/dev/null; done
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/vmsched-cli-$$"-*
	rm -rf "$TMP"
}
trap cleanup EXIT

# shellcheck source=apply_tests.sh
. "$HERE/apply_tests.sh"
# shellcheck source=metrics_tests.sh
. "$HERE/metrics_tests.sh"
# shellcheck source=pool_tests.sh
. "$HERE/pool_tests.sh"
# shellcheck source=completion_tests.sh
. "$HERE/completion_tests.sh"
# shellcheck source=libvirt_tests.sh
. "$HERE/libvirt_tests.sh"
# shellcheck source=host_view_tests.sh
. "$HERE/host_view_tests.sh"
# shellcheck source=follow_tests.sh
. "$HERE/follow_tests.sh"
TESTS=(units follow perm usage options abbrev json_errors nomodule version apply_check modprobe sync feed_stats metrics "${METRICS_TESTS[@]}" names top_view top_keys top_small_rows "${APPLY_TESTS[@]}" \
	"${POOL_TESTS[@]}" \
	"${COMPLETION_TESTS[@]}" "${LIBVIRT_TESTS[@]}" "${HOST_VIEW_TESTS[@]}" \
	"${FOLLOW_TESTS[@]}")
[ $# -gt 1 ] && TESTS=("${@:2}")
echo "TAP version 13"
echo "1..${#TESTS[@]}"
N=0 PASS=0 FAIL=0 SKIP=0
FAILS=0		# failed checks in the current test

fail() { echo "# FAIL: $*"; FAILS=$((FAILS + 1)); }
info() { echo "# $*"; }

# run vmsched; sets RC, OUT, ERR
run() {
	"$VMSCHED" "$@" > "$TMP/out" 2> "$TMP/err" < /dev/null
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
}

# expect RC SUBSTRING ARGS...: exit code and a message part on stderr
expect() {
	local rc=$1 msg=$2
	shift 2
	run "$@"
	if [ "$RC" != "$rc" ]; then
		fail "vmsched $*: exit $RC, want $rc (stderr: $ERR)"
	elif [[ $ERR != *"$msg"* ]]; then
		fail "vmsched $*: stderr \"$ERR\" lacks \"$msg\""
	fi
	if [ "$rc" != 0 ] && [[ $ERR != vmsched:* ]] && [[ $ERR != Usage:* ]]; then
		fail "vmsched $*: error does not start with \"vmsched: \": $ERR"
	fi
}

result() {
	N=$((N + 1))
	if [ "$1" = skip ]; then
		echo "ok $N $2 # SKIP $3"
		SKIP=$((SKIP + 1))
	elif [ $FAILS = 0 ]; then
		echo "ok $N $2"
		PASS=$((PASS + 1))
	else
		echo "not ok $N $2"
		FAIL=$((FAIL + 1))
	fi
	FAILS=0
}

# ktap_prog [WRAPPER...] PROG: run a KTAP test program of BUILD, show its
# output (also in OUT)
ktap_prog() {
	OUT=$("${@:1:$#-1}" "$BUILD/${*: -1}")
	[ $? = 0 ] || fail "$* failed"
	printf '%s\n' "$OUT" | sed 's/^/# /'
}

t_units() { ktap_prog units_test; }

t_follow() { ktap_prog follow_test; }

t_perm() {
	ktap_prog perm_test
	# without the capabilities, it must see that
	if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
		ktap_prog setpriv --bounding-set=-sys_nice,-sys_admin perm_test
		[[ $OUT == *"# here: the call needs CAP_SYS_NICE (or CAP_SYS_ADMIN) and this process has neither"* ]] ||
			fail "perm_test without CAP_SYS_NICE and CAP_SYS_ADMIN"
	fi
}

# ---- usage errors -------------------------------------------------------
t_usage() {
	expect 2 "Usage: vmsched"
	expect 0 "" help
	expect 0 "" -h
	expect 2 'command "frobnicate" is unknown, try vmsched help' frobnicate
	expect 2 'command "st" is ambiguous: status, stats' st
	expect 2 'unknown or ambiguous option --bogus' --bogus list
	expect 2 'unknown option -x' -x list
	expect 2 'option -d does not apply to "list"' list -d 1
	expect 2 'option --batch does not apply to "stats"' stats --batch
	expect 2 'bad value "5x" for -i' stats -i 5x
	expect 2 'option -i needs a value' stats -i
	expect 2 '-i and -s exclude each other' stats -i 2s -s
	expect 2 'stats takes at most one VM' stats a b
	expect 2 'list takes no arguments' list foo
	expect 2 'activate: missing POLICY' activate
	expect 2 'deactivate takes no arguments' deactivate now
	expect 2 'set: missing object (vm or vcpu)' set
	expect 2 'set: object "disk" is unknown' set disk
	expect 2 '"v" is ambiguous: vm, vcpu' set v x
	expect 2 'set vm: missing VM' set vm
	expect 2 'set vm web1: missing KEY=VALUE' set vm web1
	expect 2 'expected VM:N' set vcpu web1 weight=1
	expect 2 'expected VM:N' get vcpu web1:x
	expect 2 'get vm: expected one VM' get vm
	expect 2 'top needs a terminal; use top -b' top
	expect 2 'top: -j needs batch mode' top -j
	expect 2 '-d must be more than 0' top -b -d 0
	expect 2 'version takes no arguments' version 1
	# help everywhere, on stdout, exit 0
	local c
	for c in list activate deactivate status stats top version; do
		run "$c" -h
		[ $RC = 0 ] && [[ $OUT == *"vmsched $c"* ]] || fail "$c -h: exit $RC: $OUT"
	done
	for c in "set help" "get -h" "set vm -h" "get --help"; do
		run $c
		[ $RC = 0 ] && [[ $OUT == *"vmsched ${c%% *} vm"* ]] || fail "$c: exit $RC: $OUT"
	done
	# prefixes
	run vers
	[ $RC = 0 ] && [[ $OUT == *"vmsched:"*"1.0"* ]] || fail "vers: $RC $OUT"
	# JSON errors on stdout too
	run -j frobnicate
	[ "$OUT" = '{"error":"command \"frobnicate\" is unknown, try vmsched help"}' ] ||
		fail "-j error JSON: $OUT"
}

# ---- options anywhere, long ones never take the next word ----------------
# only_web ARGS...: vmsched ARGS shows VM web and no other
only_web() {
	run "$@"
	[ "$RC" = 0 ] && [[ $OUT == *web* ]] && [[ $OUT != *db* ]] ||
		fail "vmsched $*: exit $RC, stdout $OUT, stderr $ERR"
}

t_options() {
	local a
	make_feed 3 > "$TMP/feed"
	export VMSCHED_STATS_FEED=$TMP/feed
	for a in "--since-start web" "web --since-start" "-s web" "web -s" "-s -- web"; do
		only_web stats $a
		[[ $OUT == *"since each VM started"* ]] || fail "stats $a: not since start"
	done
	only_web --since-start stats web
	only_web stats --interval 1s web
	only_web stats web --interval=1s
	for a in "--json stats -s web" "stats --json web -s" "stats -s web --json" "-js stats web"; do
		only_web $a
		[[ $OUT == '{"now_ns":'* ]] || fail "$a: not JSON: $OUT"
	done
	for a in "top --batch -n 1" "top -n 1 --batch" "--batch top --iterations=1" \
		 "top -bn1" "top --iterations 1 -b --delay 0.1"; do
		run $a
		[ "$RC" = 0 ] && [ "$(grep -c '^vmsched top' "$TMP/out")" = 1 ] ||
			fail "$a: exit $RC, $(grep -c '^vmsched top' "$TMP/out") frames, $ERR"
	done
	unset VMSCHED_STATS_FEED
	# the command after global long options, help for it
	run --help list
	[ "$RC" = 0 ] && [[ $OUT == *"vmsched list [-v]"* ]] && [[ $OUT != *"vmsched top"* ]] ||
		fail "--help list: exit $RC: $OUT"
	run --json list
	[ "$RC" = 1 ] && [[ $OUT == '{"error":'* ]] || fail "--json list: exit $RC: $OUT $ERR"
	# the FILE given, wherever --check stands
	printf 'policy none\nbogus line\n' > "$TMP/new.conf"
	for a in "apply --check $TMP/new.conf" "apply $TMP/new.conf --check" \
		 "--check apply $TMP/new.conf" "apply -c -- $TMP/new.conf"; do
		expect 1 "$TMP/new.conf:2: unknown keyword \"bogus\"" $a
	done
	expect 2 'option --json takes no value' --json=yes list
	expect 2 'option --interval needs a value' stats --interval
	expect 2 'unknown or ambiguous option --bogus' stats --bogus web
	expect 2 'unknown option -x, try vmsched help' --json -xj list
	expect 2 'option --jso takes no value' --jso=1 list
	expect 2 'option --since-start does not apply to "top"' top -b --since-start
}

# ---- abbreviations: only for what changes nothing --------------------------
t_abbrev() {
	local a
	for a in d dea deact "act fair" "activat fair slice=1ms" "se vm web1 weight=2" appl \
		 "app -c x.conf" "-j dea"; do
		run $a
		[ "$RC" = 2 ] && [[ $ERR == *" is unknown: commands that change the host are spelled out ("*"?)" ]] ||
			fail "$a: exit $RC: $ERR"
	done
	expect 2 'command "dea" is unknown: commands that change the host are spelled out (deactivate?)' dea
	expect 2 'set: object "vc" is unknown: commands that change the host are spelled out (set vcpu?)' \
		set vc web1:0 boost=1
	expect 2 'command "a" is ambiguous: activate, apply' a
	expect 2 'command "s" is ambiguous: status, set, stats' s
	expect 2 'get: object "v" is ambiguous: vm, vcpu' get v web1
	# what changes nothing is still abbreviated
	make_feed 2 > "$TMP/feed"
	expect 2 'command "stat" is ambiguous: status, stats' stat -s web
	VMSCHED_STATS_FEED=$TMP/feed run to -b -n 1
	[ "$RC" = 0 ] && [[ $OUT == "vmsched top"* ]] || fail "to -b -n 1: exit $RC: $ERR"
	run vers
	[ "$RC" = 0 ] && [[ $OUT == *"vmsched:"* ]] || fail "vers: exit $RC: $ERR"
	run g h
	[ "$RC" = 0 ] && [[ $OUT == *"vmsched get vm VM"* ]] || fail "g h: exit $RC: $OUT"
	"$VMSCHED" help | grep -q 'activate, deactivate, set, pool and apply may not' ||
		fail "help does not say which commands are not abbreviated"
}

# ---- -j: an error is one JSON object on stdout ---------------------------
# json_error RC [N] ARGS...: exit RC, stdout one object whose "error" is the
# first message on stderr; with N, its "errors" list N messages
json_error() {
	local rc=$1 n=
	shift
	[[ $1 =~ ^[0-9]+$ ]] && { n=$1; shift; }
	run "$@"
	[ "$RC" = "$rc" ] || fail "vmsched $*: exit $RC, want $rc"
	printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.loads(sys.stdin.read())	# one value, nothing after it
first = sys.argv[1].split("\n")[0]
assert isinstance(d, dict) and isinstance(d.get("error"), str), d
assert "vmsched: " + d["error"] == first, (d["error"], first)
n = sys.argv[2]
if n:
    assert len(d["errors"]) == int(n) and d["errors"][0] == d["error"], d
else:
    assert "errors" not in d, d
' "$ERR" "$n" 2>&1 | tail -1 | grep . && fail "vmsched $*: stdout $OUT, stderr $ERR"
	return 0
}

t_json_errors() {
	command -v python3 > /dev/null || { info "no python3"; return 2; }
	json_error 2 -j
	json_error 2 -j frobnicate
	json_error 2 -j --bogus list
	json_error 2 list --bogus --json
	json_error 2 stats -i 5x -j
	json_error 2 -p stats a b
	printf 'policy none\nvm web1\nfrobnicate\n' > "$TMP/bad.conf"
	json_error 1 2 -j apply "$TMP/bad.conf"
	[[ $OUT == *"\"$TMP/bad.conf:2: vm web1: missing KEY=VALUE"* ]] || fail "bad.conf: $OUT"
	json_error 1 2 -p apply -c "$TMP/bad.conf"
	json_error 1 -j apply "$TMP/nosuch.conf"
	printf 'now:ns=1 vm:pid=1,name=a\nbogus:x=1\n' > "$TMP/badfeed"
	VMSCHED_STATS_FEED=$TMP/badfeed json_error 1 2 -j stats
	[ -e /dev/vmsched ] || json_error 1 -j status
}

# ---- no module ----------------------------------------------------------
t_nomodule() {
	local msg='vmsched: /dev/vmsched not found: is kvm_schedswap loaded? (modprobe kvm_schedswap)'
	local c
	no_device || return 2
	for c in list "activate fair" deactivate status "set vm 1 weight=2" "get vm 1" \
		 "get vcpu 1:0" stats "statu" "g vm 1"; do
		run $c
		[ $RC = 1 ] && [ "$ERR" = "$msg" ] || fail "vmsched $c: exit $RC, stderr $ERR"
	done
	run -j status
	[ "$OUT" = '{"error":"/dev/vmsched not found: is kvm_schedswap loaded? (modprobe kvm_schedswap)"}' ] ||
		fail "-j status: $OUT"
	run version
	[ $RC = 0 ] && [[ $OUT == *"kvm_schedswap:"*"not loaded"* ]] || fail "version: $OUT"
	run -j version
	[[ $OUT == *'"module":null'* ]] || fail "version -j: $OUT"
}

# ---- versions ------------------------------------------------------------
t_version() {
	local v a abi
	v=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$TOOL/../../dkms.conf")
	abi=$(awk '$2 == "VMSCHED_ABI_MAJOR" { M = $3 } $2 == "VMSCHED_ABI_MINOR" { m = $3 }
		   END { print M "." m }' "$TOOL/../../uapi/linux/vmsched.h")
	[ -n "$v" ] || fail "no PACKAGE_VERSION in dkms.conf"
	grep -q "^\.TH VMSCHED 8 \"[0-9-]*\" \"vmsched $v\"" "$TOOL/vmsched.8" ||
		fail "the man page's .TH does not say vmsched $v"
	for a in -V --version version "-V --json" "version -j"; do
		run $a
		[ "$RC" = 0 ] || fail "$a: exit $RC: $ERR"
		case $a in
		*j*) [ "$OUT" = "{\"version\":\"$v\",\"abi\":\"$abi\",\"module\":null}" ] ||
			[ -e /sys/module/kvm_schedswap ] || fail "$a: $OUT" ;;
		*) printf '%s\n' "$OUT" | grep -Eq "^vmsched: +$v\$" &&
		   printf '%s\n' "$OUT" | grep -Eq "^uapi: +${abi/./\\.}\$" || fail "$a: $OUT"
		   [ -e /sys/module/kvm_schedswap ] ||
			printf '%s\n' "$OUT" | grep -Eq '^kvm_schedswap: +not loaded$' || fail "$a: $OUT" ;;
		esac
	done
	expect 2 "-V prints the versions: it takes no command or other option" -V list
	expect 2 "--version prints the versions" status --version
}

# ---- apply -c without the modules -----------------------------------------
# fake_modprobe MESSAGE: a modprobe first in PATH that logs its arguments,
# prints MESSAGE on stderr (and a line on stdout) and fails
fake_modprobe() {
	mkdir -p "$TMP/bin"
	cat > "$TMP/bin/modprobe" <<-EOF
	#!/bin/sh
	echo "\$*" >> "$TMP/modprobe.log"
	echo "modprobe's stdout"
	echo "$1" >&2
	exit 1
	EOF
	chmod +x "$TMP/bin/modprobe"
	rm -f "$TMP/modprobe.log"
	SAVED_PATH=$PATH
	export PATH=$TMP/bin:$PATH
}

fake_modprobe_end() { export PATH=$SAVED_PATH; }

# no_device: /dev/vmsched is absent (else say why the test cannot run)
no_device() {
	[ -e /dev/vmsched ] || return 0
	info "/dev/vmsched exists here: cannot test its absence"
	return 1
}

t_apply_check() {
	no_device || return 2
	fake_modprobe "modprobe: FATAL: Module not found"
	printf 'policy none\n' > "$TMP/none.conf"
	printf 'policy fair  # weights\n' > "$TMP/fair.conf"
	printf 'policy fair slice=10ms\nvm web1 weight=512\n' > "$TMP/fairp.conf"
	expect 0 "" apply -c "$TMP/none.conf"
	[[ $OUT == *"would load: "*" kvm_schedswap"* ]] && [[ $OUT == *"valid, nothing changed"* ]] ||
		fail "apply -c none.conf: $OUT"
	run -j apply --check "$TMP/fair.conf"
	[ "$RC" = 0 ] && [[ $OUT == *'"would_load":["kvm_schedswap","fair_sched"]'* ]] ||
		fail "apply -j -c fair.conf: exit $RC: $OUT $ERR"
	expect 1 "$TMP/fairp.conf:1: policy \"fair\" is not loaded: apply would load kvm_schedswap and fair_sched; its parameters can be checked once it is loaded (modprobe fair_sched)" \
		apply -c "$TMP/fairp.conf"
	[ -e "$TMP/modprobe.log" ] && fail "apply -c ran modprobe $(xargs < "$TMP/modprobe.log")"
	# apply itself loads them
	run apply "$TMP/fairp.conf"
	grep -q 'kvm_schedswap$' "$TMP/modprobe.log" 2>/dev/null || fail "apply did not modprobe"
	fake_modprobe_end
}

# ---- what modprobe said -------------------------------------------------
t_modprobe() {
	local msg="modprobe: ERROR: could not insert 'kvm_schedswap': Key was rejected by service"
	no_device || return 2
	fake_modprobe "$msg"
	printf 'policy none\n' > "$TMP/none.conf"
	expect 1 "vmsched: cannot load kvm_schedswap: $msg (Secure Boot: " apply "$TMP/none.conf"
	[ "$(grep -c . "$TMP/err")" = 1 ] || fail "more than the one error: $ERR"
	[ -z "$OUT" ] || fail "modprobe's output on vmsched's stdout: $OUT"
	grep -qx kvm_schedswap "$TMP/modprobe.log" || fail "modprobe -q or other arguments: $(xargs < "$TMP/modprobe.log")"
	json_error 1 -j apply "$TMP/none.conf"
	[[ $OUT == *"Key was rejected by service"* ]] || fail "-j: $OUT"
	fake_modprobe_end
	mkdir -p "$TMP/empty"
	env PATH="$TMP/empty" "$VMSCHED" apply "$TMP/none.conf" > "$TMP/out" 2> "$TMP/err"
	[ $? = 1 ] && grep -qx 'vmsched: cannot load kvm_schedswap: cannot run modprobe: No such file or directory' "$TMP/err" ||
		fail "no modprobe: $(cat "$TMP/err")"
}

# ---- help, man page and completion in sync ------------------------------
t_sync() {
	local help man_syn man_cmds comp hopts mopts copts
	help=$("$VMSCHED" help | awk '$1 == "vmsched" { print $2 }' | sort -u | xargs)
	man_syn=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' "$TOOL/vmsched.8" |
		  awk '$1 == ".B" && $2 == "vmsched" && $3 != "" { print $3 }' | sort -u | xargs)
	man_cmds=$(sed -n '/^\.SH COMMANDS/,/^\.SH OPTIONS/p' "$TOOL/vmsched.8" |
		   awk '$1 == ".B" && $2 == "vmsched" { print $3 }' | sort -u | xargs)
	comp=$(sed -n "s/.*local commands='\(.*\)'.*/\1/p" "$TOOL/vmsched.bash-completion" |
	       tr ' ' '\n' | sort -u | xargs)
	info "help: $help"
	[ -n "$help" ] || fail "no commands in help"
	[ "$help" = "$man_syn" ] || fail "man SYNOPSIS ($man_syn) != help ($help)"
	[ "$help" = "$man_cmds" ] || fail "man COMMANDS ($man_cmds) != help ($help)"
	[ "$help" = "$comp" ] || fail "completion ($comp) != help ($help)"
	# every command of the help runs its own -h
	for c in $help; do
		"$VMSCHED" "$c" -h > /dev/null 2>&1 || fail "$c -h fails"
	done
	# options: short ones in the help, long and short in man and completion
	hopts=$("$VMSCHED" help | grep -o -- '-[a-zA-Z]\b' | sort -u | xargs)
	mopts=$(sed -n '/^\.SH OPTIONS/,/^\.SH VALUES/p' "$TOOL/vmsched.8" | tr -d '\\' |
		grep -o -- '\(^\|[ "]\)--\?[a-zA-Z][a-z-]*' | tr -d ' "' | sort -u | xargs)
	copts=$(grep 'options+\?=' "$TOOL/vmsched.bash-completion" | grep -o -- "-[a-zA-Z-]*" |
		sort -u | xargs)
	info "options: $mopts"
	for o in $hopts; do
		[[ " $mopts " == *" $o "* ]] || fail "option $o of the help is not in the man page"
	done
	[ "$mopts" = "$copts" ] || fail "completion options ($copts) != man options ($mopts)"
	# the binary accepts every documented option somewhere
	for o in $mopts; do
		"$VMSCHED" version "$o" 1 2>&1 | grep -q -- "unknown option" && fail "$o unknown"
	done
	man -l "$TOOL/vmsched.8" > /dev/null 2>&1 || command -v man > /dev/null ||
		info "man not installed, page not rendered"
	bash -n "$TOOL/vmsched.bash-completion" || fail "completion script has a syntax error"
}

# ---- stats from a feed --------------------------------------------------
# vm LINE FIELDS...: a feed record
feed_line() {
	local now=$1 k=$2
	# web: 150% (two vCPUs 100% + 50%), db 50%, idle 10%; start at 0
	printf 'now:ns=%d status:policy=fair,swaps=3,last_swap=1200000,slots=2,granted=2,gated=1 ' "$now"
	printf 'vm:pid=%d,name=web,comm=qemu-system-x86,vcpus=2,run=%d,wait=%d,grants=%d,preempt=%d,p99=50000,max=2000000,start=1 ' \
		"$((100 + 0))" "$((now * 3 / 2))" "$((now / 4))" "$((k * 100))" "$((k * 10))"
	printf 'vcpu:pid=100,id=0,tid=1001,state=0,run=%d,wait=%d,grants=%d,p50=5000,p99=50000,max=2000000 ' \
		"$now" "$((now / 8))" "$((k * 60))"
	printf 'vcpu:pid=100,id=1,tid=1002,state=1,run=%d,wait=%d,grants=%d,p50=4000,p99=40000,max=1000000 ' \
		"$((now / 2))" "$((now / 8))" "$((k * 40))"
	printf 'vm:pid=200,name=db,comm=qemu-system-x86,vcpus=1,run=%d,grants=%d,start=1 ' "$((now / 2))" "$((k * 5))"
	printf 'vcpu:pid=200,id=0,tid=2001,state=2,run=%d,grants=%d ' "$((now / 2))" "$((k * 5))"
	printf 'vm:pid=300,name=idle,comm=workload,vcpus=1,run=%d,start=1 ' "$((now / 10))"
	printf 'vcpu:pid=300,id=0,tid=3001,state=2,run=%d\n' "$((now / 10))"
}

make_feed() {
	local k
	echo "# vmsched stats feed: web 150%, db 50%, idle 10% of a CPU"
	for k in $(seq 1 "$1"); do feed_line $((10000000000 + k * 1000000000)) "$k"; done
}

t_feed_stats() {
	make_feed 3 > "$TMP/feed"
	export VMSCHED_STATS_FEED=$TMP/feed
	run stats
	[ $RC = 0 ] || fail "stats: $RC $ERR"
	info "stats:"
	printf '%s\n' "$OUT" | sed 's/^/#   /'
	[[ $OUT == *"over 1s"* ]] || fail "no interval line"
	printf '%s\n' "$OUT" | grep -Eq '^web +100 +150\.0 +1\.5s +250ms +100 +10 ' ||
		fail "web row wrong"
	printf '%s\n' "$OUT" | grep -Eq '^    vcpu1 +1002 +50\.0 +500ms +125ms +40 +0 +4us +40us +1ms$' ||
		fail "web vcpu1 row wrong"
	printf '%s\n' "$OUT" | grep -Eq '^db +200 +50\.0 ' || fail "db row wrong"
	awk 'length($0) > 80 { exit 1 }' "$TMP/out" || fail "stats lines longer than 80"
	run -j stats db
	[ "$RC" = 0 ] || fail "stats -j db: $RC $ERR"
	[[ $OUT == '{"now_ns":12000000000,"interval_ns":1000000000,"policy":"fair","stats_from":"vmsched","vms":[{"name":"db","pid":200,"cpu_pct":50.00,"run_ns":500000000,'* ]] ||
		fail "stats -j db: $OUT"
	[[ $OUT == *'"vcpus":[{"tid":2001,"cpu_pct":50.00,'*'"vcpu":0,"state":"blocked"'* ]] ||
		fail "stats -j db vcpus: $OUT"
	if command -v python3 > /dev/null; then
		run -p stats -s
		printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
vms = {v["name"]: v for v in d["vms"]}
assert abs(vms["web"]["cpu_pct"] - 150) < 0.01, vms["web"]
assert abs(vms["idle"]["cpu_pct"] - 10) < 0.01, vms["idle"]
assert vms["web"]["vcpus"][1]["lat_p99_ns"] == 40000
assert d["interval_ns"] == 0
' || fail "stats -p -s JSON does not parse or has wrong numbers"
	fi
	run stats -s nosuch
	[ $RC = 1 ] && [[ $ERR == 'vmsched: VM "nosuch" not found: known VMs: web (pid 100), db (pid 200), idle (pid 300)' ]] ||
		fail "unknown VM: $RC $ERR"
	run stats -s 4242
	[ $RC = 1 ] && [[ $ERR == *'VM "4242" not found'* ]] || fail "unknown pid: $RC $ERR"
	run stats -s qemu-system-x86
	[ $RC = 1 ] && [[ $ERR == *'VM name "qemu-system-x86" is ambiguous, it matches web (pid 100), db (pid 200): use the pid'* ]] ||
		fail "ambiguous comm: $RC $ERR"
	run stats -s workload
	[ $RC = 0 ] && [[ $OUT == *idle* ]] && [[ $OUT != *web* ]] || fail "comm lookup: $RC $OUT"
	unset VMSCHED_STATS_FEED
}

# ---- metrics in the Prometheus format --------------------------------------
# metrics_feed K [MINOR]: feed_line at second K plus the module's version
# (2.MINOR, 0 if not given) and VM "we"b\x<0xff>" (a quote, a backslash, a
# byte that is not UTF-8); with MINOR 1 web's latency buckets: K samples in
# bucket 9 (<= 512 ns), 2K in 12 (<= 4096 ns), one in the last (300 s)
metrics_feed() {
	local k=$1 minor=${2:-0}
	printf '%s version:release=1.0-test,major=2,minor=%d ' \
		"$(feed_line $((10000000000 + k * 1000000000)) "$k")" "$minor" |
		sed "s/ vm:pid=100,[^ ]*/&,sum=$((k * 10000 + 300000000000)),hist=9:$k;12:$((k * 2));39:1/"
	printf 'vm:pid=400,name=%s,vcpus=1,run=%d vcpu:pid=400,id=0,state=3,lat_count=%d,p50=1024,p99=2048,max=3000,sched=%d/%d/%d\n' \
		'we"b\x'$'\xff' "$k" "$k" $((k * 1500000)) $((k * 250)) $((k * 3))
}

# promtool_ok FILE: promtool's lint says nothing about it
promtool_ok() {
	local out
	out=$(promtool check metrics < "$1" 2>&1) && [ -z "$out" ] ||
		fail "promtool check metrics $1: $out"
}

# metrics_pair MINOR PREFIX: the metrics of two feeds of 2.MINOR, at seconds
# 1 and 2 (VM idle, pid 300, ended between them), in $TMP/PREFIX1 and
# PREFIX2; both lint clean, and no counter went back from the one to the other
metrics_pair() {
	local k
	metrics_feed 1 "$1" > "$TMP/$2feed1"
	metrics_feed 2 "$1" | sed 's/ vm:pid=300[^ ]*//; s/ vcpu:pid=300[^ ]*//' > "$TMP/$2feed2"
	for k in 1 2; do
		VMSCHED_STATS_FEED=$TMP/$2feed$k run metrics
		[ "$RC" = 0 ] || fail "metrics from a 2.$1 feed: exit $RC: $ERR"
		printf '%s\n' "$OUT" > "$TMP/$2$k"
		promtool_ok "$TMP/$2$k"
	done
	"$HERE/metrics_check.py" "$TMP/${2}1" | sed 's/^/# /'
	[ "${PIPESTATUS[0]}" = 0 ] || fail "metrics_check.py ${2}1"
	"$HERE/metrics_check.py" "$TMP/${2}2" "$TMP/${2}1" | sed 's/^/# /'
	[ "${PIPESTATUS[0]}" = 0 ] || fail "metrics_check.py ${2}2 after ${2}1"
}

t_metrics() {
	local v d="$TMP/prom" sum='vmsched_vcpu_wake_latency_seconds' dash
	dash=$TOOL/../../packaging/grafana-vmsched.json
	command -v promtool > /dev/null || { info "no promtool (scripts/setup.sh installs prometheus)"; return 2; }
	command -v python3 > /dev/null || { info "no python3"; return 2; }
	v=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$TOOL/../../dkms.conf")
	if no_device; then
		run metrics
		[ "$RC" = 0 ] && [ -z "$ERR" ] || fail "metrics without the module: exit $RC: $ERR"
		printf '%s\n' "$OUT" > "$TMP/m0"
		grep -qx 'vmsched_up 0' "$TMP/m0" || fail "no vmsched_up 0: $OUT"
		grep -qx "vmsched_build_info{version=\"$v\",module_version=\"\",abi_version=\"\"} 1" \
			"$TMP/m0" || fail "build_info without the module: $OUT"
		[ "$(grep -vc '^#' "$TMP/m0")" = 2 ] || fail "more than 2 samples without the module"
		promtool_ok "$TMP/m0"
	fi
	metrics_pair 0 m
	# the check can fail: the same pair the other way round goes back
	"$HERE/metrics_check.py" "$TMP/m1" "$TMP/m2" > "$TMP/back" &&
		fail "metrics_check.py passes counters going back"
	grep -q 'went back' "$TMP/back" || fail "metrics_check.py does not say what went back"
	local want
	for want in \
		"vmsched_build_info{version=\"$v\",module_version=\"1.0-test\",abi_version=\"2.0\"} 1" \
		'vmsched_up 1' \
		'vmsched_pool_policy_info{pool="default",policy="fair"} 1' \
		'vmsched_pool_swaps_total{pool="default"} 3' \
		'vmsched_pool_last_swap_duration_seconds{pool="default"} 0.0012' \
		'vmsched_pool_slots{pool="default"} 2' \
		'vmsched_pool_vms{pool="default"} 4' \
		'vmsched_pool_vcpus{pool="default",state="running"} 1' \
		'vmsched_pool_vcpus{pool="default",state="blocked"} 2' \
		'vmsched_pool_vcpus{pool="default",state="outside"} 1' \
		'vmsched_vm_run_seconds_total{vm="web",pid="100",pool="default"} 16.5' \
		'vmsched_vm_wait_seconds_total{vm="web",pid="100",pool="default"} 2.75' \
		'vmsched_vm_grants_total{vm="web",pid="100",pool="default"} 100' \
		'vmsched_vm_preemptions_total{vm="web",pid="100",pool="default"} 10' \
		'vmsched_vm_vcpus{vm="web",pid="100",pool="default"} 2' \
		'vmsched_vm_run_seconds_total{vm="we\"b\\x'$'\xef\xbf\xbd''",pid="400",pool="default"} 0.000000001' \
		"$sum{vm=\"web\",pid=\"100\",pool=\"default\",vcpu=\"1\",quantile=\"0.99\"} NaN" \
		"${sum}_count{vm=\"web\",pid=\"100\",pool=\"default\",vcpu=\"1\"} 0" \
		"$sum{vm=\"we\\\"b\\\\x"$'\xef\xbf\xbd'"\",pid=\"400\",pool=\"default\",vcpu=\"0\",quantile=\"0.5\"} 0.000001024" \
		"$sum{vm=\"we\\\"b\\\\x"$'\xef\xbf\xbd'"\",pid=\"400\",pool=\"default\",vcpu=\"0\",quantile=\"1\"} 0.000003" \
		"${sum}_count{vm=\"we\\\"b\\\\x"$'\xef\xbf\xbd'"\",pid=\"400\",pool=\"default\",vcpu=\"0\"} 1" \
		"vmsched_vcpu_host_run_seconds_total{vm=\"we\\\"b\\\\x"$'\xef\xbf\xbd'"\",pid=\"400\",pool=\"default\",vcpu=\"0\"} 0.0015" \
		"vmsched_vcpu_host_runqueue_wait_seconds_total{vm=\"we\\\"b\\\\x"$'\xef\xbf\xbd'"\",pid=\"400\",pool=\"default\",vcpu=\"0\"} 0.00000025" \
		"vmsched_vcpu_host_timeslices_total{vm=\"we\\\"b\\\\x"$'\xef\xbf\xbd'"\",pid=\"400\",pool=\"default\",vcpu=\"0\"} 3"; do
		grep -qxF "$want" "$TMP/m1" || fail "not in the metrics: $want"
	done
	# a vCPU thread whose schedstat was not read has no host series
	grep -q '^vmsched_vcpu_host_.*vm="web"' "$TMP/m1" && fail "host series of web, whose schedstat was not read"
	grep -q 'vm="idle"' "$TMP/m1" || fail "VM idle missing from the first snapshot"
	grep -q 'vm="idle"' "$TMP/m2" && fail "VM idle ended but still has series"
	grep -qxF 'vmsched_pool_vms{pool="default"} 3' "$TMP/m2" || fail "VMs after idle ended"
	# --textfile: mode 0644 whatever the umask, the same text, replaced atomically
	mkdir -p "$d"
	(umask 077; VMSCHED_STATS_FEED=$TMP/mfeed1 "$VMSCHED" metrics -t "$d/vmsched.prom") ||
		fail "metrics -t failed"
	[ "$(stat -c %a "$d/vmsched.prom")" = 644 ] || fail "textfile mode $(stat -c %a "$d/vmsched.prom")"
	cmp -s "$d/vmsched.prom" "$TMP/m1" || fail "textfile differs from stdout"
	exec 3< "$d/vmsched.prom"
	VMSCHED_STATS_FEED=$TMP/mfeed2 "$VMSCHED" metrics --textfile "$d/vmsched.prom" || fail "second -t"
	cmp -s "$d/vmsched.prom" "$TMP/m2" || fail "textfile not replaced"
	cmp -s /dev/fd/3 "$TMP/m1" || fail "the old file was changed in place, not replaced"
	exec 3<&-
	mkdir "$d/dir.prom"
	VMSCHED_STATS_FEED=$TMP/mfeed1 expect 1 "vmsched: cannot write $d/dir.prom: cannot rename the temporary file over it: Is a directory" metrics -t "$d/dir.prom"
	VMSCHED_STATS_FEED=$TMP/mfeed1 expect 1 "vmsched: cannot write $d/no/x.prom: cannot create a temporary file beside it: No such file or directory" metrics -t "$d/no/x.prom"
	[ "$(ls -A "$d" | xargs)" = "dir.prom vmsched.prom" ] || fail "left in $d: $(ls -A "$d" | xargs)"
	[ -z "$(ls -A "$d/dir.prom")" ] || fail "wrote into the directory"
	VMSCHED_STATS_FEED=$TMP/mfeed1 expect 2 "metrics takes no arguments" metrics web
	expect 2 "--textfile needs a file name" metrics --textfile=
	expect 2 'option -j does not apply to "metrics"' metrics -j
	# the dashboard: JSON, and every metric it queries is one vmsched has
	# (from a 2.0 module or a 2.1 one: the one or the other latency family)
	python3 -m json.tool "$dash" > /dev/null || fail "$dash is not JSON"
	metrics_pair 1 h
	local m f
	for m in $(grep -o 'vmsched_[a-z_]*' "$dash" | sort -u); do
		f=${m%_count}
		f=${f%_bucket}
		grep -q "^# TYPE $f " "$TMP/m1" "$TMP/h1" || fail "dashboard queries $m, which does not exist"
	done
}

# ---- names from /proc ---------------------------------------------------
t_names() {
	local fake=$BUILD/fake_vmm a b c d e f
	"$fake" -name guest=web1,debug-threads=on & a=$!
	"$fake" -machine q35 -name db,process=qemu-db & b=$!
	"$fake" --name=wl1 --vcpus 2 & c=$!
	"$fake" --name dup & d=$!
	"$fake" --name dup & e=$!
	"$fake" -name guest=comma,,name & f=$!
	PIDS+=($a $b $c $d $e $f)
	sleep 0.2
	{
		printf 'now:ns=5000000000 '
		for p in $a $b $c $d $e $f $$; do printf 'vm:pid=%d,vcpus=1,run=1000,start=1 ' "$p"; done
		echo
	} > "$TMP/names"
	export VMSCHED_STATS_FEED=$TMP/names
	run -j stats -s
	for n in web1 db wl1 dup comma,name; do
		[[ $OUT == *"\"name\":\"$n\""* ]] || fail "name $n not found in $OUT"
	done
	local comm
	comm=$(cat /proc/$$/comm)
	[[ $OUT == *"\"name\":\"$comm\""* ]] || fail "comm fallback ($comm) not in $OUT"
	run -j stats -s web1
	[[ $OUT == *"\"pid\":$a,"* ]] || fail "web1 -> pid $a: $OUT"
	run -j stats -s db
	[[ $OUT == *"\"pid\":$b,"* ]] || fail "db -> pid $b: $OUT"
	run -j stats -s "$c"
	[[ $OUT == *"\"name\":\"wl1\""* ]] || fail "pid $c -> wl1: $OUT"
	expect 1 "VM name \"dup\" is ambiguous, it matches dup (pid $d), dup (pid $e): use the pid" \
		stats -s dup
	expect 1 "VM \"web\" not found: known VMs: " stats -s web
	[[ $ERR == *"web1 (pid $a), db (pid $b), wl1 (pid $c)"* ]] || fail "VM list: $ERR"
	run -j stats -s dup
	[ "$(printf '%s' "$OUT" | head -c 10)" = '{"error":"' ] || fail "JSON error: $OUT"
	unset VMSCHED_STATS_FEED
}

# ---- top in tmux --------------------------------------------------------
have_tmux() {
	command -v tmux > /dev/null && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
		info "installing tmux"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux > /dev/null 2>&1
	fi
	command -v tmux > /dev/null
}

tmx() { tmux -L "$TMUX_SOCK" "$@"; }

# start a shell in an 80x24 terminal, run CMD in it
term_start() {
	# a new server per terminal: reusing a socket while the old server
	# exits fails with "server exited unexpectedly"
	tmx kill-server 2>/dev/null
	TERM_N=$((${TERM_N:-0} + 1))
	TMUX_SOCK=vmsched-cli-$$-$TERM_N
	tmx -f /dev/null new-session -d -x 80 -y 24 -s t \
		"env -i PATH=$PATH TERM=xterm-256color PS1='$ ' bash --norc --noprofile"
	tmx set-option -t t status off > /dev/null
	sleep 0.3
	tmx send-keys -t t "$1" Enter
}

screen() { tmx capture-pane -p -t t; }

# wait until the screen shows TEXT (up to ~5 s)
wait_for() {
	local i
	for i in $(seq 50); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	fail "screen never showed \"$1\""
	screen | sed 's/^/#   | /'
	return 1
}

t_top_view() {
	have_tmux || return 2
	make_feed 6 > "$TMP/topfeed"
	term_start "VMSCHED_STATS_FEED=$TMP/topfeed $VMSCHED top -d 0.3; echo EXIT=\$?"
	wait_for "interval 1s" || return
	local s
	s=$(screen)
	info "screen:"
	printf '%s\n' "$s" | sed 's/^/#   | /'
	[ "$(printf '%s\n' "$s" | wc -l)" -le 24 ] || fail "more than 24 lines"
	printf '%s\n' "$s" | awk 'length($0) > 80 { exit 1 }' || fail "a line is wider than 80"
	[[ $(printf '%s\n' "$s" | head -1) == "vmsched top - "*" - policy: fair - swaps: 3 (last 1.2ms) - watchdog: 0"* ]] ||
		fail "header line"
	printf '%s\n' "$s" | grep -q 'VMs: 3  vCPUs: 4  slots: 2 (2 granted, 1 waiting)' || fail "summary line"
	printf '%s\n' "$s" | grep -Eq '^ +PID NAME +VCPUS +CPU% +WAIT% +GRANTS/s +PREEMPT/s +P99 +MAX' ||
		fail "column header"
	# sorted by CPU share: web (150%), db (50%), idle (10%)
	[ "$(printf '%s\n' "$s" | awk '$1 ~ /^[0-9]+$/ { printf "%s ", $2 }')" = "web db idle " ] ||
		fail "rows not sorted by CPU share"
	printf '%s\n' "$s" | grep -Eq '^ +100 web +2 +150\.0 +25\.0 +100 +10 +50us +2ms$' ||
		fail "web row"
	printf '%s\n' "$s" | tail -1 | grep -q '^q quit  v show vCPUs' || fail "key help on the last line"
	wait_for "(no more data)" || return
	tmx send-keys -t t q
	wait_for "EXIT=0" || return
	s=$(screen)
	[[ $s != *"vmsched top - "* ]] || fail "top's screen was not cleared on exit (alternate screen)"
}

t_top_keys() {
	have_tmux || return 2
	make_feed 3 > "$TMP/topfeed"
	term_start "VMSCHED_STATS_FEED=$TMP/topfeed $VMSCHED top -d 10; echo EXIT=\$?"
	wait_for "since start" || return
	screen | grep -q 'vcpu0' && fail "vCPUs shown before v"
	tmx send-keys -t t v
	wait_for "vcpu1 queued" || return
	screen | grep -Eq '^ +1001 +  vcpu0 running +100\.0' || fail "vcpu0 row of web"
	screen | grep -q 'q quit  v hide vCPUs' || fail "help line after v"
	tmx send-keys -t t v
	sleep 0.5
	screen | grep -q 'vcpu0' && fail "vCPUs still shown after second v"
	# q quits at once even with a 10 s refresh, and the terminal is sane again
	tmx send-keys -t t q
	wait_for "EXIT=0" || return
	tmx send-keys -t t "stty -a | grep -o ' icanon\| echo ' | xargs" Enter
	wait_for "icanon echo" || fail "terminal not restored (icanon, echo)"
}

t_top_small_rows() {
	have_tmux || return 2
	# 30 VMs: the view must still fit in 24 lines and say how many it hides
	{
		printf 'now:ns=10000000000 '
		for i in $(seq 1 30); do
			printf 'vm:pid=%d,name=vm%02d,vcpus=1,run=%d,start=1 ' $((1000 + i)) "$i" $((i * 100000000))
		done
		echo
	} > "$TMP/many"
	term_start "VMSCHED_STATS_FEED=$TMP/many $VMSCHED top -d 0.2; echo EXIT=\$?"
	wait_for "more VMs" || return
	local s
	s=$(screen)
	[ "$(printf '%s\n' "$s" | wc -l)" -le 24 ] || fail "more than 24 lines"
	printf '%s\n' "$s" | grep -Eq '^ +1030 vm30 ' || fail "busiest VM not first"
	printf '%s\n' "$s" | grep -q '^  \.\.\. 12 more VMs' || fail "hidden VM count"
	tmx send-keys -t t q
	wait_for "EXIT=0"
	# batch mode prints frames without escapes
	VMSCHED_STATS_FEED=$TMP/topfeed "$VMSCHED" top -b -n 2 -d 0.1 > "$TMP/batch"
	grep -q $'\033' "$TMP/batch" && fail "escape sequences in batch output"
	[ "$(grep -c '^vmsched top' "$TMP/batch")" = 2 ] || fail "batch: not 2 frames"
}

for t in "${TESTS[@]}"; do
	echo "# test: $t"
	"t_$t"
	rc=$?
	if [ $rc = 2 ] && [ $FAILS = 0 ]; then
		result skip "$t" "needs what this machine lacks (see above)"
	else
		result run "$t"
	fi
done
echo "$PASS passed, $FAIL failed"
[ $FAIL = 0 ]
