#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host test of report.py: a run folder made up here goes through the
report, and its tables, captions and results.json are checked.

    python3 report_test.py      (make -C selftests/bench host-test)
"""
import json
import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

COMMIT = "0123456789abcdef0123456789abcdef01234567"
KERNEL = "6.12.117+deb12-amd64"
FAIR = {"slice": 10000000, "period": 100000000}
RR = {"slice": 10000000}
BVT = {"ctx_allow": 5000000, "slice": 30000000}
UNITS = {"slice": "ns", "period": "ns", "ctx_allow": "ns"}


def lat(policy, params, p99_ms, wakeups, missed, warp=0, rep=0):
    return {"bench": "latency", "kernel": KERNEL, "policy": policy, "rep": rep,
            "spinners": 3, "pcpus": 1, "params": params,
            "param_units": {k: UNITS[k] for k in params}, "warp_ns": warp,
            "period_ns": 1000000, "p50_ns": 250000, "p90_ns": 1000000,
            "p99_ns": int(p99_ms * 1e6), "max_ns": int(2 * p99_ms * 1e6),
            "missed_periods": missed, "wakeups": wakeups, "overruns": 0,
            "duration_ns": 6000000000, "lat_hist": [[245760, wakeups]]}


ROWS = [
    lat("host", {}, 5.0, 5400, 600),
    lat("fair", FAIR, 20.0, 1200, 4800),
    lat("rr", RR, 90.0, 66, 5934),
    lat("bvt", BVT, 40.0, 600, 5400),
    lat("bvt", BVT, 6.0, 3000, 3000, warp=20000000),
    lat("bvt", BVT, 8.0, 3600, 2400, warp=20000000, rep=1),
    {"bench": "share", "kernel": KERNEL, "policy": "fair", "rep": 0, "pcpus": 1,
     "params": dict(FAIR, slice=30000000), "param_units": UNITS, "err": 0.01,
     "run_err": 0.005, "vm_params": {"weight": [256, 512, 1024]}},
    {"bench": "swap", "kernel": KERNEL, "policy": "fair,rr,bvt", "rep": 0, "vcpus": 8,
     "swaps": 1000, "params": {"fair": FAIR, "rr": RR, "bvt": BVT},
     "param_units": {"fair": UNITS, "rr": UNITS, "bvt": UNITS}, "live_p50_ns": 80000,
     "live_max_ns": 9000000, "swap_p50_ns": 25000000, "swap_max_ns": 60000000,
     "stall_max_ms": 100, "baseline_stall_max_ms": 100, "watchdog_events": 0,
     "interval_ms": 50},
]


class ReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        out = cls.tmp.name
        with open(os.path.join(out, "machine.txt"), "w") as f:
            f.write(f"commit={COMMIT}\ndate=2026-11-29T00:00:00Z\nquick=0\nfailed=\n")
        with open(os.path.join(out, f"raw-{KERNEL}.jsonl"), "w") as f:
            for r in ROWS:
                f.write(json.dumps(r) + "\n")
            f.write('{"bench":"latency","kernel":"cut by the con\n')
        sys.argv = ["report.py", out]
        report.main()
        with open(os.path.join(out, "results.md")) as f:
            cls.md = f.read()
        with open(os.path.join(out, "results.json")) as f:
            cls.json = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def row(self, name):
        """The cells of the latency table's row @name (N = 3)."""
        for line in self.md.splitlines():
            cells = [c.strip() for c in line.strip("|").split("|")]
            if cells[:2] == ["3", name]:
                return cells[2:]
        self.fail(f"no latency row {name!r} in\n{self.md}")

    def test_full_commit(self):
        self.assertEqual(self.json["machine"]["commit"], COMMIT)
        self.assertIn(f"commit {COMMIT}", self.md)

    def test_latency_columns(self):
        self.assertIn("| N |  | host | fair | rr | bvt | bvt warp |", self.md)
        # bvt without warp and with it are separate columns; warp: 2 repeats
        self.assertEqual(self.row("p99"), ["5.00", "20.00", "90.00", "40.00",
                                           "7.00 [6.00-8.00]"])

    def test_rates(self):
        self.assertEqual(self.row("wake-ups/s"), ["900", "200", "11", "100", "550 [500-600]"])
        self.assertEqual(self.row("missed periods/s"),
                         ["100", "800", "989", "900", "450 [400-500]"])

    def test_captions_name_parameters(self):
        lat_caption = next(line for line in self.md.splitlines()
                           if line.startswith("Wake-to-run latency"))
        self.assertIn("Parameters: fair slice=10ms period=100ms; rr slice=10ms; "
                      "bvt ctx_allow=5ms slice=30ms", lat_caption)
        self.assertIn("warp 20ms for the latency VM", lat_caption)
        self.assertIn("period counts as a sample at least one period long", lat_caption)
        share_caption = next(line for line in self.md.splitlines()
                             if line.startswith("Share accuracy"))
        self.assertIn("Parameters: fair slice=30ms period=100ms", share_caption)
        swap_caption = next(line for line in self.md.splitlines()
                            if line.startswith("Live swaps"))
        self.assertIn("Parameters: fair slice=10ms period=100ms; rr slice=10ms; "
                      "bvt ctx_allow=5ms slice=30ms", swap_caption)

    def test_param_formats(self):
        self.assertEqual(report.fmt_param(30000000, "ns"), "30ms")
        self.assertEqual(report.fmt_param(2000000000, "ns"), "2s")
        self.assertEqual(report.fmt_param(1500000, "ns"), "1500us")
        self.assertEqual(report.fmt_param(1, "ns"), "1ns")
        self.assertEqual(report.fmt_param(25, "%"), "25%")
        self.assertEqual(report.fmt_param(7, ""), "7")

    def test_differing_parameters_shown(self):
        rs = [dict(ROWS[1]), dict(ROWS[1], params=dict(FAIR, slice=30000000))]
        self.assertEqual(report.params_caption(rs),
                         ". Parameters: fair slice=10ms period=100ms or slice=30ms period=100ms")

    def test_rows_without_parameters(self):
        old = {k: v for k, v in ROWS[1].items() if k not in ("params", "param_units")}
        self.assertEqual(report.params_caption([old]), "")


if __name__ == "__main__":
    unittest.main(verbosity=1)
