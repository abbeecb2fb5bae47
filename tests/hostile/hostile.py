"""Shared helpers of the hostile-input and terminal-abuse tests.

Data flow: the tests send hostile text (HOSTILE_TEXTS, HOSTILE_NAMES) to a
console through its intake socket or `podium import`, capture the bytes the
console writes to its terminal (tmux pipe-pane into a file, or a pty this
module opens itself, PtyConsole), and hand that byte stream to
stream_problems(), which says what in it a terminal would have obeyed that
ncurses does not send for drawing. Screens are compared in display cells
with cells(), which asks the C library's wcwidth (the one ncurses and tmux
use on this machine) through ctypes.

Also here: the peak memory (VmHWM) and CPU time of a process from /proc,
an intake connection, and the pty console with its own window size
(0x0 is possible there, unlike in tmux).
"""
import ctypes
import ctypes.util
import fcntl
import json
import os
import pty
import re
import select
import signal
import socket
import struct
import subprocess
import tempfile
import termios
import threading
import time

from podiumtest import PODIUM, check, fail, wait_until

# ---------------------------------------------------------------- corpora

# Question texts: every kind of terminal control and awkward script. Each
# begins with a plain tag so that the test can find its row on screen.
COMBINING_300 = "Z" + "\u0301" * 300
HOSTILE_TEXTS = [
    "CLS clear \x1b[2J\x1b[H\x1b[3J screen",
    "TITLE \x1b]0;pwned title\x07 and \x1b]2;again\x1b\\ set",
    "CLIP \x1b]52;c;cm0gLXJmIH4K\x07 clipboard",
    "DSR \x1b[6n \x1b[c \x1b[>c \x1b[5n status",
    "DCS \x1bP1$qm\x1b\\ \x1bPtmux;\x1b\x1b]0;passthru\x07\x1b\\ done",
    "APC \x1b_app\x1b\\ PM \x1b^pm\x1b\\ SOS \x1bXsos\x1b\\ end",
    "RIS \x1bc \x1b#8 \x1b(0lqqk\x1b(B \x1b[?1049l \x1b[?25l \x1b[8m hidden",
    "C1U \u0080\u0085\u008d\u008e\u0090\u009b6n\u009d0;c1\u009c\u009f end",
    "DEL \x7f\x7f BS \x08\x08 BEL \x07\x07 VT \x0b FF \x0c SO \x0e SI \x0f",
    "BIDI \u202eevil\u202c \u202dlro\u202c \u2066iso\u2069 "
    "\u2067r\u2069 \u2068f\u2069 \u200e\u200f\u061c end",
    "ZW a\u200bb\u200cc\u200dd\u2060e\ufeff\u180e\u2062f\ufff9g\ufffbh",
    "TAG x\U000E0001\U000E0041\U000E0042\U000E007F "
    "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074"
    "\U000E007F flag",
    "COMB " + COMBINING_300 + " after",
    "EMOJI \U0001F469\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466 "
    "\U0001F468\U0001F3FD\u200d\U0001F4BB \U0001F3F3\ufe0f\u200d"
    "\U0001F308 \u2764\ufe0f \U0001F1EB\U0001F1F7 end",
    "CJK \u8d44\u91d1\u7684\u53ef\u6301\u7eed\u6027\u5982\u4f55\u4fdd"
    "\u8bc1\uff1f \u65e5\u672c\u8a9e \ud55c\uad6d\uc5b4 end",
    "ARABIC \u0643\u064e\u064a\u0652\u0641\u064e \u064a\u064f\u0645"
    "\u0652\u0643\u0650\u0646\u064f \u0636\u064e\u0645\u064e\u0627"
    "\u0646\u064f \u062a\u064e\u0645\u0652\u0648\u0650\u064a\u0644"
    "\u064d\u061f end",
    "WS line1\nline2\r\n\tTAB \r CR end",
    "WIDE " + "\U0001F600" * 40 + " " + "\u6f22" * 40 + " end",
]
PLAIN_TEXT = "PLAIN a quite ordinary question about regional funds"

# Names and organisations: at most 200 bytes each (SPEC section 4 limits
# the question's text only; the model limits names to 200 bytes).
HOSTILE_NAMES = [
    ("N-OSC \x1b]0;name\x07\x1b]52;c;eA==\x07", "ORG \x1b[2J\x1b[6n"),
    ("N-C1 \u009b31m\u009d2;t\u009c", "ORG-BIDI \u202eevil\u202c\u2066x"),
    ("N-COMB e" + "\u0301" * 90, "ORG-TAG \U000E0041\U000E0042\u200b"),
    ("N-EMOJI \U0001F469\u200d\U0001F469\u200d\U0001F467 \u2764\ufe0f",
     "ORG-CJK \u8d44\u91d1\u7684\u53ef\u6301\u7eed"),
    ("N-AR \u0643\u064e\u064a\u0652\u0641\u064e", "ORG \x7f\x08\x07\x1bc"),
]
PLAIN_NAME = ("N-PLAIN Jane Doe", "ORG-PLAIN Ministry")

# Code points that must never reach a terminal as themselves.
def _forbidden_cp(cp):
    return (cp < 0x20 or 0x7F <= cp <= 0x9F or cp in (0x061C, 0x180E) or
            0x200B <= cp <= 0x200F or 0x202A <= cp <= 0x202E or
            0x2060 <= cp <= 0x2064 or 0x2066 <= cp <= 0x206F or
            cp == 0xFEFF or 0xFFF9 <= cp <= 0xFFFB or
            0xE0000 <= cp <= 0xE007F)


# ------------------------------------------------------------ the stream

# What ncurses sends for drawing (terminfo of tmux-256color / xterm):
# CSI sequences with these final bytes (cursor moves, erase, insert and
# delete, scroll region, SGR, modes), the charset switches ESC ( x and
# ESC ) x, keypad modes ESC = and ESC >, save / restore cursor ESC 7 / 8,
# and index / reverse index ESC D / ESC M / next line ESC E.
CSI_FINALS = set("@ABCDEFGHJKLMPSTXZ`abdefghlmrs")
CSI_RE = re.compile(rb"\x1b\[([0-?]*)([ -/]*)([@-~])")
ESC_OK_2 = set(b"=>78DEM")
C0_OK = set(b"\r\n\x08\x0e\x0f")  # SO/SI: ncurses' charset switch


def stream_problems(data, bells_allowed=0, max_report=20):
    """What in a terminal byte stream is not ncurses drawing, as sentences.

    Checks: the stream is UTF-8 (so no raw C1 byte), decodes to no C1 or
    invisible/bidi code point, has no C0 control but ESC CR LF BS (and BEL
    up to bells_allowed), and every ESC starts one of the drawing
    sequences listed above: no OSC, DCS, APC, PM, SOS, no device status or
    attribute request, no title, no reset.
    """
    problems = []

    def bad(msg, pos):
        if len(problems) < max_report:
            ctx = data[max(0, pos - 24):pos + 24]
            problems.append("%s at byte %d (around %r)" % (msg, pos, ctx))

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        bad("not UTF-8 (%s)" % e.reason, e.start)
        text = data.decode("utf-8", errors="replace")
    bells = 0
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b == 0x1B:
            nxt = data[i + 1] if i + 1 < n else None
            if nxt == ord("["):
                m = CSI_RE.match(data, i)
                if m is None:
                    bad("unterminated or malformed CSI", i)
                    i += 2
                    continue
                params, inter, final = m.group(1), m.group(2), m.group(3)
                final = final.decode()
                if inter or final not in CSI_FINALS:
                    bad("CSI %r%r%s is not a drawing sequence" % (
                        params, inter, final), i)
                elif final in "hl" and not params.startswith(b"?") and \
                        params not in (b"4", b"34", b"20"):
                    bad("CSI %r%s sets an unexpected mode" % (params, final),
                        i)
                i = m.end()
                continue
            if nxt in (ord("("), ord(")")) and i + 2 < n:
                i += 3
                continue
            if nxt is not None and nxt in ESC_OK_2:
                i += 2
                continue
            names = {ord("]"): "OSC", ord("P"): "DCS", ord("_"): "APC",
                     ord("^"): "PM", ord("X"): "SOS", ord("c"): "RIS",
                     ord("#"): "DEC line/alignment"}
            bad("ESC %s (%s)" % (chr(nxt) if nxt else "at end",
                                 names.get(nxt, "not drawing")), i)
            i += 2
            continue
        if b == 0x07:
            bells += 1
            if bells > bells_allowed:
                bad("BEL", i)
        elif b < 0x20 and b not in C0_OK:
            bad("C0 control 0x%02x" % b, i)
        elif b == 0x7F:
            bad("DEL", i)
        i += 1
    for k, ch in enumerate(text):
        cp = ord(ch)
        if cp >= 0x80 and _forbidden_cp(cp):
            bad("code point U+%04X" % cp, len(text[:k].encode()))
    return problems


def check_stream(data, what, bells_allowed=0):
    """Fail if the byte stream holds anything but ncurses drawing."""
    p = stream_problems(data, bells_allowed)
    check(not p, "%s: %d problem(s) in %d bytes:\n  %s" % (
        what, len(p), len(data), "\n  ".join(p)))


# ------------------------------------------------------------ cell widths

_libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
_libc.wcwidth.argtypes = [ctypes.c_wchar]
_libc.wcwidth.restype = ctypes.c_int
_LC_CTYPE = 0
_libc.setlocale.restype = ctypes.c_char_p
_libc.setlocale.argtypes = [ctypes.c_int, ctypes.c_char_p]
if _libc.setlocale(_LC_CTYPE, b"C.UTF-8") is None:
    fail("the C.UTF-8 locale is missing: cannot measure cells")


def cells(s):
    """Display cells of a screen line as ncurses and tmux count them."""
    total = 0
    for ch in s:
        w = _libc.wcwidth(ch)
        total += w if w > 0 else 0
    return total


def pane_rows(screen):
    """Lines of the screen, without the trailing empty one."""
    return screen.rstrip("\n").split("\n")


def bar_columns(line):
    """Display columns of every vertical border in a line."""
    cols, x = [], 0
    for ch in line:
        if ch == "\u2502":
            cols.append(x)
        x += max(_libc.wcwidth(ch), 0)
    return tuple(cols)


def check_aligned(screen, cols, what):
    """Every boxed line is cols cells wide, with its borders in line.

    Lines of one box region (from a top border to its bottom border) must
    have their vertical borders at the same columns, whatever text they
    hold; the id column of the questions list ends at the same column on
    every question row.
    """
    lines = pane_rows(screen)
    region = None
    id_ends = set()
    for k, line in enumerate(lines):
        if not line:
            continue
        first = line[0]
        if first in "\u250c\u2514":         # a box's top or bottom border
            check(cells(line) == cols, "%s: line %d is %d cells, not %d:"
                  "\n%s" % (what, k, cells(line), cols, line))
            region = None if first == "\u2514" else []
            continue
        if first != "\u2502":
            continue
        check(cells(line) == cols and line.endswith("\u2502"),
              "%s: line %d is %d cells, not %d (or its right border moved):"
              "\n%s" % (what, k, cells(line), cols, line))
        bars = bar_columns(line)
        # Rows across the whole pane (the on-air bar) have only its sides.
        if region is not None and bars != (0, cols - 1):
            if region and bars != region[0][1]:
                check(False, "%s: borders of line %d at %r, of line %d at "
                      "%r:\n%s\n%s" % (what, k, bars, region[0][0],
                                       region[0][1], lines[region[0][0]],
                                       line))
            region.append((k, bars))
        # A question row: " new  #37 ..." (or ">new" when selected).
        body = line[1:]
        if body[:1] in (" ", ">") and "#" in body[:16] and \
                body[1:4] in ("new", "app", "AIR", "ans", "dis"):
            j = body.index("#")
            end = j
            while end + 1 < len(body) and body[end + 1].isdigit():
                end += 1
            id_ends.add(1 + cells(body[:end + 1]))
    check(len(id_ends) <= 1, "%s: the id column ends at %r:\n%s" % (
        what, sorted(id_ends), screen))



# A sanitizer build keeps freed memory in quarantine and adds shadow
# memory: its peaks say nothing about podium's, so they are printed but
# not checked there.
def _sanitized():
    try:
        with open(PODIUM, "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


SANITIZED = _sanitized()


def check_memory(cond, msg):
    """Check a memory bound, except in a sanitizer build."""
    if SANITIZED:
        if not cond:
            print("(sanitizer build, not checked) " + msg)
        return
    check(cond, msg)


# ------------------------------------------------------------ processes

def proc_status(pid, field):
    """A field of /proc/PID/status in kB (e.g. VmHWM), or None if gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_ticks(pid):
    """utime + stime of a process in clock ticks, or None if it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    fields = s[s.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


TICK_S = 1.0 / os.sysconf("SC_CLK_TCK")


def cpu_share(pid, seconds):
    """Share of one CPU pid used over the next seconds (None if it ended)."""
    a = cpu_ticks(pid)
    t0 = time.monotonic()
    time.sleep(seconds)
    b = cpu_ticks(pid)
    if a is None or b is None:
        return None
    return (b - a) * TICK_S / (time.monotonic() - t0)


def alive(pid):
    """Whether pid exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return False
    return s[s.rindex(")") + 2] != "Z"


PEAK_RSS = os.environ.get("PEAK_RSS", "peak-rss")


def peak_rss_kb(args, env=None, timeout=600):
    """Run podium args; return (rc, stdout, stderr, its peak RSS in kB).

    The peak comes from tests/hostile/peak-rss.c (wait4's ru_maxrss),
    which forks podium from a small process rather than from this one.
    """
    e = dict(os.environ)
    e.update(env or {})
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.run([PEAK_RSS, PODIUM] + args, stdout=out, stderr=err,
                           env=e, timeout=timeout)
        out.seek(0)
        err.seek(0)
        o = out.read().decode(errors="replace")
        e2 = err.read().decode(errors="replace")
    m = re.search(r"peak_rss_kb (\d+)\n$", e2)
    if m is None:
        fail("peak-rss gave no figure: %r" % e2[-300:])
    return p.returncode, o, e2[:m.start()], int(m.group(1))


# ------------------------------------------------------------ intake

class Intake:
    """One connection to a console's intake socket."""

    def __init__(self, db, timeout=20):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(db + ".intake.sock")
        self.s.settimeout(timeout)
        self.f = self.s.makefile("rb")

    def ask(self, obj):
        """Send one request (object or raw bytes); return its reply."""
        data = obj if isinstance(obj, bytes) else \
            json.dumps(obj).encode()
        self.s.sendall(data + b"\n")
        line = self.f.readline()
        check(line.endswith(b"\n"), "a reply line, got %r" % line[:200])
        return json.loads(line)

    def close(self):
        self.f.close()
        self.s.close()


def wait_socket(db, timeout=5):
    """Wait until the console's intake socket exists."""
    wait_until(lambda: os.path.exists(db + ".intake.sock"), timeout,
               "the intake socket")


# ------------------------------------------------------------ own pty

class PtyConsole:
    """podium on a pty this test opens, with its output read into a buffer.

    The pty is podium's controlling terminal (it is a session leader), so
    closing the master is what an SSH drop does to it: the kernel hangs
    the terminal up and sends SIGHUP.
    """

    def __init__(self, args, cols=120, rows=40, env=None, workdir=None,
                 leader=True):
        self.master, self.slave = pty.openpty()
        self.set_size(cols, rows, signal_it=False)
        e = dict(os.environ)
        e.update({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                  "TERM": "tmux-256color"})
        if workdir is not None:
            e["XDG_DATA_HOME"] = workdir.path
        e.update(env or {})
        self.buf = bytearray()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.paused = threading.Event()  # a terminal that stops reading
        slave = self.slave

        def child_setup():
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

        if leader:
            argv = [PODIUM] + args
        else:
            # A shell leads the session and ignores the hangup, as a
            # `nohup`-ed or otherwise shielded parent would: podium then
            # sees only the dead terminal, no SIGHUP.
            argv = ["sh", "-c", 'trap "" HUP; "$0" "$@"; exit $?', PODIUM] + \
                args
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave,
                                     stderr=slave, env=e, close_fds=True,
                                     preexec_fn=child_setup)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        # poll with a timeout rather than block in read(): a close() of the
        # master by another thread takes effect only once no read holds it.
        p = select.poll()
        p.register(self.master, select.POLLIN)
        while not self.stopping.is_set():
            if self.paused.is_set() or not p.poll(20):
                time.sleep(0.02 if self.paused.is_set() else 0)
                continue
            try:
                d = os.read(self.master, 65536)
            except OSError:
                return
            if not d:
                return
            with self.lock:
                self.buf += d

    def data(self):
        """Every byte podium has written so far."""
        with self.lock:
            return bytes(self.buf)

    def mark(self):
        """Where the output is now, for output_since()."""
        with self.lock:
            return len(self.buf)

    def output_since(self, mark):
        """Bytes written after mark."""
        with self.lock:
            return bytes(self.buf[mark:])

    def wait_output(self, needle, timeout=10, since=0):
        """Wait until bytes needle have been written after since."""
        if isinstance(needle, str):
            needle = needle.encode()
        wait_until(lambda: needle in self.output_since(since), timeout,
                   "%r in the pty output" % needle)

    def set_size(self, cols, rows, signal_it=True):
        """Set the pty's window size (0x0 allowed) and send SIGWINCH."""
        fcntl.ioctl(self.master, termios.TIOCSWINSZ,
                    struct.pack("HHHH", rows, cols, 0, 0))
        if signal_it:
            # The kernel signals the foreground process group itself; this
            # only makes sure even a size that did not change is seen.
            self.proc.send_signal(signal.SIGWINCH)

    def pid(self):
        """Pid of podium (when it leads its session) or of its shell."""
        return self.proc.pid

    def podium_pid(self):
        """Pid of the podium process itself."""
        def find():
            if os.path.basename(os.readlink(
                    "/proc/%d/exe" % self.proc.pid)) == "podium":
                return self.proc.pid
            p = subprocess.run(["pgrep", "-P", str(self.proc.pid)],
                               capture_output=True, text=True)
            kids = p.stdout.split()
            return int(kids[0]) if kids else None
        return wait_until(find, 5, "the podium process")

    def send(self, data):
        """Type bytes on the terminal."""
        os.write(self.master, data.encode() if isinstance(data, str)
                 else data)

    def termios(self):
        """The terminal's current attributes (read on the slave side)."""
        return termios.tcgetattr(self.slave)

    def pause(self, on):
        """Stop (on) or go on (off) reading podium's output, as a stalled
        terminal or SSH link would."""
        if on:
            self.paused.set()
        else:
            self.paused.clear()

    def stop_reading(self):
        """Stop the reader thread (the output so far stays in data())."""
        self.stopping.set()
        self.reader.join(5)

    def hang_up(self):
        """Close the master: the terminal is gone, as on an SSH drop."""
        self.stop_reading()
        os.close(self.master)
        self.master = -1

    def wait_exit(self, timeout=10):
        """Wait for the process; return its exit status (None: still on)."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def close(self):
        """Kill podium if it still runs and close the pty."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self.stop_reading()
        for fd in (self.master, self.slave):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.master = self.slave = -1


def tput(cap, term="tmux-256color"):
    """The bytes of a terminfo capability (e.g. rmcup, cnorm)."""
    p = subprocess.run(["tput", "-T", term, cap], capture_output=True)
    return p.stdout
