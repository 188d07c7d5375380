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
import ctypes
import ipaddress
import json
import os
import select
import socket
import subprocess
import sys
import threading
import time

from scapy.all import (ICMP, IP, TCP, UDP, Ether, ICMPv6DestUnreach,
                       ICMPv6EchoReply, ICMPv6EchoRequest, ICMPv6PacketTooBig,
                       ICMPv6TimeExceeded, IPerror, IPv6, IPv6ExtHdrFragment,
                       Raw, TCPerror, conf, fragment, fragment6,
                       raw)

conf.verb = 0
NS6, MAC6, NS4, MAC4, MODE = sys.argv[1:6]
CTL = sys.argv[6:]

A = "2001:db8:6::10"
B = "2001:db8:6::11"
S1, S2, S3 = "198.51.100.10", "198.51.100.20", "198.51.100.30"
P4 = "192.0.2.1"


def v6(a4):
    """The RFC 6052 form of A4 under 64:ff9b::/96."""
    return str(ipaddress.IPv6Address(
        int(ipaddress.IPv6Address("64:ff9b::")) |
        int(ipaddress.IPv4Address(a4))))


def same6(x, y):
    return ipaddress.IPv6Address(x) == ipaddress.IPv6Address(y)


class Side:
    """eth0 of one namespace: a raw packet socket and what it received."""

    def __init__(self, ns, peer_mac):
        libc = ctypes.CDLL(None, use_errno=True)
        home = os.open("/proc/self/ns/net", os.O_RDONLY)
        fd = os.open("/var/run/netns/" + ns, os.O_RDONLY)
        if libc.setns(fd, 0x40000000) != 0:
            raise OSError(ctypes.get_errno(), "setns " + ns)
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                  socket.htons(3))
        self.sock.bind(("eth0", 0))
        with open("/sys/class/net/eth0/address") as f:
            self.mac = f.read().strip()
        libc.setns(home, 0x40000000)
        os.close(fd)
        os.close(home)
        self.peer = peer_mac
        self.log = []
        self.lock = threading.Lock()
        self.stop = False
        self.thr = threading.Thread(target=self.run, daemon=True)
        self.thr.start()

    def run(self):
        while not self.stop:
            r, _, _ = select.select([self.sock], [], [], 0.2)
            if not r:
                continue
            data, addr = self.sock.recvfrom(65535)
            if addr[2] == socket.PACKET_OUTGOING:
                continue
            with self.lock:
                self.log.append((time.monotonic(), data))

    def send(self, pkt):
        """Send PKT; returns the time before it left: the answer may be
        logged before send() returns (veth delivers in the caller)."""
        t = time.monotonic()
        self.sock.send(raw(Ether(src=self.mac, dst=self.peer) / pkt))
        return t

    def sendall(self, pkts):
        t = time.monotonic()
        for p in pkts:
            self.send(p)
        return t

    def got(self, since, pred):
        """Every packet (L3, parsed) received after SINCE matching PRED."""
        with self.lock:
            frames = [d for t, d in self.log if t >= since]
        out = []
        for d in frames:
            p = Ether(d).payload
            try:
                if pred(p):
                    out.append(p)
            except (AttributeError, IndexError, TypeError):
                pass
        return out

    def wait(self, since, pred, timeout=1.5, count=1):
        end = time.monotonic() + timeout
        while True:
            r = self.got(since, pred)
            if len(r) >= count or time.monotonic() >= end:
                return r
            time.sleep(0.02)


side6 = Side(NS6, MAC6)
side4 = Side(NS4, MAC4)
results = []


def report(ok, name, why=""):
    st = "PASS" if ok else "FAIL"
    print("%s\t%s\t%s" % (st, name, str(why).replace("\n", " ")), flush=True)
    results.append(ok)


def check(name, fn):
    """Run one check; FN returns None when it passes, else why not."""
    t0 = time.monotonic()
    try:
        why = fn()
    except Exception as e:  # a malformed answer is a failure, not a crash
        why = "exception %r" % e
    if why is not None:
        for n, sd in (("v6", side6), ("v4", side4)):
            with sd.lock:
                seen = [(t - t0, Ether(d).payload) for t, d in sd.log
                        if t >= t0]
            why += " | %s saw: %s" % (n, ", ".join(
                "%.2f %s" % (t, p.summary()) for t, p in seen[:8]))
    report(why is None, name, why or "")


TTL_TODO = ("the TUN data path: the kernel forwards into the TUN and out "
            "of it, each a decrement, besides the engine's own")


def todo(name, fn, reason):
    """A check of a known non-conformance: TODO while it fails."""
    try:
        why = fn()
    except Exception as e:
        why = "exception %r" % e
    if why is None:
        report(True, name)
        return
    print("TODO\t%s\t%s: %s" % (name, reason, why), flush=True)


def csum_ok4(p):
    """IPv4 header and L4 checksums of P as received are right."""
    q = IP(raw(p))
    want = raw(q)
    for layer in (IP, UDP, TCP, ICMP):
        if layer in q:
            del q[layer].chksum
    if UDP in q and IP(want)[UDP].chksum == 0:
        q[UDP].chksum = 0
    return raw(IP(raw(q))) == want


def csum_ok6(p):
    """The L4 checksum of the IPv6 packet P as received is right."""
    q = IPv6(raw(p))
    want = raw(q)
    for layer in (UDP, TCP, ICMPv6EchoRequest, ICMPv6EchoReply,
                  ICMPv6DestUnreach, ICMPv6PacketTooBig, ICMPv6TimeExceeded):
        if layer in q:
            if hasattr(q[layer], "cksum"):
                del q[layer].cksum
            else:
                del q[layer].chksum
    return raw(IPv6(raw(q))) == want


def udp4(src, sport, dport, dst=P4):
    return lambda p: (IP in p and p[IP].src == src and p[IP].dst == dst and
                      UDP in p and p[UDP].sport == sport and
                      p[UDP].dport == dport)


def udp6_to(dst, dport):
    return lambda p: (IPv6 in p and same6(p[IPv6].dst, dst) and
                      UDP in p and p[UDP].dport == dport)


def out4_udp(dst, dport, payload):
    return lambda p: (IP in p and p[IP].dst == dst and UDP in p and
                      p[UDP].dport == dport and
                      raw(p[UDP].payload).startswith(payload))


def sessions():
    out = subprocess.run(CTL, capture_output=True, text=True, timeout=5)
    return json.loads(out.stdout)["instances"][0]["sessions"]


def tcp_state(port6):
    for s in sessions():
        if s["proto"] == "tcp" and s["ipv6_port"] == port6:
            return s["state"]
    return None




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


if MODE == "eif":
    check("3.5.1 endpoint-independent filtering: a third IPv4 host reaches "
          "the mapping", eif)
    sys.exit(0 if all(results) else 1)

# --- the unsolicited IPv4 SYN (3.5.2.2), checked at the end -------------
t_syn = side4.send(IP(src=S1, dst=P4) / TCP(sport=7777, dport=6500,
                                            flags="S", seq=77))

# --- 3.5.1 UDP ---------------------------------------------------------
st = {}


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
todo("RFC 7915 5.1 IPv6->IPv4 TTL = hop limit - 1 (64 -> 63)",
     lambda: None if st["u1"][IP].ttl == 63 else "TTL %d" % st["u1"][IP].ttl,
     TTL_TODO)


def ipv4_id():
    # RFC 7915 5.1 / RFC 6864: DF=0 datagrams need distinct Identifications.
    t = side6.send(IPv6(src=A, dst=v6(S1)) / UDP(sport=5000, dport=9999) / b"i1")
    side6.send(IPv6(src=A, dst=v6(S1)) / UDP(sport=5000, dport=9999) / b"i2")
    r = side4.wait(t, out4_udp(S1, 9999, b"i"), count=2)
    if len(r) != 2:
        return "%d of 2 arrived" % len(r)
    ids = [x[IP].id for x in r]
    return None if ids[0] != ids[1] else "both Identification %d" % ids[0]


check("RFC 7915 5.1 IPv4 Identification differs between two DF=0 datagrams",
      ipv4_id)


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
todo("RFC 7915 4.1 IPv4->IPv6 hop limit = TTL - 1 (50 -> 49)",
     lambda: None if st["hlim"] == 49 else "hop limit %d" % st["hlim"],
     TTL_TODO)


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
    side4.send(IP(src=S2, dst=P4) / UDP(sport=9999, dport=st["pu"]) / b"x2")
    ok = side6.wait(t, lambda p: UDP in p and raw(p[UDP].payload) == b"x2")
    bad = side6.got(t, lambda p: UDP in p and raw(p[UDP].payload) == b"x3")
    err = side4.wait(t, lambda p: ICMP in p and p[IP].dst == S3 and
                     p[ICMP].type == 3 and p[ICMP].code == 13)
    why = []
    if not ok:
        why.append("the host ::10 sent to (%s) did not get through" % S2)
    if bad:
        why.append("the third host %s got through" % S3)
    if not err:
        why.append("no ICMP 3/13 to %s" % S3)
    return "; ".join(why) or None


check("3.5.1 address-dependent filtering: a host ::10 sent to passes, a "
      "third IPv4 host is refused with ICMP 3/13", adf)

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


def frag4():
    pay = bytes(range(255, -1, -1)) * 5
    pkt = IP(src=S1, dst=P4, id=4321) / UDP(sport=9999, dport=st["pu"]) / pay
    fr = fragment(pkt, 600)[::-1]
    t = side4.sendall(fr)
    r = side6.wait(t, lambda p: IPv6 in p and same6(p[IPv6].dst, A) and
                   (IPv6ExtHdrFragment in p or UDP in p), count=len(fr))
    data = b""
    frs = sorted([x for x in r if IPv6ExtHdrFragment in x],
                 key=lambda p: p[IPv6ExtHdrFragment].offset)
    if not frs:
        return "no IPv6 fragments (%d packets)" % len(r)
    for f in frs:
        h = f[IPv6ExtHdrFragment]
        if h.offset * 8 != len(data) or h.id != 4321:
            return "offset %d id %d" % (h.offset, h.id)
        data += raw(h.payload)
    if frs[-1][IPv6ExtHdrFragment].m:
        return "incomplete"
    u = UDP(data)
    whole = IPv6(src=v6(S1), dst=A) / UDP(sport=9999, dport=5000) / pay
    if u.dport != 5000 or raw(u.payload) != pay or \
            raw(IPv6(raw(whole))[UDP])[6:8] != data[6:8]:
        return "datagram wrong (dport %d)" % u.dport
    return None


check("3.4 fragmented UDP from IPv4, out of order: IPv6 fragments with the "
      "IPv4 ID, the datagram whole to [::10]:5000, checksum valid", frag4)

# --- bad input ---------------------------------------------------------


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
