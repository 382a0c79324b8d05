#!/bin/bash
# test_conntrack.sh - the router's connection table stays correct and
# bounded:
#
#   cin (10.3.0.10) -- [lan] -- gw (masquerade, conntrack-max 2048) -- [out] -- cout (198.18.0.1)
#                                  10.3.0.1            198.18.0.2
#
# a burst of 1000 TCP connections from cin to cout leaves no entry behind
# once the (shortened) timeouts pass; a SYN flood from cout (spoofed
# sources that never answer) cannot grow the table past its maximum, and
# an established iperf3 connection keeps working while the flood runs.
. "$(dirname "$0")/lib.sh"
f=$(topo_file tct <<'Y'
name: tct
switches:
  lan: {}
  out: {}
routers:
  gw:
    conntrack-max: 2048
    conntrack-timeouts: { tcp-syn-sent: 3, tcp-syn-recv: 3, tcp-fin-wait: 2, tcp-close-wait: 2, tcp-last-ack: 2, tcp-time-wait: 2, tcp-close: 2, udp: 3, icmp: 3 }
    interfaces:
      - { switch: lan, ip: 10.3.0.1/24 }
      - { switch: out, ip: 198.18.0.2/24, nat: masquerade }
    forward:
      - { proto: tcp, port: 8080, to: 10.3.0.10:8080 }
hosts:
  cin:  { switch: lan, ip: 10.3.0.10/24, gw: 10.3.0.1 }
  cout: { switch: out, ip: 198.18.0.1/24 }
Y
)
check "up" up "$f" tct || t_done
count() { "$DCBOX" -t tct show nat --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["nat"][0]["entries"])'; }

# A plain TCP sink in cout, and 1000 connections to it from cin.
"$DCBOX" exec cout -- /usr/bin/python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.18.0.1", 7000)); s.listen(512)
while True:
    c, _ = s.accept(); c.recv(16); c.close()' >/dev/null 2>&1 &
T_PIDS+=($!)
check "sink in cout is up" wait_for 10 dc exec cin -- /usr/bin/python3 -c 'import socket; socket.create_connection(("198.18.0.1", 7000), 1).close()'
check "1000-connection burst" dc exec cin -- /usr/bin/python3 -c '
import socket
for i in range(1000):
    c = socket.create_connection(("198.18.0.1", 7000), 2); c.send(b"x"); c.recv(16); c.close()'
n=$("$DCBOX" -t tct show conntrack --json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["conntrack"]))')
[ "${n:-0}" -ge 900 ] && ok "burst tracked: $n entries listed right after it" || fail "burst: $n entries listed right after it"
drained() { [ "$(count)" = 0 ]; }
check "burst drains: no entry left after the timeouts" wait_for 15 drained

# An established transfer through the port forward, then the flood.
bg_in cin iperf3 -s -p 8080 -1
sleep 0.5
"$DCBOX" exec cout -- iperf3 -c 198.18.0.2 -p 8080 -t 8 -i 1 -J >"$T_DIR/iperf.json" 2>&1 &
ip=$!
sleep 2
"$DCBOX" exec cout -- /usr/bin/python3 -c '
import random, socket, struct, time
from scapy.all import Ether, IP, TCP, get_if_hwaddr, conf
conf.verb = 0
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
gwmac = open("/proc/net/arp").read().split("198.18.0.2")[1].split()[2]
src = get_if_hwaddr("eth0")
end = time.time() + 4
n = 0
while time.time() < end:
    f = bytes(Ether(src=src, dst=gwmac) / IP(src="198.18.0.%d" % random.randint(100, 250), dst="198.18.0.2") /
              TCP(sport=random.randint(1024, 65535), dport=8080, flags="S", seq=random.getrandbits(32)))
    for _ in range(50):
        s.send(f[:34] + struct.pack("!H", random.randint(1024, 65535)) + f[36:])
        n += 1
print("flood: %d SYNs" % n)' >"$T_DIR/flood.txt" 2>&1 &
fp=$!
max=0
for i in 1 2 3 4 5 6 7 8; do
	n=$(count 2>/dev/null || echo 0); [ "${n:-0}" -gt "$max" ] && max=$n; sleep 0.5
done
wait $fp
cat "$T_DIR/flood.txt" | sed 's/^/    # /'
[ "$max" -le 2048 ] && [ "$max" -gt 100 ] && ok "table bounded under the flood (max seen $max <= 2048)" || fail "table size during flood: max $max"
wait $ip; irc=$?
[ "$irc" = 0 ] && ok "iperf3 through the port forward completed during the flood" || fail "iperf3 failed ($irc): $(tail -5 "$T_DIR/iperf.json")"
check "every iperf3 interval moved data" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
b = [i["sum"]["bytes"] for i in d["intervals"]]
print("    # interval bytes:", b)
sys.exit(0 if b and min(b) > 0 else 1)' "$T_DIR/iperf.json"
check "early drops counted" sh -c "'$DCBOX' -t tct show nat --json | grep -q '\"early_drop\": [1-9]'"
check "down" dc -t tct down
t_done
