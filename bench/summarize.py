#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Summarize a bench/run.sh output directory.

usage: summarize.py OUTDIR [CLEAN_FOREIGN_CPU_S]

Reads OUTDIR/raw/<peer>/rep<N>/ (tcp.json, udpgen-send.json,
udpgen-sink.json, iperf-udp.json, ping.txt, metrics.txt), prints markdown
tables to stdout and writes OUTDIR/summary.json. Medians use, per test, only
the repetitions in which other users of the machine ("foreign" processes,
see cpuattr.py) burnt at most CLEAN_FOREIGN_CPU_S CPU-seconds during that
test's window (default: the value in sysinfo.txt, else 0.5). Ratios are
peer / reference of those medians: the Linux bridge ("bridge" row), or the
peer named by "reference=" in sysinfo.txt (bridge-nft in run.sh's fw mode).
With firewall peers (fw_rules= in metrics.txt) a firewall table follows:
rules, the negative check, daemon CPU per delivered UDP packet (the cost of
an established flow) and per TCP gigabyte, and the steady-rate test's CPU.

Adapted from the shared peerbench harness (../shared/peerbench/summarize.py).
"""
import json
import os
import re
import statistics
import sys

CLK = os.sysconf("SC_CLK_TCK")
WINDOWS = ("idle", "tcp", "udp", "iudp", "steady", "ping")
REF = "bridge"
STEADY_TARGET_PCT = 5.0  # the firewall appliance's CPU at 100 Mbit/s

# (key, column title, format, divisor, higher_is_better) of the headline.
HEADLINE = [
    ("tcp_gbps", "TCP Gbit/s", "{:.2f}", 1, True),
    ("udp_sent_pps", "UDP64 sent kpps", "{:.1f}", 1e3, True),
    ("udp_deliv_pps", "UDP64 delivered kpps (h2 NIC)", "{:.1f}", 1e3, True),
    ("udp_sw_loss", "switch loss %", "{:.1f}", 1, False),
    ("udp_sink_pps", "UDP64 sink kpps", "{:.1f}", 1e3, True),
    ("iudp_nic_pps", "iperf3 UDP64 at h2 NIC kpps", "{:.1f}", 1e3, True),
    ("ping_p50_us", "RTT p50 us", "{:.0f}", 1, False),
    ("ping_p99_us", "RTT p99 us", "{:.0f}", 1, False),
    ("tcp_sw_cpu_s", "switch CPU-s TCP", "{:.2f}", 1, False),
    ("udp_sw_cpu_s", "switch CPU-s UDP", "{:.2f}", 1, False),
    ("ping_sw_cpu_s", "switch CPU-s ping", "{:.2f}", 1, False),
    ("idle_sw_pct", "idle CPU % of 1 core", "{:.1f}", 1, False),
]
RATIOS = ["tcp_gbps", "udp_deliv_pps", "udp_sink_pps", "iudp_nic_pps",
          "ping_p50_us", "ping_p99_us"]


def load_kv(path):
    d = {}
    try:
        with open(path) as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    d[k] = v
    except FileNotFoundError:
        pass
    return d


def num(d, k):
    try:
        return float(d[k])
    except (KeyError, ValueError):
        return None


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def pct(sorted_vals, p):
    """nearest-rank percentile"""
    k = max(0, min(len(sorted_vals) - 1, -(-p * len(sorted_vals) // 100) - 1))
    return sorted_vals[int(k)]


def parse_tcp(rdir, r):
    tcp = load_json(os.path.join(rdir, "tcp.json"))
    if tcp and "sum_received" in tcp.get("end", {}):
        r["tcp_gbps"] = tcp["end"]["sum_received"]["bits_per_second"] / 1e9
        r["tcp_retr"] = tcp["end"]["sum_sent"].get("retransmits")
    elif tcp and "error" in tcp:
        r["errors"].append(f"tcp: {tcp['error']}")


def parse_udp(rdir, r, m):
    snd = load_json(os.path.join(rdir, "udpgen-send.json"))
    sink = load_json(os.path.join(rdir, "udpgen-sink.json"))
    if not snd or not snd.get("seconds"):
        if os.path.exists(os.path.join(rdir, "udpgen-send.err")):
            err = open(os.path.join(rdir, "udpgen-send.err")).read().strip()
            if err:
                r["errors"].append(f"udpgen: {err}")
        return
    secs = snd["seconds"]
    r["udp_sent_pps"] = snd["pps"]
    tx, rx = num(m, "udp_h1_tx_packets"), num(m, "udp_h2_rx_packets")
    if tx is not None:
        r["udp_tx_pps"] = tx / secs
    if rx is not None:
        r["udp_deliv_pps"] = rx / secs
    if tx and rx is not None:
        r["udp_sw_loss"] = max(0.0, 100 * (1 - rx / tx))
    if sink:
        r["udp_sink_pps"] = sink["packets"] / secs
        r["udp_sink_drops"] = sink.get("rcvbuf_drops")


def parse_iudp(rdir, r, m):
    u = load_json(os.path.join(rdir, "iperf-udp.json"))
    if u and "sum_received" in u.get("end", {}):
        s, rcv = u["end"]["sum_sent"], u["end"]["sum_received"]
        r["iudp_sent_pps"] = s["packets"] / s["seconds"]
        r["iudp_rcv_pps"] = (rcv["packets"] - rcv["lost_packets"]) / rcv["seconds"]
        rx = num(m, "iudp_h2_rx_packets")
        if rx is not None:
            r["iudp_nic_pps"] = rx / s["seconds"]
    elif u and "error" in u:
        r["errors"].append(f"iperf3 udp: {u['error']}")


def parse_steady(rdir, r):
    st = load_json(os.path.join(rdir, "steady.json"))
    if st and "sum_received" in st.get("end", {}):
        r["steady_mbps"] = st["end"]["sum_received"]["bits_per_second"] / 1e6
    elif st and "error" in st:
        r["errors"].append(f"steady: {st['error']}")


def parse_fw(rdir, r, m):
    """Firewall peers: rule count, negative check, CPU per unit of work."""
    if m.get("fw_rules"):
        r["fw_rules"] = int(m["fw_rules"])
    if m.get("fw_check"):
        r["fw_check"] = m["fw_check"]
    # /proc/stat of some VMs (this one) lags the per-process counters: a
    # window whose host busy time is below our own processes' is unusable
    # for the host-wide softirq figures.
    for t in ("udp", "steady"):
        h, o = r.get(f"{t}_host_cpu_s"), r.get(f"{t}_ours_s")
        if h is not None and o is not None and h < 0.9 * o:
            r.pop(f"{t}_softirq_s", None)
            r.setdefault("host_stat_inconsistent", []).append(t)
    rx = num(m, "udp_h2_rx_packets")
    if rx:
        if r.get("udp_sw_cpu_s") is not None:
            r["udp_sw_us_per_pkt"] = 1e6 * r["udp_sw_cpu_s"] / rx
        if r.get("udp_softirq_s") is not None:
            r["udp_softirq_us_per_pkt"] = 1e6 * r["udp_softirq_s"] / rx
    tcp = load_json(os.path.join(rdir, "tcp.json")) or {}
    gb = tcp.get("end", {}).get("sum_received", {}).get("bytes", 0) / 1e9
    if gb and r.get("tcp_sw_cpu_s") is not None:
        r["tcp_sw_s_per_gb"] = r["tcp_sw_cpu_s"] / gb
    wall = num(m, "steady_wall_s")
    if wall and r.get("steady_softirq_s") is not None:
        r["steady_softirq_pct"] = 100 * r["steady_softirq_s"] / wall
    if wall and r.get("steady_ours_s") is not None:
        r["steady_path_pct"] = 100 * (r["steady_ours_s"] +
                                      r.get("steady_kthread_s", 0)) / wall


def parse_ping(rdir, r):
    try:
        txt = open(os.path.join(rdir, "ping.txt")).read()
    except FileNotFoundError:
        return
    rtts = sorted(float(x) for x in re.findall(r"time=([0-9.]+) ms", txt))
    if rtts:
        r["ping_avg_us"] = 1000 * sum(rtts) / len(rtts)
        r["ping_p50_us"] = 1000 * pct(rtts, 50)
        r["ping_p99_us"] = 1000 * pct(rtts, 99)
    mt = re.search(r"(\d+) packets transmitted, (\d+) received", txt)
    if mt:
        r["ping_lost"] = int(mt.group(1)) - int(mt.group(2))


def parse_cpu(r, m):
    for t in WINDOWS:
        wall = num(m, f"{t}_wall_s")
        for key, name in (("sw_ticks", "sw_cpu_s"), ("aux_ticks", "aux_cpu_s"),
                          ("host_busy_ticks", "host_cpu_s"),
                          ("foreign_ticks", "foreign_s"),
                          ("ours_ticks", "ours_s"),
                          ("softirq_ticks", "softirq_s"),
                          ("kthread_ticks", "kthread_s")):
            v = num(m, f"{t}_{key}")
            if v is not None:
                r[f"{t}_{name}"] = v / CLK
        if wall and r.get(f"{t}_sw_cpu_s") is not None:
            r[f"{t}_sw_pct"] = 100 * r[f"{t}_sw_cpu_s"] / wall
        if m.get(f"{t}_top_foreign"):
            r[f"{t}_top_foreign"] = m[f"{t}_top_foreign"]


def parse_rep(rdir):
    m = load_kv(os.path.join(rdir, "metrics.txt"))
    r = {"errors": [], "note": m.get("note", ""), "clean": m.get("clean") == "1"}
    ep = os.path.join(rdir, "error.txt")
    if os.path.exists(ep):
        r["errors"].append(open(ep).read().strip())
    parse_tcp(rdir, r)
    parse_udp(rdir, r, m)
    parse_iudp(rdir, r, m)
    parse_ping(rdir, r)
    parse_steady(rdir, r)
    parse_cpu(r, m)
    parse_fw(rdir, r, m)
    return r


def window_of(key):
    for t in WINDOWS:
        if key.startswith(t + "_"):
            return t
    return None


class Stats:
    """Medians over the repetitions whose window for that key was clean."""

    def __init__(self, reps, limit, clean_only=True):
        self.reps, self.limit, self.clean_only = reps, limit, clean_only

    def sel(self, key):
        t = window_of(key)
        out = []
        for r in self.reps:
            if r.get(key) is None:
                continue
            if self.clean_only and t:
                fs = r.get(f"{t}_foreign_s")
                if fs is None or fs > self.limit:
                    continue
            out.append(r[key])
        return out

    def med(self, key):
        v = self.sel(key)
        return statistics.median(v) if v else None

    def rng(self, key):
        v = self.sel(key)
        return (min(v), max(v)) if v else None


def fmt(v, f="{:.2f}", div=1.0):
    return "n/a" if v is None else f.format(v / div)


def medians(data, limit, clean_only):
    """Per peer and key: median, n, (min, max). With clean_only, a key that
    has no clean repetition at all falls back to all of them and is listed
    in "_dirty" (the tables mark it with *)."""
    out = {}
    for p, reps in data.items():
        clean, every = Stats(reps, limit, clean_only), Stats(reps, limit, False)
        keys = sorted({k for r in reps for k, v in r.items()
                       if isinstance(v, (int, float)) and not isinstance(v, bool)})
        m = {"_n": {}, "_rng": {}, "_dirty": []}
        for k in keys:
            v = clean.sel(k)
            if not v and every.sel(k):
                v = every.sel(k)
                m["_dirty"].append(k)
            m[k] = statistics.median(v) if v else None
            m["_n"][k] = len(v)
            m["_rng"][k] = (min(v), max(v)) if v else None
        out[p] = m
    return out


def ratios(med):
    ref = med.get(REF)
    out = {}
    for p, m in med.items():
        out[p] = {}
        for k in RATIOS:
            a, b = m.get(k), ref.get(k) if ref else None
            out[p][k] = a / b if a is not None and b else None
    return out


def headline_table(med):
    print("| peer | " + " | ".join(h[1] for h in HEADLINE) + " |")
    print("|---" * (len(HEADLINE) + 1) + "|")
    for p, m in med.items():
        cells = []
        for key, _, f, div, _ in HEADLINE:
            c = fmt(m.get(key), f, div)
            if key == "tcp_gbps" and m.get(key) is not None:
                lo, hi = m["_rng"][key]
                c += f" ({lo:.2f}-{hi:.2f}) [{m['_n'][key]}]"
            if key.endswith("_sw_cpu_s") or key == "idle_sw_pct":
                c = "kernel" if m.get(key) is None else c
            if key in m["_dirty"]:
                c += "*"
            cells.append(c)
        print(f"| {p} | " + " | ".join(cells) + " |")


def cell(m, key, f="{:.2f}", div=1.0):
    """fmt() of a median, with * if no clean repetition had it"""
    return fmt(m.get(key), f, div) + ("*" if key in m["_dirty"] else "")


def fw_table(med, data):
    """The firewall peers: per-packet cost against the rule count."""
    fw = [p for p in med if any(r.get("fw_rules") for r in data[p])]
    base = next((p for p in fw if p.startswith("dcbox")), None)
    print("| peer | rules | negative check (TCP :5999) | TCP Gbit/s "
          "| UDP64 delivered kpps | RTT p50/p99 us "
          "| daemon CPU-s TCP/UDP/ping | daemon us per UDP packet "
          f"| x {base or 'n/a'} | daemon CPU-s per TCP GB "
          "| host softirq us per UDP packet |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for p in fw:
        m = med[p]
        checks = sorted({r.get("fw_check", "n/a") for r in data[p]})
        rules = sorted({r["fw_rules"] for r in data[p] if r.get("fw_rules")})
        b = med[base].get("udp_sw_us_per_pkt") if base else None
        a = m.get("udp_sw_us_per_pkt")
        grow = fmt(a / b) if a is not None and b else "n/a"
        cpu = "/".join(fmt(m.get(f"{t}_sw_cpu_s")) for t in ("tcp", "udp", "ping"))
        print(f"| {p} | {','.join(map(str, rules))} | {', '.join(checks)} "
              f"| {cell(m, 'tcp_gbps')} | {cell(m, 'udp_deliv_pps', '{:.1f}', 1e3)} "
              f"| {cell(m, 'ping_p50_us', '{:.0f}')}/{cell(m, 'ping_p99_us', '{:.0f}')} "
              f"| {'kernel' if m.get('tcp_sw_cpu_s') is None else cpu} "
              f"| {cell(m, 'udp_sw_us_per_pkt', '{:.3f}')} | {grow} "
              f"| {cell(m, 'tcp_sw_s_per_gb', '{:.3f}')} "
              f"| {cell(m, 'udp_softirq_us_per_pkt', '{:.3f}')} |")


def steady_table(med):
    print("| peer | rate Mbit/s | switch CPU-s | switch % of 1 core "
          f"| target < {STEADY_TARGET_PCT:.0f}% | whole path % of 1 core "
          "| host softirq % of 1 core | host busy CPU-s |")
    print("|---|---|---|---|---|---|---|---|")
    for p, m in med.items():
        if m.get("steady_mbps") is None:
            continue
        q = m.get("steady_sw_pct")
        ok = "n/a (kernel)" if q is None else ("yes" if q < STEADY_TARGET_PCT else "NO")
        sw = "kernel" if q is None else cell(m, "steady_sw_pct", "{:.1f}")
        print(f"| {p} | {cell(m, 'steady_mbps', '{:.1f}')} "
              f"| {cell(m, 'steady_sw_cpu_s')} | {sw} | {ok} "
              f"| {cell(m, 'steady_path_pct', '{:.1f}')} "
              f"| {cell(m, 'steady_softirq_pct', '{:.1f}')} "
              f"| {cell(m, 'steady_host_cpu_s')} |")


def ratio_table(rat):
    print("| peer | TCP x | UDP64 delivered x | UDP64 sink x | iperf3 UDP64 x "
          f"| RTT p50 x | RTT p99 x |")
    print("|---|---|---|---|---|---|---|")
    for p, r in rat.items():
        print(f"| {p} | " + " | ".join(fmt(r[k]) for k in RATIOS) + " |")


def cpu_table(med):
    print("| peer | switch CPU-s (% of 1 core) during TCP | UDP | iperf3 UDP "
          "| ping | idle | helper (ovsdb) idle CPU-s | kernel-thread CPU-s TCP "
          "| host busy CPU-s TCP |")
    print("|---|---|---|---|---|---|---|---|---|")
    for p, m in med.items():
        def both(t):
            v, q = m.get(f"{t}_sw_cpu_s"), m.get(f"{t}_sw_pct")
            return "kernel" if v is None else f"{v:.2f} ({q:.0f}%)"
        print(f"| {p} | {both('tcp')} | {both('udp')} | {both('iudp')} "
              f"| {both('ping')} | {both('idle')} | {fmt(m.get('idle_aux_cpu_s'))} "
              f"| {fmt(m.get('tcp_kthread_s'))} | {fmt(m.get('tcp_host_cpu_s'))} |")


def rep_table(data):
    print("| peer | rep | TCP Gbit/s | retr | UDP sent / delivered / sink kpps "
          "| sink rcvbuf drops | iperf3 UDP NIC kpps | RTT p50/p99 us "
          "| sw CPU-s TCP/UDP | foreign CPU-s idle/tcp/udp/iudp/steady/ping "
          "| top foreign (udp) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for p, reps in data.items():
        for r in reps:
            def g(key, f="{:.2f}", div=1.0):
                return fmt(r.get(key), f, div)
            fo = "/".join(g(f"{t}_foreign_s", "{:.1f}") for t in WINDOWS)
            print(f"| {p} | {r['rep']} | {g('tcp_gbps')} | {g('tcp_retr', '{:.0f}')} "
                  f"| {g('udp_sent_pps', '{:.1f}', 1e3)} / {g('udp_deliv_pps', '{:.1f}', 1e3)}"
                  f" / {g('udp_sink_pps', '{:.1f}', 1e3)} | {g('udp_sink_drops', '{:.0f}')} "
                  f"| {g('iudp_nic_pps', '{:.1f}', 1e3)} "
                  f"| {g('ping_p50_us', '{:.0f}')}/{g('ping_p99_us', '{:.0f}')} "
                  f"| {g('tcp_sw_cpu_s')}/{g('udp_sw_cpu_s')} | {fo} "
                  f"| {r.get('udp_top_foreign', '')} |")


def load_data(out):
    sysinfo, order = {}, []
    try:
        for line in open(os.path.join(out, "sysinfo.txt")):
            if line.startswith("peers:"):
                order = line.split(":", 1)[1].split()
            for mm in re.finditer(r"(\w+)=(\S+)", line):
                sysinfo[mm.group(1)] = mm.group(2)
    except FileNotFoundError:
        pass
    raw = os.path.join(out, "raw")
    peers = [p for p in order if os.path.isdir(os.path.join(raw, p))]
    if os.path.isdir(raw):
        peers += sorted(p for p in os.listdir(raw) if p not in peers)
    data = {}
    for p in peers:
        pdir = os.path.join(raw, p)
        reps = []
        for rd in sorted(os.listdir(pdir),
                         key=lambda s: int(s[3:]) if s[3:].isdigit() else 0):
            rr = parse_rep(os.path.join(pdir, rd))
            rr["rep"] = rd
            reps.append(rr)
        data[p] = reps
    return sysinfo, data


def switch_bench(out):
    try:
        txt = open(os.path.join(out, "switch_bench.txt")).read()
    except FileNotFoundError:
        return None
    try:
        parsed = json.loads(txt)
    except json.JSONDecodeError:
        parsed = None
    return {"text": txt, "json": parsed}


def switch_bench_table(sb):
    cases = (sb["json"] or {}).get("cases") if isinstance(sb["json"], dict) else None
    if not cases:
        print("```\n" + sb["text"].rstrip() + "\n```")
        return
    print("| case | Mpps per core (CPU time) | Mpps wall clock | clean |")
    print("|---|---|---|---|")
    for c in cases:
        print(f"| {c.get('name')} | {fmt(c.get('mpps'))} | {fmt(c.get('wall_mpps'))} "
              f"| {c.get('clean')} |")


def write_json(out, sysinfo, limit, data, med, rat, sb):
    doc = {"sysinfo": sysinfo, "clean_foreign_cpu_s": limit,
           "steady_target_pct": STEADY_TARGET_PCT,
           "reference": REF, "switch_bench": sb, "peers": {}}
    for p, reps in data.items():
        m = {k: v for k, v in med[p].items() if not k.startswith("_")}
        doc["peers"][p] = {
            "median": m, "n": med[p]["_n"], "ratio_to_bridge": rat[p],
            "ratio_to_reference": rat[p],
            "median_from_unclean_reps": med[p]["_dirty"],
            "notes": sorted({r["note"] for r in reps if r.get("note")}),
            "errors": [f"{r['rep']}: {e}" for r in reps for e in r["errors"]],
            "reps": reps}
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")


def main():
    global REF
    out = sys.argv[1]
    sysinfo, data = load_data(out)
    REF = sysinfo.get("reference", REF)
    limit = float(sys.argv[2]) if len(sys.argv) > 2 else \
        float(sysinfo.get("clean_foreign_cpu_s", 0.5))
    med = medians(data, limit, True)
    rat = ratios(med)
    sb = switch_bench(out)
    write_json(out, sysinfo, limit, data, med, rat, sb)

    print(f"# dcbox end-to-end benchmark ({sysinfo.get('dur', '?')}-s tests, "
          f"{os.cpu_count()} CPUs)\n")
    print(f"Median over clean repetitions (foreign CPU <= {limit} CPU-s in "
          f"that test's window); TCP shows (min-max) [n]. * = no clean "
          f"repetition for that value: median of all (noisy) ones.\n")
    headline_table(med)
    if REF in med:
        what = "the Linux bridge" if REF == "bridge" else REF
        print(f"\n## Ratio to {what} (peer / {REF}; "
              f"above 1 is better for TCP/UDP, worse for RTT)\n")
        ratio_table(rat)
    if any(r.get("fw_rules") for reps in data.values() for r in reps):
        print("\n## Firewall: cost per packet against the rule count "
              "(median, clean windows)\n")
        print("Daemon us per UDP packet = daemon CPU-s during the UDP test / "
              "packets delivered to h2: one established flow, so this is the "
              "per-packet cost of an established flow through s1, the "
              "firewall and s2. Host softirq includes h1's and h2's own "
              "stacks (and, for bridge-nft, the bridge, nft and conntrack).\n")
        fw_table(med, data)
    if any(m.get("steady_mbps") is not None for m in med.values()):
        print("\n## Steady rate (iperf3 TCP paced with -b; median, clean "
              "windows)\n")
        print("Whole path = CPU of everything the harness started (iperf3 "
              "client and server with the softirq work charged to them, the "
              "switch daemon) plus kernel threads, from per-process "
              "counters: the like-for-like figure for a kernel switch, "
              "whose bridge/nft/conntrack work has no process of its own. "
              "Host softirq is from /proc/stat, host-wide; n/a where "
              "/proc/stat lagged the per-process counters.\n")
        steady_table(med)
    print("\n## Switch CPU (median, clean windows)\n")
    cpu_table(med)
    print("\n## Same headline, median over ALL repetitions (no noise filter)\n")
    headline_table(medians(data, limit, False))
    print("\n## Configuration actually used\n")
    for p, reps in data.items():
        notes = sorted({r["note"] for r in reps if r.get("note")})
        errs = [f"{r['rep']}: {e}" for r in reps for e in r["errors"]]
        line = f"- **{p}**: {'; '.join(notes) or '(no setup note)'}"
        if errs:
            line += f" **ERRORS: {' | '.join(errs)}**"
        print(line)
    print("\n## Per-repetition values\n")
    rep_table(data)
    if sb:
        print("\n## switch_bench (in-process switch node, no kernel I/O)\n")
        switch_bench_table(sb)


if __name__ == "__main__":
    main()
