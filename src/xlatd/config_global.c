// SPDX-License-Identifier: GPL-2.0-or-later
/* The [global] keys of xlatd.conf (man/xlatd.conf.5). */
#include "xlatd/config_priv.h"

#include "xlatd/log.h"

static int k_ctlsock(struct pctx *p, const char *v, char *msg, size_t n)
{
	if (v[0] != '/' || strlen(v) >= sizeof(p->c->control_socket))
		return bad(msg, n, "invalid control-socket \"%s\": an absolute path shorter than %zu bytes",
			   v, sizeof(p->c->control_socket));
	strcpy(p->c->control_socket, v);
	return 0;
}

/* A group name or number; main.c resolves it (the parser stays pure). */
static int k_ctlgroup(struct pctx *p, const char *v, char *msg, size_t n)
{
	size_t len = strlen(v);

	if (!len || len >= sizeof(p->c->control_group) ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789_.-") != len || v[0] == '-')
		return bad(msg, n, "invalid control-group \"%s\": a group name or number",
			   v);
	strcpy(p->c->control_group, v);
	return 0;
}

static int k_loglevel(struct pctx *p, const char *v, char *msg, size_t n)
{
	int l = log_level_parse(v);

	if (l < 0)
		return bad(msg, n, "invalid log-level \"%s\": err, warn, info or debug",
			   v);
	p->c->log_level = l;
	return 0;
}

static int k_clatauto(struct pctx *p, const char *v, char *msg, size_t n)
{
	if (parse_bool(v, &p->c->clat_auto))
		return bad(msg, n, "invalid clat-auto \"%s\": yes or no", v);
	return 0;
}

static int k_statedir(struct pctx *p, const char *v, char *msg, size_t n)
{
	/* Room for "/IFNAME.state.tmp" after it. */
	if (v[0] != '/' || strlen(v) >= sizeof(p->c->state_dir) - IFNAMSIZ - 12)
		return bad(msg, n, "invalid state-dir \"%s\": an absolute path shorter than %zu bytes",
			   v, sizeof(p->c->state_dir) - IFNAMSIZ - 12);
	strcpy(p->c->state_dir, v);
	return 0;
}

static int k_v6wait(struct pctx *p, const char *v, char *msg, size_t n)
{
	unsigned long x;

	/* A day at most: RFC 8925 servers send minutes to hours. */
	if (parse_uint(v, 1, 86400, &x))
		return bad(msg, n, "invalid v6only-wait \"%s\": 1 to 86400 seconds",
			   v);
	p->c->v6only_wait = (unsigned int)x;
	return 0;
}

static int iflist(const char *v, const char *key, char (*out)[IFNAMSIZ],
		  unsigned int *n_out, char *msg, size_t n)
{
	char buf[MAX_LINE], *save, *tok;

	snprintf(buf, sizeof(buf), "%s", v);
	*n_out = 0;
	for (tok = strtok_r(buf, " \t,", &save); tok;
	     tok = strtok_r(NULL, " \t,", &save)) {
		if (*n_out == CONF_MAX_IFLIST)
			return bad(msg, n, "%s: at most %d interfaces", key,
				   CONF_MAX_IFLIST);
		if (set_ifname(out[*n_out], tok, key, msg, n))
			return -1;
		(*n_out)++;
	}
	return 0;
}

static int k_ifaces(struct pctx *p, const char *v, char *msg, size_t n)
{
	return iflist(v, "interfaces", p->c->interfaces, &p->c->n_interfaces,
		      msg, n);
}

static int k_ignore(struct pctx *p, const char *v, char *msg, size_t n)
{
	return iflist(v, "ignore-interfaces", p->c->ignore, &p->c->n_ignore,
		      msg, n);
}

static const struct key keys[] = {
	{ "control-socket", SC_GLOBAL, false, k_ctlsock },
	{ "control-group", SC_GLOBAL, false, k_ctlgroup },
	{ "log-level", SC_GLOBAL, false, k_loglevel },
	{ "clat-auto", SC_GLOBAL, false, k_clatauto },
	{ "state-dir", SC_GLOBAL, false, k_statedir },
	{ "v6only-wait", SC_GLOBAL, false, k_v6wait },
	{ "interfaces", SC_GLOBAL, false, k_ifaces },
	{ "ignore-interfaces", SC_GLOBAL, false, k_ignore },
};

const struct key_table conf_global_keys = {
	keys, sizeof(keys) / sizeof(keys[0])
};
