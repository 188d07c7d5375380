#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""dad_defend: a host on the link that claims the first N addresses it sees
probed by Duplicate Address Detection (an NS from ::), answering each probe
with a Neighbour Advertisement to all-nodes, as the owner of a duplicate
would (RFC 4862 5.4.3).  Bounded in time; prints each address it defends.

    dad_defend.py IFACE COUNT SECONDS
"""
import sys

from scapy.all import (Ether, ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6NDOptDstLLAddr,
                       IPv6, conf, sendp, sniff)

conf.verb = 0
iface, count, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
mac = "02:00:00:0d:ad:01"
seen = []


def on_pkt(p):
    if ICMPv6ND_NS not in p or p[IPv6].src != "::":
        return
    tgt = p[ICMPv6ND_NS].tgt
    if tgt not in seen:
        if len(seen) >= count:
            return
        seen.append(tgt)
        print("defend", tgt, flush=True)
    if tgt in seen:
        na = (Ether(src=mac, dst="33:33:00:00:00:01") /
              IPv6(src="fe80::dad", dst="ff02::1", hlim=255) /
              ICMPv6ND_NA(tgt=tgt, R=0, S=0, O=1) /
              ICMPv6NDOptDstLLAddr(lladdr=mac))
        sendp(na, iface=iface)


sniff(iface=iface, filter="icmp6", prn=on_pkt, timeout=seconds, store=False)
