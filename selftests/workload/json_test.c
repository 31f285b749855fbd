// SPDX-License-Identifier: GPL-2.0
/*
 * json_test - host-only checks that need no KVM: workload_json.h on a
 * sample line, and the option errors of the workload binary (argv[1]).
 * Output is KTAP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "workload_json.h"

static const char sample[] =
	"{\"name\":\"we\\\"b\",\"pid\":1234,\"profile\":\"spin\",\"vcpus\":2,"
	"\"duration_ns\":5000000000,\"vcpu\":[{\"id\":0,\"tid\":1235,"
	"\"progress\":123456,\"rate\":24691,\"lat_p99_ns\":0},{\"id\":1,"
	"\"tid\":1236,\"progress\":99,\"rate\":-5,\"lat_p99_ns\":7}],"
	"\"total_progress\":123555,\"min_rate\":-5,\"max_rate\":24691}\n";

/* --rethread-ms: vCPU 0 handed over to a new thread, vCPU 1 not (yet) */
static const char rethread[] =
	"{\"name\":\"db\",\"pid\":4242,\"profile\":\"spin\",\"vcpus\":2,"
	"\"vcpu\":[{\"id\":0,\"tid\":4250,\"threads\":2,\"old_tid\":4243,"
	"\"progress\":10},{\"id\":1,\"tid\":4244,\"threads\":1,\"old_tid\":0,"
	"\"progress\":11}],\"total_progress\":21}\n";

static int nr_test, nr_failed;

static void check(int ok, const char *what)
{
	printf("%sok %d %s\n", ok ? "" : "not ", ++nr_test, what);
	nr_failed += !ok;
}

/* Exit status of "BIN ARGS" with output discarded. */
static int run_status(const char *bin, const char *args)
{
	char cmd[512];
	int st;

	snprintf(cmd, sizeof(cmd), "%s %s >/dev/null 2>&1", bin, args);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(int argc, char **argv)
{
	static const char *const bad[] = {
		"--vcpus 0", "--vcpus 257", "--vcpus x", "--duration 0",
		"--duration 1.2.3", "--duration -1", "--profile nope", "--pin 1-0",
		"--pin a", "--pin 0,", "--rate 0", "--run-us 0", "--bogus",
		"--name", "extra", "--rethread-ms x", "--rethread-ms -1",
		"--rethread-ms 5000", "--duration 1 --rethread-ms 1000",
		"--rethread-ms 1.5",
	};
	char buf[64];
	unsigned int i;

	printf("KTAP version 1\n1..%zu\n", 24 + (argc > 1 ? 2 + sizeof(bad) / sizeof(bad[0]) : 0));
	check(wl_json_get(sample, "pid", -1) == 1234, "top-level pid");
	check(wl_json_get(sample, "duration_ns", -1) == 5000000000ll, "64-bit value");
	check(wl_json_get(sample, "max_rate", -1) == 24691, "key after the vcpu array");
	check(wl_json_get(sample, "progress", 0) == 123456, "vcpu[0].progress");
	check(wl_json_get(sample, "rate", 1) == -5, "negative value");
	check(wl_json_get(sample, "lat_p99_ns", 1) == 7, "vcpu[1] last key");
	check(wl_json_get(sample, "rate", 2) == WL_JSON_MISSING, "vcpu index out of range");
	check(wl_json_get(sample, "progress", -1) == WL_JSON_MISSING, "vcpu key not at top");
	check(wl_json_get(sample, "nope", -1) == WL_JSON_MISSING, "missing key");
	check(wl_json_get(sample, "name", -1) == WL_JSON_MISSING, "string is not a number");
	check(wl_json_vcpus(sample) == 2, "vcpu count");
	check(wl_json_get_str(sample, "name", -1, buf, sizeof(buf)) == 4 &&
	      !strcmp(buf, "we\"b"), "escaped string");
	check(wl_json_get_str(sample, "profile", -1, buf, sizeof(buf)) == 4 &&
	      !strcmp(buf, "spin"), "string value");
	check(wl_json_get("{\"error\":\"x\"}", "rate", 0) == WL_JSON_MISSING, "error line");

	check(wl_json_get(rethread, "threads", 0) == 2, "vcpu[0].threads");
	check(wl_json_get(rethread, "old_tid", 0) == 4243, "vcpu[0].old_tid");
	check(wl_json_get(rethread, "tid", 0) == 4250, "vcpu[0].tid after old_tid");
	check(wl_json_get_opt(rethread, "threads", 1) == 1 &&
	      wl_json_get_opt(rethread, "old_tid", 1) == 0, "vcpu[1] not handed over");
	check(wl_json_get_opt(rethread, "progress", 1) == 11, "optional read of a present key");
	check(wl_json_get_opt(sample, "threads", 1) == 0 &&
	      wl_json_get_opt(sample, "old_tid", 0) == 0, "threads, old_tid absent: 0");
	check(wl_json_get(sample, "threads", 0) == WL_JSON_MISSING, "absent threads: missing");
	check(wl_json_get_opt(sample, "threads", 2) == WL_JSON_MISSING, "optional, index out of range");
	check(wl_json_get_opt("{\"error\":\"x\"}", "threads", 0) == WL_JSON_MISSING &&
	      wl_json_get_opt("{\"error\":\"x\"}", "old_tid", -1) == WL_JSON_MISSING,
	      "optional, error line");
	check(wl_json_get_opt(sample, "name", -1) == WL_JSON_MISSING, "optional, string value");

	if (argc > 1) {
		check(run_status(argv[1], "--help") == 0, "--help exits 0");
		check(run_status(argv[1], "--json --bogus") == 2, "--json --bogus exits 2");
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char what[96];

			snprintf(what, sizeof(what), "\"%s\" exits 2", bad[i]);
			check(run_status(argv[1], bad[i]) == 2, what);
		}
	}
	/* the summary line make check counts */
	printf("%d passed, %d failed\n", nr_test - nr_failed, nr_failed);
	return nr_failed != 0;
}
