#!/usr/bin/python3
"""fakevm_sock.py stream|dgram SOCK MAC IP PEER-IP [LOCAL] - play a QEMU VM
on a dcbox socket port.

stream: connects to SOCK as `qemu -netdev stream,server=off,addr.type=unix,
addr.path=SOCK` does; every frame either way is a 4-byte big-endian length
and the frame. Frames are written in pieces (the length prefix alone, then
the frame in two parts) so dcbox's reassembly across reads is exercised.

dgram: binds LOCAL and sends to SOCK as `qemu -netdev dgram,local.type=unix,
local.path=LOCAL,remote.type=unix,remote.path=SOCK` does; one frame per
datagram. LOCAL is removed on exit, as a VM that stops leaves nothing.

Then, as fakevm.py: answers ARP for IP, resolves PEER-IP (ARP request,
reply) and pings it three times (ICMP echo built with scapy). Exits 0 when
every echo got its reply within two seconds, 1 otherwise.
"""
import os
import select
import socket
import struct
import sys
import time

from scapy.all import ARP, ICMP, IP, Ether


class StreamVM:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.buf = b""

    def send(self, frame):
        n = len(frame) // 2
        self.s.sendall(struct.pack(">I", len(frame)))
        self.s.sendall(frame[:n])
        time.sleep(0.001)
        self.s.sendall(frame[n:])

    def recv(self):
        data = self.s.recv(65536)
        if not data:
            raise EOFError("dcbox closed the connection")
        self.buf += data
        out = []
        while len(self.buf) >= 4:
            (n,) = struct.unpack(">I", self.buf[:4])
            if len(self.buf) < 4 + n:
                break
            out.append(self.buf[4:4 + n])
            self.buf = self.buf[4 + n:]
        return out

    def close(self):
        self.s.close()


class DgramVM:
    def __init__(self, path, local):
        self.local = local
        if os.path.exists(local):
            os.unlink(local)
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.s.bind(local)
        self.s.connect(path)

    def send(self, frame):
        self.s.send(frame)

    def recv(self):
        return [self.s.recv(65536)]

    def close(self):
        self.s.close()
        os.unlink(self.local)


def frames(vm, until):
    while time.time() < until:
        r, _, _ = select.select([vm.s], [], [], max(0, until - time.time()))
        if r:
            for f in vm.recv():
                yield Ether(f)


def serve_arp(vm, f, mac, ip):
    if ARP in f and f[ARP].op == 1 and f[ARP].pdst == ip:
        vm.send(bytes(Ether(dst=f.src, src=mac) / ARP(
            op=2, hwsrc=mac, psrc=ip, hwdst=f.src, pdst=f[ARP].psrc)))
        return True
    return False


def resolve(vm, mac, ip, peer):
    vm.send(bytes(Ether(dst="ff:ff:ff:ff:ff:ff", src=mac) / ARP(
        op=1, hwsrc=mac, psrc=ip, pdst=peer)))
    for f in frames(vm, time.time() + 2):
        if ARP in f and f[ARP].op == 2 and f[ARP].psrc == peer:
            return f[ARP].hwsrc
        serve_arp(vm, f, mac, ip)
    return None


def ping(vm, mac, ip, peer, peer_mac, seq):
    vm.send(bytes(Ether(dst=peer_mac, src=mac) / IP(src=ip, dst=peer) /
                  ICMP(id=0x4243, seq=seq) / b"dcbox-fakevm-sock"))
    for f in frames(vm, time.time() + 2):
        if serve_arp(vm, f, mac, ip):
            continue
        if ICMP in f and f[ICMP].type == 0 and f[ICMP].seq == seq:
            return True
    return False


def main():
    kind, path, mac, ip, peer = sys.argv[1:6]
    if kind == "stream":
        vm = StreamVM(path)
    else:
        vm = DgramVM(path, sys.argv[6])
    try:
        peer_mac = resolve(vm, mac, ip, peer)
        if not peer_mac:
            print("fakevm_sock: no ARP reply from", peer)
            return 1
        got = sum(ping(vm, mac, ip, peer, peer_mac, s) for s in range(1, 4))
    finally:
        vm.close()
    print("fakevm_sock: %s: %d/3 echo replies from %s (%s)" %
          (kind, got, peer, peer_mac))
    return 0 if got == 3 else 1


if __name__ == "__main__":
    sys.exit(main())
