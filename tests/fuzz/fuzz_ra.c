// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: Router Advertisement options as the kernel hands them
 * to xlatd (RTM_NEWNDUSEROPT): nd_useropt_parse(), the PREF64 (RFC 8781)
 * and RDNSS (RFC 8106) option parsers, and the discovery state machine
 * they feed.  Any host on the link can send these options.
 *
 * Byte 0 even: the rest is a netlink datagram as read from the socket.
 * Byte 0 odd: the rest is the ND options of one RA; the target wraps them
 * in a well-formed message from router fe80::1 on ifindex 2, so that the
 * fuzzer spends its time on the options.  Seeds: tests/fuzz/corpus/ra/.
 * (The kernel keeps MTU and Prefix Information options to itself: no
 * userspace parser of those exists.)
 */
#include "fuzz_util.h"

#include "control/discovery.h"
#include "control/nd_monitor.h"
#include "control/pref64.h"

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/icmp6.h>

static struct discovery disc;
static uint64_t now_ms = 1000000;

static void check_prefix(const struct xlat_prefix6 *p)
{
	struct in6_addr masked = p->addr;

	fuzz_check(pref64_len_to_plc(p->len) >= 0);
	pref64_mask(&masked, p->len);
	fuzz_check(!memcmp(&masked, &p->addr, sizeof(masked)));
}

static void on_pref64(void *arg, int ifindex, const struct in6_addr *router,
		      const struct pref64_opt *o)
{
	(void)arg;
	(void)ifindex;
	check_prefix(&o->prefix);
	fuzz_check(o->lifetime % 8 == 0 && o->lifetime <= PREF64_MAX_SCALED * 8);
	discovery_on_pref64(&disc, router, o, now_ms);
}

static void on_rdnss(void *arg, int ifindex, const struct in6_addr *router,
		     const struct rdnss_opt *o)
{
	(void)arg;
	(void)ifindex;
	(void)router;
	fuzz_check(o->n >= 1 && o->n <= ND_RDNSS_MAX);
	discovery_on_rdnss(&disc, o, now_ms);
}

static const struct nd_monitor_ops ops = {
	.pref64 = on_pref64,
	.rdnss = on_rdnss,
};

/* nlmsghdr | nduseroptmsg | opts | pad to 4 | NDUSEROPT_SRCADDR fe80::1 */
static uint8_t *wrap(const uint8_t *opts, size_t n, size_t *len)
{
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nduseroptmsg) + n);
	size_t total = off + NLA_HDRLEN + 16;
	uint8_t *b = calloc(1, total);
	struct nlmsghdr *nlh = (void *)b;
	struct nduseroptmsg *nd = (void *)(b + NLMSG_HDRLEN);
	struct nlattr *a = (void *)(b + off);

	fuzz_check(b != NULL);
	nlh->nlmsg_len = (uint32_t)total;
	nlh->nlmsg_type = RTM_NEWNDUSEROPT;
	nd->nduseropt_family = AF_INET6;
	nd->nduseropt_opts_len = (uint16_t)n;
	nd->nduseropt_ifindex = 2;
	nd->nduseropt_icmp_type = ND_ROUTER_ADVERT;
	memcpy(b + NLMSG_HDRLEN + sizeof(*nd), opts, n);
	a->nla_type = NDUSEROPT_SRCADDR;
	a->nla_len = NLA_HDRLEN + 16;
	inet_pton(AF_INET6, "fe80::1", b + off + NLA_HDRLEN);
	*len = total;
	return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nd_monitor m = { .ifindex = 0, .ops = &ops };
	struct discovery_cfg cfg;
	struct nd_useropt u;
	const struct discovery_state *st;
	uint8_t *buf;
	size_t len;

	if (size < 1 || size > 65535)
		return 0;
	discovery_cfg_init(&cfg, 2);
	discovery_init(&disc, &cfg, now_ms);
	if (data[0] & 1) {
		buf = wrap(data + 1, size - 1, &len);
	} else {
		buf = fuzz_dup(data + 1, size - 1, 0);
		len = size - 1;
	}
	if (nd_useropt_parse(buf, len, &u) == 0)
		fuzz_check(u.opts >= buf && u.opts_len <= len &&
			   (size_t)(u.opts - buf) + u.opts_len <= len);
	nd_monitor_dispatch(&m, buf, len);
	/* Let time pass: expiry and the choice must stay consistent. */
	for (int i = 0; i < 3; i++) {
		now_ms += 600000;
		discovery_timeouts(&disc, now_ms);
		st = discovery_current(&disc);
		if (st->source != DISC_SRC_NONE)
			check_prefix(&st->prefix);
	}
	free(buf);
	return 0;
}
