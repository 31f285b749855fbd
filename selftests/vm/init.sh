#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the vmsched test VM (busybox). Mounts the basics, loads KVM, runs
# the command named in /vmsched.cmd (default: the test suite) with its output
# on the results port (/dev/ttyS1) and the console, and powers off.
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
/bin/busybox mount -t tmpfs tmpfs /tmp
mkdir -p /dev/pts /dev/shm /run
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
export PATH=/selftests:/selftests/bin:/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root TERM=${TERM:-vt100}
hostname vmsched-test
ip link set lo up 2>/dev/null

echo "vmsched-vm: kernel $(uname -r), $(nproc) CPUs"
# kvm and its dependencies, in order (modules.load lists them)
while read -r m; do
	insmod "/lib/modules/kvm/$m" || echo "vmsched-vm: insmod $m failed"
done < /lib/modules/kvm/modules.load
[ -c /dev/kvm ] || echo "vmsched-vm: /dev/kvm is missing"

# an unprivileged user for privilege tests
echo "root:x:0:0:root:/root:/bin/sh" > /etc/passwd
echo "nobody:x:65534:65534:nobody:/nonexistent:/bin/sh" >> /etc/passwd
echo "root:x:0:" > /etc/group
echo "nogroup:x:65534:" >> /etc/group
mkdir -p /root

if [ -f /vmsched.setup ]; then
	echo "vmsched-vm: setup: $(cat /vmsched.setup)"
	sh -c "$(cat /vmsched.setup)"
fi

# a kmemleak kernel (make check-debug): forget what boot left, so that only
# what leaks from here on is reported (after the command, below)
KMEMLEAK=/sys/kernel/debug/kmemleak
[ -w $KMEMLEAK ] && echo clear > $KMEMLEAK

CMD=$(cat /vmsched.cmd 2>/dev/null)
echo "vmsched-vm: running: $CMD"
if [ "$CMD" = shell ]; then
	setsid cttyhack sh -l
else
	{ sh -c "$CMD"; echo $? > /tmp/.rc; } 2>&1 | tee /dev/ttyS1
	if [ -w $KMEMLEAK ]; then
		# an object counts as leaked once two scans found no reference
		echo scan > $KMEMLEAK; sleep 6; echo scan > $KMEMLEAK
		leaks=$(grep -c '^unreferenced object' $KMEMLEAK)
		echo "vmsched-vm: leak scan: $leaks unreferenced objects"
		cat $KMEMLEAK
	fi
	echo "vmsched-vm: exit=$(cat /tmp/.rc)" | tee /dev/ttyS1
fi
sync
poweroff -f
