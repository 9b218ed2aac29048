/* Detail of the selected record: core columns, relations, metadata rendered
 * as readable lines (not JSON), and its data items (Enter opens the pager). */
#include "rapport/config.h"
#include "rapport/text.h"
#include "ui/ui_priv.h"

#include <cJSON.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct dline {
	char *text; /* sanitized */
	theme_role role;
	int indent;
	int item; /* data item index, or -1 */
} dline;

typedef struct detail {
	app *a;
	ui_sel sel;   /* wanted */
	ui_sel shown; /* loaded */
	db_detail *det;
	dline *lines;
	size_t n, cap;
	int top;
	int item; /* cursor in det->items, -1 none */
	bool loading;
	long long last_show; /* ms (monotonic) of the last selection change */
	bool blank;          /* moving fast: only the new title is shown until
	                        the cursor rests and the record arrives */
	char err[256];
	int h, w;
	char copy[512];
} detail;

/* Appends one line (raw text, sanitized here). */
static void detail_add(detail *d, theme_role role, int indent, int item, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Appends one line (text is raw; sanitized here). */
static void detail_add(detail *d, theme_role role, int indent, int item, const char *fmt, ...)
{
	char raw[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->lines = realloc(d->lines, d->cap * sizeof *d->lines);
		if (!d->lines)
			app_fatal("out of memory");
	}
	char *safe = text_sanitize(raw, (size_t)-1);
	if (!safe)
		app_fatal("out of memory");
	d->lines[d->n++] = (dline){safe, role, indent, item};
}

/* Forgets the rendered lines. */
static void detail_clear_lines(detail *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->lines[i].text);
	d->n = 0;
	d->top = 0;
}

/* Line breaks and tabs of a value as spaces: the pane shows each value as
 * one wrapped paragraph (the pager shows the text itself), where they were
 * "\x0a" escapes. Other control characters stay escaped by the sanitizer. */
static void detail_flatten(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r' || *s == '\t')
			*s = ' ';
}

/* A scalar JSON value as text ("yes", "15", "C-suite"). */
static void detail_scalar(const cJSON *v, char *buf, size_t n)
{
	if (cJSON_IsBool(v))
		snprintf(buf, n, "%s", cJSON_IsTrue(v) ? "yes" : "no");
	else if (cJSON_IsNull(v))
		snprintf(buf, n, "—");
	else if (cJSON_IsString(v)) {
		snprintf(buf, n, "%s", v->valuestring);
		detail_flatten(buf);
	} else if (cJSON_IsNumber(v)) {
		char *s = cJSON_PrintUnformatted(v);
		snprintf(buf, n, "%s", s ? s : "?");
		free(s);
	} else
		snprintf(buf, n, "?");
}

/* True when every element of an array is a scalar. */
static bool detail_flat_array(const cJSON *arr)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, arr) if (cJSON_IsArray(e) || cJSON_IsObject(e)) return false;
	return true;
}

/* "snake_case" → "Snake case". */
static void detail_label(const char *key, char *buf, size_t n)
{
	snprintf(buf, n, "%s", key ? key : "");
	for (char *p = buf; *p; p++)
		if (*p == '_')
			*p = ' ';
	if (buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] = (char)(buf[0] - 'a' + 'A');
}

/* Renders a JSON value under a label, recursing into objects/arrays. */
static void detail_json(detail *d, const char *key, const cJSON *v, int indent, int depth)
{
	char label[128], val[1024];
	detail_label(key, label, sizeof label);
	if (depth > 8) {
		detail_add(d, THEME_MUTED, indent, -1, "%s: …", label);
		return;
	}
	if (cJSON_IsObject(v)) {
		if (key)
			detail_add(d, THEME_FORM_LABEL, indent, -1, "%s:", label);
		const cJSON *c;
		cJSON_ArrayForEach(c, v)
		    detail_json(d, c->string, c, indent + (key ? 2 : 0), depth + 1);
		return;
	}
	if (cJSON_IsArray(v) && detail_flat_array(v)) {
		size_t o = 0;
		val[0] = '\0';
		const cJSON *e;
		cJSON_ArrayForEach(e, v)
		{
			char one[256];
			detail_scalar(e, one, sizeof one);
			o += (size_t)snprintf(val + o, o < sizeof val ? sizeof val - o : 0, "%s%s",
			                      o ? ", " : "", one);
			if (o >= sizeof val)
				break;
		}
		detail_add(d, THEME_NORMAL, indent, -1, "%s: %s", label,
		           cJSON_GetArraySize(v) ? val : "(none)");
		return;
	}
	if (cJSON_IsArray(v)) {
		detail_add(d, THEME_FORM_LABEL, indent, -1, "%s:", label);
		int i = 0;
		const cJSON *e;
		cJSON_ArrayForEach(e, v)
		{
			char idx[16];
			snprintf(idx, sizeof idx, "%d", ++i);
			detail_json(d, idx, e, indent + 2, depth + 1);
		}
		return;
	}
	detail_scalar(v, val, sizeof val);
	detail_add(d, THEME_NORMAL, indent, -1, "%s: %s", label, val);
}

/* Metadata section. */
static void detail_metadata(detail *d, const db_record *r)
{
	detail_add(d, THEME_HEADER, 0, -1, "Metadata");
	cJSON *j = cJSON_Parse(r->metadata ? r->metadata : "{}");
	if (!j) {
		detail_add(d, THEME_MUTED, 2, -1, "(raw JSON: nested too deeply to show as fields)");
		detail_add(d, THEME_NORMAL, 2, -1, "%s", r->metadata);
		return;
	}
	if (cJSON_IsObject(j) && !j->child)
		detail_add(d, THEME_MUTED, 2, -1, "(none)");
	else
		detail_json(d, NULL, j, 2, 0);
	cJSON_Delete(j);
}

/* Core columns (ids of relations are shown by name instead). */
static void detail_fields(detail *d, const db_record *r)
{
	for (size_t i = 0; i < r->nfields; i++) {
		const db_field *f = &r->fields[i];
		if (!f->value || strcmp(f->name, "name") == 0 || strstr(f->name, "_id"))
			continue;
		char label[64], value[2048];
		detail_label(f->name, label, sizeof label);
		snprintf(value, sizeof value, "%s", f->value);
		detail_flatten(value);
		detail_add(d, THEME_NORMAL, 2, -1, "%s: %s", label, value);
	}
	if (strncmp(r->created_at, r->updated_at, 19) == 0)
		detail_add(d, THEME_MUTED, 2, -1, "Created %.19s", r->created_at);
	else
		detail_add(d, THEME_MUTED, 2, -1, "Created %.19s · updated %.19s", r->created_at,
		           r->updated_at);
	detail_add(d, THEME_MUTED, 2, -1, "%s id %s", db_kind_label(r->kind), r->id);
}

/* Relations and models. */
static void detail_relations(detail *d, const db_detail *x)
{
	if (x->company_name)
		detail_add(d, THEME_NORMAL, 2, -1, "Company: %s", x->company_name);
	if (x->org_name)
		detail_add(d, THEME_NORMAL, 2, -1, "Organization: %s", x->org_name);
	if (x->coach_name)
		detail_add(d, THEME_NORMAL, 2, -1, "Primary coach: %s <%s>", x->coach_name,
		           x->coach_email ? x->coach_email : "");
	if (x->nmodels) {
		detail_add(d, THEME_HEADER, 0, -1,
		           x->rec->kind == DB_MODEL ? "Coaches" : "Coaching models");
		for (size_t i = 0; i < x->nmodels; i++)
			detail_add(d, x->models[i].flag ? THEME_BADGE_PRIMARY : THEME_NORMAL, 2, -1,
			           "%s%s", x->models[i].name ? x->models[i].name : "",
			           x->models[i].flag ? "  (primary)" : "");
	}
}

/* Data items, one line each: type, date, visibility, title. */
static void detail_items(detail *d, const db_detail *x)
{
	if (x->rec->kind == DB_COMPANY || x->rec->kind == DB_MODEL)
		return;
	detail_add(d, THEME_HEADER, 0, -1, "Data items (%lld)", x->nitems_total);
	if (!x->nitems)
		detail_add(d, THEME_MUTED, 2, -1, "(none)");
	for (size_t i = 0; i < x->nitems; i++) {
		const db_item *it = &x->items[i];
		detail_add(d, THEME_NORMAL, 2, (int)i, "%s · %s %.10s %s",
		           it->title && *it->title ? it->title : "(untitled)",
		           it->data_type ? it->data_type : "", it->created_at ? it->created_at : "",
		           it->visibility ? it->visibility : "");
	}
}

/* Rebuilds the lines from the loaded detail. */
static void detail_render(detail *d)
{
	detail_clear_lines(d);
	if (!d->det)
		return;
	const db_record *r = d->det->rec;
	const char *name = db_record_field(r, "name");
	detail_add(d, THEME_TITLE, 0, -1, "%s", name ? name : "");
	detail_fields(d, r);
	detail_relations(d, d->det);
	detail_metadata(d, r);
	detail_items(d, d->det);
	detail_add(d, THEME_HEADER, 0, -1, "History");
	detail_add(d, THEME_MUTED, 2, (int)d->det->nitems, "changes to this record (Enter)");
	d->item = 0;
}

/* Starts the detail query for the wanted selection. */
static db_status detail_send(pane *p, db *dbc, int tag)
{
	detail *d = p->priv;
	(void)tag;
	d->loading = true;
	return db_detail_send(dbc, d->sel.kind, d->sel.id);
}

/* Takes the detail that arrived and renders its lines. */
static int detail_on_result(pane *p, db *dbc, int tag, db_status st)
{
	detail *d = p->priv;
	(void)tag;
	d->loading = false;
	d->blank = false;
	if (st != DB_OK) {
		snprintf(d->err, sizeof d->err, "%s",
		         st == DB_CANCELED ? "canceled" : db_errmsg(dbc));
		return UI_REDRAW;
	}
	db_detail *x = NULL;
	if (db_detail_take(dbc, &x) != DB_OK || !x) {
		snprintf(d->err, sizeof d->err, "%s", db_errmsg(dbc));
		return UI_REDRAW;
	}
	db_detail_free(d->det);
	d->det = x;
	d->err[0] = '\0';
	d->shown = d->sel;
	detail_render(d);
	return UI_REDRAW;
}

/* True while only the new selection's title is shown (moving fast). */
static bool detail_waiting(const detail *d)
{
	return d->blank && strcmp(d->shown.id, d->sel.id) != 0;
}

/* Shows another selection (loads it). A selection that changes again within
 * detail.delay_ms of the previous change (a held key) is loaded only once
 * the cursor rests: meanwhile the pane shows just the new title, so a move
 * repaints the list and one line here, and the server is not asked for
 * records nobody stops to read. An isolated move loads at once. */
void pane_detail_show(pane *p, const ui_sel *s)
{
	detail *d = p->priv;
	if (s->kind == d->sel.kind && strcmp(s->id, d->sel.id) == 0)
		return;
	d->sel = *s;
	if (s->kind == DB_NONE) {
		db_detail_free(d->det);
		d->det = NULL;
		detail_clear_lines(d);
		app_request_drop(d->a, p);
		return;
	}
	long long now = app_now_ms();
	int delay = app_config(d->a)->detail_delay_ms;
	if (delay > 0 && d->det && now - d->last_show < delay) {
		d->blank = true;
		app_request_after(d->a, p, 0, delay);
	} else {
		app_request(d->a, p, 0);
	}
	d->last_show = now;
}

/* Line index of data item i. */
static int detail_item_line(detail *d, int item)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->lines[i].item == item)
			return (int)i;
	return -1;
}

#define DETAIL_WRAP_ROWS 3 /* a long value shows its start, then "…" */

/* Columns of the word at the start of s (up to the next space). */
static int detail_word_width(const char *s)
{
	char word[512];
	size_t n = strcspn(s, " ");
	if (n >= sizeof word)
		return 1 << 20;
	memcpy(word, s, n);
	word[n] = '\0';
	return text_width(word);
}

/* Draws text wrapped over up to DETAIL_WRAP_ROWS rows from y (continuations
 * indented by 2), breaking between words; only a word wider than a whole
 * line is broken inside. Returns the next free row. With w NULL it only
 * counts the rows (detail_move scrolls by them). */
static int detail_wrap(WINDOW *w, int y, int x, int cols, int maxy, const char *s, attr_t at)
{
	char buf[2048];
	int indent = 0, rows = 0;
	do {
		int room = cols - indent;
		if (room < 4)
			return y + 1;
		if (++rows == DETAIL_WRAP_ROWS && text_width(s) > room) {
			int used = text_fit(s, room - 1, buf, sizeof buf);
			if (w) {
				ui_put_safe(w, y, x + indent, room, buf, at);
				ui_put_safe(w, y, x + indent + used, 1, "…", at);
			}
			return y + 1;
		}
		text_fit(s, room, buf, sizeof buf);
		size_t n = strlen(buf);
		if (n == 0)
			n = strlen(s); /* nothing fits: give up on this line */
		if (s[n] && s[n] != ' ') {
			/* a word straddles the edge: move it down if it fits a line */
			char *sp = strrchr(buf, ' ');
			if (sp && sp > buf && detail_word_width(s + (sp - buf) + 1) <= cols) {
				n = (size_t)(sp - buf) + 1;
				buf[n] = '\0';
			}
		}
		if (w)
			ui_put_safe(w, y, x + indent, room, buf, at);
		y++;
		s += n;
		while (*s == ' ')
			s++;
		/* continuations are indented, unless that alone would cut a word */
		int ww = detail_word_width(s);
		indent = ww > cols - 2 && ww <= cols ? 0 : 2;
	} while (*s && y < maxy);
	return y;
}

/* Screen rows that lines from..to (inclusive) take at the pane's width, as
 * detail_draw wraps them. */
static int detail_rows(const detail *d, int from, int to)
{
	int rows = 0, cols = d->w - 2;
	for (int i = from; i <= to && i < (int)d->n; i++) {
		const dline *l = &d->lines[i];
		rows += l->item >= 0
		            ? 1
		            : detail_wrap(NULL, 0, 0, cols - l->indent, INT_MAX, l->text, 0);
	}
	return rows;
}

/* Draws the lines from the scroll position; items highlighted. */
static void detail_draw(pane *p, WINDOW *w)
{
	detail *d = p->priv;
	werase(w);
	getmaxyx(w, d->h, d->w);
	attr_t border = app_attr(d->a, p->focused ? THEME_SELECTION_FOCUSED : THEME_BORDER);
	wattrset(w, border);
	mvwvline_set(w, 0, 0, WACS_VLINE, d->h);
	wattrset(w, A_NORMAL);
	int x = 2, cols = d->w - 2;
	if (d->sel.kind == DB_NONE) {
		ui_put_safe(w, 1, x, cols, "nothing selected", app_attr(d->a, THEME_MUTED));
		return;
	}
	bool stale = strcmp(d->shown.id, d->sel.id) != 0;
	if (d->err[0] && stale) {
		ui_put_safe(w, 1, x, cols, d->err, app_attr(d->a, THEME_STATUS_ERROR));
		return;
	}
	if (!d->det) {
		ui_put(w, 0, x, cols, d->sel.name, app_attr(d->a, THEME_TITLE));
		ui_put_safe(w, 1, x, cols, "loading…", app_attr(d->a, THEME_MUTED));
		return;
	}
	if (detail_waiting(d)) {
		ui_put(w, 0, x, cols, d->sel.name, app_attr(d->a, THEME_TITLE));
		return;
	}
	/* while the next record loads, the previous one stays (no flash of an
	 * empty pane on every move) */
	int y = 0;
	for (size_t i = (size_t)d->top; y < d->h && i < d->n; i++) {
		dline *l = &d->lines[i];
		attr_t at = app_attr(d->a, l->role);
		if (l->item >= 0 && l->item == d->item)
			at = app_attr(d->a, p->focused ? THEME_SELECTION_FOCUSED : THEME_SELECTION);
		if (l->item >= 0) {
			ui_fill(w, y, x, cols, at);
			ui_put_safe(w, y++, x + l->indent, cols - l->indent, l->text, at);
			continue;
		}
		y = detail_wrap(w, y, x + l->indent, cols - l->indent, d->h, l->text, at);
	}
	/* the next record usually arrives within milliseconds: the pane then
	 * changes once; only a slow one gets its title and "loading…" first */
	if (stale && app_slow(d->a)) {
		ui_fill(w, 0, x, cols, app_attr(d->a, THEME_TITLE));
		int n = ui_put(w, 0, x, cols - 10, d->sel.name, app_attr(d->a, THEME_TITLE));
		ui_put_safe(w, 0, x + n + 1, cols - n - 1, "loading…", app_attr(d->a, THEME_MUTED));
	}
}

/* Moves the item cursor (or scrolls when there are no items). */
static int detail_move(detail *d, int delta)
{
	if (d->det) {
		int n = (int)d->det->nitems + 1; /* the items, then the history line */
		d->item += delta;
		if (d->item < 0)
			d->item = 0;
		if (d->item >= n)
			d->item = n - 1;
		int line = detail_item_line(d, d->item);
		if (line < d->top)
			d->top = line;
		/* lines wrap: scroll until the item's row is on screen */
		while (d->top < line && detail_rows(d, d->top, line) > d->h)
			d->top++;
		if (d->item == 0 && delta < 0)
			d->top = 0;
	} else {
		d->top += delta;
		if (d->top > (int)d->n - 1)
			d->top = (int)d->n - 1;
		if (d->top < 0)
			d->top = 0;
	}
	return UI_REDRAW;
}

/* Appends printf output to a growing buffer. */
static void detail_cat(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* printf into a growing buffer. */
static void detail_cat(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (*len + (size_t)n + 1 > *cap) {
		*cap = (*len + (size_t)n + 1) * 2;
		*buf = realloc(*buf, *cap);
		if (!*buf)
			app_fatal("out of memory");
	}
	va_start(ap, fmt);
	vsnprintf(*buf + *len, *cap - *len, fmt, ap);
	va_end(ap);
	*len += (size_t)n;
}

/* Enter on the history line: the record's audit trail in the pager. */
static int detail_open_history(detail *d)
{
	db *dbc = app_db_sync(d->a);
	if (!dbc)
		return UI_REDRAW;
	db_audit_entry *v = NULL;
	size_t n = 0;
	if (db_history(dbc, d->det->rec->kind, d->det->rec->id, &v, &n) != DB_OK) {
		app_status(d->a, UI_ERROR, "%s", db_errmsg(dbc));
		return UI_REDRAW;
	}
	char *buf = NULL;
	size_t len = 0, cap = 0;
	detail_cat(&buf, &len, &cap, "%zu change%s, newest first\n\n", n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		detail_cat(&buf, &len, &cap, "%.19s  %s by %s\n", v[i].at,
		           v[i].action ? v[i].action : "?", v[i].actor ? v[i].actor : "?");
		if (v[i].before)
			detail_cat(&buf, &len, &cap, "  before: %s\n", v[i].before);
		if (v[i].after)
			detail_cat(&buf, &len, &cap, "  after:  %s\n", v[i].after);
		detail_cat(&buf, &len, &cap, "\n");
	}
	db_history_free(v, n);
	const char *name = db_record_field(d->det->rec, "name");
	char title[300];
	snprintf(title, sizeof title, "history · %s", name ? name : d->det->rec->id);
	app_pager(d->a, title, buf, len, NULL);
	free(buf);
	return UI_REDRAW;
}

/* Enter on a data item: its whole content in the pager. */
static int detail_open_item(detail *d)
{
	if (d->det && d->item == (int)d->det->nitems)
		return detail_open_history(d);
	if (!d->det || d->item < 0 || (size_t)d->item >= d->det->nitems)
		return UI_HANDLED;
	const db_item *it = &d->det->items[d->item];
	db *dbc = app_db_sync(d->a);
	if (!dbc)
		return UI_REDRAW;
	char *text = NULL;
	size_t len = 0;
	if (db_item_content(dbc, it->id, &text, &len) != DB_OK) {
		app_status(d->a, UI_ERROR, "%s", db_errmsg(dbc));
		return UI_REDRAW;
	}
	char title[512];
	snprintf(title, sizeof title, "%s · %s", it->data_type ? it->data_type : "item",
	         it->title ? it->title : "");
	app_pager(d->a, title, text, len, NULL);
	free(text);
	return UI_REDRAW;
}

/* Moves between data items; Enter opens one (or the history). */
static int detail_key(pane *p, int key)
{
	detail *d = p->priv;
	int cmd = app_command(d->a, p, key);
	if (detail_waiting(d)) {
		/* only the title is shown: the first key here loads the record at
		 * once rather than acting on one that is no longer on screen */
		app_request(d->a, p, 0);
		return cmd == KEYS_CMD_DOWN || cmd == KEYS_CMD_UP || cmd == KEYS_CMD_PAGE_DOWN ||
		               cmd == KEYS_CMD_PAGE_UP || cmd == KEYS_CMD_FIRST ||
		               cmd == KEYS_CMD_LAST || cmd == KEYS_CMD_OPEN
		           ? UI_HANDLED
		           : UI_UNHANDLED;
	}
	switch (cmd) {
	case KEYS_CMD_DOWN: return detail_move(d, 1);
	case KEYS_CMD_UP: return detail_move(d, -1);
	case KEYS_CMD_PAGE_DOWN: return detail_move(d, d->h > 2 ? d->h - 1 : 1);
	case KEYS_CMD_PAGE_UP: return detail_move(d, -(d->h > 2 ? d->h - 1 : 1));
	case KEYS_CMD_FIRST: return detail_move(d, -1000000);
	case KEYS_CMD_LAST: return detail_move(d, 1000000);
	case KEYS_CMD_OPEN:
		if (key == KEYS_RIGHT || key == 'l' || key == KEYS_ENTER)
			return detail_open_item(d);
		return UI_HANDLED;
	default: return UI_UNHANDLED;
	}
}

/* Frees the detail pane. */
static void detail_free(pane *p)
{
	detail *d = p->priv;
	detail_clear_lines(d);
	free(d->lines);
	db_detail_free(d->det);
	free(d);
}

/* y: the selected item's id, else the record's email/slug, else its id. */
static const char *detail_copy(pane *p)
{
	detail *d = p->priv;
	if (!d->det || detail_waiting(d))
		return NULL;
	if (d->item >= 0 && (size_t)d->item < d->det->nitems)
		return d->det->items[d->item].id;
	const db_record *r = d->det->rec;
	const char *v = db_record_field(r, "email");
	if (!v)
		v = db_record_field(r, "slug");
	snprintf(d->copy, sizeof d->copy, "%s", v ? v : r->id);
	return d->copy;
}

/* Reloads the shown record. */
static int detail_refresh(pane *p)
{
	detail *d = p->priv;
	if (d->sel.kind != DB_NONE) {
		d->shown.id[0] = '\0';
		app_request(d->a, p, 0);
	}
	return UI_REDRAW;
}

static const pane_ops detail_ops = {
    .name = "detail",
    .keys_ctx = KEYS_LIST,
    .draw = detail_draw,
    .key = detail_key,
    .free = detail_free,
    .send = detail_send,
    .on_result = detail_on_result,
    .copy_value = detail_copy,
    .reload = detail_refresh,
};

/* The detail pane (empty until a selection arrives). */
pane *pane_detail_open(app *a)
{
	detail *d = ui_xcalloc(1, sizeof *d);
	d->a = a;
	d->item = -1;
	return pane_new(a, &detail_ops, d);
}
