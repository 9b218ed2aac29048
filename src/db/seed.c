/* seed_demo and seed_is_empty: the deterministic demo data set (see
 * seed_demo_text.c, seed_topics.c, seed_docs.c) composed in memory, then
 * loaded with COPY in one transaction, every data item chunked (chunk_text)
 * and embedded with the built-in hash embedder at the catalog's dimension. */
#include "rapport/seed.h"

#include "db/seed_copy.h"
#include "rapport/chunk.h"
#include "rapport/embed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400LL

typedef struct demo_item {
	char id[37];
	const char *type, *visibility;
	int coach, client, org; /* indices, -1 none */
	seed_buf content, meta;
	int64_t ts;
} demo_item;

typedef struct demo {
	unsigned seed;
	char (*company)[37], (*coach)[37], (*org)[37], (*client)[37], (*model)[37];
	demo_item *items;
	size_t nitems, cap;
} demo;

/* ---- small JSON writer ---------------------------------------------------- */

/* Starts `"key":` inside an object being written to b. */
static void jkey(seed_buf *b, const char *key)
{
	if (b->len && b->p[b->len - 1] != '{')
		seed_buf_add(b, ",", 1);
	seed_json_str(b, key);
	seed_buf_add(b, ":", 1);
}

static void jstr(seed_buf *b, const char *key, const char *v)
{
	if (!v)
		return;
	jkey(b, key);
	seed_json_str(b, v);
}

static void jint(seed_buf *b, const char *key, long long v)
{
	if (v == SEED_MISSING)
		return;
	jkey(b, key);
	seed_buf_fmt(b, "%lld", v);
}

static void jbool(seed_buf *b, const char *key, int v)
{
	if (v == SEED_MISSING)
		return;
	jkey(b, key);
	seed_buf_str(b, v ? "true" : "false");
}

/* Array of up to n strings, stopping at the first NULL. */
static void jarr(seed_buf *b, const char *key, const char *const *v, size_t n)
{
	jkey(b, key);
	seed_buf_add(b, "[", 1);
	for (size_t i = 0; i < n && v[i]; i++) {
		if (i)
			seed_buf_add(b, ",", 1);
		seed_json_str(b, v[i]);
	}
	seed_buf_add(b, "]", 1);
}

/* ---- composing the demo ------------------------------------------------- */

static void client_email(const seed_client *c, char *out, size_t n)
{
	char local[128];
	seed_email_local(c->name, local, sizeof local);
	snprintf(out, n, "%s@%s", local, seed_orgs[c->org].domain);
}

static demo_item *item_new(demo *dm, const char *type, int coach, int client, int org)
{
	if (dm->nitems == dm->cap) {
		size_t cap = dm->cap ? dm->cap * 2 : 256;
		demo_item *p = realloc(dm->items, cap * sizeof *p);
		if (!p)
			abort();
		dm->items = p;
		dm->cap = cap;
	}
	demo_item *it = &dm->items[dm->nitems++];
	memset(it, 0, sizeof *it);
	it->type = type;
	it->coach = coach;
	it->client = client;
	it->org = org;
	return it;
}

/* Common item metadata: opens the object with title and creator. */
static void item_meta_open(demo *dm, demo_item *it, const char *title)
{
	seed_buf_add(&it->meta, "{", 1);
	jstr(&it->meta, "title", title);
	if (it->coach >= 0)
		jstr(&it->meta, "created_by_user_id", dm->coach[it->coach]);
}

static const char *pick_visibility(seed_rng *r, const char *const *w, unsigned n)
{
	return w[seed_rng_below(r, n)];
}

/* Topic of session s of client c, different from prev. */
static const seed_topic *session_topic(seed_rng *r, const seed_client *c, int s,
                                       const seed_topic *prev)
{
	size_t ng = 0;
	while (ng < 3 && c->goals[ng])
		ng++;
	const seed_topic *t = NULL;
	if (ng && s == 0)
		t = seed_topic_find(c->goals[0]);
	else if (ng && s == 1)
		t = seed_topic_find(c->goals[ng > 1 ? 1 : 0]);
	else if (ng && seed_rng_below(r, 3))
		t = seed_topic_find(c->goals[seed_rng_below(r, (unsigned)ng)]);
	while (!t || t == prev)
		t = &seed_topics[seed_rng_below(r, (unsigned)seed_ntopics)];
	return t;
}

/* A peer's first name that is neither the client's nor the coach's. */
static const char *pick_peer(seed_rng *r, const char *a, const char *b)
{
	for (;;) {
		const char *p = seed_peers[seed_rng_below(r, (unsigned)seed_count(seed_peers))];
		if (strcmp(p, a) && strcmp(p, b))
			return p;
	}
}

/* Transcripts of one coached client. */
static void demo_sessions(demo *dm, int ci, long start)
{
	const seed_client *c = &seed_clients[ci];
	const seed_coach *k = &seed_coaches[c->coach];
	char cf[64], kf[64], email[160], prev_title[96] = "", title[160], date[11];
	seed_first_name(c->name, cf, sizeof cf);
	seed_first_name(k->name, kf, sizeof kf);
	client_email(c, email, sizeof email);
	seed_rng r;
	seed_rng_init(&r, dm->seed, email);
	int sessions = 3 + (int)seed_rng_below(&r, 2);
	long day = start;
	const seed_topic *prev = NULL;
	const seed_topic *g0 = c->goals[0] ? seed_topic_find(c->goals[0]) : NULL;
	seed_buf last = {0};
	for (int s = 0; s < sessions; s++) {
		day += s == 0 ? 3 : 14 + seed_rng_below(&r, 15);
		const seed_topic *t = session_topic(&r, c, s, prev);
		const seed_topic *goal = g0;
		for (int g = 0; g < 3 && c->goals[g]; g++)
			if (strcmp(c->goals[g], t->key) == 0)
				goal = t;
		seed_date(date, day);
		unsigned month = (unsigned)(date[5] - '0') * 10u + (unsigned)(date[6] - '0');
		char quarter[4] = {'Q', (char)('1' + (month - 1) / 3 % 4), '\0', '\0'};
		int mi = k->models[seed_rng_below(&r, 4) == 0 && k->models[1] >= 0 ? 1 : 0];
		seed_vars v = {.client = cf,
		               .coach = kf,
		               .org = seed_orgs[c->org].name,
		               .dept = c->department ? c->department : "the team",
		               .title = c->title ? c->title : "a leader",
		               .goal = goal ? goal->goal : NULL,
		               .prev = prev_title,
		               .peer = pick_peer(&r, cf, kf),
		               .model = seed_models[mi].name,
		               .quarter = quarter,
		               .team = 6 + (int)seed_rng_below(&r, 30)};
		demo_item *it = item_new(dm, "transcript", c->coach, ci, c->org);
		seed_uuid_str(it->id, "item:transcript:%s:%d", email, s + 1);
		v.last = s ? last.p : NULL;
		seed_transcript(&it->content, &r, t, &v, seed_models[mi].tie_in, s == 0,
		                1800 + seed_rng_below(&r, 3400), &last);
		static const char *const vis[] = {"private",    "private",    "private",
		                                  "private",    "coach_only", "coach_only",
		                                  "coach_only", "coach_only", "org_visible"};
		it->visibility = pick_visibility(&r, vis, 9);
		it->ts = day * DAY + (9 + seed_rng_below(&r, 8)) * 3600LL +
		         seed_rng_below(&r, 4) * 900LL;
		snprintf(title, sizeof title, "Session %d with %s: %s", s + 1, c->name, t->title);
		item_meta_open(dm, it, title);
		jstr(&it->meta, "session_date", date);
		jint(&it->meta, "session_number", s + 1);
		jstr(&it->meta, "topic", t->key);
		jarr(&it->meta, "tags", t->tags, 3);
		if (seed_rng_below(&r, 8))
			jint(&it->meta, "duration_minutes", 45 + 5 * seed_rng_below(&r, 4));
		seed_buf_add(&it->meta, "}", 1);
		snprintf(prev_title, sizeof prev_title, "%s", t->title);
		if (prev_title[0] >= 'A' && prev_title[0] <= 'Z')
			prev_title[0] = (char)(prev_title[0] - 'A' + 'a');
		prev = t;
	}
	free(last.p);
}

/* DISC, type and 360 assessments of one client. */
static void demo_assessments(demo *dm, int ci, long start)
{
	const seed_client *c = &seed_clients[ci];
	const char *coach = c->coach >= 0 ? seed_coaches[c->coach].name : "self-assessment";
	const seed_topic *g0 = c->goals[0] ? seed_topic_find(c->goals[0]) : NULL;
	char email[160], date[11], title[160];
	client_email(c, email, sizeof email);
	seed_rng r;
	char name[200];
	snprintf(name, sizeof name, "assess:%s", email);
	seed_rng_init(&r, dm->seed, name);
	static const char *const vis[] = {"coach_only", "coach_only", "org_visible"};
	for (int kind = 0; kind < 3; kind++) {
		if (kind == 1 && (c->coach < 0 || seed_rng_below(&r, 2)))
			continue;
		if (kind == 2 && (c->coach < 0 || seed_rng_below(&r, 3)))
			continue;
		long day = start + 7 + kind * 21;
		seed_date(date, day);
		static const char *const kinds[] = {"DISC", "MBTI", "360"};
		static const char *const names[] = {"DISC profile", "Personality type profile",
		                                    "Leadership 360 summary"};
		demo_item *it = item_new(dm, "assessment", c->coach, ci, c->org);
		seed_uuid_str(it->id, "item:assessment:%s:%s", kinds[kind], email);
		if (kind == 0)
			seed_disc_report(&it->content, &r, c->name, coach, date,
			                 g0 ? g0->goal : NULL);
		else if (kind == 1)
			seed_type_report(&it->content, &r, c->name, coach, date,
			                 g0 ? g0->goal : NULL);
		else
			seed_360_report(&it->content, &r, c, coach, date);
		it->visibility = c->coach < 0 ? "private" : pick_visibility(&r, vis, 3);
		it->ts = day * DAY + 14 * 3600LL;
		snprintf(title, sizeof title, "%s: %s", names[kind], c->name);
		item_meta_open(dm, it, title);
		jstr(&it->meta, "assessment_type", kinds[kind]);
		jstr(&it->meta, "session_date", date);
		const char *tags[] = {"assessment", kinds[kind]};
		jarr(&it->meta, "tags", tags, 2);
		seed_buf_add(&it->meta, "}", 1);
	}
}

/* OKRs, leadership notes and the engagement agreement of one organization. */
static void demo_org_docs(demo *dm, int oi)
{
	const seed_org *o = &seed_orgs[oi];
	int coach = -1;
	for (size_t i = 0; i < seed_nclients && coach < 0; i++)
		if (seed_clients[i].org == oi)
			coach = seed_clients[i].coach;
	if (coach < 0)
		coach = 0;
	const seed_coach *k = &seed_coaches[coach];
	static const char *const doc_types[] = {"okr", "org_notes", "engagement_agreement"};
	static const char *const vis[] = {"org_visible", "coach_only", "public"};
	for (int kind = 0; kind < 3; kind++) {
		char date[11], title[200];
		long day = seed_days(2025, 1 + 3 * kind, 1) + oi;
		seed_date(date, day);
		demo_item *it = item_new(dm, "company_doc", coach, -1, oi);
		seed_uuid_str(it->id, "item:doc:%s:%s", doc_types[kind], o->slug);
		if (kind == 0) {
			seed_okr_doc(&it->content, o, "Q3 2025");
			snprintf(title, sizeof title, "%s OKRs Q3 2025", o->name);
		} else if (kind == 1) {
			seed_org_notes(&it->content, o, oi, k->name, date);
			snprintf(title, sizeof title, "Leadership team notes: %s", o->name);
		} else {
			seed_agreement_doc(&it->content, o, seed_companies[k->company].name,
			                   k->name);
			snprintf(title, sizeof title, "Coaching engagement agreement: %s", o->name);
		}
		it->visibility = vis[kind];
		it->ts = day * DAY + 11 * 3600LL;
		item_meta_open(dm, it, title);
		jstr(&it->meta, "doc_type", doc_types[kind]);
		if (kind == 0)
			jstr(&it->meta, "period", "Q3 2025");
		jstr(&it->meta, "effective_date", date);
		seed_buf_add(&it->meta, "}", 1);
	}
}

/* Each coaching model is also a searchable data item, owned by the first
 * coach who uses it as their primary model. */
static void demo_model_items(demo *dm)
{
	for (size_t m = 0; m < seed_nmodels; m++) {
		int coach = -1;
		for (size_t k = 0; k < seed_ncoaches && coach < 0; k++)
			if (seed_coaches[k].models[0] == (int)m)
				coach = (int)k;
		demo_item *it = item_new(dm, "coaching_model", coach, -1, -1);
		seed_uuid_str(it->id, "item:model:%s", seed_models[m].slug);
		seed_buf_str(&it->content, seed_models[m].content);
		it->visibility = "public";
		it->ts = (seed_days(2024, 6, 3) + (long)m) * DAY + 12 * 3600LL;
		item_meta_open(dm, it, seed_models[m].name);
		jstr(&it->meta, "coaching_model_slug", seed_models[m].slug);
		jarr(&it->meta, "tags", seed_models[m].tags, 4);
		seed_buf_add(&it->meta, "}", 1);
	}
}

/* Computes every id and composes every data item. */
static void demo_build(demo *dm, unsigned seed)
{
	memset(dm, 0, sizeof *dm);
	dm->seed = seed;
	dm->company = calloc(seed_ncompanies, 37);
	dm->coach = calloc(seed_ncoaches, 37);
	dm->org = calloc(seed_norgs, 37);
	dm->client = calloc(seed_nclients, 37);
	dm->model = calloc(seed_nmodels, 37);
	if (!dm->company || !dm->coach || !dm->org || !dm->client || !dm->model)
		abort();
	for (size_t i = 0; i < seed_ncompanies; i++)
		seed_uuid_str(dm->company[i], "company:%s", seed_companies[i].slug);
	for (size_t i = 0; i < seed_ncoaches; i++)
		seed_uuid_str(dm->coach[i], "coach:%s", seed_coaches[i].email);
	for (size_t i = 0; i < seed_norgs; i++)
		seed_uuid_str(dm->org[i], "org:%s", seed_orgs[i].slug);
	for (size_t i = 0; i < seed_nmodels; i++)
		seed_uuid_str(dm->model[i], "model:%s", seed_models[i].slug);
	for (size_t i = 0; i < seed_nclients; i++) {
		char email[160];
		client_email(&seed_clients[i], email, sizeof email);
		seed_uuid_str(dm->client[i], "client:%s", email);
		seed_rng r;
		seed_rng_init(&r, seed, email);
		long start = seed_days(2024, 9, 2) + (long)seed_rng_below(&r, 270);
		if (seed_clients[i].coach >= 0)
			demo_sessions(dm, (int)i, start);
		demo_assessments(dm, (int)i, start);
	}
	for (size_t i = 0; i < seed_norgs; i++)
		demo_org_docs(dm, (int)i);
	demo_model_items(dm);
}

static void demo_free(demo *dm)
{
	for (size_t i = 0; i < dm->nitems; i++) {
		free(dm->items[i].content.p);
		free(dm->items[i].meta.p);
	}
	free(dm->items);
	free(dm->company);
	free(dm->coach);
	free(dm->org);
	free(dm->client);
	free(dm->model);
}

/* Client's start date (same draw as demo_build). */
static long client_start(unsigned seed, const seed_client *c)
{
	char email[160];
	client_email(c, email, sizeof email);
	seed_rng r;
	seed_rng_init(&r, seed, email);
	return seed_days(2024, 9, 2) + (long)seed_rng_below(&r, 270);
}

/* ---- loading -------------------------------------------------------------- */

/* created_at/updated_at of the n-th entity of a table: fixed, so that two
 * seeded databases are identical. */
static void entity_ts(seed_copy *c, int table, size_t n)
{
	char ts[20];
	seed_timestamp(ts, (seed_days(2024, 6, 3) + table) * DAY + 9 * 3600LL + (int64_t)n * 60);
	seed_copy_str(c, ts);
	seed_copy_str(c, ts);
}

static db_status load_companies(db *d, demo *dm)
{
	seed_copy c;
	db_status st =
	    seed_copy_begin(&c, d,
	                    "COPY coaching_companies (id, name, slug, metadata, created_at, "
	                    "updated_at) FROM STDIN",
	                    0);
	for (size_t i = 0; st == DB_OK && i < seed_ncompanies; i++) {
		const seed_company *s = &seed_companies[i];
		seed_buf m = {0};
		seed_buf_add(&m, "{", 1);
		jstr(&m, "website", s->website);
		jbool(&m, "active", s->active);
		jstr(&m, "logo_url", s->logo_url);
		jstr(&m, "contact_email", s->contact_email);
		jint(&m, "founded_year", s->founded);
		seed_buf_add(&m, "}", 1);
		seed_copy_str(&c, dm->company[i]);
		seed_copy_str(&c, s->name);
		seed_copy_str(&c, s->slug);
		seed_copy_str(&c, m.p);
		entity_ts(&c, 0, i);
		seed_copy_end_row(&c);
		free(m.p);
	}
	return st == DB_OK ? seed_copy_finish(&c) : st;
}

static db_status load_coaches(db *d, demo *dm)
{
	seed_copy c;
	db_status st =
	    seed_copy_begin(&c, d,
	                    "COPY coaches (id, coaching_company_id, email, name, bio, metadata, "
	                    "created_at, updated_at) FROM STDIN",
	                    0);
	for (size_t i = 0; st == DB_OK && i < seed_ncoaches; i++) {
		const seed_coach *s = &seed_coaches[i];
		seed_buf m = {0};
		seed_buf_add(&m, "{", 1);
		jbool(&m, "active", s->active);
		jint(&m, "experience_years", s->experience_years);
		jarr(&m, "specializations", s->specializations, 4);
		if (!s->no_certs)
			jarr(&m, "certifications", s->certifications, 4);
		jstr(&m, "timezone", s->timezone);
		seed_buf_add(&m, "}", 1);
		seed_copy_str(&c, dm->coach[i]);
		seed_copy_str(&c, dm->company[s->company]);
		seed_copy_str(&c, s->email);
		seed_copy_str(&c, s->name);
		seed_copy_str(&c, s->bio);
		seed_copy_str(&c, m.p);
		entity_ts(&c, 1, i);
		seed_copy_end_row(&c);
		free(m.p);
	}
	return st == DB_OK ? seed_copy_finish(&c) : st;
}

static db_status load_orgs(db *d, demo *dm)
{
	seed_copy c;
	db_status st =
	    seed_copy_begin(&c, d,
	                    "COPY client_organizations (id, name, slug, industry, metadata, "
	                    "created_at, updated_at) FROM STDIN",
	                    0);
	for (size_t i = 0; st == DB_OK && i < seed_norgs; i++) {
		const seed_org *s = &seed_orgs[i];
		seed_buf m = {0};
		seed_buf_add(&m, "{", 1);
		jstr(&m, "size", s->size);
		jbool(&m, "active", s->active);
		jint(&m, "employee_count", s->employee_count);
		jstr(&m, "headquarters", s->headquarters);
		jstr(&m, "website", s->website);
		seed_buf_add(&m, "}", 1);
		seed_copy_str(&c, dm->org[i]);
		seed_copy_str(&c, s->name);
		seed_copy_str(&c, s->slug);
		seed_copy_str(&c, s->industry);
		seed_copy_str(&c, m.p);
		entity_ts(&c, 2, i);
		seed_copy_end_row(&c);
		free(m.p);
	}
	return st == DB_OK ? seed_copy_finish(&c) : st;
}

static db_status load_clients(db *d, demo *dm)
{
	seed_copy c;
	db_status st =
	    seed_copy_begin(&c, d,
	                    "COPY clients (id, client_organization_id, primary_coach_id, email, "
	                    "name, title, metadata, created_at, updated_at) FROM STDIN",
	                    0);
	for (size_t i = 0; st == DB_OK && i < seed_nclients; i++) {
		const seed_client *s = &seed_clients[i];
		char email[160], date[11];
		client_email(s, email, sizeof email);
		seed_date(date, client_start(dm->seed, s));
		const char *goals[3] = {NULL, NULL, NULL};
		for (int g = 0; g < 3 && s->goals[g]; g++) {
			const seed_topic *t = seed_topic_find(s->goals[g]);
			goals[g] = t ? t->goal : s->goals[g];
		}
		const char *tz = s->tz_mode == 0   ? seed_orgs[s->org].timezone
		                 : s->tz_mode == 2 ? seed_timezones[i % seed_count(seed_timezones)]
		                                   : NULL;
		seed_buf m = {0};
		seed_buf_add(&m, "{", 1);
		jstr(&m, "department", s->department);
		jbool(&m, "active", s->active);
		jstr(&m, "start_date", date);
		jarr(&m, "goals", goals, 3);
		jstr(&m, "timezone", tz);
		seed_buf_add(&m, "}", 1);
		seed_copy_str(&c, dm->client[i]);
		seed_copy_str(&c, dm->org[s->org]);
		seed_copy_str(&c, s->coach >= 0 ? dm->coach[s->coach] : NULL);
		seed_copy_str(&c, email);
		seed_copy_str(&c, s->name);
		seed_copy_str(&c, s->title);
		seed_copy_str(&c, m.p);
		entity_ts(&c, 3, i);
		seed_copy_end_row(&c);
		free(m.p);
	}
	return st == DB_OK ? seed_copy_finish(&c) : st;
}

static db_status load_models(db *d, demo *dm)
{
	seed_copy c;
	db_status st =
	    seed_copy_begin(&c, d,
	                    "COPY coaching_models (id, coaching_company_id, name, slug, "
	                    "description, content, metadata, created_at, updated_at) FROM STDIN",
	                    0);
	for (size_t i = 0; st == DB_OK && i < seed_nmodels; i++) {
		const seed_model *s = &seed_models[i];
		seed_buf m = {0};
		seed_buf_add(&m, "{", 1);
		jstr(&m, "version", s->version);
		jstr(&m, "model_type", s->model_type);
		jbool(&m, "active", 1);
		jstr(&m, "author", s->author);
		jarr(&m, "tags", s->tags, 4);
		seed_buf_add(&m, "}", 1);
		seed_copy_str(&c, dm->model[i]);
		seed_copy_str(&c, dm->company[s->company]);
		seed_copy_str(&c, s->name);
		seed_copy_str(&c, s->slug);
		seed_copy_str(&c, s->description);
		seed_copy_str(&c, s->content);
		seed_copy_str(&c, m.p);
		entity_ts(&c, 4, i);
		seed_copy_end_row(&c);
		free(m.p);
	}
	return st == DB_OK ? seed_copy_finish(&c) : st;
}

static db_status load_associations(db *d, demo *dm, long long *n)
{
	seed_copy c;
	db_status st =
	    seed_copy_begin(&c, d,
	                    "COPY coach_model_associations (id, coach_id, coaching_model_id, "
	                    "is_primary, created_at) FROM STDIN",
	                    0);
	for (size_t i = 0; st == DB_OK && i < seed_ncoaches; i++) {
		const seed_coach *s = &seed_coaches[i];
		for (int k = 0; k < 3 && s->models[k] >= 0; k++) {
			char id[37], ts[20];
			seed_uuid_str(id, "assoc:%s:%s", s->email, seed_models[s->models[k]].slug);
			seed_timestamp(ts, (seed_days(2024, 6, 3) + 5) * DAY + 9 * 3600LL +
			                       (int64_t)i * 60 + k);
			seed_copy_str(&c, id);
			seed_copy_str(&c, dm->coach[i]);
			seed_copy_str(&c, dm->model[s->models[k]]);
			seed_copy_str(&c, k == 0 ? "t" : "f");
			seed_copy_str(&c, ts);
			seed_copy_end_row(&c);
		}
	}
	*n = c.rows;
	return st == DB_OK ? seed_copy_finish(&c) : st;
}

static db_status load_items(db *d, demo *dm)
{
	seed_copy c;
	db_status st =
	    seed_copy_begin(&c, d,
	                    "COPY data_items (id, data_type, coach_id, client_id, "
	                    "client_organization_id, visibility_level, raw_content, metadata, "
	                    "created_at, updated_at) FROM STDIN",
	                    0);
	for (size_t i = 0; st == DB_OK && i < dm->nitems; i++) {
		demo_item *it = &dm->items[i];
		char ts[20];
		seed_timestamp(ts, it->ts);
		seed_copy_str(&c, it->id);
		seed_copy_str(&c, it->type);
		seed_copy_str(&c, it->coach >= 0 ? dm->coach[it->coach] : NULL);
		seed_copy_str(&c, it->client >= 0 ? dm->client[it->client] : NULL);
		seed_copy_str(&c, it->org >= 0 ? dm->org[it->org] : NULL);
		seed_copy_str(&c, it->visibility);
		seed_copy_text(&c, it->content.p, it->content.len);
		seed_copy_str(&c, it->meta.p);
		seed_copy_str(&c, ts);
		seed_copy_str(&c, ts);
		seed_copy_end_row(&c);
	}
	return st == DB_OK ? seed_copy_finish(&c) : st;
}

/* Chunks and embeddings of every item; dim 0 stores chunks without vectors. */
static db_status load_chunks(db *d, demo *dm, int dim, FILE *progress, long long *n)
{
	seed_copy c;
	db_status st =
	    seed_copy_begin(&c, d,
	                    dim > 0 ? "COPY data_chunks (id, data_item_id, chunk_index, "
	                              "content, embedding, metadata, created_at) FROM STDIN "
	                              "(FORMAT binary)"
	                            : "COPY data_chunks (id, data_item_id, chunk_index, "
	                              "content, metadata, created_at) FROM STDIN (FORMAT binary)",
	                    1);
	float *vec = dim > 0 ? malloc(sizeof(float) * (size_t)dim) : NULL;
	if (dim > 0 && !vec)
		abort();
	chunk_opts opts = {0, 0};
	for (size_t i = 0; st == DB_OK && i < dm->nitems; i++) {
		demo_item *it = &dm->items[i];
		chunk_span *sp = NULL;
		size_t ns = chunk_text(it->content.p, it->content.len, &opts, &sp);
		uuid_t item_id;
		uuid_parse(it->id, item_id);
		for (size_t k = 0; k < ns; k++) {
			uuid_t id;
			seed_uuid(id, "chunk:%s:%zu", it->id, k);
			const char *text = it->content.p + sp[k].start;
			size_t len = sp[k].end - sp[k].start;
			seed_buf m = {0};
			size_t cs = seed_utf8_chars(it->content.p, sp[k].start);
			seed_buf_fmt(&m,
			             "{\"embedding_model\":\"%s\",\"start\":%zu,\"end\":%zu,"
			             "\"char_start\":%zu,\"char_end\":%zu}",
			             EMBED_HASH_MODEL_ID, sp[k].start, sp[k].end, cs,
			             cs + seed_utf8_chars(text, len));
			seed_copy_tuple(&c, dim > 0 ? 7 : 6);
			seed_copy_buuid(&c, id);
			seed_copy_buuid(&c, item_id);
			seed_copy_bint32(&c, (int32_t)k);
			seed_copy_bfield(&c, text, len);
			if (dim > 0) {
				embed_hash(text, len, dim, vec);
				seed_copy_bvector(&c, vec, dim);
			}
			seed_copy_bjsonb(&c, m.p, m.len);
			seed_copy_btimestamp(&c, it->ts);
			free(m.p);
		}
		free(sp);
		if (progress && (i + 1) % 100 == 0)
			fprintf(progress, "seed: chunked and embedded %zu/%zu data items\n", i + 1,
			        dm->nitems);
	}
	free(vec);
	*n = c.rows;
	return st == DB_OK ? seed_copy_finish(&c) : st;
}

/* Text array literal of n ids. */
static char *id_array(char (*ids)[37], size_t n)
{
	seed_buf b = {0};
	seed_buf_str(&b, "{}");
	for (size_t i = 0; i < n; i++)
		seed_pg_array_add(&b, ids[i]);
	return b.p;
}

/* Removes the demo rows (by id) and everything that hangs off them. */
static db_status demo_delete(db *d, demo *dm)
{
	char *co = id_array(dm->company, seed_ncompanies), *k = id_array(dm->coach, seed_ncoaches);
	char *o = id_array(dm->org, seed_norgs), *cl = id_array(dm->client, seed_nclients);
	char *m = id_array(dm->model, seed_nmodels);
	const char *p3[] = {k, cl, o};
	db_status st =
	    dbi_exec(d,
	             "DELETE FROM data_items WHERE coach_id = ANY($1::uuid[]) OR "
	             "client_id = ANY($2::uuid[]) OR client_organization_id = ANY($3::uuid[])",
	             3, p3);
	const char *p2[] = {k, m};
	if (st == DB_OK)
		st = dbi_exec(
		    d,
		    "DELETE FROM coach_model_associations WHERE coach_id = ANY($1::uuid[]) OR "
		    "coaching_model_id = ANY($2::uuid[])",
		    2, p2);
	const char *p1[] = {cl};
	if (st == DB_OK)
		st = dbi_exec(d, "DELETE FROM clients WHERE id = ANY($1::uuid[])", 1, p1);
	p1[0] = k;
	if (st == DB_OK)
		st = dbi_exec(d, "DELETE FROM coaches WHERE id = ANY($1::uuid[])", 1, p1);
	p1[0] = m;
	if (st == DB_OK)
		st = dbi_exec(d, "DELETE FROM coaching_models WHERE id = ANY($1::uuid[])", 1, p1);
	p1[0] = o;
	if (st == DB_OK)
		st = dbi_exec(d, "DELETE FROM client_organizations WHERE id = ANY($1::uuid[])", 1,
		              p1);
	p1[0] = co;
	if (st == DB_OK)
		st =
		    dbi_exec(d, "DELETE FROM coaching_companies WHERE id = ANY($1::uuid[])", 1, p1);
	free(co);
	free(k);
	free(o);
	free(cl);
	free(m);
	return st;
}

/* How many demo companies (by slug) exist already. */
static db_status demo_existing(db *d, long long *n)
{
	seed_buf b = {0};
	seed_buf_str(&b, "{}");
	for (size_t i = 0; i < seed_ncompanies; i++)
		seed_pg_array_add(&b, seed_companies[i].slug);
	const char *p[] = {b.p};
	PGresult *res = NULL;
	db_status st = dbi_query(
	    d, "SELECT count(*) FROM coaching_companies WHERE slug = ANY($1::text[])", 1, p, &res);
	free(b.p);
	if (st == DB_OK) {
		*n = atoll(PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	return st;
}

/* Everything between BEGIN and COMMIT. */
static db_status demo_load(db *d, demo *dm, int replace, int dim, FILE *progress, seed_stats *s)
{
	long long existing = 0;
	/* seeding is not an edit: rows are not copied into the audit table */
	db_status st = dbi_exec(d, "SET LOCAL statement_timeout = 0", 0, NULL);
	if (st == DB_OK)
		st = dbi_exec(d, "SET LOCAL rapport.skip_audit = 'on'", 0, NULL);
	if (st == DB_OK)
		st = demo_existing(d, &existing);
	if (st == DB_OK && existing && !replace) {
		dbi_seterr(
		    d,
		    "demo data is already loaded (%lld demo companies exist); use --replace to "
		    "load it again",
		    existing);
		return DB_ERROR;
	}
	if (st == DB_OK && existing) {
		if (progress)
			fputs("seed: removing the previous demo data\n", progress);
		st = demo_delete(d, dm);
	}
	if (progress && st == DB_OK)
		fputs("seed: loading companies, coaches, organizations, clients, models\n",
		      progress);
	if (st == DB_OK)
		st = load_companies(d, dm);
	if (st == DB_OK)
		st = load_coaches(d, dm);
	if (st == DB_OK)
		st = load_orgs(d, dm);
	if (st == DB_OK)
		st = load_clients(d, dm);
	if (st == DB_OK)
		st = load_models(d, dm);
	long long assoc = 0;
	if (st == DB_OK)
		st = load_associations(d, dm, &assoc);
	if (progress && st == DB_OK)
		fprintf(progress, "seed: loading %zu data items\n", dm->nitems);
	if (st == DB_OK)
		st = load_items(d, dm);
	if (st == DB_OK)
		st = load_chunks(d, dm, dim, progress, &s->chunks);
	s->companies = (long long)seed_ncompanies;
	s->coaches = (long long)seed_ncoaches;
	s->orgs = (long long)seed_norgs;
	s->clients = (long long)seed_nclients;
	s->models = (long long)seed_nmodels;
	s->items = (long long)dm->nitems;
	return st;
}

/* Embedding dimension to write: the catalog's, or 0 without pgvector. */
static db_status seed_dim(db *d, int *dim)
{
	db_caps caps;
	db_status st = db_caps_get(d, &caps);
	if (st != DB_OK)
		return st;
	if (!caps.schema_present) {
		dbi_seterr(d, "the schema is missing: run `rapport db migrate` first");
		return DB_NOSCHEMA;
	}
	*dim = caps.has_pgvector && caps.embedding_dim > 0 ? caps.embedding_dim : 0;
	return seed_rls_check(d);
}

db_status seed_demo(db *d, unsigned seed, int replace, FILE *progress, seed_stats *st)
{
	seed_stats local = {0};
	int dim = 0;
	db_status s = seed_dim(d, &dim);
	if (s != DB_OK)
		return s;
	if (progress)
		fputs("seed: composing the demo data set\n", progress);
	demo dm;
	demo_build(&dm, seed);
	s = dbi_exec(d, "BEGIN", 0, NULL);
	if (s == DB_OK)
		s = demo_load(d, &dm, replace, dim, progress, &local);
	if (s == DB_OK)
		s = dbi_exec(d, "COMMIT", 0, NULL);
	else
		dbi_rollback(d); /* keeps the first error's message */
	demo_free(&dm);
	if (s == DB_OK && st)
		*st = local;
	return s;
}

db_status seed_is_empty(db *d, int *empty)
{
	PGresult *res = NULL;
	db_status st =
	    dbi_query(d, "SELECT NOT EXISTS (SELECT 1 FROM coaching_companies)", 0, NULL, &res);
	if (st != DB_OK)
		return st;
	*empty = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return DB_OK;
}
