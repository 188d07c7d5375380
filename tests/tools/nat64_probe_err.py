#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""nat64_probe_err: the checks of ICMP errors (3.6/3.7), hairpinning
(3.8), fragments (3.4) and bad input; nat64_probe.py imports it, after
its UDP, TCP and ICMP query checks (whose mappings these use in st),
and importing runs them."""
from nat64_probe_lib import *  # noqa: F401,F403 (the shared names)

# --- 3.6/3.7 ICMP errors -----------------------------------------------


def err4_udp():
    inner = IP(src=P4, dst=S1) / UDP(sport=st["pu"], dport=9999) / b"q1"
    t = side4.send(IP(src=S1, dst=P4) / ICMP(type=3, code=3) / raw(inner))
    r = side6.wait(t, lambda p: ICMPv6DestUnreach in p)
    if not r:
        return "nothing reached the IPv6 side"
    p = r[0]
    e = p[ICMPv6DestUnreach]
    i = IPv6(raw(e.payload))
    bad = []
    if e.code != 4 or not same6(p[IPv6].src, v6(S1)) or \
            not same6(p[IPv6].dst, A):
        bad.append("outer %s code %d" % (p.summary(), e.code))
    if not same6(i.src, A) or not same6(i.dst, v6(S1)) or \
            i[UDP].sport != 5000 or i[UDP].dport != 9999:
        bad.append("inner %s" % i.summary())
    if not csum_ok6(p):
        bad.append("outer checksum")
    if not csum_ok6(i):
        bad.append("inner UDP checksum")
    return "; ".join(bad) or None


check("3.6/3.7 ICMPv4 Port Unreachable for a UDP session -> ICMPv6 1/4, inner "
      "addresses and ports mapped back, outer and inner checksums valid",
      err4_udp)


def err4_tcp(mtu4, want):
    def run():
        inner = st["tcp_syn4"][IP]
        t = side4.send(IP(src=S1, dst=P4) /
                       ICMP(type=3, code=4, nexthopmtu=mtu4) / raw(inner))
        r = side6.wait(t, lambda p: ICMPv6PacketTooBig in p and
                       p[ICMPv6PacketTooBig].mtu == want, 1.0)
        if not r:
            got = side6.got(t, lambda p: ICMPv6PacketTooBig in p)
            return "no PTB with MTU %d (%s)" % (
                want, [x[ICMPv6PacketTooBig].mtu for x in got])
        p = r[0]
        i = IPv6(raw(p[ICMPv6PacketTooBig].payload))
        if (not same6(i.src, A) or not same6(i.dst, v6(S1)) or
                i[TCP].sport != 6000 or i[TCP].dport != 80 or
                not same6(p[IPv6].dst, A)):
            return "inner %s" % i.summary()
        if not csum_ok6(p) or not csum_ok6(i):
            return "checksums"
        return None
    return run


check("3.7/RFC 7915 4.2 ICMPv4 Fragmentation Needed (MTU 1400) for a TCP "
      "session -> Packet Too Big MTU 1420, inner TCP mapped back, checksums",
      err4_tcp(1400, 1420))
check("RFC 7915 4.2 Fragmentation Needed with MTU 1000 -> Packet Too Big "
      "no lower than 1280", err4_tcp(1000, 1280))


def err6_ptb():
    inner = IPv6(src=v6(S1), dst=A) / UDP(sport=9999, dport=5000) / b"a1"
    t = side6.send(IPv6(src=A, dst=v6(S1)) / ICMPv6PacketTooBig(mtu=1300) /
                   raw(inner))
    r = side4.wait(t, lambda p: ICMP in p and p[ICMP].type == 3 and
                   p[IP].dst == S1)
    if not r:
        return "nothing reached the IPv4 side"
    p = r[0]
    i = IP(raw(p[ICMP].payload))
    bad = []
    if p[ICMP].code != 4 or p[ICMP].nexthopmtu != 1280 or p[IP].src != P4:
        bad.append("outer %s code %d mtu %d" % (p.summary(), p[ICMP].code,
                                               p[ICMP].nexthopmtu))
    if (i.src, i.dst, i[UDP].sport, i[UDP].dport) != (S1, P4, 9999, st["pu"]):
        bad.append("inner %s" % i.summary())
    if not csum_ok4(p) or not csum_ok4(i):
        bad.append("checksums")
    return "; ".join(bad) or None


check("3.7/RFC 7915 5.2 ICMPv6 Packet Too Big (1300) from the IPv6 host -> "
      "ICMPv4 Fragmentation Needed MTU 1280, inner mapped, checksums", err6_ptb)


def err6_unreach():
    inner = (IPv6(src=v6(S1), dst=A) /
             TCP(sport=80, dport=6000, flags="A", seq=5001, ack=1007))
    t = side6.send(IPv6(src=A, dst=v6(S1)) / ICMPv6DestUnreach(code=3) /
                   raw(inner))
    r = side4.wait(t, lambda p: ICMP in p and p[ICMP].type == 3 and
                   p[IP].dst == S1)
    if not r:
        return "nothing reached the IPv4 side"
    p = r[0]
    i = IP(raw(p[ICMP].payload))
    if p[ICMP].code != 1 or (i.src, i.dst, i[TCP].sport,
                             i[TCP].dport) != (S1, P4, 80, st["pt"]):
        return "%s code %d inner %s" % (p.summary(), p[ICMP].code,
                                        i.summary())
    return None if csum_ok4(p) and csum_ok4(i) else "checksums"


check("3.7/RFC 7915 5.2 ICMPv6 Address Unreachable -> ICMPv4 Host "
      "Unreachable (3/1), inner TCP mapped", err6_unreach)

def err4_router():
    # S3 is refused by address-dependent filtering: errors are not filtered.
    inner = st["tcp_syn4"][IP]
    t = side4.send(IP(src=S3, dst=P4) / ICMP(type=11, code=0) / raw(inner))
    r = side6.wait(t, lambda p: ICMPv6TimeExceeded in p and
                   same6(p[IPv6].src, v6(S3)))
    if not r:
        return "nothing reached the IPv6 side"
    p = r[0]
    i = IPv6(raw(p[ICMPv6TimeExceeded].payload))
    if (not same6(p[IPv6].dst, A) or not same6(i.src, A) or
            i[TCP].sport != 6000 or not csum_ok6(p) or not csum_ok6(i)):
        return "got %s inner %s" % (p.summary(), i.summary())
    return None


check("3.5/3.6 ICMPv4 Time Exceeded from a router the filter refuses "
      "(198.51.100.30) for a TCP session -> ICMPv6 3/0 from its pool6 form",
      err4_router)


def err4_echo():
    inner = st["echo4"][IP]
    t = side4.send(IP(src=S1, dst=P4) / ICMP(type=3, code=1) / raw(inner))
    r = side6.wait(t, lambda p: ICMPv6DestUnreach in p and
                   p[ICMPv6DestUnreach].code == 0)
    if not r:
        return "nothing reached the IPv6 side"
    p = r[0]
    i = IPv6(raw(p[ICMPv6DestUnreach].payload))
    if (not same6(i.src, A) or ICMPv6EchoRequest not in i or
            i[ICMPv6EchoRequest].id != 0x1234 or not csum_ok6(p) or
            not csum_ok6(i)):
        return "got %s inner %s" % (p.summary(), i.summary())
    return None


check("3.6 ICMPv4 Host Unreachable for an echo session -> ICMPv6 1/0, "
      "inner echo request with the host's identifier, checksums", err4_echo)


def err6_router():
    inner = IPv6(src=v6(S1), dst=A) / UDP(sport=9999, dport=5000) / b"a1"
    t = side6.send(IPv6(src="2001:db8:6::99", dst=v6(S1)) /
                   ICMPv6DestUnreach(code=3) / raw(inner))
    r = side4.wait(t, lambda p: ICMP in p and p[ICMP].type == 3 and
                   p[IP].dst == S1)
    if not r:
        return "nothing reached the IPv4 side"
    p = r[0]
    i = IP(raw(p[ICMP].payload))
    if p[IP].src != P4 or p[ICMP].code != 1 or i[UDP].dport != st["pu"] \
            or not csum_ok4(p) or not csum_ok4(i):
        return "got %s inner %s" % (p.summary(), i.summary())
    return None


check("3.6 ICMPv6 error from an IPv6 router (not the host) -> ICMPv4 from "
      "the mapping's pool4 address, inner mapped", err6_router)

def err4_short():
    # RFC 792: the header and 8 bytes of a 128-byte datagram.
    inner = raw(IP(src=P4, dst=S1) / UDP(sport=st["pu"], dport=9999) /
                bytes(100))[:28]
    t = side4.send(IP(src=S1, dst=P4) / ICMP(type=3, code=3) / inner)
    r = side6.wait(t, lambda p: ICMPv6DestUnreach in p and
                   p[ICMPv6DestUnreach].code == 4)
    if not r:
        return "nothing reached the IPv6 side"
    p = r[0]
    e = raw(p[ICMPv6DestUnreach].payload)
    i = IPv6(e)
    if len(e) != 48 or i.plen != 108 or not same6(i.src, A) or \
            e[40:42] != (5000).to_bytes(2, "big") or not csum_ok6(p):
        return "inner %d bytes, payload length %d, %s" % (len(e), i.plen,
                                                          i.summary())
    return None


check("RFC 7915 4.2 ICMPv4 error quoting only 8 bytes of UDP: inner IPv6 "
      "header + 8 bytes, payload length of the original (108), checksum",
      err4_short)


def err4_big():
    inner = IP(src=P4, dst=S1, flags="DF") / UDP(sport=st["pu"],
                                                 dport=9999) / bytes(1332)
    t = side4.send(IP(src=S1, dst=P4) / ICMP(type=3, code=4, nexthopmtu=1300)
                   / raw(inner))
    r = side6.wait(t, lambda p: ICMPv6PacketTooBig in p and
                   p[ICMPv6PacketTooBig].mtu == 1320)
    if not r:
        return "no Packet Too Big 1320"
    if len(r[0]) > 1280 or not csum_ok6(r[0]):
        return "%d bytes (RFC 4443 2.4: at most 1280)" % len(r[0])
    return None


check("RFC 7915 4.2/RFC 4443 an ICMPv4 error quoting 1360 bytes becomes an "
      "ICMPv6 error of at most 1280 bytes, checksum valid", err4_big)

def pmtud():
    # The IPv4 link is 1400 bytes: the NAT64's kernel answers the
    # translated DF=1 datagram with Fragmentation Needed 1400 to 192.0.2.1,
    # which the NAT64 translates back to the IPv6 host.
    t = side6.send(IPv6(src=A, dst=v6(S1)) / UDP(sport=5000, dport=9999) /
                   bytes(1420))
    r = side6.wait(t, lambda p: ICMPv6PacketTooBig in p)
    if side4.got(t, out4_udp(S1, 9999, bytes(8))):
        return "the datagram went out"
    if not r:
        return "no Packet Too Big"
    p = r[0]
    i = IPv6(raw(p[ICMPv6PacketTooBig].payload))
    if p[ICMPv6PacketTooBig].mtu != 1420 or not same6(p[IPv6].dst, A) or \
            not same6(i.src, A) or i[UDP].sport != 5000 or not csum_ok6(p):
        return "got %s mtu %d inner %s" % (p.summary(),
                                           p[ICMPv6PacketTooBig].mtu,
                                           i.summary())
    return None


check("3.7 PMTUD: a 1468-byte IPv6 datagram over the 1400-byte IPv4 link "
      "gets Packet Too Big 1420 quoting it", pmtud)

# --- 3.8 hairpinning ---------------------------------------------------


def hairpin_udp():
    t = side6.send(IPv6(src=A, dst=v6(P4)) / UDP(sport=5200, dport=7000) /
                   b"hp")
    r = side6.wait(t, lambda p: UDP in p and same6(p[IPv6].dst, B) and
                   p[UDP].dport == 7000)
    if not r:
        return "nothing reached [::11]:7000"
    p = r[0]
    if not same6(p[IPv6].src, v6(P4)) or p[UDP].sport in (5200, 0) or \
            not csum_ok6(p) or raw(p[UDP].payload) != b"hp":
        return "got %s sport %d" % (p.summary(), p[UDP].sport)
    return None


check("3.8 hairpinning UDP: ::10 reaches [::11]:7000 via 192.0.2.1:7000, "
      "source the pool6 form of 192.0.2.1, checksum valid", hairpin_udp)


def hairpin_echo():
    t = side6.send(IPv6(src=A, dst=v6(P4)) / ICMPv6EchoRequest(id=0x4444,
                                                               seq=7))
    r = side6.wait(t, lambda p: ICMPv6EchoRequest in p and
                   same6(p[IPv6].dst, A) and p[ICMPv6EchoRequest].seq == 7)
    if not r:
        return "the echo did not come back in"
    p = r[0]
    if not same6(p[IPv6].src, v6(P4)) or p[ICMPv6EchoRequest].id != 0x4444 \
            or not csum_ok6(p):
        return "got %s id %d" % (p.summary(), p[ICMPv6EchoRequest].id)
    return None


check("3.8 hairpinning ICMP echo: to its own pool4 address, back with its "
      "identifier", hairpin_echo)

# --- 3.4 fragments -----------------------------------------------------


def reass4(frags):
    frags = sorted(frags, key=lambda p: p[IP].frag)
    data = b""
    for f in frags:
        if f[IP].frag * 8 != len(data):
            return None
        data += raw(f[IP].payload)[:len(f[IP]) - f[IP].ihl * 4]
    if frags[-1][IP].flags.MF:
        return None
    return data


def frag6(order):
    def run():
        pay = bytes(range(256)) * 6
        pkt = (IPv6(src=A, dst=v6(S1)) / IPv6ExtHdrFragment(id=0xabcd1234) /
               UDP(sport=5300, dport=9999) / pay)
        fr = fragment6(pkt, 700)
        if order == "reverse":
            fr = fr[::-1]
        t = side6.sendall(fr)
        r = side4.wait(t, lambda p: IP in p and p[IP].dst == S1 and
                       p[IP].proto == 17 and
                       (p[IP].frag or p[IP].flags.MF or
                        (UDP in p and p[UDP].dport == 9999 and
                         len(p[UDP].payload) == len(pay))),
                       count=len(fr))
        r = [x for x in r if x[IP].id == r[0][IP].id] if r else r
        data = reass4(r) if r else None
        if data is None:
            return "%d IPv4 packets, not a whole datagram" % len(r)
        u = UDP(data)
        if r[0][IP].flags.DF or r[0][IP].id != 0x1234:
            return "DF %s id 0x%x (want DF=0, id 0x1234)" % (
                r[0][IP].flags.DF, r[0][IP].id)
        whole = IP(src=P4, dst=S1) / UDP(sport=u.sport, dport=9999) / pay
        if (r[0][IP].src != P4 or raw(u.payload) != pay or
                raw(IP(raw(whole))[UDP])[6:8] != data[6:8]):
            return "datagram wrong (sport %d, checksum)" % u.sport
        return None
    return run


check("3.4 fragmented UDP from IPv6 (Fragment Header, 3 fragments): "
      "whole datagram on IPv4, DF=0, ID from the Fragment Header, checksum",
      frag6("in"))
check("3.4 the same, fragments out of order (last first)", frag6("reverse"))


def reass6(r, ident):
    """The payload of IPv6 fragments R (any order) with Identification
    IDENT, or why not."""
    data = b""
    frs = sorted([x for x in r if IPv6ExtHdrFragment in x],
                 key=lambda p: p[IPv6ExtHdrFragment].offset)
    if not frs:
        return None, "no IPv6 fragments (%d packets)" % len(r)
    for f in frs:
        h = f[IPv6ExtHdrFragment]
        if h.offset * 8 != len(data) or h.id != ident:
            return None, "offset %d id %d" % (h.offset, h.id)
        data += raw(h.payload)
    if frs[-1][IPv6ExtHdrFragment].m:
        return None, "incomplete"
    return data, None


def udp6_whole(data, pay):
    """Why the UDP datagram DATA from [S1]:9999 to [::10]:5000 carrying
    PAY is wrong (its checksum included), or None."""
    u = UDP(data)
    whole = IPv6(src=v6(S1), dst=A) / UDP(sport=9999, dport=5000) / pay
    if u.dport != 5000 or raw(u.payload) != pay or \
            raw(IPv6(raw(whole))[UDP])[6:8] != data[6:8]:
        return "datagram wrong (dport %d)" % u.dport
    return None


def frag4():
    pay = bytes(range(255, -1, -1)) * 5
    pkt = IP(src=S1, dst=P4, id=4321) / UDP(sport=9999, dport=st["pu"]) / pay
    fr = fragment(pkt, 600)[::-1]
    t = side4.sendall(fr)
    r = side6.wait(t, lambda p: IPv6 in p and same6(p[IPv6].dst, A) and
                   (IPv6ExtHdrFragment in p or UDP in p), count=len(fr))
    data, why = reass6(r, 4321)
    return why or udp6_whole(data, pay)


check("3.4 fragmented UDP from IPv4, out of order: IPv6 fragments with the "
      "IPv4 ID, the datagram whole to [::10]:5000, checksum valid", frag4)


def big4(df):
    def run():
        pay = bytes(range(256)) * 5 + bytes(72)
        pkt = IP(src=S1, dst=P4, id=999, flags="DF" if df else 0) / \
            UDP(sport=9999, dport=st["pu"]) / pay
        t = side4.send(pkt)
        r = side6.wait(t, lambda p: IPv6 in p and same6(p[IPv6].dst, A) and
                       (IPv6ExtHdrFragment in p or UDP in p),
                       count=1 if df else 2)
        if df:
            if len(r) != 1 or IPv6ExtHdrFragment in r[0]:
                return "%d packets, Fragment Header %s" % (
                    len(r), r and IPv6ExtHdrFragment in r[0])
            if len(r[0]) != len(pay) + 48:
                return "length %d" % len(r[0])
            return udp6_whole(raw(r[0][UDP]), pay)
        if any(len(x) > 1280 for x in r):
            return "sizes %s over 1280" % [len(x) for x in r]
        data, why = reass6(r, 999)
        return why or udp6_whole(data, pay)
    return run


check("RFC 7915 4.1 a 1380-byte IPv4 datagram with DF=0: IPv6 fragments of "
      "at most 1280 bytes (lowest-ipv6-mtu), ID kept", big4(False))
check("RFC 7915 4.1 the same with DF=1: one IPv6 packet, no Fragment "
      "Header", big4(True))


def ttl1_from4():
    t = side4.send(IP(src=S1, dst=P4, ttl=1) /
                   UDP(sport=9999, dport=st["pu"]) / b"t1")
    r = side4.wait(t, lambda p: ICMP in p and p[ICMP].type == 11 and
                   p[IP].dst == S1)
    if side6.got(t, lambda p: UDP in p and raw(p[UDP].payload) == b"t1"):
        return "it was translated"
    if not r:
        return "no ICMP Time Exceeded"
    i = IP(raw(r[0][ICMP].payload))
    if r[0][ICMP].code != 0 or i[UDP].dport != st["pu"] or \
            not csum_ok4(r[0]):
        return "got %s" % r[0].summary()
    return None


check("3.7 TTL 1 from IPv4: ICMP Time Exceeded back, nothing translated",
      ttl1_from4)

def ext6():
    t = side6.send(IPv6(src=A, dst=v6(S1)) / IPv6ExtHdrDestOpt() /
                   UDP(sport=5000, dport=9999) / b"xh")
    r = side4.wait(t, out4_udp(S1, 9999, b"xh"))
    if not r:
        return "nothing came out"
    p = r[0]
    if p[IP].proto != 17 or p[UDP].sport != st["pu"] or not csum_ok4(p):
        return "got %s" % p.summary()
    return None


check("RFC 7915 5.1 a Destination Options header is skipped: UDP out, "
      "checksum valid", ext6)


def rh6():
    t = side6.send(IPv6(src=A, dst=v6(S1)) /
                   IPv6ExtHdrRouting(type=0, segleft=1,
                                     addresses=["2001:db8:6::77"]) /
                   UDP(sport=5000, dport=9999) / b"rh")
    r = side6.wait(t, lambda p: ICMPv6ParamProblem in p)
    if side4.got(t, out4_udp(S1, 9999, b"rh")):
        return "it was translated"
    if not r:
        return "no Parameter Problem"
    e = r[0][ICMPv6ParamProblem]
    if e.code != 0 or e.ptr != 43 or not csum_ok6(r[0]):
        return "code %d pointer %d" % (e.code, e.ptr)
    return None


check("RFC 7915 5.1 a Routing header with Segments Left 1: not translated, "
      "ICMPv6 Parameter Problem 0 pointing at Segments Left (43)", rh6)


def opts4():
    t = side4.send(IP(src=S1, dst=P4, options=[IPOption(b"\x01\x01\x01\x00")])
                   / UDP(sport=9999, dport=st["pu"]) / b"op")
    r = side6.wait(t, lambda p: UDP in p and raw(p[UDP].payload) == b"op")
    if not r:
        return "nothing reached the IPv6 side"
    p = r[0]
    if p[IPv6].nh != 17 or p[UDP].dport != 5000 or not csum_ok6(p):
        return "got %s" % p.summary()
    return None


check("RFC 7915 4.1 IPv4 options (no source route) are dropped: UDP "
      "translated, checksum valid", opts4)

def frag_echo():
    # RFC 7915 1.2: "Fragmented ICMP/ICMPv6 packets will not be translated".
    pay = bytes(range(256)) * 8
    pkt = (IPv6(src=A, dst=v6(S1)) / IPv6ExtHdrFragment(id=0x5151) /
           ICMPv6EchoRequest(id=0x1234, seq=9, data=pay))
    t = side6.sendall(fragment6(pkt, 900))
    pkt = IP(src=S1, dst=P4, id=777) / ICMP(type=0, id=st["eid"], seq=9) / pay
    side4.sendall(fragment(pkt, 800))
    side6.send(IPv6(src=A, dst=v6(S1)) / UDP(sport=5000, dport=9999) / b"c6")
    side4.send(IP(src=S1, dst=P4) / UDP(sport=9999, dport=st["pu"]) / b"c4")
    ok4 = side4.wait(t, out4_udp(S1, 9999, b"c6"))
    ok6 = side6.wait(t, lambda p: UDP in p and raw(p[UDP].payload) == b"c4")
    if not ok4 or not ok6:
        return "control packets: %d, %d" % (len(ok4), len(ok6))
    bad = side4.got(t, lambda p: IP in p and p[IP].proto == 1 and
                    p[IP].dst == S1)
    bad += side6.got(t, lambda p: IPv6 in p and same6(p[IPv6].dst, A) and
                     (IPv6ExtHdrFragment in p or ICMPv6EchoReply in p))
    return "translated: %s" % bad[0].summary() if bad else None


check("RFC 7915 1.2 fragmented ICMP echo either way is not translated "
      "(control packets pass)", frag_echo)

# --- bad input ---------------------------------------------------------


def bad_dst():
    dsts = ["127.0.0.1", "224.0.0.9", "255.255.255.255", "0.0.0.7"]
    t = side6.sendall([IPv6(src=A, dst=v6(d)) / UDP(sport=5700, dport=9999) /
                       b"bd" for d in dsts])
    side6.send(IPv6(src=A, dst=v6(S1)) / UDP(sport=5700, dport=9999) / b"ok")
    if not side4.wait(t, out4_udp(S1, 9999, b"ok")):
        return "the control packet did not come out"
    out = side4.got(t, lambda p: UDP in p and raw(p[UDP].payload)[:2] == b"bd")
    made = [x["remote"] for x in sessions() if x["ipv6_port"] == 5700 and
            x["remote"] != S1]
    if out or made:
        return "out: %s, sessions to %s" % ([p.summary() for p in out], made)
    return None


check("3.5/RFC 6052 IPv6 destinations embedding loopback, multicast, "
      "broadcast or 0/8 open no session and go nowhere", bad_dst)



def src_in_pool6():
    t = side6.send(IPv6(src=v6(S2), dst=v6(S1)) /
                   UDP(sport=5400, dport=9999) / b"bad")
    side6.send(IPv6(src=A, dst=v6(S1)) / UDP(sport=5400, dport=9999) / b"ctl")
    ok = side4.wait(t, out4_udp(S1, 9999, b"ctl"))
    bad = side4.got(t, out4_udp(S1, 9999, b"bad"))
    if not ok:
        return "the control packet did not come out"
    return "translated" if bad else None


check("3.5 IPv6 source inside pool6 is discarded (a control packet passes)",
      src_in_pool6)


def no_mapping():
    t = side4.send(IP(src=S1, dst=P4) / UDP(sport=9999, dport=9) / b"bad")
    side4.send(IP(src=S1, dst=P4) / UDP(sport=9999, dport=st["pu"]) / b"ctl")
    ok = side6.wait(t, lambda p: UDP in p and raw(p[UDP].payload) == b"ctl")
    bad = side6.got(t, lambda p: UDP in p and raw(p[UDP].payload) == b"bad")
    if not ok:
        return "the control packet did not come in"
    return "translated" if bad else None


check("3.5.1 UDP to a pool4 port without a mapping is discarded", no_mapping)


def hlim1():
    t = side6.send(IPv6(src=A, dst=v6(S1), hlim=1) /
                   UDP(sport=5000, dport=9999) / b"h1")
    r = side6.wait(t, lambda p: ICMPv6TimeExceeded in p)
    out = side4.got(t, out4_udp(S1, 9999, b"h1"))
    if out:
        return "it was translated"
    if not r:
        return "no Time Exceeded"
    p = r[0]
    i = IPv6(raw(p[ICMPv6TimeExceeded].payload))
    if p[ICMPv6TimeExceeded].code != 0 or not same6(p[IPv6].dst, A) or \
            i[UDP].sport != 5000 or not csum_ok6(p):
        return "got %s" % p.summary()
    return None


check("3.7 hop limit 1: ICMPv6 Time Exceeded back, nothing translated", hlim1)


def unknown_proto():
    t = side6.send(IPv6(src=A, dst=v6(S1), nh=253) / Raw(b"\0" * 16))
    side6.send(IPv6(src=A, dst=v6(S1)) / UDP(sport=5000, dport=9999) / b"ctl2")
    ok = side4.wait(t, out4_udp(S1, 9999, b"ctl2"))
    t4 = side4.send(IP(src=S1, dst=P4, proto=253) / Raw(b"\0" * 16))
    side4.send(IP(src=S1, dst=P4) / UDP(sport=9999, dport=st["pu"]) / b"ctl3")
    ok2 = side6.wait(t4, lambda p: UDP in p and raw(p[UDP].payload) == b"ctl3")
    bad = side4.got(t, lambda p: IP in p and p[IP].proto == 253)
    bad += side6.got(t, lambda p: IPv6 in p and p[IPv6].nh == 253)
    if not ok or not ok2:
        return "control packets: %d, %d" % (len(ok), len(ok2))
    return "translated" if bad else None


check("3.1 unknown protocol (253) either way: not translated", unknown_proto)

