#!/bin/bash
# SPDX-License-Identifier: MIT
# vxlan.sh - VXLAN throughput: two dcbox daemons against two kernel vxlan
# devices bridged by the Linux bridge, as a ratio.
#
# Usage (root): bench/vxlan.sh [SECONDS] [--json]
#
# dcbox (two topologies, like tests/net/test_vxlan.sh part (b)):
#
#   vbxa1 --[s1]--vx5001 ===== underlay veth ===== vx5001--[s1]-- vbxb1
#   10.97.0.1    (topology vbxa)                   (vbxb)     10.97.0.2
#            socket in netns vbx-ua 198.18.97.1 -- vbx-ub 198.18.97.2
#
# kernel (the same shape, no dcbox):
#
#   vbx-kha --veth-- vbx-ksa [br0: veth + vxlan0] === underlay veth ===
#   10.97.1.1        198.18.97.11       [br0: vxlan0 + veth] vbx-ksb --veth-- vbx-khb
#                                        198.18.97.12                  10.97.1.2
#
# Hosts at MTU 1450 (1500 - 50 bytes of VXLAN encapsulation). Each side:
# iperf3 -C cubic -t SECONDS, one TCP stream a -> b, 3 repetitions
# interleaved (dcbox, kernel, dcbox, ...), median and min-max of the
# receiver's goodput, and for dcbox the CPU seconds of both daemons
# (utime+stime from /proc/PID/stat) over each run. Results go to
# bench/results/vxlan-<UTC>/ (or OUT=DIR). Everything made here is removed
# on exit by a trap (daemons by "dcbox -t NAME down"; their logs are moved
# from /run/dcbox into the results).
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
DCBOX=${DCBOX:-$ROOT/build/dcbox}
REPS=${REPS:-3}
DUR=5
JSON=0
for a in "$@"; do
	case $a in
	--json) JSON=1 ;;
	[0-9]*) DUR=$a ;;
	*) echo "usage: $0 [SECONDS] [--json]" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "vxlan.sh: run as root" >&2; exit 1; }
[ -x "$DCBOX" ] || { echo "vxlan.sh: no $DCBOX (make first)" >&2; exit 1; }
command -v iperf3 >/dev/null || { echo "vxlan.sh: no iperf3" >&2; exit 1; }

UTC=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$HERE/results/vxlan-$UTC}
mkdir -p "$OUT" || exit 1
TMP=$(mktemp -d /tmp/dcbox-vxlan-bench.XXXXXX) || exit 1

MY_NS="vbx-ua vbx-ub vbx-kha vbx-ksa vbx-ksb vbx-khb"
TOPOS="vbxa vbxb"
DC_NS="vbxa1 vbxb1"
PIDS=()
UP_TOPOS=()

log() { [ $JSON = 1 ] || echo "# $*"; }

cleanup() {
	local p t n
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	for t in "${UP_TOPOS[@]}"; do
		"$DCBOX" -t "$t" down >/dev/null 2>&1
		# keep the daemon's log with the results, not in /run/dcbox
		cp "/run/dcbox/$t.log" "$OUT/daemon-$t.log" 2>/dev/null &&
			rm -f "/run/dcbox/$t.log"
	done
	for n in $MY_NS; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Refuse to run over anything of ours that exists already.
for n in $MY_NS $DC_NS; do
	if ip netns list | awk '{print $1}' | grep -qx "$n"; then
		echo "vxlan.sh: netns $n exists (another run? left over?)" >&2
		MY_NS=""; exit 1
	fi
done
for t in $TOPOS; do
	if "$DCBOX" -t "$t" status >/dev/null 2>&1; then
		echo "vxlan.sh: topology $t is up already" >&2
		MY_NS=""; exit 1
	fi
done

# underlay A B IP_A IP_B: two namespaces joined by a veth A0 -- B0
underlay() {
	ip netns add "$1" && ip netns add "$2" || return 1
	ip link add "${1}0" netns "$1" type veth peer name "${2}0" netns "$2" &&
	ip -n "$1" addr add "$3/24" dev "${1}0" &&
	ip -n "$2" addr add "$4/24" dev "${2}0" &&
	ip -n "$1" link set "${1}0" up && ip -n "$2" link set "${2}0" up &&
	ip -n "$1" link set lo up && ip -n "$2" link set lo up
}

# ---- dcbox: two daemons, one VNI ----
dc_side() { # dc_side NAME ME PEER
	cat >"$TMP/$1.yaml" <<Y
name: $1
switches: { s1: {} }
hosts:
  ${1}1: { switch: s1, ip: 10.97.0.$2/24, mac: "02:00:00:00:97:0$2" }
tunnels:
  - { switch: s1, vxlan: { vni: 5001, local: 198.18.97.$2, remote: [198.18.97.$3], netns: ${1/vbx/vbx-u} } }
Y
}
setup_dcbox() {
	underlay vbx-ua vbx-ub 198.18.97.1 198.18.97.2 || return 1
	dc_side vbxa 1 2 && dc_side vbxb 2 1 || return 1
	UP_TOPOS+=(vbxa)
	"$DCBOX" up "$TMP/vbxa.yaml" >>"$OUT/setup.log" 2>&1 || return 1
	UP_TOPOS+=(vbxb)
	"$DCBOX" up "$TMP/vbxb.yaml" >>"$OUT/setup.log" 2>&1 || return 1
	ip netns exec vbxa1 ip link set eth0 mtu 1450 &&
	ip netns exec vbxb1 ip link set eth0 mtu 1450
}

# daemon_pid NAME: the PID of topology NAME's daemon
daemon_pid() {
	local pid
	pid=$("$DCBOX" -t "$1" status --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
ts = d.get("topologies", [d])
print(int(next(t["pid"] for t in ts if t.get("name", sys.argv[1]) == sys.argv[1])))' "$1" 2>/dev/null)
	if [ -z "$pid" ] && [ -s "/run/dcbox/$1.pid" ]; then
		pid=$(tr -dc 0-9 <"/run/dcbox/$1.pid")
	fi
	[ -n "$pid" ] && [ -d "/proc/$pid" ] && echo "$pid"
}

# cpu_ticks PID...: utime+stime of all of them, in clock ticks
cpu_ticks() {
	local p s=0 f
	for p in "$@"; do
		f=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null) || continue
		set -- $f
		s=$((s + ${12} + ${13}))
	done
	echo $s
}

# ---- kernel: bridge + vxlan in a switch namespace per side ----
k_side() { # k_side SIDE(a|b) ME PEER
	local h=vbx-kh$1 s=vbx-ks$1
	ip netns add "$h" || return 1
	ip -n "$h" link set lo up
	ip link add eth0 netns "$h" type veth peer name host0 netns "$s" &&
	ip -n "$h" link set eth0 mtu 1450 &&
	ip -n "$h" addr add "10.97.1.$2/24" dev eth0 &&
	ip -n "$h" link set eth0 up || return 1
	ip -n "$s" link add br0 type bridge &&
	ip -n "$s" link add vxlan0 type vxlan id 5001 local "198.18.97.1$2" \
		remote "198.18.97.1$3" dstport 4789 dev "${s}0" &&
	ip -n "$s" link set host0 master br0 &&
	ip -n "$s" link set vxlan0 master br0 &&
	ip -n "$s" link set host0 up && ip -n "$s" link set vxlan0 up &&
	ip -n "$s" link set br0 up
}
setup_kernel() {
	underlay vbx-ksa vbx-ksb 198.18.97.11 198.18.97.12 || return 1
	k_side a 1 2 && k_side b 2 1
}

# run_iperf NS_CLIENT NS_SERVER DST OUTFILE [PID...]: one TCP run; sets
# BPS (receiver goodput) and TICKS (CPU those PIDs used while the client ran)
run_iperf() {
	local srv c=$1 s=$2 dst=$3 f=$4 t0 t1
	shift 4
	ip netns exec "$s" iperf3 -s -1 -p 5297 >"$f.server" 2>&1 &
	srv=$!
	PIDS+=($srv)
	sleep 0.5
	t0=$(cpu_ticks "$@")
	ip netns exec "$c" iperf3 -c "$dst" -p 5297 -C cubic -t "$DUR" -J \
		>"$f" 2>"$f.err"
	t1=$(cpu_ticks "$@")
	wait $srv 2>/dev/null
	BPS=$(python3 -c '
import json, sys
print(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"])' \
		"$f" 2>/dev/null) || BPS=0
	TICKS=$((t1 - t0))
}

log "setting up dcbox (topologies vbxa, vbxb)"
setup_dcbox || { echo "vxlan.sh: dcbox setup failed, see $OUT/setup.log" >&2; cat "$OUT/setup.log" >&2; exit 1; }
log "setting up kernel (vxlan + bridge)"
setup_kernel >>"$OUT/setup.log" 2>&1 || { echo "vxlan.sh: kernel setup failed, see $OUT/setup.log" >&2; exit 1; }
DPIDS="$(daemon_pid vbxa) $(daemon_pid vbxb)"
[ "$(echo $DPIDS | wc -w)" = 2 ] || { echo "vxlan.sh: no daemon PIDs" >&2; exit 1; }

# connectivity (also warms ARP and MAC learning)
ip netns exec vbxa1 ping -c 3 -i 0.2 -W 2 10.97.0.2 >"$OUT/ping-dcbox.txt" 2>&1 ||
	{ echo "vxlan.sh: dcbox hosts do not ping" >&2; exit 1; }
ip netns exec vbx-kha ping -c 3 -i 0.2 -W 2 10.97.1.2 >"$OUT/ping-kernel.txt" 2>&1 ||
	{ echo "vxlan.sh: kernel hosts do not ping" >&2; exit 1; }

HZ=$(getconf CLK_TCK)
: >"$OUT/runs.tsv"
for r in $(seq 1 "$REPS"); do
	run_iperf vbxa1 vbxb1 10.97.0.2 "$OUT/dcbox-rep$r.json" $DPIDS
	bps=$BPS
	cpu=$(python3 -c "print($TICKS / $HZ)")
	printf 'dcbox\t%s\t%s\t%s\n' "$r" "$bps" "$cpu" >>"$OUT/runs.tsv"
	log "rep $r dcbox  $(python3 -c "print('%.2f' % ($bps / 1e9))") Gbit/s, daemons $cpu CPU-s"
	run_iperf vbx-kha vbx-khb 10.97.1.2 "$OUT/kernel-rep$r.json"
	bps=$BPS
	printf 'kernel\t%s\t%s\t-\n' "$r" "$bps" >>"$OUT/runs.tsv"
	log "rep $r kernel $(python3 -c "print('%.2f' % ($bps / 1e9))") Gbit/s"
done

{
	echo "date $UTC"
	echo "git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)"
	echo "kernel $(uname -r)"
	echo "nproc $(nproc)"
	echo "seconds $DUR reps $REPS"
	echo "iperf3 $(iperf3 --version | head -1)"
} >"$OUT/sysinfo.txt"

python3 - "$OUT" "$DUR" "$JSON" <<'PY'
import json, statistics, sys
out, dur, as_json = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
runs = {"dcbox": [], "kernel": []}
for line in open(out + "/runs.tsv"):
    side, rep, bps, cpu = line.split()
    runs[side].append((float(bps), None if cpu == "-" else float(cpu)))
res = {"seconds": dur}
for side, rs in runs.items():
    g = [b / 1e9 for b, _ in rs]
    c = [x for _, x in rs if x is not None]
    res[side] = {"gbps_median": statistics.median(g), "gbps_min": min(g),
                 "gbps_max": max(g), "gbps": g,
                 "daemon_cpu_s_median": statistics.median(c) if c else None,
                 "daemon_cpu_s": c}
k = res["kernel"]["gbps_median"]
res["ratio_dcbox_kernel"] = res["dcbox"]["gbps_median"] / k if k else None
json.dump(res, open(out + "/summary.json", "w"), indent=1)
lines = ["| setup | TCP Gbit/s median (min-max) | CPU-s of the daemons per %d-s run |" % dur,
         "|---|---|---|"]
for side in ("dcbox", "kernel"):
    s = res[side]
    cpu = ("%.2f (%.0f%% of 1 core)" % (s["daemon_cpu_s_median"],
           100 * s["daemon_cpu_s_median"] / dur)
           if s["daemon_cpu_s_median"] is not None else "kernel (softirq)")
    lines.append("| %s | %.2f (%.2f-%.2f) | %s |" % (side, s["gbps_median"],
                 s["gbps_min"], s["gbps_max"], cpu))
r = res["ratio_dcbox_kernel"]
lines.append("")
lines.append("ratio dcbox/kernel (median TCP): %s" % ("%.2f" % r if r else "n/a"))
open(out + "/summary.md", "w").write("\n".join(lines) + "\n")
if as_json:
    print(json.dumps(res, indent=1))
else:
    print("\n".join(lines))
    print("results: %s" % out)
PY
