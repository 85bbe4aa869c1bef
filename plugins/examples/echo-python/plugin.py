#!/usr/bin/env python3
"""An example Rapport plugin in plain Python (no third-party packages).

It speaks the JSON-lines plugin protocol, version 1 (docs/plugin-protocol.md), on stdin/stdout:

    !echo TEXT   says TEXT back
    !roll NdM    rolls N dice with M sides, e.g. !roll 2d6 (at most `max_dice` dice)
    !count       counts how often it was used in this channel (kept in the bot's store)

Declare it in the bot's configuration:

    external_plugins:
      - id: echo
        command: [python3, plugins/examples/echo-python/plugin.py]
"""

import json
import random
import re
import sys

MANIFEST = {
    "type": "manifest",
    "protocol": 1,
    "id": "echo",
    "version": "1.0.0",
    "summary": "An example plugin in Python: echo, dice and a stored counter.",
    "commands": [
        {"name": "echo", "usage": "echo TEXT", "help": "Say TEXT back."},
        {"name": "roll", "usage": "roll NdM", "help": "Roll N dice with M sides, e.g. roll 2d6."},
        {"name": "count", "help": "Count how often this command was used here."},
    ],
    "settings": [
        {"key": "max_dice", "type": "int", "default": 20, "minimum": 1, "maximum": 100,
         "help": "The most dice one roll may throw."},
    ],
    "events": ["message"],
}

DICE = re.compile(r"^(\d{1,3})d(\d{1,4})$")


class BotError(Exception):
    """The bot refused one of our requests (its `error` line)."""

    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code


class Refusal(Exception):
    """A command we refuse; the text is shown to the person (`done` with `error`)."""


class Connection:
    """Lines in and out, and requests of our own (store, settings) answered by the bot."""

    def __init__(self, stdin=sys.stdin, stdout=sys.stdout):
        self.stdin = stdin
        self.stdout = stdout
        self.backlog = []
        self.next_id = 0

    def send(self, message):
        self.stdout.write(json.dumps(message, separators=(",", ":")) + "\n")
        self.stdout.flush()

    def read(self):
        """The next message from the bot, or None at the end of input."""
        if self.backlog:
            return self.backlog.pop(0)
        for line in self.stdin:
            line = line.strip()
            if line:
                return json.loads(line)
        return None

    def call(self, type_, **fields):
        """Sends a request with an id and waits for its result."""
        self.next_id += 1
        request_id = f"p{self.next_id}"
        self.send({"type": type_, "id": request_id, **fields})
        while True:
            line = self.stdin.readline()
            if not line:
                sys.exit(0)
            message = json.loads(line)
            if message.get("id") == request_id and message.get("type") in ("result", "error"):
                if message["type"] == "error":
                    raise BotError(message.get("code"), message.get("message"))
                return message.get("value")
            if message.get("type") == "error":
                print(f"the bot says: {message.get('message')}", file=sys.stderr)
                continue
            self.backlog.append(message)


class EchoPlugin:
    def __init__(self, bot):
        self.bot = bot
        self.messages_seen = 0

    def command(self, request_id, command):
        name = command["name"]
        event = command["event"]
        if name == "echo":
            text = command["argument_text"]
            if not text:
                raise Refusal("Usage: echo TEXT")
            self.reply(request_id, text)
        elif name == "roll":
            self.reply(request_id, self.roll(command, event))
        elif name == "count":
            place = f"{event['network']}/{event.get('channel') or 'private'}"
            count = (self.bot.call("store.get", key=f"count/{place}") or 0) + 1
            self.bot.call("store.set", key=f"count/{place}", value=count)
            self.reply(request_id, f"Counted {count} time{'s' if count != 1 else ''} here "
                                   f"({self.messages_seen} messages seen since I started).")
        else:
            raise Refusal(f"I don't know the command '{name}'.")

    def roll(self, command, event):
        match = DICE.match(command["argument_text"].strip().lower())
        if not match:
            raise Refusal("Usage: roll NdM, for example roll 2d6")
        count, sides = int(match.group(1)), int(match.group(2))
        settings = self.bot.call("settings.get", network=event["network"], channel=event.get("channel"))
        limit = settings.get("max_dice", 20)
        if not 1 <= count <= limit or sides < 2:
            raise Refusal(f"Roll between 1 and {limit} dice with at least 2 sides.")
        dice = [random.randint(1, sides) for _ in range(count)]
        shown = " + ".join(map(str, dice)) if count > 1 else ""
        total = sum(dice)
        return f"{event['sender']['nick']} rolled {count}d{sides}: " + (f"{shown} = {total}" if shown else str(total))

    def reply(self, request_id, text):
        self.bot.send({"type": "reply", "to": request_id, "text": text})

    def serve(self):
        hello = self.bot.read()
        if not hello or hello.get("type") != "hello" or hello.get("protocol") != 1:
            print(f"expected hello for protocol 1, got {hello}", file=sys.stderr)
            return 1
        self.bot.send(MANIFEST)
        while True:
            message = self.bot.read()
            if message is None or message.get("type") == "shutdown":
                return 0
            kind = message.get("type")
            if kind == "event":
                self.messages_seen += 1
                self.bot.send({"type": "done", "id": message["id"]})
            elif kind == "command":
                done = {"type": "done", "id": message["id"]}
                try:
                    self.command(message["id"], message["command"])
                except Refusal as refusal:
                    done["error"] = str(refusal)
                except BotError as error:
                    done["error"] = "Sorry, the bot refused that." if error.code != "rate_limited" else str(error)
                self.bot.send(done)
            elif kind in ("job",):
                self.bot.send({"type": "done", "id": message["id"]})
            elif kind == "error":
                print(f"the bot says: {message.get('message')}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(EchoPlugin(Connection()).serve())
