#!/usr/bin/env python3
"""The wall clock stepped +-1 h while a countdown runs, in the real console.

The console runs under libfaketime (Debian package `faketime`) with a
timestamp file the test rewrites and FAKETIME_DONT_FAKE_MONOTONIC=1: only
CLOCK_REALTIME moves, as when an administrator or NTP steps the clock. The
header clock must follow each step (so the fault really reaches the
process), while the countdown -- computed from the monotonic clock
(src/clock.c) -- keeps to real elapsed time within 1 s (`podium state`),
its displayed seconds never skip nor go back (PODIUM_TRACE), and the bell
of "time up" rings exactly once (BEL bytes in the pane's output,
captured with tmux pipe-pane), although the clock is stepped back by 2 h
before the end and forward by 2 h in overtime.

Skipped (exit 77) when libfaketime is not installed.
"""
import datetime
import glob
import os
import re
import sys
import time

from clockcheck import (seconds_report, start_running, trace_size,
                        trace_ticks, write_event)
from podiumtest import Console, check, main, state, wait_until

SECONDS = 8          # the speaker's time
EVENT_OFFSET = datetime.timedelta(hours=1)   # GMT+1


def faketime_lib():
    """Path of libfaketime.so.1, or None."""
    for p in sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1") +
                    glob.glob("/usr/lib/faketime/libfaketime.so.1")):
        return p
    return None


def header_skew(c):
    """Seconds the header clock is ahead of true time, or None."""
    m = re.search(r"(\d\d):(\d\d):(\d\d) GMT\+1", c.screen())
    if m is None:
        return None
    now = datetime.datetime.now(datetime.timezone.utc) + EVENT_OFFSET
    shown = now.replace(hour=int(m.group(1)), minute=int(m.group(2)),
                        second=int(m.group(3)), microsecond=0)
    d = (shown - now).total_seconds()
    # The screen wraps at midnight: bring d into (-12 h, 12 h].
    while d > 43200:
        d -= 86400
    while d <= -43200:
        d += 86400
    return d


def step(c, rc_file, hours):
    """Set the console's wall clock to true time + hours; wait till shown."""
    with open(rc_file, "w") as f:
        f.write("%+dh\n" % hours if hours else "+0\n")
    want = hours * 3600
    wait_until(lambda: (lambda d: d is not None and abs(d - want) < 5)(
        header_skew(c)), 10, "the header clock %+d h" % hours)


def test(wd, consoles):
    lib = faketime_lib()
    if lib is None:
        print("SKIP: libfaketime not installed (Debian package faketime)")
        sys.exit(77)
    ev = os.path.join(wd.path, "event.json")
    trace = os.path.join(wd.path, "trace.txt")
    rc_file = os.path.join(wd.path, "faketime.rc")
    out = os.path.join(wd.path, "pane.bytes")
    with open(rc_file, "w") as f:
        f.write("+0\n")
    write_event(ev, SECONDS)
    asan = os.environ.get("ASAN_OPTIONS", "")
    env = {"LD_PRELOAD": lib, "FAKETIME_TIMESTAMP_FILE": rc_file,
           "FAKETIME_NO_CACHE": "1", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
           "PODIUM_TRACE": trace,
           # libfaketime is preloaded before a sanitizer build's runtime.
           "ASAN_OPTIONS": (asan + ":" if asan else "") +
           "verify_asan_link_order=0"}
    c = Console(["chair", "--event", ev, "--db", wd.db], 120, 40, env=env,
                workdir=wd)
    consoles.append(c)
    c.wait_for("LIVE", 20)
    c.tmux("pipe-pane", "-o", "-t", "t", "cat >> '%s'" % out)
    skew = wait_until(lambda: header_skew(c) is not None, 10,
                      "the header clock")
    check(abs(header_skew(c)) < 5, "the header clock starts true")
    del skew
    start = trace_size(trace)
    st = start_running(c, wd.db)
    t0 = time.monotonic()
    r0 = st["speaker"]["remaining_ms"]

    def countdown_right(what):
        """podium state's countdown against real elapsed time."""
        s = state(wd.db)["speaker"]
        want = r0 - (time.monotonic() - t0) * 1000
        check(abs(s["remaining_ms"] - want) <= 1000,
              "%s: countdown %d ms, real time says %d" % (
                  what, s["remaining_ms"], want))
        return s

    step(c, rc_file, +1)
    countdown_right("after +1 h")
    step(c, rc_file, -1)
    countdown_right("after -1 h")
    wait_until(lambda: state(wd.db)["speaker"]["remaining_ms"] < -1500,
               SECONDS + 10, "overtime")
    check("time is up" in c.screen(), "the console said time is up")
    step(c, rc_file, +1)
    s = countdown_right("+1 h in overtime")
    wait_until(lambda: state(wd.db)["speaker"]["remaining_ms"] < -3500, 10,
               "more overtime")
    s = countdown_right("at the end")
    check(s["running"] and s["stage"] == "overtime", "still in overtime")

    with open(out, "rb") as f:
        bells = f.read().count(b"\x07")
    check(bells == 1, "the bell rang %d times" % bells)
    firsts, values, skipped = seconds_report(trace_ticks(trace, start))
    check(skipped == 0, "displayed seconds skipped or went back: %r" %
          values)
    check(values[0] >= SECONDS - 1 and values[-1] <= -3,
          "the trace covers the countdown: %r" % values)
    print("clock-step: 3 steps of the wall clock (+1 h, -2 h, +2 h), "
          "%d displayed seconds, none skipped, max late %d ms, 1 bell" % (
              len(firsts), max(firsts, default=0)))


if __name__ == "__main__":
    main(test)
