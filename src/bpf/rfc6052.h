/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RFC 6052 section 2.2 in the TC programs, at any prefix length: the
 * prefix (bits past its length zero), its mask, and where the four IPv4
 * bytes go (v4pos[], the u-octet skipped).  Both the CLAT's and the
 * NAT64's programs keep these three fields in their configuration.
 */
#ifndef XLAT_BPF_RFC6052_H
#define XLAT_BPF_RFC6052_H

/* a inside the prefix? */
static __always_inline bool rfc6052_in(const __u8 *pfx, const __u32 *mask,
				       const __u32 *a)
{
	const __u32 *p = (const __u32 *)pfx;

#pragma unroll
	for (int i = 0; i < 4; i++)
		if ((a[i] & mask[i]) != p[i])
			return false;
	return true;
}

/* The IPv4 address embedded in a, network order. */
static __always_inline __u32 rfc6052_extract(const __u8 *v4pos, const __u8 *a)
{
	__u8 b[4];

#pragma unroll
	for (int i = 0; i < 4; i++)
		b[i] = a[v4pos[i] & 15];
	return *(__u32 *)b;
}

/* The prefix with v4 (network order) embedded, into out[16]. */
static __always_inline void rfc6052_embed(const __u8 *pfx, const __u8 *v4pos,
					  __u32 v4, __u8 *out)
{
	const __u8 *b = (const __u8 *)&v4;

	__builtin_memcpy(out, pfx, 16);
#pragma unroll
	for (int i = 0; i < 4; i++)
		out[v4pos[i] & 15] = b[i];
}

#endif
