#!/bin/bash
# test_capture.sh - `dcbox capture` and port mirroring:
#
#   c1 ---+
#   c2 ---+-- [ sw ]      mirror: c1 (both directions) -> ids
#   ids --+
#
# a capture of c1 with a BPF filter written with -w opens in tcpdump and
# holds only what the filter lets through; a bad filter is refused; the
# mirror port ids sees c1's traffic with c2, which it is not part of.
. "$(dirname "$0")/lib.sh"
f=$(topo_file tcap <<'Y'
name: tcap
switches:
  sw: {}
hosts:
  c1: { switch: sw, ip: 10.8.0.1/24 }
  c2: { switch: sw, ip: 10.8.0.2/24 }
  ids: { switch: sw }
mirrors:
  - { port: c1, to: ids, direction: both }
Y
)
check "up" up "$f" tcap || t_done
dc exec c1 -- ping -c 1 -W 2 10.8.0.2 >/dev/null
pc="$T_DIR/c1.pcap"
dc -t tcap capture c1 -w "$pc" -c 6 icmp 2>"$T_DIR/cap.err" &
cp=$!
sleep 0.5
dc exec ids -- timeout 5 tcpdump -n -i eth0 -c 4 icmp >"$T_DIR/ids.txt" 2>/dev/null &
ip=$!
sleep 1
dc exec c1 -- ping -c 4 -i 0.2 10.8.0.2 >/dev/null
dc exec c1 -- /usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); [s.sendto(b"u", ("10.8.0.2", 7)) for _ in range(3)]'
wait $cp; crc=$?
wait $ip
[ "$crc" = 0 ] && ok "capture exits after -c 6" || fail "capture exit $crc: $(cat "$T_DIR/cap.err")"
check "tcpdump reads the pcap" tcpdump -n -r "$pc"
n=$(tcpdump -n -r "$pc" 2>/dev/null | grep -c 'ICMP echo')
[ "$n" = 6 ] && ok "pcap holds 6 ICMP echo frames" || fail "pcap holds $n ICMP echo frames"
n=$(tcpdump -n -r "$pc" udp 2>/dev/null | wc -l)
[ "$n" = 0 ] && ok "filter kept UDP out" || fail "filter let $n UDP frames in"
check_not "bad filter refused" dc -t tcap capture c1 -c 1 'tcp port nonsense'
check "bad filter message" grep -q "bad filter" "$T_DIR/last.out"
check_not "unknown port refused" dc -t tcap capture nosuch -c 1
n=$(grep -c 'ICMP echo' "$T_DIR/ids.txt")
[ "$n" -ge 4 ] && ok "mirror port ids sees c1's ICMP ($n frames)" || fail "mirror port ids saw $n ICMP frames"
check "down" dc -t tcap down
t_done
