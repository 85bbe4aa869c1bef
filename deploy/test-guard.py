#!/usr/bin/env python3
"""Runs the test command under a watchdog and checks that it leaves nothing running.

    deploy/test-guard.py --timeout SECONDS [--stall SECONDS] -- COMMAND [ARGS...]

The guard makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so every process the
tests start -- servers daemonised with setsid, browsers, plugin processes -- stays its
descendant even when its parent exits. It copies the command's output through, and reads the
Swift Testing (and XCTest) lines that say a test started or ended.

- A test running longer than --stall seconds is named once, with what it has running.
- Past --timeout the guard prints the tests still running and every process of the run (pid,
  parent, age, command line), ends them all (SIGTERM, SIGKILL after 5 s) and exits 124.
- When the command ends, any process of the run still alive after a 10 s grace period is
  printed, ended, and fails the run (exit 3) even if every test passed.

Otherwise the command's own exit status is returned.
"""

import argparse
import ctypes
import os
import re
import signal
import subprocess
import sys
import threading
import time

PR_SET_CHILD_SUBREAPER = 36
STARTED = re.compile(r"Test (?:Case )?(.+?) started(?:\.| at )")
# A parameterized test ends as "Test NAME with 3 test cases passed after ..."
ENDED = re.compile(r"Test (?:Case )?(.+?)(?: with \d+ test cases?)? (?:(?:passed|failed) (?:after|\()|skipped)")
# Lines for suites, for the run, and for one case of a parameterized test are not tests.
NOT_A_TEST = re.compile(r"Suite .+? (?:started|passed|failed|skipped)|Test run |Test case passing ")


def log(message):
    print(f"test-guard: {message}", file=sys.stderr, flush=True)


class RunningTests:
    """The tests that said they started and have not said they ended."""

    def __init__(self):
        self.lock = threading.Lock()
        self.started = {}  # name -> monotonic starts (names can repeat across suites)
        self.reported = set()

    def read(self, line):
        if NOT_A_TEST.search(line):
            return
        with self.lock:
            if m := STARTED.search(line):
                self.started.setdefault(m.group(1), []).append(time.monotonic())
            elif (m := ENDED.search(line)) and self.started.get(m.group(1)):
                self.started[m.group(1)].pop(0)

    def longer_than(self, seconds):
        now = time.monotonic()
        with self.lock:
            return sorted(
                ((now - t, name) for name, starts in self.started.items() for t in starts if now - t > seconds), reverse=True
            )

    def all(self):
        return self.longer_than(-1)


def processes():
    """pid -> (ppid, start ticks, command line) for every process."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            fields = stat[stat.rindex(")") + 2:].split()
            if fields[0] == "Z":
                continue
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
            table[int(entry)] = (int(fields[1]), int(fields[19]), command or stat[stat.index("(") : stat.rindex(")") + 1])
        except (OSError, ValueError, IndexError):
            continue
    return table


def descendants(root):
    table = processes()
    children = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, stack = [], list(children.get(root, []))
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return [(pid, table[pid]) for pid in sorted(found)]


def describe(found):
    ticks = os.sysconf("SC_CLK_TCK")
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    for pid, (ppid, start, command) in found:
        age = uptime - start / ticks
        print(f"  pid {pid} (parent {ppid}, {age:.0f} s): {command[:300]}", file=sys.stderr, flush=True)


def end_all(root):
    """SIGTERM every descendant, SIGKILL what is left after 5 s, and reap them."""
    for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 2.0)):
        found = descendants(root)
        if not found:
            return
        for pid, _ in found:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and descendants(root):
            reap()
            time.sleep(0.1)
    reap()


def reap():
    """Reaps exited children (orphans handed to us as subreaper); returns {pid: status}."""
    reaped = {}
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return reaped
        if pid == 0:
            return reaped
        reaped[pid] = status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, required=True, help="seconds the whole command may take")
    parser.add_argument("--stall", type=float, default=300, help="seconds after which a running test is named")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    command = options.command[1:] if options.command[:1] == ["--"] else options.command
    if not command:
        parser.error("no command given")

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        log(f"prctl(PR_SET_CHILD_SUBREAPER) failed: errno {ctypes.get_errno()}")
        return 2
    me = os.getpid()
    running = RunningTests()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def copy_output():
        for raw in child.stdout:
            sys.stdout.buffer.write(raw)
            sys.stdout.flush()
            running.read(raw.decode(errors="replace"))

    threading.Thread(target=copy_output, daemon=True).start()
    # SIGTERM/SIGINT to the guard end the whole run, like a timeout.
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())

    deadline = time.monotonic() + options.timeout
    status = None
    while status is None:
        reaped = reap()
        if child.pid in reaped:
            status = os.waitstatus_to_exitcode(reaped[child.pid])
            break
        for seconds, name in running.longer_than(options.stall):
            if name not in running.reported:
                running.reported.add(name)
                log(f"still running after {seconds:.0f} s: {name}")
        if stop.is_set() or time.monotonic() > deadline:
            why = "stopped by a signal" if stop.is_set() else f"the test run took more than {options.timeout:.0f} s"
            log(f"{why}; tests still running:")
            for seconds, name in running.all():
                print(f"  {name} ({seconds:.0f} s)", file=sys.stderr, flush=True)
            log("processes of the run:")
            describe(descendants(me))
            end_all(me)
            return 124
        time.sleep(0.5)

    grace = time.monotonic() + 10
    while descendants(me) and time.monotonic() < grace:
        reap()
        time.sleep(0.2)
    left = descendants(me)
    if left:
        log("processes the tests left running (ended now; the run fails):")
        describe(left)
        end_all(me)
        return status or 3
    log("no process of the run is left")
    return status


if __name__ == "__main__":
    sys.exit(main())
