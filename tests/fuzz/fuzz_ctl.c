// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: control socket requests (ctl_req_parse(), the access
 * rules) and the JSON rendering of a client's text.
 *
 * Bytes 0-3: the peer (uid class, gid class, groups), the rest is what
 * the client sent (at most what xlatd reads: 255 bytes).
 * Seeds: tests/fuzz/corpus/ctl/.
 */
#include "fuzz_util.h"

#include "xlatd/ctl.h"
#include "xlatd/ctl_req.h"

#define SELF_UID 990
#define GROUP 991

/* A JSON string value must have no raw control character or bare quote. */
static void check_json_string(const char *s, size_t n)
{
	bool esc = false;

	fuzz_check(n >= 2 && s[0] == '"' && s[n - 1] == '"');
	for (size_t i = 1; i + 1 < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		fuzz_check(ch >= 0x20);
		if (esc) {
			esc = false;
			continue;
		}
		if (ch == '\\')
			esc = true;
		else
			fuzz_check(ch != '"');
	}
	fuzz_check(!esc);
}

static uid_t pick_uid(uint8_t b)
{
	static const uid_t u[] = { 0, SELF_UID, 1000, 65534 };

	return u[b & 3];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gid_t groups[4] = { 100, GROUP, 27, 0 };
	struct ctl_peer peer;
	enum ctl_access acc;
	struct ctl_req req;
	struct ctl_out o;
	size_t len;
	char *buf;
	const char *v;

	if (size < 4)
		return 0;
	peer.uid = pick_uid(data[0]);
	peer.gid = data[1] & 1 ? GROUP : 100;
	peer.groups = groups + (data[2] & 1);
	peer.n_groups = data[2] >> 6 & 3;
	acc = ctl_peer_access(&peer, SELF_UID, data[3] & 1, GROUP);
	/* The rules, independently of the code: */
	if (peer.uid == 0 || peer.uid == SELF_UID)
		fuzz_check(acc == CTL_ACCESS_ALL);
	else if (!(data[3] & 1))
		fuzz_check(acc == CTL_ACCESS_NONE);
	else
		fuzz_check(acc != CTL_ACCESS_ALL);

	len = size - 4 > 255 ? 255 : size - 4;
	buf = (char *)fuzz_dup(data + 4, len, 1);
	ctl_req_parse(buf, len, &req);
	fuzz_check(strlen(req.line) <= len);
	fuzz_check(!strpbrk(req.line, "\r\n"));
	if (req.cmd == CTL_CMD_V6ONLY)
		fuzz_check(req.arg > req.line &&
			   req.arg <= req.line + strlen(req.line));
	if (acc != CTL_ACCESS_ALL && ctl_cmd_writes(req.cmd))
		fuzz_check(!ctl_allowed(acc, req.cmd));
	if (acc == CTL_ACCESS_NONE)
		fuzz_check(!ctl_allowed(acc, req.cmd));

	/* The line (logged, echoed in errors) rendered as JSON stays JSON. */
	ctl_out_init(&o, true);
	ctl_kv_str(&o, "line", "%s", req.line);
	fuzz_check(!o.oom && o.buf);
	v = strchr(o.buf, ':');
	fuzz_check(v != NULL);
	check_json_string(v + 1, o.len - (size_t)(v + 1 - o.buf));
	ctl_out_free(&o);
	free(buf);
	return 0;
}
