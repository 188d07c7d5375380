// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the link monitor's snapshot builder (lm_snap_msg(),
 * lm_snap_finish()) over link, address and route dump messages, and
 * the event filter (lm_event_relevant()) over the same bytes.  The
 * input is one netlink datagram as a dump answer would bring it.
 * Seeds: tests/fuzz/corpus/link_monitor/.
 */
#include "fuzz_util.h"

#include "control/link_monitor.h"

#include "control/rtnl.h"

#include <libmnl/libmnl.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lm_snap s;
	uint8_t *buf;

	if (size > 65536)
		return 0;
	lm_snap_free(&s);
	buf = fuzz_dup(data, size, 0);
	/* The same bytes as an event datagram: read, never past its end. */
	(void)lm_event_relevant(buf, size);
	/* Sequence and port 0: libmnl checks neither, like a dump of ours. */
	rtnl_cb_run(buf, size, 0, 0, lm_snap_msg, &s);
	lm_snap_finish(&s);
	fuzz_check(s.n <= LM_MAX_IFS);
	for (unsigned int i = 0; i < s.n; i++) {
		const struct lm_if *x = &s.ifs[i];

		fuzz_check(memchr(x->name, '\0', sizeof(x->name)) != NULL);
		fuzz_check(memchr(x->kind, '\0', sizeof(x->kind)) != NULL);
		fuzz_check(s.a6[i].n <= LM_MAX_ADDRS && s.a6[i].n <= s.a6[i].cap);
		fuzz_check(x->n_global6 <= s.a6[i].n);
		fuzz_check(!lm_if_differs(x, x));
	}
	free(buf);
	return 0;
}
