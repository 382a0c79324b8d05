#!/usr/bin/python3
# ips_pcapgen.py OUTDIR - the captures test_ips_offline.sh runs `dcbox ips
# -r` over, written with scapy, one per link type:
#
#   http_eth.pcap   Ethernet (+ one 802.1Q-tagged flow): an HTTP request
#                   whose User-Agent "evil-scanner" is split over two TCP
#                   segments and whose URI holds a %-encoded UNION SELECT,
#                   then the response and the close; a request with a
#                   %-encoded ../ path; a clean request
#   dns_raw.pcap    raw IP (LINKTYPE_RAW): a DNS query for evil.example.com
#   tls_sll.pcap    Linux cooked (SLL): a TLS ClientHello, SNI bad.example.org
#   dns_sll2.pcap   Linux cooked v2 (SLL2): the DNS query again
#   csum_eth.pcap   Ethernet: one TCP segment "CSUMPROBE" with a bad checksum
#   frag6_eth.pcap  Ethernet: an IPv6 UDP datagram behind a hop-by-hop
#                   header, cut by scapy's fragment6 so that the pattern
#                   "FRAG6-EVIL-PATTERN" spans two fragments (none holds it
#                   whole), the fragments written last first
#   usr0.pcap       link type USER0 (147): not supported
#
# It prints "NAME PACKETS" per file and, for http_eth.pcap, the number of
# packets of the attack flow from the one completing the attack on
# ("attack_tail N": what --inline must drop).
import struct
import sys

from scapy.all import (DNS, DNSQR, IP, TCP, UDP, CookedLinux, CookedLinuxV2,
                       Dot1Q, Ether, IPv6, IPv6ExtHdrFragment,
                       IPv6ExtHdrHopByHop, Raw, fragment6, wrpcap)

out = sys.argv[1]
T0 = 1795672800.0  # 2026-11-26T06:00:00Z


class Clock:
    def __init__(self):
        self.t = T0

    def stamp(self, p):
        self.t += 0.001
        p.time = self.t
        return p


clk = Clock()


def tcp_session(cli, srv, sport, reqs, resp=b"", vlan=None):
    """A whole TCP session; reqs is a list of client segments."""
    c, s = 1000, 5000
    pk = []

    def l2(p):
        e = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        return clk.stamp(e / Dot1Q(vlan=vlan) / p if vlan else e / p)

    def c2s(flags, data=b""):
        nonlocal c
        p = l2(IP(src=cli, dst=srv) / TCP(sport=sport, dport=80, flags=flags,
                                          seq=c, ack=s) / Raw(data))
        c += len(data) + (1 if "S" in flags or "F" in flags else 0)
        return p

    def s2c(flags, data=b""):
        nonlocal s
        p = l2(IP(src=srv, dst=cli) / TCP(sport=80, dport=sport, flags=flags,
                                          seq=s, ack=c) / Raw(data))
        s += len(data) + (1 if "S" in flags or "F" in flags else 0)
        return p

    pk.append(c2s("S"))
    pk.append(s2c("SA"))
    pk.append(c2s("A"))
    for r in reqs:
        pk.append(c2s("PA", r))
    pk.append(s2c("PA", resp))
    pk.append(c2s("A"))
    pk.append(c2s("FA"))
    pk.append(s2c("FA"))
    pk.append(c2s("A"))
    return pk


resp = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
attack = tcp_session("10.0.0.1", "10.0.0.2", 40001, [
    b"GET /search?q=1%20UNION%20SELECT%20pass HTTP/1.1\r\nHost: shop\r\n"
    b"User-Agent: evil-",
    b"scanner/1.0\r\n\r\n"], resp)
travel = tcp_session("10.0.0.1", "10.0.0.2", 40002, [
    b"GET /static/..%2f..%2fetc/passwd HTTP/1.1\r\nHost: shop\r\n\r\n"],
    resp, vlan=30)
clean = tcp_session("10.0.0.3", "10.0.0.2", 40003, [
    b"GET /index.html HTTP/1.1\r\nHost: shop\r\n\r\n"], resp)
http = attack + travel + clean
wrpcap(f"{out}/http_eth.pcap", http)
print("http_eth", len(http))
# the second request segment completes the attack: it and all after it
print("attack_tail", len(attack) - 4)

q = IP(src="10.0.0.1", dst="10.0.0.53") / UDP(sport=5353, dport=53) / \
    DNS(rd=1, qd=DNSQR(qname="evil.example.com"))
wrpcap(f"{out}/dns_raw.pcap", [clk.stamp(q.copy())], linktype=101)
print("dns_raw", 1)
wrpcap(f"{out}/dns_sll2.pcap",
       [clk.stamp(CookedLinuxV2(proto=0x0800) / q.copy())], linktype=276)
print("dns_sll2", 1)


def client_hello(name):
    n = name.encode()
    sni = struct.pack("!BH", 0, len(n)) + n
    sni = struct.pack("!H", len(sni)) + sni
    ext = struct.pack("!HH", 0, len(sni)) + sni
    body = b"\x03\x03" + b"\x11" * 32 + b"\x00" + b"\x00\x02\x13\x01" + \
        b"\x01\x00" + struct.pack("!H", len(ext)) + ext
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


tls = []
for p in tcp_session("10.0.0.1", "10.0.0.4", 40004,
                     [client_hello("bad.example.org")]):
    ip = p[IP]
    ip.getlayer(TCP).dport = 443 if ip.src == "10.0.0.1" else 40004
    ip.getlayer(TCP).sport = 40004 if ip.src == "10.0.0.1" else 443
    tls.append(clk.stamp(CookedLinux(pkttype=0, proto=0x0800) / ip))
wrpcap(f"{out}/tls_sll.pcap", tls, linktype=113)
print("tls_sll", len(tls))

bad = Ether() / IP(src="10.0.0.1", dst="10.0.0.2") / \
    TCP(sport=1234, dport=9, flags="PA", chksum=0x1234) / Raw(b"xxCSUMPROBExx")
wrpcap(f"{out}/csum_eth.pcap", [clk.stamp(bad)])
print("csum_eth", 1)
pat = b"FRAG6-EVIL-PATTERN"
# 1280-byte fragments: 48 unfragmentable + 8 Fragment header + 1224 bytes
# of UDP, so payload byte 1216 starts the second fragment
data = b"." * 1210 + pat + b"." * 1500
dg = IPv6(src="2001:db8:1::1", dst="2001:db8:1::2") / IPv6ExtHdrHopByHop() / \
    IPv6ExtHdrFragment(id=0x1234abcd) / UDP(sport=5000, dport=6000) / Raw(data)
frags = fragment6(dg, 1280)
assert len(frags) >= 2 and not any(pat in bytes(f) for f in frags)
frags = [clk.stamp(Ether() / f) for f in reversed(frags)]
wrpcap(f"{out}/frag6_eth.pcap", frags)
print("frag6_eth", len(frags))
wrpcap(f"{out}/usr0.pcap", [clk.stamp(Raw(b"\x00" * 40))], linktype=147)
print("usr0", 1)
