#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copied from the shared peerbench harness (../shared/peerbench/cpuattr.py).
"""Attribute host CPU time between two /proc snapshots (noise detection).

  cpuattr.py snap                      -> snapshot of all processes on stdout
  cpuattr.py diff A B ROOTPID [PID...] -> key=value lines on stdout

Per process the counter is utime+stime+cutime+cstime (clock ticks), so CPU of
short-lived children that exited *and were reaped* inside the window is
credited to their (surviving) parent. Classes:
  ours     ROOTPID (the harness shell) and its descendants, plus the listed
           PIDs (daemons/servers the harness started that were reparented)
  kthread  kernel threads (pid 2 and its children: ksoftirqd, kworker, ...);
           this is mostly softirq/network work done on our behalf
  foreign  everything else: other users of this machine
"""
import os
import sys


def snap():
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
        except OSError:
            continue
        l, r = s.index("("), s.rindex(")")
        comm = s[l + 1:r].replace(" ", "_") or "?"
        fl = s[r + 2:].split()  # fl[0] is field 3
        ppid = int(fl[1])
        ticks_self = int(fl[11]) + int(fl[12])
        ticks_child = int(fl[13]) + int(fl[14])
        start = fl[19]
        out.append(f"{d} {ppid} {start} {ticks_self} {ticks_child} {comm}")
    print("\n".join(out))


def load(path):
    procs = {}
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) < 6:
                continue
            pid, ppid, start, ts, tc, comm = int(p[0]), int(p[1]), p[2], int(p[3]), int(p[4]), p[5]
            procs[(pid, start)] = (ppid, ts + tc, comm)
    return procs


def diff(a_path, b_path, root, ours):
    a, b = load(a_path), load(b_path)
    parent = {pid: v[0] for (pid, _), v in list(a.items()) + list(b.items())}

    def cls(pid):
        if pid == 2 or parent.get(pid) == 2:
            return "kthread"
        seen, p = set(), pid
        while p and p not in seen:
            if p == root or p in ours:
                return "ours"
            seen.add(p)
            p = parent.get(p)
        return "foreign"

    tot = {"ours": 0, "kthread": 0, "foreign": 0}
    fproc = {}
    for key, (ppid, t, comm) in b.items():
        d = t - a[key][1] if key in a else t
        if d <= 0:
            continue
        c = cls(key[0])
        tot[c] += d
        if c == "foreign":
            fproc[comm] = fproc.get(comm, 0) + d
    for k, v in tot.items():
        print(f"{k}_ticks={v}")
    top = sorted(fproc.items(), key=lambda kv: -kv[1])[:3]
    print("top_foreign=" + ",".join(f"{c}:{t}" for c, t in top))


if __name__ == "__main__":
    if sys.argv[1:2] == ["snap"]:
        snap()
    elif sys.argv[1:2] == ["diff"] and len(sys.argv) >= 5:
        diff(sys.argv[2], sys.argv[3], int(sys.argv[4]), {int(x) for x in sys.argv[5:]})
    else:
        sys.exit(__doc__)
