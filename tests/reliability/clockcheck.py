"""Shared parts of the clock-fault tests (test_clock_step.py, test_hog.py).

A small event with one long-enough speaker, and the reading of the
console's PODIUM_TRACE: each timer wake-up while a countdown runs writes
`tick_late_ms L remaining_ms R` (src/loop-chair.c), from which the
displayed countdown values and how late each was drawn are recovered.
"""
import json
import os
import time

from podiumtest import Console, check, state, wait_until


def write_event(path, seconds):
    """An event whose first segment has one speaker of `seconds`."""
    ev = {"format": "podium-event/1", "id": "clock-faults",
          "title": "Clock faults", "date": "2020-12-04",
          "utc_offset": "+01:00", "start": "13:30", "end": "15:30",
          "languages": ["en", "fr"],
          "defaults": {"speaker_s": 180, "warning_s": 5, "danger_s": 2},
          "segments": [
              {"title": "Countdown", "minutes": 100, "speakers": [
                  {"name": "Runner", "lang": "en", "seconds": seconds}]},
              {"title": "After", "minutes": 20, "speakers": []}]}
    with open(path, "w") as f:
        json.dump(ev, f)


def start_running(c, db):
    """Open the first segment and start its speaker's countdown."""
    c.wait_for("LIVE", 20)
    c.keys("]")
    wait_until(lambda: state(db)["speaker"] is not None, 10,
               "the speaker to be current")
    c.keys("Space")
    return wait_until(lambda: (lambda s: s if s["speaker"]["running"]
                               else None)(state(db)), 10,
                      "the countdown to run")


def shown(rem):
    """The displayed countdown as signed seconds (5 = 0:05, -2 = +0:02),
    by the same boundaries as the trace's lateness."""
    if rem > 0:
        return -(-rem // 1000)
    return -((-rem) // 1000)


def trace_ticks(path, start=0):
    """(late_ms, remaining_ms) of every countdown wake-up after offset."""
    out = []
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read().decode()
    for line in data.splitlines():
        p = line.split()
        if len(p) == 4 and p[0] == "tick_late_ms":
            out.append((int(p[1]), int(p[3])))
    return out


def seconds_report(ticks):
    """Per displayed second, the lateness of the wake-up that first drew
    it; the values seen; how many were skipped. The first value is left
    out (its wake-up may predate the window)."""
    firsts, values, skipped = [], [], 0
    head = None
    for late, rem in ticks:
        v = shown(rem)
        if head is None:
            head = v
            values.append(v)
            continue
        if v == values[-1]:
            continue
        if v > values[-1]:
            skipped += 1000      # backwards: counted as a failure too
        else:
            skipped += values[-1] - v - 1
        values.append(v)
        firsts.append(late)
    return firsts, values, skipped


def pct(values, p):
    """The p-th percentile (nearest rank) of values."""
    if not values:
        return 0
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(p / 100 * len(v))) - 1))]


def trace_size(path):
    """Bytes in the trace so far (0 if none yet)."""
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def watch(c, seconds):
    """Let the console run for a measuring window, checking it lives."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(min(1.0, max(0.0, end - time.monotonic())))
        check("[podium exited" not in c.screen(), "the console died")


__all__ = ["Console", "write_event", "start_running", "shown",
           "trace_ticks", "seconds_report", "pct", "trace_size", "watch"]
