#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The CLAT end-to-end test again with the eBPF fast path off: every packet
# takes the userspace path (clat_e2e.sh itself runs with datapath = auto,
# which is the eBPF fast path wherever the kernel allows it).
XLAT_DATAPATH=userspace exec bash "$(dirname "$0")/clat_e2e.sh" "$@"
