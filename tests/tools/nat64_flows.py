#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Scripted NAT64 flows for tests/integ/nat64_bpf.sh, byte for byte the
same every run, and the comparison of what arrived.

  nat64_flows.py send SIDE STEP IFACE DSTMAC   one step of the script
  nat64_flows.py steps                         the steps, "SIDE STEP" lines
  nat64_flows.py compare A.pcap B.pcap         same packets, in order?
  nat64_flows.py ttl A.pcap                     TTLs / hop limits seen

SIDE 6 is h6 (2001:db8:6::10), 4 is h4 (203.0.113.10).  The mappings are
the static BIB entries the test configures, so the IPv4 side sees the same
ports every run.  compare ignores, in IPv4 packets, only the
Identification and so the header checksum: the engine numbers it from a
counter, the eBPF program at random (RFC 7915 5.1 lets it be any value).
"""
import socket
import struct
import sys
import time

H6 = "2001:db8:6::10"
H4 = "203.0.113.10"
H4_V6 = "64:ff9b::cb00:710a"
POOL4 = "192.0.2.1"
# (IPv6 host port, pool4 port) of the static entries
UDP = (40000, 50000)
TCP = (40001, 50001)
ICMP_ID = (0x1234, 0x5678)
SRV_UDP, SRV_TCP = 9000, 8080


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip6(nh, l4, tclass=0, flow=0, hlim=64):
    src, dst = socket.inet_pton(socket.AF_INET6, H6), socket.inet_pton(
        socket.AF_INET6, H4_V6)
    ph = src + dst + struct.pack("!I3xB", len(l4), nh)
    co = {6: 16, 17: 6, 58: 2}[nh]
    l4 = bytearray(l4)
    l4[co:co + 2] = struct.pack("!H", csum(ph + bytes(l4)))
    hdr = struct.pack("!IHBB", 6 << 28 | tclass << 20 | flow, len(l4), nh,
                      hlim)
    return hdr + src + dst + bytes(l4)


def ip4(proto, l4, tos=0, df=True, ttl=64, ident=1, opts=b"", zero=False):
    src, dst = socket.inet_aton(H4), socket.inet_aton(POOL4)
    l4 = bytearray(l4)
    if proto == 1:
        l4[2:4] = struct.pack("!H", csum(bytes(l4)))
    elif not zero:
        ph = src + dst + struct.pack("!xBH", proto, len(l4))
        co = 16 if proto == 6 else 6
        l4[co:co + 2] = struct.pack("!H", csum(ph + bytes(l4)))
    ihl = 5 + len(opts) // 4
    hdr = bytearray(struct.pack("!BBHHHBBH", 4 << 4 | ihl, tos,
                                ihl * 4 + len(l4), ident,
                                0x4000 if df else 0, ttl, proto, 0))
    hdr += src + dst + opts
    hdr[10:12] = struct.pack("!H", csum(bytes(hdr)))
    return bytes(hdr) + bytes(l4)


def udp(sp, dp, n):
    data = bytes((i * 7) & 0xFF for i in range(n))
    return struct.pack("!HHHH", sp, dp, 8 + n, 0) + data


def tcp(sp, dp, seq, ack, flags, n=0):
    data = bytes((i * 13) & 0xFF for i in range(n))
    return struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags, 64240,
                       0, 0) + data


def echo(t, ident, seq, n=56):
    return struct.pack("!BBHHH", t, 0, 0, ident, seq) + bytes(range(n))


A, PA, F, S, R = 0x10, 0x18, 0x01, 0x02, 0x04
S6, S4 = 1000, 5000  # initial sequence numbers of h6 and h4


def script():
    """(side, [packets]) steps; the receiving side must get each packet
    before the next step starts."""
    u6 = [ip6(17, udp(UDP[0], SRV_UDP, n), tclass=0xb8, flow=0x12345)
          for n in (20, 200, 1300, 64, 64)]
    u4 = [ip4(17, udp(SRV_UDP, UDP[1], n), tos=0x28, df=n > 100)
          for n in (20, 200, 1300, 64)]
    u4.append(ip4(17, udp(SRV_UDP, UDP[1], 30), zero=True))
    u4.append(ip4(17, udp(SRV_UDP, UDP[1], 40), opts=b"\x01\x01\x01\x00"))
    e6 = [ip6(58, echo(128, ICMP_ID[0], s)) for s in (1, 2, 3)]
    e4 = [ip4(1, echo(0, ICMP_ID[1], s)) for s in (1, 2, 3)]
    t = []
    t.append(("6", [ip6(6, tcp(TCP[0], SRV_TCP, S6, 0, S))]))
    t.append(("4", [ip4(6, tcp(SRV_TCP, TCP[1], S4, S6 + 1, S | A))]))
    seq6, seq4 = S6 + 1, S4 + 1
    d6 = []
    for n in (0, 10, 500, 1200):
        d6.append(ip6(6, tcp(TCP[0], SRV_TCP, seq6, seq4, PA if n else A, n),
                      tclass=0x20))
        seq6 += n
    t.append(("6", d6))
    d4 = []
    for n in (10, 1000, 1400, 0):
        d4.append(ip4(6, tcp(SRV_TCP, TCP[1], seq4, seq6, PA if n else A, n),
                      tos=0x10, df=n != 10))
        seq4 += n
    t.append(("4", d4))
    t.append(("6", [ip6(6, tcp(TCP[0], SRV_TCP, seq6, seq4, F | A))]))
    t.append(("4", [ip4(6, tcp(SRV_TCP, TCP[1], seq4, seq6 + 1, F | A))]))
    t.append(("6", [ip6(6, tcp(TCP[0], SRV_TCP, seq6 + 1, seq4 + 1, A))]))
    return [("6", u6), ("4", u4), ("6", e6), ("4", e4)] + t


def send(side, step, iface, dstmac):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    src = s.getsockname()[4]
    dst = bytes.fromhex(dstmac.replace(":", ""))
    sd, pkts = script()[step]
    assert sd == side
    et = b"\x86\xdd" if side == "6" else b"\x08\x00"
    for p in pkts:
        s.send(dst + src + et + p)
        # one at a time: a session's first packet goes through xlatd,
        # the next may not overtake it
        time.sleep(0.05)


def pcap(path):
    out = []
    with open(path, "rb") as f:
        b = f.read()
    off = 24
    while off + 16 <= len(b):
        n = struct.unpack("<I", b[off + 8:off + 12])[0]
        out.append(b[off + 16 + 14:off + 16 + n])
        off += 16 + n
    return out


def masked(p):
    p = bytearray(p)
    if p and p[0] >> 4 == 4:
        p[4:6] = b"\0\0"
        p[10:12] = b"\0\0"
    return bytes(p)


def compare(a, b):
    pa, pb = pcap(a), pcap(b)
    if len(pa) != len(pb):
        print("count %d vs %d" % (len(pa), len(pb)))
        for x in pa:
            print(" a %s" % x[:48].hex())
        for x in pb:
            print(" b %s" % x[:48].hex())
        return 1
    for i, (x, y) in enumerate(zip(pa, pb)):
        if masked(x) != masked(y):
            print("packet %d differs:\n %s\n %s" % (i, x.hex(), y.hex()))
            return 1
    print("%d packets identical" % len(pa))
    return 0


def ttls(path):
    """The distinct TTLs / hop limits in a pcap, space-separated."""
    seen = set()
    for p in pcap(path):
        if p and p[0] >> 4 == 4 and len(p) >= 20:
            seen.add(p[8])
        elif p and p[0] >> 4 == 6 and len(p) >= 40:
            seen.add(p[7])
    print(" ".join(str(t) for t in sorted(seen)))
    return 0


def main():
    if sys.argv[1] == "steps":
        for side, _ in script():
            print(side)
        return 0
    if sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
        return 0
    if sys.argv[1] == "count":
        return print(len([p for _, ps in script() for p in ps])) or 0
    if sys.argv[1] == "ttl":
        return ttls(sys.argv[2])
    return compare(sys.argv[2], sys.argv[3])


if __name__ == "__main__":
    sys.exit(main())
