#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""nat64_probe_lib: what the checks of nat64_probe.py share: the two
sides (a raw packet socket on eth0 of each namespace, opened from the
command line at import), the addresses, checksum validators, the TAP-ish
report and the state the checks hand each other (st)."""
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
                       ICMPv6ParamProblem, ICMPv6TimeExceeded, IPerror,
                       IPOption, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                       IPv6ExtHdrRouting, Raw, TCPerror, conf, fragment,
                       fragment6, raw)

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

    def wait(self, since, pred, timeout=2.0, count=1):
        end = time.monotonic() + timeout
        while True:
            r = self.got(since, pred)
            if len(r) >= count or time.monotonic() >= end:
                return r
            time.sleep(0.02)


side6 = Side(NS6, MAC6)
side4 = Side(NS4, MAC4)
results = []
st = {}


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




