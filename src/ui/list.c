/* The one list widget: a keyset-paged window of database rows around the
 * cursor. Memory stays at most three pages whatever the table size. */
#include "rapport/config.h"
#include "rapport/text.h"
#include "ui/ui_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_NIL_UUID "00000000-0000-0000-0000-000000000000"

/* Frees rows [from, to) of a row array. */
static void list_free_rows(db_row *rows, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		free(rows[i].name);
		free(rows[i].detail);
	}
}

/* Sets up an empty list of kind under a parent; the first page is wanted. */
void ui_list_init(ui_list *l, db_kind kind, db_kind parent_kind, const char *parent_id, int page)
{
	memset(l, 0, sizeof *l);
	l->req.kind = kind;
	l->req.parent_kind = parent_kind;
	if (parent_id)
		snprintf(l->req.parent_id, sizeof l->req.parent_id, "%s", parent_id);
	l->page = page < 10 ? 10 : page > 1000 ? 1000 : page;
	l->count = -1;
	l->pos = -1;
	l->want = true;
	l->want_dir = DB_FIRST;
}

/* Forward: asks for the page before a seek's window. */
static void list_prefetch_later(ui_list *l);
/* Forward: wants the next page when the cursor nears an edge. */
static void list_prefetch(ui_list *l);

/* Frees the rows of the window. */
void ui_list_clear(ui_list *l)
{
	list_free_rows(l->rows, 0, l->n);
	free(l->rows);
	l->rows = NULL;
	l->n = 0;
	l->cur = 0;
	l->top = 0;
}

/* Frees the window and the seek state. */
void ui_list_free(ui_list *l)
{
	ui_list_clear(l);
	free(l->seek_name);
	l->seek_name = NULL;
}

/* Back to an unloaded list wanting its first page. */
void ui_list_reset(ui_list *l)
{
	ui_list_clear(l);
	l->pending_delta = 0;
	l->note[0] = '\0';
	l->loaded = false;
	l->at_start = l->at_end = false;
	l->want = true;
	l->want_dir = DB_FIRST;
	l->pos = -1;
}

/* Starts the page fetch the list wants. */
db_status ui_list_send(ui_list *l, db *d)
{
	db_list_req r = l->req;
	r.filter = l->filter[0] ? l->filter : NULL;
	r.dir = l->want_dir;
	r.limit = l->page;
	r.anchor_name = NULL;
	r.anchor_id[0] = '\0';
	if (r.dir == DB_AFTER && l->n) {
		r.anchor_name = l->rows[l->n - 1].name;
		memcpy(r.anchor_id, l->rows[l->n - 1].id, DB_UUID_LEN);
	} else if (r.dir == DB_BEFORE && l->n) {
		r.anchor_name = l->rows[0].name;
		memcpy(r.anchor_id, l->rows[0].id, DB_UUID_LEN);
	} else if (r.dir == DB_AFTER && l->seek_name) {
		/* seek: rows from (name, nil uuid) on, the wanted row first */
		r.anchor_name = l->seek_name;
		memcpy(r.anchor_id, LIST_NIL_UUID, sizeof LIST_NIL_UUID);
	} else if (r.dir == DB_AFTER || r.dir == DB_BEFORE) {
		r.dir = DB_FIRST;
	}
	return db_list_send(d, &r);
}

/* Drops rows from the far side so the window stays within three pages. */
static void list_trim(ui_list *l, bool front)
{
	size_t cap = (size_t)l->page * 3;
	if (l->n <= cap)
		return;
	size_t extra = l->n - cap;
	if (front) {
		list_free_rows(l->rows, 0, extra);
		memmove(l->rows, l->rows + extra, (l->n - extra) * sizeof *l->rows);
		l->cur = l->cur >= extra ? l->cur - extra : 0;
		l->top = l->top >= (int)extra ? l->top - (int)extra : 0;
		if (l->pos >= 0)
			l->pos = l->pos; /* absolute position unchanged */
		l->at_start = false;
	} else {
		list_free_rows(l->rows, l->n - extra, l->n);
		if (l->cur >= l->n - extra)
			l->cur = l->n - extra - 1;
		l->at_end = false;
	}
	l->n -= extra;
}

/* Puts page rows into the window according to the direction fetched. */
static void list_merge(ui_list *l, db_page *pg, db_dir dir)
{
	size_t k = pg->n;
	if (dir == DB_AFTER && l->n) {
		l->rows = realloc(l->rows, (l->n + k + 1) * sizeof *l->rows);
		if (!l->rows)
			app_fatal("out of memory");
		memcpy(l->rows + l->n, pg->rows, k * sizeof *pg->rows);
		l->n += k;
		l->at_end = pg->at_end;
		list_trim(l, true);
	} else if (dir == DB_BEFORE && l->n) {
		db_row *nr = malloc((l->n + k + 1) * sizeof *nr);
		if (!nr)
			app_fatal("out of memory");
		memcpy(nr, pg->rows, k * sizeof *pg->rows);
		memcpy(nr + k, l->rows, l->n * sizeof *l->rows);
		free(l->rows);
		l->rows = nr;
		l->n += k;
		l->cur += k;
		l->top += (int)k;
		l->at_start = pg->at_start;
		list_trim(l, false);
	} else {
		ui_list_clear(l);
		l->rows = malloc((k + 1) * sizeof *l->rows);
		if (!l->rows)
			app_fatal("out of memory");
		memcpy(l->rows, pg->rows, k * sizeof *pg->rows);
		l->n = k;
		l->at_start = dir == DB_FIRST ? true : pg->at_start;
		l->at_end = dir == DB_LAST ? true : pg->at_end;
		l->cur = dir == DB_LAST && k ? k - 1 : 0;
		l->top = 0;
		l->pos = dir == DB_FIRST ? 0 : -1;
	}
	free(pg->rows); /* the strings moved into the window */
	pg->rows = NULL;
	pg->n = 0;
	db_page_free(pg);
}

/* Merges the page that arrived and applies moves typed meanwhile. */
db_status ui_list_take(ui_list *l, db *d)
{
	db_page *pg = NULL;
	db_status st = db_list_take(d, &pg);
	if (st != DB_OK || !pg)
		return st;
	db_dir dir = l->want_dir;
	bool seek = dir == DB_AFTER && !l->n && l->seek_name;
	if (seek && pg->n == 0) {
		/* nothing at or after the sought row (it was the last and is gone):
		 * its neighbour is the new last row */
		db_page_free(pg);
		free(l->seek_name);
		l->seek_name = NULL;
		l->keep_id[0] = '\0';
		l->want = true;
		l->want_dir = DB_LAST;
		return DB_OK;
	}
	if ((dir == DB_AFTER || dir == DB_BEFORE) && !l->n)
		dir = DB_FIRST;
	list_merge(l, pg, dir);
	if (seek) {
		l->at_start = false; /* rows before the sought one may exist */
		l->pos = -1;
		list_prefetch_later(l);
	}
	free(l->seek_name);
	l->seek_name = NULL;
	l->want = false;
	l->loaded = true;
	if (l->keep_id[0]) {
		for (size_t i = 0; i < l->n; i++)
			if (strcmp(l->rows[i].id, l->keep_id) == 0) {
				l->cur = i;
				break;
			}
		l->keep_id[0] = '\0';
	}
	if (l->at_start && l->at_end)
		l->count = (long long)l->n;
	if (l->pending_delta) {
		int delta = l->pending_delta;
		l->pending_delta = 0;
		ui_list_move(l, delta);
	}
	list_prefetch(l); /* e.g. after a seek: the rows before it, too */
	return DB_OK;
}

/* Sets want when the cursor is near an edge with more rows beyond it. */
static void list_prefetch(ui_list *l)
{
	size_t margin = (size_t)(l->page / 4 + 1);
	if (l->want || !l->loaded)
		return;
	if (!l->at_end && l->cur + margin >= l->n) {
		l->want = true;
		l->want_dir = DB_AFTER;
	} else if (!l->at_start && l->cur < margin) {
		l->want = true;
		l->want_dir = DB_BEFORE;
	}
}

/* After a seek: fetch what lies before the sought row. */
static void list_prefetch_later(ui_list *l)
{
	l->loaded = true;
	l->want = false;
	list_prefetch(l);
}

/* Reloads the window starting at row (name, id), selected. */
void ui_list_seek(ui_list *l, const char *name, const char *id)
{
	/* name and id may point into the window about to be freed */
	char *nm = ui_xstrdup(name ? name : "");
	char keep[DB_UUID_LEN];
	snprintf(keep, sizeof keep, "%s", id ? id : "");
	ui_list_clear(l);
	l->filter[0] = '\0';
	free(l->seek_name);
	l->seek_name = nm;
	memcpy(l->keep_id, keep, sizeof keep);
	l->want = true;
	l->want_dir = DB_AFTER;
	l->loaded = false;
}

/* Moves the cursor; moves past the window wait for the next page. */
bool ui_list_move(ui_list *l, int delta)
{
	if (!l->n) {
		if (!l->loaded || l->want)
			l->pending_delta += delta;
		return false;
	}
	long long c = (long long)l->cur + delta;
	/* past the loaded window: remember the rest for when the page arrives */
	if (c >= (long long)l->n && !l->at_end)
		l->pending_delta += (int)(c - ((long long)l->n - 1));
	else if (c < 0 && !l->at_start)
		l->pending_delta += (int)c;
	if (c < 0)
		c = 0;
	if (c >= (long long)l->n)
		c = (long long)l->n - 1;
	bool moved = (size_t)c != l->cur;
	l->cur = (size_t)c;
	list_prefetch(l);
	return moved;
}

/* To the first row (a fresh first page when it is not loaded). */
void ui_list_first(ui_list *l)
{
	if (l->at_start) {
		l->cur = 0;
		list_prefetch(l);
		return;
	}
	ui_list_clear(l);
	l->want = true;
	l->want_dir = DB_FIRST;
}

/* To the last row (DB_LAST when it is not loaded). */
void ui_list_last(ui_list *l)
{
	if (l->at_end && l->n) {
		l->cur = l->n - 1;
		list_prefetch(l);
		return;
	}
	ui_list_clear(l);
	l->want = true;
	l->want_dir = DB_LAST;
}

/* The row under the cursor, or NULL. */
const db_row *ui_list_sel(const ui_list *l)
{
	return l->n ? &l->rows[l->cur] : NULL;
}

/* Keeps the cursor inside the visible rows. A cursor that moves past an edge
 * scrolls the list by `jump` rows (0: half the visible rows), so that
 * holding a key redraws the whole column once per jump rather than on every
 * move; the last row never leaves empty rows below it. */
static void list_scroll(ui_list *l, int h, int jump)
{
	if (h <= 0)
		return;
	int j = jump > 0 ? jump : h / 2;
	if (j < 1)
		j = 1;
	if (j > h)
		j = h;
	if ((int)l->cur < l->top)
		l->top = (int)l->cur - j + 1;
	if ((int)l->cur >= l->top + h) {
		l->top = (int)l->cur - h + j;
		if (l->top > (int)l->n - h)
			l->top = (int)l->n - h;
	}
	if (l->top < 0)
		l->top = 0;
}

/* Draws one row: marker, name, right-aligned count. */
static void list_draw_row(ui_list *l, app *a, WINDOW *w, int y, int x, int cols, size_t i,
                          bool focused)
{
	const db_row *r = &l->rows[i];
	bool sel = i == l->cur;
	attr_t base = app_attr(a, r->active ? THEME_NORMAL : THEME_MUTED);
	if (sel)
		base = app_attr(a, focused ? THEME_SELECTION_FOCUSED : THEME_SELECTION);
	ui_fill(w, y, x, cols, base);
	char num[32] = "";
	if (r->count >= 0)
		snprintf(num, sizeof num, " %lld", r->count);
	int nw = (int)strlen(num);
	int mark = 0;
	if (r->flag) {
		ui_put_safe(w, y, x, 2, "* ", sel ? base : app_attr(a, THEME_BADGE_PRIMARY));
		mark = 2;
	}
	ui_put(w, y, x + mark, cols - mark - nw - 1, r->name ? r->name : "", base);
	if (nw && cols > nw + 4)
		ui_put_safe(w, y, x + cols - nw, nw, num, sel ? base : app_attr(a, THEME_COUNT));
}

/* Draws the visible rows, or why there are none. */
void ui_list_draw(ui_list *l, app *a, WINDOW *w, int y, int x, int h, int cols, bool focused)
{
	l->height = h;
	list_scroll(l, h, app_config(a)->scroll_jump);
	for (int r = 0; r < h; r++) {
		size_t i = (size_t)(l->top + r);
		if (i < l->n)
			list_draw_row(l, a, w, y + r, x, cols, i, focused);
		else
			ui_fill(w, y + r, x, cols, app_attr(a, THEME_NORMAL));
	}
	if (!l->loaded && h > 0)
		ui_put_safe(w, y, x + 1, cols - 1, "loading…", app_attr(a, THEME_MUTED));
	else if (l->loaded && !l->n && h > 0 && l->note[0])
		ui_put_safe(w, y, x + 1, cols - 1, l->note, app_attr(a, THEME_STATUS_ERROR));
	else if (l->loaded && !l->n && h > 0)
		ui_put_safe(w, y, x + 1, cols - 1, l->filter[0] ? "(no match)" : "(empty)",
		            app_attr(a, THEME_MUTED));
}
