// SPDX-License-Identifier: GPL-2.0-or-later
/* xlatctl's JSON reader and its renderers: short status, filter, metrics;
 * and the log's journal detection. */
#define TAP_MAIN
#include "tap.h"

#include "xlatctl/render.h"
#include "xlatd/log.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Two instances, as xlatd prints them (one line, here split). */
static const char status[] =
	"{\"daemon\":\"xlatd\",\"instances\":["
	"{\"name\":\"clat-eth0\",\"kind\":\"clat\",\"state\":\"running\",\"reason\":\"\","
	"\"config\":{\"uplink\":\"eth0\",\"mode\":\"auto\",\"pref64\":{\"prefix\":\"64:ff9b::/96\","
	"\"source\":\"RA\",\"lifetime_s\":1790},\"uplink_prefix\":\"2001:db8:1::/64\","
	"\"tun\":\"clat\",\"clat_ipv6\":\"2001:db8:1::c1a7\",\"clat_ipv4\":\"192.0.0.1\","
	"\"mtu\":1500,\"metric\":2048,\"datapath\":\"bpf\",\"datapath_config\":\"auto\","
	"\"fastpath_attach\":\"tcx\",\"fastpath\":{\"fp_6to4_translated\":7,"
	"\"fp_pass_fragment\":2,\"fp_drop_helper_failed\":0,\"fp_4to6_in_bytes\":900},"
	"\"ns_answered\":3,\"coalesce_usecs\":1500,\"new_thing\":5,"
	"\"ipv6_only_preferred\":{\"answer\":true,\"why\":\"CLAT on eth0\",\"v6only_wait_s\":300,"
	"\"since\":\"option 108\",\"remaining_s\":120,\"expired\":false},\"new_flag\":true},"
	"\"counters\":{\"4to6\":{\"in_packets\":123456,\"in_bytes\":9876543,\"out_packets\":123450,"
	"\"out_bytes\":12345678,\"replies\":0,\"hairpinned\":0,\"drops\":6,"
	"\"drop_reasons\":{\"ttl_expired\":6}},"
	"\"6to4\":{\"in_packets\":10,\"in_bytes\":1000,\"out_packets\":10,\"out_bytes\":800,"
	"\"replies\":0,\"hairpinned\":0,\"drops\":0}}},"
	"{\"name\":\"s\\\"0\",\"kind\":\"siit\",\"state\":\"waiting\",\"reason\":\"no \\\"route\\\"\\u000a\","
	"\"config\":{\"tun\":\"siit0\",\"mtu\":1500,\"threads\":2,\"offload\":\"yes\",\"io\":\"uring\","
	"\"pool6\":\"2001:db8:64::/96\",\"eam_entries\":0,\"routes\":2,\"ipv6_mtu\":1400,"
	"\"icmp_errors_rate_limited\":3},"
	"\"counters\":{\"4to6\":{\"in_packets\":0,\"in_bytes\":0,\"out_packets\":0,\"out_bytes\":0,"
	"\"replies\":0,\"hairpinned\":0,\"drops\":0},\"6to4\":{\"in_packets\":0,\"in_bytes\":0,"
	"\"out_packets\":0,\"out_bytes\":0,\"replies\":0,\"hairpinned\":0,\"drops\":0}}}]}";

static char *out;
static size_t outlen;

static FILE *mem(void)
{
	free(out);
	out = NULL;
	return open_memstream(&out, &outlen);
}

static struct json *parse(const char *s)
{
	char err[128];
	struct json *j = json_parse(s, err, sizeof(err));

	if (!j)
		TAP_FAIL("json_parse: %s", err);
	return j;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, line, n) && (p[n] == '\n' || !p[n]))
			return true;
	return false;
}

#define CHECK_LINE(text, line)                                                 \
	do {                                                                   \
		if (!has_line(text, line))                                     \
			TAP_FAIL("no line \"%s\" in:\n%s", line, text);        \
	} while (0)

TEST(json_values)
{
	struct json *j = parse(" {\"a\" : [1, -2, 3.5e2, true, false, null],"
			       "\"b\":{\"c\":\"x\\u00e9\\n\\\"\"},"
			       "\"n\":18446744073709551615}");
	uint64_t v = 0;

	if (!j)
		return;
	CHECK(json_get(j, "a")->type == JSON_ARR);
	CHECK_STR(json_get(j, "a")->child->next->str, "-2");
	CHECK(json_get(j, "a")->child->next->next->next->b);
	CHECK(!json_get(j, "a")->child->next->next->next->next->b);
	CHECK_STR(json_str(j, "b.c"), "x\xc3\xa9\n\"");
	CHECK(json_u64(j, "n", &v) && v == UINT64_MAX);
	CHECK(!json_u64(j, "b.c", &v));
	CHECK(!json_get(j, "b.nope"));
	CHECK(!json_get(j, "a.c"));
	json_free(j);
}

TEST(json_errors)
{
	static const char *const bad[] = {
		"", "{", "{\"a\"}", "{\"a\":1,}", "[1 2]", "\"abc", "{\"a\":1} x",
		"tru", "\"\\x\"", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
	};
	char err[128];

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct json *j = json_parse(bad[i], err, sizeof(err));

		if (j)
			TAP_FAIL("parsed \"%s\"", bad[i]);
		json_free(j);
	}
}

TEST(json_write_roundtrip)
{
	struct json *j = parse(status);
	FILE *f = mem();

	if (!j || !f)
		return;
	json_write(f, j);
	fclose(f);
	CHECK_STR(out, status);
	json_free(j);
}

TEST(short_status)
{
	struct json *j = parse(status);
	FILE *f = mem();

	if (!j || !f)
		return;
	CHECK_EQ(render_short(f, j, NULL), 2);
	fclose(f);
	CHECK_LINE(out, "clat clat-eth0: running");
	CHECK_LINE(out, "  uplink:    eth0 (mode auto)");
	CHECK_LINE(out, "  prefix:    64:ff9b::/96 from RA, 1790 s left");
	CHECK_LINE(out, "  addresses: 192.0.0.1 as 2001:db8:1::c1a7, tun clat mtu 1500");
	CHECK_LINE(out, "  datapath:  bpf (tcx)");
	CHECK_LINE(out, "  4to6       in 123.5 k pkts 9.9 MB, out 123.5 k pkts 12.3 MB");
	CHECK_LINE(out, "  6to4       in 10 pkts 1000 B, out 10 pkts 800 B");
	CHECK_LINE(out, "  drops 4to6 6 (ttl_expired 6)");
	CHECK(!strstr(out, "drops 6to4"));
	/* waiting, no traffic: no traffic lines; the reason in parentheses */
	CHECK_LINE(out, "siit s\"0: waiting (no \"route\"\n)");
	CHECK_LINE(out, "  datapath:  userspace, 2 threads, io uring, offload yes");
	CHECK_EQ(strstr(out, "siit") && strstr(strstr(out, "siit"), "4to6") ? 1 : 0, 0);
	json_free(j);
}

/* A nat64 instance: the siit's lines and its tables. */
TEST(short_status_nat64)
{
	static const char st[] =
		"{\"daemon\":\"xlatd\",\"instances\":[{\"name\":\"plat\",\"kind\":\"nat64\","
		"\"state\":\"running\",\"reason\":\"\",\"config\":{\"tun\":\"nat64\",\"mtu\":1500,"
		"\"threads\":1,\"offload\":\"no\",\"io\":\"uring\",\"pool6\":\"64:ff9b::/96\","
		"\"eam_entries\":0,\"filtering\":\"endpoint-independent\",\"max_sessions\":3,"
		"\"max_sessions_per_host\":0,\"sessions\":3,\"bib_entries\":2,\"nat64\":{"
		"\"bib_added\":2,\"refused_table_full\":4,\"refused_host_limit\":0,"
		"\"refused_pool4_exhausted\":0}},\"counters\":{}}]}";
	struct json *j = parse(st);
	FILE *f = mem();

	if (!j || !f)
		return;
	CHECK_EQ(render_short(f, j, NULL), 1);
	fclose(f);
	CHECK_LINE(out, "nat64 plat: running");
	CHECK_LINE(out, "  tun:       nat64 mtu 1500");
	CHECK_LINE(out, "  sessions:  3 of 3, BIB 2, refused: 4 table full, 0 host limit, 0 pool4");
	json_free(j);
}

TEST(filter)
{
	struct json *j = parse(status);
	FILE *f = mem();

	if (!j || !f)
		return;
	CHECK_EQ(render_short(f, j, "eth0"), 1);   /* uplink */
	CHECK_EQ(render_short(f, j, "siit0"), 1);  /* tun */
	CHECK_EQ(render_long(f, j, "clat-eth0"), 1);
	CHECK_EQ(render_long(f, j, "eth1"), 0);
	fclose(f);
	render_filter(j, "siit0");
	CHECK_STR(json_str(json_get(j, "instances")->child, "name"), "s\"0");
	CHECK(!json_get(j, "instances")->child->next);
	json_free(j);
}

TEST(long_status)
{
	struct json *j = parse(status);
	FILE *f = mem();

	if (!j || !f)
		return;
	CHECK_EQ(render_long(f, j, "eth0"), 1);
	fclose(f);
	CHECK_LINE(out, "  config:");
	CHECK_LINE(out, "    pref64:");
	CHECK_LINE(out, "      prefix: 64:ff9b::/96");
	CHECK_LINE(out, "      fp_pass_fragment: 2");
	CHECK_LINE(out, "      hairpinned: 0");
	CHECK_LINE(out, "        ttl_expired: 6");
	json_free(j);
}

TEST(metrics)
{
	struct json *j = parse(status);
	FILE *f = mem();

	if (!j || !f)
		return;
	CHECK_EQ(render_metrics(f, j), 0);
	fclose(f);
	CHECK_LINE(out, "xlat464_up 1");
	CHECK_LINE(out, "# TYPE xlat464_in_packets_total counter");
	CHECK_LINE(out, "xlat464_in_packets_total{instance=\"clat-eth0\",direction=\"4to6\"} 123456");
	CHECK_LINE(out, "xlat464_out_bytes_total{instance=\"clat-eth0\",direction=\"6to4\"} 800");
	CHECK_LINE(out, "xlat464_dropped_packets_by_reason_total{instance=\"clat-eth0\",direction=\"4to6\",reason=\"ttl_expired\"} 6");
	CHECK_LINE(out, "xlat464_dropped_packets_by_reason_total{instance=\"clat-eth0\",direction=\"6to4\",reason=\"truncated\"} 0");
	CHECK_LINE(out, "xlat464_instance_state{instance=\"clat-eth0\",state=\"running\"} 1");
	CHECK_LINE(out, "xlat464_instance_state{instance=\"clat-eth0\",state=\"failed\"} 0");
	CHECK_LINE(out, "xlat464_instance_state{instance=\"s\\\"0\",state=\"waiting\"} 1");
	CHECK_LINE(out, "xlat464_pref64_lifetime_seconds{instance=\"clat-eth0\"} 1790");
	CHECK_LINE(out, "xlat464_coalesce_seconds{instance=\"clat-eth0\"} 0.001500");
	CHECK_LINE(out, "xlat464_fastpath_translated_packets_total{instance=\"clat-eth0\",direction=\"6to4\"} 7");
	CHECK_LINE(out, "xlat464_fastpath_passed_packets_total{instance=\"clat-eth0\",reason=\"fragment\"} 2");
	CHECK_LINE(out, "xlat464_fastpath_dropped_packets_total{instance=\"clat-eth0\",reason=\"helper_failed\"} 0");
	CHECK_LINE(out, "xlat464_fastpath_in_bytes_total{instance=\"clat-eth0\",direction=\"4to6\"} 900");
	CHECK_LINE(out, "xlat464_neighbor_solicitations_answered_total{instance=\"clat-eth0\"} 3");
	CHECK_LINE(out, "xlat464_ipv6_only_preferred{instance=\"clat-eth0\"} 1");
	CHECK_LINE(out, "xlat464_v6only_wait_expired{instance=\"clat-eth0\"} 0");
	CHECK_LINE(out, "xlat464_v6only_wait_remaining_seconds{instance=\"clat-eth0\"} 120");
	CHECK_LINE(out, "# TYPE xlat464_clat_new_flag gauge");
	CHECK_LINE(out, "xlat464_clat_new_flag{instance=\"clat-eth0\"} 1");
	CHECK_LINE(out, "xlat464_path_mtu_bytes{instance=\"s\\\"0\",family=\"ipv6\"} 1400");
	CHECK_LINE(out, "xlat464_icmp_errors_rate_limited_total{instance=\"s\\\"0\"} 3");
	CHECK_LINE(out, "# TYPE xlat464_clat_new_thing untyped");
	CHECK_LINE(out, "xlat464_clat_new_thing{instance=\"clat-eth0\"} 5");
	CHECK(strstr(out, "xlat464_instance_info{instance=\"clat-eth0\",kind=\"clat\",reason=\"\",uplink=\"eth0\",mode=\"auto\",pref64_prefix=\"64:ff9b::/96\",pref64_source=\"RA\""));
	CHECK(strstr(out, "xlat464_instance_info{instance=\"s\\\"0\",kind=\"siit\",reason=\"no \\\"route\\\"\\n\",tun=\"siit0\""));
	json_free(j);
}

/* A [nat64] fast path (nat64_fp_status()): its sessions, attachment and
 * program counters, each under a name of its own. */
TEST(metrics_nat64_fastpath)
{
	static const char st[] =
		"{\"daemon\":\"xlatd\",\"instances\":[{\"name\":\"n0\",\"kind\":\"nat64\","
		"\"state\":\"running\",\"reason\":\"\",\"config\":{\"tun\":\"nat0\","
		"\"datapath\":\"bpf\",\"fastpath\":{\"attach\":\"clsact\",\"attached\":\"yes\","
		"\"prog_id\":41,\"sessions\":2,\"capacity\":65536,\"sessions_not_added\":1,"
		"\"fp_6to4_translated\":9,\"fp_4to6_translated\":8,"
		"\"fp_pass_no_session\":3,\"fp_pass_icmp_zero_echo\":0,"
		"\"fp_drop_helper_failed\":0,\"fp_4to6_out_bytes\":960},"
		"\"sessions\":3},\"counters\":{}}]}";
	struct json *j = parse(st);
	FILE *f = mem();

	if (!j || !f)
		return;
	CHECK_EQ(render_metrics(f, j), 0);
	fclose(f);
	CHECK_LINE(out, "# TYPE xlat464_fastpath_sessions gauge");
	CHECK_LINE(out, "xlat464_fastpath_sessions{instance=\"n0\"} 2");
	CHECK_LINE(out, "xlat464_fastpath_sessions_max{instance=\"n0\"} 65536");
	CHECK_LINE(out, "# TYPE xlat464_fastpath_sessions_not_added_total counter");
	CHECK_LINE(out, "xlat464_fastpath_sessions_not_added_total{instance=\"n0\"} 1");
	CHECK_LINE(out, "xlat464_fastpath_attached{instance=\"n0\"} 1");
	CHECK_LINE(out, "xlat464_fastpath_info{instance=\"n0\",attach=\"clsact\",prog_id=\"41\"} 1");
	CHECK_LINE(out, "xlat464_fastpath_translated_packets_total{instance=\"n0\",direction=\"6to4\"} 9");
	CHECK_LINE(out, "xlat464_fastpath_translated_packets_total{instance=\"n0\",direction=\"4to6\"} 8");
	CHECK_LINE(out, "xlat464_fastpath_passed_packets_total{instance=\"n0\",reason=\"no_session\"} 3");
	CHECK_LINE(out, "xlat464_fastpath_passed_packets_total{instance=\"n0\",reason=\"icmp_zero_echo\"} 0");
	CHECK_LINE(out, "xlat464_fastpath_dropped_packets_total{instance=\"n0\",reason=\"helper_failed\"} 0");
	CHECK_LINE(out, "xlat464_fastpath_out_bytes_total{instance=\"n0\",direction=\"4to6\"} 960");
	/* The engine's sessions stay apart from the fast path's. */
	CHECK_LINE(out, "xlat464_nat64_sessions{instance=\"n0\"} 3");
	CHECK(!strstr(out, "xlat464_fastpath_counter"));
	json_free(j);
	free(out);
	out = NULL;
}

/* Every family: one HELP, one TYPE, its samples right after them. */
TEST(metrics_grouped)
{
	struct json *j = parse(status);
	FILE *f = mem();
	char fam[128] = "", *save = NULL;

	if (!j || !f)
		return;
	render_metrics(f, j);
	fclose(f);
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char name[128];
		size_t n = strcspn(l, "{ ");

		if (!strncmp(l, "# HELP ", 7)) {
			snprintf(name, sizeof(name), "%.*s", (int)strcspn(l + 7, " "), l + 7);
			if (!strcmp(name, fam))
				TAP_FAIL("HELP twice for %s", name);
			snprintf(fam, sizeof(fam), "%s", name);
			continue;
		}
		if (!strncmp(l, "# TYPE ", 7))
			continue;
		if (strlen(fam) != n || strncmp(l, fam, n))
			TAP_FAIL("sample outside its family %s: %s", fam, l);
	}
	json_free(j);
	free(out);
	out = NULL;
}

TEST(metrics_not_status)
{
	struct json *j = parse("{\"daemon\":\"xlatd\"}");
	FILE *f = mem();

	if (!j || !f)
		return;
	CHECK_EQ(render_metrics(f, j), -1);
	fclose(f);
	json_free(j);
	free(out);
	out = NULL;
}

TEST(journal_stream)
{
	char path[] = "/tmp/xlat-journal-XXXXXX", js[64];
	struct stat st;
	int fd = mkstemp(path);

	if (fd < 0 || fstat(fd, &st) < 0) {
		TAP_FAIL("mkstemp");
		return;
	}
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	CHECK(log_stderr_is_journal(js, fd));
	CHECK(!log_stderr_is_journal(NULL, fd));
	CHECK(!log_stderr_is_journal("", fd));
	CHECK(!log_stderr_is_journal("1:2", fd));
	snprintf(js, sizeof(js), "%llu:%llux", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	CHECK(!log_stderr_is_journal(js, fd));
	close(fd);
	unlink(path);
}

int main(void)
{
	return tap_run();
}
