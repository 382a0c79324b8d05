#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""ips_bench.py - the measuring and reporting half of bench/ips.sh.

  ips_bench.py run [--out JSON] [--append JSONL] [--meta KEY=VALUE]...
                  [--marker RE [--end-marker RE]] [--log FILE] -- CMD...
      Runs CMD, copies its stdout+stderr to FILE, and writes to JSON (or
      appends one line to JSONL, with the --meta pairs) its
      wall and CPU seconds (user+sys of the process and its threads, from
      wait4) in total and, when a line of its output matches --marker (e.g.
      Suricata's "Engine started"), also from that moment until the line
      matching --end-marker ("Stopping engine") or the exit: the CPU at
      those moments is read from /proc/PID/stat. That "processing" part
      excludes rule loading and shutdown, as the Snort 3 reference numbers
      do. If the output holds dcbox's --json summary, its cpu_s and
      wall_s are the processing figures. With meta "pcap", the pcap's
      packets and wire bytes come from PCAP.json (ips_pcapgen --json); with
      meta "eve", alerts are counted there.

  ips_bench.py sids RULES...
      Prints "sid file:line" for every enabled rule of the files.

  ips_bench.py report DIR
      Reads DIR/runs.jsonl (one object per engine run, written by ips.sh)
      and prints the throughput table and, per rule set, the comparison of
      dcbox's and Suricata's alerts (per sid, on the rules both loaded).
      Writes DIR/summary.md and DIR/summary.json.
"""

import collections
import json
import os
import re
import statistics
import subprocess
import sys
import time

CLK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid):
    """utime+stime of a process (all its threads) in seconds, or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK
    except (OSError, IndexError, ValueError):
        return None


def cmd_run(argv):
    out, append, marker, end_marker, log = None, None, None, None, None
    meta = {}
    while argv and argv[0] != "--":
        opt, val = argv[0], argv[1]
        argv = argv[2:]
        if opt == "--out":
            out = val
        elif opt == "--append":
            append = val
        elif opt == "--meta":
            k, v = val.split("=", 1)
            meta[k] = v
        elif opt == "--marker":
            marker = re.compile(val)
        elif opt == "--end-marker":
            end_marker = re.compile(val)
        elif opt == "--log":
            log = val
    cmd = argv[1:]
    logf = open(log, "w") if log else None
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    mark_wall = mark_cpu = end_wall = end_cpu = None
    text = []
    for raw in p.stdout:
        line = raw.decode("utf-8", "replace")
        text.append(line)
        if marker and mark_wall is None and marker.search(line):
            mark_wall = time.monotonic() - t0
            mark_cpu = proc_cpu(p.pid)
        elif (end_marker and mark_wall is not None and end_wall is None
              and end_marker.search(line)):
            end_wall = time.monotonic() - t0
            end_cpu = proc_cpu(p.pid)
        if logf:
            logf.write(line)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    cpu = ru.ru_utime + ru.ru_stime
    res = {"cmd": cmd, "rc": os.waitstatus_to_exitcode(status),
           "wall_s": round(wall, 4), "cpu_s": round(cpu, 4),
           "user_s": round(ru.ru_utime, 4), "sys_s": round(ru.ru_stime, 4),
           "maxrss_kb": ru.ru_maxrss}
    if end_wall is None or end_cpu is None:
        end_wall, end_cpu = wall, cpu
    if mark_wall is not None:
        res["startup_wall_s"] = round(mark_wall, 4)
        res["proc_wall_s"] = round(end_wall - mark_wall, 4)
        if mark_cpu is not None:
            res["startup_cpu_s"] = round(mark_cpu, 4)
            res["proc_cpu_s"] = round(end_cpu - mark_cpu, 4)
    if logf:
        logf.close()
    own = last_json("".join(text))
    if own:
        res["own"] = own
        res["proc_wall_s"] = own.get("wall_s")
        res["proc_cpu_s"] = own.get("cpu_s")
        res["own_mbps"] = own.get("mbit_s")
    add_meta(res, meta)
    if out:
        with open(out, "w") as f:
            json.dump(res, f)
    if append:
        with open(append, "a") as f:
            f.write(json.dumps(res) + "\n")
    return 0 if res["rc"] == 0 else 1


def last_json(text):
    """The last JSON object with "packets" in text (dcbox --json), or None."""
    dec = json.JSONDecoder()
    pos = len(text)
    while True:
        pos = text.rfind("{", 0, pos)
        if pos < 0:
            return None
        if pos == 0 or text[pos - 1] == "\n":
            try:
                obj, _ = dec.raw_decode(text, pos)
                if isinstance(obj, dict) and "packets" in obj:
                    return obj
            except ValueError:
                pass


def add_meta(res, meta):
    """Merge --meta pairs, the pcap's figures and the alert count."""
    for k, v in meta.items():
        if k == "rule_files":
            res[k] = v.split(",")
        elif k in ("rules", "rep"):
            res[k] = int(v)
        else:
            res[k] = v
    if "pcap" in meta and os.path.exists(meta["pcap"] + ".json"):
        pc = json.load(open(meta["pcap"] + ".json"))
        res["wire_bytes"] = pc["wire_bytes"]
        res["packets"] = pc["packets"]
        res["pcap_mb"] = round(pc["bytes"] / (1 << 20))
    if "eve" in meta:
        res["alerts"] = sum(sid_counts(meta["eve"]).values())


def rule_sids(paths):
    """{(basename, line): sid} for every enabled rule."""
    m = {}
    sid_re = re.compile(r"[;(\s]sid\s*:\s*(\d+)")
    for path in paths:
        with open(path, errors="replace") as f:
            for n, line in enumerate(f, 1):
                s = line.strip()
                if not s or s.startswith("#"):
                    continue
                g = sid_re.search(s)
                if g:
                    m[(os.path.basename(path), n)] = int(g.group(1))
    return m


def not_loaded(log, engine):
    """{(basename, line)} of rules an engine's load log says it dropped."""
    if not log or not os.path.exists(log):
        return set()
    if engine == "suricata":
        pat = re.compile(r'from file (\S+) at line (\d+)')
    else:
        pat = re.compile(r'^(\S+?):(\d+): (?:warning|error)')
    bad = set()
    with open(log, errors="replace") as f:
        for line in f:
            g = pat.search(line)
            if g:
                bad.add((os.path.basename(g.group(1)), int(g.group(2))))
    return bad


def sid_counts(eve):
    c = collections.Counter()
    if not eve or not os.path.exists(eve):
        return c
    with open(eve, errors="replace") as f:
        for line in f:
            if '"alert"' not in line:
                continue
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("event_type") == "alert":
                c[e["alert"]["signature_id"]] += 1
    return c


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, nd=2):
    if x is None:
        return "-"
    if isinstance(x, float):
        return "%.*f" % (nd, x)
    return str(x)


def summarize(runs):
    """One row per (ruleset, engine): medians over repetitions."""
    rows = collections.OrderedDict()
    for r in runs:
        rows.setdefault((r["ruleset"], r["engine"]), []).append(r)
    out = []
    for (rs, eng), reps in rows.items():
        wall = median(r.get("proc_wall_s") for r in reps)
        cpu = median(r.get("proc_cpu_s") for r in reps)
        row = {"ruleset": rs, "engine": eng, "reps": len(reps),
               "rules": reps[0].get("rules"), "proc_wall_s": wall,
               "proc_cpu_s": cpu,
               "total_wall_s": median(r.get("wall_s") for r in reps),
               "startup_s": median(r.get("startup_wall_s") for r in reps),
               "alerts": reps[0].get("alerts"),
               "pcap_mb": reps[0].get("pcap_mb"),
               "rc": max(r.get("rc", 0) for r in reps)}
        t = cpu if cpu else wall
        if t and reps[0].get("wire_bytes"):
            row["mbps"] = reps[0]["wire_bytes"] * 8 / t / 1e6
            row["kpps"] = reps[0]["packets"] / t / 1e3
        row["own_mbps"] = median(r.get("own_mbps") for r in reps)
        out.append(row)
    return out


def table(rows):
    lines = ["| rules | engine | pcap MB | Mbit/s | kpps | alerts | "
             "CPU s | wall s | start-up s | x Suricata |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    ref = {r["ruleset"]: r.get("mbps") for r in rows
           if r["engine"] == "suricata"}
    for r in rows:
        ratio = None
        if r.get("mbps") and ref.get(r["ruleset"]):
            ratio = r["mbps"] / ref[r["ruleset"]]
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            "%s (%s)" % (r["ruleset"], fmt(r["rules"])),
            r["engine"] + (" (rc %d)" % r["rc"] if r["rc"] else ""),
            fmt(r.get("pcap_mb")), fmt(r.get("mbps"), 0), fmt(r.get("kpps"), 0),
            fmt(r["alerts"]), fmt(r["proc_cpu_s"]), fmt(r["proc_wall_s"]),
            fmt(r["startup_s"]), fmt(ratio)))
    return lines


def compare(rs, runs, suffix=""):
    """Per-sid alert comparison of dcbox and Suricata for one rule set."""
    byeng = {r["engine"]: r for r in runs
             if r["ruleset"] == rs and r.get("rep", 1) == 1}
    dce, sue = "dcbox" + suffix, "suricata" + suffix
    if dce not in byeng or sue not in byeng:
        return None, []
    dc, su = byeng[dce], byeng[sue]
    sids = rule_sids(dc["rule_files"])
    both = set(sids) - not_loaded(dc.get("load_log"), "dcbox") - \
        not_loaded(su.get("load_log"), "suricata")
    ok_sids = {sids[k] for k in both}
    cd, cs = sid_counts(dc.get("eve")), sid_counts(su.get("eve"))
    diffs = []
    for sid in sorted(set(cd) | set(cs)):
        if sid in ok_sids and cd[sid] != cs[sid]:
            diffs.append((sid, cd[sid], cs[sid]))
    res = {"ruleset": rs, "mode": "inline" if suffix else "ids",
           "rules_both_loaded": len(ok_sids),
           "dcbox_alerts": sum(cd[s] for s in ok_sids),
           "suricata_alerts": sum(cs[s] for s in ok_sids),
           "sids_fired_dcbox": len([s for s in cd if s in ok_sids]),
           "sids_fired_suricata": len([s for s in cs if s in ok_sids]),
           "sids_same": len([s for s in set(cd) | set(cs)
                             if s in ok_sids and cd[s] == cs[s]]),
           "sids_differ": len(diffs), "diffs": diffs[:50]}
    lines = ["", "### Alerts on %s%s (%d rules loaded by both)" %
             (rs, ", inline (dcbox --inline, suricata --simulate-ips)"
              if suffix else "", len(ok_sids)), "",
             "dcbox %d alerts from %d sids, Suricata %d alerts from %d sids; "
             "%d sids agree, %d differ" % (
                 res["dcbox_alerts"], res["sids_fired_dcbox"],
                 res["suricata_alerts"], res["sids_fired_suricata"],
                 res["sids_same"], res["sids_differ"])]
    if diffs:
        lines += ["", "| sid | dcbox | Suricata |", "|---|---|---|"]
        lines += ["| %d | %d | %d |" % x for x in diffs[:20]]
        if len(diffs) > 20:
            lines.append("| ... %d more | | |" % (len(diffs) - 20))
    return res, lines


def cmd_report(d):
    runs = [json.loads(l) for l in open(os.path.join(d, "runs.jsonl"))]
    pcaps = collections.OrderedDict()
    for r in runs:
        pcaps.setdefault(r.get("pcap"), 1)
    rows = summarize(runs)
    lines = ["# dcbox IPS offline benchmark", ""]
    for path in pcaps:
        if not path or not os.path.exists(path + ".json"):
            continue
        pc = json.load(open(path + ".json"))
        lines.append("pcap %s: %d packets, %.1f MB on the wire, %d "
                     "connections, %d HTTP requests (%s)." % (
                         os.path.basename(path), pc["packets"],
                         pc["wire_bytes"] / 1e6, pc["connections"],
                         pc["requests"], ", ".join(
                             "%s %d" % kv for kv in pc["attacks"].items())))
    lines += ["", "Mbit/s and kpps: the pcap's wire bytes and packets over "
              "the engine's processing CPU seconds (rule loading and "
              "start-up excluded), medians over repetitions; one core "
              "per engine.", ""]
    lines += table(rows)
    cmps = []
    for rs in collections.OrderedDict((r["ruleset"], 1) for r in runs):
        for suffix in ("", "-inline"):
            c, cl = compare(rs, runs, suffix)
            if c:
                cmps.append(c)
                lines += cl
    text = "\n".join(lines) + "\n"
    with open(os.path.join(d, "summary.md"), "w") as f:
        f.write(text)
    with open(os.path.join(d, "summary.json"), "w") as f:
        json.dump({"rows": rows, "alerts": cmps}, f, indent=1)
    sys.stdout.write(text)
    return 0


def main():
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    if sys.argv[1] == "run":
        return cmd_run(sys.argv[2:])
    if sys.argv[1] == "sids":
        for (f, n), sid in sorted(rule_sids(sys.argv[2:]).items()):
            print(sid, "%s:%d" % (f, n))
        return 0
    if sys.argv[1] == "report":
        return cmd_report(sys.argv[2])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
