#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Install every Debian package that the build, the tests, the lab and the
# benchmark need.  Idempotent and quick when everything is there already.
set -euo pipefail

PKGS=(
	# build
	build-essential make pkg-config clang llvm libclang-rt-14-dev
	libmnl-dev libbpf-dev bpftool libelf-dev zlib1g-dev liburing-dev liburing2
	# tests, lab and bench peers
	iproute2 iputils-ping iputils-tracepath traceroute nftables procps
	radvd unbound tayga dnsmasq-base dhcpcd-base iperf3 netsniff-ng ethtool
	python3 python3-scapy tcpdump ndisc6 curl socat busybox
	gnuplot-nox jq bc kmod util-linux psmisc
	# tests/integ/faults_clock.sh: a stepped wall clock for xlatd alone
	faketime
	# the Debian package and its check (tests/integ/deb_package.sh)
	debhelper lintian systemd man-db
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}; run as root to install them" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
# Debian starts unbound and radvd as system services on install; the lab
# runs its own instances inside namespaces, so keep the host's quiet.
for s in unbound radvd; do
	systemctl disable --now "$s" >/dev/null 2>&1 || true
done
