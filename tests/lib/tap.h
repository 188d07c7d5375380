/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A minimal TAP producer for unit tests.  Each TEST() is one test point;
 * CHECK* record a failure with file:line and keep going inside the test so
 * one run shows every broken field.  tests/run.sh counts the "ok" and
 * "not ok" lines of every test program.
 *
 *	TEST(embed_32) { CHECK_EQ(a, b); }
 *	int main(void) { return tap_run(); }
 */
#ifndef XLAT_TAP_H
#define XLAT_TAP_H

#include <stdio.h>
#include <string.h>

struct tap_test {
	const char *name;
	void (*fn)(void);
	struct tap_test *next;
};

extern struct tap_test *tap_head, **tap_tail;
extern int tap_failed_now;

#define TEST(n)                                                                \
	static void test_##n(void);                                            \
	static struct tap_test tap_t_##n = { #n, test_##n, NULL };             \
	__attribute__((constructor)) static void tap_reg_##n(void)             \
	{                                                                      \
		*tap_tail = &tap_t_##n;                                        \
		tap_tail = &tap_t_##n.next;                                    \
	}                                                                      \
	static void test_##n(void)

#define TAP_FAIL(...)                                                          \
	do {                                                                   \
		printf("#   %s:%d: ", __FILE__, __LINE__);                     \
		printf(__VA_ARGS__);                                           \
		printf("\n");                                                  \
		tap_failed_now = 1;                                            \
	} while (0)

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c))                                                      \
			TAP_FAIL("CHECK(%s) failed", #c);                      \
	} while (0)

#define CHECK_EQ(a, b)                                                         \
	do {                                                                   \
		long long _a = (long long)(a), _b = (long long)(b);            \
		if (_a != _b)                                                  \
			TAP_FAIL("%s == %s: %lld (0x%llx) != %lld (0x%llx)",   \
				 #a, #b, _a, _a, _b, _b);                      \
	} while (0)

#define CHECK_MEM(a, b, n)                                                     \
	do {                                                                   \
		if (memcmp((a), (b), (n)) != 0) {                              \
			TAP_FAIL("memcmp(%s, %s, %s) != 0", #a, #b, #n);       \
			tap_hexdiff((const void *)(a), (const void *)(b),      \
				    (n));                                      \
		}                                                              \
	} while (0)

/* A validator's verdict (pkt_check4() and the like): NULL, or what is
 * wrong, which is printed. */
#define CHECK_OK(e)                                                            \
	do {                                                                   \
		const char *_e = (e);                                          \
		if (_e)                                                        \
			TAP_FAIL("%s: %s", #e, _e);                            \
	} while (0)

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *_a = (a), *_b = (b);                               \
		if (!_a || !_b || strcmp(_a, _b) != 0)                         \
			TAP_FAIL("%s == %s: \"%s\" != \"%s\"", #a, #b,         \
				 _a ? _a : "(null)", _b ? _b : "(null)");      \
	} while (0)

/* Stop the current test on a failed precondition. */
#define REQUIRE(c)                                                             \
	do {                                                                   \
		if (!(c)) {                                                    \
			TAP_FAIL("REQUIRE(%s) failed", #c);                    \
			return;                                                \
		}                                                              \
	} while (0)

void tap_hexdiff(const void *a, const void *b, size_t n);
int tap_run(void);

#endif

/* Define in exactly one translation unit of a test program. */
#ifdef TAP_MAIN
struct tap_test *tap_head, **tap_tail = &tap_head;
int tap_failed_now;

void tap_hexdiff(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			printf("#     byte %zu: 0x%02x != 0x%02x\n", i, x[i],
			       y[i]);
}

int tap_run(void)
{
	int n = 0, bad = 0;

	for (struct tap_test *t = tap_head; t; t = t->next)
		n++;
	printf("1..%d\n", n);
	n = 0;
	for (struct tap_test *t = tap_head; t; t = t->next) {
		tap_failed_now = 0;
		t->fn();
		printf("%sok %d - %s\n", tap_failed_now ? "not " : "", ++n,
		       t->name);
		bad += tap_failed_now;
		fflush(stdout);
	}
	return bad ? 1 : 0;
}
#endif
