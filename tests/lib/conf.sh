# SPDX-License-Identifier: GPL-2.0-or-later
# Config writers and status filters shared by tests/lib/netns.sh and the
# lab (lab/lab.sh, lab/demo.sh).  Sourcing this file does nothing but
# define functions: no traps, no temp dirs, no globals, so a script that
# runs on its own (lab.sh up/down) can use it as well as the test harness.
#
#   nt_unbound_conf DIR LISTEN DNS64_PREFIX [ZONEFILE...]
#   nt_xlatd_conf FILE SOCK STATE_DIR [EXTRA]
#   nt_json_clat NAME KEY...   (filter: xlatctl status --json on stdin)

# nt_unbound_conf DIR LISTEN DNS64_PREFIX [ZONEFILE...]: DIR/unbound.conf
# for a DNS64 on the addresses in LISTEN (blank-separated), synthesizing
# with DNS64_PREFIX, and DIR/ipv4only.arpa.zone (RFC 7050/8880).  Each
# ZONEFILE (NAME.zone) is served as the zone NAME.  unbound's dns64 does
# not synthesize from local-data (local zones answer before the module
# chain), so every zone is an auth-zone the iterator reads.
nt_unbound_conf() {
	local dir=$1 listen=$2 prefix=$3 a z
	shift 3
	cat >"$dir/ipv4only.arpa.zone" <<-'EOF'
		$ORIGIN ipv4only.arpa.
		$TTL 3600
		@	SOA	ns hostmaster 1 3600 600 86400 60
		@	NS	ns
		@	A	192.0.0.170
		@	A	192.0.0.171
		ns	A	192.0.0.170
	EOF
	{
		echo "server:"
		for a in $listen; do
			printf '\tinterface: %s\n' "$a"
		done
		cat <<-EOF
			port: 53
			do-daemonize: no
			chroot: ""
			username: ""
			directory: "$dir"
			pidfile: ""
			use-syslog: no
			logfile: ""
			num-threads: 1
			do-ip4: no
			access-control: ::/0 allow
			module-config: "dns64 iterator"
			dns64-prefix: $prefix
			do-not-query-localhost: yes
		remote-control:
			control-enable: no
		EOF
		for z in "$@" "$dir/ipv4only.arpa.zone"; do
			cat <<-EOF
				auth-zone:
					name: "$(basename "$z" .zone)"
					zonefile: "$z"
					for-upstream: yes
					for-downstream: no
					fallback-enabled: no
			EOF
		done
	} >"$dir/unbound.conf"
}

# nt_xlatd_conf FILE SOCK STATE_DIR [EXTRA]: an xlatd config with its own
# control socket and state dir (nothing of the host's /run), then EXTRA
# (e.g. a [clat] section) as it is.
nt_xlatd_conf() {
	printf '[global]\ncontrol-socket = %s\nstate-dir = %s\n' "$2" "$3" >"$1"
	[ -n "${4:-}" ] && printf '\n%s\n' "$4" >>"$1"
	return 0
}

# nt_json_clat NAME KEY...: from "xlatctl status --json" on stdin, the
# values of instance NAME's KEYs on one line, blank-separated, "-" for an
# absent one.  A KEY is looked up in the instance and then in its config;
# dots go deeper (pref64.prefix).  Prints nothing if there is no NAME.
nt_json_clat() {
	/usr/bin/python3 -c '
import json, sys
for i in json.load(sys.stdin)["instances"]:
    if i["name"] != sys.argv[1]:
        continue
    top = dict(i, **i.get("config", {}))
    out = []
    for key in sys.argv[2:]:
        v = top
        for k in key.split("."):
            v = v.get(k) if isinstance(v, dict) else None
        out.append("-" if v is None else str(v))
    print(" ".join(out))
' "$@"
}
