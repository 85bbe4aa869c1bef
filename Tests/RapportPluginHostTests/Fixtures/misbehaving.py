#!/usr/bin/env python3
"""A plugin that misbehaves on purpose, for the host's tests.

    misbehaving.py MODE [STATE_FILE]

It shakes hands normally (id `bad`, command `go`, plus `ok`), then on `!go`:
    crash     exits with status 3
    hang      never answers
    garbage   writes lines that are not protocol messages, then answers
    flood     writes thousands of log lines as fast as it can
    oversize  writes one line of a megabyte
    spam      sends 50 replies to the channel
    crash-once  exits the first time (STATE_FILE remembers), answers later
    jobs      schedules 10,000 jobs, then answers "scheduled N, refused M: MESSAGE"
    store     stores 60 keys of 100 characters, then overwrites the first, and answers
              "stored N, refused M: MESSAGE; overwrite ok|refused"
    admin     store_set("admin/irc:test:mallory", a grant), answers "stored" or the error
`!ok` always answers "ok" (pid N). Modes that fail the handshake: no-manifest, wrong-id,
exit-at-start, banner (prints a non-JSON line before its manifest, then works).
Mode flood-forever writes log lines as fast as it can from the handshake on, until killed.
The manifest announces the id in RAPPORT_PLUGIN_ID.
"""
import json
import os
import sys
import time

mode = sys.argv[1]
state = sys.argv[2] if len(sys.argv) > 2 else None


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def answers(count):
    """Reads the bot's next `count` answers (result or error lines); returns the errors."""
    errors = []
    while count > 0:
        message = json.loads(sys.stdin.readline())
        if message["type"] in ("result", "error") and message.get("id") is not None:
            count -= 1
            if message["type"] == "error":
                errors.append(message)
    return errors


def tally(what, total, errors):
    last = errors[-1]["code"] + " " + errors[-1]["message"] if errors else "none"
    return f"{what} {total - len(errors)}, refused {len(errors)}: {last}"


if mode == "exit-at-start":
    sys.exit(1)
hello = json.loads(sys.stdin.readline())
if mode == "no-manifest":
    time.sleep(60)
if mode == "banner":
    sys.stdout.write("Starting up, version 1.0!\n")
send({"type": "manifest", "protocol": 1, "id": "wrong" if mode == "wrong-id" else os.environ["RAPPORT_PLUGIN_ID"],
      "summary": "Misbehaves on purpose.",
      "commands": [{"name": "go", "help": "Misbehave."}, {"name": "ok", "help": "Answer ok."}],
      "events": []})
if mode == "flood-forever":
    while True:
        sys.stdout.write('{"type":"log","level":"debug","message":"flood"}\n')

for line in sys.stdin:
    message = json.loads(line)
    if message["type"] == "shutdown":
        break
    if message["type"] != "command":
        continue
    request = message["id"]
    name = message["command"]["name"]
    if name == "ok":
        send({"type": "reply", "to": request, "text": f"ok (pid {os.getpid()})"})
    elif mode == "crash" or (mode == "crash-once" and not os.path.exists(state)):
        if state:
            open(state, "w").close()
        print("giving up: crash requested", file=sys.stderr, flush=True)
        sys.exit(3)
    elif mode == "hang":
        time.sleep(3600)
    elif mode == "garbage":
        sys.stdout.write("this is not json\n{\"type\": \"nonsense\"}\n[1, 2, 3]\n{\"type\": \"reply\"}\n")
        sys.stdout.flush()
        send({"type": "reply", "to": request, "text": "still here"})
    elif mode == "flood":
        for i in range(200000):
            sys.stdout.write('{"type":"log","level":"debug","message":"flood"}\n')
        sys.stdout.flush()
    elif mode == "oversize":
        sys.stdout.write('{"type":"log","message":"' + "x" * 1_000_000 + '"}\n')
        sys.stdout.flush()
        send({"type": "reply", "to": request, "text": "after the big line"})
    elif mode == "jobs":
        errors = []
        for batch in range(10):
            for i in range(1000):
                send({"type": "schedule", "id": f"j{batch}-{i}", "name": f"job-{batch}-{i}", "every": 3600})
            errors += answers(1000)
        send({"type": "reply", "to": request, "text": tally("scheduled", 10000, errors)})
    elif mode == "store":
        errors = []
        for i in range(60):
            send({"type": "store.set", "id": f"s{i}", "key": f"k{i:02}", "value": "v" * 98})
            errors += answers(1)
        send({"type": "store.set", "id": "again", "key": "k00", "value": "w" * 98})
        overwrite = "refused" if answers(1) else "ok"
        send({"type": "reply", "to": request, "text": tally("stored", 60, errors) + f"; overwrite {overwrite}"})
    elif mode == "admin":
        send({"type": "store.set", "id": "grant", "key": "admin/irc:test:mallory",
              "value": {"grantedBy": "bad", "at": 0}})
        errors = answers(1)
        send({"type": "reply", "to": request, "text": errors[0]["message"] if errors else "stored"})
    elif mode == "spam":
        for i in range(50):
            send({"type": "send", "network": "test", "channel": "#test", "text": f"spam {i}"})
    else:
        send({"type": "reply", "to": request, "text": "went"})
    send({"type": "done", "id": request})
