#!/usr/bin/python3
"""fakevm.py TAP MAC IP PEER-IP - play a QEMU VM on a dcbox TAP port.

Opens the TAP's character side by name, exactly as
`qemu -netdev tap,ifname=TAP,script=no,downscript=no` does, answers ARP for
IP, resolves PEER-IP and pings it three times. Exits 0 when every echo got
its reply within two seconds, 1 otherwise.
"""
import fcntl
import os
import select
import struct
import sys
import time

from scapy.all import ARP, ICMP, IP, Ether

TUNSETIFF = 0x400454CA
IFF_TAP, IFF_NO_PI = 0x0002, 0x1000


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


def frames(fd, until):
    while time.time() < until:
        r, _, _ = select.select([fd], [], [], max(0, until - time.time()))
        if r:
            yield Ether(os.read(fd, 65536))


def serve_arp(fd, f, mac, ip):
    if ARP in f and f[ARP].op == 1 and f[ARP].pdst == ip:
        os.write(fd, bytes(Ether(dst=f.src, src=mac) / ARP(
            op=2, hwsrc=mac, psrc=ip, hwdst=f.src, pdst=f[ARP].psrc)))
        return True
    return False


def resolve(fd, mac, ip, peer):
    os.write(fd, bytes(Ether(dst="ff:ff:ff:ff:ff:ff", src=mac) / ARP(
        op=1, hwsrc=mac, psrc=ip, pdst=peer)))
    for f in frames(fd, time.time() + 2):
        if ARP in f and f[ARP].op == 2 and f[ARP].psrc == peer:
            return f[ARP].hwsrc
        serve_arp(fd, f, mac, ip)
    return None


def ping(fd, mac, ip, peer, peer_mac, seq):
    os.write(fd, bytes(Ether(dst=peer_mac, src=mac) / IP(src=ip, dst=peer) /
                       ICMP(id=0x4242, seq=seq) / b"dcbox-fakevm"))
    for f in frames(fd, time.time() + 2):
        if serve_arp(fd, f, mac, ip):
            continue
        if ICMP in f and f[ICMP].type == 0 and f[ICMP].seq == seq:
            return True
    return False


def main():
    tap, mac, ip, peer = sys.argv[1:5]
    fd = open_tap(tap)
    peer_mac = resolve(fd, mac, ip, peer)
    if not peer_mac:
        print("fakevm: no ARP reply from", peer)
        return 1
    got = sum(ping(fd, mac, ip, peer, peer_mac, s) for s in range(1, 4))
    print("fakevm: %d/3 echo replies from %s (%s)" % (got, peer, peer_mac))
    return 0 if got == 3 else 1


if __name__ == "__main__":
    sys.exit(main())
