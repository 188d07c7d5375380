// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What an interface is to the CLAT manager, from its facts (no state of
 * the manager's): a link type an uplink comes as, a TUN this xlatd holds,
 * another CLAT's signs, the address mode and the /64 a CLAT would use.
 * clat_auto.c decides with these.
 */
#include "xlatd/clat_uplink.h"

#include "control/clat_addr.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fnmatch.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

/* An entry is a name or a shell pattern (fnmatch(3)): "veth*" and
 * "cali*" keep a container host's links out in one word. */
bool clat_in_list(char (*l)[IFNAMSIZ], unsigned int n, const char *name)
{
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(l[i], name) || !fnmatch(l[i], name, 0))
			return true;
	return false;
}

/*
 * Whether ifname is a TUN this xlatd holds open (any instance's: a CLAT's,
 * the SIIT's, the NAT64's): the kernel lists the device of every open
 * TUN file in our /proc/self/fdinfo ("iff:").
 */
bool clat_held_tun(const char *ifname)
{
	char path[64], line[128];
	struct dirent *de;
	bool found = false;
	DIR *d = opendir("/proc/self/fdinfo");

	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%.20s", de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (!found && fgets(line, sizeof(line), f)) {
			const char *v = line + 4;

			if (strncmp(line, "iff:", 4))
				continue;
			v += strspn(v, " \t");
			found = !strncmp(v, ifname, strlen(ifname)) &&
				(v[strlen(ifname)] == '\n' || !v[strlen(ifname)]);
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

/*
 * Link types an IPv6-only uplink comes as: Ethernet-like (the CLAT answers
 * NDP for its address), and point-to-point links without a link layer,
 * where the /64 is routed to the host and there is no NDP at all: raw-IP
 * WWAN modems, PPP, TUN devices (WireGuard, VPN clients), IP tunnels.
 * A TUN that is another translator's is told apart by its facts (it
 * carries IPv4, not a global /64 and an IPv6 default route).
 */
bool clat_uplink_type(unsigned short type)
{
	switch (type) {
	case ARPHRD_ETHER:
	case ARPHRD_NONE:     /* TUN, WireGuard, wwan raw IP */
	case ARPHRD_RAWIP:
	case ARPHRD_PPP:
	case ARPHRD_TUNNEL6:  /* ip6tnl */
	case ARPHRD_SIT:
	case ARPHRD_IPGRE:
	case ARPHRD_IP6GRE:
		return true;
	}
	return false;
}

/*
 * Another CLAT already gives the host IPv4 (two would fight over routes
 * and addresses): NetworkManager's on the uplink itself (an IPv4 default
 * route via an IPv6 router, an address of 192.0.0.0/29 on the uplink),
 * or a clatd/TAYGA-style TUN with an address of 192.0.0.0/29 and an IPv4
 * default route, among all[n].  ours() tells xlatd's own TUNs.  what
 * says which.  xlatd's own routes and addresses (protocol 100) are not
 * counted by the link monitor.
 */
bool clat_other_clat(const struct lm_if *up, const struct lm_if *all,
		     unsigned int n, bool (*ours)(const char *ifname),
		     char *what, size_t len)
{
	if (up->has_default4_via6 || up->has_clat4) {
		snprintf(what, len, "serves %s (%s)", up->name,
			 up->has_default4_via6 ? "IPv4 default via an IPv6 router"
					       : "192.0.0.0/29 address on it");
		return true;
	}
	for (unsigned int i = 0; i < n; i++) {
		const struct lm_if *o = &all[i];

		if (o->has_clat4 && o->has_default4 && !ours(o->name)) {
			snprintf(what, len, "on this host: %s has 192.0.0.0/29 and an IPv4 default route",
				 o->name);
			return true;
		}
	}
	return false;
}

/*
 * The uplink /64 of the CLAT address: the one RFC 6724 source selection
 * would take toward the NAT64 prefix (rules 6 and 8), so that CLAT
 * traffic leaves from the prefix whose upstream reaches that PLAT.
 */
void clat_pick_uplink64(const struct lm_if *f, const struct xlat_prefix6 *nat64,
			  struct clat_plan *p)
{
	struct clat_if_addr6 a[LM_MAX_P64];
	char b[INET6_ADDRSTRLEN];
	int best;

	for (unsigned int i = 0; i < f->n_p64; i++)
		a[i] = (struct clat_if_addr6){ .addr = f->p64[i], .plen = 64,
					       .scope = RT_SCOPE_UNIVERSE,
					       .preferred = ~0u };
	best = clat_pick_prefix64_for(a, f->n_p64, &nat64->addr);
	if (best < 0) {
		memcpy(&p->prefix64, &f->prefix64, 8);
		return;
	}
	memset(&p->prefix64, 0, sizeof(p->prefix64));
	memcpy(&p->prefix64, &a[best].addr, 8);
	if (f->n_p64 > 1)
		snprintf(p->prefix_why, sizeof(p->prefix_why),
			 "of %u /64s, the source RFC 6724 picks toward %s (label, then longest match)",
			 f->n_p64, inet_ntop(AF_INET6, &nat64->addr, b, sizeof(b)));
	else
		snprintf(p->prefix_why, sizeof(p->prefix_why), "the only /64");
}

/*
 * Dedicated or shared address (docs/clat-shared.md): a configured
 * ipv6-address, else a dedicated one from a SLAAC /64 when there is one,
 * else the host's own address with the NAPT; address-mode overrides.
 * False (p->reason says why) when the chosen mode cannot run.
 */
bool clat_addr_mode_for(const struct clat_conf *cc, const struct lm_if *f,
			  const char *name, struct clat_plan *p)
{
	unsigned int n = f->n_global6;
	const char *es = n == 1 ? "" : "es";

#define WHY(...) snprintf(p->addr_why, sizeof(p->addr_why), __VA_ARGS__)
#define NO(...) (snprintf(p->reason, sizeof(p->reason), __VA_ARGS__), false)
	if (cc->has_ipv6)
		return WHY("dedicated: ipv6-address is configured (DAD before use)"),
		       true;
	if (cc->addr_mode == CLAT_ADDR_SHARED) {
		if (!n)
			return NO("address-mode = shared: no global IPv6 address on %s to share",
				  name);
		p->shared = true;
		return WHY("shared: address-mode = shared (the host's address, ports %u-%u)",
			   cc->shared_lo, cc->shared_hi), true;
	}
	if (f->has_slaac64)
		return WHY("dedicated: from a SLAAC /64 on %s%s", name,
			   cc->addr_mode == CLAT_ADDR_DEDICATED ?
				   " (address-mode = dedicated)" : ""), true;
	if (cc->addr_mode == CLAT_ADDR_DEDICATED && n)
		return NO("address-mode = dedicated: no SLAAC /64 on %s (only %u global address%s of another length, e.g. a DHCPv6 /128) and no ipv6-address configured",
			  name, n, es);
	if (!n)
		return NO("no global IPv6 /64 address on %s", name);
	p->shared = true;
	return WHY("shared: no SLAAC /64 on %s, only %u global address%s of another length (e.g. a DHCPv6 /128): the host's own address, ports %u-%u",
		   name, n, es, cc->shared_lo, cc->shared_hi), true;
#undef NO
#undef WHY
}
