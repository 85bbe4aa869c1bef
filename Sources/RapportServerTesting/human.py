#!/usr/bin/env python3
"""Plays a human Matrix user for Rapport's integration tests (standard library only).

Usage: human.py URL TOKEN COMMAND [ARGS...]   prints one JSON value on stdout.

  create_room [INVITEE...]           private room, invites; -> {"room_id"}
  create_encrypted_room INVITEE      same with m.room.encryption; -> {"room_id"}
  invite ROOM USER | join ROOM | kick ROOM USER
  send ROOM TEXT                     -> {"event_id"}
  reply ROOM EVENT TEXT              m.in_reply_to with a reply fallback in the body
  thread ROOM ROOT TEXT              m.thread relation
  edit ROOM EVENT TEXT               m.replace
  react ROOM EVENT KEY               m.annotation
  redact ROOM EVENT
  wait ROOM SENDER CONTAINS [SECONDS]   newest m.room.message from SENDER whose body contains
                                        CONTAINS (polls /messages); -> the event
  messages ROOM [LIMIT]              -> [events], oldest first
  membership ROOM USER               -> {"membership"} (or null)
  wait_membership ROOM USER MEMBERSHIP [SECONDS]
  invites                            rooms I am invited to -> [{"room_id", "sender", "is_direct"}]
  wait_invite SENDER [SECONDS]       the first invite from SENDER -> {"room_id", "sender", "is_direct"}
  joined_rooms | account_data USER TYPE | devices
  keys_query USER                    USER's devices' keys -> {device_id: device_keys}
  keys_claim USER DEVICE             claims one of the device's one-time keys
                                     -> {user: {device: {"signed_curve25519:ID": key}}}
"""
import json, sys, time, urllib.error, urllib.parse, urllib.request, uuid

URL, TOKEN, CMD, ARGS = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]


def call(method, path, body=None, ok404=False):
    req = urllib.request.Request(URL + "/_matrix/client/v3" + path, method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json",
                                          "Authorization": "Bearer " + TOKEN})
    for attempt in range(30):
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.load(r)
        except urllib.error.HTTPError as e:
            if e.code == 404 and ok404:
                return None
            if e.code == 429 or e.code >= 500:
                time.sleep(0.2)
                continue
            sys.exit(f"human.py: {method} {path}: HTTP {e.code} {e.read().decode(errors='replace')}")
        except urllib.error.URLError:
            time.sleep(0.2)
    sys.exit(f"human.py: {method} {path}: gave up")


def q(s):
    return urllib.parse.quote(s, safe="")


def send(room, content, etype="m.room.message"):
    return call("PUT", f"/rooms/{q(room)}/send/{etype}/{uuid.uuid4().hex}", content)


def messages(room, limit=50):
    res = call("GET", f"/rooms/{q(room)}/messages?dir=b&limit={limit}")
    return list(reversed(res.get("chunk", [])))


def membership(room, user):
    res = call("GET", f"/rooms/{q(room)}/state/m.room.member/{q(user)}", ok404=True)
    return None if res is None else res.get("membership")


def invites():
    me = call("GET", "/account/whoami")["user_id"]
    found = []
    for room, invite in call("GET", "/sync?timeout=0").get("rooms", {}).get("invite", {}).items():
        for event in invite.get("invite_state", {}).get("events", []):
            if event["type"] == "m.room.member" and event.get("state_key") == me:
                found.append({"room_id": room, "sender": event["sender"],
                              "is_direct": event.get("content", {}).get("is_direct", False)})
    return found


def main():
    a = ARGS
    if CMD in ("create_room", "create_encrypted_room"):
        body = {"preset": "private_chat", "invite": a}
        if CMD == "create_encrypted_room":
            body["initial_state"] = [{"type": "m.room.encryption", "state_key": "",
                                      "content": {"algorithm": "m.megolm.v1.aes-sha2"}}]
        return call("POST", "/createRoom", body)
    if CMD == "invite":
        return call("POST", f"/rooms/{q(a[0])}/invite", {"user_id": a[1]})
    if CMD == "join":
        return call("POST", f"/join/{q(a[0])}", {})
    if CMD == "kick":
        return call("POST", f"/rooms/{q(a[0])}/kick", {"user_id": a[1], "reason": "test"})
    if CMD == "send":
        return send(a[0], {"msgtype": "m.text", "body": a[1]})
    if CMD == "reply":
        room, target, text = a
        original = call("GET", f"/rooms/{q(room)}/event/{q(target)}")
        fallback = f"> <{original['sender']}> {original['content'].get('body', '')}\n\n{text}"
        return send(room, {"msgtype": "m.text", "body": fallback,
                           "m.relates_to": {"m.in_reply_to": {"event_id": target}}})
    if CMD == "thread":
        room, root, text = a
        return send(room, {"msgtype": "m.text", "body": text,
                           "m.relates_to": {"rel_type": "m.thread", "event_id": root,
                                            "is_falling_back": True,
                                            "m.in_reply_to": {"event_id": root}}})
    if CMD == "edit":
        room, target, text = a
        return send(room, {"msgtype": "m.text", "body": "* " + text,
                           "m.new_content": {"msgtype": "m.text", "body": text},
                           "m.relates_to": {"rel_type": "m.replace", "event_id": target}})
    if CMD == "react":
        room, target, key = a
        return send(room, {"m.relates_to": {"rel_type": "m.annotation", "event_id": target, "key": key}},
                    "m.reaction")
    if CMD == "redact":
        return call("PUT", f"/rooms/{q(a[0])}/redact/{q(a[1])}/{uuid.uuid4().hex}", {})
    if CMD == "wait":
        room, sender, contains = a[0], a[1], a[2]
        deadline = time.time() + float(a[3] if len(a) > 3 else 30)
        while time.time() < deadline:
            for event in reversed(messages(room)):
                body = event.get("content", {}).get("body", "")
                if event["type"] == "m.room.message" and event["sender"] == sender and contains in body:
                    return event
            time.sleep(0.2)
        sys.exit(f"human.py: no message from {sender} containing {contains!r} in {room}: "
                 + json.dumps([(e['sender'], e['type'], e.get('content', {}).get('body')) for e in messages(room)]))
    if CMD == "messages":
        return messages(a[0], int(a[1]) if len(a) > 1 else 50)
    if CMD == "membership":
        return {"membership": membership(a[0], a[1])}
    if CMD == "wait_membership":
        room, user, want = a[0], a[1], a[2]
        deadline = time.time() + float(a[3] if len(a) > 3 else 30)
        while time.time() < deadline:
            got = membership(room, user)
            if got == want:
                return {"membership": got}
            time.sleep(0.2)
        sys.exit(f"human.py: {user} in {room} is {membership(room, user)!r}, not {want!r}")
    if CMD == "invites":
        return invites()
    if CMD == "wait_invite":
        deadline = time.time() + float(a[1] if len(a) > 1 else 30)
        while time.time() < deadline:
            for invite in invites():
                if invite["sender"] == a[0]:
                    return invite
            time.sleep(0.2)
        sys.exit(f"human.py: no invite from {a[0]}: {json.dumps(invites())}")
    if CMD == "joined_rooms":
        return call("GET", "/joined_rooms")
    if CMD == "account_data":
        return call("GET", f"/user/{q(a[0])}/account_data/{q(a[1])}", ok404=True)
    if CMD == "devices":
        return call("GET", "/devices")
    if CMD == "keys_query":
        return call("POST", "/keys/query", {"device_keys": {ARGS[0]: []}})["device_keys"].get(ARGS[0], {})
    if CMD == "keys_claim":
        return call("POST", "/keys/claim", {"one_time_keys": {ARGS[0]: {ARGS[1]: "signed_curve25519"}}})["one_time_keys"]
    sys.exit(f"human.py: unknown command {CMD}")


print(json.dumps(main()))
