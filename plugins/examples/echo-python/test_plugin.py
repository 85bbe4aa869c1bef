"""Runs plugin.py as the bot would, with a fake bot that keeps the store in a dict.

    cd plugins/examples/echo-python && python3 -m unittest test_plugin
"""
import json
import os
import subprocess
import sys
import unittest

PLUGIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugin.py")


def event(text, channel="#test", nick="alice"):
    return {"network": "test", "channel": channel, "kind": "message", "text": text, "time": 0,
            "sender": {"nick": nick, "address": nick, "is_bot": False},
            "sender_is_operator": False, "is_history": False, "is_own": False}


class FakeBot:
    def __init__(self):
        self.process = subprocess.Popen([sys.executable, PLUGIN], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)
        self.store = {}
        self.next_id = 0

    def send(self, message):
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def read(self):
        return json.loads(self.process.stdout.readline())

    def command(self, text, channel="#test"):
        """Sends a command and returns (replies, refusal), answering store and settings requests."""
        self.next_id += 1
        name, _, rest = text.partition(" ")
        self.send({"type": "command", "id": self.next_id, "command": {
            "name": name, "arguments": rest.split(), "argument_text": rest, "role": "anyone",
            "event": event("!" + text, channel)}})
        replies = []
        while True:
            message = self.read()
            kind = message["type"]
            if kind == "reply":
                self.assert_equal(message["to"], self.next_id)
                replies.append(message["text"])
            elif kind == "store.get":
                self.send({"type": "result", "id": message["id"], "value": self.store.get(message["key"])})
            elif kind == "store.set":
                self.store[message["key"]] = message["value"]
                self.send({"type": "result", "id": message["id"], "value": None})
            elif kind == "settings.get":
                self.send({"type": "result", "id": message["id"], "value": {"max_dice": 20}})
            elif kind == "done":
                self.assert_equal(message["id"], self.next_id)
                return replies, message.get("error")
            else:
                raise AssertionError(f"unexpected {message}")

    @staticmethod
    def assert_equal(a, b):
        if a != b:
            raise AssertionError(f"{a} != {b}")

    def close(self):
        self.send({"type": "shutdown"})
        self.process.wait(timeout=5)
        self.process.stdin.close()
        self.process.stdout.close()


class EchoPluginTest(unittest.TestCase):
    def setUp(self):
        self.bot = FakeBot()
        self.bot.send({"type": "hello", "protocol": 1, "bot": "rapport", "bot_version": "0", "plugin_id": "echo"})
        self.manifest = self.bot.read()

    def tearDown(self):
        self.bot.close()

    def test_manifest(self):
        self.assertEqual(self.manifest["type"], "manifest")
        self.assertEqual(self.manifest["id"], "echo")
        self.assertEqual([c["name"] for c in self.manifest["commands"]], ["echo", "roll", "count"])

    def test_echo(self):
        self.assertEqual(self.bot.command("echo hello"), (["hello"], None))
        self.assertEqual(self.bot.command("echo"), ([], "Usage: echo TEXT"))

    def test_roll(self):
        replies, error = self.bot.command("roll 3d6")
        self.assertIsNone(error)
        self.assertRegex(replies[0], r"^alice rolled 3d6: \d \+ \d \+ \d = \d+$")
        self.assertEqual(self.bot.command("roll 21d6")[1], "Roll between 1 and 20 dice with at least 2 sides.")

    def test_count_uses_the_store(self):
        self.bot.send({"type": "event", "id": 100, "event": event("hi")})
        self.assertEqual(self.bot.read(), {"type": "done", "id": 100})
        self.assertEqual(self.bot.command("count")[0], ["Counted 1 time here (1 messages seen since I started)."])
        self.assertEqual(self.bot.command("count")[0], ["Counted 2 times here (1 messages seen since I started)."])
        self.assertEqual(self.bot.store, {"count/test/#test": 2})


if __name__ == "__main__":
    unittest.main()
