#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes the seed corpora of the control-plane fuzz targets (the seeds are
# committed; run this again after changing an input layout):
#
#   python3 tests/fuzz/mkseeds.py tests/fuzz/corpus
#
# Every seed is a well-formed input of its kind built field by field, so
# that the fuzzer starts from messages the parsers accept.  The layouts
# are those of the fuzz_*.c files (their leading comments).
import ipaddress
import os
import struct
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz/corpus"


def put(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def a6(s):
    return ipaddress.IPv6Address(s).packed


def a4(s):
    return ipaddress.IPv4Address(s).packed


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


# ---- netlink (native byte order: x86) ----
AF_INET, AF_INET6 = 2, 10


def attr(t, payload):
    return pad4(struct.pack("=HH", 4 + len(payload), t) + payload)


def u32(t, v):
    return attr(t, struct.pack("=I", v))


def nlmsg(mtype, body, flags=2):  # NLM_F_MULTI
    return pad4(struct.pack("=IHHII", 16 + len(body), mtype, flags, 0, 0) + body)


DONE = nlmsg(3, struct.pack("=i", 0))


def link(index, name, mtu, kind=None, flags=0x41):  # IFF_UP | IFF_RUNNING
    body = struct.pack("=BBHiII", AF_UNSPEC, 0, 1, index, flags, 0)
    body += attr(3, name.encode() + b"\0") + u32(4, mtu)
    if kind:
        body += attr(18, attr(1, kind.encode()))
    return nlmsg(16, body)


AF_UNSPEC = 0


def addr6(index, a, plen, flags=0, scope=0):
    body = struct.pack("=BBBBI", AF_INET6, plen, 0, scope, index)
    body += attr(1, a6(a)) + u32(8, flags)
    body += attr(6, struct.pack("=IIII", 3600, 7200, 100, 100))
    return nlmsg(20, body)


def route(family, dst, plen, oif, gw=None, table=254, proto=3):
    body = struct.pack("=BBBBBBBBI", family, plen, 0, 0, 254, proto, 0, 1, 0)
    body += u32(15, table) + u32(4, oif) + u32(6, 1024)
    pack = a4 if family == AF_INET else a6
    if plen:
        body += attr(1, pack(dst))
    if gw:
        body += attr(5, pack(gw))
    return nlmsg(24, body)


def neigh(index, dst, mac, state=2):
    body = struct.pack("=BBHiHBB", AF_INET6, 0, 0, index, state, 0, 1)
    body += attr(1, a6(dst)) + attr(2, mac)
    return nlmsg(28, body)


put("link_monitor", "dump_link", link(1, "lo", 65536, None, 0x49) +
    link(2, "eth0", 1500, "veth") + DONE)
put("link_monitor", "dump_addr",
    link(2, "eth0", 1500, "veth") +
    addr6(2, "2001:db8:1:2::10", 64) +
    addr6(2, "fe80::1", 64, 0x80, 253) + DONE)
put("link_monitor", "dump_route",
    link(2, "eth0", 1500, "veth") +
    route(AF_INET6, "::", 0, 2, "fe80::1") +
    route(AF_INET, "0.0.0.0", 0, 2, "192.0.2.1") + DONE)

put("rtnl", "routes", route(AF_INET, "192.0.2.0", 24, 3, proto=100) +
    route(AF_INET6, "2001:db8:64::", 96, 3, "fe80::1", proto=100) + DONE)
put("rtnl", "link", link(3, "siit0", 1500, "tun"))
put("rtnl", "addrs", addr6(2, "2001:db8:1:2::10", 64) +
    addr6(1, "fe80::1", 64, 0x80, 253) + DONE)

WANT = bytes([2]) + a6("fe80::1")
put("nexthop", "route_neigh", WANT + route(AF_INET6, "2001:db8:64::1", 128, 2,
                                           "fe80::1") +
    neigh(2, "fe80::1", bytes([2, 0, 0, 0, 0, 1])) + DONE)
put("nexthop", "onlink", bytes([2]) + a6("2001:db8::7") +
    route(AF_INET6, "2001:db8::7", 128, 2) +
    neigh(2, "2001:db8::7", bytes([2, 0, 0, 0, 0, 7]), 0x04) + DONE)

# ---- RA options ----


def pref64(prefix, plen, lifetime):
    plc = {96: 0, 64: 1, 56: 2, 48: 3, 40: 4, 32: 5}[plen]
    word = (lifetime // 8) << 3 | plc
    return struct.pack("!BBH", 38, 2, word) + a6(prefix)[:12]


def rdnss(lifetime, *addrs):
    return struct.pack("!BBHI", 25, 1 + 2 * len(addrs), 0, lifetime) + \
        b"".join(a6(a) for a in addrs)


def useropt(opts, index=2):
    body = struct.pack("=BBHiBBHI", AF_INET6, 0, len(opts), index, 134, 0, 0, 0)
    body = pad4(body + opts) + attr(1, a6("fe80::1"))
    return nlmsg(68, body, 0)


put("ra", "pref64_96", b"\1" + pref64("64:ff9b::", 96, 1800))
put("ra", "pref64_56_rdnss", b"\1" + pref64("2001:db8:64:6400::", 56, 600) +
    rdnss(600, "2001:db8::53", "2001:db8::35"))
put("ra", "pref64_withdraw", b"\1" + pref64("64:ff9b::", 96, 0))
put("ra", "netlink", b"\0" + useropt(pref64("2001:db8:122::", 48, 3600) +
                                      rdnss(0xffffffff, "2001:db8::53")))

# ---- ND ----


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def icmp6(src, dst, body):
    ph = a6(src) + a6(dst) + struct.pack("!IxxxB", len(body), 58)
    c = csum(ph + body)
    body = body[:2] + struct.pack("!H", c) + body[4:]
    return struct.pack("!IHBB", 6 << 28, len(body), 58, 255) + a6(src) + \
        a6(dst) + body


def nd(t, word, target, opts):
    return struct.pack("!BBHI", t, 0, 0, word) + a6(target) + opts


MAC = bytes([2, 0, 0, 0, 0, 0x42])
T = "2001:db8:1:2::c1a7"
put("ndp", "ns", b"\0" + icmp6("fe80::1", "ff02::1:ff00:c1a7",
                               nd(135, 0, T, bytes([1, 1]) + MAC)))
put("ndp", "dad_ns", b"\0" + icmp6("::", "ff02::1:ff00:c1a7",
                                   nd(135, 0, T, bytes([14, 1]) + bytes(6))))
put("ndp", "na", b"\0" + icmp6(T, "fe80::1",
                               nd(136, 0x60000000, T, bytes([2, 1]) + MAC)))
put("ndp", "ns_fixup", b"\1" + icmp6("fe80::1", T, nd(135, 0, T, b"")))

# ---- RFC 7050 ----


def qname(n):
    return b"".join(bytes([len(p)]) + p.encode() for p in n.split(".")) + b"\0"


Q = qname("ipv4only.arpa")


def dns(qid, rcode, answers, flags=0x8180):
    h = struct.pack("!HHHHHH", qid, flags | rcode, 1, len(answers), 0, 0)
    return h + Q + struct.pack("!HH", 28, 1) + b"".join(answers)


def rr(name, rtype, ttl, rdata):
    return name + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


ID = struct.pack("!H", 0x1234)
put("rfc7050", "wkp", b"\0" + ID + dns(0x1234, 0, [
    rr(b"\xc0\x0c", 28, 300, a6("64:ff9b::c000:aa")),
    rr(b"\xc0\x0c", 28, 300, a6("64:ff9b::c000:ab"))]))
put("rfc7050", "cname_56", b"\0" + ID + dns(0x1234, 0, [
    rr(b"\xc0\x0c", 5, 60, qname("nat64.example")),
    rr(qname("nat64.example"), 28, 600,
       a6("2001:db8:64:64c0:0:aa::"))]))
put("rfc7050", "nxdomain", b"\0" + ID + dns(0x1234, 3, []))
put("rfc7050", "resolv", b"\1" + b"# resolv.conf\nnameserver 2001:db8::53\n"
    b"nameserver 192.0.2.53\nnameserver fe80::1%eth0\nsearch example\n")

# ---- config ----
put("config", "siit", b"""[global]
control-socket = /run/xlatd/xlatd.sock
control-group = xlatd
log-level = info

[siit s0]
tun = siit0
pool6 = 2001:db8:64::/96
eam = 192.0.2.10/32 2001:db8:6::10/128
ipv4-address = 192.0.2.1
rfc6791-pool = 203.0.113.240 203.0.113.241
decrement-ttl = yes
route4 = 192.0.2.0/24
route6 = 2001:db8:64::/96
threads = 2
""")
put("config", "clat", b"""[global]
clat-auto = no
state-dir = /run/xlatd
interfaces = eth0 wlan0
[clat c0]
uplink = eth0
pref64 = 64:ff9b::/96
ipv4-address = 192.0.0.2
datapath = userspace
mtu = 1400
""")

# ---- control socket: peer bytes (uid class, gid, groups, group on) ----
for name, peer, line in [("status_root", b"\0\0\0\1", b"status\n"),
                         ("json_group", b"\2\1\0\1", b"status json\n"),
                         ("v6only", b"\3\0\x41\1", b"ipv6-only-preferred eth0\n"),
                         ("reload_other", b"\2\0\0\0", b"reload\r\n"),
                         ("v6wait", b"\1\0\0\1", b"v6only-wait eth0 300\n"),
                         ("sessions", b"\2\1\0\1", b"sessions json\n")]:
    put("ctl", name, peer + line)
