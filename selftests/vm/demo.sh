#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: boot the test VM with QEMU inside and run the demo story
# (demo_guest.sh) on three real QEMU guests.
#   demo.sh [--shell] [run_vm.sh options]   --shell: set up, then a shell
set -euo pipefail
DIR=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" = --shell ]; then
	shift
	exec "$DIR/run_vm.sh" --kernel "${KVER:-6.12}" --with-qemu --shell \
		--setup 'sh /selftests/demo_guest.sh --setup' "$@"
fi
exec "$DIR/run_vm.sh" --kernel "${KVER:-6.12}" --timeout 900 --with-qemu \
	--guest-cmd 'sh /selftests/demo_guest.sh' "$@"
