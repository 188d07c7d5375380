// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: control socket requests and who may make them (ctl_req.c). */
#define TAP_MAIN
#include "tap.h"

#include "xlatd/ctl_req.h"

static enum ctl_cmd parse(const char *s, struct ctl_req *r)
{
	static char buf[300];
	size_t n = strlen(s);

	memcpy(buf, s, n);
	return ctl_req_parse(buf, n, r);
}

TEST(parse_commands)
{
	struct ctl_req r;

	CHECK_EQ(parse("status\n", &r), CTL_CMD_STATUS);
	CHECK_EQ(parse("counters", &r), CTL_CMD_STATUS);
	CHECK_EQ(parse("status json\r\n", &r), CTL_CMD_STATUS_JSON);
	CHECK_EQ(parse("counters json\n", &r), CTL_CMD_STATUS_JSON);
	CHECK_EQ(parse("reload\n", &r), CTL_CMD_RELOAD);
	CHECK_EQ(parse("ipv6-only-preferred eth0\n", &r), CTL_CMD_V6ONLY);
	CHECK_STR(r.arg, "eth0");
	CHECK_STR(r.line, "ipv6-only-preferred eth0");
	/* Only the first line counts; anything after a NUL is not read. */
	CHECK_EQ(parse("status\nreload\n", &r), CTL_CMD_STATUS);
	CHECK_EQ(parse("reload\0status", &r), CTL_CMD_RELOAD);
	CHECK_EQ(parse("reload now\n", &r), CTL_CMD_UNKNOWN);
	CHECK_EQ(parse("Status\n", &r), CTL_CMD_UNKNOWN);
	CHECK_EQ(parse("", &r), CTL_CMD_UNKNOWN);
	CHECK_EQ(parse(" status", &r), CTL_CMD_UNKNOWN);
	/* The NAT64 tables: a prefix match, " json" anywhere, as before. */
	CHECK_EQ(parse("sessions\n", &r), CTL_CMD_SESSIONS);
	CHECK(!r.json);
	CHECK_EQ(parse("sessions json\n", &r), CTL_CMD_SESSIONS);
	CHECK(r.json);
	CHECK_EQ(parse("bib json", &r), CTL_CMD_BIB);
	CHECK(r.json);
	CHECK_EQ(parse("v6only-wait eth0 300\n", &r), CTL_CMD_V6ONLY_WAIT);
	CHECK_STR(r.arg, "eth0 300");
}

TEST(writes)
{
	CHECK(ctl_cmd_writes(CTL_CMD_RELOAD));
	CHECK(ctl_cmd_writes(CTL_CMD_V6ONLY_WAIT));
	CHECK(!ctl_cmd_writes(CTL_CMD_SESSIONS));
	CHECK(!ctl_cmd_writes(CTL_CMD_BIB));
	CHECK(!ctl_cmd_writes(CTL_CMD_STATUS));
	CHECK(!ctl_cmd_writes(CTL_CMD_STATUS_JSON));
	CHECK(!ctl_cmd_writes(CTL_CMD_V6ONLY));
	CHECK(!ctl_cmd_writes(CTL_CMD_UNKNOWN));
}

#define SELF 990
#define GRP 991

TEST(access)
{
	gid_t sup[] = { 100, GRP };
	struct ctl_peer root = { .uid = 0, .gid = 0 };
	struct ctl_peer self = { .uid = SELF, .gid = 5 };
	struct ctl_peer prim = { .uid = 1000, .gid = GRP };
	struct ctl_peer supp = { .uid = 1000, .gid = 100, .groups = sup,
				 .n_groups = 2 };
	struct ctl_peer other = { .uid = 1000, .gid = 100, .groups = sup,
				  .n_groups = 1 };

	CHECK_EQ(ctl_peer_access(&root, SELF, true, GRP), CTL_ACCESS_ALL);
	CHECK_EQ(ctl_peer_access(&self, SELF, true, GRP), CTL_ACCESS_ALL);
	CHECK_EQ(ctl_peer_access(&prim, SELF, true, GRP), CTL_ACCESS_READ);
	CHECK_EQ(ctl_peer_access(&supp, SELF, true, GRP), CTL_ACCESS_READ);
	CHECK_EQ(ctl_peer_access(&other, SELF, true, GRP), CTL_ACCESS_NONE);
	/* Without a control group only root and the daemon's user. */
	CHECK_EQ(ctl_peer_access(&prim, SELF, false, GRP), CTL_ACCESS_NONE);
	CHECK_EQ(ctl_peer_access(&root, 0, false, 0), CTL_ACCESS_ALL);
	/* A daemon run as root with group 0 is not "everyone in gid 0"
	 * unless asked: has_group false. */
	CHECK_EQ(ctl_peer_access(&self, 0, false, 0), CTL_ACCESS_NONE);
}

TEST(allowed)
{
	CHECK(ctl_allowed(CTL_ACCESS_ALL, CTL_CMD_RELOAD));
	CHECK(ctl_allowed(CTL_ACCESS_ALL, CTL_CMD_STATUS));
	CHECK(ctl_allowed(CTL_ACCESS_READ, CTL_CMD_STATUS));
	CHECK(ctl_allowed(CTL_ACCESS_READ, CTL_CMD_STATUS_JSON));
	CHECK(ctl_allowed(CTL_ACCESS_READ, CTL_CMD_V6ONLY));
	CHECK(!ctl_allowed(CTL_ACCESS_READ, CTL_CMD_RELOAD));
	CHECK(!ctl_allowed(CTL_ACCESS_READ, CTL_CMD_V6ONLY_WAIT));
	CHECK(ctl_allowed(CTL_ACCESS_READ, CTL_CMD_SESSIONS));
	CHECK(!ctl_allowed(CTL_ACCESS_NONE, CTL_CMD_STATUS));
	CHECK(!ctl_allowed(CTL_ACCESS_NONE, CTL_CMD_RELOAD));
}

int main(void)
{
	return tap_run();
}
