# SPDX-License-Identifier: GPL-2.0
#
# Tests of host_test.sh (sourced by it, after apply_tests.sh): VMs under
# the host scheduler, when no policy is active, with what Linux gives their
# vCPU threads (/proc/PID/task/TID/schedstat).
#   host_feed    stats, stats -s, stats -j and top -b from a recorded feed
#                without a policy: exact text and JSON, rates over the
#                interval, "-" and null for a thread whose schedstat was
#                not read; under a policy the core's numbers stay, with
#                the run-queue wait as rq_wait_ns in JSON
#   host_proc    against the fake device: schedstat read from
#                VMSCHED_PROC_ROOT/PID/task/TID, an unreadable one is "-",
#                a real thread's from /proc, a recorded snapshot replays
#                the same

HOST_VIEW_TESTS=(host_feed host_proc)

# host_feed_line NOW K [STATUS [DB]]: web's vCPU 0 runs 90% of a CPU and
# waits 10% on a run queue, vCPU 1 20% and 20%; db's vCPU thread is not
# read, or has schedstat DB (RUN/WAIT/SLICES)
host_feed_line() {
	local now=$1 k=$2 st=${3:-status:swaps=0} db=${4:+,sched=$4}
	printf 'now:ns=%d %s ' "$now" "$st"
	printf 'vm:pid=100,name=web,comm=qemu-system-x86,vcpus=2,run=%d,start=1000000000 ' $((k * 7))
	printf 'vcpu:pid=100,id=0,tid=1001,state=0,run=%d,sched=%d/%d/%d ' $((k * 7)) \
		$((3100000000 + k * 900000000)) $((900000000 + k * 100000000)) $((300 + k * 100))
	printf 'vcpu:pid=100,id=1,tid=1002,state=2,sched=%d/%d/%d ' \
		$((800000000 + k * 200000000)) $((300000000 + k * 200000000)) $((50 + k * 50))
	printf 'vm:pid=200,name=db,comm=qemu-system-x86,vcpus=1,start=1000000000 '
	printf 'vcpu:pid=200,id=0,tid=2001,state=2%s\n' "$db"
}

t_host_feed() {
	local want
	{
		host_feed_line 11000000000 1
		host_feed_line 12000000000 2
	} > "$TMP/hfeed"
	export VMSCHED_STATS_FEED=$TMP/hfeed
	run stats
	want="no policy active: Linux schedules these vCPUs; times from the threads' schedstat
over 1s: CPU% = run/wall time (100 = one CPU); WAIT: on a run queue
NAME            PID   CPU%     RUN  WAIT%    WAIT   SLICES WAIT/SL
web             100  110.0    1.1s   30.0   300ms      150     2ms
    vcpu0      1001   90.0   900ms   10.0   100ms      100     1ms
    vcpu1      1002   20.0   200ms   20.0   200ms       50     4ms
db              200      -       -      -       -        -       -
    vcpu0      2001      -       -      -       -        -       -"
	[ "$RC" = 0 ] && [ "$OUT" = "$want" ] || fail "stats without a policy: $RC $ERR
$OUT"
	run stats -s
	want="no policy active: Linux schedules these vCPUs; times from the threads' schedstat
since each VM started: CPU% = run/wall time (100 = one CPU); WAIT: on a run queue
NAME            PID   CPU%     RUN  WAIT%    WAIT   SLICES WAIT/SL
web             100   50.0      5s   15.0    1.5s      500     3ms
    vcpu0      1001   40.0      4s   10.0      1s      400   2.5ms
    vcpu1      1002   10.0      1s    5.0   500ms      100     5ms
db              200      -       -      -       -        -       -
    vcpu0      2001      -       -      -       -        -       -"
	[ "$RC" = 0 ] && [ "$OUT" = "$want" ] || fail "stats -s without a policy: $RC $ERR
$OUT"
	run -j stats
	want='{"now_ns":12000000000,"interval_ns":1000000000,"policy":null,"stats_from":"schedstat","vms":['
	want+='{"name":"web","pid":100,"cpu_pct":110.00,"run_ns":1100000000,"wait_pct":30.00,"wait_ns":300000000,"slices":150,"wait_per_slice_ns":2000000,"wall_ns":1000000000,"total_run_ns":6100000000,"total_wait_ns":1800000000,"total_slices":650,"comm":"qemu-system-x86","nr_vcpus":2,"vcpus":['
	want+='{"tid":1001,"cpu_pct":90.00,"run_ns":900000000,"wait_pct":10.00,"wait_ns":100000000,"slices":100,"wait_per_slice_ns":1000000,"wall_ns":1000000000,"total_run_ns":4900000000,"total_wait_ns":1100000000,"total_slices":500,"vcpu":0,"state":"running"},'
	want+='{"tid":1002,"cpu_pct":20.00,"run_ns":200000000,"wait_pct":20.00,"wait_ns":200000000,"slices":50,"wait_per_slice_ns":4000000,"wall_ns":1000000000,"total_run_ns":1200000000,"total_wait_ns":700000000,"total_slices":150,"vcpu":1,"state":"blocked"}]},'
	want+='{"name":"db","pid":200,"cpu_pct":null,"run_ns":null,"wait_pct":null,"wait_ns":null,"slices":null,"wait_per_slice_ns":null,"wall_ns":null,"total_run_ns":null,"total_wait_ns":null,"total_slices":null,"comm":"qemu-system-x86","nr_vcpus":1,"vcpus":['
	want+='{"tid":2001,"cpu_pct":null,"run_ns":null,"wait_pct":null,"wait_ns":null,"slices":null,"wait_per_slice_ns":null,"wall_ns":null,"total_run_ns":null,"total_wait_ns":null,"total_slices":null,"vcpu":0,"state":"blocked"}]}]}'
	[ "$RC" = 0 ] && [ "$OUT" = "$want" ] || fail "stats -j without a policy: $RC $ERR
$OUT"
	# top: the second frame has the interval's rates, sorted by CPU share
	run top -b -n 2 -d 0.01
	want="vmsched top - HH:MM:SS - policy: none (host) - swaps: 0 (last 0) - watchdog: 0
VMs: 2  vCPUs: 3  slots: 0 (0 granted, 0 waiting)  interval 1s
no policy active: Linux schedules these vCPUs; times from the threads' schedstat

    PID NAME             VCPUS   CPU%  WAIT% SLICES/s  WAIT/SL
    100 web                  2  110.0   30.0      150      2ms
    200 db                   1      -      -        -        -
q quit  v show vCPUs  (CPU%: 100 = one CPU; WAIT/SL: run-queue wait per slice)"
	OUT=$(printf '%s\n' "$OUT" | sed -n '/interval 1s/,$p' |
		sed 's/^vmsched top - [0-9:]* -/vmsched top - HH:MM:SS -/')
	OUT=$( (printf '%s\n' "$want" | head -1; printf '%s\n' "$OUT") | sed '/^$/{N;/^\n$/d}')
	[ "$RC" = 0 ] && [ "$OUT" = "$want" ] || fail "top -b without a policy: $RC $ERR
$OUT"
	run top -b -j -n 1
	[[ $OUT == '{"now_ns":11000000000,"interval_ns":0,"policy":null,"stats_from":"schedstat","vms":[{"name":"web","pid":100,"cpu_pct":50.00,'* ]] ||
		fail "top -b -j without a policy: $OUT"
	# db's thread read now but not before: the vCPU since it started, the VM
	# has no share of the interval
	{
		host_feed_line 11000000000 1
		host_feed_line 12000000000 2 status:swaps=0 1100000000/0/10
	} > "$TMP/hfeed"
	run -j stats
	[[ $OUT == *'{"name":"db","pid":200,"cpu_pct":null,"run_ns":null,'*'"nr_vcpus":1,"vcpus":[{"tid":2001,"cpu_pct":10.00,"run_ns":1100000000,'* ]] ||
		fail "stats -j, a thread read for the first time: $OUT"
	# under a policy: the core's numbers, the run-queue wait beside them
	{
		host_feed_line 11000000000 1 status:policy=fair,swaps=1
		host_feed_line 12000000000 2 status:policy=fair,swaps=1
	} > "$TMP/hfeed"
	run stats
	[[ $OUT != *"no policy active"* ]] && printf '%s\n' "$OUT" | grep -Eq '^NAME +PID +CPU% +RUN +WAIT +GRANTS ' ||
		fail "stats under a policy: $OUT"
	run -j stats
	[[ $OUT == '{"now_ns":12000000000,"interval_ns":1000000000,"policy":"fair","stats_from":"vmsched","vms":[{"name":"web","pid":100,"cpu_pct":0.00,"run_ns":7,'* ]] &&
		[[ $OUT == *'"nr_vcpus":2,"rq_wait_ns":300000000,"vcpus":[{"tid":1001,'*'"lat_count":0,"rq_wait_ns":100000000},'* ]] &&
		[[ $OUT == *'"nr_vcpus":1,"rq_wait_ns":null,'*'"lat_count":0,"rq_wait_ns":null}]}]}' ]] ||
		fail "stats -j under a policy: $OUT"
	unset VMSCHED_STATS_FEED
}

# schedstat PID TID RUN WAIT SLICES: a thread's schedstat under $TMP/proc
schedstat() {
	mkdir -p "$TMP/proc/$1/task/$2"
	echo "$3 $4 $5" > "$TMP/proc/$1/task/$2/schedstat"
}

t_host_proc() {
	local web db want
	fake_begin web db
	web=${FAKE_PID[web]} db=${FAKE_PID[db]}
	printf 'pid %d 4001 4002\npid %d %d\n' "$web" "$db" "$db" > "$VMSCHED_FAKE_STATE"
	schedstat "$web" 4001 3000000 1000000 30
	schedstat "$web" 4002 1000000 500000 10
	# db's thread is the real one: its schedstat is in /proc, not here
	export VMSCHED_PROC_ROOT=$TMP/proc
	run stats -s
	[ "$RC" = 0 ] || fail "stats -s: $RC $ERR"
	printf '%s\n' "$OUT" | head -1 | grep -qx "no policy active: Linux schedules these vCPUs; times from the threads' schedstat" ||
		fail "stats -s: no note: $OUT"
	printf '%s\n' "$OUT" | grep -Eq "^web +$web +- +4ms +- +1\.5ms +40 +37\.5us$" &&
		printf '%s\n' "$OUT" | grep -Eq "^    vcpu1 +4002 +- +1ms +- +500us +10 +50us$" &&
		printf '%s\n' "$OUT" | grep -Eq "^db +$db +- +- +- +- +- +-$" &&
		printf '%s\n' "$OUT" | grep -Eq "^    vcpu0 +$db +- +- +- +- +- +-$" ||
		fail "stats -s from VMSCHED_PROC_ROOT: $OUT"
	run -j stats -s
	[[ $OUT == *'"name":"web","pid":'"$web"',"cpu_pct":null,"run_ns":4000000,"wait_pct":null,"wait_ns":1500000,"slices":40,"wait_per_slice_ns":37500,"wall_ns":null,"total_run_ns":4000000,"total_wait_ns":1500000,"total_slices":40,'* ]] &&
		[[ $OUT == *'{"tid":4001,"cpu_pct":null,"run_ns":3000000,'*'"total_slices":30,"vcpu":0,"state":"blocked"}'* ]] &&
		[[ $OUT == *'"name":"db",'*'"total_run_ns":null,'* ]] || fail "stats -s -j: $OUT"
	# a recorded snapshot has the schedstat, and replays the same
	VMSCHED_STATS_RECORD=$TMP/hrec run -j stats -s
	want=$OUT
	grep -q "vcpu:pid=$web,id=0,tid=4001,state=2,run=0,.*,sched=3000000/1000000/30 " "$TMP/hrec" ||
		fail "recorded: $(cat "$TMP/hrec")"
	VMSCHED_STATS_FEED=$TMP/hrec run -j stats -s
	[ "$OUT" = "$want" ] || fail "replayed: $OUT"
	# the thread ended: "-"
	rm "$TMP/proc/$web/task/4002/schedstat"
	run -j stats -s
	[[ $OUT == *'"run_ns":3000000,'*'"total_slices":30,'*'{"tid":4002,"cpu_pct":null,"run_ns":null,'* ]] ||
		fail "an ended thread: $OUT"
	# the real /proc: the fake VMM's own thread (the fake device's clock
	# stands still: no CPU share)
	unset VMSCHED_PROC_ROOT
	run -j stats -s
	printf '%s' "$OUT" | grep -Eq '"name":"db",[^]]*"vcpus":\[\{"tid":'"$db"',"cpu_pct":null,"run_ns":[0-9]+,.*"total_slices":[1-9][0-9]*' ||
		fail "schedstat of a real thread: $OUT"
	# under a policy: the core's view, JSON has the run-queue wait
	echo "active alpha" >> "$VMSCHED_FAKE_STATE"
	VMSCHED_PROC_ROOT=$TMP/proc run -j stats -s
	[[ $OUT == *'"policy":"alpha","stats_from":"vmsched"'*'"nr_vcpus":2,"rq_wait_ns":1000000,'* ]] ||
		fail "under a policy: $OUT"
	fake_end
}
