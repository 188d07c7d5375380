// SPDX-License-Identifier: GPL-2.0-or-later
/* Configuration validation and prefix parsing. */
#include "xlat_cfg.h"

#include "rfc6052.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 3, 4))) static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool host_bits6(const struct in6_addr *a, unsigned int len)
{
	for (unsigned int i = len / 8; i < 16; i++) {
		uint8_t keep = i == len / 8 ? (uint8_t)(0xff00 >> (len % 8)) : 0;

		if (a->s6_addr[i] & ~keep)
			return true;
	}
	return false;
}

static bool host_bits4(const struct in_addr *a, unsigned int len)
{
	uint32_t host = len >= 32 ? 0 : 0xffffffffu >> len;

	return (ntohl(a->s_addr) & host) != 0;
}

static const char *p6str(const struct xlat_prefix6 *p, char *buf, size_t n)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &p->addr, a, sizeof(a));
	snprintf(buf, n, "%s/%u", a, p->len);
	return buf;
}

static const char *p4str(const struct xlat_prefix4 *p, char *buf, size_t n)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &p->addr, a, sizeof(a));
	snprintf(buf, n, "%s/%u", a, p->len);
	return buf;
}

static int check_pool6(const struct xlat_prefix6 *p, char *err, size_t errlen)
{
	char b[64];

	if (!rfc6052_valid_len(p->len))
		return fail(err, errlen,
			    "pool6 %s: length must be 32, 40, 48, 56, 64 or 96 (RFC 6052 2.2)",
			    p6str(p, b, sizeof(b)));
	if (host_bits6(&p->addr, p->len))
		return fail(err, errlen,
			    "pool6 %s: bits beyond the prefix length are set",
			    p6str(p, b, sizeof(b)));
	/* Bits 64..71 lie inside the prefix only for /96 (and /64 ends
	 * before them): RFC 6052 2.2 requires them zero. */
	if (p->addr.s6_addr[8])
		return fail(err, errlen,
			    "pool6 %s: bits 64-71 (the u-octet) must be zero (RFC 6052 2.2)",
			    p6str(p, b, sizeof(b)));
	return 0;
}

static int check_eam(const struct xlat_eam *e, unsigned int i, char *err,
		     size_t errlen)
{
	char b4[32], b6[64];

	if (e->p4.len > 32 || e->p6.len > 128)
		return fail(err, errlen, "EAM #%u: prefix length out of range",
			    i + 1);
	p4str(&e->p4, b4, sizeof(b4));
	p6str(&e->p6, b6, sizeof(b6));
	if (host_bits4(&e->p4.addr, e->p4.len))
		return fail(err, errlen, "EAM #%u %s %s: IPv4 host bits set",
			    i + 1, b4, b6);
	if (host_bits6(&e->p6.addr, e->p6.len))
		return fail(err, errlen, "EAM #%u %s %s: IPv6 host bits set",
			    i + 1, b4, b6);
	if (32 - e->p4.len > 128 - e->p6.len)
		return fail(err, errlen,
			    "EAM #%u %s %s: IPv4 suffix (%u bits) longer than the IPv6 suffix (%u bits)",
			    i + 1, b4, b6, 32 - e->p4.len, 128 - e->p6.len);
	return 0;
}

static int check_eam_dups(const struct xlat_eam *t, unsigned int n, char *err,
			  size_t errlen)
{
	char b[64];

	for (unsigned int i = 0; i < n; i++) {
		for (unsigned int j = 0; j < i; j++) {
			if (t[i].p4.len == t[j].p4.len &&
			    t[i].p4.addr.s_addr == t[j].p4.addr.s_addr)
				return fail(err, errlen,
					    "EAM #%u and #%u: same IPv4 prefix %s",
					    j + 1, i + 1,
					    p4str(&t[i].p4, b, sizeof(b)));
			if (t[i].p6.len == t[j].p6.len &&
			    !memcmp(&t[i].p6.addr, &t[j].p6.addr, 16))
				return fail(err, errlen,
					    "EAM #%u and #%u: same IPv6 prefix %s",
					    j + 1, i + 1,
					    p6str(&t[i].p6, b, sizeof(b)));
		}
	}
	return 0;
}

static int check_pool6791(const struct xlat_cfg *cfg, char *err,
			  size_t errlen)
{
	if (cfg->n_pool6791 > XLAT_POOL6791_MAX)
		return fail(err, errlen, "RFC 6791 pool: more than %d addresses",
			    XLAT_POOL6791_MAX);
	if (!cfg->n_pool6791 && !cfg->self4.s_addr)
		return fail(err, errlen,
			    "RFC 6791 pool is empty and no IPv4 self address is set");
	for (unsigned int i = 0; i < cfg->n_pool6791; i++)
		if (!cfg->pool6791[i].s_addr)
			return fail(err, errlen,
				    "RFC 6791 pool: address #%u is 0.0.0.0",
				    i + 1);
	return 0;
}

int xlat_cfg_validate(const struct xlat_cfg *cfg, char *err, size_t errlen)
{
	if (errlen)
		err[0] = '\0';
	if (cfg->has_pool6 && check_pool6(&cfg->pool6, err, errlen))
		return -1;
	if (cfg->n_eam && !cfg->eam)
		return fail(err, errlen, "EAM table of %u entries is missing",
			    cfg->n_eam);
	for (unsigned int i = 0; i < cfg->n_eam; i++)
		if (check_eam(&cfg->eam[i], i, err, errlen))
			return -1;
	if (check_eam_dups(cfg->eam, cfg->n_eam, err, errlen))
		return -1;
	if (cfg->lowest_ipv6_mtu < 1280)
		return fail(err, errlen,
			    "lowest IPv6 MTU %u is below the IPv6 minimum of 1280",
			    cfg->lowest_ipv6_mtu);
	if (cfg->ipv6_mtu && cfg->ipv6_mtu < 1280)
		return fail(err, errlen,
			    "IPv6 next-hop MTU %u is below the IPv6 minimum of 1280",
			    cfg->ipv6_mtu);
	if (cfg->ipv4_mtu && (cfg->ipv4_mtu < 68 || cfg->ipv4_mtu > 65535))
		return fail(err, errlen,
			    "IPv4 next-hop MTU %u is outside 68 to 65535",
			    cfg->ipv4_mtu);
	if (check_pool6791(cfg, err, errlen))
		return -1;
	if (cfg->udp0 != XLAT_UDP0_COMPUTE && cfg->udp0 != XLAT_UDP0_DROP)
		return fail(err, errlen, "unknown zero-checksum UDP policy %d",
			    (int)cfg->udp0);
	return 0;
}

/* Split "addr[/len]": copy addr into buf, parse len (max if absent). */
static int split_prefix(const char *s, char *buf, size_t n, unsigned int max,
			uint8_t *len)
{
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned int v = 0;

	if (!alen || alen >= n)
		return -1;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (!slash) {
		*len = (uint8_t)max;
		return 0;
	}
	s = slash + 1;
	if (!*s || strlen(s) > 3)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned int)(*s - '0');
	}
	if (v > max)
		return -1;
	*len = (uint8_t)v;
	return 0;
}

int xlat_prefix6_parse(const char *s, struct xlat_prefix6 *p)
{
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr a;
	uint8_t len;

	if (!s || split_prefix(s, buf, sizeof(buf), 128, &len) ||
	    inet_pton(AF_INET6, buf, &a) != 1)
		return -1;
	p->addr = a;
	p->len = len;
	return 0;
}

int xlat_prefix4_parse(const char *s, struct xlat_prefix4 *p)
{
	char buf[INET_ADDRSTRLEN];
	struct in_addr a;
	uint8_t len;

	if (!s || split_prefix(s, buf, sizeof(buf), 32, &len) ||
	    inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	p->addr = a;
	p->len = len;
	return 0;
}
