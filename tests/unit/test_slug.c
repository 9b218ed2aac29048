/* Unit tests for slugs (src/core/slug.c). */
/* cmocka.h needs setjmp.h, stdarg.h and stddef.h before it */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rapport/slug.h"
/* clang-format on */

/* Asserts slug_from_name(name, max) == want and that it is valid (or ""). */
static void expect_slug(const char *name, size_t max, const char *want)
{
	char *s = slug_from_name(name, max);
	assert_non_null(s);
	assert_string_equal(s, want);
	if (*want)
		assert_true(slug_valid(s));
	free(s);
}

static void test_basic(void **state)
{
	(void)state;
	expect_slug("InsideOut Leadership", 0, "insideout-leadership");
	expect_slug("  Acme   Coaching, Inc.  ", 0, "acme-coaching-inc");
	expect_slug("A&B -- Partners!!", 0, "a-b-partners");
	expect_slug("Team 42", 0, "team-42");
	expect_slug("---", 0, "");
	expect_slug("", 0, "");
	expect_slug(NULL, 0, "");
}

static void test_transliteration(void **state)
{
	(void)state;
	expect_slug("Café Crème", 0, "cafe-creme");
	expect_slug("Straße", 0, "strasse");
	expect_slug("Æsir Ærø", 0, "aesir-aero");
	expect_slug("Søren Kierkegård", 0, "soren-kierkegard");
	expect_slug("Łódź Coaching", 0, "lodz-coaching");
	expect_slug("Œuvre Þórr Ðan", 0, "oeuvre-thorr-dan");
	expect_slug("Ångström Ñandú Çelik", 0, "angstrom-nandu-celik");
	expect_slug("Dvořák Škoda Žižka", 0, "dvorak-skoda-zizka");
	expect_slug("İstanbul ığdır", 0, "istanbul-igdir");
	expect_slug("ĳssel ŋ ſ", 0, "ijssel-ng-s");
	expect_slug("ÀÁÂÃÄÅàáâãäå", 0, "aaaaaaaaaaaa");
}

static void test_other_scripts_and_junk(void **state)
{
	(void)state;
	expect_slug("日本 Coaching", 0, "coaching");
	expect_slug("Coaching 😀 Co", 0, "coaching-co");
	expect_slug("x\x1b]0;pwned\x07y", 0, "x-0-pwned-y");
	expect_slug("bad\xff\xfe utf8", 0, "bad-utf8");
	expect_slug("a × b ÷ c", 0, "a-b-c");
	expect_slug("Москва", 0, "");
}

static void test_max_length(void **state)
{
	(void)state;
	expect_slug("International Coaching Federation", 20, "international");
	expect_slug("Supercalifragilistic", 5, "super");
	expect_slug("ab cd", 4, "ab"); /* cut back to the word boundary */
	expect_slug("Straße", 4, "stra");
	char name[300];
	memset(name, 'x', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	char *s = slug_from_name(name, 0);
	assert_int_equal(strlen(s), SLUG_MAX);
	assert_true(slug_valid(s));
	free(s);
	s = slug_from_name(name, 1000);
	assert_int_equal(strlen(s), SLUG_MAX);
	free(s);
}

static void test_suffix(void **state)
{
	(void)state;
	char *s = slug_with_suffix("acme", 2);
	assert_string_equal(s, "acme-2");
	free(s);
	s = slug_with_suffix("acme-", 10);
	assert_string_equal(s, "acme-10");
	free(s);
	s = slug_with_suffix("", 3);
	assert_string_equal(s, "3");
	assert_true(slug_valid(s));
	free(s);
	char base[SLUG_MAX + 1];
	memset(base, 'a', SLUG_MAX);
	base[SLUG_MAX] = '\0';
	base[SLUG_MAX - 3] = '-';
	s = slug_with_suffix(base, 12345);
	assert_int_equal(strlen(s), SLUG_MAX);
	assert_true(slug_valid(s));
	assert_string_equal(s + SLUG_MAX - 6, "-12345");
	free(s);
}

static void test_valid(void **state)
{
	(void)state;
	assert_true(slug_valid("a"));
	assert_true(slug_valid("acme-coaching-2"));
	assert_true(slug_valid("42"));
	assert_false(slug_valid(""));
	assert_false(slug_valid(NULL));
	assert_false(slug_valid("-a"));
	assert_false(slug_valid("a-"));
	assert_false(slug_valid("a--b"));
	assert_false(slug_valid("Acme"));
	assert_false(slug_valid("a b"));
	assert_false(slug_valid("café"));
	assert_false(slug_valid("a_b"));
	char long_slug[SLUG_MAX + 2];
	memset(long_slug, 'a', SLUG_MAX + 1);
	long_slug[SLUG_MAX + 1] = '\0';
	assert_false(slug_valid(long_slug));
	long_slug[SLUG_MAX] = '\0';
	assert_true(slug_valid(long_slug));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic),
	    cmocka_unit_test(test_transliteration),
	    cmocka_unit_test(test_other_scripts_and_junk),
	    cmocka_unit_test(test_max_length),
	    cmocka_unit_test(test_suffix),
	    cmocka_unit_test(test_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
