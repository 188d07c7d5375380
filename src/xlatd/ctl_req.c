// SPDX-License-Identifier: GPL-2.0-or-later
/* Control socket requests and access rules; see ctl_req.h. */
#include "xlatd/ctl_req.h"

#include <string.h>

#define V6ONLY "ipv6-only-preferred "
#define V6WAIT "v6only-wait "

enum ctl_cmd ctl_req_parse(char *buf, size_t len, struct ctl_req *r)
{
	buf[len] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	memset(r, 0, sizeof(*r));
	r->line = buf;
	if (!strncmp(buf, V6ONLY, strlen(V6ONLY))) {
		r->arg = buf + strlen(V6ONLY);
		r->cmd = CTL_CMD_V6ONLY;
	} else if (!strncmp(buf, V6WAIT, strlen(V6WAIT))) {
		r->arg = buf + strlen(V6WAIT);
		r->cmd = CTL_CMD_V6ONLY_WAIT;
	} else if (!strncmp(buf, "sessions", 8) || !strncmp(buf, "bib", 3)) {
		r->cmd = buf[0] == 's' ? CTL_CMD_SESSIONS : CTL_CMD_BIB;
		r->json = strstr(buf, " json") != NULL;
	} else if (!strcmp(buf, "status") || !strcmp(buf, "counters")) {
		r->cmd = CTL_CMD_STATUS;
	} else if (!strcmp(buf, "status json") || !strcmp(buf, "counters json")) {
		r->cmd = CTL_CMD_STATUS_JSON;
	} else if (!strcmp(buf, "reload")) {
		r->cmd = CTL_CMD_RELOAD;
	}
	return r->cmd;
}

bool ctl_cmd_writes(enum ctl_cmd cmd)
{
	/* v6only-wait changes what ipv6-only-preferred answers others. */
	return cmd == CTL_CMD_RELOAD || cmd == CTL_CMD_V6ONLY_WAIT;
}

enum ctl_access ctl_peer_access(const struct ctl_peer *peer, uid_t self_uid,
				bool has_group, gid_t group)
{
	if (peer->uid == 0 || peer->uid == self_uid)
		return CTL_ACCESS_ALL;
	if (!has_group)
		return CTL_ACCESS_NONE;
	if (peer->gid == group)
		return CTL_ACCESS_READ;
	for (size_t i = 0; i < peer->n_groups; i++)
		if (peer->groups[i] == group)
			return CTL_ACCESS_READ;
	return CTL_ACCESS_NONE;
}

bool ctl_allowed(enum ctl_access a, enum ctl_cmd cmd)
{
	if (a == CTL_ACCESS_ALL)
		return true;
	/* An unknown command gets its error message only if status would. */
	return a == CTL_ACCESS_READ && !ctl_cmd_writes(cmd);
}
