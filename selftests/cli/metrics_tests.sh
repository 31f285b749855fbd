# SPDX-License-Identifier: GPL-2.0
#
# Tests of host_test.sh (sourced by it): the wake-to-run latency histogram
# of "vmsched metrics" (uapi 2.1), from a recorded feed and from the fake
# /dev/vmsched of apply_tests.sh.
#   metrics_hist   a 2.1 feed gives each VM a histogram: promtool's lint,
#                  exact cumulative buckets from 1.024 us, +Inf == _count,
#                  _sum; no per-vCPU summary; a 2.0 feed gives the summary
#                  and no histogram; buckets that fall or go back are seen
#   metrics_abi    against a 2.0 module vmsched passes the 2.0 entry sizes
#                  and prints the summary, against 2.1 the 2.1 sizes and
#                  the histogram; a recording of it replays the same

METRICS_TESTS=(metrics_hist metrics_abi)

HIST=vmsched_vm_wake_latency_seconds

# hist_lines FILE VM: the histogram's samples of VM (name) in FILE
hist_lines() { grep "^${HIST}_[a-z]*{vm=\"$2\"," "$1"; }

t_metrics_hist() {
	local l w='vm="web",pid="100",pool="default"' d='vm="db",pid="200",pool="default"'
	command -v promtool > /dev/null || { info "no promtool (scripts/setup.sh installs prometheus)"; return 2; }
	command -v python3 > /dev/null || { info "no python3"; return 2; }
	metrics_pair 1 h
	grep -qx "# TYPE $HIST histogram" "$TMP/h1" || fail "no histogram family"
	# web: 1 sample <= 512 ns, 2 <= 4.096 us, 1 above 2^38 ns; the sum 300.00001 s
	for l in \
		"${HIST}_bucket{$w,le=\"0.000001024\"} 1" \
		"${HIST}_bucket{$w,le=\"0.000002048\"} 1" \
		"${HIST}_bucket{$w,le=\"0.000004096\"} 3" \
		"${HIST}_bucket{$w,le=\"1.073741824\"} 3" \
		"${HIST}_bucket{$w,le=\"274.877906944\"} 3" \
		"${HIST}_bucket{$w,le=\"+Inf\"} 4" \
		"${HIST}_sum{$w} 300.00001" \
		"${HIST}_count{$w} 4" \
		"${HIST}_bucket{$d,le=\"+Inf\"} 0" \
		"${HIST}_sum{$d} 0" \
		"${HIST}_count{$d} 0"; do
		grep -qxF "$l" "$TMP/h1" || fail "not in the metrics: $l"
	done
	# le from 2^10 to 2^38 ns, then +Inf: 30 buckets, and the sum and count
	[ "$(hist_lines "$TMP/h1" web | wc -l)" = 32 ] ||
		fail "web has $(hist_lines "$TMP/h1" web | wc -l) histogram samples, want 32"
	grep -qxF "${HIST}_bucket{$w,le=\"+Inf\"} 7" "$TMP/h2" || fail "web's +Inf in h2"
	grep -qxF "${HIST}_sum{$w} 300.00002" "$TMP/h2" || fail "web's sum in h2"
	grep -q '^vmsched_vcpu_wake_latency_seconds' "$TMP/h1" && fail "a 2.1 feed still has the summary"
	# a 2.0 feed (its buckets ignored): the summary of each vCPU, no histogram
	metrics_pair 0 s
	grep -qx '# TYPE vmsched_vcpu_wake_latency_seconds summary' "$TMP/s1" ||
		fail "a 2.0 feed has no summary"
	grep -q "^$HIST" "$TMP/s1" && fail "a 2.0 feed has a histogram"
	# the checks can fail: a bucket below the one before, one that went back
	sed "s/^\(${HIST}_bucket{$w,le=\"0.000002048\"}\) 1/\1 0/" "$TMP/h1" > "$TMP/hbad"
	"$HERE/metrics_check.py" "$TMP/hbad" | grep -q 'not cumulative' ||
		fail "metrics_check.py passes buckets that fall"
	sed "s/^\(${HIST}_count{$w}\) 4/\1 5/" "$TMP/h1" > "$TMP/hbad"
	"$HERE/metrics_check.py" "$TMP/hbad" | grep -q 'is not _count' ||
		fail "metrics_check.py passes +Inf != _count"
	sed "s/^\(${HIST}_bucket{$w,le=\"0.000004096\"}\) 3/\1 9/" "$TMP/h1" > "$TMP/hbad"
	"$HERE/metrics_check.py" "$TMP/h2" "$TMP/hbad" | grep -q "${HIST}_bucket.*went back" ||
		fail "metrics_check.py passes a bucket going back"
	# a bucket out of range is a bad feed line
	sed 's/hist=9:1/hist=40:1/' "$TMP/hfeed1" > "$TMP/hfeedbad"
	VMSCHED_STATS_FEED=$TMP/hfeedbad expect 1 "hfeedbad:1: bad feed line" metrics
}

# fake_metrics MINOR: vmsched metrics against the fake device speaking 2.MINOR
fake_metrics() {
	sed -i '/^abi /d; /^log /d' "$VMSCHED_FAKE_STATE"
	echo "abi $1" >> "$VMSCHED_FAKE_STATE"
	run metrics
	[ "$RC" = 0 ] || fail "metrics against a 2.$1 module: exit $RC: $ERR"
}

t_metrics_abi() {
	local p w
	fake_begin web
	p=${FAKE_PID[web]}
	w="vm=\"web\",pid=\"$p\",pool=\"default\""
	printf 'hist %d 11 5\nhist %d 39 2\nlatsum %d 700000000000\n' "$p" "$p" "$p" \
		>> "$VMSCHED_FAKE_STATE"
	fake_metrics 0
	grep -qx 'log stats 80 88' "$VMSCHED_FAKE_STATE" ||
		fail "2.0 module: entry sizes $(grep '^log stats' "$VMSCHED_FAKE_STATE"), want 80 88"
	[[ $OUT == *"vmsched_vcpu_wake_latency_seconds_count{$w,vcpu=\"0\"} 7"* ]] ||
		fail "2.0 module: no summary: $OUT"
	[[ $OUT == *"$HIST"* ]] && fail "2.0 module: a histogram"
	fake_metrics 1
	grep -qx 'log stats 408 416' "$VMSCHED_FAKE_STATE" ||
		fail "2.1 module: entry sizes $(grep '^log stats' "$VMSCHED_FAKE_STATE"), want 408 416"
	[[ $OUT == *"${HIST}_bucket{$w,le=\"0.000002048\"} 5"* ]] &&
		[[ $OUT == *"${HIST}_bucket{$w,le=\"274.877906944\"} 5"* ]] &&
		[[ $OUT == *"${HIST}_bucket{$w,le=\"+Inf\"} 7"* ]] &&
		[[ $OUT == *"${HIST}_sum{$w} 700"$'\n'* ]] &&
		[[ $OUT == *"${HIST}_count{$w} 7"* ]] || fail "2.1 module: histogram wrong: $OUT"
	[[ $OUT == *vmsched_vcpu_wake_latency_seconds* ]] && fail "2.1 module: the summary"
	printf '%s\n' "$OUT" > "$TMP/live"
	# a recording replays the same metrics (the VM, still running, named alike)
	rm -f "$TMP/rec"
	VMSCHED_STATS_RECORD=$TMP/rec run metrics
	grep -q "hist=11:5;39:2" "$TMP/rec" || fail "recording lacks the buckets: $(cat "$TMP/rec")"
	VMSCHED_STATS_FEED=$TMP/rec run metrics
	printf '%s\n' "$OUT" | diff "$TMP/live" - > "$TMP/diff" ||
		fail "the recording's metrics differ: $(head -5 "$TMP/diff")"
	fake_end
}
