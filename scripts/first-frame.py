#!/usr/bin/env python3
"""Time from starting `mstui --demo` in a pseudo-terminal to its first frame and to the first
frame that shows the diagnosis (a measurement, not a test).

Usage: scripts/first-frame.py [RUNS] [BINARY]   (default 5 runs, target/release/mstui)
Prints the minimum and median of each over the runs. Needs only Python 3 on Linux.
"""
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import sys
import termios
import time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
BINARY = sys.argv[2] if len(sys.argv) > 2 else "target/release/mstui"
# Drawn text (escape sequences removed): every frame has the step pane's title; the diagnosed
# one names the seed's rule.
FIRST = b"Step 1"
DIAGNOSED = b"F15"


def once():
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.environ["LANG"] = "C"
        os.execv(BINARY, [BINARY, "--demo"])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    seen = b""
    first = diagnosed = None
    deadline = start + 10
    while time.monotonic() < deadline and diagnosed is None:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        seen += chunk
        plain = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", seen)
        now = time.monotonic() - start
        if first is None and FIRST in plain:
            first = now
        if DIAGNOSED in plain:
            diagnosed = now
    os.write(fd, b"q")
    time.sleep(0.1)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)
    return first, diagnosed


def ms(values):
    values = [v * 1000 for v in values if v is not None]
    if not values:
        return "not seen"
    return f"min {min(values):.0f} ms, median {statistics.median(values):.0f} ms"


results = [once() for _ in range(RUNS)]
print(f"mstui --demo at 120x40, {RUNS} runs")
print(f"  first frame:            {ms([r[0] for r in results])}")
print(f"  first frame with F15:   {ms([r[1] for r in results])}")
