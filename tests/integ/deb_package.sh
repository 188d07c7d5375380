#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package, end to end: build it from a copy of the tree
# (dpkg-buildpackage -us -uc -b, so the work tree stays clean), lintian
# without errors, install it with dpkg, verify the installed unit with
# systemd-analyze, start xlatd the way the unit does (its ExecStart,
# RuntimeDirectory, User= and AmbientCapabilities=, Type=notify) in a
# network namespace and a private /run, since these machines have no
# systemd as PID 1; xlatctl status and metrics, SIGTERM; then purge and
# check that nothing is left: files, the enable symlink, users, dirs.
#
# It installs a package on this machine, so it refuses to run where
# systemd is PID 1 (dpkg would start xlatd for real on the host) or where
# xlat464 is installed already (not ours to replace).
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need dpkg-buildpackage dh lintian systemd-analyze unshare nsenter setpriv socat
PKG=xlat464

if [ -d /run/systemd/system ]; then
	t_skip "Debian package" "systemd is PID 1 here: installing would start xlatd on the host"
	t_done
fi
if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'ok installed'; then
	t_skip "Debian package" "$PKG is installed on this machine already"
	t_done
fi

# ---- build, from a copy of the tree ----
SRC=$NT_TMP/src/$PKG
mkdir -p "$SRC"
if git -C "$NT_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$NT_ROOT" ls-files -co --exclude-standard -z |
		(cd "$NT_ROOT" && tar -cf - --null -T -) | tar -xf - -C "$SRC"
else
	tar -C "$NT_ROOT" --exclude='./build*' -cf - . | tar -xf - -C "$SRC"
fi
start=$SECONDS
(cd "$SRC" && unset BUILD && DEB_BUILD_OPTIONS="nocheck parallel=2" \
	dpkg-buildpackage -us -uc -b) >"$NT_TMP/build.log" 2>&1
rc=$?
DEB=$(ls "$NT_TMP"/src/${PKG}_*_*.deb 2>/dev/null | head -n 1)
if [ $rc -ne 0 ] || [ -z "$DEB" ]; then
	t_not_ok "dpkg-buildpackage -us -uc -b builds $PKG" "$(tail -n 30 "$NT_TMP/build.log")"
	t_done
fi
t_ok "dpkg-buildpackage -us -uc -b builds ${DEB##*/} ($((SECONDS - start)) s)"

lintian --pedantic "$NT_TMP"/src/${PKG}_*.changes >"$NT_TMP/lintian.log" 2>&1
t_check "lintian: no error" nt_not grep -E '^E: ' "$NT_TMP/lintian.log"
t_check "lintian: no warning" nt_not grep -E '^W: ' "$NT_TMP/lintian.log"
grep -E '^[EWIP]: ' "$NT_TMP/lintian.log" | sed 's/^/# lintian: /'

contents=$(dpkg-deb -c "$DEB")
for f in ./usr/sbin/xlatd ./usr/sbin/xlatctl ./lib/systemd/system/xlatd.service \
	./etc/xlatd.conf ./usr/share/man/man8/xlatd.8.gz ./usr/share/man/man8/xlatctl.8.gz \
	./usr/share/man/man5/xlatd.conf.5.gz ./usr/share/bash-completion/completions/xlatctl; do
	t_check "the package carries ${f#.}" grep -q " $f\$" <<<"$contents"
done
if [ -d "$SRC/integrations" ]; then
	missing=
	# The variables debian/rules gives make install.
	make -s -C "$SRC" install-integrations DESTDIR="$NT_TMP/integ" PREFIX=/usr \
		SYSTEMD_UNITDIR=/lib/systemd/system >/dev/null 2>&1 ||
		missing="(make install-integrations failed)"
	for f in $(cd "$NT_TMP/integ" 2>/dev/null && find . -type f); do
		grep -q " $f\$" <<<"$contents" || missing="$missing ${f#.}"
	done
	t_check "the package carries the DHCP client integrations" test -z "$missing" ||
		t_diag "missing: $missing"
fi
t_check "the default configuration is only comments, and valid" bash -c "
	dpkg-deb --fsys-tarfile '$DEB' | tar -xOf - ./etc/xlatd.conf >'$NT_TMP/default.conf' &&
	! grep -Evq '^(#|\$)' '$NT_TMP/default.conf' &&
	'$SRC/build/xlatd' --check-config '$NT_TMP/default.conf'"

# ---- install ----
nt_on_exit "dpkg --purge $PKG"
before=$(ls /etc/systemd/system/multi-user.target.wants 2>/dev/null)
links() { find /etc/systemd/system -type l 2>/dev/null | sort; }
links_before=$(links)
host_sock() { stat -c %i /run/xlatd/xlatd.sock 2>/dev/null || echo none; }
sock_before=$(host_sock)
t_check "dpkg -i installs it" dpkg -i "$DEB"
UNIT=/lib/systemd/system/xlatd.service
t_check "the unit is enabled (multi-user.target.wants)" \
	test -L /etc/systemd/system/multi-user.target.wants/xlatd.service
t_check "xlatd.service is the one unit enabled (not the integrations')" \
	test "$(comm -13 <(echo "$links_before") <(links))" = /etc/systemd/system/multi-user.target.wants/xlatd.service
t_check "/etc/xlatd.conf is a conffile" bash -c "dpkg-query -W -f='\${Conffiles}' $PKG | grep -q ' /etc/xlatd.conf '"
t_check "systemd-analyze verify $UNIT" systemd-analyze verify "$UNIT"
t_check "xlatctl --help from /usr/sbin" /usr/sbin/xlatctl --help
t_check "bash completion loads and completes 'xlatctl st'" bash -c "
	. /usr/share/bash-completion/completions/xlatctl && COMP_WORDS=(xlatctl st) COMP_CWORD=1 &&
	_xlatctl && [ \"\${COMPREPLY[*]}\" = status ]"

# ---- start it as the unit does ----
key() { sed -n "s/^$1=//p" "$UNIT" | tail -n 1; }
EXEC=$(key ExecStart)
EXEC=${EXEC#[-@+!:]} # prefixes systemd strips
USER_=$(key User)
DYN=$(key DynamicUser)
[ "$DYN" = yes ] && USER_=${USER_:-xlatd-dyn}
CAPS=$(key AmbientCapabilities | tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')
t_check "ExecStart runs an installed program ($EXEC)" test -x "${EXEC%% *}"
t_check "Type=notify" test "$(key Type)" = notify
RUNDIR=$(key RuntimeDirectory)

# An uplink with IPv6 and no router: the automatic CLAT appears, stopped
# (a name of its own, to tell its state file from other tests').
nt_ns up && nt_ns peer || t_bail "namespaces"
UP=$(ns up)
nt_veth "$UP" debup0 "$(ns peer)" eth0 && nt_addr "$UP" debup0 2001:db8:1::10/64 nodad

NOTIFY=$NT_TMP/notify.sock
run_bg "$UP" socat -u UNIX-RECV:"$NOTIFY" OPEN:"$NT_TMP/notify.log",creat,append
nt_wait 5 test -S "$NOTIFY"
# As systemd's: any service user may send to it.
chmod 0711 "$NT_TMP" && chmod 0666 "$NOTIFY"
wrap=
if [ -n "$USER_" ] && [ "$USER_" != root ]; then
	if [ "$DYN" = yes ]; then
		wrap="setpriv --reuid=61464 --regid=61464 --clear-groups"
	else
		wrap="setpriv --reuid=$USER_ --regid=$(id -g "$USER_" 2>/dev/null || echo "$USER_") --init-groups"
	fi
	[ -n "$CAPS" ] && wrap="$wrap --inh-caps=$CAPS --ambient-caps=$CAPS"
	t_diag "the unit runs xlatd as $USER_: $wrap"
fi
# A private /run (the host's stays untouched), the RuntimeDirectory in it
# owned by the unit's user, then exec the unit's command line.
run_bg "$UP" unshare -m --propagation private sh -c "
	mount -t tmpfs -o mode=0755 tmpfs /run &&
	for d in $RUNDIR; do mkdir -p -m 0755 /run/\$d && chown ${USER_:-root} /run/\$d 2>/dev/null; done;
	export NOTIFY_SOCKET=$NOTIFY;
	exec $wrap $EXEC"
XPID=$NT_LAST_PID XLOG=$NT_LAST_LOG
# The daemon is the exec'ed child of unshare's shell: the same PID.
in_x() { nsenter --target "$XPID" --mount --net "$@"; }
t_check "xlatd says READY=1 on NOTIFY_SOCKET" nt_wait 10 grep -q READY=1 "$NT_TMP/notify.log"
st=$(in_x /usr/sbin/xlatctl status 2>&1)
t_check "xlatctl status (default socket) answers" test $? -eq 0
t_check "... and shows the automatic CLAT on debup0, stopped" \
	grep -Eq '^clat clat-debup0: (stopped|waiting) \(.+\)$' <<<"$st"
t_diag "$st"
t_check "xlatctl metrics: xlat464_up 1 and the instance's state" bash -c '
	m=$(nsenter --target '"$XPID"' --mount --net /usr/sbin/xlatctl metrics) &&
	grep -qx "xlat464_up 1" <<<"$m" && grep -q "^xlat464_instance_state{instance=\"clat-debup0\"" <<<"$m"'
t_check "the log has time stamps (stderr is no journal)" \
	grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T.* xlatd: info: ready' "$XLOG"
kill -TERM "$XPID"
for _ in $(seq 50); do kill -0 "$XPID" 2>/dev/null || break; sleep 0.1; done
wait "$XPID"
t_check "SIGTERM: xlatd exits 0" test $? -eq 0
t_check "SIGTERM: STOPPING=1 sent" grep -q STOPPING=1 "$NT_TMP/notify.log"
# (Other xlatd test runs may write state files there; not ours, by name.)
private_run() { ! [ -e /run/xlatd/debup0.state ] && [ "$(host_sock)" = "$sock_before" ]; }
t_check "xlatd used its private /run: no debup0.state, no new socket on the host" private_run

# ---- purge ----
files=$(dpkg -L "$PKG" | grep -v '^/\.$')
t_check "dpkg --purge removes it" dpkg --purge "$PKG"
t_check "the package is gone from dpkg's database" \
	nt_not bash -c "dpkg-query -W -f='\${Status}' $PKG 2>/dev/null | grep -q installed"
left=
for f in $files; do
	# Directories are shared (/usr/sbin, /lib, a symlink on merged-/usr
	# systems) unless they are ours by name.
	[ -d "$f" ] && [[ "$f" != *xlat* ]] && continue
	[ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done
t_check "nothing the package installed is left" test -z "$left" || t_diag "left:$left"
t_check "no enable symlink left" test ! -e /etc/systemd/system/multi-user.target.wants/xlatd.service
t_check "multi-user.target.wants as before" test "$(ls /etc/systemd/system/multi-user.target.wants 2>/dev/null)" = "$before"
t_check "no deb-systemd-helper state left" \
	nt_not bash -c 'ls /var/lib/systemd/deb-systemd-helper-enabled/ 2>/dev/null | grep -q xlatd'
t_check "no /etc/xlatd.conf, no /etc/xlatd" bash -c '! [ -e /etc/xlatd.conf ] && ! [ -e /etc/xlatd ]'
if [ -n "$USER_" ] && [ "$DYN" != yes ] && [ "$USER_" != root ]; then
	t_check "no user $USER_ left" nt_not getent passwd "$USER_"
fi

t_done
