/* Entity kinds: table names, labels, parsing; uuid checks with libuuid. */
#include <string.h>
#include <strings.h>
#include <uuid/uuid.h>

#include "db/internal.h"

static const struct kind_names {
	const char *table;
	const char *label;
	const char *alias[4];
} kinds[DB_KIND_COUNT] = {
    [DB_NONE] = {"", "", {NULL}},
    [DB_COMPANY] = {"coaching_companies", "company", {"companies", "coaching_company", "comp", NULL}},
    [DB_COACH] = {"coaches", "coach", {NULL}},
    [DB_ORG] = {"client_organizations", "organization",
                {"org", "orgs", "organizations", "client_organization"}},
    [DB_CLIENT] = {"clients", "client", {NULL}},
    [DB_MODEL] = {"coaching_models", "coaching model", {"model", "models", "coaching_model", NULL}},
    [DB_ITEM] = {"data_items", "data item", {"item", "items", "data_item", NULL}},
};

const char *const dbi_columns[DB_KIND_COUNT][DBI_MAXCOLS] = {
    [DB_COMPANY] = {"name", "slug", NULL},
    [DB_COACH] = {"coaching_company_id", "email", "name", "bio", NULL},
    [DB_ORG] = {"name", "slug", "industry", NULL},
    [DB_CLIENT] = {"client_organization_id", "primary_coach_id", "email", "name", "title", NULL},
    [DB_MODEL] = {"coaching_company_id", "name", "slug", "description", "content", NULL},
    [DB_ITEM] = {"data_type", "coach_id", "client_id", "client_organization_id",
                 "visibility_level", "raw_content", NULL},
};

const char *db_kind_table(db_kind k)
{
	return k > DB_NONE && k < DB_KIND_COUNT ? kinds[k].table : "";
}

const char *db_kind_label(db_kind k)
{
	return k > DB_NONE && k < DB_KIND_COUNT ? kinds[k].label : "";
}

/* True when s names kind k: table, label, label + "s", or an alias. */
static bool names_kind(const char *s, db_kind k)
{
	const struct kind_names *n = &kinds[k];
	size_t ll = strlen(n->label);
	if (strcasecmp(s, n->table) == 0 || strcasecmp(s, n->label) == 0)
		return true;
	if (strncasecmp(s, n->label, ll) == 0 && strcasecmp(s + ll, "s") == 0)
		return true;
	for (int i = 0; i < 4 && n->alias[i]; i++)
		if (strcasecmp(s, n->alias[i]) == 0)
			return true;
	return false;
}

db_kind db_kind_parse(const char *s)
{
	if (!s || !*s)
		return DB_NONE;
	for (int k = DB_NONE + 1; k < DB_KIND_COUNT; k++)
		if (names_kind(s, (db_kind)k))
			return (db_kind)k;
	return DB_NONE;
}

bool db_is_uuid(const char *s)
{
	uuid_t u;
	if (!s || strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash != (s[i] == '-'))
			return false;
	}
	return uuid_parse(s, u) == 0;
}
