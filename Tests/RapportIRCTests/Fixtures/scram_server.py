#!/usr/bin/env python3
"""A scripted IRC server that signs clients in with SASL SCRAM-SHA-256, written from
RFC 5802, RFC 7677 and IRCv3 SASL 3.1 (Python standard library only).

Usage: scram_server.py MODE USER PASSWORD PORT_FILE [NONCE_EXTRA SALT_BYTES]

Listens on 127.0.0.1 (a free port, written to PORT_FILE), serves clients one after the
other, and prints one line per event on stdout: "connect", "login <account>",
"proof-invalid", "aborted", "quit <reason>", "registered <nick>".

MODE is how the server behaves after checking the client's proof:
  honest           sends the right server signature, then 900/903
  wrong-signature  sends a server signature made with another password
  empty-signature  sends "v=" with nothing after it
  foreign-nonce    answers client-first with a nonce that does not start with the client's
NONCE_EXTRA (default 24) characters are appended to the client nonce and SALT_BYTES (default
16) make the salt: large values make the server-first message span several AUTHENTICATE lines.
"""
import base64
import hashlib
import hmac
import os
import socket
import sys

MODE, USER, PASSWORD, PORT_FILE = sys.argv[1:5]
NONCE_EXTRA = int(sys.argv[5]) if len(sys.argv) > 5 else 24
SALT_BYTES = int(sys.argv[6]) if len(sys.argv) > 6 else 16
ITERATIONS = 4096
NAME = "scram.test"


def event(text):
    print(text, flush=True)


def hmac256(key, data):
    return hmac.new(key, data, hashlib.sha256).digest()


def attributes(message):
    return dict(part.split("=", 1) for part in message.split(","))


def random_printable(length):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&()*+-./:;<>?@[]^_{|}~"
    return "".join(alphabet[b % len(alphabet)] for b in os.urandom(length))


class Connection:
    def __init__(self, sock):
        self.sock = sock
        self.nick = "*"
        self.pending = ""
        self.step = "idle"

    def send(self, line):
        self.sock.sendall((line + "\r\n").encode())

    def send_payload(self, payload):
        """IRCv3 SASL: base64 in 400-byte lines, '+' after an exact multiple of 400."""
        text = base64.b64encode(payload).decode()
        chunks = [text[i:i + 400] for i in range(0, len(text), 400)]
        for chunk in chunks:
            self.send("AUTHENTICATE " + chunk)
        if not chunks or len(chunks[-1]) == 400:
            self.send("AUTHENTICATE +")

    def fail(self, numeric, text):
        self.send(f":{NAME} {numeric} {self.nick} :{text}")
        self.step = "idle"

    def authenticate(self, argument):
        if self.step == "idle":
            if argument == "SCRAM-SHA-256":
                self.step = "client-first"
                self.send("AUTHENTICATE +")
            else:
                self.send(f":{NAME} 908 {self.nick} SCRAM-SHA-256 :are available SASL mechanisms")
                self.fail(904, "SASL authentication failed")
            return
        if argument == "*":
            event("aborted")
            self.fail(906, "SASL authentication aborted")
            return
        if argument != "+":
            self.pending += argument
        if len(argument) == 400:
            return
        payload, self.pending = base64.b64decode(self.pending), ""
        message = payload.decode()
        if self.step == "client-first":
            self.client_first(message)
        elif self.step == "client-final":
            self.client_final(message)
        elif self.step == "server-final-sent":
            event("login " + USER)
            self.send(f":{NAME} 900 {self.nick} {self.nick}!u@h {USER} :You are now logged in as {USER}")
            self.send(f":{NAME} 903 {self.nick} :SASL authentication successful")
            self.step = "idle"

    def client_first(self, message):
        assert message.startswith("n,,"), message
        self.client_first_bare = message[3:]
        fields = attributes(self.client_first_bare)
        client_nonce = fields["r"]
        nonce = client_nonce + random_printable(NONCE_EXTRA)
        if MODE == "foreign-nonce":
            nonce = random_printable(len(client_nonce) + NONCE_EXTRA)
        self.salt = os.urandom(SALT_BYTES)
        self.user = fields["n"]
        self.server_first = f"r={nonce},s={base64.b64encode(self.salt).decode()},i={ITERATIONS}"
        self.nonce = nonce
        self.step = "client-final"
        self.send_payload(self.server_first.encode())

    def client_final(self, message):
        without_proof, proof = message.rsplit(",p=", 1)
        fields = attributes(without_proof)
        auth_message = f"{self.client_first_bare},{self.server_first},{without_proof}".encode()
        salted = hashlib.pbkdf2_hmac("sha256", PASSWORD.encode(), self.salt, ITERATIONS)
        client_key = hmac256(salted, b"Client Key")
        stored_key = hashlib.sha256(client_key).digest()
        client_signature = hmac256(stored_key, auth_message)
        recovered = bytes(a ^ b for a, b in zip(base64.b64decode(proof), client_signature))
        if self.user != USER or fields.get("r") != self.nonce or fields.get("c") != "biws" \
                or hashlib.sha256(recovered).digest() != stored_key:
            event("proof-invalid")
            self.fail(904, "SASL authentication failed")
            return
        server_key = hmac256(salted, b"Server Key")
        if MODE == "wrong-signature":
            other = hashlib.pbkdf2_hmac("sha256", b"not-" + PASSWORD.encode(), self.salt, ITERATIONS)
            server_key = hmac256(other, b"Server Key")
        signature = base64.b64encode(hmac256(server_key, auth_message)).decode()
        final = "v=" if MODE == "empty-signature" else "v=" + signature
        self.step = "server-final-sent"
        self.send_payload(final.encode())

    def handle(self, line):
        prefix_free = line.split(" :", 1)
        words = prefix_free[0].split()
        trailing = prefix_free[1] if len(prefix_free) > 1 else None
        command, params = words[0].upper(), words[1:] + ([trailing] if trailing is not None else [])
        if command == "CAP" and params[:1] == ["LS"]:
            self.send(f":{NAME} CAP * LS :sasl=SCRAM-SHA-256 server-time")
        elif command == "CAP" and params[:1] == ["REQ"]:
            self.send(f":{NAME} CAP * ACK :{params[-1]}")
        elif command == "CAP" and params[:1] == ["END"]:
            self.send(f":{NAME} 001 {self.nick} :Welcome to the scripted server")
            event("registered " + self.nick)
        elif command == "NICK":
            self.nick = params[0]
        elif command == "AUTHENTICATE":
            self.authenticate(params[0])
        elif command == "PING":
            self.send(f":{NAME} PONG {NAME} :{params[-1]}")
        elif command == "QUIT":
            event("quit " + (params[0] if params else ""))
            return False
        return True

    def serve(self):
        buffer = b""
        while True:
            data = self.sock.recv(4096)
            if not data:
                return
            buffer += data
            while b"\r\n" in buffer:
                line, buffer = buffer.split(b"\r\n", 1)
                if line and not self.handle(line.decode()):
                    return


def main():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    with open(PORT_FILE + ".tmp", "w") as f:
        f.write(str(server.getsockname()[1]))
    os.rename(PORT_FILE + ".tmp", PORT_FILE)
    while True:
        sock, _ = server.accept()
        event("connect")
        try:
            Connection(sock).serve()
        except (OSError, AssertionError, ValueError, KeyError) as error:
            event(f"error {error!r}")
        finally:
            sock.close()


if __name__ == "__main__":
    main()
