// SPDX-License-Identifier: GPL-2.0-or-later
/* PLAT liveness for one uplink's CLAT: see clat_plat.h. */
#include "xlatd/clat_plat.h"

#include "engine/rfc6052.h"
#include "xlatd/clat.h"
#include "xlatd/instance.h"
#include "xlatd/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#define SAMPLE_MS 1000

void clat_plat_init(struct clat_plat *cp)
{
	memset(cp, 0, sizeof(*cp));
	cp->fd = -1;
}

void clat_plat_close(struct clat_plat *cp)
{
	if (cp->fd >= 0)
		close(cp->fd);
	cp->fd = -1;
}

/* Echo replies only, on the uplink only. */
static int probe_socket(int ifindex)
{
	char name[IF_NAMESIZE];
	struct icmp6_filter f;
	int fd;

	if (!if_indextoname((unsigned int)ifindex, name))
		return -errno;
	fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    IPPROTO_ICMPV6);
	if (fd < 0)
		return -errno;
	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, strlen(name) + 1)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

void clat_plat_setup(struct clat_plat *cp, const struct clat_conf *cc,
		     int ifindex)
{
	struct plat_health_cfg hc;
	bool probe = cc->plat_check && cc->has_plat_probe;

	if (cp->on == cc->plat_check && cp->ifindex == ifindex &&
	    cp->has_probe == probe && cp->probe4.s_addr == cc->plat_probe.s_addr &&
	    cp->h.cfg.holddown_ms == cc->plat_holddown * 1000ULL)
		return;
	clat_plat_close(cp);
	clat_plat_init(cp);
	cp->on = cc->plat_check;
	cp->ifindex = ifindex;
	cp->has_probe = probe;
	cp->probe4 = cc->plat_probe;
	plat_health_cfg_default(&hc);
	hc.holddown_ms = cc->plat_holddown * 1000ULL;
	hc.can_probe = probe;
	plat_health_init(&cp->h, &hc);
	if (getrandom(&cp->ident, sizeof(cp->ident), 0) != sizeof(cp->ident))
		cp->ident = (uint16_t)getpid();
	/* Below the shared-address CLAT's default range (61000-65535), whose
	 * live ICMP identifiers the uplink's ingress program takes. */
	cp->ident = (uint16_t)(1024 + cp->ident % 59976);
	if (probe) {
		cp->fd = probe_socket(ifindex);
		if (cp->fd < 0)
			log_warn(NULL, "PLAT probes on ifindex %d: %s (passive checks only)",
				 ifindex, strerror(-cp->fd));
	}
}

int clat_plat_fd(const struct clat_plat *cp)
{
	return cp->fd;
}

static const char *fmt(const struct xlat_prefix6 *p, char *b, size_t n)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(b, n, "%s/%u", inet_ntop(AF_INET6, &p->addr, a, sizeof(a)),
		 p->len);
	return b;
}

int clat_plat_choose(struct clat_plat *cp, const struct discovery_state *c,
		     int n, uint64_t now)
{
	struct xlat_prefix6 p[PH_MAX];
	int k;

	cp->why[0] = '\0';
	if (!cp->on || n <= 0)
		return 0;
	if (n > PH_MAX)
		n = PH_MAX;
	for (int i = 0; i < n; i++)
		p[i] = c[i].prefix;
	k = plat_health_choose(&cp->h, p, (unsigned int)n, now, cp->why,
			       sizeof(cp->why));
	if (cp->h.switches != cp->logged_switches) {
		char a[64];

		cp->logged_switches = cp->h.switches;
		log_info(NULL, "ifindex %d: NAT64 prefix %s in use now%s%s", cp->ifindex,
			 fmt(&p[k], a, sizeof(a)), cp->why[0] ? ": " : "", cp->why);
	}
	return k;
}

static void send_probe(struct clat_plat *cp, const struct xlat_prefix6 *p,
		       uint64_t now)
{
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6 };
	struct icmp6_hdr ping = { .icmp6_type = ICMP6_ECHO_REQUEST };
	unsigned int slot;
	char b[64];

	if (!++cp->seq)
		cp->seq = 1; /* 0 marks a free slot */
	slot = cp->seq % PH_MAX;
	rfc6052_embed(p, &cp->probe4, &dst.sin6_addr);
	ping.icmp6_id = htons(cp->ident);
	ping.icmp6_seq = htons(cp->seq);
	cp->pending[slot].prefix = *p;
	cp->pending[slot].seq = cp->seq;
	/* A failed send is a probe without an answer: the same verdict. */
	if (sendto(cp->fd, &ping, sizeof(ping), 0, (struct sockaddr *)&dst,
		   sizeof(dst)) < 0)
		log_debug(NULL, "PLAT probe through %s: %s", fmt(p, b, sizeof(b)),
			  strerror(errno));
	plat_health_probe_sent(&cp->h, p, now);
}

static bool read_answers(struct clat_plat *cp, uint64_t now)
{
	bool changed = false;
	uint8_t buf[256];
	struct sockaddr_in6 from;
	socklen_t fl = sizeof(from);
	ssize_t n;

	while (cp->fd >= 0 && (n = recvfrom(cp->fd, buf, sizeof(buf), 0,
					    (struct sockaddr *)&from, &fl)) > 0) {
		struct icmp6_hdr h;
		struct in6_addr want;
		unsigned int slot;

		fl = sizeof(from);
		if ((size_t)n < sizeof(h))
			continue;
		memcpy(&h, buf, sizeof(h));
		if (h.icmp6_type != ICMP6_ECHO_REPLY || ntohs(h.icmp6_id) != cp->ident)
			continue;
		slot = ntohs(h.icmp6_seq) % PH_MAX;
		if (cp->pending[slot].seq != ntohs(h.icmp6_seq))
			continue;
		rfc6052_embed(&cp->pending[slot].prefix, &cp->probe4, &want);
		if (memcmp(&want, &from.sin6_addr, sizeof(want)))
			continue; /* not from where we asked */
		changed |= plat_health_probe_ok(&cp->h, &cp->pending[slot].prefix,
						now);
		cp->pending[slot].seq = 0;
	}
	return changed;
}

bool clat_plat_process(struct clat_plat *cp, struct instance *inst,
		       uint64_t now)
{
	struct xlat_prefix6 p;
	bool changed;

	if (!cp->on)
		return false;
	changed = read_answers(cp, now);
	if (inst && clat_working(inst) && now >= cp->next_sample) {
		uint64_t out, in;

		clat_traffic(inst, &out, &in);
		changed |= plat_health_sample(&cp->h, out, in, now);
		cp->next_sample = now + SAMPLE_MS;
	}
	changed |= plat_health_timeouts(&cp->h, now);
	while (cp->fd >= 0 && plat_health_want_probe(&cp->h, now, &p))
		send_probe(cp, &p, now);
	return changed;
}

uint64_t clat_plat_deadline(const struct clat_plat *cp, bool running)
{
	uint64_t t = DISC_NEVER;

	if (!cp->on)
		return t;
	if (running)
		t = cp->next_sample;
	for (unsigned int i = 0; i < cp->h.n; i++) {
		const struct ph_prefix *e = &cp->h.e[i];

		if (e->probing && e->probe_deadline < t)
			t = e->probe_deadline;
		if (e->state == PH_DEAD && e->next_probe < t)
			t = e->next_probe;
	}
	return t;
}
