# SPDX-License-Identifier: GPL-2.0
#
# vmsched: thin wrapper for humans. The kernel modules are built by Kbuild.
#
#   make                      modules for the running kernel (or the cached 6.12) + tools
#   make KDIR=/lib/modules/<ver>/build
#   make check                set up the machine and run all tests in VMs (6.1 and 6.12)
#   make demo                 boot the demo VM
#   make bench [KVER=6.12] [QUICK=1]   benchmark: tables and plots in build/bench/latest
#   make soak                 long reliability runs in a 6.12 VM (KERNELS="6.1 6.12")
#   make check-debug          the in-VM tests on a KASAN/lockdep/kmemleak 6.12 kernel
#                             built from Debian's linux-source (first build ~1.5 h on 2 cores)

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

.PHONY: all modules tools clean check check-debug check-quick demo demo-shell setup sparse bench soak

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

check-debug: setup
	scripts/debug_kernel.sh
	selftests/vm/check.sh --kernels debug --vm-only --slow

demo: setup
	selftests/vm/demo.sh

bench: setup
	selftests/bench/bench.sh

soak: setup
	selftests/vm/soak.sh --kernels "$${KERNELS:-6.12}"

demo-shell: setup
	selftests/vm/demo.sh --shell

# Not "make -C $(KDIR) M=$(SRC) clean": kbuild's clean deletes every *.ko and
# *.ko.* below M, and that includes the unpacked test kernels in .cache.
MOD_DIRS := kvm_schedswap sched_plugins selftests/modules
clean:
	find $(MOD_DIRS) \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name '.*.d' -o -name modules.order \) -delete
	rm -f Module.symvers modules.order
	$(MAKE) -C tools/vmsched clean
	rm -rf build

# ---- install, DKMS sources, Debian packages ----------------------------------
#   make install [DESTDIR=] [PREFIX=/usr/local] [KDIR=] [KVERSION=] [MODSRC=]
#                [INSTALL_EXAMPLE=1]
#        modules into /lib/modules/KVERSION/extra (+ depmod), the CLI, its man
#        page and bash completion, vmsched.service, /etc/vmsched.conf (kept
#        if present); MODSRC: take the modules built there instead of here
#   make uninstall            the same, removed (/etc/vmsched.conf if unchanged)
#   make deb                  build/deb/vmsched_*.deb and vmsched-dkms_*.deb
PREFIX ?= /usr/local
# the release modules must go under: UTS_RELEASE (Debian's 6.1 headers have
# the upstream version, not the release, in include/config/kernel.release)
KVERSION ?= $(or $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null), \
	$(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null))
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(SRC)/dkms.conf)
# the modules a host gets: those DKMS installs; example_sched (the policy to
# copy) only with INSTALL_EXAMPLE=1, as the tests want it
MODULE_NAMES := $(shell sed -n 's/^BUILT_MODULE_NAME\[[0-9]*\]="\(.*\)"/\1/p' $(SRC)/dkms.conf)
INSTALL_MODULES = $(MODULE_NAMES) $(if $(filter 1,$(INSTALL_EXAMPLE)),example_sched)
MODSRC_DIR = $(or $(MODSRC),$(SRC)/kvm_schedswap $(SRC)/sched_plugins)
MODDIR = $(DESTDIR)/lib/modules/$(KVERSION)/extra
UNITDIR = $(PREFIX)/lib/systemd/system
DEPMOD = depmod $(if $(DESTDIR),-b $(DESTDIR)) -a $(KVERSION)
DKMS_FILES = Kbuild dkms.conf uapi/linux/vmsched.h \
	$(filter-out %.mod.c sched_plugins/sim/%, $(wildcard kvm_schedswap/Kbuild \
	kvm_schedswap/*.[ch] sched_plugins/Kbuild sched_plugins/*/Kbuild sched_plugins/*/*.[ch]))

.PHONY: install uninstall install-modules install-tools uninstall-modules \
	uninstall-tools install-dkms-src deb

install: install-modules install-tools

install-modules: $(if $(MODSRC),,modules)
	@test -n "$(KVERSION)" || { echo "no kernel release in $(KDIR): set KVERSION=" >&2; exit 1; }
	for m in $(INSTALL_MODULES); do \
		install -D -m 0644 $$(find $(MODSRC_DIR) -name $$m.ko) $(MODDIR)/$$m.ko || exit 1; \
	done
	$(DEPMOD)

install-tools: tools
	$(MAKE) -C tools/vmsched install DESTDIR=$(DESTDIR) prefix=$(PREFIX)
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(PREFIX)/sbin|' packaging/vmsched.service.in > $(DESTDIR)$(UNITDIR)/vmsched.service
	test -e $(DESTDIR)/etc/vmsched.conf || \
		install -D -m 0644 packaging/vmsched.conf $(DESTDIR)/etc/vmsched.conf

uninstall: uninstall-modules uninstall-tools

uninstall-modules:
ifeq ($(strip $(KVERSION)),)
	@echo "no kernel release in $(KDIR): modules not removed, no depmod (set KVERSION=)" >&2
else
	rm -f $(addprefix $(MODDIR)/,$(addsuffix .ko,$(MODULE_NAMES) example_sched))
	if [ -d $(DESTDIR)/lib/modules/$(KVERSION) ]; then $(DEPMOD); fi
endif

uninstall-tools:
	$(MAKE) -C tools/vmsched uninstall DESTDIR=$(DESTDIR) prefix=$(PREFIX)
	rm -f $(DESTDIR)$(UNITDIR)/vmsched.service
	if cmp -s packaging/vmsched.conf $(DESTDIR)/etc/vmsched.conf; then \
		rm -f $(DESTDIR)/etc/vmsched.conf; fi

# the module sources as DKMS wants them, in /usr/src/vmsched-VERSION
install-dkms-src:
	for f in $(DKMS_FILES); do \
		install -D -m 0644 $$f $(DESTDIR)/usr/src/vmsched-$(VERSION)/$$f || exit 1; \
	done

deb:
	rm -rf build/deb
	mkdir -p build/deb/vmsched-$(VERSION)
	cp -r Kbuild Makefile dkms.conf README.md debian packaging kvm_schedswap \
		sched_plugins uapi tools build/deb/vmsched-$(VERSION)/
	cd build/deb/vmsched-$(VERSION) && dpkg-buildpackage -b -us -uc
	ls -1 build/deb/*.deb
