/* Unit tests for the terminal sanitizer and display widths (src/core/text.c). */
/* cmocka.h needs setjmp.h, stdarg.h and stddef.h before it */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rapport/text.h"
/* clang-format on */

/* Sanitizes s (NUL-terminated) and compares with want. */
static void expect_sanitized(const char *s, const char *want)
{
	char *got = text_sanitize(s, (size_t)-1);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* Sanitizes len bytes of s and compares with want. */
static void expect_sanitized_n(const char *s, size_t len, const char *want)
{
	char *got = text_sanitize(s, len);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* True when no byte of s is a C0 control or DEL. */
static int no_control_bytes(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return 0;
	return 1;
}

static void test_plain_text_unchanged(void **state)
{
	(void)state;
	expect_sanitized("Acme Coaching", "Acme Coaching");
	expect_sanitized("", "");
	expect_sanitized("Zoë Müller — coach", "Zoë Müller — coach");
	expect_sanitized("back\\slash", "back\\slash");
}

static void test_hostile_company_name(void **state)
{
	(void)state;
	expect_sanitized("\x1b]0;pwned\x07\x1b[2J", "\\x1b]0;pwned\\x07\\x1b[2J");
	char *s = text_sanitize("\x1b]0;pwned\x07\x1b[2J", (size_t)-1);
	assert_null(strchr(s, 0x1b));
	assert_null(strchr(s, 0x07));
	assert_true(no_control_bytes(s));
	free(s);
}

static void test_controls_escaped(void **state)
{
	(void)state;
	expect_sanitized("a\nb\tc\rd", "a\\x0ab\\x09c\\x0dd");
	expect_sanitized("\x7f", "\\x7f");
	expect_sanitized("\x01\x1f", "\\x01\\x1f");
	/* C1 controls arrive as 2-byte UTF-8: U+009B (CSI) and U+0085 (NEL) */
	expect_sanitized("x\xc2\x9b"
	                 "2Jy",
	                 "x\\x9b2Jy");
	expect_sanitized("\xc2\x85", "\\x85");
	/* embedded NUL inside an explicit length */
	expect_sanitized_n("a\0b", 3, "a\\x00b");
}

static void test_osc52_clipboard_escape(void **state)
{
	(void)state;
	expect_sanitized("\x1b]52;c;ZXZpbA==\x1b\\", "\\x1b]52;c;ZXZpbA==\\x1b\\");
}

static void test_bidi_overrides(void **state)
{
	(void)state;
	expect_sanitized("abc\xe2\x80\xae"
	                 "fdp.exe",
	                 "abc<U+202E>fdp.exe");
	expect_sanitized("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad",
	                 "<U+202A><U+202B><U+202C><U+202D>");
	expect_sanitized("\xe2\x81\xa6x\xe2\x81\xa9", "<U+2066>x<U+2069>");
	expect_sanitized("\xe2\x81\xa7\xe2\x81\xa8", "<U+2067><U+2068>");
	expect_sanitized("\xe2\x80\x8e\xe2\x80\x8f", "<U+200E><U+200F>");
	expect_sanitized("\xd8\x9c", "<U+061C>");
	expect_sanitized("\xe2\x80\xa8", "<U+2028>");
	/* Hebrew/Arabic letters themselves are fine */
	expect_sanitized("שלום مرحبا", "שלום مرحبا");
}

/* Invisible characters that make two names look identical become visible;
 * ZWJ inside an emoji sequence is kept. */
static void test_invisible_marked(void **state)
{
	(void)state;
	expect_sanitized("ana\xe2\x80\x8b@example.com", "ana<U+200B>@example.com");
	expect_sanitized("\xef\xbb\xbfname", "<U+FEFF>name");
	expect_sanitized("a\xe2\x81\xa0" "b\xc2\xad" "c", "a<U+2060>b<U+00AD>c");
	expect_sanitized("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9",
	                 "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	expect_sanitized("\xff", "\\xff");
	expect_sanitized("a\xc3", "a\\xc3");                          /* truncated */
	expect_sanitized("\xc0\xaf", "\\xc0\\xaf");                   /* overlong '/' */
	expect_sanitized("\xe0\x80\xaf", "\\xe0\\x80\\xaf");          /* overlong 3-byte */
	expect_sanitized("\xed\xa0\x80", "\\xed\\xa0\\x80");          /* surrogate U+D800 */
	expect_sanitized("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* > U+10FFFF */
	expect_sanitized("\xf5\x80", "\\xf5\\x80");
	expect_sanitized("\x80x", "\\x80x");        /* lone continuation */
	expect_sanitized("\xe2\x82", "\\xe2\\x82"); /* truncated euro */
	expect_sanitized("\xe2\x82\xac", "€");
	expect_sanitized("\xf0\x9f\x98\x80", "😀");
}

static void test_multiline(void **state)
{
	(void)state;
	char *s = text_sanitize_multiline("line1\r\nab\tc\n\x1b[31mred", (size_t)-1);
	assert_string_equal(s, "line1\nab      c\n\\x1b[31mred");
	free(s);
	s = text_sanitize_multiline("a\rb", (size_t)-1);
	assert_string_equal(s, "a\\x0db");
	free(s);
	/* tab stops count wide characters as two columns */
	s = text_sanitize_multiline("日本\tx", (size_t)-1);
	assert_string_equal(s, "日本    x");
	free(s);
}

static void test_null_input(void **state)
{
	(void)state;
	char *s = text_sanitize(NULL, 5);
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(text_width(NULL), 0);
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width(""), 0);
	assert_int_equal(text_width("日本語"), 6);
	assert_int_equal(text_width("한국어"), 6);
	assert_int_equal(text_width("ＡＢ"), 4); /* fullwidth */
	assert_int_equal(text_width("😀"), 2);
	assert_int_equal(text_width("🎉x"), 3);
	assert_int_equal(text_width("e\xcc\x81"), 1); /* e + combining acute */
	assert_int_equal(text_width("a\xe2\x80\x8b"
	                            "b"),
	                 2); /* zero width space */
	assert_int_equal(text_width("Zoë"), 3);
	assert_int_equal(text_width("\xd8\xb3\xd9\x8e"), 1); /* Arabic + fatha */
	assert_int_equal(text_width("\xe3\x80\x80"), 2);     /* ideographic space */
}

static void test_cp_width(void **state)
{
	(void)state;
	assert_int_equal(text_cp_width('a'), 1);
	assert_int_equal(text_cp_width(0x1b), -1);
	assert_int_equal(text_cp_width(0x7f), -1);
	assert_int_equal(text_cp_width(0x9b), -1);
	assert_int_equal(text_cp_width(0x0301), 0);
	assert_int_equal(text_cp_width(0x4E00), 2);
	assert_int_equal(text_cp_width(0x20000), 2);
	assert_int_equal(text_cp_width(0x1F600), 2);
	assert_int_equal(text_cp_width(0xFE0F), 0);
	assert_int_equal(text_cp_width(0x00E9), 1);
	assert_int_equal(text_cp_width(0x00AD), 1);
}

static void test_fit_ascii(void **state)
{
	(void)state;
	char buf[64];
	assert_int_equal(text_fit("hello world", 5, buf, sizeof buf), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(text_fit("hi", 10, buf, sizeof buf), 2);
	assert_string_equal(buf, "hi");
	assert_int_equal(text_fit("hi", 0, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	assert_int_equal(text_fit("hi", -3, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
}

static void test_fit_never_splits(void **state)
{
	(void)state;
	char buf[64];
	/* a wide character that does not fit is left out whole */
	assert_int_equal(text_fit("日本語", 5, buf, sizeof buf), 4);
	assert_string_equal(buf, "日本");
	assert_int_equal(text_fit("a😀", 2, buf, sizeof buf), 1);
	assert_string_equal(buf, "a");
	/* combining marks stay with their base */
	assert_int_equal(text_fit("e\xcc\x81"
	                          "f",
	                          1, buf, sizeof buf),
	                 1);
	assert_string_equal(buf, "e\xcc\x81");
	/* byte limit: "é" needs 2 bytes + NUL */
	assert_int_equal(text_fit("éé", 2, buf, 4), 1);
	assert_string_equal(buf, "é");
	assert_int_equal(text_fit("日", 2, buf, 3), 0);
	assert_string_equal(buf, "");
	assert_int_equal(text_fit("abc", 3, buf, 1), 0);
	assert_string_equal(buf, "");
}

static void test_fit_unsanitized_input(void **state)
{
	(void)state;
	char buf[64];
	/* defensive: raw controls and bad bytes never pass through text_fit */
	assert_int_equal(text_fit("a\x1b[2J\xff", 10, buf, sizeof buf), 6);
	assert_string_equal(buf, "a?[2J?");
}

static void test_fit_sanitized_property(void **state)
{
	(void)state;
	const char *inputs[] = {
	    "\x1b]0;pwned\x07\x1b[2J",
	    "日本語テキスト",
	    "😀😀😀",
	    "e\xcc\x81\xcc\x82z",
	    ("\xe2\x80\xae" /* RLO, then plain text */ "abc"),
	    "\xff\xfe\xfd",
	    "mixed 日本 and 😀 \x01",
	};
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		char *s = text_sanitize(inputs[i], (size_t)-1);
		assert_true(text_utf8_valid(s, strlen(s)));
		assert_true(no_control_bytes(s));
		for (int cols = 0; cols < 40; cols++) {
			char buf[128];
			int used = text_fit(s, cols, buf, sizeof buf);
			assert_true(used <= cols);
			assert_int_equal(text_width(buf), used);
			assert_true(text_utf8_valid(buf, strlen(buf)));
			assert_memory_equal(buf, s, strlen(buf)); /* a prefix */
		}
		free(s);
	}
}

static void test_huge_string(void **state)
{
	(void)state;
	size_t n = 4u << 20;
	char *big = malloc(n + 1);
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = (i % 7 == 0) ? '\x1b' : (i % 11 == 0 ? '\xff' : 'x');
	big[n] = '\0';
	char *s = text_sanitize(big, n);
	assert_non_null(s);
	size_t len = strlen(s);
	assert_true(len > n);
	assert_true(text_utf8_valid(s, len));
	assert_true(no_control_bytes(s));
	char buf[256];
	int used = text_fit(s, 80, buf, sizeof buf);
	assert_int_equal(used, 80);
	free(s);
	free(big);
}

static void test_utf8_helpers(void **state)
{
	(void)state;
	char out[4];
	uint32_t cp;
	assert_int_equal(text_utf8_encode(0x20AC, out), 3);
	assert_int_equal(text_utf8_decode(out, 3, &cp), 3);
	assert_int_equal(cp, 0x20AC);
	assert_int_equal(text_utf8_encode(0xD800, out), 0);
	assert_int_equal(text_utf8_encode(0x110000, out), 0);
	assert_int_equal(text_utf8_decode("\xf0\x9f\x98", 3, &cp), 0);
	assert_int_equal(text_utf8_decode("", 0, &cp), 0);
	/* round trip over every scalar value */
	for (uint32_t c = 0; c <= 0x10FFFF; c++) {
		int n = text_utf8_encode(c, out);
		if (c >= 0xD800 && c <= 0xDFFF) {
			assert_int_equal(n, 0);
			continue;
		}
		uint32_t back = 0;
		assert_int_equal(text_utf8_decode(out, (size_t)n, &back), n);
		assert_int_equal(back, c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_text_unchanged),
	    cmocka_unit_test(test_hostile_company_name),
	    cmocka_unit_test(test_controls_escaped),
	    cmocka_unit_test(test_osc52_clipboard_escape),
	    cmocka_unit_test(test_bidi_overrides),
	    cmocka_unit_test(test_invisible_marked),
	    cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_multiline),
	    cmocka_unit_test(test_null_input),
	    cmocka_unit_test(test_width),
	    cmocka_unit_test(test_cp_width),
	    cmocka_unit_test(test_fit_ascii),
	    cmocka_unit_test(test_fit_never_splits),
	    cmocka_unit_test(test_fit_unsanitized_input),
	    cmocka_unit_test(test_fit_sanitized_property),
	    cmocka_unit_test(test_huge_string),
	    cmocka_unit_test(test_utf8_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
