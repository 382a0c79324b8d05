#!/bin/bash
# test_ips_offline.sh - `dcbox ips -r PCAP -S RULES -l DIR`: the IPS over
# captures written by ips_pcapgen.py with scapy (no namespaces needed):
#
#   http_eth.pcap  (Ethernet, one flow VLAN-tagged)  split User-Agent,
#                  %-encoded UNION SELECT, %-encoded ../, a clean request
#   dns_raw.pcap   (raw IP)      DNS query evil.example.com
#   dns_sll2.pcap  (Linux SLL2)  the same query
#   tls_sll.pcap   (Linux SLL)   ClientHello with SNI bad.example.org
#   csum_eth.pcap  (Ethernet)    "CSUMPROBE" in a segment with a bad checksum
#   frag6_eth.pcap (Ethernet)    an IPv6 UDP datagram in 3 fragments (last
#                                first) behind a hop-by-hop header, its
#                                pattern split across two of them
#   usr0.pcap      (USER0)       an unsupported link type
#   open_end.pcap  (Ethernet, written here) flows still open at its end: a
#                  response body delimited by the close, a POST body short
#                  of its Content-Length
#
# eve.json and fast.log are checked with python3's json (no jq), each
# expected rule exactly once; --inline drops the attack flow from the
# packet that completes the attack; -k none inspects bad checksums; bad
# input exits 1 naming the file.
. "$(dirname "$0")/lib.sh"
py=/usr/bin/python3
gen=$(dirname "$0")/ips_pcapgen.py
pc="$T_DIR/pc"
mkdir -p "$pc"
check "scapy writes the captures" sh -c "$py '$gen' '$pc' >'$T_DIR/gen.out' 2>&1"
tail_n=$(awk '$1 == "attack_tail" {print $2}' "$T_DIR/gen.out")
http_n=$(awk '$1 == "http_eth" {print $2}' "$T_DIR/gen.out")
cat >"$T_DIR/r.rules" <<'R'
alert tcp any any -> any 80 (msg:"split UA"; flow:established,to_server; content:"evil-scanner"; classtype:web-application-attack; sid:1000001; rev:1;)
drop http any any -> any any (msg:"SQLi union select"; http.uri; content:"union select"; nocase; classtype:web-application-attack; sid:1000002; rev:2;)
alert http any any -> any any (msg:"path traversal"; http.uri; content:"/etc/passwd"; sid:1000003;)
alert dns any any -> any any (msg:"evil domain"; dns.query; content:"evil.example.com"; nocase; sid:1000004;)
alert tls any any -> any any (msg:"bad sni"; tls.sni; content:"bad.example.org"; sid:1000005;)
alert tcp any any -> any any (msg:"csum probe"; content:"CSUMPROBE"; sid:1000006;)
alert http any any -> any any (msg:"never"; http.uri; content:"/index.html"; content:"nothing-here"; sid:1000007;)
alert udp any any -> any 6000 (msg:"IPv6 fragmented pattern"; content:"FRAG6-EVIL-PATTERN"; sid:1000008;)
R

# sids DIR: "SID ACTION APP" per EVE line, sorted (fails on a bad line)
sids() {
	$py -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    assert e["event_type"] == "alert" and e["flow_id"] > 0
    for k in ("timestamp", "src_ip", "src_port", "dest_ip", "dest_port", "proto"):
        assert k in e, k
    a = e["alert"]
    for k in ("gid", "rev", "signature", "category", "severity"):
        assert k in a, k
    print(a["signature_id"], a["action"], e.get("app_proto", "-"))
' "$1/eve.json" | sort
}
# run NAME ARGS...: dcbox ips ARGS -l $T_DIR/NAME; output also in NAME.out
run() { local d=$1; shift; dc ips "$@" -S "$T_DIR/r.rules" -l "$T_DIR/$d" >"$T_DIR/$d.out" 2>&1; local r=$?; cat "$T_DIR/$d.out"; return $r; }

check "http pcap: exit 0 with alerts" run http -r "$pc/http_eth.pcap"
check "summary counts the packets" grep -q "^packets: $http_n (" "$T_DIR/http.out"
check "summary has time and rate" grep -qE '^rate: [0-9.]+ Mbit/s, [0-9]+ packets/s' "$T_DIR/http.out"
check "not inline: no drops" grep -q '^drops: 0, rejects: 0 (not inline' "$T_DIR/http.out"
sids "$T_DIR/http" >"$T_DIR/http.sids"
check "split pattern, SQLi URI, traversal: each once" \
	diff -u - "$T_DIR/http.sids" <<'E'
1000001 allowed http
1000002 allowed http
1000003 allowed http
E
check "fast.log in Suricata's layout" grep -qE '^11/26/2026-06:00:00\.[0-9]{6}  \[\*\*\] \[1:1000002:2\] SQLi union select \[\*\*\] \[Classification: Web Application Attack\] \[Priority: 1\] \{TCP\} 10\.0\.0\.1:40001 -> 10\.0\.0\.2:80$' "$T_DIR/http/fast.log"
check "eve timestamp from the pcap" grep -q '"timestamp":"2026-11-26T06:00:00\.0' "$T_DIR/http/eve.json"

check "--inline: exit 0" run http_inl -r "$pc/http_eth.pcap" --inline
check "--inline drops the attack flow from the completing packet" grep -q "^drops: $tail_n, rejects: 0 (inline)" "$T_DIR/last.out"
check "--inline: the drop rule is blocked, the others allowed" \
	sh -c "grep -c '\"action\":\"blocked\"' '$T_DIR/http_inl/eve.json' | grep -qx 1 && grep -q '^.*\[Drop\] \[\*\*\] \[1:1000002:2\]' '$T_DIR/http_inl/fast.log'"

check "raw IP: DNS query alerts" run dns_raw -r "$pc/dns_raw.pcap"
check "raw IP: dns app_proto" sh -c "[ \"\$(cat)\" = '1000004 allowed dns' ]" < <(sids "$T_DIR/dns_raw")
check "SLL2: DNS query alerts" run dns_sll2 -r "$pc/dns_sll2.pcap"
check "SLL2: one alert" grep -q '^alerts: 1$' "$T_DIR/last.out"
check "SLL: TLS SNI alerts" run tls -r "$pc/tls_sll.pcap"
check "SLL: tls app_proto" sh -c "[ \"\$(cat)\" = '1000005 allowed tls' ]" < <(sids "$T_DIR/tls")

check "bad checksum: exit 0" run csum -r "$pc/csum_eth.pcap"
check "bad checksum: not inspected" sh -c "grep -q 'bad checksum: 1' '$T_DIR/csum.out' && grep -q '^alerts: 0$' '$T_DIR/csum.out'"
check "-k none: inspected" run csum_k -r "$pc/csum_eth.pcap" -k none
check "-k none: alerts" grep -q '1000006' "$T_DIR/csum_k/fast.log"

check "IPv6 fragments: exit 0" run frag6 -r "$pc/frag6_eth.pcap"
check "IPv6 fragments: the split pattern alerts once" sh -c "[ \"\$(cat)\" = '1000008 allowed -' ]" < <(sids "$T_DIR/frag6")
check "IPv6 fragments: reassembled, none unsupported" sh -c "'$DCBOX' --json ips -r '$pc/frag6_eth.pcap' -S '$T_DIR/r.rules' -l '$T_DIR/frag6js' 2>/dev/null | $py -c '
import json, sys
c = json.load(sys.stdin)[\"counters\"]
assert c[\"fragments\"] == 3 and c[\"reassembled\"] == 1, c
assert c[\"frag_held\"] == 2 and c[\"frag_bad\"] == 0 and c[\"unsupported\"] == 0, c
'"

check "--json: one object with the counts" sh -c "'$DCBOX' --json ips -r '$pc/http_eth.pcap' -S '$T_DIR/r.rules' -l '$T_DIR/js' 2>/dev/null | $py -c '
import json, sys
j = json.load(sys.stdin)
assert j[\"packets\"] == $http_n and j[\"alerts\"] == 3 and j[\"flows\"] == 3, j
assert j[\"wall_s\"] >= 0 and j[\"cpu_s\"] >= 0 and \"mbit_s\" in j and \"pps\" in j
assert j[\"counters\"][\"http_events\"] >= 4
'"

# classic pcap is mapped (ips_pcap_read.c); pcapng and stdin go to libpcap
check "pcapng: written by scapy" $py -c "
from scapy.all import rdpcap
from scapy.utils import PcapNgWriter
w = PcapNgWriter('$pc/http_eth.pcapng')
w.write(rdpcap('$pc/http_eth.pcap'))
w.close()
"
check "pcapng (libpcap): exit 0" run http_ng -r "$pc/http_eth.pcapng"
check "pcapng: same packet count" grep -q "^packets: $http_n (" "$T_DIR/http_ng.out"
check "pcapng: same alerts as the pcap" diff -u "$T_DIR/http.sids" <(sids "$T_DIR/http_ng")
check "stdin (libpcap): exit 0" run http_in -r - <"$pc/http_eth.pcap"
check "stdin: same alerts as the file" diff -u "$T_DIR/http.sids" <(sids "$T_DIR/http_in")
head -c $(($(stat -c %s "$pc/http_eth.pcap") - 3)) "$pc/http_eth.pcap" >"$T_DIR/trunc.pcap"
check_not "truncated final record: exit 1" run trunc -r "$T_DIR/trunc.pcap"
check "... naming file and problem" grep -q "trunc.pcap: truncated record at offset" "$T_DIR/last.out"
check "... packets before it inspected" grep -q "^packets: $((http_n - 1)) (" "$T_DIR/trunc.out"

# End of capture: flows still open are ended as Suricata does (the
# response body only the close delimits, a request body short of its
# length); the to_client alert is addressed from the server
check "open_end.pcap: written by scapy" $py -c "
from scapy.all import Ether, IP, TCP, wrpcap
pk, t = [], [1700000000.0]
def add(p):
    t[0] += 0.001
    p.time = t[0]
    pk.append(Ether() / p)
def flow(cport, req, resp):
    c, s = IP(src='10.0.0.1', dst='10.0.0.2'), IP(src='10.0.0.2', dst='10.0.0.1')
    cs, ss = 1000, 5000
    add(c / TCP(sport=cport, dport=80, flags='S', seq=cs))
    add(s / TCP(sport=80, dport=cport, flags='SA', seq=ss, ack=cs + 1))
    cs += 1; ss += 1
    add(c / TCP(sport=cport, dport=80, flags='A', seq=cs, ack=ss))
    add(c / TCP(sport=cport, dport=80, flags='PA', seq=cs, ack=ss) / req)
    cs += len(req)
    for r in resp:
        add(s / TCP(sport=80, dport=cport, flags='PA', seq=ss, ack=cs) / r)
        ss += len(r)
flow(40100, b'GET /dl HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n',
     [b'HTTP/1.1 200 OK\\r\\nConnection: close\\r\\n\\r\\n', b'xx flushed-secret xx'])
flow(40101, b'POST /up HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 500\\r\\n\\r\\nhalf-posted', [])
wrpcap('$pc/open_end.pcap', pk)
"
cat >"$T_DIR/end.rules" <<'R'
alert http 10.0.0.2 80 -> 10.0.0.1 any (msg:"until-close body"; flow:established,to_client; file.data; content:"flushed-secret"; sid:1000010;)
alert http any any -> any any (msg:"short POST body"; flow:established,to_server; http.request_body; content:"half-posted"; sid:1000011;)
R
check "open flows at the end: exit 0" sh -c "'$DCBOX' --json ips -r '$pc/open_end.pcap' -S '$T_DIR/end.rules' -l '$T_DIR/end' >'$T_DIR/end.json' 2>/dev/null"
check "... both inspected at the end, each once, named by the sender" $py -c "
import json
j = json.load(open('$T_DIR/end.json'))
assert j['alerts'] == 2 and j['counters']['flows_flushed'] == 2, j
got = sorted((e['alert']['signature_id'], e['src_ip'], e['src_port'])
             for e in map(json.loads, open('$T_DIR/end/eve.json')))
assert got == [(1000010, '10.0.0.2', 80), (1000011, '10.0.0.1', 40101)], got
"

check_not "unsupported link type: exit 1" run usr0 -r "$pc/usr0.pcap"
check "... naming file and link type" grep -q "usr0.pcap: unsupported link type 147" "$T_DIR/last.out"
check_not "missing pcap: exit 1" run none -r "$T_DIR/missing.pcap"
check "... naming the file" grep -q "missing.pcap: No such file" "$T_DIR/last.out"
check_not "missing -l: usage, exit 1" dc ips -r "$pc/dns_raw.pcap" -S "$T_DIR/r.rules"
t_done
