// SPDX-License-Identifier: GPL-2.0-or-later
/* The addresses and routes a [siit] section puts on its TUN. */
#include "xlatd/instance.h"
#include "xlatd/log.h"
#include "xlatd/siit_priv.h"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <stdio.h>
#include <string.h>

static void fmt_p4(const struct xlat_prefix4 *p, char *b, size_t n)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &p->addr, a, sizeof(a));
	snprintf(b, n, "%s/%u", a, p->len);
}

void siit_fmt_p6(const struct xlat_prefix6 *p, char *b, size_t n)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &p->addr, a, sizeof(a));
	snprintf(b, n, "%s/%u", a, p->len);
}

static int add_route(struct siit *s, int family, const void *dst,
		     unsigned int plen, const char *txt)
{
	struct rtnl_route rt = {
		.family = family,
		.plen = (uint8_t)plen,
		.ifindex = s->ifindex,
		.protocol = XLAT_RTPROT,
	};
	int ret;

	memcpy(&rt.dst, dst, family == AF_INET ? 4 : 16);
	ret = rtnl_route(&s->rtnl, true, &rt);
	if (ret < 0)
		instance_set_state(s->inst, "failed", "route %s dev %s: %s", txt,
				   s->ifname, strerror(-ret));
	else
		log_debug(s->inst->name, "route %s dev %s added", txt, s->ifname);
	return ret;
}

static void del_route(struct siit *s, int family, const void *dst,
		      unsigned int plen)
{
	struct rtnl_route rt = {
		.family = family,
		.plen = (uint8_t)plen,
		.ifindex = s->ifindex,
		.protocol = XLAT_RTPROT,
	};

	memcpy(&rt.dst, dst, family == AF_INET ? 4 : 16);
	rtnl_route(&s->rtnl, false, &rt);
}

int siit_add_addrs_routes(struct siit *s)
{
	const struct siit_conf *c = &s->inst->conf->siit;
	char txt[64];
	int ret;

	for (; s->n_addr4 < c->n_address4; s->n_addr4++) {
		fmt_p4(&c->address4[s->n_addr4], txt, sizeof(txt));
		ret = rtnl_addr(&s->rtnl, true, s->ifindex, AF_INET,
				(const void *)&c->address4[s->n_addr4].addr,
				c->address4[s->n_addr4].len, 0);
		if (ret < 0)
			goto addr_fail;
	}
	for (; s->n_addr6 < c->n_address6; s->n_addr6++) {
		siit_fmt_p6(&c->address6[s->n_addr6], txt, sizeof(txt));
		ret = rtnl_addr(&s->rtnl, true, s->ifindex, AF_INET6,
				(const void *)&c->address6[s->n_addr6].addr,
				c->address6[s->n_addr6].len, IFA_F_NODAD);
		if (ret < 0)
			goto addr_fail;
	}
	for (; s->n_route4 < c->n_route4; s->n_route4++) {
		fmt_p4(&c->route4[s->n_route4], txt, sizeof(txt));
		ret = add_route(s, AF_INET, &c->route4[s->n_route4].addr,
				c->route4[s->n_route4].len, txt);
		if (ret < 0)
			return ret;
	}
	for (; s->n_route6 < c->n_route6; s->n_route6++) {
		siit_fmt_p6(&c->route6[s->n_route6], txt, sizeof(txt));
		ret = add_route(s, AF_INET6, &c->route6[s->n_route6].addr,
				c->route6[s->n_route6].len, txt);
		if (ret < 0)
			return ret;
	}
	return 0;
addr_fail:
	instance_set_state(s->inst, "failed", "address %s on %s: %s", txt,
			   s->ifname, strerror(-ret));
	return ret;
}

/* Closing the device would take these with it; removing them first
 * keeps the order explicit and the log honest. */
void siit_del_addrs_routes(struct siit *s)
{
	const struct siit_conf *c = &s->inst->conf->siit;

	while (s->n_route6)
		s->n_route6--, del_route(s, AF_INET6, &c->route6[s->n_route6].addr,
					 c->route6[s->n_route6].len);
	while (s->n_route4)
		s->n_route4--, del_route(s, AF_INET, &c->route4[s->n_route4].addr,
					 c->route4[s->n_route4].len);
	while (s->n_addr6)
		s->n_addr6--, rtnl_addr(&s->rtnl, false, s->ifindex, AF_INET6,
					(const void *)&c->address6[s->n_addr6].addr,
					c->address6[s->n_addr6].len, 0);
	while (s->n_addr4)
		s->n_addr4--, rtnl_addr(&s->rtnl, false, s->ifindex, AF_INET,
					(const void *)&c->address4[s->n_addr4].addr,
					c->address4[s->n_addr4].len, 0);
}
