#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: boot the test VM and run the demo story (demo_guest.sh).
set -euo pipefail
DIR=$(cd "$(dirname "$0")" && pwd)
exec "$DIR/run_vm.sh" --kernel "${KVER:-6.12}" --timeout 600 \
	--guest-cmd 'sh /selftests/demo_guest.sh' "$@"
