#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xlatd with no configuration file at all (--no-config), its control
# socket and state dir given on the command line (--control-socket,
# --state-dir): the automatic CLAT comes up from SLAAC + a PREF64 RA,
# the state file goes where the option says, also after a SIGHUP, and
# bad option combinations are refused before anything is touched.
#
#   C (client, xlatd -n)  eth0 ---- r0  R (radvd, pref64_ra)
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need radvd

nt_need_build xlatd xlatctl tools/pref64_ra
RA=$NT_BUILD/tools/pref64_ra
P64=2001:db8:64::/96

nt_ns c && nt_ns r || t_bail "namespaces"
C=$(ns c) R=$(ns r)
nt_router "$C" eth0 "$R" 1 || t_bail "router link"
nt_radvd "$R" r0 2001:db8:1::/64

# Refused: -n with -c, -n with --check-config, a relative state dir.
t_check "-n with -c is refused (exit 2)" bash -c "'$NT_XLATD' -n -c /nonexistent; [ \$? -eq 2 ]"
t_check "-n with --check-config is refused (exit 2)" \
	bash -c "'$NT_XLATD' -n --check-config /nonexistent; [ \$? -eq 2 ]"
t_check "a relative --state-dir is refused (exit 2)" \
	bash -c "'$NT_XLATD' -n --state-dir run/x; [ \$? -eq 2 ]"

nt_xlatd_noconf "$C"
t_check "xlatd -n starts, control socket at --control-socket" test -S "$NT_XSOCK"
t_check "the log says it read no file and names the state dir" \
	grep -q "ready: no configuration file, control socket $NT_XSOCK, state dir $NT_XSTATE" "$NT_XLOG"

running() { nt_clat_is clat-eth0 "^running $P64 RA"; }
run_bg "$R" "$RA" --iface r0 --src fe80::64 --prefix $P64 --lifetime 600 --count 60 --interval 1
RA_PID=$NT_LAST_PID
t_check "the automatic CLAT comes up from the PREF64 RA" nt_wait 15 running
t_check "its state file is in --state-dir" \
	grep -q "^clat=running .*reason=NAT64 prefix $P64 from RA" "$NT_XSTATE/eth0.state"

# A reload reads no file either and keeps the state dir of the option:
# the withdrawal after it is written there.
kill -HUP "$NT_XPID"
t_check "SIGHUP: reloaded with no file" nt_wait 3 grep -q "reloaded (no configuration file)" "$NT_XLOG"
t_check "SIGHUP: the CLAT keeps running" running
kill "$RA_PID" 2>/dev/null
nx "$R" "$RA" --iface r0 --src fe80::64 --prefix $P64 --lifetime 0 --count 1 >/dev/null
t_check "after the reload the state file in --state-dir says stopped" \
	nt_wait 5 grep -q "^clat=stopped .*reason=no NAT64 prefix" "$NT_XSTATE/eth0.state"

nt_xlatd_stop
t_check "SIGTERM: the control socket is gone" nt_not test -e "$NT_XSOCK"
t_done
