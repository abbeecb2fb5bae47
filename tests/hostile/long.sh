#!/bin/sh
# The long hostile runs (docs/RELIABILITY.md, "Hostile input and terminal
# abuse"): the same tests as `meson test --suite hostile`, scaled up with
# PODIUM_HOSTILE_LONG=1 -- 1 GB registration files (rows skipped, bad,
# one question in a thousand, and a runaway quote), 1,000 resizes a second
# for a minute (tmux and a pty of its own), eight 10 MB intake lines at
# once. About 15 minutes on two cores; needs ~1.2 GB free in $TMPDIR.
#
# usage: tests/hostile/long.sh [BUILD_DIR]     (default: build)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build}" && pwd)
PODIUM="$build/podium"
PEAK_RSS="$build/tests/hostile/peak-rss"
PYTHONPATH="$here/../e2e:$here"
PODIUM_DATADIR="$here/../../sample-data"
LC_ALL=C.UTF-8
PODIUM_HOSTILE_LONG=1
export PODIUM PEAK_RSS PYTHONPATH PODIUM_DATADIR LC_ALL PODIUM_HOSTILE_LONG
for t in files terminal lines; do
	echo "== test_$t.py (long)"
	python3 "$here/test_$t.py"
done
