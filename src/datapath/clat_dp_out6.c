// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The 4->6 worker's way onto the uplink: frames on the packet socket
 * with a prepared link-layer header while the next hop is resolved
 * (uplink_tx.h), the raw IPv6 socket otherwise.  See clat_dp.h.
 */
#include "datapath/clat_dp.h"
#include "datapath/clat_dp_int.h"

#include <errno.h>
#include <string.h>

void clat_out6_flush(struct clat_dp_worker *w)
{
	struct clat_dp *dp = w->dp;
	uint64_t e0 = dp->tx.errors + dp->utx.errors;
	unsigned int sent, batches = 0;

	if (dp->utx.n || txring_stalled(&dp->utx.txr)) {
		sent = uplink_tx_flush(dp->gso_fd, &dp->utx);
		__atomic_store_n(&w->tx_frames, w->tx_frames + sent,
				 __ATOMIC_RELAXED);
		batches += sent > 0;
	}
	if (dp->tx.n) {
		sent = clat_tx_flush(dp->raw_fd, &dp->tx);
		__atomic_store_n(&w->tx_raw, w->tx_raw + sent, __ATOMIC_RELAXED);
		batches += sent > 0;
	}
	if (batches)
		__atomic_store_n(&w->tx_sends, w->tx_sends + batches,
				 __ATOMIC_RELAXED);
	w->io_errors += dp->tx.errors + dp->utx.errors - e0;
}

/* No room in the batch for one more packet (raw or frame queue). */
bool clat_out6_full(const struct clat_dp_worker *w)
{
	return w->dp->tx.n >= CLAT_BATCH || w->dp->utx.n >= CLAT_BATCH;
}

/* One translated packet into this drain's batch: frames while the next
 * hop is resolved, the raw socket otherwise (and once after a look-up
 * found the neighbour entry stale: the kernel's output then makes it
 * confirm the router, or find another, which we follow). */
bool clat_out6_queue(struct clat_dp_worker *w, const uint8_t *pkt, size_t len)
{
	if (w->l2 && !w->kick)
		return uplink_tx_add(&w->dp->utx, pkt, len);
	w->kick = false;
	return clat_tx_add(&w->dp->tx, pkt, len);
}

/*
 * The uplink's next hop for frame sends, looked up again once a second
 * at the start of a drain: a packet socket bypasses the kernel's
 * neighbour code, so a changed router address is followed within that
 * second (and a vanished one sends us back to the raw socket, which
 * makes the kernel resolve it).  An Ethernet uplink needs a MAC, a
 * point-to-point one (no link layer) a next hop without one.
 */
void clat_out6_choose(struct clat_dp_worker *w)
{
	struct clat_dp *dp = w->dp;
	uint64_t now = coalesce_now();
	bool was = w->nh_ok, first = !w->nh_checked;
	uint8_t old[6];
	int ret;

	if (dp->gso_fd < 0) {
		w->l2 = w->nh_ok = false;
		return;
	}
	if (!first && now - w->nh_checked < 1000000000ULL)
		return;
	w->nh_checked = now;
	memcpy(old, w->nh.lladdr, sizeof(old));
	ret = nexthop_lookup6(&dp->pref64, &w->nh);
	if (ret == 0 && w->nh.ifindex != dp->up_ifindex)
		ret = -EXDEV;
	if (ret == 0 && w->nh.halen != (dp->has_mac ? 6u : 0u))
		ret = -EPFNOSUPPORT; /* no header we can build */
	w->nh_ok = w->l2 = ret == 0;
	w->kick = w->nh_ok && !w->nh.confirmed;
	if (w->nh_ok)
		uplink_tx_init(&dp->utx, dp->up_ifindex,
			       dp->has_mac ? w->nh.lladdr : NULL,
			       dp->has_mac ? dp->mac : NULL);
	if (w->nh_ok != was || first ||
	    (w->nh_ok && memcmp(old, w->nh.lladdr, sizeof(old))))
		clat_dp_note(dp, "uplink output: %s (next hop %s)",
		     w->nh_ok ? "frames on the packet socket, TCP super-packets whole" :
				"raw IPv6 socket, TCP super-packets cut in software",
		     w->nh_ok ? "resolved" : strerror(-ret));
}
