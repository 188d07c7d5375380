#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""nat64_probe: black-box RFC 6146 checks of a NAT64 from the wire.

    nat64_probe.py NS6 MAC6 NS4 MAC4 MODE CTL...

Crafted packets go out of eth0 in network namespace NS6 (the IPv6 side,
frames to the NAT64's MAC6) and NS4 (the IPv4 side, to MAC4); what comes
out of the NAT64 on either side is sniffed there.  CTL... is the command
that prints `xlatctl sessions --json`.  MODE "adf" runs the checks for
address-dependent filtering (all but one), "eif" the one for
endpoint-independent filtering.  The topology is the one of
tests/integ/nat64_conformance.sh: IPv6 hosts 2001:db8:6::10 and ::11,
IPv4 hosts 198.51.100.10, .20, .30, pool6 64:ff9b::/96, pool4 192.0.2.1,
address-dependent filtering, a static UDP entry [::11]:7000 <->
192.0.2.1:7000.  Prints one line per check: "PASS\tNAME",
"FAIL\tNAME\tWHY" or "TODO\tNAME\tWHY".  Every wait is bounded (about
25 s in all).
"""
# The checks of 3.4 and 3.6-3.8 and the bad input are in nat64_probe_err.py.
from nat64_probe_lib import *  # noqa: F401,F403 (the shared names)


def eif():
    t = side6.send(IPv6(src=A, dst=v6(S1)) / UDP(sport=5600, dport=9999) /
                   b"e1")
    r = side4.wait(t, out4_udp(S1, 9999, b"e1"))
    if not r:
        return "nothing came out"
    t = side4.send(IP(src=S3, dst=P4) / UDP(sport=9999, dport=r[0][UDP].sport) /
                   b"e3")
    r = side6.wait(t, lambda p: UDP in p and raw(p[UDP].payload) == b"e3")
    if not r:
        return "the third host was refused"
    if not same6(r[0][IPv6].src, v6(S3)) or r[0][UDP].dport != 5600:
        return "got %s" % r[0].summary()
    return None


def tcp_hairpin():
    # [::11]:41000 has 192.0.2.1:6602 from the simultaneous open (adf run).
    t = side6.send(IPv6(src=A, dst=v6(P4)) /
                   TCP(sport=6100, dport=6602, flags="S", seq=61))
    r = side6.wait(t, lambda p: TCP in p and same6(p[IPv6].dst, B) and
                   p[TCP].flags == "S")
    if not r:
        return "no SYN reached ::11"
    p = r[0]
    if (not same6(p[IPv6].src, v6(P4)) or p[TCP].dport != 41000 or
            p[TCP].seq != 61 or not csum_ok6(p)):
        return "got %s" % p.summary()
    return None


def tcp_inbound_eif():
    # [::10]:5000 has a UDP mapping; [::11]:41000 a TCP one (192.0.2.1:6602).
    t = side4.send(IP(src=S3, dst=P4) / TCP(sport=3333, dport=6602,
                                            flags="S", seq=33))
    r = side6.wait(t, lambda p: TCP in p and p[TCP].sport == 3333)
    if not r:
        return "the SYN did not reach ::11"
    p = r[0]
    if (not same6(p[IPv6].src, v6(S3)) or not same6(p[IPv6].dst, B) or
            p[TCP].dport != 41000 or p[TCP].flags != "S" or not csum_ok6(p)):
        return "got %s" % p.summary()
    for s in sessions():
        if s["proto"] == "tcp" and s["remote"] == S3:
            return None if s["state"] == "v4_init" else s["state"]
    return "no session"


if MODE == "eif":
    check("3.5.1 endpoint-independent filtering: a third IPv4 host reaches "
          "the mapping", eif)
    check("3.8 hairpinning TCP: a SYN from ::10 to 192.0.2.1:6602 reaches "
          "[::11]:41000 from the pool6 form of 192.0.2.1", tcp_hairpin)
    check("3.5.2.2 endpoint-independent filtering: an IPv4 SYN from a new "
          "host to a TCP mapping is translated (V4 INIT)", tcp_inbound_eif)
    sys.exit(0 if all(results) else 1)

# --- the unsolicited IPv4 SYN (3.5.2.2), checked at the end -------------
t_syn = side4.send(IP(src=S1, dst=P4) / TCP(sport=7777, dport=6500,
                                            flags="S", seq=77))

# --- 3.5.1 UDP ---------------------------------------------------------
def udp_eim():
    t = side6.send(IPv6(src=A, dst=v6(S1), tc=0x48, hlim=64) /
                   UDP(sport=5000, dport=9999) / b"q1")
    side6.send(IPv6(src=A, dst=v6(S2)) / UDP(sport=5000, dport=9999) / b"q2")
    r1 = side4.wait(t, out4_udp(S1, 9999, b"q1"))
    r2 = side4.wait(t, out4_udp(S2, 9999, b"q2"))
    if not r1 or not r2:
        return "to %s: %d, to %s: %d packets" % (S1, len(r1), S2, len(r2))
    st["u1"], st["u2"] = r1[0], r2[0]
    st["pu"] = r1[0][UDP].sport
    a = (r1[0][IP].src, r1[0][UDP].sport)
    b = (r2[0][IP].src, r2[0][UDP].sport)
    if a != b or a[0] != P4:
        return "mapped to %s and %s" % (a, b)
    return None


check("3.5.1 UDP endpoint-independent mapping: [::10]:5000 to two IPv4 "
      "hosts leaves from the same 192.0.2.1 port", udp_eim)


def parity():
    t = side6.send(IPv6(src=A, dst=v6(S1)) / UDP(sport=5001, dport=9999) /
                   b"odd")
    r = side4.wait(t, out4_udp(S1, 9999, b"odd"))
    if not r:
        return "nothing came out"
    po, pe = r[0][UDP].sport, st["pu"]
    if pe % 2 or po % 2 == 0 or min(po, pe) < 1024:
        return "5000 -> %d, 5001 -> %d" % (pe, po)
    return None


check("3.5.1.1 port parity and range kept: 5000 -> an even port, 5001 -> an "
      "odd one, both 1024 or above", parity)


def udp_fields():
    p = st["u1"]
    bad = []
    if not csum_ok4(p):
        bad.append("checksums")
    if p[UDP].chksum == 0:
        bad.append("zero UDP checksum")
    if p[IP].tos != 0x48:
        bad.append("tos 0x%02x (traffic class 0x48)" % p[IP].tos)
    if p[IP].flags.DF or p[IP].flags.MF or p[IP].frag:
        bad.append("flags %s frag %d (small, no Fragment Header: DF=0)" %
                   (p[IP].flags, p[IP].frag))
    if raw(p[UDP].payload) != b"q1":
        bad.append("payload")
    return "; ".join(bad) or None


check("3.5.1/RFC 7915 5.1 IPv6->IPv4 UDP: header and UDP checksum valid, "
      "TOS = traffic class, DF=0", udp_fields)
# The translator is one router hop (RFC 7915 5.1, RFC 6146 3.5): the
# kernel's decrements into and out of the TUN are given back.
check("RFC 7915 5.1 IPv6->IPv4 TTL = hop limit - 1 (64 -> 63), a session's "
      "first packet (the engine)",
      lambda: None if st["u1"][IP].ttl == 63 else "TTL %d" % st["u1"][IP].ttl)


def ipv4_id():
    # RFC 7915 5.1 / RFC 6864: DF=0 datagrams need distinct Identifications.
    t = side6.send(IPv6(src=A, dst=v6(S1)) / UDP(sport=5000, dport=9999) / b"i1")
    side6.send(IPv6(src=A, dst=v6(S1)) / UDP(sport=5000, dport=9999) / b"i2")
    r = side4.wait(t, out4_udp(S1, 9999, b"i"), count=2)
    if len(r) != 2:
        return "%d of 2 arrived" % len(r)
    ids = [x[IP].id for x in r]
    st["ttl_later"] = [x[IP].ttl for x in r]
    return None if ids[0] != ids[1] else "both Identification %d" % ids[0]


check("RFC 7915 5.1 IPv4 Identification differs between two DF=0 datagrams",
      ipv4_id)
check("RFC 7915 5.1 IPv6->IPv4 TTL 64 -> 63 for a session's later packets "
      "(the eBPF fast path when it runs)",
      lambda: None if st["ttl_later"] == [63, 63] else
      "TTLs %s" % st["ttl_later"])


def big_df():
    t = side6.send(IPv6(src=A, dst=v6(S1)) / UDP(sport=5000, dport=9999) /
                   (b"B" * 1300))
    r = side4.wait(t, out4_udp(S1, 9999, b"BBBB"))
    if not r:
        return "nothing arrived"
    p = r[0]
    if not p[IP].flags.DF or len(p[IP]) != 1328 or not csum_ok4(p):
        return "DF %s len %d csum %s" % (p[IP].flags.DF, len(p[IP]),
                                         csum_ok4(p))
    return None


check("RFC 7915 5.1 IPv6->IPv4 over 1260 bytes without Fragment Header: DF=1",
      big_df)


def udp_back():
    t = side4.send(IP(src=S1, dst=P4, tos=0xb8, ttl=50) /
                   UDP(sport=9999, dport=st["pu"]) / b"a1")
    r = side6.wait(t, udp6_to(A, 5000))
    if not r:
        return "nothing reached [::10]:5000"
    p = r[0]
    bad = []
    if not same6(p[IPv6].src, v6(S1)) or p[UDP].sport != 9999:
        bad.append("from [%s]:%d" % (p[IPv6].src, p[UDP].sport))
    if not csum_ok6(p) or p[UDP].chksum == 0:
        bad.append("UDP checksum")
    st["hlim"] = p[IPv6].hlim
    if p[IPv6].tc != 0xb8:
        bad.append("traffic class 0x%02x (TOS 0xb8)" % p[IPv6].tc)
    if IPv6ExtHdrFragment in p:
        bad.append("Fragment Header on a DF=0 datagram that fits")
    if raw(p[UDP].payload) != b"a1":
        bad.append("payload")
    return "; ".join(bad) or None


check("3.5.1/RFC 7915 4.1 IPv4->IPv6 UDP through the mapping: addresses and "
      "ports restored, checksum valid, TC = TOS", udp_back)
check("RFC 7915 4.1 IPv4->IPv6 hop limit = TTL - 1 (50 -> 49)",
      lambda: None if st["hlim"] == 49 else "hop limit %d" % st["hlim"])


def udp_zero():
    t = side4.send(IP(src=S1, dst=P4) / UDP(sport=9999, dport=st["pu"],
                                            chksum=0) / b"z0")
    r = side6.wait(t, udp6_to(A, 5000))
    if not r:
        return "nothing reached [::10]:5000"
    if r[0][UDP].chksum == 0 or not csum_ok6(r[0]):
        return "checksum 0x%04x" % r[0][UDP].chksum
    return None


check("3.7/RFC 7915 4.5 zero-checksum UDP from IPv4: checksum computed",
      udp_zero)


def adf():
    t = side4.send(IP(src=S3, dst=P4) / UDP(sport=9999, dport=st["pu"]) /
                   b"x3")
    side4.send(IP(src=S2, dst=P4) / UDP(sport=1234, dport=st["pu"]) / b"x2")
    ok = side6.wait(t, lambda p: UDP in p and raw(p[UDP].payload) == b"x2")
    bad = side6.got(t, lambda p: UDP in p and raw(p[UDP].payload) == b"x3")
    err = side4.wait(t, lambda p: ICMP in p and p[IP].dst == S3 and
                     p[ICMP].type == 3 and p[ICMP].code == 13)
    why = []
    if not ok:
        why.append("the host ::10 sent to (%s), from another port, did not "
                   "get through" % S2)
    if bad:
        why.append("the third host %s got through" % S3)
    if not err:
        why.append("no ICMP 3/13 to %s" % S3)
    return "; ".join(why) or None


check("3.5.1 address-dependent filtering: a host ::10 sent to passes (from "
      "any port), a third IPv4 host is refused with ICMP 3/13", adf)

# --- 3.5.2 TCP ---------------------------------------------------------


def tcp4_from(sport6_map, flags):
    return lambda p: (IP in p and TCP in p and p[IP].dst == S1 and
                      p[TCP].dport == 80 and p[TCP].sport == sport6_map and
                      str(p[TCP].flags) == flags)


def tcp_conn():
    t = side6.send(IPv6(src=A, dst=v6(S1)) /
                   TCP(sport=6000, dport=80, flags="S", seq=1000))
    r = side4.wait(t, lambda p: TCP in p and p[IP].dst == S1 and
                   p[TCP].dport == 80 and p[TCP].flags == "S")
    if not r:
        return "the SYN did not come out"
    s = r[0]
    st["pt"] = pt = s[TCP].sport
    if s[IP].src != P4 or s[TCP].seq != 1000 or not csum_ok4(s):
        return "SYN from %s seq %d csum %s" % (s[IP].src, s[TCP].seq,
                                              csum_ok4(s))
    if tcp_state(6000) != "v6_init":
        return "state %s after the SYN" % tcp_state(6000)
    st["tcp_syn4"] = s
    t = side4.send(IP(src=S1, dst=P4) / TCP(sport=80, dport=pt, flags="SA",
                                            seq=5000, ack=1001))
    r = side6.wait(t, lambda p: TCP in p and p[TCP].flags == "SA")
    if not r:
        return "the SYN-ACK did not come back"
    sa = r[0]
    if (not same6(sa[IPv6].src, v6(S1)) or sa[TCP].dport != 6000 or
            sa[TCP].seq != 5000 or sa[TCP].ack != 1001 or not csum_ok6(sa)):
        return "SYN-ACK %s" % sa.summary()
    if tcp_state(6000) != "established":
        return "state %s after the SYN-ACK" % tcp_state(6000)
    t = side6.send(IPv6(src=A, dst=v6(S1)) /
                   TCP(sport=6000, dport=80, flags="PA", seq=1001, ack=5001) /
                   b"hello6")
    r = side4.wait(t, lambda p: TCP in p and raw(p[TCP].payload) == b"hello6")
    if not r or not csum_ok4(r[0]) or r[0][TCP].sport != pt:
        return "data IPv6->IPv4: %s" % (r and r[0].summary())
    t = side4.send(IP(src=S1, dst=P4) / TCP(sport=80, dport=pt, flags="PA",
                                            seq=5001, ack=1007) / b"hello4")
    r = side6.wait(t, lambda p: TCP in p and raw(p[TCP].payload) == b"hello4")
    if not r or not csum_ok6(r[0]) or r[0][TCP].dport != 6000:
        return "data IPv4->IPv6: %s" % (r and r[0].summary())
    return None


check("3.5.2 TCP from IPv6: SYN (V6 INIT), SYN-ACK (ESTABLISHED), data both "
      "ways, ports and checksums right", tcp_conn)


def tcp_fin():
    pt = st["pt"]
    t = side6.send(IPv6(src=A, dst=v6(S1)) /
                   TCP(sport=6000, dport=80, flags="FA", seq=1007, ack=5007))
    r = side4.wait(t, lambda p: TCP in p and p[TCP].sport == pt and
                   p[TCP].flags == "FA")
    if not r:
        return "the IPv6 FIN did not come out"
    s1 = tcp_state(6000)
    t = side4.send(IP(src=S1, dst=P4) / TCP(sport=80, dport=pt, flags="FA",
                                            seq=5007, ack=1008))
    r = side6.wait(t, lambda p: TCP in p and p[TCP].dport == 6000 and
                   p[TCP].flags == "FA")
    if not r:
        return "the IPv4 FIN did not come back"
    s2 = tcp_state(6000)
    if (s1, s2) != ("v6_fin_rcv", "v4_fin_v6_fin_rcv"):
        return "states %s, %s" % (s1, s2)
    return None


check("3.5.2 TCP FIN from each side: V6 FIN RCV, then V4 FIN + V6 FIN RCV",
      tcp_fin)


def tcp_last_ack():
    t = side6.send(IPv6(src=A, dst=v6(S1)) /
                   TCP(sport=6000, dport=80, flags="A", seq=1008, ack=5008))
    r = side4.wait(t, lambda p: TCP in p and p[TCP].sport == st["pt"] and
                   p[TCP].flags == "A" and p[TCP].ack == 5008)
    return None if r and csum_ok4(r[0]) else "the last ACK did not go out"


check("3.5.2.2 V4 FIN + V6 FIN RCV: the last ACK is still translated",
      tcp_last_ack)


def tcp_rst():
    t = side6.send(IPv6(src=A, dst=v6(S1)) /
                   TCP(sport=6002, dport=80, flags="S", seq=1))
    r = side4.wait(t, lambda p: TCP in p and p[TCP].flags == "S" and
                   p[TCP].seq == 1)
    if not r:
        return "no SYN"
    pt = r[0][TCP].sport
    side4.send(IP(src=S1, dst=P4) / TCP(sport=80, dport=pt, flags="SA",
                                        seq=9, ack=2))
    t = side4.send(IP(src=S1, dst=P4) / TCP(sport=80, dport=pt, flags="R",
                                            seq=10))
    r = side6.wait(t, lambda p: TCP in p and p[TCP].dport == 6002 and
                   p[TCP].flags == "R")
    if not r or not csum_ok6(r[0]):
        return "the RST did not reach the IPv6 host"
    s = tcp_state(6002)
    return None if s == "trans" else "state %s after the RST" % s


check("3.5.2 TCP RST from IPv4 is translated and moves the session to TRANS",
      tcp_rst)


def simopen():
    t = side4.send(IP(src=S2, dst=P4) / TCP(sport=7000, dport=6602,
                                            flags="S", seq=300))
    held = side6.wait(t, lambda p: TCP in p and p[TCP].sport == 7000, 0.3)
    if held:
        return "the unsolicited SYN reached the IPv6 side"
    t = side6.send(IPv6(src=B, dst=v6(S2)) /
                   TCP(sport=41000, dport=7000, flags="S", seq=400))
    r = side4.wait(t, lambda p: TCP in p and p[IP].dst == S2 and
                   p[TCP].dport == 7000 and p[TCP].flags == "S")
    if not r:
        return "the IPv6 SYN did not come out"
    if (r[0][IP].src, r[0][TCP].sport) != (P4, 6602):
        return "it left from %s:%d" % (r[0][IP].src, r[0][TCP].sport)
    for s in sessions():
        if s["proto"] == "tcp" and s["ipv6_port"] == 41000:
            return None if s["state"] == "established" else s["state"]
    return "no session"


check("3.5.2.2 simultaneous open: a held IPv4 SYN, then the IPv6 SYN leaves "
      "from the pool4 port called, ESTABLISHED", simopen)

# --- 3.5.3 ICMP query --------------------------------------------------


def echo():
    t = side6.send(IPv6(src=A, dst=v6(S1)) / ICMPv6EchoRequest(id=0x1234,
                                                               seq=1))
    r = side4.wait(t, lambda p: ICMP in p and p[ICMP].type == 8 and
                   p[IP].dst == S1 and p[ICMP].seq == 1)
    if not r:
        return "no echo request out"
    q = r[0]
    st["eid"] = x = q[ICMP].id
    st["echo4"] = q
    if q[IP].src != P4 or not csum_ok4(q):
        return "request %s" % q.summary()
    t = side4.send(IP(src=S1, dst=P4) / ICMP(type=0, id=x, seq=1))
    r = side6.wait(t, lambda p: ICMPv6EchoReply in p)
    if not r:
        return "no echo reply back"
    a = r[0]
    if (not same6(a[IPv6].src, v6(S1)) or not same6(a[IPv6].dst, A) or
            a[ICMPv6EchoReply].id != 0x1234 or not csum_ok6(a)):
        return "reply %s id %d" % (a.summary(), a[ICMPv6EchoReply].id)
    return None


check("3.5.3 ICMP echo IPv6->IPv4->IPv6: identifier mapped and restored, "
      "checksums valid", echo)


def echo_two_hosts():
    t = side6.send(IPv6(src=B, dst=v6(S1)) / ICMPv6EchoRequest(id=0x1234,
                                                               seq=2))
    r = side4.wait(t, lambda p: ICMP in p and p[ICMP].type == 8 and
                   p[ICMP].seq == 2)
    if not r:
        return "no echo request out"
    y = r[0][ICMP].id
    return None if y != st["eid"] else "both got identifier %d" % y


check("3.5.3 two IPv6 hosts with the same echo identifier get different "
      "mapped identifiers", echo_two_hosts)

import nat64_probe_err  # noqa: E402,F401 (importing it runs its checks)

# --- the held SYN's answer ---------------------------------------------


def syn_unreach():
    left = t_syn + 8.0 - time.monotonic()
    if left > 0:
        side4.wait(t_syn, lambda p: ICMP in p and p[ICMP].type == 3 and
                   p[ICMP].code == 3, left)
    r = side4.got(t_syn, lambda p: ICMP in p and p[ICMP].type == 3 and
                  p[ICMP].code == 3 and TCPerror in p and
                  p[TCPerror].dport == 6500)
    leak = side6.got(t_syn, lambda p: TCP in p and p[TCP].sport == 7777)
    if leak:
        return "the SYN reached the IPv6 side"
    if not r:
        return "no Port Unreachable within 8 s"
    with side4.lock:
        when = [t for t, d in side4.log if t >= t_syn and
                raw(r[0]) in d]
    dt = when[0] - t_syn if when else -1
    p = r[0]
    if not 5.9 <= dt <= 8 or p[IP].src != P4 or p[IPerror].src != S1:
        return "after %.1f s from %s" % (dt, p[IP].src)
    return None


check("3.5.2.2 an IPv4 SYN without mapping: held, ICMP Port Unreachable "
      "after 6 s (TCP_INCOMING_SYN), nothing to IPv6", syn_unreach)

side6.stop = side4.stop = True
sys.exit(0 if all(results) else 1)
