/* Server refusals that rapport words itself: invalid UTF-8 in a value and a
 * value too long for a btree index. Real server; nothing may be written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/testdb.h"

static db *D;

static int setup(void **state)
{
	(void)state;
	D = testdb_open("lead_errors");
	return D ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	db_close(D);
	testdb_drop("lead_errors");
	return 0;
}

static long long companies(void)
{
	char *v = NULL;
	assert_int_equal(db_exec_value(D, "select count(*) from coaching_companies", &v), DB_OK);
	long long n = atoll(v);
	free(v);
	return n;
}

/* A company name with a Latin-1 byte is refused in rapport's words. */
static void test_invalid_utf8_worded(void **state)
{
	(void)state;
	const char *names[] = {"name", "slug"};
	const char *values[] = {"Caf\xe9 Coaching", "cafe-coaching"};
	char id[DB_UUID_LEN];
	long long before = companies();
	assert_int_equal(db_record_insert(D, DB_COMPANY, 2, names, values, "{}", id), DB_INVALID);
	assert_non_null(strstr(db_errmsg(D), "not valid UTF-8"));
	assert_int_equal(companies(), before);
}

/* A 1 MB slug exceeds the unique index's row limit: DB_INVALID in words. */
static void test_index_row_too_long_worded(void **state)
{
	(void)state;
	size_t n = 1 << 20;
	char *slug = malloc(n + 1);
	assert_non_null(slug);
	for (size_t i = 0; i < n; i++)
		slug[i] = (char)('a' + (i * 7919 % 26));
	slug[n] = '\0';
	const char *names[] = {"name", "slug"};
	const char *values[] = {"Long Slug Coaching", slug};
	char id[DB_UUID_LEN];
	long long before = companies();
	db_status st = db_record_insert(D, DB_COMPANY, 2, names, values, "{}", id);
	free(slug);
	assert_int_equal(st, DB_INVALID);
	assert_non_null(strstr(db_errmsg(D), "too long"));
	assert_int_equal(companies(), before);
}

/* A server message that spans lines (libpq ends a line and indents the
 * next) reads as one line with single spaces where the breaks were; plain
 * double spaces in the text stay. */
static void test_multiline_message_folded(void **state)
{
	(void)state;
	db_status st = db_exec_script(D, "DO $$BEGIN RAISE EXCEPTION E'first line\\n\\tsecond  "
	                                 "line\\n'; END$$");
	assert_int_not_equal(st, DB_OK);
	const char *m = db_errmsg(D);
	if (!strstr(m, "first line second  line") || strchr(m, '\n') || strchr(m, '\t') ||
	    m[strlen(m) - 1] == ' ')
		fail_msg("not folded to one line: '%s'", m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_invalid_utf8_worded),
	    cmocka_unit_test(test_index_row_too_long_worded),
	    cmocka_unit_test(test_multiline_message_folded),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
