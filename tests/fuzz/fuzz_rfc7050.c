// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: RFC 7050 DNS answers (rfc7050_parse(), which reads
 * whatever comes back from the resolver's address) and the resolv.conf
 * parser.
 *
 * Byte 0 even: bytes 1-2 are the query ID we wait for, the rest is the
 * DNS message.  Byte 0 odd: the rest is a resolv.conf text.
 * Seeds: tests/fuzz/corpus/rfc7050/.
 */
#include "fuzz_util.h"

#include "control/rfc7050.h"

#include <errno.h>

static void check_result(const struct rfc7050_result *res)
{
	fuzz_check(res->n <= RFC7050_MAX_PREFIXES);
	fuzz_check(res->n > 0 || res->min_ttl == 0);
	for (unsigned int i = 0; i < res->n; i++) {
		const struct xlat_prefix6 *p = &res->prefix[i];
		struct xlat_prefix6 c[8];
		int k;

		fuzz_check(p->len == 32 || p->len == 40 || p->len == 48 ||
			   p->len == 56 || p->len == 64 || p->len == 96);
		for (unsigned int j = 0; j < i; j++)
			fuzz_check(p->len != res->prefix[j].len ||
				   memcmp(&p->addr, &res->prefix[j].addr, 16));
		k = rfc7050_infer(&p->addr, c, 8);
		fuzz_check(k >= 0);
	}
}

static void dns(const uint8_t *data, size_t size)
{
	struct rfc7050_result res;
	uint8_t *pkt;
	int r;

	if (size < 2)
		return;
	pkt = fuzz_dup(data + 2, size - 2, 0);
	memset(&res, 0xa5, sizeof(res));
	r = rfc7050_parse(pkt, size - 2, fuzz_get16(data), &res);
	fuzz_check(r == 0 || r == -ESRCH || r == -EBADMSG || r == -EMSGSIZE ||
		   r == -EAGAIN);
	if (r == 0)
		check_result(&res);
	/* Every 16-byte window as an AAAA: the inference is total. */
	for (size_t off = 0; off + 16 <= size - 2 && off < 512; off += 16) {
		struct xlat_prefix6 c[2];
		struct in6_addr a;

		memcpy(&a, pkt + off, 16);
		fuzz_check(rfc7050_infer(&a, c, 2) >= 0);
	}
	free(pkt);
}

static void resolv(const uint8_t *data, size_t size)
{
	struct rfc7050_server srv[RFC7050_MAX_SERVERS];
	char *text = (char *)fuzz_dup(data, size, 1);
	int n = rfc7050_resolv_parse(text, srv, RFC7050_MAX_SERVERS, 3);

	fuzz_check(n >= 0 && n <= RFC7050_MAX_SERVERS);
	for (int i = 0; i < n; i++)
		fuzz_check(srv[i].sa.ss_family == AF_INET ||
			   srv[i].sa.ss_family == AF_INET6);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		resolv(data + 1, size - 1);
	else
		dns(data + 1, size - 1);
	return 0;
}
