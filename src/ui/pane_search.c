/* The search pane: a query line with an instant mode switch (hybrid /
 * semantic / text), results (score, date, type, client, coach, snippet with
 * the matched words highlighted) that arrive asynchronously, the transcript
 * in the pager at the hit, more-like-this, jump to the client, history. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rapport/config.h"
#include "rapport/embed.h"
#include "rapport/search.h"
#include "rapport/text.h"
#include "ui/ui_priv.h"

enum { TAG_SEARCH = 1, TAG_MORE = 2, HIST_MAX = 50, HEAD_ROWS = 3 };

/* Queries of this process, oldest first: shared by every search pane. */
static char *history[HIST_MAX];
static int nhistory;

typedef struct searchp {
	app *a;
	ui_line line;
	bool editing; /* keys go to the query line */
	/* the user went back to the query line (or typed in it) after the
	 * running search started: its results must not take the keys away */
	bool line_touched;
	search_mode mode;
	char scope_id[4][DB_UUID_LEN]; /* company, coach, client, org */
	char scope_label[300];
	char like[DB_UUID_LEN]; /* more-like-this source chunk; "" none */
	char like_label[300];
	char query[512]; /* what the shown results answer */
	embedder *emb;   /* model id, and hash embeddings made in place */
	float *vec;      /* the embedding of vec_query when vec_ok */
	bool vec_ok;
	char vec_query[512];
	bool embedding; /* a job embeds job_query; the search waits for it */
	char job_query[512];
	int dim;
	char no_semantic[300]; /* why semantic search is off; "" when on */
	search_hit *hits;
	size_t n, cap;
	bool more, ran;
	char status[400];
	theme_role status_role;
	int cur, top, h, w;
	double t0;
	int hist_pos; /* index into history while browsing it, else nhistory */
	char draft[512];
	char *copy; /* what y copies last time */
} searchp;

/* Sets the pane's status line (raw text is sanitized when drawn). */
static void sp_status(searchp *s, theme_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void sp_status(searchp *s, theme_role role, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->status, sizeof s->status, fmt, ap);
	va_end(ap);
	s->status_role = role;
}

/* Frees the hits shown. */
static void sp_clear_hits(searchp *s)
{
	search_hits_free(s->hits, s->n);
	s->hits = NULL;
	s->n = s->cap = 0;
	s->cur = s->top = 0;
}

/* Moves res's hits to the end of the list (res keeps its note; caller frees). */
static void sp_append(searchp *s, search_result *res)
{
	if (s->n + res->n > s->cap) {
		s->cap = (s->n + res->n) * 2 + 16;
		s->hits = realloc(s->hits, s->cap * sizeof *s->hits);
		if (!s->hits)
			app_fatal("out of memory");
	}
	if (res->n)
		memcpy(s->hits + s->n, res->hits, res->n * sizeof *res->hits);
	s->n += res->n;
	s->more = res->more;
	res->n = 0;
}

/* Remembers q in the history (no immediate duplicates). */
static void sp_remember(const char *q)
{
	if (!*q || (nhistory && strcmp(history[nhistory - 1], q) == 0))
		return;
	if (nhistory == HIST_MAX) {
		free(history[0]);
		memmove(history, history + 1, (HIST_MAX - 1) * sizeof *history);
		nhistory--;
	}
	history[nhistory++] = ui_xstrdup(q);
}

static int sp_embed_start(searchp *s, pane *p);

/* True when the search for s->query needs a query embedding it lacks. */
static bool sp_needs_embedding(const searchp *s)
{
	return s->mode != SEARCH_TEXT && !s->like[0] && s->emb &&
	       !(s->vec_ok && strcmp(s->vec_query, s->query) == 0);
}

/* Starts a new search from the query line (or the more-like-this source):
 * a query that needs embedding by a remote provider is embedded in the
 * background first (sp_embed_start); anything older is dropped. */
static int sp_run(searchp *s, pane *p)
{
	snprintf(s->query, sizeof s->query, "%s", s->line.buf);
	if (!s->like[0] && !s->query[0]) {
		sp_status(s, THEME_MUTED, "type words and press Enter");
		return UI_REDRAW;
	}
	if (!s->like[0])
		sp_remember(s->query);
	s->hist_pos = nhistory;
	s->line_touched = false;
	s->ran = true;
	s->t0 = (double)app_now_ms();
	bool remote = sp_needs_embedding(s) &&
	              strcmp(embed_model_id(s->emb), EMBED_HASH_MODEL_ID) != 0;
	if (remote && s->embedding && strcmp(s->job_query, s->query) == 0)
		return UI_REDRAW; /* a mode switch: the running embedding serves it */
	app_jobs_cancel(s->a, p);
	s->embedding = false;
	if (remote) {
		app_request_drop(s->a, p); /* older results must not arrive meanwhile */
		return sp_embed_start(s, p);
	}
	sp_status(s, THEME_MUTED, "searching… (Esc cancels)");
	app_request(s->a, p, TAG_SEARCH);
	return UI_REDRAW;
}

/* ---- the query embedding ---------------------------------------------------------
 * The hash embedder answers in microseconds and runs in place. Any other
 * provider (an HTTP endpoint, a program) may take seconds, so it runs as an
 * app job with its own embedder and its own copy of the text: a newer query,
 * Esc or closing the pane cancels the job (embed_interrupt stops it) and its
 * result is never seen. */

typedef struct sp_job {
	embedder *emb; /* the job's own */
	char *text;
	float *vec;
	char *err;
	int rc;
} sp_job;

/* In the job's thread: the one blocking call. */
static void sp_job_run(void *arg)
{
	sp_job *j = arg;
	const char *texts[] = {j->text};
	j->rc = embed_batch(j->emb, texts, 1, j->vec, &j->err);
}

/* Thread-safe: asks the running embedding to give up. */
static void sp_job_interrupt(void *arg)
{
	embed_interrupt(((sp_job *)arg)->emb);
}

/* Frees a job once its thread is done with it. */
static void sp_job_free(void *arg)
{
	sp_job *j = arg;
	embed_free(j->emb);
	free(j->text);
	free(j->vec);
	free(j->err);
	free(j);
}

/* In the loop: the embedding of the current query arrived; search with it. */
static int sp_job_done(pane *p, void *arg)
{
	searchp *s = p->priv;
	sp_job *j = arg;
	s->embedding = false;
	if (j->rc != 0) {
		sp_status(s, THEME_STATUS_ERROR, "embedding the query: %s", j->err ? j->err : "failed");
		return UI_REDRAW;
	}
	memcpy(s->vec, j->vec, (size_t)s->dim * sizeof *s->vec);
	snprintf(s->vec_query, sizeof s->vec_query, "%s", j->text);
	s->vec_ok = true;
	sp_status(s, THEME_MUTED, "searching… (Esc cancels)");
	app_request(s->a, p, TAG_SEARCH);
	return UI_REDRAW;
}

static const app_job_ops sp_job_ops = {
    .run = sp_job_run,
    .done = sp_job_done,
    .interrupt = sp_job_interrupt,
    .free_arg = sp_job_free,
};

/* Starts embedding s->query in the background. */
static int sp_embed_start(searchp *s, pane *p)
{
	embed_config ec = {0};
	config_embed(app_config(s->a), &ec);
	char *err = NULL;
	sp_job *j = ui_xcalloc(1, sizeof *j);
	j->emb = embed_new(&ec, s->dim, &err);
	j->text = ui_xstrdup(s->query);
	j->vec = ui_xcalloc((size_t)s->dim, sizeof *j->vec);
	if (!j->emb || !app_job_start(s->a, p, &sp_job_ops, j)) {
		sp_status(s, THEME_STATUS_ERROR, "embedding the query: %s",
		          err ? err : "cannot start a thread");
		free(err);
		sp_job_free(j);
		return UI_REDRAW;
	}
	s->embedding = true;
	snprintf(s->job_query, sizeof s->job_query, "%s", s->query);
	sp_status(s, THEME_MUTED, "embedding the query… (Esc cancels)");
	return UI_REDRAW;
}

/* Embeds the query in place (hash); false with a status when it can't. */
static bool sp_embed_now(searchp *s)
{
	char *err = NULL;
	const char *texts[] = {s->query};
	if (embed_batch(s->emb, texts, 1, s->vec, &err) != 0) {
		sp_status(s, THEME_STATUS_ERROR, "embedding the query: %s", err ? err : "failed");
		free(err);
		return false;
	}
	snprintf(s->vec_query, sizeof s->vec_query, "%s", s->query);
	s->vec_ok = true;
	return true;
}

/* The request for the current state; offset for the next page. */
static search_req sp_req(searchp *s, int offset)
{
	const config *cfg = app_config(s->a);
	search_req r = {
	    .mode = s->mode,
	    .query = s->query[0] ? s->query : NULL,
	    .like_chunk_id = s->like[0] ? s->like : NULL,
	    .company_id = s->scope_id[0],
	    .coach_id = s->scope_id[1],
	    .client_id = s->scope_id[2],
	    .org_id = s->scope_id[3],
	    .limit = cfg && cfg->search_limit > 0 ? cfg->search_limit : 50,
	    .offset = offset,
	};
	return r;
}

/* The query embedding for semantic/hybrid; false with a status when there is none. */
static bool sp_embed(searchp *s, search_req *r)
{
	if (r->mode == SEARCH_TEXT || r->like_chunk_id)
		return true;
	if (!s->emb) {
		sp_status(s, THEME_STATUS_ERROR, "%s", s->no_semantic);
		return false;
	}
	if (sp_needs_embedding(s)) {
		/* only the hash embedder gets here (sp_run embeds the others first) */
		if (strcmp(embed_model_id(s->emb), EMBED_HASH_MODEL_ID) != 0) {
			sp_status(s, THEME_STATUS_ERROR, "the query is not embedded yet: press Enter");
			return false;
		}
		if (!sp_embed_now(s))
			return false;
	}
	r->qvec = s->vec;
	r->qdim = s->dim;
	r->model_id = embed_model_id(s->emb);
	return true;
}

/* Starts the search (or the next page) from the pane's state. */
static db_status sp_send(pane *p, db *d, int tag)
{
	searchp *s = p->priv;
	search_req r = sp_req(s, tag == TAG_MORE ? (int)s->n : 0);
	if (!sp_embed(s, &r))
		return DB_INVALID;
	db_status st = search_send(d, &r);
	if (st != DB_OK && st != DB_PENDING)
		sp_status(s, THEME_STATUS_ERROR, "%s", db_errmsg(d));
	return st;
}

/* The query time for the status (" · 12 ms"), or "" when
 * RAPPORT_HIDE_TIMINGS is set to anything but 0 (screenshots and other
 * reproducible captures: tests/tools/screenshots.sh sets it). */
static void sp_timing(const searchp *s, char *buf, size_t n)
{
	const char *hide = getenv("RAPPORT_HIDE_TIMINGS");
	if (hide && *hide && strcmp(hide, "0") != 0)
		buf[0] = '\0';
	else
		snprintf(buf, n, " · %.0f ms", (double)app_now_ms() - s->t0);
}

/* Status after results arrived: count, mode, time, note. */
static void sp_done_status(searchp *s, const search_result *res)
{
	char ms[40];
	sp_timing(s, ms, sizeof ms);
	if (res->note)
		sp_status(s, THEME_STATUS_WARN, "%zu%s results%s · %s", s->n, s->more ? "+" : "", ms,
		          res->note);
	else if (!s->n)
		sp_status(s, THEME_MUTED, "no results (%s%s)", search_mode_name(res->mode), ms);
	else
		sp_status(s, THEME_MUTED, "%zu%s results · %s%s", s->n, s->more ? "+" : "",
		          search_mode_name(res->mode), ms);
}

/* Takes the results: a new list, or the next page appended. */
static int sp_on_result(pane *p, db *d, int tag, db_status st)
{
	searchp *s = p->priv;
	if (st == DB_CANCELED) {
		sp_status(s, THEME_STATUS_WARN, "search cancelled");
		return UI_REDRAW;
	}
	if (st != DB_OK) {
		if (!s->status[0] || s->status_role != THEME_STATUS_ERROR)
			sp_status(s, THEME_STATUS_ERROR, "%s", db_errmsg(d));
		return UI_REDRAW;
	}
	search_result *res = NULL;
	if (search_take(d, &res) != DB_OK) {
		sp_status(s, THEME_STATUS_ERROR, "%s", db_errmsg(d));
		return UI_REDRAW;
	}
	if (tag == TAG_SEARCH) {
		sp_clear_hits(s);
		if (!s->line_touched)
			s->editing = false;
	}
	sp_append(s, res);
	sp_done_status(s, res);
	search_result_free(res);
	return UI_REDRAW;
}

/* ---- drawing ------------------------------------------------------------------ */

/* A sanitized copy of n bytes of raw text with line breaks as spaces. */
static char *sp_flat(const char *raw, size_t n)
{
	char *t = ui_xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		t[i] = raw[i] == '\n' || raw[i] == '\r' || raw[i] == '\t' ? ' ' : raw[i];
	t[n] = '\0';
	char *safe = text_sanitize(t, n);
	free(t);
	if (!safe)
		app_fatal("out of memory");
	return safe;
}

/* Draws a snippet on row y from x within cols, matches in the match role. */
static void sp_draw_snippet(searchp *s, WINDOW *w, int y, int x, int cols, const char *snip,
                            attr_t base)
{
	size_t pos = 0, len = 0;
	const char *seg = NULL;
	bool hl = false;
	attr_t match = app_attr(s->a, THEME_MATCH);
	while (cols > 0 && search_snippet_next(snip, &pos, &seg, &len, &hl)) {
		char *safe = sp_flat(seg, len);
		int used = ui_put_safe(w, y, x, cols, safe, hl ? match : base);
		free(safe);
		x += used;
		cols -= used;
	}
}

/* Two rows for hit i at row y. */
static void sp_draw_hit(searchp *s, pane *p, WINDOW *w, int y, size_t i)
{
	const search_hit *h = &s->hits[i];
	bool sel = (int)i == s->cur && !s->editing;
	attr_t base = sel ? app_attr(s->a, p->focused ? THEME_SELECTION_FOCUSED : THEME_SELECTION)
	                  : app_attr(s->a, THEME_NORMAL);
	int x = 1, cols = s->w - 2;
	ui_fill(w, y, 0, s->w, base);
	char score[32];
	snprintf(score, sizeof score, "%6.3f ", h->score);
	int used = ui_put_safe(w, y, x, cols, score, sel ? base : app_attr(s->a, THEME_SEARCH_SCORE));
	char line[1024];
	snprintf(line, sizeof line, "%s  %s  %s · %s  %s", h->item_date ? h->item_date : "",
	         h->data_type ? h->data_type : "", h->client_name ? h->client_name : "—",
	         h->coach_name ? h->coach_name : "—", h->title ? h->title : "");
	ui_put(w, y, x + used, cols - used, line, base);
	sp_draw_snippet(s, w, y + 1, x + 7, cols - 7, h->snippet, app_attr(s->a, THEME_NORMAL));
}

/* The title row: mode tabs and the scope. */
static void sp_draw_title(searchp *s, WINDOW *w)
{
	attr_t t = app_attr(s->a, THEME_TITLE), muted = app_attr(s->a, THEME_MUTED);
	ui_fill(w, 0, 0, s->w, t);
	int x = ui_put_safe(w, 0, 1, s->w - 2, "Search ", t) + 1;
	/* more like this is always semantic, whatever the query line's mode */
	int on = s->like[0] ? SEARCH_SEMANTIC : (int)s->mode;
	for (int m = 0; m < SEARCH_MODE_COUNT; m++) {
		char tab[32];
		snprintf(tab, sizeof tab, m == on ? "[%s]" : " %s ", search_mode_name(m));
		attr_t at = m == on ? app_attr(s->a, THEME_KEY) : muted;
		x += ui_put_safe(w, 0, x, s->w - x - 1, tab, at);
	}
	x += ui_put_safe(w, 0, x, s->w - x - 1, "  ", t);
	ui_put(w, 0, x, s->w - x - 1, s->like[0] ? s->like_label : s->scope_label, t);
}

/* Title, query line, status and two rows per result. */
static void sp_draw(pane *p, WINDOW *w)
{
	searchp *s = p->priv;
	werase(w);
	getmaxyx(w, s->h, s->w);
	sp_draw_title(s, w);
	const char *prompt = s->like[0] ? "like › " : "search › ";
	ui_line_draw(&s->line, w, 1, 1, s->w - 2, prompt,
	             app_attr(s->a, s->editing ? THEME_NORMAL : THEME_MUTED));
	ui_put(w, 2, 1, s->w - 2, s->status, app_attr(s->a, s->status_role));
	int rows = (s->h - HEAD_ROWS) / 2;
	if (s->cur < s->top)
		s->top = s->cur;
	if (rows > 0 && s->cur >= s->top + rows)
		s->top = s->cur - rows + 1;
	for (int r = 0; r < rows && (size_t)(s->top + r) < s->n; r++)
		sp_draw_hit(s, p, w, HEAD_ROWS + 2 * r, (size_t)(s->top + r));
	if (s->editing) {
		ui_line_draw(&s->line, w, 1, 1, s->w - 2, prompt, app_attr(s->a, THEME_NORMAL));
		app_caret(s->a, p, w);
	}
}

/* ---- keys ---------------------------------------------------------------------- */

/* Next mode; says why when semantic search is off (and skips to text). */
static int sp_cycle_mode(searchp *s, pane *p)
{
	s->mode = (search_mode)((s->mode + 1) % SEARCH_MODE_COUNT);
	if (s->mode != SEARCH_TEXT && s->no_semantic[0]) {
		s->mode = SEARCH_TEXT;
		sp_status(s, THEME_STATUS_WARN, "%s", s->no_semantic);
		return UI_REDRAW;
	}
	if (s->like[0] || s->ran)
		return sp_run(s, p);
	return UI_REDRAW;
}

/* ↑/↓ in the query line: older/newer queries from the history. */
static int sp_history(searchp *s, int delta)
{
	if (s->hist_pos == nhistory)
		snprintf(s->draft, sizeof s->draft, "%s", s->line.buf);
	int pos = s->hist_pos + delta;
	if (pos < 0 || pos > nhistory)
		return UI_HANDLED;
	s->hist_pos = pos;
	ui_line_set(&s->line, pos == nhistory ? s->draft : history[pos]);
	return UI_REDRAW;
}

/* Esc / Ctrl-C while a search runs: Ctrl-C goes to the app's cancel (which
 * reports back through on_result); Esc drops the request, and the app
 * cancels a dropped request on the server when it does not finish at once. */
static int sp_cancel(searchp *s, pane *p, int key)
{
	if (s->embedding) { /* Esc or Ctrl-C: the embedding's result is dropped */
		app_jobs_cancel(s->a, p);
		s->embedding = false;
	} else if (key != KEYS_ESC) {
		return UI_UNHANDLED;
	}
	app_request_drop(s->a, p);
	sp_status(s, THEME_STATUS_WARN, "search cancelled");
	return UI_REDRAW;
}

/* A key while typing the query. */
static int sp_key_line(searchp *s, pane *p, int key)
{
	s->line_touched = true; /* sp_run (Enter, Tab) clears it */
	if (key == KEYS_TAB || key == KEYS_F(2) || key == KEYS_CTRL('t'))
		return sp_cycle_mode(s, p);
	if (key == KEYS_UP)
		return sp_history(s, -1);
	if (key == KEYS_DOWN) {
		if (s->hist_pos < nhistory)
			return sp_history(s, 1);
		if (s->n)
			s->editing = false;
		return UI_REDRAW;
	}
	if ((key == KEYS_ESC || key == KEYS_CTRL('c')) && (s->embedding || app_loading(s->a, p, -1)))
		return sp_cancel(s, p, key);
	int r = ui_line_key(&s->line, key);
	if (r & UI_LINE_ENTER) {
		s->like[0] = '\0';
		return sp_run(s, p);
	}
	if (r & UI_LINE_CANCEL)
		return s->n ? (s->editing = false, UI_REDRAW) : UI_CLOSE;
	if (r & UI_LINE_EDITED) {
		s->like[0] = '\0';
		s->hist_pos = nhistory;
	}
	return r & UI_LINE_IGNORED ? UI_UNHANDLED : UI_REDRAW;
}

/* Moves the result cursor; asks for the next page near the end. */
static int sp_move(searchp *s, pane *p, int delta)
{
	if (!s->n)
		return UI_HANDLED;
	long c = (long)s->cur + delta;
	c = c < 0 ? 0 : c >= (long)s->n ? (long)s->n - 1 : c;
	s->cur = (int)c;
	if (s->more && !s->embedding && (size_t)s->cur + 5 >= s->n &&
	    !app_loading(s->a, p, TAG_MORE)) {
		s->t0 = (double)app_now_ms();
		app_request(s->a, p, TAG_MORE);
	}
	return UI_REDRAW;
}

/* The first highlighted word of a snippet (for the pager's n/N), in buf. */
static void sp_first_match(const char *snip, char *buf, size_t n)
{
	size_t pos = 0, len = 0;
	const char *seg = NULL;
	bool hl = false;
	buf[0] = '\0';
	while (search_snippet_next(snip, &pos, &seg, &len, &hl))
		if (hl) {
			snprintf(buf, n, "%.*s", (int)len, seg);
			return;
		}
}

/* Enter: the whole item in the pager, scrolled to the chunk, chunk highlighted. */
static int sp_open(searchp *s)
{
	if (!s->n)
		return UI_HANDLED;
	/* a request that finishes during app_db_sync() is held back (asked
	 * again from the loop), so s->hits stays as it is until we return */
	db *d = app_db_sync(s->a);
	if (!d)
		return UI_REDRAW;
	const search_hit *h = &s->hits[s->cur];
	char *text = NULL;
	size_t len = 0;
	if (db_item_content(d, h->item_id, &text, &len) != DB_OK) {
		app_status(s->a, UI_ERROR, "%s", db_errmsg(d));
		return UI_REDRAW;
	}
	char word[128], title[600];
	sp_first_match(h->snippet, word, sizeof word);
	ui_pager_opts o = {0};
	if (h->start >= 0 && (size_t)h->end <= len) {
		o.scroll_to = (size_t)h->start;
		o.hl_start = (size_t)h->start;
		o.hl_len = (size_t)(h->end - h->start);
	}
	o.search = word[0] ? word : NULL;
	snprintf(title, sizeof title, "%s · %s · %s", h->title ? h->title : "item",
	         h->client_name ? h->client_name : "—", h->item_date ? h->item_date : "");
	app_pager(s->a, title, text, len, &o);
	free(text);
	return UI_REDRAW;
}

/* m: passages like the selected one (its stored vector; no provider). */
static int sp_more_like(searchp *s, pane *p)
{
	if (!s->n)
		return UI_HANDLED;
	const search_hit *h = &s->hits[s->cur];
	if (s->no_semantic[0] && strstr(s->no_semantic, "pgvector")) {
		sp_status(s, THEME_STATUS_WARN, "%s", s->no_semantic);
		return UI_REDRAW;
	}
	snprintf(s->like, sizeof s->like, "%s", h->chunk_id);
	snprintf(s->like_label, sizeof s->like_label, "like: %s #%d", h->title ? h->title : "",
	         h->chunk_index);
	ui_line_set(&s->line, "");
	return sp_run(s, p);
}

/* o: the hierarchy at the result's client. */
static int sp_jump(searchp *s)
{
	if (!s->n)
		return UI_HANDLED;
	const search_hit *h = &s->hits[s->cur];
	if (!h->client_id[0]) {
		app_status(s->a, UI_INFO, "this item has no client");
		return UI_REDRAW;
	}
	app_goto(s->a, DB_CLIENT, h->client_id);
	return UI_REDRAW;
}

/* A key on the results list. */
static int sp_key_list(searchp *s, pane *p, int key)
{
	if (key == KEYS_TAB || key == KEYS_F(2))
		return sp_cycle_mode(s, p);
	if ((key == KEYS_ESC || key == KEYS_CTRL('c')) && (s->embedding || app_loading(s->a, p, -1)))
		return sp_cancel(s, p, key);
	if (key == KEYS_ESC)
		return UI_CLOSE;
	switch (app_command(s->a, p, key)) {
	case KEYS_CMD_DOWN: return sp_move(s, p, 1);
	case KEYS_CMD_UP:
		if (s->cur == 0) {
			s->editing = s->line_touched = true;
			return UI_REDRAW;
		}
		return sp_move(s, p, -1);
	case KEYS_CMD_PAGE_DOWN: return sp_move(s, p, (s->h - HEAD_ROWS) / 2);
	case KEYS_CMD_PAGE_UP: return sp_move(s, p, -(s->h - HEAD_ROWS) / 2);
	case KEYS_CMD_FIRST: return sp_move(s, p, -(int)s->n);
	case KEYS_CMD_LAST: return sp_move(s, p, (int)s->n);
	case KEYS_CMD_OPEN: return sp_open(s);
	case KEYS_CMD_MORE_LIKE: return sp_more_like(s, p);
	case KEYS_CMD_JUMP: return sp_jump(s);
	case KEYS_CMD_SEARCH_MODE: return sp_cycle_mode(s, p);
	case KEYS_CMD_SEARCH_EDIT:
		s->editing = s->line_touched = true;
		return UI_REDRAW;
	case KEYS_CMD_BACK: return UI_CLOSE;
	default: return UI_UNHANDLED;
	}
}

/* Keys go to the query line while typing, else to the list. */
static int sp_key(pane *p, int key)
{
	searchp *s = p->priv;
	return s->editing ? sp_key_line(s, p, key) : sp_key_list(s, p, key);
}

/* ---- life cycle ------------------------------------------------------------------- */

/* Frees the pane's state. */
static void sp_free(pane *p)
{
	searchp *s = p->priv;
	sp_clear_hits(s);
	embed_free(s->emb);
	free(s->vec);
	free(s->copy);
	free(s);
}

/* y copies the selected passage (plain text, no markers). */
static const char *sp_copy(pane *p)
{
	searchp *s = p->priv;
	if (!s->n || s->editing)
		return s->line.buf[0] ? s->line.buf : NULL;
	free(s->copy);
	s->copy = search_snippet_plain(s->hits[s->cur].snippet);
	return s->copy;
}

/* The connection came back or the theme changed: run the search again. */
static int sp_reload(pane *p)
{
	searchp *s = p->priv;
	return s->ran ? sp_run(s, p) : UI_REDRAW;
}

static const pane_ops search_ops = {
    .name = "search",
    .keys_ctx = KEYS_SEARCH,
    .draw = sp_draw,
    .key = sp_key,
    .free = sp_free,
    .send = sp_send,
    .on_result = sp_on_result,
    .copy_value = sp_copy,
    .reload = sp_reload,
};

/* Scope ids and label from the hierarchy selection. */
static void sp_scope(searchp *s, const ui_sel *scope)
{
	static const db_kind kinds[] = {DB_COMPANY, DB_COACH, DB_CLIENT, DB_ORG};
	snprintf(s->scope_label, sizeof s->scope_label, "everywhere");
	for (size_t i = 0; scope && i < 4; i++)
		if (scope->kind == kinds[i] && scope->id[0]) {
			snprintf(s->scope_id[i], DB_UUID_LEN, "%s", scope->id);
			snprintf(s->scope_label, sizeof s->scope_label, "in %s %s",
			         db_kind_label(scope->kind), scope->name);
		}
}

/* The embedder and the default mode, from the config and the database. */
static void sp_setup(searchp *s)
{
	const config *cfg = app_config(s->a);
	s->mode = SEARCH_HYBRID;
	if (cfg && cfg->search_mode)
		search_mode_parse(cfg->search_mode, &s->mode);
	db *d = app_db_sync(s->a);
	db_caps caps = {0};
	if (!d || db_caps_get(d, &caps) != DB_OK || search_prepare(d) != DB_OK) {
		snprintf(s->no_semantic, sizeof s->no_semantic, "%s",
		         d ? db_errmsg(d) : "not connected");
	} else if (search_semantic_unavailable(d)) {
		snprintf(s->no_semantic, sizeof s->no_semantic, "%s", search_semantic_unavailable(d));
	} else {
		embed_config ec = {0};
		if (cfg)
			config_embed(cfg, &ec);
		char *err = NULL;
		s->dim = caps.embedding_dim;
		s->emb = embed_new(&ec, s->dim, &err);
		if (!s->emb)
			snprintf(s->no_semantic, sizeof s->no_semantic,
			         "semantic search is off: the embedding provider failed: %s",
			         err ? err : "unknown error");
		free(err);
		s->vec = s->emb ? ui_xcalloc((size_t)s->dim, sizeof *s->vec) : NULL;
	}
	if (s->no_semantic[0]) {
		s->mode = SEARCH_TEXT;
		sp_status(s, THEME_STATUS_WARN, "%s", s->no_semantic);
	} else {
		sp_status(s, THEME_MUTED, "Enter search · Tab/F2 mode · ↑↓ history · Esc close");
	}
}

/* The search pane, scoped to the selection (NULL: everywhere). */
pane *pane_search_open(app *a, const ui_sel *scope)
{
	searchp *s = ui_xcalloc(1, sizeof *s);
	s->a = a;
	s->editing = true;
	s->hist_pos = nhistory;
	sp_scope(s, scope);
	sp_setup(s);
	pane *p = pane_new(a, &search_ops, s);
	p->place = UI_FULL;
	return p;
}
