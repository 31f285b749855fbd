#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make -C selftests/bench host-test: lat_test (KTAP) and report_test.py
# (unittest), then the one "N passed, N failed, N skipped" line that
# selftests/vm/check.sh counts.
#
#   host_test.sh OUTPUT_DIR
set -u
cd "$(dirname "$0")"
out=${1:?usage: host_test.sh OUTPUT_DIR}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
pass=0 fail=0

# count PATTERN_OK PATTERN_FAIL RC: add the log's passes and failures; a
# program that failed without a failed test counts as one failure
count() {
	local p f
	p=$(grep -cE "$1" "$log")
	f=$(grep -cE "$2" "$log")
	[ "$3" != 0 ] && [ "$f" = 0 ] && f=1
	pass=$((pass + p)) fail=$((fail + f))
}

"$out/lat_test" 2>&1 | tee "$log"
count '^ok ' '^not ok ' "${PIPESTATUS[0]}"
python3 report_test.py -v 2>&1 | tee "$log"
count ' \.\.\. ok$' ' \.\.\. (FAIL|ERROR)$' "${PIPESTATUS[0]}"

echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" = 0 ]
