/* Miller columns: companies → coaches → clients (or orgs → clients, or
 * models → coaches), each column a keyset list widget, breadcrumb on top. */
#include "rapport/config.h"
#include "rapport/text.h"
#include "ui/ui_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HIER_MAXCOLS 3
#define HIER_MIN_COLW 21 /* narrower: show the focused list and its parent only */

typedef struct hier {
	app *a;
	char view[16];
	db_kind kinds[HIER_MAXCOLS];
	int ncols;
	ui_list col[HIER_MAXCOLS];
	int fc;         /* focused column */
	bool filtering; /* typing a filter in column fc */
	ui_line filter_line;
	int h, w;
	int pending_open; /* `l` typed while the focused column was loading */
	char copy[512];
	char err[256];
} hier;

/* Page size from the config. */
static int hier_page(hier *h)
{
	config *c = app_config(h->a);
	return c && c->page_size > 0 ? c->page_size : 100;
}

/* Sets up the columns of a view. */
static void hier_setup(hier *h, const char *view)
{
	for (int i = 0; i < h->ncols; i++)
		ui_list_free(&h->col[i]);
	if (!view || strcmp(view, "companies") == 0)
		view = "companies";
	snprintf(h->view, sizeof h->view, "%s", view);
	if (strcmp(view, "orgs") == 0) {
		h->kinds[0] = DB_ORG, h->kinds[1] = DB_CLIENT, h->ncols = 2;
	} else if (strcmp(view, "models") == 0) {
		h->kinds[0] = DB_MODEL, h->kinds[1] = DB_COACH, h->ncols = 2;
	} else {
		h->kinds[0] = DB_COMPANY, h->kinds[1] = DB_COACH, h->kinds[2] = DB_CLIENT;
		h->ncols = 3;
	}
	int page = hier_page(h);
	ui_list_init(&h->col[0], h->kinds[0], DB_NONE, NULL, page);
	for (int i = 1; i < h->ncols; i++) {
		ui_list_init(&h->col[i], h->kinds[i], h->kinds[i - 1], NULL, page);
		h->col[i].want = false;
		h->col[i].loaded = true; /* nothing to load until a parent is selected */
	}
	h->fc = 0;
	h->filtering = false;
}

/* Asks the app for the fetches the columns want. */
static void hier_request(pane *p)
{
	hier *h = p->priv;
	for (int i = 0; i < h->ncols; i++)
		if (h->col[i].want)
			app_request(h->a, p, i);
}

/* Column i's selection changed: children follow it (only if the parent differs). */
static void hier_follow(pane *p, int i)
{
	hier *h = p->priv;
	for (int c = i + 1; c < h->ncols; c++) {
		const db_row *sel = ui_list_sel(&h->col[c - 1]);
		ui_list *l = &h->col[c];
		const char *pid = sel ? sel->id : "";
		if (strcmp(l->req.parent_id, pid) == 0 && (l->loaded || l->want))
			continue;
		bool seeking = l->seek_name != NULL && strcmp(l->req.parent_id, pid) == 0;
		if (seeking)
			continue;
		ui_list_free(l);
		snprintf(l->req.parent_id, sizeof l->req.parent_id, "%s", pid);
		l->filter[0] = '\0';
		ui_list_reset(l);
		if (!sel) {
			/* no parent: nothing to ask (a request for the old parent
			 * may still be queued, e.g. after that parent was deleted) */
			l->want = false;
			l->loaded = true;
			l->at_start = l->at_end = true;
			app_request_forget(h->a, p, c);
		}
	}
	hier_request(p);
	app_selection_changed(h->a);
}

/* db send for column `tag`. */
static db_status hier_send(pane *p, db *d, int tag)
{
	hier *h = p->priv;
	if (tag < 0 || tag >= h->ncols)
		return DB_INVALID;
	return ui_list_send(&h->col[tag], d);
}

/* A page arrived for column `tag`. */
static int hier_on_result(pane *p, db *d, int tag, db_status st)
{
	hier *h = p->priv;
	if (tag < 0 || tag >= h->ncols)
		return UI_NONE;
	ui_list *l = &h->col[tag];
	if (st != DB_OK) {
		l->want = false;
		l->loaded = true;
		snprintf(l->note, sizeof l->note, "%s (C-l reloads)",
		         st == DB_CANCELED ? "canceled" : "not loaded");
		if (st != DB_CANCELED)
			app_status(h->a, UI_ERROR, "%s", db_errmsg(d));
		return UI_REDRAW;
	}
	l->note[0] = '\0';
	const db_row *before = ui_list_sel(l);
	char before_id[DB_UUID_LEN];
	snprintf(before_id, sizeof before_id, "%s", before ? before->id : "");
	ui_list_take(l, d);
	const db_row *after = ui_list_sel(l);
	if (l->want)
		app_request(h->a, p, tag);
	if (!after || strcmp(before_id, after->id) != 0 || tag + 1 < h->ncols)
		hier_follow(p, tag);
	while (tag == h->fc && h->pending_open > 0 && !l->want && after) {
		h->pending_open--;
		if (h->fc + 1 >= h->ncols)
			break;
		h->fc++;
		app_selection_changed(h->a);
		if (!h->col[h->fc].loaded || h->col[h->fc].want)
			break; /* the rest waits for that column */
	}
	return UI_REDRAW;
}

/* Count label for column i ("12", "100+", ""). */
static void hier_count(hier *h, int i, char *buf, size_t n)
{
	ui_list *l = &h->col[i];
	buf[0] = '\0';
	if (!l->loaded)
		return;
	if (l->filter[0] == '\0' && i > 0) {
		const db_row *ps = ui_list_sel(&h->col[i - 1]);
		if (ps && ps->count >= 0) {
			snprintf(buf, n, "%lld", ps->count);
			return;
		}
	}
	if (i > 0 && !h->col[i].req.parent_id[0])
		return;
	if (l->at_start && l->at_end)
		snprintf(buf, n, "%zu", l->n);
	else
		snprintf(buf, n, "%zu+", l->n);
}

/* Plural column title. */
static const char *hier_title(db_kind k)
{
	switch (k) {
	case DB_COMPANY: return "Companies";
	case DB_COACH: return "Coaches";
	case DB_CLIENT: return "Clients";
	case DB_ORG: return "Organizations";
	case DB_MODEL: return "Models";
	default: return "";
	}
}

/* Draws safe text in at most maxw columns, "…" at the end when it is cut.
 * Returns the columns used. */
static int hier_put_cut(WINDOW *w, int x, int maxw, const char *s, attr_t at)
{
	if (maxw <= 0)
		return 0;
	if (text_width(s) <= maxw)
		return ui_put_safe(w, 0, x, maxw, s, at);
	int used = ui_put_safe(w, 0, x, maxw - 1, s, at);
	return used + ui_put_safe(w, 0, x + used, 1, "…", at);
}

/* The breadcrumb: selected names of the columns up to the focused one. When
 * they do not fit, the last (the focused selection) keeps its room and the
 * names before it are cut, with "…". */
static void hier_draw_crumb(hier *h, WINDOW *w)
{
	attr_t at = app_attr(h->a, THEME_BREADCRUMB);
	ui_fill(w, 0, 0, h->w, at);
	int x = ui_put_safe(w, 0, 0, h->w, " ", at);
	char *name[HIER_MAXCOLS] = {0};
	int width[HIER_MAXCOLS], n = 0, total = 0;
	for (int i = 0; i <= h->fc && i < HIER_MAXCOLS; i++) {
		const db_row *s = ui_list_sel(&h->col[i]);
		if (!s)
			break;
		name[n] = text_sanitize(s->name ? s->name : "", (size_t)-1);
		if (!name[n])
			app_fatal("out of memory");
		width[n] = text_width(name[n]);
		total += width[n] + (n ? 3 : 0);
		n++;
	}
	int avail = h->w - x;
	if (n > 0 && total > avail) {
		/* the last name first; the others share what is left */
		int last = width[n - 1] < avail ? width[n - 1] : avail;
		int rest = avail - last - 3 * (n - 1);
		for (int i = 0; i < n - 1; i++) {
			int share = rest > 0 ? rest / (n - 1 - i) : 0;
			width[i] = width[i] < share ? width[i] : share > 1 ? share : 1;
			rest -= width[i];
		}
		width[n - 1] = last;
	}
	for (int i = 0; i < n && x < h->w; i++) {
		if (i > 0)
			x += ui_put_safe(w, 0, x, h->w - x, " › ", at);
		int room = width[i] < h->w - x ? width[i] : h->w - x;
		x += hier_put_cut(w, x, room, name[i], at);
	}
	for (int i = 0; i < n; i++)
		free(name[i]);
	if (x <= 1)
		ui_put_safe(w, 0, 1, h->w - 1, h->view, at);
}

/* Header of column i: title and count, or the filter being typed. */
static void hier_draw_header(hier *h, WINDOW *w, int i, int x, int cw)
{
	ui_list *l = &h->col[i];
	attr_t at = app_attr(h->a, THEME_HEADER);
	ui_fill(w, 1, x, cw, at);
	if (h->filtering && i == h->fc) {
		ui_line_draw(&h->filter_line, w, 1, x, cw, "/", at);
		return;
	}
	char cnt[32], title[160];
	hier_count(h, i, cnt, sizeof cnt);
	if (l->filter[0])
		snprintf(title, sizeof title, "/%s", l->filter);
	else
		snprintf(title, sizeof title, "%s", hier_title(h->kinds[i]));
	int cntw = (int)strlen(cnt);
	int used = ui_put(w, 1, x + 1, cw - cntw - 2, title, at | (i == h->fc ? A_BOLD : 0));
	(void)used;
	if (cntw && cw > cntw + 4)
		ui_put_safe(w, 1, x + cw - cntw - 1, cntw, cnt, app_attr(h->a, THEME_COUNT));
}

/* Which columns fit: all when each gets HIER_MIN_COLW, else the focused
 * one and its parent (the breadcrumb shows the rest of the path; on the
 * first column, it and its children). Sets *first and *n, returns the
 * width of each column but the last (which takes the remainder). */
static int hier_geom(const hier *h, int *first, int *n)
{
	*first = 0;
	*n = h->ncols;
	if (h->ncols > 2 && (h->w - (h->ncols - 1)) / h->ncols < HIER_MIN_COLW) {
		*n = 2;
		*first = h->fc > 0 ? h->fc - 1 : 0;
		if (*first + *n > h->ncols)
			*first = h->ncols - *n;
	}
	return (h->w - (*n - 1)) / *n;
}

/* x and width of column i (visible: i in [first, first + n)). */
static void hier_col_box(const hier *h, int i, int *x, int *width)
{
	int first, n, cw = hier_geom(h, &first, &n);
	*x = (i - first) * (cw + 1);
	*width = i == first + n - 1 ? h->w - *x : cw;
}

/* Paints breadcrumb, headers and columns. */
static void hier_draw(pane *p, WINDOW *w)
{
	hier *h = p->priv;
	werase(w);
	getmaxyx(w, h->h, h->w);
	hier_draw_crumb(h, w);
	int first, n;
	hier_geom(h, &first, &n);
	attr_t border = app_attr(h->a, THEME_BORDER);
	for (int i = first; i < first + n; i++) {
		int x, width;
		hier_col_box(h, i, &x, &width);
		hier_draw_header(h, w, i, x, width);
		ui_list_draw(&h->col[i], h->a, w, 2, x, h->h - 2, width, p->focused && i == h->fc);
		if (i > first) {
			wattrset(w, border);
			mvwvline_set(w, 1, x - 1, WACS_VLINE, h->h - 1);
			wattrset(w, A_NORMAL);
		}
	}
	if (h->filtering) {
		int x, width;
		hier_col_box(h, h->fc, &x, &width);
		ui_line_draw(&h->filter_line, w, 1, x, width, "/", app_attr(h->a, THEME_HEADER));
		app_caret(h->a, p, w);
	}
}

/* The filter changed: refetch the focused column from its first page. */
static void hier_apply_filter(pane *p, const char *text)
{
	hier *h = p->priv;
	ui_list *l = &h->col[h->fc];
	snprintf(l->filter, sizeof l->filter, "%s", text);
	ui_list_reset(l);
	hier_request(p);
}

/* Keys while typing a filter. */
static int hier_filter_key(pane *p, int key)
{
	hier *h = p->priv;
	if (key == KEYS_DOWN || key == KEYS_UP) {
		ui_list_move(&h->col[h->fc], key == KEYS_DOWN ? 1 : -1);
		hier_follow(p, h->fc);
		return UI_REDRAW;
	}
	int r = ui_line_key(&h->filter_line, key);
	if (r & UI_LINE_CANCEL) {
		h->filtering = false;
		hier_apply_filter(p, "");
	} else if (r & UI_LINE_ENTER) {
		h->filtering = false;
	} else if (r & UI_LINE_EDITED) {
		hier_apply_filter(p, h->filter_line.buf);
	}
	return UI_REDRAW;
}

/* Moves the focused column's cursor and lets the children follow. */
static int hier_move(pane *p, int delta)
{
	hier *h = p->priv;
	ui_list *l = &h->col[h->fc];
	if (ui_list_move(l, delta))
		hier_follow(p, h->fc);
	if (l->want)
		app_request(h->a, p, h->fc);
	return UI_REDRAW;
}

/* Rows per page of the visible list. */
static int hier_pagerows(hier *h)
{
	int n = h->col[h->fc].height;
	return n > 1 ? n - 1 : 1;
}

/* First/last row, possibly through a fresh page. */
static int hier_jump(pane *p, bool last)
{
	hier *h = p->priv;
	ui_list *l = &h->col[h->fc];
	if (last)
		ui_list_last(l);
	else
		ui_list_first(l);
	if (l->want)
		app_request(h->a, p, h->fc);
	else
		hier_follow(p, h->fc);
	return UI_REDRAW;
}

/* Open: into the next column, or hand over to the detail pane. */
static int hier_open(pane *p)
{
	hier *h = p->priv;
	ui_list *l = &h->col[h->fc];
	if (!ui_list_sel(l)) {
		if (!l->loaded || l->want)
			h->pending_open++; /* typed ahead: open once the rows are here */
		return UI_HANDLED;
	}
	h->pending_open = 0;
	if (h->fc + 1 < h->ncols) {
		h->fc++;
		app_selection_changed(h->a);
		return UI_REDRAW;
	}
	return UI_UNHANDLED | UI_REDRAW; /* the app's Tab logic focuses the detail */
}

/* n / d on a list: the metadata form of the selected row starts creating
 * (a sibling or child of it; on an empty list, a child of the parent row)
 * or deleting (after a question naming what goes along). */
static int hier_action(pane *p, int action)
{
	hier *h = p->priv;
	int i = h->fc;
	if (db_read_only(app_db(h->a))) { /* said now, not after a form and a question */
		app_status(h->a, UI_ERROR, "read-only session (--read-only): %s is refused",
		           action == 'n' ? "creating" : "deleting");
		return UI_REDRAW;
	}
	const db_row *r = ui_list_sel(&h->col[i]);
	if (!r && action == 'n' && i > 0) {
		i--; /* nothing here yet: create under the parent */
		r = ui_list_sel(&h->col[i]);
	}
	if (!r) {
		app_status(h->a, UI_INFO, action == 'n' ? "nothing to create under here"
		                                        : "select a record to delete first");
		return UI_REDRAW;
	}
	char id[DB_UUID_LEN]; /* the form's synchronous load may replace the rows */
	snprintf(id, sizeof id, "%s", r->id);
	app_push(h->a, pane_form_open_action(h->a, h->kinds[i], id, action));
	return UI_REDRAW;
}

/* Keys of the Miller columns. */
static int hier_key(pane *p, int key)
{
	hier *h = p->priv;
	if (h->filtering)
		return hier_filter_key(p, key);
	switch (app_command(h->a, p, key)) {
	case KEYS_CMD_DOWN: return hier_move(p, 1);
	case KEYS_CMD_UP: return hier_move(p, -1);
	case KEYS_CMD_PAGE_DOWN: return hier_move(p, hier_pagerows(h));
	case KEYS_CMD_PAGE_UP: return hier_move(p, -hier_pagerows(h));
	case KEYS_CMD_FIRST: return hier_jump(p, false);
	case KEYS_CMD_LAST: return hier_jump(p, true);
	case KEYS_CMD_OPEN:
		if (h->fc + 1 >= h->ncols)
			return UI_UNHANDLED;
		return hier_open(p);
	case KEYS_CMD_BACK:
		if (key == KEYS_ESC && h->col[h->fc].filter[0]) {
			hier_apply_filter(p, "");
			return UI_REDRAW;
		}
		if (h->fc == 0)
			return UI_UNHANDLED;
		h->fc--;
		app_selection_changed(h->a);
		return UI_REDRAW;
	case KEYS_CMD_NEW: return hier_action(p, 'n');
	case KEYS_CMD_DELETE: return hier_action(p, 'd');
	case KEYS_CMD_FILTER:
		h->filtering = true;
		ui_line_set(&h->filter_line, "");
		return UI_REDRAW;
	default: return UI_UNHANDLED;
	}
}

/* Frees the columns. */
static void hier_free(pane *p)
{
	hier *h = p->priv;
	for (int i = 0; i < h->ncols; i++)
		ui_list_free(&h->col[i]);
	free(h);
}

/* y copies the selection's email/slug, else its id. */
static const char *hier_copy(pane *p)
{
	hier *h = p->priv;
	const db_row *s = ui_list_sel(&h->col[h->fc]);
	if (!s)
		return NULL;
	snprintf(h->copy, sizeof h->copy, "%s", s->detail && *s->detail ? s->detail : s->id);
	return h->copy;
}

/* Reloads every column, keeping each selection. */
static int hier_refresh(pane *p)
{
	hier *h = p->priv;
	for (int i = 0; i < h->ncols; i++) {
		ui_list *l = &h->col[i];
		if (i > 0 && !l->req.parent_id[0])
			continue;
		const db_row *s = ui_list_sel(l);
		if (s && s->name)
			ui_list_seek(l, s->name, s->id);
		else
			ui_list_reset(l);
	}
	hier_request(p);
	return UI_REDRAW;
}

static const pane_ops hier_ops = {
    .name = "hierarchy",
    .keys_ctx = KEYS_LIST,
    .draw = hier_draw,
    .key = hier_key,
    .free = hier_free,
    .send = hier_send,
    .on_result = hier_on_result,
    .copy_value = hier_copy,
    .reload = hier_refresh,
};

/* A click at (y, x) of the window: focus that column, select the row. */
void pane_hierarchy_click(pane *p, int y, int x)
{
	hier *h = p->priv;
	if (h->filtering || y < 2 || h->w <= 0)
		return;
	int first, n, cw = hier_geom(h, &first, &n);
	int i = first + x / (cw + 1);
	if (i >= first + n)
		i = first + n - 1;
	ui_list *l = &h->col[i];
	long long idx = (long long)l->top + (y - 2);
	if (idx < 0 || idx >= (long long)l->n)
		return;
	bool moved = h->fc != i;
	h->fc = i;
	if (ui_list_move(l, (int)(idx - (long long)l->cur)) || moved)
		hier_follow(p, i);
	if (l->want)
		app_request(h->a, p, i);
}

/* The hierarchy pane for a view (companies, orgs or models). */
pane *pane_hierarchy_open(app *a, const char *view)
{
	hier *h = ui_xcalloc(1, sizeof *h);
	h->a = a;
	pane *p = pane_new(a, &hier_ops, h);
	hier_setup(h, view);
	hier_request(p);
	return p;
}

/* Switches to another view, from its first page. */
bool pane_hierarchy_set_view(pane *p, const char *view)
{
	if (strcmp(view, "companies") && strcmp(view, "orgs") && strcmp(view, "models"))
		return false;
	hier *h = p->priv;
	app_request_drop(h->a, p);
	hier_setup(h, view);
	hier_request(p);
	app_selection_changed(h->a);
	return true;
}

/* The focused column's selected row. */
ui_sel pane_hierarchy_selection(pane *p)
{
	hier *h = p->priv;
	ui_sel s = {.kind = DB_NONE};
	const db_row *r = ui_list_sel(&h->col[h->fc]);
	if (r) {
		s.kind = h->kinds[h->fc];
		snprintf(s.id, sizeof s.id, "%s", r->id);
		snprintf(s.name, sizeof s.name, "%s", r->name ? r->name : "");
	}
	return s;
}

/* Selected rows of the columns up to the focused one. */
size_t pane_hierarchy_path(pane *p, ui_sel *out, size_t max)
{
	hier *h = p->priv;
	size_t n = 0;
	for (int i = 0; i <= h->fc && n < max; i++) {
		const db_row *r = ui_list_sel(&h->col[i]);
		if (!r)
			break;
		out[n].kind = h->kinds[i];
		snprintf(out[n].id, sizeof out[n].id, "%s", r->id);
		snprintf(out[n].name, sizeof out[n].name, "%s", r->name ? r->name : "");
		n++;
	}
	return n;
}

/* True when every column has what it wants. */
bool pane_hierarchy_ready(pane *p)
{
	hier *h = p->priv;
	for (int i = 0; i < h->ncols; i++)
		if (!h->col[i].loaded || h->col[i].want)
			return false;
	return true;
}

/* Name of a record for seeking (its "name" column). */
static bool hier_record_name(db *d, db_kind k, const char *id, char *name, size_t n,
                             db_record **out)
{
	db_record *r = NULL;
	if (db_record_get(d, k, id, &r) != DB_OK)
		return false;
	const char *nm = db_record_field(r, "name");
	snprintf(name, n, "%s", nm ? nm : "");
	*out = r;
	return true;
}

/* Points column i at parent pid and seeks it to (name, id). */
static void hier_seek(hier *h, int i, const char *pid, const char *name, const char *id)
{
	ui_list *l = &h->col[i];
	snprintf(l->req.parent_id, sizeof l->req.parent_id, "%s", pid ? pid : "");
	ui_list_seek(l, name, id);
}

/* Loads the chain of parents of (kind, id) and seeks each column. */
bool pane_hierarchy_goto(pane *p, db_kind kind, const char *id_arg)
{
	hier *h = p->priv;
	/* id_arg may point into another pane's state (a search hit): copied
	 * before anything else runs */
	char id[DB_UUID_LEN];
	snprintf(id, sizeof id, "%s", id_arg ? id_arg : "");
	db *d = app_db_sync(h->a);
	if (!d)
		return false;
	/* the chain of (kind, id, name, parent) from the root down */
	db_kind ks[3];
	char ids[3][DB_UUID_LEN], names[3][256];
	int n = 0;
	db_record *r = NULL;
	char name[256];
	if (!hier_record_name(d, kind, id, name, sizeof name, &r)) {
		app_status(h->a, UI_ERROR, "%s", db_errmsg(d));
		return false;
	}
	const char *view = "companies";
	const char *up = NULL;
	db_kind upk = DB_NONE;
	if (kind == DB_CLIENT) {
		up = db_record_field(r, "primary_coach_id");
		upk = DB_COACH;
		if (!up) {
			up = db_record_field(r, "client_organization_id");
			upk = DB_ORG;
			view = "orgs";
		}
	} else if (kind == DB_COACH) {
		up = db_record_field(r, "coaching_company_id");
		upk = DB_COMPANY;
	} else if (kind == DB_ORG) {
		view = "orgs";
	} else if (kind == DB_MODEL) {
		view = "models";
	} else if (kind != DB_COMPANY) {
		db_record_free(r);
		app_status(h->a, UI_ERROR, "cannot show a %s in the hierarchy",
		           db_kind_label(kind));
		return false;
	}
	ks[n] = kind;
	snprintf(ids[n], DB_UUID_LEN, "%s", id);
	snprintf(names[n], 256, "%s", name);
	n++;
	char upid[DB_UUID_LEN] = "";
	if (up)
		snprintf(upid, sizeof upid, "%s", up);
	db_record_free(r);
	while (upid[0] && n < 3) {
		if (!hier_record_name(d, upk, upid, name, sizeof name, &r))
			break;
		ks[n] = upk;
		snprintf(ids[n], DB_UUID_LEN, "%s", upid);
		snprintf(names[n], 256, "%s", name);
		n++;
		const char *next =
		    upk == DB_COACH ? db_record_field(r, "coaching_company_id") : NULL;
		upid[0] = '\0';
		if (next)
			snprintf(upid, sizeof upid, "%s", next);
		upk = DB_COMPANY;
		db_record_free(r);
	}
	app_request_drop(h->a, p);
	hier_setup(h, view);
	for (int i = 0; i < n; i++) {
		int col = n - 1 - i; /* ks[n-1] is the root */
		hier_seek(h, col, col ? ids[n - col] : NULL, names[n - 1 - col], ids[n - 1 - col]);
	}
	(void)ks;
	h->fc = n - 1;
	hier_request(p);
	app_selection_changed(h->a);
	return true;
}
