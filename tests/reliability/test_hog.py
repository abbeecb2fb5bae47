#!/usr/bin/env python3
"""A CPU hog in the chair's loop: displayed seconds never skip, late < 100 ms.

The console runs with PODIUM_TEST_HOG_MS (default 30): every timer
wake-up first keeps the loop busy that long (src/loop-chair.c), as a slow
frame or a loaded machine would. A countdown runs through zero into
overtime while PODIUM_TRACE records each wake-up; the window's displayed
seconds must follow one another without a gap, and each must be drawn
less than 100 ms after the clock crossed it (90 % of them, and all with
--strict: a loaded machine may hold the process back now and then). The
trace also proves the hog ran (the median lateness is at least the hog).

Usage: test_hog.py [--seconds 30] [--hog-ms 30] [--strict]; the 10-minute
run is --seconds 600 --strict. Prints one JSON summary line.
"""
import argparse
import json
import os

from clockcheck import (pct, seconds_report, start_running, trace_size,
                        trace_ticks, watch, write_event)
from podiumtest import Console, check, main

# Lateness allowed for a displayed second (the bound).
LATE_MAX_MS = 100


def test(wd, consoles, args):
    """Run the window and check the trace."""
    ev = os.path.join(wd.path, "event.json")
    trace = os.path.join(wd.path, "trace.txt")
    # Into overtime for the window's last third.
    write_event(ev, max(10, args.seconds * 2 // 3))
    c = Console(["chair", "--event", ev, "--db", wd.db], 120, 40,
                env={"PODIUM_TEST_HOG_MS": str(args.hog_ms),
                     "PODIUM_TRACE": trace}, workdir=wd)
    consoles.append(c)
    start_running(c, wd.db)
    start = trace_size(trace)
    watch(c, args.seconds)
    firsts, values, skipped = seconds_report(trace_ticks(trace, start))
    res = {"seconds": args.seconds, "hog_ms": args.hog_ms,
           "displayed_seconds": len(firsts), "skipped": skipped,
           "first": values[0] if values else None,
           "last": values[-1] if values else None,
           "late_ms_median": pct(firsts, 50), "late_ms_p90": pct(firsts, 90),
           "late_ms_p99": pct(firsts, 99),
           "late_ms_max": max(firsts, default=0),
           "over_100ms": sum(1 for x in firsts if x >= LATE_MAX_MS)}
    print("hog: " + json.dumps(res), flush=True)
    check(len(firsts) >= args.seconds - 3, "too few displayed seconds: %d "
          "in %d s" % (len(firsts), args.seconds))
    check(skipped == 0, "%d displayed seconds skipped" % skipped)
    check(values[-1] < 0, "the countdown reached overtime")
    check(res["late_ms_median"] >= args.hog_ms,
          "the hog did not run (median lateness %d ms)" %
          res["late_ms_median"])
    # The bound is checked on the 90th percentile: on a loaded machine the
    # scheduler can hold the process back for a moment whatever it does;
    # the strict maximum is reported (over_100ms) and in docs/RELIABILITY.md.
    check(res["late_ms_p90"] < LATE_MAX_MS,
          "displayed seconds drawn late: 90%% within %d ms" %
          res["late_ms_p90"])
    check(res["late_ms_max"] < 1000, "a displayed second was drawn %d ms "
          "late" % res["late_ms_max"])
    if args.strict:
        check(res["late_ms_max"] < LATE_MAX_MS, "a displayed second was "
              "drawn %d ms late" % res["late_ms_max"])


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--hog-ms", type=int, default=30)
    ap.add_argument("--strict", action="store_true",
                    help="fail if any displayed second is 100 ms late")
    a = ap.parse_args()
    main(lambda wd, consoles: test(wd, consoles, a))
