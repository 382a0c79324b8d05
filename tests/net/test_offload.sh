#!/bin/bash
# test_offload.sh - the switch's kernel fast path (src/node/offload.c):
#
#   o1 (VLAN 10) ---+
#   o2 (VLAN 10) ---+-- [ sw ]             o3: VLAN 20, o1's subnet
#   o3 (VLAN 20) ---+
#   p1, p2 -------- [ slow (offload: false) ]
#   a1, a2 -------- [ age (mac-aging: 3) ]
#
# a known-unicast conversation gets a tc BPF filter on both host ports (tc
# filter show lists dcbox_fwd) and its frames still count in show ports; a
# VLAN 20 host that knows o1's MAC still cannot reach it; a capture on o1
# removes the fast path first and then sees every frame; a MAC that moves
# removes the flows that used it; offloaded MACs do not age while their
# flows carry traffic, and age (taking the flows along) once it stops;
# `offload: false` installs nothing; down
# leaves nothing.
. "$(dirname "$0")/lib.sh"
f=$(topo_file tofl <<'Y'
name: tofl
switches:
  sw: {}
  slow: { offload: false }
  age: { mac-aging: 3 }
hosts:
  o1: { switch: sw, vlan: 10, ip: 10.12.0.1/24 }
  o2: { switch: sw, vlan: 10, ip: 10.12.0.2/24 }
  o3: { switch: sw, vlan: 20, ip: 10.12.0.3/24 }
  p1: { switch: slow, ip: 10.13.0.1/24 }
  p2: { switch: slow, ip: 10.13.0.2/24 }
  a1: { switch: age, ip: 10.14.0.1/24 }
  a2: { switch: age, ip: 10.14.0.2/24 }
Y
)
check "up" up "$f" tofl || t_done
has_fwd() { tc filter show dev "tofl-$1" ingress 2>/dev/null | grep -q dcbox_fwd; }
port() { # PORT EXPR: EXPR over port PORT's JSON (p)
	dc -t tofl show ports --json | /usr/bin/python3 -c '
import json,sys
p=[x for x in json.load(sys.stdin)["ports"] if x["name"]==sys.argv[1]][0]
print(eval(sys.argv[2]))' "$1" "$2"
}
flows() { dc -t tofl show ports --json | jget 'sum(p.get("offload_flows",0) for p in d["ports"])'; }

check "o1 pings o2" dc exec o1 -- ping -c 3 -i 0.2 -W 2 10.12.0.2
check "fast path on o1 (tc filter show)" has_fwd o1
check "fast path on o2 (tc filter show)" has_fwd o2
n=$(flows)
[ "$n" = 2 ] && ok "2 flows offloaded" || fail "$n flows offloaded, want 2"
check "offloaded ping works" dc exec o1 -- ping -c 20 -i 0.01 -W 2 10.12.0.2
sleep 1.5
n=$(port o1 'p["offload_rx_packets"]')
[ "${n:-0}" -ge 15 ] && ok "offloaded frames counted ($n)" || fail "offload_rx_packets=$n"
n=$(port o1 'p["rx_packets"]')
[ "${n:-0}" -ge 23 ] && ok "show ports rx counts them ($n)" || fail "o1 rx_packets=$n"

# VLAN 20 host with o1's MAC as a static neighbour: still cut off
m1=$(dc exec o1 -- cat /sys/class/net/eth0/address)
dc exec o3 -- ip neigh replace 10.12.0.1 lladdr "$m1" dev eth0 nud permanent
check_not "VLAN 20 cannot reach VLAN 10 with offload on" \
	dc exec o3 -- ping -c 3 -i 0.2 -W 1 10.12.0.1
check_not "no fast path from o3" has_fwd o3

# a capture on o1 takes o1 out of the fast path first
pc="$T_DIR/o1.pcap"
dc -t tofl capture o1 -w "$pc" -c 10 icmp 2>"$T_DIR/cap.err" &
cp=$!
check "capture removes the fast path on o1" wait_for 3 sh -c "! tc filter show dev tofl-o1 ingress | grep -q dcbox_fwd"
check_not "and on o2 (its only flow went to o1)" has_fwd o2
dc exec o1 -- ping -c 5 -i 0.2 -W 2 10.12.0.2 >/dev/null
wait $cp
n=$(tcpdump -n -r "$pc" 2>/dev/null | grep -c 'ICMP echo')
[ "$n" = 10 ] && ok "capture sees all 10 frames" || fail "capture saw $n ICMP frames"
check "fast path back after the capture" wait_for 3 sh -c "'$DCBOX' -t tofl exec o1 -- ping -c 1 -W 1 10.12.0.2 >/dev/null && tc filter show dev tofl-o1 ingress | grep -q dcbox_fwd"

# o1's MAC appears on o2's port: every flow using it goes
dc exec o2 -- /usr/bin/python3 -c '
import sys
from scapy.all import Ether, IP, UDP, sendp, conf
conf.verb = 0
sendp(Ether(src=sys.argv[1], dst="ff:ff:ff:ff:ff:ff")/IP(dst="10.12.0.255")/UDP(dport=9), iface="eth0")' "$m1"
check "MAC move removes its flows" wait_for 3 sh -c "[ \"\$('$DCBOX' -t tofl show ports --json | grep -o '\"offload_flows\": [1-9]' | wc -l)\" = 0 ]"
check_not "no fast path on o1 after the move" has_fwd o1
check "o1 reaches o2 again after the move" wait_for 5 dc exec o1 -- ping -c 1 -W 1 10.12.0.2

# aging: 6 s of offloaded traffic on a 3 s aging switch ages nothing
aged() { dc -t tofl show switches --json | jget '[s for s in d["switches"] if s["name"]=="age"][0]["counters"]["aged"]'; }
# (first get the flows in and let entries that expired before them be
# swept, so that only aging during the offloaded traffic counts)
check "a1 reaches a2" dc exec a1 -- ping -c 2 -i 0.2 -W 2 10.14.0.2
sleep 1.2
a0=$(aged)
check "a1 pings a2 for 6 s" dc exec a1 -- ping -c 60 -i 0.1 -W 2 10.14.0.2
n=$(port a1 'p["offload_rx_packets"]')
[ "${n:-0}" -ge 40 ] && ok "a1's ping went through the fast path ($n)" || fail "a1 offload_rx_packets=$n"
n=$(( $(aged) - a0 ))
[ "$n" = 0 ] && ok "no MAC aged while offloaded" || fail "$n MACs aged during offloaded traffic"
nmacs() { [ "$(dc -t tofl show mac age --json | jget 'len(d["mac"])')" = 0 ]; }
check "idle: MACs age out" wait_for 8 nmacs
n=$(port a1 'p["offload_flows"]')
[ "$n" = 0 ] && ok "aged MACs take their flows along" || fail "a1 still has $n flows"
check_not "no fast path on a1 after aging" has_fwd a1

# offload: false
check "p1 pings p2" dc exec p1 -- ping -c 3 -i 0.2 -W 2 10.13.0.2
check_not "offload: false installs nothing" has_fwd p1
n=$(port p1 'p["offload"]')
[ "$n" = False ] && ok "show ports: offload false on p1" || fail "p1 offload=$n"

check "down" dc -t tofl down
check_not "no filter left (links gone)" ip link show tofl-o1
t_done
