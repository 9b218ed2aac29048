#ifndef RAPPORT_SEED_DATA_H
#define RAPPORT_SEED_DATA_H
/* Private to src/db/seed*.c: the demo corpus as static data (seed_demo_text.c,
 * seed_topics.c) and the deterministic composition helpers (seed_compose.c).
 * Nothing here allocates except seed_buf, which the caller frees. */
#include <stddef.h>
#include <stdint.h>

#define SEED_MISSING (-1) /* an int field whose metadata key is left out */

typedef struct seed_company {
	const char *name, *slug;
	const char *website, *contact_email, *logo_url; /* NULL: key left out */
	int active;                                     /* 1, 0 or SEED_MISSING */
	int founded;                                    /* year or SEED_MISSING */
} seed_company;

typedef struct seed_coach {
	const char *name, *email;
	int company;
	int active;           /* 1, 0 or SEED_MISSING */
	int experience_years; /* or SEED_MISSING */
	const char *specializations[4];
	const char *certifications[4]; /* all NULL + no_certs: key left out */
	int no_certs;
	const char *timezone; /* NULL: key left out */
	int models[3];        /* indices into seed_models, -1 ends; [0] is primary */
	const char *bio;      /* NULL: column NULL */
} seed_coach;

typedef struct seed_org {
	const char *name, *slug, *domain;
	const char *industry;               /* NULL: column NULL */
	const char *size;                   /* startup | mid-market | enterprise; NULL: left out */
	int employee_count;                 /* or SEED_MISSING */
	const char *headquarters, *website; /* NULL: left out */
	int active;                         /* 1, 0 or SEED_MISSING */
	const char *timezone;               /* clients' default timezone */
	const char *about;                  /* one paragraph for org notes */
	const char *objectives[3];          /* OKR objectives */
	const char *key_results[3][3];      /* three per objective */
} seed_org;

typedef struct seed_client {
	const char *name, *title; /* title NULL: column NULL */
	const char *department;   /* NULL: key left out */
	int org, coach;           /* coach -1: no primary coach */
	const char *goals[3];     /* topic keys; first NULL: empty goals array */
	int tz_mode;              /* 0 org timezone, 1 key left out, 2 other */
	int active;               /* 1, 0 or SEED_MISSING */
} seed_client;

typedef struct seed_model {
	int company;
	const char *name, *slug, *description, *content;
	const char *version, *model_type, *author;
	const char *tags[4];
	const char *tie_in[3]; /* coach lines that bring the model into a session */
} seed_model;

/* One conversation topic: banks of turns with {placeholders} (see seed_fill). */
typedef struct seed_topic {
	const char *key, *title, *goal;
	const char *tags[3];
	const char *situation[4]; /* client opens the topic */
	const char *explore[5];   /* coach questions */
	const char *reflect[5];   /* client answers */
	const char *insight[3];   /* coach reflections */
	const char *options[3];   /* client options */
	const char *commit[3];    /* client commitments */
} seed_topic;

extern const seed_company seed_companies[];
extern const size_t seed_ncompanies;
extern const seed_coach seed_coaches[];
extern const size_t seed_ncoaches;
extern const seed_org seed_orgs[];
extern const size_t seed_norgs;
extern const seed_client seed_clients[];
extern const size_t seed_nclients;
extern const seed_model seed_models[];
extern const size_t seed_nmodels;
extern const seed_topic seed_topics[];
extern const size_t seed_ntopics;

/* Generic session turns (seed_topics.c). */
extern const char *const seed_open_first[];
extern const char *const seed_open_next[];
extern const char *const seed_report_back[];
extern const char *const seed_learn_ask[];
extern const char *const seed_learning[];
extern const char *const seed_goal_link[];
extern const char *const seed_goal_reply[];
extern const char *const seed_ask_commit[];
extern const char *const seed_close_coach[];
extern const char *const seed_close_client[];
extern const char *const seed_peers[];
extern const char *const seed_first_names[];
extern const char *const seed_last_names[];
extern const char *const seed_titles[];
extern const char *const seed_departments[];
extern const char *const seed_industries[];
extern const char *const seed_timezones[];
size_t seed_count(const char *const *list); /* entries before the NULL */
const seed_topic *seed_topic_find(const char *key);

/* ---- deterministic helpers (seed_compose.c) ----------------------------- */

typedef struct seed_rng {
	uint64_t s;
} seed_rng;
/* splitmix64 stream derived from the user's seed and a stable name. */
void seed_rng_init(seed_rng *r, unsigned seed, const char *name);
uint64_t seed_rng_next(seed_rng *r);
unsigned seed_rng_below(seed_rng *r, unsigned n); /* 0..n-1; n > 0 */

/* Growable byte buffer; p is malloc'd, free with free(b.p). Out of memory
 * aborts (seed data cannot be half-built). */
typedef struct seed_buf {
	char *p;
	size_t len, cap;
} seed_buf;
void seed_buf_add(seed_buf *b, const void *s, size_t n);
void seed_buf_str(seed_buf *b, const char *s);
void seed_buf_fmt(seed_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The first name of a full name into out (n bytes), skipping "Dr. ". */
void seed_first_name(const char *full, char *out, size_t n);

/* Values for the {placeholders} of topic and generic turns. */
typedef struct seed_vars {
	const char *client, *coach; /* first names */
	const char *org, *dept, *title, *goal, *prev, *peer, *model, *quarter;
	const char *last; /* the client's commitment last session, expanded; NULL none */
	int team;
} seed_vars;
/* Appends template t with placeholders replaced: {C} {K} {ORG} {DEPT}
 * {TITLE} {GOAL} {PREV} {PEER} {MODEL} {Q} {TEAM}. */
void seed_fill(seed_buf *b, const char *t, const seed_vars *v);

/* A coaching session transcript on `topic` (1.5-6 KB): speaker turns
 * "Name: text", one per paragraph, never two in a row by the same speaker.
 * tie_in may be NULL. When v->last is set the client first reports back on
 * it. The commitment made in this session is written (expanded) to
 * commit_out when non-NULL. */
void seed_transcript(seed_buf *b, seed_rng *r, const seed_topic *topic, const seed_vars *v,
                     const char *const *tie_in, int first_session, size_t target,
                     seed_buf *commit_out);
/* A few turns (about `target` bytes) of dialogue on `topic`, for scale
 * chunks; about one exchange in four drifts to `alt` (may be NULL). */
void seed_dialogue(seed_buf *b, seed_rng *r, const seed_topic *topic, const seed_topic *alt,
                   const seed_vars *v, size_t target);

/* Assessments and company documents (seed_docs.c). */
void seed_disc_report(seed_buf *b, seed_rng *r, const char *client, const char *coach,
                      const char *date, const char *goal);
void seed_type_report(seed_buf *b, seed_rng *r, const char *client, const char *coach,
                      const char *date, const char *goal);
void seed_360_report(seed_buf *b, seed_rng *r, const seed_client *c, const char *coach,
                     const char *date);
void seed_okr_doc(seed_buf *b, const seed_org *o, const char *quarter);
void seed_org_notes(seed_buf *b, const seed_org *o, int org_index, const char *coach,
                    const char *date);
void seed_agreement_doc(seed_buf *b, const seed_org *o, const char *company, const char *coach);

#endif
