#!/usr/bin/env python3
"""irc-scaling -- how a bot's memory and CPU grow with the channels and members it holds.

Built on the shared black-box harness (../shared/bench/irc/ircbench.py: its ngIRCd with the
TCP_NODELAY shim, its clients, its /proc readings, its message mix and its adapters). For each
size C (default 1, 10, 50) and each bot, interleaved:

  1. the probe joins the C channels (#bench, #bench2, ... #benchC); the bot is started through
     its adapter, with its config rewritten to join all C channels; startup_s = until the probe
     has seen the bot JOIN all of them; joined_rss_kb = VmRSS after --settle s;
  2. MEMBERS clients (m000, m001, ...) connect and each joins all C channels, so the bot holds
     C x MEMBERS memberships of MEMBERS distinct users; a command round trip proves the bot read
     every JOIN; after --settle s: idle_rss_kb (VmRSS), idle_anon_kb (RssAnon);
  3. the clients send N PRIVMSGs (ircbench's mix of chatter, questions, answers and thanks, a
     random channel each), flow-controlled like ircbench's throughput phase, then every client
     does a PING round trip and the probe sends a final command; cpu_us_per_msg = bot CPU seconds
     over that span / N; after_rss_kb, hwm_kb = VmRSS, VmHWM after it.

Then, per bot: per member = (idle RSS at the largest size - at the smallest) / (added memberships),
per channel = the same difference / added channels (a channel with its MEMBERS members), and per
empty channel from joined_rss_kb. Everything runs on 127.0.0.1; every wait is bounded; only
processes started here are signalled, by PID. Run as root (bots run as nobody, as in ircbench);
--workdir must be a directory nobody can enter (e.g. /tmp/scalework, chmod 777).
"""
import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def channel_names(count):
    return ["#bench"] + [f"#bench{i}" for i in range(2, count + 1)]


# How each shipped adapter's config names its one channel, and how to name several instead.
CHANNEL_LINES = {
    "rapport": ("rapport.yaml", 'channels: ["#bench"]', lambda cs: "channels: " + json.dumps(cs)),
    "limnoria": ("bot.conf", "supybot.networks.bench.channels: #bench",
                 lambda cs: "supybot.networks.bench.channels: " + " ".join(cs)),
}


def multi_channel(adapter, stem, channels):
    """The adapter, its prepare() rewriting the bot's config to join every channel."""
    if stem not in CHANNEL_LINES:
        raise SystemExit(f"no multi-channel config rewrite for adapter {stem!r}: one of {sorted(CHANNEL_LINES)}")
    file, one, many = CHANNEL_LINES[stem]

    def prepare(wd, host, port, channel, nick):
        spec = adapter.prepare(wd, host, port, channel, nick)
        path = Path(wd) / file
        text = path.read_text()
        if text.count(one) != 1:
            raise RuntimeError(f"{path}: expected one line {one!r} to rewrite")
        path.write_text(text.replace(one, many(channels)))
        return spec

    return types.SimpleNamespace(NAME=adapter.NAME, NICK=getattr(adapter, "NICK", "benchbot"),
                                 version=adapter.version, command=adapter.command, prepare=prepare)


class ScalingRun:
    def __init__(self, bench, args, adapter, stem, server, size):
        self.b, self.a, self.server, self.size = bench, args, server, size
        self.channels = channel_names(size)
        self.adapter = multi_channel(adapter, stem, self.channels)
        self.seq = 0
        self.res = {"bot": adapter.NAME, "channels": size, "members": args.members,
                    "loadavg_start": os.getloadavg()[0]}

    def token(self):
        self.seq += 1
        return f"ibk{self.size}x{self.seq}"

    def send_command(self):
        tok = self.token()
        fut = self.probe.expect(tok)
        self.probe.send(f"PRIVMSG {self.channels[0]} :{self.adapter.command(tok)}")
        return fut

    async def command(self):
        await asyncio.wait_for(self.send_command(), self.a.cmd_timeout)

    def watch_bot_joins(self, ours):
        """Sets self.all_joined once the bot has joined every channel (the probe is in all)."""
        self.bot_channels = set()
        self.all_joined = asyncio.Event()
        inner = self.probe.on_line

        def on_line(nick, cmd, params):
            if cmd == "JOIN" and params and nick and nick.lower() not in ours and "." not in nick:
                self.bot_channels.update(c.lower() for c in params[0].split(","))
                if len(self.bot_channels) >= len(self.channels):
                    self.all_joined.set()
            inner(nick, cmd, params)

        self.probe.on_line = on_line

    async def join_all(self, conn):
        for i in range(0, len(self.channels), 10):   # short JOIN lines
            conn.send("JOIN " + ",".join(self.channels[i:i + 10]))
        await conn.ping(f"joined{conn.nick}", self.a.cmd_timeout)

    async def main(self):
        b, a = self.b, self.a
        users = [f"m{i:03d}" for i in range(a.members)]
        ours = {u.lower() for u in users} | {"probe"}
        self.probe = b.Probe("probe", ours)
        self.watch_bot_joins(ours)
        await self.probe.open(self.server.port)
        await self.join_all(self.probe)
        workdir = Path(tempfile.mkdtemp(prefix=f"bot-{self.adapter.NAME}-{self.size}-", dir=a.workdir))
        self.res["workdir"] = str(workdir)
        proc, t0 = b.start_bot(self.adapter, workdir, self.server.port, self.adapter.NICK)
        self.load = []
        try:
            await self.phases(proc.pid, t0, users)
            if proc.poll() is not None:
                raise RuntimeError(f"bot exited early rc={proc.returncode}")
        finally:
            b.stop_pid(proc)
            await self.probe.close()
            for c in self.load:
                await c.close()
        self.res["loadavg_end"] = os.getloadavg()[0]
        return self.res

    def stage(self, name):
        print(f"  {self.res['bot']} C={self.size}: {name} (load {os.getloadavg()[0]:.1f})", file=sys.stderr, flush=True)

    def memory(self, pid, prefix):
        for key, name in (("VmRSS", "rss_kb"), ("RssAnon", "anon_kb")):
            self.res[f"{prefix}_{name}"] = self.b.proc_kb(pid, key)

    async def phases(self, pid, t0, users):
        b, a, res = self.b, self.a, self.res
        try:
            await asyncio.wait_for(self.all_joined.wait(), a.startup_timeout)
        except asyncio.TimeoutError:
            raise RuntimeError(f"bot joined {len(self.bot_channels)} of {len(self.channels)} channels in "
                               f"{a.startup_timeout}s; see {res['workdir']}/bot.log")
        res["startup_s"] = time.perf_counter() - t0
        self.stage("bot joined")
        await self.command()
        await asyncio.sleep(a.settle)
        self.memory(pid, "joined")

        self.stage("members join")
        # members connect 8 at a time (ngIRCd listens with a backlog of 10: a larger burst
        # overflows it and the kernel holds the extra clients for a minute), then join
        cpu0 = b.proc_cpu(pid)
        for i in range(0, len(users), 8):
            batch = [b.Conn(u) for u in users[i:i + 8]]
            await asyncio.gather(*(c.open(self.server.port, a.cmd_timeout) for c in batch))
            self.load += batch
        self.stage("members connected")
        await asyncio.gather(*(self.join_all(c) for c in self.load))
        self.stage("members joined")
        await self.command()                    # the bot has read every JOIN before this reply
        res["join_cpu_s"] = b.proc_cpu(pid) - cpu0
        await asyncio.sleep(a.settle)
        await self.command()
        self.memory(pid, "idle")

        self.stage("messages")
        if a.messages:
            await self.messages(pid, users)
        self.memory(pid, "after")
        res["hwm_kb"] = b.proc_kb(pid, "VmHWM")
        if self.probe.bot_gone:
            res["bot_gone"] = self.probe.bot_gone

    async def messages(self, pid, users):
        b, a, res = self.b, self.a, self.res
        msgs = b.gen_messages(a.messages, users, seed=a.seed)
        rnd = random.Random(a.seed + 7)
        where = [self.channels[rnd.randrange(len(self.channels))] for _ in msgs]
        cpu0 = b.proc_cpu(pid)
        t0 = time.perf_counter()
        pending = []
        for start in range(0, len(msgs), a.window):
            per = [[] for _ in users]
            for (u, text), chan in zip(msgs[start:start + a.window], where[start:start + a.window]):
                per[u].append(f"PRIVMSG {chan} :{text}\r\n")
            for c, lines in zip(self.load, per):
                if lines:
                    c.send_raw("".join(lines).encode())
            await asyncio.gather(*(c.drain() for c in self.load))
            pending.append(self.send_command())
            while len(pending) > a.depth:
                await asyncio.wait_for(pending.pop(0), a.cmd_timeout)
        await asyncio.gather(*(c.ping(f"fin{i}", a.cmd_timeout) for i, c in enumerate(self.load)))
        await self.command()
        for f in pending:
            await asyncio.wait_for(f, a.cmd_timeout)
        cpu = b.proc_cpu(pid) - cpu0
        res.update({"messages": a.messages, "msg_wall_s": time.perf_counter() - t0, "msg_cpu_s": cpu,
                    "cpu_us_per_msg": cpu / a.messages * 1e6})


def median_by(results, key):
    vals = [r[key] for r in results if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def summarize(results, members):
    """Per bot and size: medians; per bot: what a member and a channel cost."""
    out = {}
    for r in results:
        if "error" not in r:
            out.setdefault(r["bot"], {}).setdefault(r["channels"], []).append(r)
    summary = {}
    keys = ["startup_s", "joined_rss_kb", "idle_rss_kb", "idle_anon_kb", "after_rss_kb", "hwm_kb",
            "join_cpu_s", "cpu_us_per_msg", "loadavg_start"]
    for bot, by_size in out.items():
        sizes = {c: {k: median_by(rs, k) for k in keys} | {"runs": len(rs)} for c, rs in sorted(by_size.items())}
        s = {"sizes": sizes}
        if len(sizes) >= 2:
            lo, hi = min(sizes), max(sizes)
            d_idle = (sizes[hi]["idle_rss_kb"] - sizes[lo]["idle_rss_kb"]) * 1024
            d_joined = (sizes[hi]["joined_rss_kb"] - sizes[lo]["joined_rss_kb"]) * 1024
            s.update({
                "bytes_per_member": d_idle / ((hi - lo) * members),
                "bytes_per_member_net": (d_idle - d_joined) / ((hi - lo) * members),
                "bytes_per_channel_with_members": d_idle / (hi - lo),
                "bytes_per_empty_channel": d_joined / (hi - lo),
            })
        summary[bot] = s
    return summary


def table(summary, members):
    lines = ["| bot | channels | memberships | joined RSS | idle RSS | RSS after | VmHWM | CPU per message | load avg |",
             "|---|---|---|---|---|---|---|---|---|"]
    mib = lambda kb: f"{kb / 1024:.1f} MiB" if kb is not None else "-"
    for bot, s in summary.items():
        for c, v in s["sizes"].items():
            lines.append(f"| {bot} | {c} | {c * members:,} | {mib(v['joined_rss_kb'])} | {mib(v['idle_rss_kb'])} | "
                         f"{mib(v['after_rss_kb'])} | {mib(v['hwm_kb'])} | "
                         f"{v['cpu_us_per_msg']:.1f} µs | {v['loadavg_start']:.1f} |")
    lines += ["", "| bot | per member held | per member (net of empty channels) | per channel with its members | per empty channel |",
              "|---|---|---|---|---|"]
    for bot, s in summary.items():
        if "bytes_per_member" in s:
            lines.append(f"| {bot} | {s['bytes_per_member']:,.0f} B | {s['bytes_per_member_net']:,.0f} B | "
                         f"{s['bytes_per_channel_with_members'] / 1024:,.0f} KiB | {s['bytes_per_empty_channel'] / 1024:,.1f} KiB |")
    return "\n".join(lines)



def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bots", nargs="+", help="ircbench adapters: rapport, limnoria")
    ap.add_argument("--bench-dir", default=os.environ.get("IRCBENCH_DIR", str(ROOT.parent / "shared/bench/irc")),
                    help="the shared harness (ircbench.py and adapters/)")
    ap.add_argument("--sizes", default="1,10,50", help="channel counts")
    ap.add_argument("--members", type=int, default=200, help="clients; each joins every channel")
    ap.add_argument("--messages", type=int, default=20000, help="channel messages per run (0: skip)")
    ap.add_argument("--window", type=int, default=1000, help="a sync command after every WINDOW messages")
    ap.add_argument("--depth", type=int, default=2, help="outstanding sync commands allowed")
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--settle", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--startup-timeout", type=float, default=120)
    ap.add_argument("--cmd-timeout", type=float, default=300)
    ap.add_argument("--workdir", required=True, help="scratch dir, world-accessible when run as root")
    ap.add_argument("--json", default=None, help="write all results here")
    a = ap.parse_args()
    sys.path.insert(0, a.bench_dir)
    import ircbench as bench
    os.makedirs(a.workdir, exist_ok=True)
    sizes = [int(s) for s in a.sizes.split(",")]
    adapters = [(bench.load_adapter(n), Path(n).stem) for n in a.bots]
    meta = {"bots": {ad.NAME: ad.version() for ad, _ in adapters}, "args": vars(a), "nproc": os.cpu_count()}
    print(json.dumps({"meta": meta}), flush=True)
    results = []
    for rep in range(a.reps):
        for size in sizes:
            for ad, stem in adapters:
                # a fresh server each run: ngIRCd stops accepting a burst of reconnections from one address
                serverdir = Path(tempfile.mkdtemp(prefix=f"ngircd-{size}-", dir=a.workdir))
                server = bench.Server(serverdir)
                meta.setdefault("server", server.version())
                try:
                    r = asyncio.run(asyncio.wait_for(ScalingRun(bench, a, ad, stem, server, size).main(), 1800))
                except Exception as e:  # keep going with the other bots and sizes
                    r = {"bot": ad.NAME, "channels": size, "error": repr(e)}
                finally:
                    server.stop()
                r["rep"] = rep + 1
                results.append(r)
                print(json.dumps(r), flush=True)
    summary = summarize(results, a.members)
    print(json.dumps({"summary": summary}, indent=1), flush=True)
    print(table(summary, a.members))
    if a.json:
        Path(a.json).write_text(json.dumps({"meta": meta, "results": results, "summary": summary}, indent=1))


if __name__ == "__main__":
    main()
