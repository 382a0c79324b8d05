#!/bin/bash
# test_mac.sh - MAC learning behaviour on one switch:
#
#   m1 ---+
#   m2 ---+-- [ sw (mac-aging 2 s) ]
#   m3 ------ [ sw2 ] ---- m4        m3: mac-limit 3
#
# a MAC that moves from m1's port to m2's is followed by the table; aging
# removes entries after mac-aging seconds; the per-port MAC limit holds
# while known addresses keep working.
. "$(dirname "$0")/lib.sh"
f=$(topo_file tmac <<'Y'
name: tmac
switches:
  sw: { mac-aging: 2 }
  sw2: {}
hosts:
  m1: { switch: sw, ip: 10.9.0.1/24 }
  m2: { switch: sw, ip: 10.9.0.2/24 }
  m3: { switch: sw2, ip: 10.9.0.3/24, mac-limit: 3 }
  m4: { switch: sw2, ip: 10.9.0.4/24 }
Y
)
check "up" up "$f" tmac || t_done
macs_on() { # PORT: MACs the table has on PORT
	dc -t tmac show mac sw2 --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(sorted(e["mac"] for e in d["mac"] if e["port"]==sys.argv[1])))' "$1"
}
send_from() { # HOST SRCMAC...: one broadcast frame from each source MAC
	local h=$1; shift
	dc exec "$h" -- /usr/bin/python3 -c '
import sys
from scapy.all import Ether, IP, UDP, sendp, conf
conf.verb = 0
sendp([Ether(src=m, dst="ff:ff:ff:ff:ff:ff")/IP(dst="10.9.0.255")/UDP(dport=9) for m in sys.argv[1:]], iface="eth0")' "$@"
}
mv=02:00:00:00:aa:01
send_from m1 $mv
check "MAC learned on m1" wait_for 3 sh -c "'$DCBOX' -t tmac show mac sw --json | grep -A3 '$mv' | grep -q '\"port\": \"m1\"'"
send_from m2 $mv
check "MAC moved to m2" wait_for 3 sh -c "'$DCBOX' -t tmac show mac sw --json | grep -A3 '$mv' | grep -q '\"port\": \"m2\"'"
check "moved counter" sh -c "'$DCBOX' -t tmac show switches --json | grep -q '\"moved\": [1-9]'"
check "m1 pings m2" dc exec m1 -- ping -c 1 -W 2 10.9.0.2
check "aging removes the moved MAC" wait_for 6 sh -c "! '$DCBOX' -t tmac show mac sw --json | grep -q '$mv'"

# m3: its own MAC plus 2 more fill the limit of 3; later ones are refused.
check "m3 pings m4 (own MAC learned)" dc exec m3 -- ping -c 1 -W 2 10.9.0.4
send_from m3 02:00:00:00:bb:01 02:00:00:00:bb:02 02:00:00:00:bb:03 02:00:00:00:bb:04 02:00:00:00:bb:05 02:00:00:00:bb:06
n=$(macs_on m3 | wc -w)
[ "$n" = 3 ] && ok "mac-limit 3 holds on m3 ($n MACs)" || fail "mac-limit: m3 has $n MACs: $(macs_on m3)"
check "limit drops counted" sh -c "'$DCBOX' -t tmac show switches --json | grep -q '\"drop_mac_limit\": [1-9]'"
check "known MAC of m3 still forwards" dc exec m3 -- ping -c 1 -W 2 10.9.0.4
check "down" dc -t tmac down
t_done
