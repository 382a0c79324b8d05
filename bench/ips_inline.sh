#!/bin/bash
# SPDX-License-Identifier: MIT
# ips_inline.sh - the inline part of the IPS benchmark (bench/ips.sh full):
# the shop's shape (examples/shop-ips.yaml: a client on switch front, a web
# server on switch back, the inline firewall between them with the policy
# opened for HTTP) as topology "ibx" with its own host names, run with the
# firewall's IPS off and then on, and for each:
#
#   - TCP: iperf3 -C cubic -t DUR client -> server (port 5201, allowed by
#     the policy, inspected as raw TCP by the IPS), receiver goodput;
#   - HTTP: REQS keep-alive GETs with one curl (URL glob, one connection)
#     against a small threaded HTTP/1.1 server, requests per second;
#   - the daemon's CPU seconds (utime+stime, /proc/PID/stat) per test, as
#     % of one core.
#
#   ibxc 10.96.0.5 --[front]== fw (inline, IPS off|on) ==[back]-- ibxw 10.96.0.31
#
# Usage (root): bench/ips_inline.sh   (OUT=DIR, DUR=5, REQS=3000,
#               IPS_RULES=bench/ips-10.rules, REPS=3, DCBOX)
# Prints a markdown table; raw output in OUT/inline/. Everything made here
# is removed on exit by a trap.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
DCBOX=${DCBOX:-$ROOT/${BUILDDIR:-build}/dcbox}
DUR=${DUR:-5}
REQS=${REQS:-3000}
REPS=${REPS:-3}
IPS_RULES=${IPS_RULES:-$HERE/ips-10.rules}
OUT=${OUT:-$HERE/results/ips-inline-$(date -u +%Y%m%dT%H%M%SZ)}
D=$OUT/inline
TOPO=ibx
NS="ibxc ibxw"
PIDS=()
UP=0

[ "$(id -u)" = 0 ] || { echo "ips_inline.sh: run as root" >&2; exit 1; }
[ -x "$DCBOX" ] || { echo "ips_inline.sh: no $DCBOX" >&2; exit 1; }
for c in iperf3 curl python3; do
	command -v $c >/dev/null || { echo "ips_inline.sh: no $c" >&2; exit 1; }
done
mkdir -p "$D" || exit 1

cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	PIDS=()
	if [ $UP = 1 ]; then
		"$DCBOX" -t $TOPO down >>"$D/setup.log" 2>&1
		cp "/run/dcbox/$TOPO.log" "$D/daemon-$1.log" 2>/dev/null &&
			rm -f "/run/dcbox/$TOPO.log"
		UP=0
	fi
}
trap 'cleanup exit' EXIT
trap 'exit 130' INT TERM

for n in $NS; do
	if ip netns list | awk '{print $1}' | grep -qx "$n"; then
		echo "ips_inline.sh: netns $n exists already" >&2; exit 1
	fi
done

topology() { # on|off
	cat <<EOF
name: $TOPO
switches:
  front: {}
  back: {}
hosts:
  ibxc: { switch: front, ip: 10.96.0.5/24 }
  ibxw: { switch: back, ip: 10.96.0.31/24 }
firewalls:
  fw:
    inline: [front, back]
    default: drop
EOF
	[ "$1" = on ] && echo "    ips: $IPS_RULES"
	cat <<EOF
    rules:
      - allow tcp from any to ibxw port 80
      - allow tcp from any to ibxw port 5201
      - allow icmp from any to any
EOF
}

# One write per response and TCP_NODELAY: split writes would meet the
# client's delayed ACK (40 ms a request).
cat >"$D/httpd.py" <<'EOF'
import http.server, sys
BODY = b"<html><body>" + b"ok " * 330 + b"</body></html>\n"
RESP = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
        b"Content-Length: %d\r\n\r\n" % len(BODY)) + BODY
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    def do_GET(self):
        self.wfile.write(RESP)
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer((sys.argv[1], 80), H).serve_forever()
EOF

daemon_pid() {
	local pid
	pid=$("$DCBOX" -t $TOPO status --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
ts = d.get("topologies", [d])
print(int(next(t["pid"] for t in ts if t.get("name", sys.argv[1]) == sys.argv[1])))' $TOPO 2>/dev/null)
	if [ -z "$pid" ] && [ -s "/run/dcbox/$TOPO.pid" ]; then
		pid=$(tr -dc 0-9 <"/run/dcbox/$TOPO.pid")
	fi
	[ -n "$pid" ] && [ -d "/proc/$pid" ] && echo "$pid"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# one_rep MODE REP: prints "MODE REP gbit tcp_cpu_s rps http_cpu_s"
one_rep() {
	local m=$1 r=$2 f=$D/$1-$2 pid t0 t1 c0 c1 gbit rps tcpcpu httpcpu
	topology "$m" >"$D/$TOPO-$m.yaml"
	"$DCBOX" up "$D/$TOPO-$m.yaml" >>"$D/setup.log" 2>&1 || return 1
	UP=1
	pid=$(daemon_pid) || return 1
	ip netns exec ibxc ping -c 3 -i 0.2 -W 2 10.96.0.31 >"$f.ping" 2>&1 ||
		return 1
	ip netns exec ibxw iperf3 -s -1 >"$f.iperf-server" 2>&1 &
	PIDS+=($!)
	ip netns exec ibxw python3 "$D/httpd.py" 10.96.0.31 >/dev/null 2>&1 &
	PIDS+=($!)
	sleep 1
	c0=$(cpu_ticks "$pid")
	ip netns exec ibxc iperf3 -c 10.96.0.31 -C cubic -t "$DUR" -J \
		>"$f.iperf.json" 2>&1
	c1=$(cpu_ticks "$pid")
	gbit=$(python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e9))' "$f.iperf.json" 2>/dev/null || echo -)
	tcpcpu=$(python3 -c "print('%.2f' % (($c1 - $c0) / $(getconf CLK_TCK)))")
	c0=$(cpu_ticks "$pid")
	t0=$(date +%s.%N)
	ip netns exec ibxc curl -s -o /dev/null -w '%{http_code}\n' \
		"http://10.96.0.31/p[1-$REQS]" >"$f.curl" 2>&1
	t1=$(date +%s.%N)
	c1=$(cpu_ticks "$pid")
	rps=$(python3 -c "
ok = sum(1 for l in open('$f.curl') if l.strip() == '200')
print('%.0f' % (ok / ($t1 - $t0)), ok)")
	httpcpu=$(python3 -c "print('%.0f' % (100 * ($c1 - $c0) / $(getconf CLK_TCK) / ($t1 - $t0)))")
	"$DCBOX" -t $TOPO show ips --json >"$f.show-ips.json" 2>&1
	cleanup "$m-$r"
	echo "$m $r $gbit $tcpcpu $(python3 -c "print('%.0f' % (100 * $tcpcpu / $DUR))") $rps $httpcpu"
}

echo "| IPS | rep | TCP Gbit/s | daemon CPU-s (TCP) | % of 1 core | HTTP req/s | requests ok | daemon % of 1 core (HTTP) |" >"$D/runs.md"
echo "|---|---|---|---|---|---|---|---|" >>"$D/runs.md"
for r in $(seq 1 "$REPS"); do
	for m in off on; do
		line=$(one_rep $m "$r") || { echo "ips_inline.sh: $m rep $r failed (see $D)" >&2; cleanup fail; continue; }
		echo "| ${line// / | } |" >>"$D/runs.md"
	done
done
python3 - "$D/runs.md" <<'EOF'
import statistics, sys
rows = [l.strip("| \n").split(" | ") for l in open(sys.argv[1])][2:]
print("# dcbox inline IPS: firewall with the IPS off vs on (%s)\n" % "medians")
print("| IPS | TCP Gbit/s | daemon % of 1 core (TCP) | HTTP req/s | daemon % of 1 core (HTTP) | reps |")
print("|---|---|---|---|---|---|")
for m in ("off", "on"):
    rs = [r for r in rows if r[0] == m]
    def med(i):
        v = [float(r[i]) for r in rs if r[i] not in ("-", "")]
        return "%.2f" % statistics.median(v) if v else "-"
    print("| %s | %s | %s | %s | %s | %d |" % (m, med(2), med(4), med(5), med(7), len(rs)))
print()
print(open(sys.argv[1]).read())
EOF
