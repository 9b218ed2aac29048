#ifndef RAPPORT_DB_H
#define RAPPORT_DB_H
/*
 * The shared data-access module: the only code in rapport that speaks SQL or
 * includes libpq-fe.h. No curses here. Every value is a $n parameter.
 *
 * Ownership: every struct returned through an out-pointer is owned by the
 * caller and freed with the matching *_free(). Strings inside those structs
 * belong to the struct. Text coming back is the database's raw text: callers
 * that draw it must pass it through text_sanitize() (rapport/text.h) first.
 *
 * Errors: functions return db_status. On any negative status db_errmsg()
 * holds one human-readable line (valid until the next call on that db).
 *
 * Async use (the TUI): at most one request is in flight per connection.
 * A *_send() function starts a request, discarding (and cancelling on the
 * server) any previous unfinished one. When db_socket() is readable call
 * db_poll(); once it returns DB_OK the result is ready and must be taken with
 * the *_take() that matches the *_send(). The blocking form (no suffix) is
 * send + wait + take, for the CLI and tests.
 */
#include <stdbool.h>
#include <stddef.h>

#define DB_UUID_LEN 37 /* 36 chars + NUL */
#define DB_TS_LEN 40   /* timestamp text as the server printed it */

typedef struct db db; /* one connection, opaque */

typedef enum db_status {
	DB_OK = 0,
	DB_PENDING = 1,     /* async request still running */
	DB_ERROR = -1,      /* anything else; see db_errmsg() */
	DB_NOTFOUND = -2,   /* no such record */
	DB_CONFLICT = -3,   /* optimistic concurrency: someone saved first */
	DB_CONSTRAINT = -4, /* unique / not-null / foreign-key / check violation */
	DB_CONNLOST = -5,   /* connection broken; db_reconnect() may help */
	DB_CANCELED = -6,   /* cancelled by db_cancel() or a newer *_send() */
	DB_READONLY = -7,   /* write refused: read-only session or replica */
	DB_TIMEOUT = -8,    /* statement_timeout / lock_timeout */
	DB_NOSCHEMA = -9,   /* rapport's tables are missing: run `rapport db migrate` */
	DB_DENIED = -10,    /* permission denied */
	DB_INVALID = -11,   /* bad argument (e.g. not a uuid) detected client-side */
} db_status;

const char *db_status_name(db_status s);

/* ---- connecting -------------------------------------------------------- */

typedef struct db_conn_opts {
	const char *dbname; /* -d: conninfo string, URI, or database name; NULL unset */
	const char *host;   /* -h */
	const char *port;   /* -p */
	const char *user;   /* -U */
	bool read_only;     /* --read-only: default_transaction_read_only=on */
	const char *application_name; /* NULL: "rapport" */
} db_conn_opts;

/* True when nothing names a server: no -d/-h/-p/-U and no PGHOST, PGHOSTADDR,
 * PGPORT, PGDATABASE, PGUSER, PGSERVICE or PGSERVICEFILE in the environment.
 * Then rapport uses its private cluster (rapport/local.h). */
bool db_opts_use_private(const db_conn_opts *o);

/* Connects (blocking). On failure returns NULL and, if err is non-NULL, sets
 * *err to one malloc'd line naming what was tried (socket or host, port,
 * database, user) plus a hint; the caller frees it. Enables TCP keepalives
 * and tcp_user_timeout, sets application_name, client_encoding=UTF8, and
 * routes server notices to db_notices(). */
db *db_connect(const db_conn_opts *o, char **err);
void db_close(db *d);
/* Re-establishes a broken connection with the same parameters. */
db_status db_reconnect(db *d);
bool db_is_connected(const db *d);

const char *db_errmsg(const db *d);
int db_socket(const db *d); /* -1 when not connected */
/* "user@database on host:port" or "user@database (socket dir)"; static in d. */
const char *db_describe(const db *d);
const char *db_user(const db *d);
bool db_read_only(const db *d);
/* Pops the oldest pending server notice (malloc'd, caller frees) or NULL. */
char *db_notice_pop(db *d);

/* ---- async plumbing ---------------------------------------------------- */

/* Reads what the server sent. DB_PENDING: not finished; DB_OK: the result
 * is ready to take; negative: the request failed (db_errmsg()). */
db_status db_poll(db *d);
bool db_busy(const db *d);
/* Cancels the running request on the server (PQcancel) and discards it. */
void db_cancel(db *d);

/* ---- capabilities & schema --------------------------------------------- */

typedef struct db_caps {
	int server_version;        /* e.g. 150018 */
	bool has_pgvector;         /* extension installed in this database */
	char pgvector_version[16]; /* "" when absent */
	bool iterative_scan;       /* pgvector >= 0.8.0 */
	int embedding_dim;         /* data_chunks.embedding dimension from the catalog; 0 unknown */
	bool schema_present;       /* the spec's tables exist */
	int schema_version;        /* highest applied rapport migration; 0 none */
	bool rls_enabled;          /* row-level security active on data_items */
	bool is_admin;             /* current role sees everything (superuser or rapport_admin) */
} db_caps;
db_status db_caps_get(db *d, db_caps *out);

typedef struct db_migration_state {
	char *name;    /* "001_schema.sql" */
	bool applied;
	char *applied_at; /* NULL when pending */
} db_migration_state;
/* Applies pending migrations in order, each in one transaction. *applied
 * receives how many ran (0 on a second run). */
db_status db_migrate(db *d, int *applied);
db_status db_migration_status(db *d, db_migration_state **out, size_t *n);
void db_migration_status_free(db_migration_state *v, size_t n);

/* ---- entities ------------------------------------------------------------ */

typedef enum db_kind {
	DB_NONE = 0,
	DB_COMPANY, /* coaching_companies */
	DB_COACH,   /* coaches */
	DB_ORG,     /* client_organizations */
	DB_CLIENT,  /* clients */
	DB_MODEL,   /* coaching_models */
	DB_ITEM,    /* data_items */
	DB_KIND_COUNT
} db_kind;

const char *db_kind_table(db_kind k);  /* "coaches" */
const char *db_kind_label(db_kind k);  /* "coach" */
/* Accepts table names, singular labels and short forms ("company", "coaches", "org"). */
db_kind db_kind_parse(const char *s);

/* ---- lists with keyset paging ----------------------------------------- */

typedef enum db_dir {
	DB_FIRST,  /* first `limit` rows */
	DB_AFTER,  /* rows strictly after the anchor */
	DB_BEFORE, /* rows strictly before the anchor */
	DB_LAST,   /* last `limit` rows */
} db_dir;

/* Which list: kind under parent. Valid pairs:
 *   DB_COMPANY under DB_NONE          all coaching companies
 *   DB_ORG     under DB_NONE          all client organizations
 *   DB_MODEL   under DB_NONE/COMPANY  coaching models
 *   DB_COACH   under DB_COMPANY       coaches of a company
 *   DB_COACH   under DB_MODEL         coaches using a model (flag = primary)
 *   DB_CLIENT  under DB_COACH         clients whose primary coach is this coach
 *   DB_CLIENT  under DB_ORG           clients of an organization
 *   DB_MODEL   under DB_COACH         models a coach uses (flag = primary)
 * Rows are ordered by (name, id); the anchor is a row's (name, id). */
typedef struct db_list_req {
	db_kind kind;
	db_kind parent_kind;
	char parent_id[DB_UUID_LEN];
	const char *filter; /* case-insensitive substring of name/email/slug; NULL or "" none */
	db_dir dir;
	const char *anchor_name;
	char anchor_id[DB_UUID_LEN];
	int limit; /* 1..1000 */
} db_list_req;

typedef struct db_row {
	char id[DB_UUID_LEN];
	char *name;      /* sort key */
	char *detail;    /* email for people, slug for companies/orgs/models */
	long long count; /* children: coaches of a company, clients of a coach/org,
	                    coaches of a model; -1 when not applicable */
	bool flag;       /* primary model / primary coach association */
	bool active;     /* metadata->>'active', missing counts as true */
} db_row;

typedef struct db_page {
	db_row *rows; /* always in ascending (name, id) order */
	size_t n;
	bool at_start; /* nothing before rows[0] */
	bool at_end;   /* nothing after rows[n-1] */
} db_page;

db_status db_list(db *d, const db_list_req *r, db_page **out);
db_status db_list_send(db *d, const db_list_req *r);
db_status db_list_take(db *d, db_page **out);
void db_page_free(db_page *p);
/* Number of rows the request would list over all pages (ignores dir/anchor). */
db_status db_list_count(db *d, const db_list_req *r, long long *out);

/* ---- records --------------------------------------------------------------- */

typedef struct db_field {
	const char *name; /* column name, static */
	char *value;      /* text form; NULL is SQL NULL */
} db_field;

typedef struct db_record {
	db_kind kind;
	char id[DB_UUID_LEN];
	char created_at[DB_TS_LEN];
	char updated_at[DB_TS_LEN]; /* concurrency token: pass back unchanged */
	db_field *fields;           /* core columns in table order, excluding id,
	                               metadata, created_at, updated_at */
	size_t nfields;
	char *metadata; /* JSON text; "{}" when the column is NULL */
	bool metadata_null;
} db_record;

/* By uuid. */
db_status db_record_get(db *d, db_kind k, const char *id, db_record **out);
/* By uuid, slug or email, whichever the table has. */
db_status db_record_find(db *d, db_kind k, const char *ref, db_record **out);
void db_record_free(db_record *r);
/* Field value by column name; NULL when SQL NULL or no such column. */
const char *db_record_field(const db_record *r, const char *name);

/* Optimistic concurrency: each write is one statement
 * `... WHERE id = $1 AND updated_at = $2`, recorded in the audit table in the
 * same transaction. DB_CONFLICT when updated_at no longer matches (the row
 * was saved by someone else); DB_NOTFOUND when the row is gone. On DB_OK
 * new_updated_at (if non-NULL) receives the row's new token. */
db_status db_update_metadata(db *d, db_kind k, const char *id, const char *expected_updated_at,
                             const char *json, char new_updated_at[DB_TS_LEN]);
db_status db_update_fields(db *d, db_kind k, const char *id, const char *expected_updated_at,
                           size_t n, const char *const *names, const char *const *values,
                           char new_updated_at[DB_TS_LEN]);

/* ---- detail: one record with its relations (one round trip) ------------- */

typedef struct db_item {
	char id[DB_UUID_LEN];
	char *data_type;  /* transcript | assessment | coaching_model | company_doc */
	char *visibility; /* private | coach_only | org_visible | public */
	char *created_at;
	char *title;      /* metadata->>'title', else the first line of raw_content */
	long long length; /* characters of raw_content */
	int nchunks;
} db_item;

typedef struct db_detail {
	db_record *rec;
	char *company_name; /* coach, model: its coaching company */
	char *org_name;     /* client: its organization */
	char *coach_name;   /* client: primary coach */
	char *coach_email;
	db_row *models;     /* coach: models (flag = primary); model: coaches */
	size_t nmodels;
	db_item *items;     /* coach/client/org: data items, newest first (up to 200) */
	size_t nitems;
	long long nitems_total;
} db_detail;

db_status db_detail_get(db *d, db_kind k, const char *id, db_detail **out);
db_status db_detail_send(db *d, db_kind k, const char *id);
db_status db_detail_take(db *d, db_detail **out);
void db_detail_free(db_detail *x);

/* Whole raw_content of a data item (malloc'd, caller frees). */
db_status db_item_content(db *d, const char *item_id, char **text, size_t *len);

/* ---- small helpers ------------------------------------------------------- */

/* True when s is a canonical uuid (checked with libuuid). */
bool db_is_uuid(const char *s);

/* ---- additions (H2) ------------------------------------------------------ */

/* Note on db_list ordering: the sort key is the first 256 characters of the
 * name (so names of any length can be indexed), then id. */

/* Runs a trusted multi-statement SQL script (simple protocol, no parameters).
 * Only for SQL that ships with rapport and for test setup (tests/common/testdb);
 * never with user input. */
db_status db_exec_script(db *d, const char *sql);
/* Same, returning the first column of the first row as malloc'd text in *out
 * (NULL for SQL NULL or no row). Tests and diagnostics only. */
db_status db_exec_value(db *d, const char *sql, char **out);

/* Inserts a record: n core columns (names from the table's columns, values
 * in text form, NULL = SQL NULL) plus metadata (JSON text; NULL keeps the
 * column default). The id is generated by the server unless "id" is among
 * the names. id_out (if non-NULL) receives the new id. DB_CONSTRAINT with a
 * message in words for unique / not-null / foreign-key violations. */
db_status db_record_insert(db *d, db_kind k, size_t n, const char *const *names,
                           const char *const *values, const char *metadata_json,
                           char id_out[DB_UUID_LEN]);
/* Deletes a record with the same concurrency check as the updates
 * (expected_updated_at NULL: no check). DB_CONSTRAINT (in words) when other
 * records still refer to it, e.g. a coach with clients. Data items' chunks go
 * with their item (ON DELETE CASCADE); a coach's associations go with it. */
db_status db_record_delete(db *d, db_kind k, const char *id, const char *expected_updated_at);
/* What deleting the record takes along or is blocked by: data items that
 * refer to it, their chunks, and child records (coaches of a company, clients
 * of a coach/org, coach associations of a model). */
db_status db_delete_impact(db *d, db_kind k, const char *id, long long *items, long long *chunks,
                           long long *children);

/* Coach–model associations. db_assoc_set creates or updates the association;
 * with is_primary it also clears the coach's other primary, in one statement
 * (one primary per coach is also a unique index). */
db_status db_assoc_set(db *d, const char *coach_id, const char *model_id, bool is_primary);
db_status db_assoc_remove(db *d, const char *coach_id, const char *model_id);

/* The audit trail of one record (rapport_audit), newest first. */
typedef struct db_audit_entry {
	long long id;
	char at[DB_TS_LEN];
	char *actor;  /* database role */
	char *action; /* insert | update | delete */
	char *before; /* JSON text or NULL: the changed keys' old values (whole row on delete) */
	char *after;  /* JSON text or NULL: the changed keys' new values (whole row on insert) */
} db_audit_entry;
db_status db_history(db *d, db_kind k, const char *id, db_audit_entry **out, size_t *n);
void db_history_free(db_audit_entry *v, size_t n);

/* Creates (or refreshes) the login role of the coach with this email: the
 * role is named exactly as the email, member of rapport_coach (migration
 * 004's row-level security applies to it), with CONNECT on this database.
 * password (may be NULL: no password) is hashed client-side (SCRAM) before
 * it is sent. *created: true when the role is new. DB_NOTFOUND when no coach
 * has that email; DB_DENIED without CREATEROLE. */
db_status db_grant_coach(db *d, const char *email, const char *password, bool *created);

#endif
