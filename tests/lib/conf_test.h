/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The xlatd.conf tests' two helpers (test_config*.c): parse a text as the
 * file "t.conf", and expect one to fail with exactly a message.  Include
 * after tap.h; the last error is in conf_err.
 */
#ifndef XLAT_CONF_TEST_H
#define XLAT_CONF_TEST_H
#include "xlatd/config.h"

#include <limits.h>

static char conf_err[512];

static inline int parse(const char *text, struct xlatd_conf *c)
{
	return conf_parse_string(text, "t.conf", c, conf_err, sizeof(conf_err));
}

/* The file must fail with exactly this message. */
static inline void expect_err(const char *text, const char *msg)
{
	struct xlatd_conf c;

	if (parse(text, &c) == 0) {
		TAP_FAIL("parsed, expected \"%s\"", msg);
		conf_free(&c);
		return;
	}
	CHECK_STR(conf_err, msg);
}

/*
 * The first instance's FIELD once TEXT parses (as a long long, for
 * CHECK_EQ); a text that does not parse fails the test.
 */
#define PARSED(text, field)                                                    \
	({                                                                     \
		struct xlatd_conf c_;                                          \
		long long v_ = LLONG_MIN;                                      \
		if (parse(text, &c_) == 0) {                                   \
			v_ = (long long)c_.inst->field;                        \
			conf_free(&c_);                                        \
		} else {                                                       \
			TAP_FAIL("did not parse: %s", conf_err);               \
		}                                                              \
		v_;                                                            \
	})

#endif
