/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPv4 fragmentation of a translated packet (RFC 791, RFC 7915 5.1). */
#ifndef XLAT_IPV4_FRAG_H
#define XLAT_IPV4_FRAG_H

#include "xlat.h"

/*
 * out->buf[0..len) holds one IPv4 packet with a 20-byte header and DF=0.
 * Split it in place into fragments of at most mtu bytes and describe them
 * in out->pkt[].  XLAT_OUT, or XLAT_DROP with NO_SPACE when the pieces do
 * not fit out->cap or XLAT_MAX_FRAGS (out->buf is then unchanged).
 */
enum xlat_verdict xlat_frag4(struct xlat_out *out, size_t len, uint32_t mtu);

#endif
