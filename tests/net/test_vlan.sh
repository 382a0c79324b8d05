#!/bin/bash
# test_vlan.sh - the foundation example, examples/two-tier-vlan.yaml:
#
#   a1(v10) b1(v20) vm1(v10)          a2(v10) b2(v20)
#       \     |     /                     \     /
#        [  tor1  ] ==== trunk 10,20 ==== [ tor2 ]
#
# a1 reaches a2 across the trunk (ping, iperf3); b2 (VLAN 20, same subnet)
# reaches neither a1 nor a2 by ARP, ping or broadcast; flooding stays in
# the VLAN; MAC tables and ports show up in --json; down leaves nothing.
. "$(dirname "$0")/lib.sh"
ex=$(cd "$(dirname "$0")/../.." && pwd)/examples/two-tier-vlan.yaml

names='a1|a2|b1|b2|lab-|lab[.]'
before=$(machine_state "$names")
check "up two-tier-vlan" up "$ex" lab
check "a1 pings a2 across the trunk" dc exec a1 -- ping -c 3 -i 0.2 -W 2 10.10.0.2
check "a2 pings a1 back" dc exec a2 -- ping -c 2 -i 0.2 -W 2 10.10.0.1
check_not "b2 cannot ping a1 (other VLAN)" dc exec b2 -- ping -c 2 -i 0.2 -W 1 10.10.0.1
check_not "b2 cannot ping a2 (other VLAN)" dc exec b2 -- ping -c 2 -i 0.2 -W 1 10.10.0.2
dc exec b2 -- ip neigh flush dev eth0 >/dev/null 2>&1
dc exec b2 -- ping -c 1 -W 1 10.10.0.1 >/dev/null 2>&1
check_not "b2 has no ARP entry for a1" sh -c "dc() { \"$DCBOX\" \"\$@\"; }; \"$DCBOX\" exec b2 -- ip neigh show 10.10.0.1 | grep -q lladdr"

# A broadcast from b2 must reach no host of VLAN 10, one from a2 must reach a1.
cap_bcast() { # HOST SENDER: count broadcast UDP frames seen by HOST
	"$DCBOX" exec "$1" -- timeout 3 tcpdump -n -i eth0 -c 3 'udp port 9999' >"$T_DIR/cap.$1" 2>/dev/null &
	local p=$!; sleep 1
	"$DCBOX" exec "$2" -- /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
for _ in range(3): s.sendto(b"x", ("10.10.0.255", 9999))'
	wait $p; grep -c 'UDP' "$T_DIR/cap.$1"
}
n=$(cap_bcast a1 b2); [ "${n:-0}" = 0 ] && ok "broadcast from b2 does not reach a1" || fail "broadcast from b2 reached a1 ($n)"
n=$(cap_bcast a1 a2); [ "${n:-0}" -ge 1 ] && ok "broadcast from a2 reaches a1" || fail "broadcast from a2 did not reach a1"
n=$(cap_bcast b1 a2); [ "${n:-0}" = 0 ] && ok "broadcast from a2 does not reach b1" || fail "broadcast from a2 reached b1 ($n)"

bg_in a2 iperf3 -s -1
sleep 0.5
check "iperf3 a1 -> a2 across the trunk" dc exec a1 -- iperf3 -c 10.10.0.2 -t 2 -J
/usr/bin/python3 -c 'import json,sys; print("    # iperf3 %.2f Gbit/s" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]/1e9))' "$T_DIR/last.out" 2>/dev/null

a1mac=$(dc exec a1 -- cat /sys/class/net/eth0/address)
check "show mac: a1 learned on tor1 vlan 10 port a1" sh -c "'$DCBOX' -t lab show mac tor1 --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if any(e[\"mac\"]==\"$a1mac\" and e[\"vlan\"]==10 and e[\"port\"]==\"a1\" for e in d[\"mac\"]) else 1)'"
check "show mac: a1 learned on tor2 via the trunk" sh -c "'$DCBOX' -t lab show mac tor2 --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if any(e[\"mac\"]==\"$a1mac\" and e[\"port\"]==\"tor2.tor1\" for e in d[\"mac\"]) else 1)'"
check "show ports --json counts frames" sh -c "'$DCBOX' -t lab show ports --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); p={x[\"name\"]:x for x in d[\"ports\"]}; sys.exit(0 if p[\"a1\"][\"rx_packets\"]>0 and p[\"tor1.tor2\"][\"mode\"]==\"trunk\" and p[\"tor1.tor2\"][\"vlans\"]==[10,20] and p[\"vm1\"][\"kind\"]==\"tap\" else 1)'"
check "show topology" sh -c "'$DCBOX' -t lab show topology | grep -q 'link tor1 <-> tor2 trunk 10,20'"
check "status --json" sh -c "'$DCBOX' -t lab status --json | grep -q '\"name\": \"lab\"'"
check "down" dc -t lab down
after=$(machine_state "$names")
if [ "$before" = "$after" ]; then ok "down leaves the machine as it was"; else fail "machine state differs after down"; diff <(echo "$before") <(echo "$after") | sed 's/^/    # /'; fi
t_done
