/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xlatd configuration file (see man/xlatd.conf.5 for the keys).
 *
 *	# comment
 *	[global]
 *	control-socket = /run/xlatd/xlatd.sock
 *	[siit siit0]
 *	pool6 = 2001:db8:64::/96
 *	eam = 192.0.2.0/24 2001:db8:1::/120
 *
 * One [KIND NAME] section per instance.  The parser fills struct
 * xlatd_conf; it never touches the system, so `xlatd --check-config`
 * and the unit tests use it as is.
 */
#ifndef XLATD_CONFIG_H
#define XLATD_CONFIG_H

#include "rfc6146.h"
#include "xlat.h"

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONF_NAME_MAX 32      /* instance names, NUL included */
#define CONF_MAX_ROUTES 32    /* per family, per instance */
#define CONF_MAX_ADDRS 8      /* per family, per instance */
#define CONF_DEFAULT_FILE "/etc/xlatd.conf"
#define CONF_COALESCE_DEFAULT 200 /* us: at most 5000 timer wake-ups/s */
#define CONF_COALESCE_MAX 10000
/* The CLAT's userspace workers run ahead of the host's applications (as the
 * kernel's own packet processing does): an application on the same CPU that
 * floods the CLAT cannot starve its translation into TUN queue drops. */
#define CONF_WORKER_NICE_DEFAULT (-5)
/* worker-nice's value: 0, or -1 when it is not -20 to 19. */
int conf_parse_nice(const char *v, int *out);
/* worker-realtime's value: 0, or -1 when it is not 0 (off) to 99. */
int conf_parse_realtime(const char *v, int *out);
#define CONF_PLAT_HOLDDOWN_DEFAULT 30

/* How a siit worker moves packets through its TUN queue. */
enum siit_io { SIIT_IO_AUTO, SIIT_IO_URING, SIIT_IO_BLOCKING };

struct siit_conf {
	char tun[IFNAMSIZ];          /* default: the instance name */
	unsigned int mtu;            /* default 1500 */
	unsigned int threads;        /* default 1; > 1: multi-queue TUN */
	bool offload;                /* default yes: IFF_VNET_HDR + GSO */
	enum siit_io io;             /* default auto: io_uring if it works */
	unsigned int coalesce_usecs; /* io_uring wake-up moderation, 0: off */
	int worker_nice;             /* workers' nice, steps from the daemon's */
	int worker_realtime;         /* 0, or the workers' SCHED_FIFO priority */
	struct xlat_prefix4 route4[CONF_MAX_ROUTES];
	unsigned int n_route4;
	struct xlat_prefix6 route6[CONF_MAX_ROUTES];
	unsigned int n_route6;
	struct xlat_prefix4 address4[CONF_MAX_ADDRS];
	unsigned int n_address4;
	struct xlat_prefix6 address6[CONF_MAX_ADDRS];
	unsigned int n_address6;
};

enum clat_datapath { CLAT_DP_AUTO, CLAT_DP_BPF, CLAT_DP_USERSPACE };
/* How the eBPF programs hook in: same order as enum xlat_bpf_attach. */
enum clat_bpf_attach { CLAT_ATTACH_AUTO, CLAT_ATTACH_TCX, CLAT_ATTACH_CLSACT };
enum clat_mode { CLAT_MODE_AUTO, CLAT_MODE_ON, CLAT_MODE_OFF };
/* Where the CLAT's IPv6 address comes from (docs/clat-shared.md). */
enum clat_addr_mode { CLAT_ADDR_AUTO, CLAT_ADDR_DEDICATED, CLAT_ADDR_SHARED };

/*
 * [clat NAME].  The engine keys (udp-zero-checksum, decrement-ttl, ...)
 * land in inst_conf.xlat like for siit; pool6 there stays unset: the CLAT
 * fills it from pref64 (static here, or discovered).
 */
struct clat_conf {
	char uplink[IFNAMSIZ];       /* required */
	bool has_pref64;
	struct xlat_prefix6 pref64;  /* RFC 6052 length */
	bool has_ipv6;
	struct in6_addr ipv6;        /* fixed CLAT IPv6 address */
	bool has_ipv4;
	struct in_addr ipv4;         /* default: pick a free one in 192.0.0.0/29 */
	char tun[IFNAMSIZ];          /* default: conf_clat_tun_name() */
	uint32_t metric;             /* IPv4 default route metric, default 4096 */
	bool has_metric;             /* given: else 4096 + a per-instance offset */
	unsigned int mtu;            /* 0: auto (uplink IPv6 MTU - 28) */
	enum clat_datapath datapath; /* default auto */
	enum clat_bpf_attach bpf_attach; /* default auto: tcx, else clsact */
	enum clat_mode mode;         /* default auto */
	unsigned int threads;        /* default 1 */
	unsigned int coalesce_usecs; /* userspace path wake-up moderation */
	int worker_nice;             /* its workers' nice value, default -5 */
	bool plat_check;             /* watch that the PLAT translates (yes) */
	bool has_plat_probe;
	struct in_addr plat_probe;   /* IPv4 address probed through the PLAT */
	unsigned int plat_holddown;  /* s between two prefix switches */
	enum clat_addr_mode addr_mode; /* default auto */
	uint16_t shared_lo, shared_hi; /* shared-ports, default 61000-65535 */
	uint32_t shared_max;         /* shared-max-flows, 0: 3 x the range */
	uint32_t shared_to[4];       /* shared-timeouts: udp tcp-est tcp-trans icmp (s) */
	bool short_timeouts;         /* allow-short-timeouts: below RFC 4787/5382/5508 */
};

/* [nat64 NAME] (config_nat64.c): the TUN side lives in siit_conf. */
struct nat64_conf {
	struct nat64_cfg cfg;        /* cfg.xlat: copy of inst_conf.xlat */
	bool log_mappings;           /* RFC 6888 mapping log lines */
	bool self6_set;
	bool short_timeouts;         /* allow-short-timeouts: below RFC 6146/5508 */
	enum clat_datapath datapath; /* the eBPF fast path (nat64_fp.h) */
	enum clat_bpf_attach bpf_attach; /* its hook: tcx, else clsact */
	char seen[512];              /* scalar keys given, "|k1|k2|" */
};

struct inst_conf {
	char kind[16];               /* "siit", "clat" */
	char name[CONF_NAME_MAX];
	int line;                    /* of the section header */

	/* Engine configuration; xlat.eam points at eam[] below. */
	struct xlat_cfg xlat;
	struct xlat_eam *eam;
	unsigned int n_eam;

	struct siit_conf siit;       /* kind "siit" */
	struct clat_conf clat;       /* kind "clat" */
	struct nat64_conf nat64;     /* kind "nat64" (TUN in siit) */

	/* Normalised "key=value\n" lines of the section: two sections are
	 * the same configuration when these strings are equal (reload). */
	char *canon;
	size_t canon_len;

	struct inst_conf *next;
};

#define CONF_MAX_IFLIST 16
/* RFC 8925 MIN_V6ONLY_WAIT: what dhcpcd and systemd-networkd wait at least. */
#define V6ONLY_WAIT_DEFAULT 300

struct xlatd_conf {
	char control_socket[108];    /* sun_path size */
	char control_group[32];      /* may read status; "": see xlatd(8) */
	bool clat_auto;              /* clat-auto: a CLAT per eligible uplink */
	char state_dir[108];         /* RFC 8925 state files, /run/xlatd */
	unsigned int v6only_wait;    /* v6only-wait: seconds, see v6only.h */
	char interfaces[CONF_MAX_IFLIST][IFNAMSIZ]; /* only these, if any */
	unsigned int n_interfaces;
	char ignore[CONF_MAX_IFLIST][IFNAMSIZ];     /* never these */
	unsigned int n_ignore;
	int log_level;               /* enum log_level; -1: not set */
	struct inst_conf *inst;      /* in file order */
	unsigned int n_inst;
};

/* The default TUN name of a CLAT on uplink (xlatd.conf(5), tun). */
void conf_clat_tun_name(char out[IFNAMSIZ], const char *uplink);

void conf_init(struct xlatd_conf *c);
void conf_free(struct xlatd_conf *c);

/*
 * Parse and validate.  0 on success; -1 with "FILE:LINE: message" in err
 * (c then holds nothing to free).  fname is only used in messages.
 * conf_parse_file() with missing_ok treats a missing file as empty.
 */
int conf_parse_string(const char *text, const char *fname,
		      struct xlatd_conf *c, char *err, size_t errlen);
int conf_parse_file(const char *path, bool missing_ok, struct xlatd_conf *c,
		    char *err, size_t errlen);

/* Find an instance section by name, or NULL. */
const struct inst_conf *conf_find(const struct xlatd_conf *c,
				  const char *name);

/* Whether a and b configure the same instance identically (reload). */
bool inst_conf_equal(const struct inst_conf *a, const struct inst_conf *b);

/* Deep copy (eam table and canon included); NULL on allocation failure. */
struct inst_conf *inst_conf_dup(const struct inst_conf *ic);
void inst_conf_free(struct inst_conf *ic);

#endif
