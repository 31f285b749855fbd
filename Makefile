# SPDX-License-Identifier: GPL-2.0
#
# vmsched: thin wrapper for humans. The kernel modules are built by Kbuild.
#
#   make                      modules for the running kernel (or the cached 6.12) + tools
#   make KDIR=/lib/modules/<ver>/build
#   make check                set up the machine and run all tests in VMs (6.1 and 6.12)
#   make demo                 boot the demo VM
#   make soak                 long reliability runs in a 6.12 VM (KERNELS="6.1 6.12")

SRC := $(CURDIR)
CACHE ?= $(SRC)/.cache
RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
ifeq ($(KDIR),)
  ifneq ($(wildcard $(RUNNING_KDIR)/Makefile),)
    KDIR := $(RUNNING_KDIR)
  else
    KDIR := $(CACHE)/kernels/6.12/build
  endif
endif

.PHONY: all modules tools clean check check-quick demo demo-shell setup sparse bench soak

all: modules tools

modules:
	@test -f $(KDIR)/Makefile || { echo "no kernel headers at $(KDIR): set KDIR= or run scripts/setup.sh" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(SRC) W=1 modules

sparse:
	$(MAKE) -C $(KDIR) M=$(SRC) W=1 C=2 modules

tools:
	$(MAKE) -C tools/vmsched

setup:
	scripts/setup.sh

check: setup
	selftests/vm/check.sh

demo: setup
	selftests/vm/demo.sh

soak: setup
	selftests/vm/soak.sh --kernels "$${KERNELS:-6.12}"

demo-shell: setup
	selftests/vm/run_vm.sh --kernel $${KVER:-6.12} --shell

clean:
	@if [ -f $(KDIR)/Makefile ]; then $(MAKE) -C $(KDIR) M=$(SRC) clean; fi
	$(MAKE) -C tools/vmsched clean
	rm -rf build
