/* Unit tests for src/core/form.c: the formatting-preserving JSON parser and
 * printer, the form model (fields, widgets, each edit, error paths), the
 * key-level diff and the 3-way merge. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rapport/form.h"
/* clang-format on */

static metaschema *schema(const char *table)
{
	metaschema *s = metaschema_for_table(table, NULL, NULL);
	assert_non_null(s);
	return s;
}

static form *form_of(const metaschema *s, const char *json)
{
	form_perr e;
	form *f = form_new(s, json, strlen(json), &e);
	if (!f)
		fail_msg("form_new(%s): %d:%d %s", json, e.line, e.col, e.msg);
	return f;
}

static void expect_json(const form *f, const char *want)
{
	char *got = form_to_json(f, false);
	if (strcmp(got, want) != 0)
		fail_msg("expected %s\n     got %s", want, got);
	free(got);
}

static long field(const form *f, const char *key)
{
	long i = form_find(f, key);
	if (i < 0)
		fail_msg("no field %s", key);
	return i;
}

/* ---- parser / printer --------------------------------------------------- */

static void test_round_trip_preserves_text(void **state)
{
	(void)state;
	const char *in =
	    "{\"zeta\":1.50,\"active\":true,\"experience_years\":1e1,"
	    "\"n\":-0.0,\"big\":123456789012345678901234567890,"
	    "\"s\":\"caf\\u00e9 \\\"q\\\" \\n\\t\\/\",\"nested\":{\"b\":2E+3,\"a\":[]},"
	    "\"l\":[1,2.000,{}],\"x\":null}";
	metaschema *s = schema("coaches");
	form *f = form_of(s, in);
	char *out = form_to_json(f, false);
	/* same keys, same order, numbers exactly as written; "\/" and "\u00e9" normalised */
	assert_string_equal(
	    out, "{\"zeta\":1.50,\"active\":true,\"experience_years\":1e1,"
	         "\"n\":-0.0,\"big\":123456789012345678901234567890,"
	         "\"s\":\"caf\xc3\xa9 \\\"q\\\" \\n\\t/\",\"nested\":{\"b\":2E+3,\"a\":[]},"
	         "\"l\":[1,2.000,{}],\"x\":null}");
	assert_false(form_dirty(f));
	/* and the output parses back to the same text */
	form *g = form_of(s, out);
	expect_json(g, out);
	free(out);
	form_free(g);
	form_free(f);
	metaschema_free(s);
}

static void test_pretty_print(void **state)
{
	(void)state;
	form_perr e;
	const char *in = "{\"a\":[1,\"x\"],\"b\":{},\"c\":[],\"d\":{\"e\":false}}";
	form_json *v = form_json_parse(in, strlen(in), &e);
	char *p = form_json_print(v, 2);
	assert_string_equal(p,
	                    "{\n  \"a\": [\n    1,\n    \"x\"\n  ],\n  \"b\": {},\n  \"c\": [],\n"
	                    "  \"d\": {\n    \"e\": false\n  }\n}");
	form_json *w = form_json_parse(p, strlen(p), &e);
	assert_true(form_json_equal(v, w));
	free(p);
	form_json_free(v);
	form_json_free(w);
}

static void expect_parse_error(const char *text, int line, int col, const char *msg)
{
	form_perr e;
	form_json *v = form_json_parse(text, strlen(text), &e);
	if (v)
		fail_msg("parsed but should not: %s", text);
	if (e.line != line || e.col != col || !strstr(e.msg, msg))
		fail_msg("%s: expected %d:%d '%s', got %d:%d '%s'", text, line, col, msg, e.line,
		         e.col, e.msg);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_parse_error("{\"a\": 1,\n \"b\": }", 2, 7, "unexpected '}'");
	expect_parse_error("{\"a\" 1}", 1, 6, "expected ':' after the key");
	expect_parse_error("{\"a\":1 \"b\":2}", 1, 8, "expected ',' or '}'");
	expect_parse_error("{a:1}", 1, 2, "expected a key in double quotes");
	expect_parse_error("[1,2", 1, 5, "expected ',' or ']', found end of input");
	expect_parse_error("{\"a\":\"x}", 1, 6, "string not closed");
	expect_parse_error("{\"a\":01}", 1, 7, "invalid number");
	expect_parse_error("{\"a\":1.}", 1, 6, "invalid number");
	expect_parse_error("{\"a\":-}", 1, 6, "invalid number");
	expect_parse_error("{\"a\":1e}", 1, 6, "invalid number");
	expect_parse_error("{\"a\":tru}", 1, 6, "unexpected 't'");
	expect_parse_error("{\"a\":1,\"a\":2}", 1, 8, "duplicate key \"a\"");
	expect_parse_error("{\"a\":\"\\u0000\"}", 1, 7, "\\u0000 is not allowed");
	expect_parse_error("{\"a\":\"\\ud800\"}", 1, 7, "invalid \\u escape");
	expect_parse_error("{\"a\":\"\\x\"}", 1, 7, "invalid escape");
	expect_parse_error("{\"a\":\"tab\there\"}", 1, 10, "control character in string");
	expect_parse_error("{\"a\":\"\xff\"}", 1, 7, "invalid UTF-8");
	expect_parse_error("{\"a\":\"\xc3\xa9\" x}", 1, 10, "expected ',' or '}'");
	expect_parse_error("{} {}", 1, 4, "after the JSON value");
	expect_parse_error("", 1, 1, "unexpected end of input");
	/* column counts characters, not bytes */
	expect_parse_error("\"\xc3\xa9\xc3\xa9\" x", 1, 6, "after the JSON value");
	/* surrogate pairs decode */
	form_perr e;
	form_json *v = form_json_parse("\"\\ud83d\\ude00\"", 14, &e);
	assert_non_null(v);
	assert_string_equal(v->text, "\xf0\x9f\x98\x80");
	form_json_free(v);
	/* byte-order mark skipped */
	v = form_json_parse("\xEF\xBB\xBF{}", 5, &e);
	assert_non_null(v);
	form_json_free(v);
}

static void test_hostile_json(void **state)
{
	(void)state;
	/* 1,000 levels of nesting: a clear error, no crash */
	size_t depth = 1000;
	char *t = malloc(depth * 2 + 8);
	size_t k = 0;
	t[k++] = '{', t[k++] = '"', t[k++] = 'a', t[k++] = '"', t[k++] = ':';
	for (size_t i = 0; i < depth; i++)
		t[k++] = '[';
	for (size_t i = 0; i < depth; i++)
		t[k++] = ']';
	t[k++] = '}';
	t[k] = '\0';
	form_perr e;
	assert_null(form_new(NULL, t, k, &e));
	assert_non_null(strstr(e.msg, "nested deeper than 64 levels"));
	assert_int_equal(e.line, 1);
	assert_int_equal(e.col, 5 + 63 + 1); /* the object is level 1 */
	/* 10,000-element array: parsed, shown as a list, round-trips */
	size_t n = 10000;
	char *a = malloc(n * 6 + 32);
	k = (size_t)sprintf(a, "{\"goals\":[");
	for (size_t i = 0; i < n; i++)
		k += (size_t)sprintf(a + k, "%s\"g\"", i ? "," : "");
	k += (size_t)sprintf(a + k, "]}");
	free(t);
	metaschema *s = schema("clients");
	form *f = form_new(s, a, k, &e);
	assert_non_null(f);
	long g = field(f, "goals");
	assert_int_equal(form_field_at(f, (size_t)g)->widget, FORM_LIST);
	assert_int_equal(form_list_len(f, (size_t)g), n);
	char *out = form_to_json(f, false);
	assert_string_equal(out, a);
	free(out);
	ms_report *r = form_validate(f, NULL);
	assert_int_equal(r->nerrors, 0);
	ms_report_free(r);
	form_free(f);
	free(a);
	/* huge number: kept as text, validation says out of range */
	f = form_of(s, "{\"n\":1e999999}");
	expect_json(f, "{\"n\":1e999999}");
	r = form_validate(f, NULL);
	assert_string_equal(ms_report_first_error(r)->text, "n: number out of range");
	ms_report_free(r);
	form_free(f);
	/* not an object */
	assert_null(form_new(s, "[1]", 3, &e));
	assert_string_equal(e.msg, "metadata must be a JSON object ({...})");
	/* empty text: {} */
	f = form_new(s, "  ", 2, &e);
	assert_non_null(f);
	expect_json(f, "{}");
	form_free(f);
	metaschema_free(s);
}

/* ---- fields and widgets -------------------------------------------------- */

static void test_field_order_and_widgets(void **state)
{
	(void)state;
	metaschema *s = schema("coaches");
	form *f = form_of(s, "{\"zz_custom\":[1],\"timezone\":\"UTC\",\"aa_other\":\"x\","
	                     "\"experience_years\":\"ten\"}");
	/* schema order first, then unknown keys in record order */
	const char *keys[] = {"active",   "experience_years",   "specializations", "certifications",
	                      "timezone", "created_by_user_id", "zz_custom",       "aa_other"};
	assert_int_equal(form_nfields(f), 8);
	for (size_t i = 0; i < 8; i++)
		assert_string_equal(form_field_at(f, i)->key, keys[i]);
	assert_int_equal(form_field_at(f, 0)->widget, FORM_TOGGLE);
	/* a value that does not fit its schema is shown raw so it can be fixed */
	assert_int_equal(form_field_at(f, 1)->widget, FORM_RAW);
	assert_int_equal(form_field_at(f, 2)->widget, FORM_LIST);
	assert_int_equal(form_field_at(f, 4)->widget, FORM_TEXT);
	assert_int_equal(form_field_at(f, 6)->widget, FORM_RAW);
	assert_null(form_field_at(f, 6)->schema);
	assert_null(form_field_at(f, 8));
	/* absent keys: no value; defaults visible; hints in words */
	assert_null(form_value(f, 0));
	assert_true(cJSON_IsTrue(form_default(f, 0)));
	assert_null(form_default(f, 4));
	char hint[64];
	form_hint(f, 1, hint, sizeof hint);
	assert_string_equal(hint, "an integer \u2265 0");
	form_hint(f, 6, hint, sizeof hint);
	assert_string_equal(hint, "");
	char *d = form_display(f, 3);
	assert_string_equal(d, "");
	free(d);
	d = form_display(f, 6);
	assert_string_equal(d, "[1]");
	free(d);
	assert_int_equal(form_find(f, "nope"), -1);
	/* fixing the raw value brings the number widget back */
	assert_int_equal(form_set_raw(f, 1, "12", NULL), 0);
	assert_int_equal(form_field_at(f, 1)->widget, FORM_NUMBER);
	form_free(f);
	metaschema_free(s);

	s = schema("client_organizations");
	f = form_of(s, "{}");
	assert_int_equal(form_field_at(f, (size_t)field(f, "size"))->widget, FORM_ENUM);
	form_free(f);
	metaschema_free(s);
	s = schema("clients");
	f = form_of(s, "{}");
	assert_int_equal(form_field_at(f, (size_t)field(f, "start_date"))->widget, FORM_DATE);
	form_free(f);
	metaschema_free(s);
	/* no schema at all: every key raw */
	f = form_of(NULL, "{\"a\":true}");
	assert_int_equal(form_nfields(f), 1);
	assert_int_equal(form_field_at(f, 0)->widget, FORM_RAW);
	form_free(f);
}

static void test_toggle(void **state)
{
	(void)state;
	metaschema *s = schema("coaches");
	form *f = form_of(s, "{\"x\":1}");
	size_t a = (size_t)field(f, "active");
	/* absent active defaults to true: toggling writes false */
	assert_int_equal(form_toggle(f, a), 0);
	expect_json(f, "{\"x\":1,\"active\":false}");
	assert_true(form_dirty(f));
	assert_true(form_field_dirty(f, a));
	assert_false(form_field_dirty(f, (size_t)field(f, "x")));
	assert_int_equal(form_toggle(f, a), 0);
	expect_json(f, "{\"x\":1,\"active\":true}");
	assert_int_equal(form_set_bool(f, a, false), 0);
	expect_json(f, "{\"x\":1,\"active\":false}");
	/* wrong widget */
	assert_int_equal(form_toggle(f, (size_t)field(f, "timezone")), -1);
	assert_string_equal(form_error(f), "timezone: this field is not edited that way");
	assert_int_equal(form_toggle(f, 99), -1);
	assert_string_equal(form_error(f), "no such field");
	form_free(f);
	metaschema_free(s);
}

static void test_number(void **state)
{
	(void)state;
	metaschema *s = schema("coaches");
	form *f = form_of(s, "{\"experience_years\":15}");
	size_t e = (size_t)field(f, "experience_years");
	const char *bad[] = {"abc", "", "1,5", "0x10", "1 2", "+3", "NaN", "Infinity", ".5"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(form_set_number(f, e, bad[i]), -1);
		assert_string_equal(form_error(f), "experience_years: not a number");
	}
	assert_int_equal(form_set_number(f, e, "2.5"), -1);
	assert_string_equal(form_error(f), "experience_years: must be an integer \u2265 0");
	assert_int_equal(form_set_number(f, e, "1e999"), -1);
	assert_string_equal(form_error(f), "experience_years: number out of range");
	expect_json(f, "{\"experience_years\":15}");
	assert_false(form_dirty(f));
	/* kept exactly as typed; out of bounds is stored and reported by validation */
	assert_int_equal(form_set_number(f, e, "2.0e1"), 0);
	expect_json(f, "{\"experience_years\":2.0e1}");
	assert_string_equal(form_error(f), "");
	assert_int_equal(form_set_number(f, e, "-3"), 0);
	ms_report *r = form_validate(f, NULL);
	assert_string_equal(ms_report_first_error(r)->text,
	                    "experience_years: must be an integer \u2265 0");
	ms_report_free(r);
	/* same value, different text: not dirty */
	assert_int_equal(form_set_number(f, e, "15.0"), 0);
	assert_false(form_dirty(f));
	assert_int_equal(form_set_number(f, (size_t)field(f, "active"), "1"), -1);
	form_free(f);
	metaschema_free(s);
}

static void test_text_date_enum(void **state)
{
	(void)state;
	metaschema *s = schema("clients");
	form *f = form_of(s, "{\"start_date\":\"2025-01-15\"}");
	size_t d = (size_t)field(f, "start_date");
	assert_int_equal(form_set_text(f, d, "2025-02-30"), -1);
	assert_string_equal(form_error(f), "start_date: must be a date (YYYY-MM-DD)");
	assert_int_equal(form_set_text(f, d, "2024-02-29"), 0);
	expect_json(f, "{\"start_date\":\"2024-02-29\"}");
	/* clearing a date removes the key */
	assert_int_equal(form_set_text(f, d, ""), 0);
	expect_json(f, "{}");
	size_t dep = (size_t)field(f, "department");
	assert_int_equal(form_set_text(f, dep, "Product \"R&D\" \xe2\x9c\x93"), 0);
	expect_json(f, "{\"department\":\"Product \\\"R&D\\\" \xe2\x9c\x93\"}");
	/* the text widget accepts anything; validation reports formats */
	size_t tz = (size_t)field(f, "timezone");
	assert_int_equal(form_set_text(f, tz, "Nowhere"), 0);
	ms_report *r = form_validate(f, NULL);
	assert_string_equal(ms_report_first_error(r)->text,
	                    "timezone: must be an IANA time zone (e.g. America/New_York)");
	ms_report_free(r);
	form_free(f);
	metaschema_free(s);

	s = schema("client_organizations");
	f = form_of(s, "{}");
	size_t sz = (size_t)field(f, "size");
	assert_int_equal(form_set_enum(f, sz, 2), 0);
	expect_json(f, "{\"size\":\"enterprise\"}");
	assert_int_equal(form_set_enum(f, sz, 3), -1);
	assert_string_equal(form_error(f), "size: no such choice");
	assert_int_equal(form_set_text(f, sz, "huge"), -1);
	assert_string_equal(form_error(f), "size: must be one of: startup, mid-market, enterprise");
	assert_int_equal(form_set_text(f, sz, "startup"), 0);
	expect_json(f, "{\"size\":\"startup\"}");
	form_free(f);
	metaschema_free(s);
}

static void test_list(void **state)
{
	(void)state;
	metaschema *s = schema("coaches");
	form *f = form_of(s, "{\"specializations\":[\"a\",\"b\"]}");
	size_t l = (size_t)field(f, "specializations");
	assert_int_equal(form_list_insert(f, l, 2, "c"), 0);
	assert_int_equal(form_list_insert(f, l, 0, "z"), 0);
	expect_json(f, "{\"specializations\":[\"z\",\"a\",\"b\",\"c\"]}");
	assert_int_equal(form_list_set(f, l, 1, "A"), 0);
	assert_int_equal(form_list_move(f, l, 0, +1), 0);
	expect_json(f, "{\"specializations\":[\"A\",\"z\",\"b\",\"c\"]}");
	assert_int_equal(form_list_move(f, l, 3, -1), 0);
	expect_json(f, "{\"specializations\":[\"A\",\"z\",\"c\",\"b\"]}");
	assert_int_equal(form_list_move(f, l, 0, -1), -1);
	assert_string_equal(form_error(f), "specializations: cannot move item 1 there");
	assert_int_equal(form_list_move(f, l, 3, +1), -1);
	assert_int_equal(form_list_delete(f, l, 1), 0);
	expect_json(f, "{\"specializations\":[\"A\",\"c\",\"b\"]}");
	assert_int_equal(form_list_delete(f, l, 3), -1);
	assert_string_equal(form_error(f), "specializations: no item 4");
	assert_int_equal(form_list_set(f, l, 5, "x"), -1);
	assert_int_equal(form_list_insert(f, l, 5, "x"), -1);
	assert_int_equal(form_list_len(f, l), 3);
	assert_string_equal(form_list_item(f, l, 2), "b");
	assert_null(form_list_item(f, l, 3));
	char *d = form_display(f, l);
	assert_string_equal(d, "A, c, b");
	free(d);
	/* an absent list is created by the first insert, and only then */
	size_t c = (size_t)field(f, "certifications");
	assert_int_equal(form_list_delete(f, c, 0), -1);
	assert_int_equal(form_list_insert(f, c, 1, "x"), -1);
	assert_null(form_value(f, c));
	assert_int_equal(form_list_insert(f, c, 0, "ICF-PCC"), 0);
	expect_json(f,
	            "{\"specializations\":[\"A\",\"c\",\"b\"],\"certifications\":[\"ICF-PCC\"]}");
	assert_int_equal(form_list_insert(f, (size_t)field(f, "active"), 0, "x"), -1);
	form_free(f);
	metaschema_free(s);
}

static void test_unknown_add_remove(void **state)
{
	(void)state;
	metaschema *s = schema("coaches");
	form *f = form_of(s, "{\"b_key\":1.10,\"timezone\":\"UTC\",\"a_key\":{\"x\":[true]}}");
	size_t b = (size_t)field(f, "b_key");
	/* raw edit with a parse error: nothing changes, line and column given */
	form_perr e;
	assert_int_equal(form_set_raw(f, b, "[1,\n 2,,]", &e), -1);
	assert_int_equal(e.line, 2);
	assert_int_equal(e.col, 4);
	assert_string_equal(
	    form_error(f),
	    "b_key: invalid JSON at line 2, column 4: unexpected ',' (expected a JSON value)");
	assert_false(form_dirty(f));
	assert_int_equal(form_set_raw(f, b, " {\"k\": 2.50} ", &e), 0);
	expect_json(f, "{\"b_key\":{\"k\":2.50},\"timezone\":\"UTC\",\"a_key\":{\"x\":[true]}}");
	/* add keys: snake_case, not duplicated; schema keys get their widget */
	assert_int_equal(form_add_key(f, "NewKey", "1", NULL), -1);
	assert_string_equal(form_error(f),
	                    "NewKey: key must be snake_case (lowercase letters, digits, _)");
	assert_int_equal(form_add_key(f, "", "1", NULL), -1);
	assert_string_equal(form_error(f),
	                    "(empty): key must be snake_case (lowercase letters, digits, _)");
	assert_int_equal(form_add_key(f, "a_key", "1", NULL), -1);
	assert_string_equal(form_error(f), "a_key: key already exists");
	assert_int_equal(form_add_key(f, "c_key", "[1,", &e), -1);
	assert_int_equal(e.col, 4);
	long c = form_add_key(f, "c_key", "[1, 2e5]", NULL);
	assert_true(c >= 0);
	assert_string_equal(form_field_at(f, (size_t)c)->key, "c_key");
	assert_int_equal(form_field_at(f, (size_t)c)->widget, FORM_RAW);
	long ey = form_add_key(f, "experience_years", NULL, NULL);
	assert_int_equal(ey, field(f, "experience_years"));
	assert_int_equal(form_field_at(f, (size_t)ey)->widget, FORM_NUMBER);
	long act = form_add_key(f, "active", NULL, NULL);
	assert_true(act >= 0);
	expect_json(f, "{\"b_key\":{\"k\":2.50},\"timezone\":\"UTC\",\"a_key\":{\"x\":[true]},"
	               "\"c_key\":[1,2e5],\"experience_years\":0,\"active\":true}");
	/* remove: unknown keys leave the list, schema fields stay (empty) */
	size_t n = form_nfields(f);
	assert_int_equal(form_unset(f, (size_t)field(f, "a_key")), 0);
	assert_int_equal(form_nfields(f), n - 1);
	assert_int_equal(form_find(f, "a_key"), -1);
	assert_int_equal(form_unset(f, (size_t)field(f, "timezone")), 0);
	assert_int_equal(form_nfields(f), n - 1);
	assert_null(form_value(f, (size_t)field(f, "timezone")));
	expect_json(f, "{\"b_key\":{\"k\":2.50},\"c_key\":[1,2e5],\"experience_years\":0,"
	               "\"active\":true}");
	assert_int_equal(form_unset(f, 99), -1);
	/* form_set_value copies */
	form_json *v = form_json_string("v");
	assert_int_equal(form_set_value(f, (size_t)field(f, "b_key"), v), 0);
	form_json_free(v);
	assert_int_equal(form_set_value(f, 99, NULL), -1);
	expect_json(f,
	            "{\"b_key\":\"v\",\"c_key\":[1,2e5],\"experience_years\":0,\"active\":true}");
	form_free(f);
	metaschema_free(s);
}

static void test_nested_object(void **state)
{
	(void)state;
	metaschema *s = metaschema_parse(
	    "{\"type\":\"object\",\"properties\":{\"address\":{\"type\":\"object\","
	    "\"properties\":{\"city\":{\"type\":\"string\"},\"zip\":{\"type\":\"integer\"}}}}}",
	    NULL);
	form *f = form_of(s, "{\"address\":{\"zip\":75001,\"extra\":1.0},\"k\":2}");
	size_t a = (size_t)field(f, "address");
	assert_int_equal(form_field_at(f, a)->widget, FORM_OBJECT);
	form *sub = form_open_object(f, a);
	assert_non_null(sub);
	assert_string_equal(form_field_at(sub, 0)->key, "city");
	assert_string_equal(form_field_at(sub, 2)->key, "extra");
	assert_int_equal(form_set_text(sub, 0, "Paris"), 0);
	assert_int_equal(form_close_object(f, a, sub), 0);
	expect_json(f, "{\"address\":{\"zip\":75001,\"extra\":1.0,\"city\":\"Paris\"},\"k\":2}");
	/* an untouched sub-form changes nothing */
	sub = form_open_object(f, a);
	assert_int_equal(form_close_object(f, a, sub), 0);
	assert_null(form_open_object(f, (size_t)field(f, "k")));
	form_free(f);
	/* absent object opens empty */
	f = form_of(s, "{}");
	sub = form_open_object(f, 0);
	assert_int_equal(form_set_number(sub, 1, "7"), 0);
	assert_int_equal(form_close_object(f, 0, sub), 0);
	expect_json(f, "{\"address\":{\"zip\":7}}");
	form_free(f);
	metaschema_free(s);
}

static void test_replace_json(void **state)
{
	(void)state;
	metaschema *s = schema("coaches");
	form *f = form_of(s, "{\"active\":true,\"x\":1}");
	const char *typed = "{\n  \"active\": false,\n  \"y\": [1, 2\n}";
	form_perr e;
	assert_int_equal(form_replace_json(f, typed, strlen(typed), &e), -1);
	assert_int_equal(e.line, 4);
	assert_int_equal(e.col, 1);
	assert_string_equal(form_error(f),
	                    "invalid JSON at line 4, column 1: expected ',' or ']', found '}'");
	expect_json(f, "{\"active\":true,\"x\":1}");
	assert_int_equal(form_replace_json(f, "[]", 2, &e), -1);
	assert_string_equal(e.msg, "metadata must be a JSON object ({...})");
	const char *good = "{\"y\": [1, 2], \"active\": false}";
	assert_int_equal(form_replace_json(f, good, strlen(good), &e), 0);
	expect_json(f, "{\"y\":[1,2],\"active\":false}");
	assert_int_equal(form_find(f, "x"), -1);
	assert_true(form_find(f, "y") > 0);
	assert_true(form_dirty(f));
	/* diff against the original */
	form_diff *d = form_diff_new(form_original(f), form_doc(f));
	assert_int_equal(d->n, 3);
	assert_string_equal(d->v[0].key, "y");
	assert_int_equal(d->v[0].change, FORM_ADDED);
	assert_null(d->v[0].before);
	assert_string_equal(d->v[0].after, "[1,2]");
	assert_string_equal(d->v[1].key, "active");
	assert_int_equal(d->v[1].change, FORM_CHANGED);
	assert_string_equal(d->v[1].before, "true");
	assert_string_equal(d->v[1].after, "false");
	assert_string_equal(d->v[2].key, "x");
	assert_int_equal(d->v[2].change, FORM_REMOVED);
	assert_string_equal(d->v[2].before, "1");
	assert_null(d->v[2].after);
	form_diff_free(d);
	form_mark_saved(f);
	assert_false(form_dirty(f));
	d = form_diff_new(form_original(f), form_doc(f));
	assert_int_equal(d->n, 0);
	form_diff_free(d);
	/* rebase: new original and document, fields rebuilt */
	form_json *o = form_json_parse("{\"q\":1}", 7, &e),
	          *c = form_json_parse("{\"q\":2}", 7, &e);
	form_rebase(f, o, c);
	expect_json(f, "{\"q\":2}");
	assert_true(form_dirty(f));
	assert_true(form_find(f, "q") >= 0);
	assert_int_equal(form_find(f, "y"), -1);
	form_json_free(o);
	form_json_free(c);
	form_free(f);
	metaschema_free(s);
}

static form_json *pj(const char *t)
{
	form_perr e;
	form_json *v = form_json_parse(t, strlen(t), &e);
	assert_non_null(v);
	return v;
}

static void test_merge3(void **state)
{
	(void)state;
	form_json *base = pj("{\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1}");
	form_json *mine = pj("{\"a\":1,\"b\":2,\"c\":1,\"d\":3,\"e\":5,\"m\":true}");
	form_json *theirs = pj("{\"t\":0,\"a\":1,\"b\":1,\"c\":9,\"d\":4,\"e\":5}");
	form_merge *m = form_merge_new(base, mine, theirs);
	struct {
		const char *key;
		form_merge_state st;
		form_pick pick;
	} want[] = {
	    {"t", FORM_M_THEIRS, FORM_PICK_THEIRS}, {"a", FORM_M_SAME, FORM_PICK_MINE},
	    {"b", FORM_M_MINE, FORM_PICK_MINE},     {"c", FORM_M_THEIRS, FORM_PICK_THEIRS},
	    {"d", FORM_M_CONFLICT, FORM_PICK_MINE}, {"e", FORM_M_BOTH, FORM_PICK_MINE},
	    {"m", FORM_M_MINE, FORM_PICK_MINE},
	};
	assert_int_equal(m->n, 7);
	assert_int_equal(m->nconflicts, 1);
	for (size_t i = 0; i < 7; i++) {
		assert_string_equal(m->v[i].key, want[i].key);
		assert_int_equal(m->v[i].state, want[i].st);
		assert_int_equal(m->v[i].pick, want[i].pick);
	}
	assert_string_equal(m->v[4].base, "1");
	assert_string_equal(m->v[4].mine, "3");
	assert_string_equal(m->v[4].theirs, "4");
	assert_null(m->v[0].base);
	/* default merge: both sides' changes, mine on the conflict */
	form_json *r = form_merge_result(m, mine, theirs);
	char *t = form_json_print(r, 0);
	assert_string_equal(t, "{\"t\":0,\"a\":1,\"b\":2,\"c\":9,\"d\":3,\"e\":5,\"m\":true}");
	free(t);
	form_json_free(r);
	/* key by key: take theirs on the conflict */
	m->v[4].pick = FORM_PICK_THEIRS;
	r = form_merge_result(m, mine, theirs);
	t = form_json_print(r, 0);
	assert_string_equal(t, "{\"t\":0,\"a\":1,\"b\":2,\"c\":9,\"d\":4,\"e\":5,\"m\":true}");
	free(t);
	form_json_free(r);
	/* keep mine entirely / take theirs entirely */
	form_merge_pick_all(m, FORM_PICK_MINE);
	r = form_merge_result(m, mine, theirs);
	assert_true(form_json_equal(r, mine));
	form_json_free(r);
	form_merge_pick_all(m, FORM_PICK_THEIRS);
	r = form_merge_result(m, mine, theirs);
	assert_true(form_json_equal(r, theirs));
	form_json_free(r);
	form_merge_free(m);
	/* a key deleted by them and changed by me is a conflict */
	form_json *th2 = pj("{\"a\":1,\"c\":1,\"d\":1,\"e\":1}");
	m = form_merge_new(base, mine, th2);
	bool found = false;
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].key, "b") == 0) {
			assert_int_equal(m->v[i].state, FORM_M_CONFLICT);
			assert_null(m->v[i].theirs);
			found = true;
		}
	assert_true(found);
	form_merge_free(m);
	form_json_free(th2);
	form_json_free(base);
	form_json_free(mine);
	form_json_free(theirs);
}

static void test_json_helpers(void **state)
{
	(void)state;
	assert_true(form_is_number_text("0"));
	assert_true(form_is_number_text("-12.5e-3"));
	assert_false(form_is_number_text("12 "));
	assert_false(form_is_number_text(NULL));
	form_json *a = pj("{\"x\":[1,{\"y\":null}],\"z\":\"s\"}");
	form_json *b = pj("{\"z\":\"s\",\"x\":[1.0,{\"y\":null}]}");
	assert_true(form_json_equal(a, b));
	form_json *c = pj("{\"z\":\"s\",\"x\":[1.0,{\"y\":false}]}");
	assert_false(form_json_equal(a, c));
	/* cJSON bridge */
	cJSON *cj = form_json_to_cjson(a);
	form_json *back = form_json_from_cjson(cj);
	assert_true(form_json_equal(a, back));
	cJSON_Delete(cj);
	form_json_free(back);
	form *f = form_new_cjson(NULL, NULL);
	expect_json(f, "{}");
	form_free(f);
	cj = cJSON_Parse("{\"k\":[1.5,true,null,\"s\"]}");
	f = form_new_cjson(NULL, cj);
	expect_json(f, "{\"k\":[1.5,true,null,\"s\"]}");
	form_free(f);
	cJSON_Delete(cj);
	/* printing escapes control characters */
	form_json *s = form_json_string("a\x01\x7f"
	                                "b\r\b\f");
	char *p = form_json_print(s, 0);
	assert_string_equal(p, "\"a\\u0001\\u007fb\\r\\b\\f\"");
	free(p);
	form_json_free(s);
	p = form_json_print(NULL, 0);
	assert_string_equal(p, "null");
	free(p);
	assert_false(form_json_remove(a, "nope"));
	assert_true(form_json_remove(a, "x"));
	assert_null(form_json_get(a, "x"));
	form_json_free(a);
	form_json_free(b);
	form_json_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip_preserves_text),
	    cmocka_unit_test(test_pretty_print),
	    cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_hostile_json),
	    cmocka_unit_test(test_field_order_and_widgets),
	    cmocka_unit_test(test_toggle),
	    cmocka_unit_test(test_number),
	    cmocka_unit_test(test_text_date_enum),
	    cmocka_unit_test(test_list),
	    cmocka_unit_test(test_unknown_add_remove),
	    cmocka_unit_test(test_nested_object),
	    cmocka_unit_test(test_replace_json),
	    cmocka_unit_test(test_merge3),
	    cmocka_unit_test(test_json_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
