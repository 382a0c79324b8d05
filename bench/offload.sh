#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/offload.sh - the switch's kernel fast path against the Linux bridge
# and against dcbox with the fast path off, interleaved in one run.
#
#   sudo bench/offload.sh            # 5 rounds, ping -i 0.01 -c 2000, 5-s TCP
#   ROUNDS=3 PC=1000 DUR=3 sudo bench/offload.sh
#
# Three pairs of namespaces, all 10.79.0.1 -> 10.79.0.2 (traffic stays in
# namespaces this script creates): bridge (obf1/obf2 on a kernel bridge in
# obfsw), dcbox-on (topology "obon", default offload) and dcbox-off
# (topology "oboff", started with DCBOX_OFFLOAD=0). Each round measures
# ping RTT p50/p99 and iperf3 TCP for each, in a rotating order; the end
# prints the medians and their ratios to the bridge. Output: $OUT (default
# a temp dir): per-round ping/iperf3 output and summary.txt.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DCBOX=${DCBOX:-$ROOT/build/dcbox}
ROUNDS=${ROUNDS:-5} PC=${PC:-2000} DUR=${DUR:-5}
OUT=${OUT:-$(mktemp -d /tmp/dcbox-offload.XXXXXX)}
PY=/usr/bin/python3
[ -x "$DCBOX" ] || { echo "no $DCBOX (make first, or set DCBOX=)" >&2; exit 1; }
mkdir -p "$OUT"

topo() { # NAME H1 H2
	cat >"$OUT/$1.yaml" <<Y
name: $1
switches:
  sw: {}
hosts:
  $2: { switch: sw, ip: 10.79.0.1/24 }
  $3: { switch: sw, ip: 10.79.0.2/24 }
Y
}

bridge_up() {
	local i
	for i in obf1 obf2 obfsw; do ip netns add $i || return 1; done
	ip -n obfsw link add br0 type bridge stp_state 0 || return 1
	for i in 1 2; do
		ip link add obe$i netns obf$i type veth peer name sw$i \
			netns obfsw || return 1
		ip -n obfsw link set sw$i master br0 &&
			ip -n obfsw link set sw$i up &&
			ip -n obf$i addr add 10.79.0.$i/24 dev obe$i &&
			ip -n obf$i link set obe$i up &&
			ip -n obf$i link set lo up || return 1
	done
	ip -n obfsw link set br0 up
}

cleanup() {
	local i
	"$DCBOX" -t obon down >/dev/null 2>&1
	"$DCBOX" -t oboff down >/dev/null 2>&1
	for i in obf1 obf2 obfsw; do ip netns del $i 2>/dev/null; done
}
trap cleanup EXIT

measure() { # NAME NS1 NS2 ROUND
	local f=$OUT/$1.r$4
	ip netns exec "$2" ping -n -c 3 -i 0.2 -q 10.79.0.2 >/dev/null
	ip netns exec "$2" ping -n -i 0.01 -c "$PC" -W 1 10.79.0.2 >"$f.ping"
	ip netns exec "$3" iperf3 -s -1 -D -p 5299
	sleep 0.3
	ip netns exec "$2" iperf3 -c 10.79.0.2 -p 5299 -t "$DUR" -J \
		>"$f.iperf" 2>&1
	$PY - "$f" <<'P'
import json, re, sys
f = sys.argv[1]
t = sorted(float(x) for x in re.findall(r'time=([\d.]+) ms', open(f + '.ping').read()))
n = len(t)
p50, p99 = t[n // 2] * 1000, t[min(n - 1, int(n * 0.99))] * 1000
try:
    g = json.load(open(f + '.iperf'))['end']['sum_received']['bits_per_second'] / 1e9
except Exception:
    g = float('nan')
print(f"{f.split('/')[-1]:18s} n={n} p50={p50:.0f}us p99={p99:.0f}us tcp={g:.2f}Gb/s")
open(f + '.sum', 'w').write(f"{p50} {p99} {g}\n")
P
}

cleanup
topo obon obon1 obon2
topo oboff oboff1 oboff2
bridge_up || { echo "bridge set-up failed" >&2; exit 1; }
"$DCBOX" up "$OUT/obon.yaml" || exit 1
DCBOX_OFFLOAD=0 "$DCBOX" up "$OUT/oboff.yaml" || exit 1
for r in $(seq 1 "$ROUNDS"); do
	case $((r % 3)) in
	1) order="bridge off on" ;;
	2) order="on bridge off" ;;
	*) order="off on bridge" ;;
	esac
	for c in $order; do
		case $c in
		bridge) measure bridge obf1 obf2 "$r" ;;
		off) measure dcbox-off oboff1 oboff2 "$r" ;;
		on) measure dcbox-on obon1 obon2 "$r" ;;
		esac
	done
done
"$DCBOX" -t obon show ports >"$OUT/obon-ports.txt"
$PY - "$OUT" <<'P' | tee "$OUT/summary.txt"
import glob, statistics as st, sys
o = sys.argv[1]
res = {}
for c in ['bridge', 'dcbox-off', 'dcbox-on']:
    v = [list(map(float, open(f).read().split())) for f in sorted(glob.glob(f'{o}/{c}.r*.sum'))]
    res[c] = [st.median(x[i] for x in v) for i in range(3)]
b = res['bridge']
print(f"medians of {len(v)} rounds; ratios to the bridge")
for c, v in res.items():
    print(f"{c:10s} p50 {v[0]:5.0f} us ({v[0] / b[0]:.2f}x)  p99 {v[1]:6.0f} us "
          f"({v[1] / b[1]:.2f}x)  TCP {v[2]:6.2f} Gbit/s ({v[2] / b[2]:.2f}x)")
P
echo "raw: $OUT"
