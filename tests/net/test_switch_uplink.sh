#!/bin/bash
# test_switch_uplink.sh - a switch bridged onto an existing host interface
# (`switches: tor1: { uplink: tupx0, uplink-vlans: [30] }`); a veth whose
# other end sits in namespace lanx plays the real LAN, and the root side
# carries the host's own address, as a NIC would:
#
#   h (10.60.0.10) --+
#                    [tor1] --uplink tupx0 (host: 10.60.0.254)-- veth -- lanx (10.60.0.1)
#   g (VLAN 30,   ---+                                                  + VLAN 30 (scapy: 10.60.30.1)
#      10.60.30.10)
#
# h and lanx reach each other both ways (bridged), g reaches lanx's VLAN 30
# (tagged on the wire; this kernel has no 8021q, so a scapy responder in
# lanx plays the VLAN interface), the host's own traffic over tupx0 keeps
# working before, during and after and never enters the switch, and down
# leaves tupx0 in place with its old promiscuity.
. "$(dirname "$0")/lib.sh"
resp=
ip netns add lanx
ip link add tupx0 type veth peer name eth0 netns lanx
trap '[ -n "$resp" ] && kill $resp 2>/dev/null; ip link del tupx0 2>/dev/null; ip netns del lanx 2>/dev/null; t_cleanup' EXIT
ip addr add 10.60.0.254/24 dev tupx0
ip link set tupx0 up
ip -n lanx addr add 10.60.0.1/24 dev eth0
ip -n lanx link set eth0 up
ip netns exec lanx ethtool -K eth0 rxvlan off >/dev/null 2>&1
promisc() { ip -d link show tupx0 | sed -n 's/.*promiscuity \([0-9]*\).*/\1/p'; }
p0=$(promisc)
check "the host reaches lanx before" ping -c 2 -i 0.2 -W 2 10.60.0.1
f=$(topo_file tsx <<'Y'
name: tsx
switches:
  tor1: { uplink: tupx0, uplink-vlans: [30] }
hosts:
  h: { switch: tor1, ip: 10.60.0.10/24 }
  g: { switch: tor1, vlan: 30, ip: 10.60.30.10/24 }
Y
)
check "up with a switch uplink" up "$f" tsx || t_done
check "the uplink is promiscuous while dcbox runs" test "$(promisc)" -gt "$p0"
check "show ports lists the uplink" sh -c "'$DCBOX' -t tsx show ports | grep -q 'tor1.tupx0.*uplink'"
check "h pings lanx (bridged onto the LAN)" dc exec h -- ping -c 3 -i 0.2 -W 2 10.60.0.1
check "lanx pings h" ip netns exec lanx ping -c 3 -i 0.2 -W 2 10.60.0.10
check "lanx learned h's MAC on the wire" sh -c "ip -n lanx neigh show 10.60.0.10 | grep -q lladdr"
# The host's own traffic: unharmed, and never looped into the switch.
dc exec h -- timeout 4 tcpdump -n -i eth0 -c 1 'icmp and host 10.60.0.254' \
	>"$T_DIR/h.txt" 2>/dev/null &
tp=$!
sleep 1
check "the host reaches lanx while dcbox runs" ping -c 5 -i 0.2 -W 2 10.60.0.1
wait $tp
check "h never saw the host's own pings" sh -c "! grep -q ICMP '$T_DIR/h.txt'"
# VLAN 30: tagged frames on the uplink; scapy in lanx answers ARP and ping.
cat >"$T_DIR/vlan30.py" <<'PY'
import sys
from scapy.all import *
conf.verb = 0
MAC = "02:60:30:00:00:01"
IP_ = "10.60.30.1"
def on(p):
    if Dot1Q not in p or p[Dot1Q].vlan != 30:
        return
    if ARP in p and p[ARP].op == 1 and p[ARP].pdst == IP_:
        sendp(Ether(dst=p.src, src=MAC) / Dot1Q(vlan=30) /
              ARP(op=2, hwsrc=MAC, psrc=IP_, hwdst=p.src, pdst=p[ARP].psrc),
              iface="eth0")
        open(sys.argv[1], "a").write("arp\n")
    elif ICMP in p and p[ICMP].type == 8 and p[IP].dst == IP_:
        sendp(Ether(dst=p.src, src=MAC) / Dot1Q(vlan=30) /
              IP(src=IP_, dst=p[IP].src) /
              ICMP(type=0, id=p[ICMP].id, seq=p[ICMP].seq) /
              p[ICMP].payload, iface="eth0")
sniff(iface="eth0", prn=on, store=0, timeout=20)
PY
ip netns exec lanx /usr/bin/python3 "$T_DIR/vlan30.py" "$T_DIR/tagged" >"$T_DIR/vlan30.log" 2>&1 &
resp=$!
sleep 2
if ! kill -0 $resp 2>/dev/null; then
	echo "# skip VLAN 30 check: scapy responder failed: $(tail -1 "$T_DIR/vlan30.log")"
else
	check "g (VLAN 30) pings lanx's VLAN 30 over the trunk" dc exec g -- ping -c 3 -i 0.3 -W 3 10.60.30.1
	check "the frames were tagged 30 on the wire" test -s "$T_DIR/tagged"
	check_not "h (VLAN 1) cannot reach VLAN 30" dc exec h -- ping -c 1 -W 1 10.60.30.1
	kill $resp 2>/dev/null
	wait $resp 2>/dev/null
	resp=
fi
check "down" dc -t tsx down
check "tupx0 is still there" ip link show tupx0
check "tupx0's promiscuity is back to $p0" test "$(promisc)" = "$p0"
check "the host reaches lanx after" ping -c 2 -i 0.2 -W 2 10.60.0.1
check_not "lanx no longer reaches h" ip netns exec lanx ping -c 1 -W 1 10.60.0.10
t_done
