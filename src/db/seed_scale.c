/* seed_scale: N clients with proportional companies (N/20000+1), coaches
 * (N/25), organizations (N/200), 4 coaching models per company, and M
 * transcript chunks over ~M/4 data items, generated while streaming into
 * COPY (bounded memory: only the company/coach/org/model ids are kept).
 *
 * Every row comes from a PRNG keyed by (seed, table, row number), so any
 * row can be regenerated independently: items and their chunks are written
 * in two passes that regenerate the same text. Chunk text is dialogue from
 * the demo's topic banks (so full-text search works) and its embedding is
 * the real hash-v1 embedding of that text (embed_hash), recorded with
 * embedding_model "hash-v1" like the demo.
 *
 * Into an empty schema the tables' non-constraint indexes are dropped before
 * the COPY and rebuilt from their saved definitions afterwards, inside the
 * same transaction; into a non-empty schema they stay in place. */
#include "db/seed_copy.h"
#include "rapport/embed.h"
#include "rapport/seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400LL

enum { T_COMPANY = 1, T_COACH, T_ORG, T_CLIENT, T_ITEM, T_ITEM_SIZE, T_CHUNK };

typedef struct scale {
	db *d;
	unsigned seed;
	long long nclients, ncompanies, ncoaches, norgs, nchunks;
	char (*company)[37], (*coach)[37], (*org)[37], (*model)[37];
	int dim;
	int serial_hnsw; /* pgvector 0.8.0/0.8.1: no parallel HNSW builds */
	FILE *progress;
} scale;

static const char *const company_a[] = {
    "Summit",   "Harbor",    "Keystone",   "Northstar", "Evergreen", "Bright",   "True North",
    "Cedar",    "Meridian",  "Lighthouse", "Compass",   "Bluewater", "Ironwood", "Clearview",
    "Pinnacle", "Riverbend", "Silverline", "Oakridge",  "Tidewater", "Highland", NULL,
};
static const char *const company_b[] = {
    "Leadership",           "Coaching Group", "Executive Partners",
    "Leadership Institute", "Coaching Co.",   NULL,
};
static const char *const org_a[] = {
    "Northwind", "Bluebird",    "Redwood",    "Granite",   "Silverlake", "Copperfield", "Sunrise",
    "Atlas",     "Horizon",     "Vantage",    "Lakeshore", "Pioneer",    "Quantum",     "Sterling",
    "Evermore",  "Brightwater", "Crescent",   "Falcon",    "Juniper",    "Mosaic",      "Nimbus",
    "Orchid",    "Polaris",     "Riverstone", "Sequoia",   "Tandem",     "Upland",      "Vertex",
    "Willow",    "Zenith",      NULL,
};
static const struct {
	const char *suffix, *industry;
} org_b[] = {
    {"Logistics", "Logistics"},
    {"Health", "Healthcare"},
    {"Bank", "Financial Services"},
    {"Software", "Technology"},
    {"Media", "Media"},
    {"Foods", "Retail"},
    {"Energy", "Energy"},
    {"Learning", "Education"},
    {"Biosciences", "Biotechnology"},
    {"Manufacturing", "Manufacturing"},
    {"Insurance", "Financial Services"},
    {"Robotics", "Technology"},
};
static const char *const cities[] = {
    "New York, NY", "Chicago, IL",       "Austin, TX",  "Seattle, WA", "Boston, MA",
    "Denver, CO",   "Atlanta, GA",       "Toronto, ON", "London, UK",  "Berlin, Germany",
    "Singapore",    "Sydney, Australia", NULL,
};
static const char *const specs[] = {
    "C-suite",
    "new managers",
    "executive presence",
    "career transition",
    "team dynamics",
    "burnout recovery",
    "sales leadership",
    "change leadership",
    "strategic thinking",
    "women in leadership",
    NULL,
};
static const char *const certs[] = {"ICF-ACC",        "ICF-PCC", "ICF-MCC", "DISC",
                                    "MBTI Certified", "CPCC",    NULL};
static const char *const vis[] = {"private", "coach_only", "org_visible", "public"};

/* A row's PRNG: keyed by seed, table and row number. */
static seed_rng row_rng(unsigned seed, int table, long long i)
{
	seed_rng r = {((uint64_t)seed << 32) ^ ((uint64_t)table << 56) ^ (uint64_t)i};
	(void)seed_rng_next(&r);
	r.s ^= 0xD1B54A32D192ED03ULL * (uint64_t)(table + 1);
	return r;
}

static const char *pick(seed_rng *r, const char *const *list)
{
	return list[seed_rng_below(r, (unsigned)seed_count(list))];
}

/* Lowercase slug of a name: letters and digits, '-' between words. */
static void slugify(const char *name, char *out, size_t n)
{
	size_t k = 0;
	for (; *name && k + 2 < n; name++) {
		char c = *name;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[k++] = c;
		else if (k && out[k - 1] != '-')
			out[k++] = '-';
	}
	while (k && out[k - 1] == '-')
		k--;
	out[k] = '\0';
}

static void company_name(long long c, char *name, size_t n)
{
	size_t na = seed_count(company_a), nb = seed_count(company_b);
	long long round = c / (long long)(na * nb);
	snprintf(name, n, "%s %s", company_a[c % (long long)na],
	         company_b[(c / (long long)na) % (long long)nb]);
	if (round)
		snprintf(name + strlen(name), n - strlen(name), " %lld", round + 1);
}

static void company_slug(const scale *sc, long long c, char *out, size_t n)
{
	char name[96], s[96];
	company_name(c, name, sizeof name);
	slugify(name, s, sizeof s);
	snprintf(out, n, "%s-%u-%lld", s, sc->seed, c);
}

static void org_name(long long o, char *name, size_t n, const char **industry)
{
	size_t na = seed_count(org_a), nb = sizeof org_b / sizeof org_b[0];
	long long round = o / (long long)(na * nb);
	size_t b = (size_t)((o / (long long)na) % (long long)nb);
	snprintf(name, n, "%s %s", org_a[o % (long long)na], org_b[b].suffix);
	if (round)
		snprintf(name + strlen(name), n - strlen(name), " %lld", round + 1);
	*industry = org_b[b].industry;
}

static void org_slug(const scale *sc, long long o, char *out, size_t n)
{
	char name[96], s[96];
	const char *ind;
	org_name(o, name, sizeof name, &ind);
	slugify(name, s, sizeof s);
	snprintf(out, n, "%s-%u-%lld", s, sc->seed, o);
}

/* A person generated from a row PRNG: first, optional initial, last. */
typedef struct person {
	const char *first, *last;
	char initial;
	char name[96];
} person;

static void person_gen(seed_rng *r, person *p)
{
	p->first = pick(r, seed_first_names);
	p->last = pick(r, seed_last_names);
	unsigned x = seed_rng_below(r, 10);
	p->initial = x < 3 ? (char)('A' + seed_rng_below(r, 26)) : 0;
	if (p->initial)
		snprintf(p->name, sizeof p->name, "%s %c. %s", p->first, p->initial, p->last);
	else
		snprintf(p->name, sizeof p->name, "%s %s", p->first, p->last);
}

/* The random fields of client i, in their fixed draw order. */
typedef struct client_row {
	long long org, coach;
	person p;
	const char *title, *dept, *tz;
	int active; /* 1, 0, SEED_MISSING */
	long start;
	const seed_topic *g1, *g2;
} client_row;

static void client_gen(const scale *sc, long long i, client_row *c)
{
	seed_rng r = row_rng(sc->seed, T_CLIENT, i);
	c->org = (long long)(seed_rng_next(&r) % (uint64_t)sc->norgs);
	c->coach = (long long)(seed_rng_next(&r) % (uint64_t)sc->ncoaches);
	person_gen(&r, &c->p);
	c->title = pick(&r, seed_titles);
	unsigned x = seed_rng_below(&r, 100);
	c->dept = x < 3 ? NULL : pick(&r, seed_departments);
	x = seed_rng_below(&r, 100);
	c->active = x < 2 ? SEED_MISSING : x < 8 ? 0 : 1;
	x = seed_rng_below(&r, 100);
	c->tz = x < 10 ? NULL : pick(&r, seed_timezones);
	c->start = seed_days(2023, 1, 2) + (long)seed_rng_below(&r, 1000);
	c->g1 = &seed_topics[seed_rng_below(&r, (unsigned)seed_ntopics)];
	c->g2 = &seed_topics[seed_rng_below(&r, (unsigned)seed_ntopics)];
}

/* ---- entity tables ------------------------------------------------------- */

static void ts_field(seed_copy *c, int64_t secs)
{
	char ts[20];
	seed_timestamp(ts, secs);
	seed_copy_str(c, ts);
	seed_copy_str(c, ts);
}

static db_status load_companies(scale *sc)
{
	seed_copy c;
	db_status st =
	    seed_copy_begin(&c, sc->d,
	                    "COPY coaching_companies (id, name, slug, metadata, created_at, "
	                    "updated_at) FROM STDIN",
	                    0);
	seed_buf m = {0};
	for (long long i = 0; st == DB_OK && i < sc->ncompanies; i++) {
		char name[96], slug[128];
		company_name(i, name, sizeof name);
		company_slug(sc, i, slug, sizeof slug);
		seed_rng r = row_rng(sc->seed, T_COMPANY, i);
		m.len = 0;
		seed_buf_fmt(&m, "{\"website\":\"https://%s.example\"", slug);
		if (seed_rng_below(&r, 10))
			seed_buf_fmt(&m, ",\"active\":%s",
			             seed_rng_below(&r, 10) ? "true" : "false");
		if (seed_rng_below(&r, 2))
			seed_buf_fmt(&m, ",\"contact_email\":\"info@%s.example\"", slug);
		seed_buf_add(&m, "}", 1);
		seed_copy_str(&c, sc->company[i]);
		seed_copy_str(&c, name);
		seed_copy_str(&c, slug);
		seed_copy_text(&c, m.p, m.len);
		ts_field(&c, seed_days(2022, 1, 3) * DAY + i * 60);
		seed_copy_end_row(&c);
	}
	free(m.p);
	return st == DB_OK ? seed_copy_finish(&c) : st;
}

static db_status load_coaches(scale *sc)
{
	seed_copy c;
	db_status st =
	    seed_copy_begin(&c, sc->d,
	                    "COPY coaches (id, coaching_company_id, email, name, bio, metadata, "
	                    "created_at, updated_at) FROM STDIN",
	                    0);
	seed_buf m = {0}, line = {0};
	for (long long i = 0; st == DB_OK && i < sc->ncoaches; i++) {
		seed_rng r = row_rng(sc->seed, T_COACH, i);
		person p;
		person_gen(&r, &p);
		char local[128], slug[128], email[300];
		seed_email_local(p.name, local, sizeof local);
		long long comp = i % sc->ncompanies;
		company_slug(sc, comp, slug, sizeof slug);
		snprintf(email, sizeof email, "%s.%lld@%s.example", local, i, slug);
		const char *s1 = pick(&r, specs), *s2 = pick(&r, specs);
		m.len = 0;
		seed_buf_fmt(
		    &m,
		    "{\"active\":%s,\"experience_years\":%u,\"specializations\":[\"%s\",\"%s\"]",
		    seed_rng_below(&r, 10) ? "true" : "false", 1 + seed_rng_below(&r, 30), s1, s2);
		if (seed_rng_below(&r, 8))
			seed_buf_fmt(&m, ",\"certifications\":[\"%s\"]", pick(&r, certs));
		if (seed_rng_below(&r, 10))
			seed_buf_fmt(&m, ",\"timezone\":\"%s\"", pick(&r, seed_timezones));
		seed_buf_add(&m, "}", 1);
		line.len = 0;
		seed_buf_fmt(&line, "%s coaches leaders on %s and %s.", p.first, s1, s2);
		seed_copy_str(&c, sc->coach[i]);
		seed_copy_str(&c, sc->company[comp]);
		seed_copy_str(&c, email);
		seed_copy_str(&c, p.name);
		seed_copy_text(&c, line.p, line.len);
		seed_copy_text(&c, m.p, m.len);
		ts_field(&c, seed_days(2022, 2, 1) * DAY + i * 60);
		seed_copy_end_row(&c);
	}
	free(m.p);
	free(line.p);
	return st == DB_OK ? seed_copy_finish(&c) : st;
}

static db_status load_orgs(scale *sc)
{
	static const char *const sizes[] = {"startup", "mid-market", "enterprise"};
	static const int base[] = {20, 200, 2000};
	seed_copy c;
	db_status st =
	    seed_copy_begin(&c, sc->d,
	                    "COPY client_organizations (id, name, slug, industry, metadata, "
	                    "created_at, updated_at) FROM STDIN",
	                    0);
	seed_buf m = {0};
	for (long long i = 0; st == DB_OK && i < sc->norgs; i++) {
		seed_rng r = row_rng(sc->seed, T_ORG, i);
		char name[96], slug[128];
		const char *industry;
		org_name(i, name, sizeof name, &industry);
		org_slug(sc, i, slug, sizeof slug);
		unsigned sz = seed_rng_below(&r, 3);
		m.len = 0;
		seed_buf_fmt(&m, "{\"size\":\"%s\",\"active\":%s", sizes[sz],
		             seed_rng_below(&r, 20) ? "true" : "false");
		if (seed_rng_below(&r, 10))
			seed_buf_fmt(&m, ",\"employee_count\":%u",
			             base[sz] + seed_rng_below(&r, (unsigned)base[sz] * 9));
		seed_buf_fmt(&m, ",\"headquarters\":\"%s\",\"website\":\"https://%s.example\"}",
		             pick(&r, cities), slug);
		seed_copy_str(&c, sc->org[i]);
		seed_copy_str(&c, name);
		seed_copy_str(&c, slug);
		seed_copy_str(&c, seed_rng_below(&r, 20) ? industry : NULL);
		seed_copy_text(&c, m.p, m.len);
		ts_field(&c, seed_days(2022, 3, 1) * DAY + i * 60);
		seed_copy_end_row(&c);
	}
	free(m.p);
	return st == DB_OK ? seed_copy_finish(&c) : st;
}

static db_status load_models(scale *sc, long long *nassoc)
{
	seed_copy c;
	db_status st =
	    seed_copy_begin(&c, sc->d,
	                    "COPY coaching_models (id, coaching_company_id, name, slug, "
	                    "description, content, metadata, created_at, updated_at) FROM STDIN",
	                    0);
	for (long long i = 0; st == DB_OK && i < sc->ncompanies * 4; i++) {
		const seed_model *sm = &seed_models[i % 4 == 3 ? 4 : i % 4];
		char cslug[128], slug[300], name[96];
		company_slug(sc, i / 4, cslug, sizeof cslug);
		company_name(i / 4, name, sizeof name);
		snprintf(slug, sizeof slug, "%s-%s", cslug, sm->slug);
		seed_buf m = {0};
		seed_buf_fmt(
		    &m, "{\"version\":\"%s\",\"model_type\":\"%s\",\"active\":true,\"author\":",
		    sm->version, sm->model_type);
		seed_json_str(&m, name);
		seed_buf_add(&m, "}", 1);
		seed_copy_str(&c, sc->model[i]);
		seed_copy_str(&c, sc->company[i / 4]);
		seed_copy_str(&c, sm->name);
		seed_copy_str(&c, slug);
		seed_copy_str(&c, sm->description);
		seed_copy_str(&c, sm->content);
		seed_copy_text(&c, m.p, m.len);
		ts_field(&c, seed_days(2022, 1, 10) * DAY + i * 60);
		seed_copy_end_row(&c);
		free(m.p);
	}
	if (st == DB_OK)
		st = seed_copy_finish(&c);
	if (st != DB_OK)
		return st;
	st = seed_copy_begin(
	    &c, sc->d,
	    "COPY coach_model_associations (id, coach_id, coaching_model_id, is_primary, "
	    "created_at) FROM STDIN",
	    0);
	for (long long k = 0; st == DB_OK && k < sc->ncoaches; k++) {
		long long comp = k % sc->ncompanies;
		for (int j = 0; j < 1 + (k % 2); j++) {
			long long mi = comp * 4 + (k / sc->ncompanies + j) % 4;
			char id[37], ts[20];
			seed_uuid_str(id, "s%u:assoc:%lld:%d", sc->seed, k, j);
			seed_timestamp(ts, seed_days(2022, 2, 1) * DAY + k * 60 + j);
			seed_copy_str(&c, id);
			seed_copy_str(&c, sc->coach[k]);
			seed_copy_str(&c, sc->model[mi]);
			seed_copy_str(&c, j == 0 ? "t" : "f");
			seed_copy_str(&c, ts);
			seed_copy_end_row(&c);
		}
	}
	*nassoc = c.rows;
	return st == DB_OK ? seed_copy_finish(&c) : st;
}

static void progress_line(scale *sc, const char *what, long long i, long long n)
{
	long long step = n / 20 > 0 ? n / 20 : 1;
	if (sc->progress && ((i + 1) % step == 0 || i + 1 == n))
		fprintf(sc->progress, "seed: %s %lld/%lld\n", what, i + 1, n);
}

static db_status load_clients(scale *sc)
{
	seed_copy c;
	db_status st =
	    seed_copy_begin(&c, sc->d,
	                    "COPY clients (id, client_organization_id, primary_coach_id, email, "
	                    "name, title, metadata, created_at, updated_at) FROM STDIN",
	                    0);
	seed_buf m = {0};
	for (long long i = 0; st == DB_OK && c.st == DB_OK && i < sc->nclients; i++) {
		client_row cr;
		client_gen(sc, i, &cr);
		char id[37], local[128], slug[128], email[300], date[11];
		seed_uuid_str(id, "s%u:client:%lld", sc->seed, i);
		seed_email_local(cr.p.name, local, sizeof local);
		org_slug(sc, cr.org, slug, sizeof slug);
		snprintf(email, sizeof email, "%s.%lld@%s.example", local, i, slug);
		seed_date(date, cr.start);
		m.len = 0;
		seed_buf_add(&m, "{", 1);
		if (cr.dept)
			seed_buf_fmt(&m, "\"department\":\"%s\",", cr.dept);
		if (cr.active != SEED_MISSING)
			seed_buf_fmt(&m, "\"active\":%s,", cr.active ? "true" : "false");
		seed_buf_fmt(&m, "\"start_date\":\"%s\",\"goals\":[\"%s\",\"%s\"]", date,
		             cr.g1->goal, cr.g2->goal);
		if (cr.tz)
			seed_buf_fmt(&m, ",\"timezone\":\"%s\"", cr.tz);
		seed_buf_add(&m, "}", 1);
		seed_copy_str(&c, id);
		seed_copy_str(&c, sc->org[cr.org]);
		seed_copy_str(&c, sc->coach[cr.coach]);
		seed_copy_str(&c, email);
		seed_copy_str(&c, cr.p.name);
		seed_copy_str(&c, cr.title);
		seed_copy_text(&c, m.p, m.len);
		ts_field(&c, seed_days(2023, 1, 2) * DAY + i);
		seed_copy_end_row(&c);
		progress_line(sc, "clients", i, sc->nclients);
	}
	free(m.p);
	return st == DB_OK ? seed_copy_finish(&c) : st;
}

/* ---- data items and chunks ------------------------------------------------ */

/* Item j: its client, topic, chunk count and the text of each chunk. */
typedef struct item_gen {
	long long client;
	client_row cr;
	const seed_topic *topic;
	int nchunks;
	long day;
	seed_buf text; /* raw_content: chunks joined by "\n\n" */
	size_t start[8], end[8];
} item_gen;

/* Chunks of item j given how many remain to be written. */
static int item_chunks(const scale *sc, long long j, long long remaining)
{
	seed_rng r = row_rng(sc->seed, T_ITEM_SIZE, j);
	long long n = 1 + (long long)seed_rng_below(&r, 7);
	return (int)(n < remaining ? n : remaining);
}

static void item_build(const scale *sc, long long j, int nchunks, item_gen *g)
{
	seed_rng r = row_rng(sc->seed, T_ITEM, j);
	g->client = (long long)(seed_rng_next(&r) % (uint64_t)sc->nclients);
	client_gen(sc, g->client, &g->cr);
	g->topic = seed_rng_below(&r, 3) ? (seed_rng_below(&r, 2) ? g->cr.g1 : g->cr.g2)
	                                 : &seed_topics[seed_rng_below(&r, (unsigned)seed_ntopics)];
	g->nchunks = nchunks;
	g->day = g->cr.start + 7 + (long)seed_rng_below(&r, 600);
	seed_rng cr = row_rng(sc->seed, T_COACH, g->cr.coach);
	person coach;
	person_gen(&cr, &coach);
	char quarter[3] = {'Q', (char)('1' + seed_rng_below(&r, 4)), 0};
	seed_vars v = {.client = g->cr.p.first,
	               .coach = coach.first,
	               .org = "the company",
	               .dept = g->cr.dept ? g->cr.dept : "the team",
	               .title = g->cr.title,
	               .goal = g->cr.g1->goal,
	               .prev = "last session",
	               .peer = pick(&r, seed_peers),
	               .model = "GROW",
	               .quarter = quarter,
	               .team = 5 + (int)seed_rng_below(&r, 40)};
	if (strcmp(v.coach, v.client) == 0)
		v.coach = "Coach";
	const seed_topic *alt = &seed_topics[seed_rng_below(&r, (unsigned)seed_ntopics)];
	g->text.len = 0;
	for (int k = 0; k < nchunks; k++) {
		if (k)
			seed_buf_add(&g->text, "\n\n", 2);
		g->start[k] = g->text.len;
		seed_dialogue(&g->text, &r, g->topic, alt, &v, 600 + seed_rng_below(&r, 500));
		g->end[k] = g->text.len;
	}
}

static db_status load_items(scale *sc, long long *nitems)
{
	seed_copy c;
	db_status st =
	    seed_copy_begin(&c, sc->d,
	                    "COPY data_items (id, data_type, coach_id, client_id, "
	                    "client_organization_id, visibility_level, raw_content, metadata, "
	                    "created_at, updated_at) FROM STDIN",
	                    0);
	item_gen g = {0};
	seed_buf m = {0};
	long long j = 0;
	for (long long left = sc->nchunks; st == DB_OK && c.st == DB_OK && left > 0; j++) {
		int n = item_chunks(sc, j, left);
		item_build(sc, j, n, &g);
		left -= n;
		char id[37], client[37], date[11];
		seed_uuid_str(id, "s%u:item:%lld", sc->seed, j);
		seed_uuid_str(client, "s%u:client:%lld", sc->seed, g.client);
		seed_date(date, g.day);
		m.len = 0;
		seed_buf_fmt(&m,
		             "{\"title\":\"Session with %s: %s\",\"session_date\":\"%s\","
		             "\"created_by_user_id\":\"%s\",\"topic\":\"%s\"}",
		             g.cr.p.name, g.topic->title, date, sc->coach[g.cr.coach],
		             g.topic->key);
		seed_copy_str(&c, id);
		seed_copy_str(&c, "transcript");
		seed_copy_str(&c, sc->coach[g.cr.coach]);
		seed_copy_str(&c, client);
		seed_copy_str(&c, sc->org[g.cr.org]);
		seed_copy_str(&c, vis[j % 4 == 3 ? (j / 4) % 4 : j % 2]);
		seed_copy_text(&c, g.text.p, g.text.len);
		seed_copy_text(&c, m.p, m.len);
		ts_field(&c, g.day * DAY + 10 * 3600);
		seed_copy_end_row(&c);
	}
	*nitems = j;
	free(g.text.p);
	free(m.p);
	return st == DB_OK ? seed_copy_finish(&c) : st;
}

static db_status load_chunks(scale *sc)
{
	seed_copy c;
	db_status st =
	    seed_copy_begin(&c, sc->d,
	                    sc->dim > 0 ? "COPY data_chunks (id, data_item_id, chunk_index, "
	                                  "content, embedding, metadata, created_at) FROM "
	                                  "STDIN (FORMAT binary)"
	                                : "COPY data_chunks (id, data_item_id, chunk_index, "
	                                  "content, metadata, created_at) FROM STDIN (FORMAT "
	                                  "binary)",
	                    1);
	float *vec = sc->dim > 0 ? malloc(sizeof(float) * (size_t)sc->dim) : NULL;
	if (sc->dim > 0 && !vec)
		abort();
	item_gen g = {0};
	char meta[224];
	long long done = 0;
	for (long long j = 0, left = sc->nchunks; st == DB_OK && c.st == DB_OK && left > 0; j++) {
		int n = item_chunks(sc, j, left);
		item_build(sc, j, n, &g);
		left -= n;
		uuid_t item;
		seed_uuid(item, "s%u:item:%lld", sc->seed, j);
		for (int k = 0; k < n; k++, done++) {
			uuid_t id;
			seed_uuid(id, "s%u:chunk:%lld:%d", sc->seed, j, k);
			const char *text = g.text.p + g.start[k];
			size_t len = g.end[k] - g.start[k];
			size_t cs = seed_utf8_chars(g.text.p, g.start[k]);
			int ml = snprintf(meta, sizeof meta,
			                  "{\"embedding_model\":\"%s\",\"start\":%zu,\"end\":%zu,"
			                  "\"char_start\":%zu,\"char_end\":%zu}",
			                  EMBED_HASH_MODEL_ID, g.start[k], g.end[k], cs,
			                  cs + seed_utf8_chars(text, len));
			seed_copy_tuple(&c, sc->dim > 0 ? 7 : 6);
			seed_copy_buuid(&c, id);
			seed_copy_buuid(&c, item);
			seed_copy_bint32(&c, k);
			seed_copy_bfield(&c, text, len);
			if (sc->dim > 0) {
				embed_hash(text, len, sc->dim, vec);
				seed_copy_bvector(&c, vec, sc->dim);
			}
			seed_copy_bjsonb(&c, meta, (size_t)ml);
			seed_copy_btimestamp(&c, g.day * DAY + 10 * 3600);
			progress_line(sc, "chunks", done, sc->nchunks);
		}
	}
	free(vec);
	free(g.text.p);
	return st == DB_OK ? seed_copy_finish(&c) : st;
}

/* ---- orchestration --------------------------------------------------------- */

static const char *const tables[] = {
    "coaching_companies",       "coaches",    "client_organizations", "clients", "coaching_models",
    "coach_model_associations", "data_items", "data_chunks",
};
enum { NTABLES = sizeof tables / sizeof tables[0] };

/* True when none of the spec's tables has a row and this role owns them all
 * (dropping and rebuilding their indexes needs ownership). */
static db_status schema_empty(db *d, int *empty)
{
	PGresult *res = NULL;
	db_status st =
	    dbi_query(d,
	              "SELECT (SELECT bool_and(pg_has_role(relowner, 'USAGE')) FROM pg_class "
	              "WHERE oid IN ('coaching_companies'::regclass, 'coaches'::regclass, "
	              "'client_organizations'::regclass, 'clients'::regclass, "
	              "'coaching_models'::regclass, 'coach_model_associations'::regclass, "
	              "'data_items'::regclass, 'data_chunks'::regclass)) AND NOT (EXISTS (SELECT 1 "
	              "FROM coaching_companies) OR EXISTS "
	              "(SELECT 1 FROM coaches) OR EXISTS (SELECT 1 FROM client_organizations) "
	              "OR EXISTS (SELECT 1 FROM clients) OR EXISTS (SELECT 1 FROM "
	              "coaching_models) OR EXISTS (SELECT 1 FROM coach_model_associations) OR "
	              "EXISTS (SELECT 1 FROM data_items) OR EXISTS (SELECT 1 FROM data_chunks))",
	              0, NULL, &res);
	if (st == DB_OK) {
		*empty = PQgetvalue(res, 0, 0)[0] == 't';
		PQclear(res);
	}
	return st;
}

/* Refuses a second load of the same seed (its first company exists). */
static db_status scale_check(scale *sc)
{
	const char *p[] = {sc->company[0]};
	PGresult *res = NULL;
	db_status st =
	    dbi_query(sc->d, "SELECT 1 FROM coaching_companies WHERE id = $1::uuid", 1, p, &res);
	if (st != DB_OK)
		return st;
	int found = PQntuples(res) > 0;
	PQclear(res);
	if (found) {
		dbi_seterr(
		    sc->d,
		    "scale data with seed %u is already loaded; use another --seed or a fresh "
		    "database",
		    sc->seed);
		return DB_ERROR;
	}
	return DB_OK;
}

static db_status scale_tables(scale *sc, seed_stats *s)
{
	long long nassoc = 0;
	db_status st = load_companies(sc);
	if (st == DB_OK)
		st = load_coaches(sc);
	if (st == DB_OK)
		st = load_orgs(sc);
	if (st == DB_OK)
		st = load_models(sc, &nassoc);
	if (st == DB_OK)
		st = load_clients(sc);
	if (st == DB_OK && sc->nchunks > 0)
		st = load_items(sc, &s->items);
	if (st == DB_OK && sc->nchunks > 0)
		st = load_chunks(sc);
	s->companies = sc->ncompanies;
	s->coaches = sc->ncoaches;
	s->orgs = sc->norgs;
	s->clients = sc->nclients;
	s->models = sc->ncompanies * 4;
	s->chunks = sc->nchunks;
	return st;
}

/* For a superuser, skips per-row triggers for this transaction
 * (session_replication_role = replica): the foreign-key checks, which
 * otherwise queue one event per row and fire at the end of each COPY, and
 * the audit trigger. The generated rows only reference rows generated before
 * them, so they are FK-consistent by construction (tests/db/test_seed.c
 * checks it). Other roles keep the triggers and load more slowly. */
static db_status skip_row_triggers(db *d)
{
	PGresult *res = NULL;
	db_status st = dbi_query(d, "SELECT current_setting('is_superuser')", 0, NULL, &res);
	if (st != DB_OK)
		return st;
	int super = strcmp(PQgetvalue(res, 0, 0), "on") == 0;
	PQclear(res);
	return super ? dbi_exec(d, "SET LOCAL session_replication_role = replica", 0, NULL) : DB_OK;
}

/* BEGIN ... COMMIT body: settings, index handling, COPY, ANALYZE. */
static db_status scale_run(scale *sc, seed_stats *s)
{
	seed_indexes ix[NTABLES];
	memset(ix, 0, sizeof ix);
	int empty = 0;
	db_status st = dbi_exec(sc->d, "SET LOCAL statement_timeout = 0", 0, NULL);
	if (st == DB_OK)
		st = dbi_exec(sc->d, "SET LOCAL rapport.skip_audit = 'on'", 0, NULL);
	/* index builds (HNSW above all) slow down badly when their graph does not
	 * fit: raise maintenance_work_mem to 1 GB for this transaction, never lower */
	if (st == DB_OK)
		st = dbi_exec(
		    sc->d,
		    "SELECT set_config('maintenance_work_mem', '1048576kB', true) FROM pg_settings "
		    "WHERE name = 'maintenance_work_mem' AND setting::bigint < 1048576",
		    0, NULL);
	if (st == DB_OK)
		st = skip_row_triggers(sc->d);
	if (st == DB_OK)
		st = scale_check(sc);
	if (st == DB_OK)
		st = schema_empty(sc->d, &empty);
	for (int t = 0; st == DB_OK && empty && t < NTABLES; t++)
		st = seed_indexes_drop(sc->d, tables[t], &ix[t]);
	if (st == DB_OK)
		st = scale_tables(sc, s);
	for (int t = 0; st == DB_OK && empty && t < NTABLES; t++)
		st = seed_indexes_restore(sc->d, &ix[t], sc->serial_hnsw, sc->progress);
	if (sc->progress && st == DB_OK)
		fputs("seed: analyzing\n", sc->progress);
	if (st == DB_OK)
		st = dbi_exec(sc->d,
		              "ANALYZE coaching_companies, coaches, client_organizations, clients, "
		              "coaching_models, coach_model_associations, data_items, data_chunks",
		              0, NULL);
	for (int t = 0; t < NTABLES; t++)
		seed_indexes_free(&ix[t]);
	return st;
}

static db_status scale_ids(scale *sc)
{
	sc->company = calloc((size_t)sc->ncompanies, 37);
	sc->coach = calloc((size_t)sc->ncoaches, 37);
	sc->org = calloc((size_t)sc->norgs, 37);
	sc->model = calloc((size_t)sc->ncompanies * 4, 37);
	if (!sc->company || !sc->coach || !sc->org || !sc->model) {
		dbi_seterr(sc->d, "out of memory for %lld clients", sc->nclients);
		return DB_ERROR;
	}
	for (long long i = 0; i < sc->ncompanies; i++)
		seed_uuid_str(sc->company[i], "s%u:company:%lld", sc->seed, i);
	for (long long i = 0; i < sc->ncompanies * 4; i++)
		seed_uuid_str(sc->model[i], "s%u:model:%lld", sc->seed, i);
	for (long long i = 0; i < sc->ncoaches; i++)
		seed_uuid_str(sc->coach[i], "s%u:coach:%lld", sc->seed, i);
	for (long long i = 0; i < sc->norgs; i++)
		seed_uuid_str(sc->org[i], "s%u:org:%lld", sc->seed, i);
	return DB_OK;
}

db_status seed_scale(db *d, long long clients, long long chunks, unsigned seed, FILE *progress,
                     seed_stats *st)
{
	if (clients < 1 || chunks < 0) {
		dbi_seterr(d,
		           "seed --scale needs at least one client and a non-negative chunk count");
		return DB_INVALID;
	}
	db_caps caps;
	db_status s = db_caps_get(d, &caps);
	if (s != DB_OK)
		return s;
	if (!caps.schema_present) {
		dbi_seterr(d, "the schema is missing: run `rapport db migrate` first");
		return DB_NOSCHEMA;
	}
	if ((s = seed_rls_check(d)) != DB_OK)
		return s;
	scale sc = {
	    .d = d, .seed = seed, .nclients = clients, .nchunks = chunks, .progress = progress};
	sc.ncompanies = clients / 20000 + 1;
	sc.ncoaches = clients / 25 > 0 ? clients / 25 : 1;
	sc.norgs = clients / 200 > 0 ? clients / 200 : 1;
	sc.dim = caps.has_pgvector && caps.embedding_dim > 0 ? caps.embedding_dim : 0;
	sc.serial_hnsw = strcmp(caps.pgvector_version, "0.8.0") == 0 ||
	                 strcmp(caps.pgvector_version, "0.8.1") == 0 ||
	                 strncmp(caps.pgvector_version, "0.7", 3) == 0 ||
	                 strncmp(caps.pgvector_version, "0.6", 3) == 0;
	seed_stats local = {0};
	s = scale_ids(&sc);
	if (s == DB_OK)
		s = dbi_exec(d, "BEGIN", 0, NULL);
	if (s == DB_OK) {
		s = scale_run(&sc, &local);
		if (s == DB_OK)
			s = dbi_exec(d, "COMMIT", 0, NULL);
		else
			dbi_rollback(d); /* keeps the first error's message */
	}
	free(sc.company);
	free(sc.coach);
	free(sc.org);
	free(sc.model);
	if (s == DB_OK && st)
		*st = local;
	return s;
}
