/* Unit tests for src/core/metaschema.c: schema parsing, built-in schemas,
 * every type, format and rule, the exact error messages, limits. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rapport/metaschema.h"
/* clang-format on */

/* Validates JSON text against a table's built-in schema. */
static ms_report *check(const char *table, const char *json)
{
	char *err = NULL;
	metaschema *s = metaschema_for_table(table, NULL, &err);
	assert_non_null(s);
	cJSON *doc = cJSON_Parse(json);
	assert_non_null(doc);
	ms_report *r = metaschema_validate(s, doc, NULL);
	cJSON_Delete(doc);
	metaschema_free(s);
	return r;
}

/* Asserts the report has exactly one error, with this text. */
static void expect_error(const char *table, const char *json, const char *text)
{
	ms_report *r = check(table, json);
	const ms_issue *e = ms_report_first_error(r);
	if (!e || strcmp(e->text, text) != 0 || r->nerrors != 1)
		fail_msg("%s %s: expected \"%s\", got \"%s\" (%zu errors)", table, json, text,
		         e ? e->text : "(none)", r->nerrors);
	ms_report_free(r);
}

static void expect_ok(const char *table, const char *json)
{
	ms_report *r = check(table, json);
	const ms_issue *e = ms_report_first_error(r);
	if (e)
		fail_msg("%s %s: unexpected error \"%s\"", table, json, e->text);
	ms_report_free(r);
}

static void test_builtins_parse(void **state)
{
	(void)state;
	size_t n = 0;
	for (const char *const *t = metaschema_tables; *t; t++, n++) {
		char *err = NULL;
		metaschema *s = metaschema_parse(metaschema_builtin_text(*t), &err);
		if (!s)
			fail_msg("%s: %s", *t, err);
		assert_int_equal(s->type, MS_OBJECT);
		const metaschema *cb = metaschema_prop(s, "created_by_user_id");
		assert_non_null(cb);
		assert_int_equal(cb->type, MS_STRING);
		metaschema_free(s);
	}
	assert_int_equal(n, 6);
	assert_null(metaschema_builtin_text("data_chunks"));
	assert_null(metaschema_builtin_text(NULL));
}

static void test_builtin_contents(void **state)
{
	(void)state;
	metaschema *s = metaschema_for_table("coaches", NULL, NULL);
	const metaschema *a = metaschema_prop(s, "active");
	assert_int_equal(a->type, MS_BOOLEAN);
	assert_true(cJSON_IsTrue(a->default_value));
	const metaschema *e = metaschema_prop(s, "experience_years");
	assert_int_equal(e->type, MS_INTEGER);
	assert_true(e->has_minimum);
	assert_true(e->minimum == 0);
	assert_false(e->has_maximum);
	const metaschema *sp = metaschema_prop(s, "specializations");
	assert_int_equal(sp->type, MS_ARRAY);
	assert_int_equal(sp->items->type, MS_STRING);
	assert_int_equal(metaschema_prop(s, "timezone")->format, MS_FMT_TIMEZONE);
	assert_non_null(metaschema_prop(s, "certifications"));
	/* schema order is kept */
	assert_string_equal(s->prop_names[0], "active");
	assert_string_equal(s->prop_names[1], "experience_years");
	metaschema_free(s);

	s = metaschema_for_table("client_organizations", NULL, NULL);
	const metaschema *size = metaschema_prop(s, "size");
	assert_int_equal(cJSON_GetArraySize(size->enum_values), 3);
	assert_int_equal(metaschema_prop(s, "website")->format, MS_FMT_URI);
	assert_int_equal(metaschema_prop(s, "employee_count")->type, MS_INTEGER);
	assert_non_null(metaschema_prop(s, "headquarters"));
	metaschema_free(s);

	s = metaschema_for_table("coaching_companies", NULL, NULL);
	assert_int_equal(metaschema_prop(s, "contact_email")->format, MS_FMT_EMAIL);
	assert_int_equal(metaschema_prop(s, "logo_url")->format, MS_FMT_URI);
	metaschema_free(s);

	s = metaschema_for_table("clients", NULL, NULL);
	assert_int_equal(metaschema_prop(s, "start_date")->format, MS_FMT_DATE);
	assert_int_equal(metaschema_prop(s, "goals")->type, MS_ARRAY);
	assert_non_null(metaschema_prop(s, "department"));
	metaschema_free(s);

	s = metaschema_for_table("coaching_models", NULL, NULL);
	assert_non_null(metaschema_prop(s, "version"));
	assert_non_null(metaschema_prop(s, "model_type"));
	assert_non_null(metaschema_prop(s, "author"));
	assert_non_null(metaschema_prop(s, "tags"));
	metaschema_free(s);

	s = metaschema_for_table("data_items", NULL, NULL);
	assert_int_equal(metaschema_prop(s, "session_date")->format, MS_FMT_DATE);
	assert_non_null(metaschema_prop(s, "title"));
	metaschema_free(s);
}

static void test_spec_examples_valid(void **state)
{
	(void)state;
	expect_ok("coaching_companies", "{\"website\":\"https://insideoutdev.com\",\"active\":true,"
	                                "\"logo_url\":\"https://cdn.example.com/logo.png\","
	                                "\"contact_email\":\"info@insideoutdev.com\"}");
	expect_ok("coaches", "{\"active\":true,\"experience_years\":15,"
	                     "\"specializations\":[\"C-suite\",\"organizational transformation\"],"
	                     "\"certifications\":[\"ICF-PCC\",\"DISC\"],"
	                     "\"timezone\":\"America/Los_Angeles\"}");
	expect_ok("client_organizations",
	          "{\"size\":\"mid-market\",\"active\":true,\"employee_count\":250,"
	          "\"headquarters\":\"San Francisco, CA\",\"website\":\"https://acmemedia.com\"}");
	expect_ok("clients", "{\"department\":\"Product\",\"active\":true,"
	                     "\"start_date\":\"2025-01-15\",\"goals\":[\"leadership presence\","
	                     "\"strategic thinking\"],\"timezone\":\"America/New_York\"}");
	expect_ok("coaching_models",
	          "{\"version\":\"2.0\",\"model_type\":\"framework\","
	          "\"active\":true,\"author\":\"InsideOut Leadership\","
	          "\"tags\":[\"leadership\",\"adaptive\",\"systems-thinking\"]}");
	expect_ok("coaches", "{}");
	expect_ok("coaches", "{\"experience_years\": 15.0}");
}

static void test_type_messages(void **state)
{
	(void)state;
	expect_error("coaches", "{\"experience_years\":\"15\"}",
	             "experience_years: must be an integer \u2265 0");
	expect_error("coaches", "{\"experience_years\":-1}",
	             "experience_years: must be an integer \u2265 0");
	expect_error("coaches", "{\"experience_years\":2.5}",
	             "experience_years: must be an integer \u2265 0");
	expect_error("coaches", "{\"active\":\"yes\"}", "active: must be true or false");
	expect_error("coaches", "{\"specializations\":\"C-suite\"}",
	             "specializations: must be a list of strings");
	expect_error("coaches", "{\"specializations\":[\"a\",7]}",
	             "specializations[1]: must be a string");
	expect_error("clients", "{\"department\":42}", "department: must be a string");
	expect_error("coaches", "[]", "metadata: must be an object");
	expect_error("client_organizations", "{\"size\":\"huge\"}",
	             "size: must be one of: startup, mid-market, enterprise");
	expect_error("client_organizations", "{\"size\":3}",
	             "size: must be one of: startup, mid-market, enterprise");
	expect_error("client_organizations", "{\"employee_count\":1e400}",
	             "employee_count: number out of range");
	expect_error("client_organizations", "{\"employee_count\":1e300}",
	             "employee_count: integer out of range (beyond \u00b12^53)");
}

static void test_format_messages(void **state)
{
	(void)state;
	expect_error("clients", "{\"start_date\":\"2025-02-30\"}",
	             "start_date: must be a date (YYYY-MM-DD)");
	expect_error("clients", "{\"start_date\":\"15/01/2025\"}",
	             "start_date: must be a date (YYYY-MM-DD)");
	expect_error("coaching_companies", "{\"contact_email\":\"not-an-email\"}",
	             "contact_email: must be an email address (name@example.com)");
	expect_error("coaching_companies", "{\"website\":\"insideoutdev.com\"}",
	             "website: must be a URI (https://...)");
	expect_error("coaching_companies", "{\"logo_url\":\"https://\"}",
	             "logo_url: must be a URI (https://...)");
	expect_error("coaches", "{\"timezone\":\"Mars/Olympus_Mons\"}",
	             "timezone: must be an IANA time zone (e.g. America/New_York)");
	expect_error("coaches", "{\"timezone\":\"america/new york\"}",
	             "timezone: must be an IANA time zone (e.g. America/New_York)");
	expect_ok("coaches", "{\"timezone\":\"Etc/GMT+5\"}");
	expect_ok("coaches", "{\"timezone\":\"UTC\"}");
}

static void test_format_checks(void **state)
{
	(void)state;
	assert_true(ms_is_date("2024-02-29"));
	assert_false(ms_is_date("2023-02-29"));
	assert_false(ms_is_date("1900-02-29"));
	assert_true(ms_is_date("2000-02-29"));
	assert_false(ms_is_date("2025-13-01"));
	assert_false(ms_is_date("2025-01-15x"));
	assert_false(ms_is_date("2025-1-15"));
	assert_false(ms_is_date(""));
	assert_true(ms_is_datetime("2025-01-15T09:30:00Z"));
	assert_true(ms_is_datetime("2025-01-15T09:30:00.123+02:00"));
	assert_true(ms_is_datetime("2025-01-15 09:30"));
	assert_false(ms_is_datetime("2025-01-15T25:00:00Z"));
	assert_false(ms_is_datetime("2025-01-15"));
	assert_false(ms_is_datetime("2025-01-15T09:30:00+2"));
	assert_true(ms_is_email("info@insideoutdev.com"));
	assert_false(ms_is_email("a@b"));
	assert_false(ms_is_email("@b.com"));
	assert_false(ms_is_email("a b@c.com"));
	assert_false(ms_is_email("a@b@c.com"));
	assert_false(ms_is_email("a@b..com"));
	assert_true(ms_is_uri("https://x.io/a?b=c"));
	assert_true(ms_is_uri("mailto:a@b.com"));
	assert_false(ms_is_uri("http:/x"));
	assert_false(ms_is_uri("https://x y"));
	assert_false(ms_is_uri("://x"));
	assert_true(ms_is_timezone_syntax("America/Argentina/Buenos_Aires"));
	assert_true(ms_is_timezone_syntax("Etc/GMT-14"));
	assert_false(ms_is_timezone_syntax("America/../etc/passwd"));
	assert_false(ms_is_timezone_syntax("/etc/passwd"));
	assert_false(ms_is_timezone_syntax("America//New_York"));
	assert_false(ms_is_timezone_syntax("A/B/C/D"));
	assert_true(ms_timezone_known("Europe/Paris"));
	assert_false(ms_timezone_known("Europe/Atlantis"));
	assert_false(ms_timezone_known("Etc/GMT+15"));
	assert_true(ms_is_snake_case("experience_years"));
	assert_true(ms_is_snake_case("v2"));
	assert_false(ms_is_snake_case("ExperienceYears"));
	assert_false(ms_is_snake_case("experience__years"));
	assert_false(ms_is_snake_case("_x"));
	assert_false(ms_is_snake_case("x_"));
	assert_false(ms_is_snake_case("2x"));
	assert_false(ms_is_snake_case("a-b"));
	assert_false(ms_is_snake_case(""));
}

/* Zone checker standing in for /usr/share/zoneinfo: knows one zone. */
static bool only_atlantis(const char *zone, void *ctx)
{
	(*(int *)ctx)++;
	return strcmp(zone, "Europe/Atlantis") == 0;
}

static void test_zone_callback(void **state)
{
	(void)state;
	metaschema *s = metaschema_for_table("coaches", NULL, NULL);
	int calls = 0;
	ms_opts o = {.zone_check = only_atlantis, .zone_ctx = &calls};
	cJSON *doc = cJSON_Parse("{\"timezone\":\"Europe/Atlantis\"}");
	ms_report *r = metaschema_validate(s, doc, &o);
	assert_int_equal(r->nerrors, 0);
	assert_int_equal(calls, 1);
	ms_report_free(r);
	cJSON_Delete(doc);
	doc = cJSON_Parse("{\"timezone\":\"Europe/Paris\"}");
	r = metaschema_validate(s, doc, &o);
	assert_int_equal(r->nerrors, 1);
	ms_report_free(r);
	cJSON_Delete(doc);
	/* syntax is checked before the callback is asked */
	doc = cJSON_Parse("{\"timezone\":\"../../etc/passwd\"}");
	r = metaschema_validate(s, doc, &o);
	assert_int_equal(r->nerrors, 1);
	assert_int_equal(calls, 2);
	ms_report_free(r);
	cJSON_Delete(doc);
	metaschema_free(s);
}

static void test_unknown_and_snake(void **state)
{
	(void)state;
	ms_report *r = check("coaches", "{\"favourite_colour\":\"blue\",\"HomeTown\":\"Oslo\"}");
	assert_int_equal(r->nerrors, 0);
	assert_int_equal(r->nunknown, 2);
	assert_int_equal(r->nwarnings, 1);
	bool saw_warning = false;
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].severity == MS_WARNING) {
			assert_string_equal(r->v[i].text, "HomeTown: key should be snake_case");
			saw_warning = true;
		} else {
			assert_int_equal(r->v[i].severity, MS_UNKNOWN);
			assert_string_equal(r->v[i].rule, "not in the schema (kept as is)");
		}
	assert_true(saw_warning);
	assert_null(ms_report_first_error(r));
	ms_report_free(r);
}

static void test_custom_schema_rules(void **state)
{
	(void)state;
	const char *schema =
	    "{\"type\":\"object\",\"required\":[\"name\"],\"properties\":{"
	    "\"name\":{\"type\":\"string\",\"description\":\"who\"},"
	    "\"score\":{\"type\":\"number\",\"minimum\":0,\"maximum\":10},"
	    "\"level\":{\"type\":\"integer\",\"maximum\":5},"
	    "\"ratio\":{\"type\":\"number\"},"
	    "\"when\":{\"type\":\"string\",\"format\":\"date-time\"},"
	    "\"address\":{\"type\":\"object\",\"required\":[\"city\"],\"properties\":{"
	    "  \"city\":{\"type\":\"string\"},\"zip\":{\"type\":\"integer\",\"minimum\":1}}},"
	    "\"anything\":{},"
	    "\"codes\":{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"enum\":[1,2,3]}}}}";
	char *err = NULL;
	metaschema *s = metaschema_parse(schema, &err);
	assert_non_null(s);
	assert_string_equal(metaschema_prop(s, "name")->description, "who");
	assert_true(metaschema_is_required(s, "name"));
	assert_false(metaschema_is_required(s, "score"));
	struct {
		const char *doc, *text;
	} cases[] = {
	    {"{}", "name: is required"},
	    {"{\"name\":\"a\",\"score\":11}", "score: must be a number between 0 and 10"},
	    {"{\"name\":\"a\",\"score\":true}", "score: must be a number between 0 and 10"},
	    {"{\"name\":\"a\",\"level\":6}", "level: must be an integer \u2264 5"},
	    {"{\"name\":\"a\",\"ratio\":\"x\"}", "ratio: must be a number"},
	    {"{\"name\":\"a\",\"ratio\":1e999}", "ratio: number out of range"},
	    {"{\"name\":\"a\",\"when\":\"yesterday\"}",
	     "when: must be a date-time (YYYY-MM-DDThh:mm:ssZ)"},
	    {"{\"name\":\"a\",\"address\":{}}", "address.city: is required"},
	    {"{\"name\":\"a\",\"address\":[]}", "address: must be an object"},
	    {"{\"name\":\"a\",\"address\":{\"city\":\"x\",\"zip\":0}}",
	     "address.zip: must be an integer \u2265 1"},
	    {"{\"name\":\"a\",\"codes\":[1,4]}", "codes[1]: must be one of: 1, 2, 3"},
	    {"{\"name\":\"a\",\"codes\":{}}", "codes: must be an array"},
	    {"{\"name\":\"a\",\"anything\":{\"x\":1e999}}", "anything.x: number out of range"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cJSON *doc = cJSON_Parse(cases[i].doc);
		ms_report *r = metaschema_validate(s, doc, NULL);
		const ms_issue *e = ms_report_first_error(r);
		if (!e || strcmp(e->text, cases[i].text) != 0)
			fail_msg("%s: expected \"%s\", got \"%s\"", cases[i].doc, cases[i].text,
			         e ? e->text : "(none)");
		ms_report_free(r);
		cJSON_Delete(doc);
	}
	cJSON *doc = cJSON_Parse("{\"name\":\"a\",\"anything\":[1,{\"b\":null}],\"when\":"
	                         "\"2025-01-15T10:00:00Z\",\"codes\":[3,1]}");
	ms_report *r = metaschema_validate(s, doc, NULL);
	assert_int_equal(r->nerrors, 0);
	ms_report_free(r);
	cJSON_Delete(doc);
	metaschema_free(s);
}

static void test_schema_parse_errors(void **state)
{
	(void)state;
	struct {
		const char *schema, *err;
	} cases[] = {
	    {"not json", "schema: not valid JSON"},
	    {"[]", "schema: a schema must be a JSON object"},
	    {"{\"type\":\"float\"}",
	     "schema: \"type\" must be object, string, integer, number, boolean or array"},
	    {"{\"type\":3}", "schema: \"type\" must be a string"},
	    {"{\"properties\":{\"a\":{\"format\":\"phone\"}}}",
	     "properties.a: \"format\" must be date, date-time, email, uri or timezone"},
	    {"{\"properties\":{\"a\":{\"format\":1}}}",
	     "properties.a: \"format\" must be a string"},
	    {"{\"properties\":{\"a\":{\"minimum\":\"0\"}}}",
	     "properties.a: \"minimum\" must be a number"},
	    {"{\"maximum\":null}", "schema: \"maximum\" must be a number"},
	    {"{\"properties\":[]}", "schema: \"properties\" must be an object"},
	    {"{\"required\":\"a\"}", "schema: \"required\" must be an array of key names"},
	    {"{\"required\":[1]}", "schema: \"required\" must be an array of key names"},
	    {"{\"enum\":[]}", "schema: \"enum\" must be a non-empty array"},
	    {"{\"items\":{\"items\":5}}", "items.items: a schema must be a JSON object"},
	    {"{\"description\":5}", "schema: \"description\" and \"title\" must be strings"},
	    {"{\"required\":[\"a\"],\"required\":[\"a\",\"b\"]}",
	     "schema: \"required\" appears twice"},
	    {"{\"properties\":{\"a\":{},\"a\":{}}}", "schema: property \"a\" appears twice"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *err = NULL;
		metaschema *s = metaschema_parse(cases[i].schema, &err);
		assert_null(s);
		if (!err || strcmp(err, cases[i].err) != 0)
			fail_msg("%s: expected \"%s\", got \"%s\"", cases[i].schema, cases[i].err,
			         err ? err : "(null)");
		free(err);
	}
	/* unknown keywords are ignored */
	metaschema *s = metaschema_parse("{\"$schema\":\"x\",\"x-ui\":1,\"title\":\"T\"}", NULL);
	assert_non_null(s);
	assert_string_equal(s->title, "T");
	assert_int_equal(s->type, MS_ANY);
	metaschema_free(s);
}

static void test_override(void **state)
{
	(void)state;
	char *err = NULL;
	/* replace: only the override's keys */
	metaschema *s = metaschema_for_table(
	    "coaches", "{\"type\":\"object\",\"properties\":{\"badge\":{\"type\":\"string\"}}}",
	    &err);
	assert_non_null(s);
	assert_int_equal(s->nprops, 1);
	assert_null(metaschema_prop(s, "experience_years"));
	metaschema_free(s);
	/* merge: built-in keys kept in order, one replaced, one added, required added */
	s = metaschema_for_table(
	    "coaches",
	    "{\"x-rapport-merge\":true,\"required\":[\"badge\"],\"properties\":{"
	    "\"experience_years\":{\"type\":\"integer\",\"minimum\":1},"
	    "\"badge\":{\"type\":\"string\"}}}",
	    &err);
	assert_non_null(s);
	assert_string_equal(s->prop_names[0], "active");
	assert_string_equal(s->prop_names[1], "experience_years");
	assert_true(metaschema_prop(s, "experience_years")->minimum == 1);
	assert_string_equal(s->prop_names[s->nprops - 1], "badge");
	assert_true(metaschema_is_required(s, "badge"));
	metaschema_free(s);
	/* order of properties given explicitly (jsonb sorts keys) */
	s = metaschema_parse("{\"x-rapport-order\":[\"city\",\"nope\",\"zip\"],\"properties\":"
	                     "{\"zip\":{},\"area\":{},\"city\":{}}}",
	                     &err);
	assert_non_null(s);
	assert_string_equal(s->prop_names[0], "city");
	assert_string_equal(s->prop_names[1], "zip");
	assert_string_equal(s->prop_names[2], "area");
	assert_non_null(metaschema_prop(s, "area"));
	metaschema_free(s);
	assert_null(metaschema_parse("{\"x-rapport-order\":\"city\"}", &err));
	assert_string_equal(err, "schema: \"x-rapport-order\" must be an array of property names");
	free(err);
	/* bad override: clear error */
	s = metaschema_for_table("coaches", "[1]", &err);
	assert_null(s);
	assert_string_equal(err, "schema override for coaches: not a JSON object");
	free(err);
	s = metaschema_for_table("coaches", "{\"properties\":{\"a\":{\"type\":\"date\"}}}", &err);
	assert_null(s);
	assert_non_null(strstr(err, "properties.a"));
	free(err);
	/* a table without a built-in schema accepts any object */
	s = metaschema_for_table("data_chunks", NULL, &err);
	assert_non_null(s);
	assert_int_equal(s->type, MS_OBJECT);
	metaschema_free(s);
}

static void test_describe(void **state)
{
	(void)state;
	metaschema *s = metaschema_for_table("coaches", NULL, NULL);
	char buf[128];
	metaschema_describe(metaschema_prop(s, "experience_years"), buf, sizeof buf);
	assert_string_equal(buf, "an integer \u2265 0");
	metaschema_describe(metaschema_prop(s, "active"), buf, sizeof buf);
	assert_string_equal(buf, "true or false");
	metaschema_describe(metaschema_prop(s, "certifications"), buf, sizeof buf);
	assert_string_equal(buf, "a list of strings");
	metaschema_describe(s, buf, sizeof buf);
	assert_string_equal(buf, "an object");
	char tiny[4];
	metaschema_describe(metaschema_prop(s, "experience_years"), tiny, sizeof tiny);
	assert_int_equal(strlen(tiny), 3);
	metaschema_describe(NULL, buf, sizeof buf);
	assert_string_equal(buf, "");
	metaschema_free(s);
}

/* Builds "[[[...1...]]]" with depth levels. */
static char *nested(int depth)
{
	char *t = malloc((size_t)depth * 2 + 2);
	for (int i = 0; i < depth; i++)
		t[i] = '[';
	t[depth] = '1';
	for (int i = 0; i < depth; i++)
		t[depth + 1 + i] = ']';
	t[2 * depth + 1] = '\0';
	return t;
}

static void test_hostile_limits(void **state)
{
	(void)state;
	metaschema *s = metaschema_for_table("coaches", NULL, NULL);
	/* 999 levels of nesting under an unknown key (cJSON refuses 1000+) */
	char *deep = nested(998);
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddItemToObject(doc, "deep", cJSON_Parse(deep));
	assert_non_null(cJSON_GetObjectItem(doc, "deep"));
	ms_report *r = metaschema_validate(s, doc, NULL);
	const ms_issue *e = ms_report_first_error(r);
	assert_non_null(e);
	assert_non_null(strstr(e->text, "nested deeper than 64 levels"));
	assert_int_equal(r->nerrors, 1);
	ms_report_free(r);
	cJSON_Delete(doc);
	free(deep);
	/* a 10,000-item list is fine, 10,001 is refused in words */
	for (int n = MS_MAX_ITEMS; n <= MS_MAX_ITEMS + 1; n++) {
		doc = cJSON_CreateObject();
		cJSON *arr = cJSON_AddArrayToObject(doc, "certifications");
		for (int i = 0; i < n; i++)
			cJSON_AddItemToArray(arr, cJSON_CreateString("ICF"));
		r = metaschema_validate(s, doc, NULL);
		if (n == MS_MAX_ITEMS) {
			assert_int_equal(r->nerrors, 0);
		} else {
			assert_int_equal(r->nerrors, 1);
			assert_string_equal(
			    ms_report_first_error(r)->text,
			    "certifications: too many items (10001; at most 10000)");
		}
		ms_report_free(r);
		cJSON_Delete(doc);
	}
	/* 10,000 wrong items: counted, but the report keeps a bounded number */
	doc = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(doc, "certifications");
	for (int i = 0; i < MS_MAX_ITEMS; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateNumber(i));
	r = metaschema_validate(s, doc, NULL);
	assert_int_equal(r->nerrors, MS_MAX_ITEMS);
	assert_int_equal(r->n, MS_MAX_ISSUES);
	assert_int_equal(r->dropped, MS_MAX_ITEMS - MS_MAX_ISSUES);
	ms_report_free(r);
	cJSON_Delete(doc);
	/* NULL document */
	r = metaschema_validate(s, NULL, NULL);
	assert_string_equal(ms_report_first_error(r)->text, "metadata: must be an object");
	ms_report_free(r);
	/* deeply nested schema is refused */
	char *sch = malloc(64 * 12 + 64);
	strcpy(sch, "");
	for (int i = 0; i < 70; i++)
		strcat(sch, "{\"items\":");
	strcat(sch, "{}");
	for (int i = 0; i < 70; i++)
		strcat(sch, "}");
	char *err = NULL;
	assert_null(metaschema_parse(sch, &err));
	assert_non_null(strstr(err, "schema nested too deeply"));
	free(err);
	free(sch);
	metaschema_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_builtins_parse),
	    cmocka_unit_test(test_builtin_contents),
	    cmocka_unit_test(test_spec_examples_valid),
	    cmocka_unit_test(test_type_messages),
	    cmocka_unit_test(test_format_messages),
	    cmocka_unit_test(test_format_checks),
	    cmocka_unit_test(test_zone_callback),
	    cmocka_unit_test(test_unknown_and_snake),
	    cmocka_unit_test(test_custom_schema_rules),
	    cmocka_unit_test(test_schema_parse_errors),
	    cmocka_unit_test(test_override),
	    cmocka_unit_test(test_describe),
	    cmocka_unit_test(test_hostile_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
