#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The CLAT's next-hop look-up (src/control/nexthop.c) against the kernel:
# the route toward the NAT64 prefix and the neighbour entry of its
# gateway, with 2000 other entries in the client's neighbour table.  The
# userspace data path asks once a second while it sends (frames with a
# prepared link-layer header); the neighbour half must read that one
# entry, not the table (a dump of it held the worker for milliseconds).
#
#   C eth0 2001:db8:1::2 ---- r0 R (2001:db8:1::1, fe80::1)
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need_build tools/nexthop_probe
PROBE=$NT_BUILD/tools/nexthop_probe
DST=2001:db8:64::c633:6402

nt_ns c && nt_ns r || t_bail "namespaces"
C=$(ns c) R=$(ns r)
nt_veth "$C" eth0 "$R" r0 || t_bail "link"
nt_addr "$C" eth0 2001:db8:1::2/64 nodad
nt_addr "$R" r0 2001:db8:1::1/64 nodad
nt_addr "$R" r0 fe80::1/64 nodad
nx "$C" ip -6 route add default via fe80::1 dev eth0 || t_bail "default route"
RMAC=$(nx "$R" cat /sys/class/net/r0/address)

# 2000 static entries on the uplink (2001:db8:1::1000 ...).
for i in $(seq 0 1999); do
	printf 'neigh add 2001:db8:1::%x lladdr 02:00:00:00:%02x:%02x dev eth0 nud permanent\n' \
		$((0x1000 + i)) $((i / 256)) $((i % 256))
done >"$NT_TMP/neigh.batch"
nx "$C" ip -batch "$NT_TMP/neigh.batch" || t_bail "neighbour table"
t_diag "client neighbour entries: $(nx "$C" ip -6 neigh show dev eth0 | wc -l)"

probe() { nx "$C" "$PROBE" "$@"; }

t_check "no entry for the router yet: EAGAIN (the kernel resolves it on use)" \
	bash -c "[ \"\$(ip netns exec '$C' '$PROBE' $DST)\" = 'err EAGAIN via=fe80::1 read=0' ]"

nx "$C" ping -6 -c 1 -W 2 fe80::1%eth0 >/dev/null || t_diag "ping to the router failed"
out=$(probe $DST)
t_diag "after a ping: $out"
t_check "the router's entry: its MAC, confirmed" \
	grep -q "^ok ifindex=[0-9]* via=fe80::1 halen=6 lladdr=$RMAC confirmed=1 " <<<"$out"
t_check "one neighbour message read, not the table of 2000" grep -q " read=1$" <<<"$out"
t_check "the same out of eth0 by name" \
	bash -c "ip netns exec '$C' '$PROBE' $DST eth0 | grep -q '^ok .* via=fe80::1 .*lladdr=$RMAC'"

out=$(probe 2001:db8:1::17cf)
t_check "an on-link destination is its own next hop (static entry, read=1)" \
	grep -q "^ok ifindex=[0-9]* via=2001:db8:1::17cf halen=6 lladdr=02:00:00:00:07:cf confirmed=1 read=1$" <<<"$out"

nx "$C" ip -6 neigh change fe80::1 dev eth0 lladdr "$RMAC" nud stale
t_check "a stale entry is usable, not confirmed" \
	bash -c "ip netns exec '$C' '$PROBE' $DST | grep -q '^ok .* via=fe80::1 .* confirmed=0 read=1$'"

nx "$C" ip -6 route del default via fe80::1 dev eth0
t_check "no route: ENETUNREACH" \
	bash -c "ip netns exec '$C' '$PROBE' $DST | grep -q '^err ENETUNREACH '"
t_done
