// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the configuration file parser (conf_parse_string())
 * and what reload does with its result (copy, compare, free).  The input
 * is the file's text.  Seeds: tests/fuzz/corpus/config/ (the examples of
 * xlatd.conf(5) and the tests).
 */
#include "fuzz_util.h"

#include "xlatd/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xlatd_conf c;
	char err[512];
	char *text;

	if (size > 64 * 1024)
		return 0;
	text = (char *)fuzz_dup(data, size, 1);
	err[0] = '\0';
	if (conf_parse_string(text, "fuzz.conf", &c, err, sizeof(err)) == 0) {
		unsigned int n = 0;

		for (const struct inst_conf *ic = c.inst; ic; ic = ic->next) {
			struct inst_conf *d = inst_conf_dup(ic);

			fuzz_check(d != NULL && inst_conf_equal(ic, d));
			fuzz_check(conf_find(&c, ic->name) != NULL);
			fuzz_check(ic->xlat.n_eam == ic->n_eam);
			inst_conf_free(d);
			n++;
		}
		fuzz_check(n == c.n_inst);
		conf_free(&c);
	} else {
		/* An error always says where. */
		fuzz_check(err[0] != '\0' && memchr(err, '\0', sizeof(err)));
	}
	free(text);
	return 0;
}
