// SPDX-License-Identifier: GPL-2.0-or-later
/* BPF_PROG_TEST_RUN with Ethernet framing, and the differential tests'
 * diagnostics (bpf_run.h). */
#include "bpf_run.h"

#include "checksum.h"
#include "tap.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <string.h>

#define ETH_LEN 14

int bpf_run_eth(int prog_fd, const uint8_t *pkt, size_t len,
		struct bpf_run *r)
{
	uint8_t in[sizeof(r->out)], o[sizeof(r->out) + ETH_LEN];
	DECLARE_LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = in,
			    .data_size_in = (uint32_t)(len + ETH_LEN),
			    .data_out = o, .data_size_out = sizeof(o),
			    .repeat = 1);

	if (len > sizeof(in) - ETH_LEN) {
		errno = EMSGSIZE;
		return -1;
	}
	/* Locally administered MACs: nothing in the program looks at them. */
	memcpy(in, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02", 12);
	put16(in + 12, (pkt[0] >> 4) == 6 ? 0x86dd : 0x0800);
	memcpy(in + ETH_LEN, pkt, len);
	if (bpf_prog_test_run_opts(prog_fd, &t))
		return -1;
	if (t.data_size_out < ETH_LEN || t.data_size_out > sizeof(o)) {
		errno = EMSGSIZE;
		return -1;
	}
	r->ret = (int)t.retval;
	r->len = t.data_size_out - ETH_LEN;
	r->ethertype = get16(o + 12);
	memcpy(r->out, o + ETH_LEN, r->len);
	return 0;
}

bool bpf_run_same(const uint8_t *got, size_t glen, const uint8_t *want,
		  size_t wlen)
{
	return glen == wlen && !memcmp(got, want, glen);
}

void bpf_run_print_diff(const uint8_t *got, size_t glen, const uint8_t *want,
			size_t wlen)
{
	if (glen != wlen)
		printf("#     length BPF %zu, engine %zu\n", glen, wlen);
	else
		tap_hexdiff(got, want, glen);
}

void bpf_run_print_counted(const uint64_t *delta, unsigned int n,
			   const char *(*name)(unsigned int))
{
	for (unsigned int i = 0; i < n; i++)
		if (delta[i])
			printf("#   counted %s\n", name(i));
}

void bpf_run_skip_all(const char *test, const char *why, int err)
{
	printf("1..1\nok 1 - %s # SKIP %s%s%s\n", test, why, err ? ": " : "",
	       err ? strerror(err) : "");
}

void bpf_run_fill(uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		d[i] = (uint8_t)(i * 7 + 1);
}
