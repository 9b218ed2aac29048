/* The metadata form pane (`e` on a record): one widget per schema type over
 * the form model (rapport/form.h), raw JSON mode, $VISUAL/$EDITOR hand-off,
 * save with a diff preview and optimistic concurrency, the conflict dialog
 * (keep mine / take theirs / merge key by key), undo of the last save, and a
 * recovery file for unsaved edits when the terminal goes away. */
#include "rapport/form.h"
#include "rapport/metaschema.h"
#include "rapport/slug.h"
#include "rapport/text.h"
#include "ui/ui_priv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef enum pf_mode { PF_FORM, PF_EDIT, PF_RAW, PF_DIFF, PF_CONFLICT, PF_ASK } pf_mode;
/* What a yes/no question asked inside the pane does on yes. */
typedef enum pf_ask { ASK_DISCARD_CLOSE, ASK_DROP_RAW, ASK_DELETE, ASK_DROP_STORED } pf_ask;
typedef enum pf_edit { PE_VALUE, PE_ITEM, PE_NEW_ITEM, PE_NEW_KEY, PE_COLUMN } pf_edit;

typedef struct pf_row {
	int col; /* >= 0: core column; PF_ROW_META: metadata; PF_ROW_SEP: separator */
	size_t field;
	long item; /* -1: the field itself; >= 0: a list item */
} pf_row;
enum { PF_ROW_META = -1, PF_ROW_SEP = -2 };

/* A core column of the record (name, email, ... and foreign keys). */
typedef struct pf_col {
	const char *name; /* static column name */
	char *orig;       /* as loaded or last saved; NULL: SQL NULL */
	char *cur;        /* current value; NULL: SQL NULL */
	db_kind fk;       /* referenced kind for a foreign key, else DB_NONE */
	char *fk_label;   /* name of the record cur refers to */
	char *orig_label; /* name of the record orig refers to */
	char *theirs;     /* after a conflict: the database's value */
	bool conflict;
} pf_col;

typedef struct pf pf;
struct pf {
	app *a;
	pane *self;
	pf *parent;       /* nested object: the form this one edits a value of */
	int start_action; /* 'n' or 'd' to run once placed (from the browser's lists) */
	bool from_list;   /* opened for that action: the form closes when it ends */
	size_t parent_field;
	bool recovery_checked;
	db_kind kind;
	char id[DB_UUID_LEN];
	char token[DB_TS_LEN]; /* updated_at the edit is based on */
	char *name;            /* record name (raw) */
	metaschema *schema;
	form *f;
	pf_col *cols;
	size_t ncols;
	int edit_col;  /* column being edited inline */
	db_page *pick; /* rows offered by a foreign-key picker */
	int pick_col;
	bool pick_none; /* the picker's first choice is "(none)" */
	ms_report *rep; /* validation of the current document */
	pf_mode mode;
	/* field list */
	pf_row *rows;
	size_t nrows, cur;
	int top, height, width;
	/* inline editor */
	ui_line line;
	pf_edit edit;
	char *new_key;
	/* raw JSON mode: the text exactly as typed */
	char *raw;
	char *raw_orig; /* the form as text when R opened it (NULL: other text) */
	size_t raw_len, raw_cap, raw_cur;
	int raw_top;
	bool raw_failed;   /* the last apply failed on this text */
	/* the stored metadata does not fit the form (e.g. nested deeper than
	 * FORM_MAX_DEPTH): the form model is an empty stand-in, so it may never
	 * be saved; only text the user makes parse replaces the document */
	bool unrepresentable;
	char raw_err[200]; /* where and why, shown while in raw mode */
	/* yes/no asked inside the pane (its answer may close the pane) */
	pf_ask ask;
	pf_mode ask_from;
	/* the pane's own message line (the status line is shared) */
	char note[300];
	bool note_err;
	char ask_msg[640];          /* ASK_DELETE's question */
	char *new_name;             /* create: the name typed so far */
	db_kind new_kind;           /* create: what */
	int new_mode;               /* create: where (pf_new_modes) */
	char new_org[DB_UUID_LEN];  /* create a client of this coach: its organization */
	char model_id[DB_UUID_LEN]; /* association being edited */
	form_json **versions;       /* H: past metadata versions offered */
	size_t nversions;
	/* save preview and conflict */
	form_diff *diff;
	form_merge *merge;
	form_json *theirs;
	char theirs_token[DB_TS_LEN];
	size_t mcur;
	bool per_key;
	/* undo of the last save */
	char *undo_json; /* metadata before the last save (NULL: it changed none) */
	char undo_token[DB_TS_LEN];
	size_t undo_ncols; /* columns before the last save */
	const char *undo_names[16];
	char *undo_vals[16];
	char *undo_labels[16];
};

static void pf_rows_build(pf *s);

/* ---- small helpers ------------------------------------------------------- */

static attr_t pf_attr(pf *s, theme_role r)
{
	return app_attr(s->a, r);
}

/* Says something on the pane's message line and on the status line. */
static void pf_say(pf *s, ui_msg lvl, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void pf_say(pf *s, ui_msg lvl, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->note, sizeof s->note, fmt, ap);
	va_end(ap);
	s->note_err = lvl == UI_ERROR;
	app_status(s->a, lvl, "%s", s->note);
}

/* Revalidates after an edit and rebuilds the rows. */
static void pf_changed(pf *s)
{
	ms_opts o = {.zone_check = meta_zone_exists};
	ms_report_free(s->rep);
	s->rep = form_validate(s->f, &o);
	pf_rows_build(s);
}

/* The first validation error about field key, or NULL. */
static const ms_issue *pf_issue(const pf *s, const char *key)
{
	size_t n = strlen(key);
	for (size_t i = 0; s->rep && i < s->rep->n; i++) {
		const ms_issue *is = &s->rep->v[i];
		if (is->severity == MS_ERROR && strncmp(is->path, key, n) == 0 &&
		    (is->path[n] == '\0' || is->path[n] == '.' || is->path[n] == '['))
			return is;
	}
	return NULL;
}

static void pf_rows_build(pf *s)
{
	size_t n = s->ncols + 1, nf = form_nfields(s->f);
	for (size_t i = 0; i < nf; i++)
		n += 1 + (form_field_at(s->f, i)->widget == FORM_LIST ? form_list_len(s->f, i) : 0);
	free(s->rows);
	s->rows = ui_xcalloc(n, sizeof *s->rows);
	s->nrows = 0;
	for (size_t c = 0; c < s->ncols; c++)
		s->rows[s->nrows++] = (pf_row){(int)c, 0, -1};
	if (s->ncols)
		s->rows[s->nrows++] = (pf_row){PF_ROW_SEP, 0, -1};
	for (size_t i = 0; i < nf; i++) {
		s->rows[s->nrows++] = (pf_row){PF_ROW_META, i, -1};
		if (form_field_at(s->f, i)->widget == FORM_LIST)
			for (size_t j = 0; j < form_list_len(s->f, i); j++)
				s->rows[s->nrows++] = (pf_row){PF_ROW_META, i, (long)j};
	}
	if (s->cur >= s->nrows)
		s->cur = s->nrows ? s->nrows - 1 : 0;
	if (s->nrows && s->rows[s->cur].col == PF_ROW_SEP)
		s->cur = s->cur + 1 < s->nrows ? s->cur + 1 : s->cur - 1;
}

/* Moves the cursor to field i (item j, or -1). */
static void pf_goto(pf *s, size_t i, long j)
{
	for (size_t r = 0; r < s->nrows; r++)
		if (s->rows[r].col == PF_ROW_META && s->rows[r].field == i &&
		    s->rows[r].item == j) {
			s->cur = r;
			return;
		}
}

/* The current row when it is a metadata row, else NULL. */
static const pf_row *pf_row_cur(const pf *s)
{
	return s->nrows && s->rows[s->cur].col == PF_ROW_META ? &s->rows[s->cur] : NULL;
}

/* The current core column, or NULL. */
static pf_col *pf_col_cur(const pf *s)
{
	return s->nrows && s->rows[s->cur].col >= 0 ? &s->cols[s->rows[s->cur].col] : NULL;
}

static bool pf_cols_dirty(const pf *s)
{
	for (size_t i = 0; i < s->ncols; i++) {
		const pf_col *c = &s->cols[i];
		if ((c->orig == NULL) != (c->cur == NULL) || (c->orig && strcmp(c->orig, c->cur)))
			return true;
	}
	return false;
}

static bool pf_col_dirty(const pf_col *c)
{
	return (c->orig == NULL) != (c->cur == NULL) || (c->orig && strcmp(c->orig, c->cur));
}

/* Moves the cursor by delta rows, skipping the separator. */
static void pf_move(pf *s, long delta)
{
	long n = (long)s->nrows, c = (long)s->cur + delta;
	if (!n)
		return;
	c = c < 0 ? 0 : c >= n ? n - 1 : c;
	if (s->rows[c].col == PF_ROW_SEP)
		c = delta < 0 ? (c > 0 ? c - 1 : c + 1) : (c + 1 < n ? c + 1 : c - 1);
	s->cur = (size_t)c;
}

/* ---- recovery file ------------------------------------------------------- */

/* $XDG_STATE_HOME/rapport (created 0700), or ~/.local/state/rapport. */
static int pf_state_dir(char *buf, size_t n)
{
	const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	if (x && *x)
		snprintf(buf, n, "%s/rapport", x);
	else if (home && *home)
		snprintf(buf, n, "%s/.local/state/rapport", home);
	else
		return -1;
	char parent[4096];
	snprintf(parent, sizeof parent, "%s", buf);
	char *sl = strrchr(parent, '/');
	if (sl && sl != parent) {
		*sl = '\0';
		mkdir(parent, 0700);
	}
	if (mkdir(buf, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

static int pf_recovery_path(const pf *s, char *buf, size_t n)
{
	char dir[4000];
	if (pf_state_dir(dir, sizeof dir) != 0)
		return -1;
	snprintf(buf, n, "%s/recovery-%s-%s.json", dir, db_kind_table(s->kind), s->id);
	return 0;
}

/* The unsaved text of the form: raw text in raw mode, else the JSON. */
static char *pf_unsaved_text(pf *s)
{
	if (s->mode == PF_RAW && s->raw)
		return ui_xstrdup(s->raw);
	return form_to_json(s->f, true);
}

static bool pf_cols_dirty(const pf *s);

static bool pf_unsaved(const pf *s)
{
	return form_dirty(s->f) ||
	       (s->mode == PF_RAW && s->raw &&
	        (!s->raw_orig || strcmp(s->raw, s->raw_orig) != 0)) ||
	       pf_cols_dirty(s);
}

/* Writes the recovery file (0600) when there is something unsaved. */
static void pf_recovery_write(pf *s)
{
	char path[4096];
	if (!pf_unsaved(s) || pf_recovery_path(s, path, sizeof path) != 0)
		return;
	form_json *o = form_json_new(FJ_OBJECT);
	char *text = pf_unsaved_text(s);
	form_json_set(o, "table", form_json_string(db_kind_table(s->kind)));
	form_json_set(o, "id", form_json_string(s->id));
	form_json_set(o, "updated_at", form_json_string(s->token));
	form_json_set(o, "metadata_text", form_json_string(text));
	form_json *cols = form_json_new(FJ_OBJECT);
	for (size_t i = 0; i < s->ncols; i++)
		if (pf_col_dirty(&s->cols[i]))
			form_json_set(cols, s->cols[i].name,
			              s->cols[i].cur ? form_json_string(s->cols[i].cur)
			                             : form_json_new(FJ_NULL));
	form_json_set(o, "columns", cols);
	char *out = form_json_print(o, 2);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		size_t len = strlen(out), off = 0;
		while (off < len) {
			ssize_t w = write(fd, out + off, len - off);
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		fsync(fd);
		close(fd);
	}
	free(out);
	free(text);
	form_json_free(o);
}

static void pf_recovery_remove(pf *s)
{
	char path[4096];
	if (pf_recovery_path(s, path, sizeof path) == 0)
		unlink(path);
}

/* Reads a whole file (malloc'd, NUL-terminated) or NULL. */
static char *pf_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	size_t cap = 4096, n = 0;
	char *b = ui_xmalloc(cap);
	size_t got;
	while ((got = fread(b + n, 1, cap - n - 1, fp)) > 0) {
		n += got;
		if (n + 1 == cap) {
			b = realloc(b, cap *= 2);
			if (!b)
				app_fatal("out of memory");
		}
		if (n > FORM_MAX_INPUT)
			break;
	}
	fclose(fp);
	b[n] = '\0';
	*len = n;
	return b;
}

/* ---- raw JSON buffer ----------------------------------------------------- */

static void raw_set(pf *s, const char *text)
{
	free(s->raw_orig);
	s->raw_orig = NULL;
	free(s->raw);
	s->raw_len = strlen(text);
	s->raw_cap = s->raw_len + 64;
	s->raw = ui_xmalloc(s->raw_cap);
	memcpy(s->raw, text, s->raw_len + 1);
	s->raw_cur = 0;
	s->raw_top = 0;
	s->raw_failed = false;
	s->raw_err[0] = '\0';
}

static void raw_insert(pf *s, const char *bytes, size_t n)
{
	if (s->raw_len + n + 1 > s->raw_cap) {
		s->raw_cap = (s->raw_len + n + 1) * 2;
		s->raw = realloc(s->raw, s->raw_cap);
		if (!s->raw)
			app_fatal("out of memory");
	}
	memmove(s->raw + s->raw_cur + n, s->raw + s->raw_cur, s->raw_len - s->raw_cur + 1);
	memcpy(s->raw + s->raw_cur, bytes, n);
	s->raw_len += n;
	s->raw_cur += n;
	s->raw_failed = false;
}

/* Byte offset of the start of the line containing offset i. */
static size_t raw_bol(const pf *s, size_t i)
{
	while (i > 0 && s->raw[i - 1] != '\n')
		i--;
	return i;
}

static size_t raw_eol(const pf *s, size_t i)
{
	while (i < s->raw_len && s->raw[i] != '\n')
		i++;
	return i;
}

static size_t raw_prev_char(const pf *s, size_t i)
{
	while (i > 0 && ((unsigned char)s->raw[--i] & 0xC0) == 0x80)
		;
	return i;
}

static size_t raw_next_char(const pf *s, size_t i)
{
	if (i < s->raw_len)
		i++;
	while (i < s->raw_len && ((unsigned char)s->raw[i] & 0xC0) == 0x80)
		i++;
	return i;
}

/* Characters between a and b (same line). */
static size_t raw_chars(const pf *s, size_t a, size_t b)
{
	size_t n = 0;
	for (size_t i = a; i < b; i++)
		n += ((unsigned char)s->raw[i] & 0xC0) != 0x80;
	return n;
}

/* Offset of character column col in the line starting at bol. */
static size_t raw_at_col(const pf *s, size_t bol, size_t col)
{
	size_t i = bol, eol = raw_eol(s, bol);
	while (col-- > 0 && i < eol)
		i = raw_next_char(s, i);
	return i;
}

/* Up/down by one line keeping the column. */
static void raw_vertical(pf *s, int dir)
{
	size_t bol = raw_bol(s, s->raw_cur), col = raw_chars(s, bol, s->raw_cur);
	if (dir < 0) {
		if (bol == 0)
			return;
		s->raw_cur = raw_at_col(s, raw_bol(s, bol - 1), col);
	} else {
		size_t eol = raw_eol(s, s->raw_cur);
		if (eol >= s->raw_len)
			return;
		s->raw_cur = raw_at_col(s, eol + 1, col);
	}
}

static void raw_backspace(pf *s)
{
	if (!s->raw_cur)
		return;
	size_t p = raw_prev_char(s, s->raw_cur);
	memmove(s->raw + p, s->raw + s->raw_cur, s->raw_len - s->raw_cur + 1);
	s->raw_len -= s->raw_cur - p;
	s->raw_cur = p;
	s->raw_failed = false;
}

static void raw_delete(pf *s)
{
	if (s->raw_cur >= s->raw_len)
		return;
	s->raw_cur = raw_next_char(s, s->raw_cur);
	raw_backspace(s);
}

/* Encodes code point cp as UTF-8 into out; returns the length. */
static size_t utf8_encode(int cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Enters raw mode on the current document. */
static void pf_raw_begin(pf *s)
{
	char *t = form_to_json(s->f, true);
	raw_set(s, t);
	s->raw_orig = t; /* only a change to it is unsaved */
	s->mode = PF_RAW;
}

/* Parses the raw text into the form. On error keeps the text, moves the
 * cursor to the error and says where; returns -1. */
static int pf_raw_apply(pf *s)
{
	form_perr e;
	if (form_replace_json(s->f, s->raw, s->raw_len, &e) != 0) {
		s->raw_cur = e.offset <= s->raw_len ? e.offset : s->raw_len;
		s->raw_failed = true;
		snprintf(s->raw_err, sizeof s->raw_err, "line %d, column %d: %s", e.line, e.col,
		         e.msg);
		pf_say(s, UI_ERROR, "%s (text kept; fix it, or Esc again to drop it)", s->raw_err);
		return -1;
	}
	free(s->raw);
	s->raw = NULL;
	s->mode = PF_FORM;
	s->unrepresentable = false; /* the user's text is now the whole document */
	pf_changed(s);
	return 0;
}

/* ---- drawing ----------------------------------------------------------------- */

/* The value column text for row r (malloc'd). */
static char *pf_value_text(pf *s, const pf_row *r)
{
	const form_field *fl = form_field_at(s->f, r->field);
	if (r->item >= 0)
		return ui_xstrdup(form_list_item(s->f, r->field, (size_t)r->item));
	const form_json *v = form_value(s->f, r->field);
	char buf[160];
	if (!v) {
		const cJSON *def = form_default(s->f, r->field);
		if (fl->widget == FORM_TOGGLE && def)
			return ui_xstrdup(cJSON_IsTrue(def) ? "[x] (default: true)"
			                                    : "[ ] (default: false)");
		return ui_xstrdup(fl->widget == FORM_TOGGLE ? "[ ]" : "");
	}
	switch (fl->widget) {
	case FORM_TOGGLE: return ui_xstrdup(v->b ? "[x] true" : "[ ] false");
	case FORM_LIST:
		snprintf(buf, sizeof buf, "%zu item%s", v->n, v->n == 1 ? "" : "s");
		return ui_xstrdup(buf);
	case FORM_ENUM: {
		char *d = form_display(s->f, r->field);
		snprintf(buf, sizeof buf, "< %.140s >", d);
		free(d);
		return ui_xstrdup(buf);
	}
	default: return form_display(s->f, r->field);
	}
}

static void pf_draw_row(pf *s, WINDOW *w, int y, const pf_row *r, bool sel, int labw)
{
	const form_field *fl = form_field_at(s->f, r->field);
	int cols = getmaxx(w);
	attr_t base = sel ? pf_attr(s, THEME_SELECTION_FOCUSED) : pf_attr(s, THEME_NORMAL);
	ui_fill(w, y, 0, cols, base);
	const ms_issue *is = r->item < 0 ? pf_issue(s, fl->key) : NULL;
	if (r->item < 0) {
		attr_t la = sel ? base : pf_attr(s, is ? THEME_FORM_INVALID : THEME_FORM_LABEL);
		int x = ui_put(w, y, 1, labw, fl->key, la);
		if (form_field_dirty(s->f, r->field))
			ui_put_safe(w, y, 1 + x, 1, "*", la);
	} else {
		ui_put_safe(w, y, labw - 1, 3, "\u2022", base);
	}
	int vx = labw + 3, vw = cols - vx - 1;
	if (s->mode == PF_EDIT && sel) {
		ui_line_draw(&s->line, w, y, vx, vw, "", pf_attr(s, THEME_NORMAL));
		app_caret(s->a, s->self, w);
		return;
	}
	char *v = pf_value_text(s, r);
	int used = ui_put(w, y, vx, vw, v, base);
	free(v);
	char hint[200] = "";
	if (is)
		snprintf(hint, sizeof hint, "  %s", is->rule);
	else if (r->item < 0 && !fl->schema)
		snprintf(hint, sizeof hint, "  (unknown key: raw JSON%s)",
		         ms_is_snake_case(fl->key) ? "" : "; key not snake_case");
	else if (r->item < 0 && sel) {
		char h[160];
		form_hint(s->f, r->field, h, sizeof h);
		if (*h)
			snprintf(hint, sizeof hint, "  (%s)", h);
	}
	if (*hint && vw - used > 4)
		ui_put_safe(w, y, vx + used, vw - used, hint,
		            sel ? base : pf_attr(s, is ? THEME_FORM_INVALID : THEME_MUTED));
}

/* Display text of a column value (foreign keys by name). */
static const char *pf_col_text(const pf_col *c)
{
	if (c->fk && c->cur)
		return c->fk_label ? c->fk_label : c->cur;
	return c->cur ? c->cur : "";
}

static void pf_draw_col(pf *s, WINDOW *w, int y, const pf_col *c, bool sel, int labw)
{
	int cols = getmaxx(w);
	attr_t base = sel ? pf_attr(s, THEME_SELECTION_FOCUSED) : pf_attr(s, THEME_NORMAL);
	ui_fill(w, y, 0, cols, base);
	attr_t la = sel ? base : pf_attr(s, c->conflict ? THEME_FORM_INVALID : THEME_HEADER);
	int x = ui_put_safe(w, y, 1, labw, c->name, la);
	if (pf_col_dirty(c))
		ui_put_safe(w, y, 1 + x, 1, "*", la);
	int vx = labw + 3, vw = cols - vx - 1;
	if (s->mode == PF_EDIT && sel) {
		ui_line_draw(&s->line, w, y, vx, vw, "", pf_attr(s, THEME_NORMAL));
		app_caret(s->a, s->self, w);
		return;
	}
	int used = ui_put(w, y, vx, vw, pf_col_text(c), base);
	char hint[300] = "";
	if (c->conflict)
		snprintf(hint, sizeof hint, "  (theirs: %.200s)", c->theirs ? c->theirs : "NULL");
	else if (c->fk && sel)
		snprintf(hint, sizeof hint, "  (Enter picks another %s)", db_kind_label(c->fk));
	if (*hint && vw - used > 4)
		ui_put(w, y, vx + used, vw - used, hint,
		       sel ? base : pf_attr(s, c->conflict ? THEME_FORM_INVALID : THEME_MUTED));
}

static void pf_draw_sep(pf *s, WINDOW *w, int y)
{
	int cols = getmaxx(w);
	ui_fill(w, y, 0, cols, pf_attr(s, THEME_BORDER));
	ui_put_safe(w, y, 1, cols - 2, "\u2500\u2500 metadata \u2500\u2500",
	            pf_attr(s, THEME_BORDER));
}

static void pf_draw_title(pf *s, WINDOW *w, const char *what)
{
	char t[400];
	snprintf(t, sizeof t, "Edit %s \u00b7 %s \u00b7 %s%s", db_kind_label(s->kind),
	         s->name ? s->name : s->id, what, pf_unsaved(s) ? " (modified)" : "");
	ui_fill(w, 0, 0, getmaxx(w), pf_attr(s, THEME_TITLE));
	ui_put(w, 0, 1, getmaxx(w) - 2, t, pf_attr(s, THEME_TITLE));
}

static void pf_draw_help(pf *s, WINDOW *w, const char *help)
{
	int h = getmaxy(w);
	if (s->note[0] && !(s->mode == PF_RAW && s->raw_failed)) {
		attr_t na = pf_attr(s, s->note_err ? THEME_STATUS_ERROR : THEME_STATUS);
		ui_fill(w, h - 2, 0, getmaxx(w), na);
		ui_put(w, h - 2, 1, getmaxx(w) - 2, s->note, na);
	}
	ui_fill(w, h - 1, 0, getmaxx(w), pf_attr(s, THEME_MUTED));
	ui_put_safe(w, h - 1, 1, getmaxx(w) - 2, help, pf_attr(s, THEME_MUTED));
}

static void pf_draw_form(pf *s, WINDOW *w)
{
	int labw = 8;
	for (size_t i = 0; i < s->ncols; i++)
		if ((int)strlen(s->cols[i].name) + 2 > labw)
			labw = (int)strlen(s->cols[i].name) + 2;
	for (size_t i = 0; i < form_nfields(s->f); i++) {
		int lw = text_width(form_field_at(s->f, i)->key) + 2;
		if (lw > labw)
			labw = lw;
	}
	if (labw > getmaxx(w) / 3)
		labw = getmaxx(w) / 3;
	int h = getmaxy(w) - 3;
	if ((int)s->cur < s->top)
		s->top = (int)s->cur;
	if ((int)s->cur >= s->top + h)
		s->top = (int)s->cur - h + 1;
	for (int y = 0; y < h && (size_t)(s->top + y) < s->nrows; y++) {
		const pf_row *r = &s->rows[s->top + y];
		bool sel = (size_t)(s->top + y) == s->cur;
		if (r->col >= 0)
			pf_draw_col(s, w, y + 1, &s->cols[r->col], sel, labw);
		else if (r->col == PF_ROW_SEP)
			pf_draw_sep(s, w, y + 1);
		else
			pf_draw_row(s, w, y + 1, r, sel, labw);
	}
	if (!s->nrows)
		ui_put_safe(w, 2, 2, getmaxx(w) - 4, "(no keys: a adds one)",
		            pf_attr(s, THEME_MUTED));
	pf_draw_help(
	    s, w,
	    s->mode == PF_EDIT
	        ? "Enter apply  Esc cancel"
	        /* the keys one needs first come first: 80 columns cut the rest */
	        : "C-s save  Esc back  Enter edit  Space toggle/pick  a add  x remove  u undo  "
	          "R raw  E $EDITOR  J/K move  H history  M models  n new  d delete");
}

static void pf_draw_raw(pf *s, WINDOW *w)
{
	int h = getmaxy(w) - 2, cols = getmaxx(w);
	size_t cur_bol = raw_bol(s, s->raw_cur);
	int cur_line = 0;
	for (size_t i = 0; i < cur_bol; i++)
		cur_line += s->raw[i] == '\n';
	if (cur_line < s->raw_top)
		s->raw_top = cur_line;
	if (cur_line >= s->raw_top + h)
		s->raw_top = cur_line - h + 1;
	size_t off = 0;
	for (int l = 0; l < s->raw_top && off < s->raw_len; l++)
		off = raw_eol(s, off) + 1;
	int cy = -1, cx = 0;
	for (int y = 0; y < h && off <= s->raw_len; y++) {
		size_t eol = raw_eol(s, off);
		char *line = text_sanitize(s->raw + off, eol - off);
		ui_put_safe(w, y + 1, 1, cols - 2, line ? line : "", pf_attr(s, THEME_NORMAL));
		if (off == cur_bol) {
			char *pre = text_sanitize(s->raw + off, s->raw_cur - off);
			cy = y + 1;
			cx = 1 + (pre ? text_width(pre) : 0);
			free(pre);
		}
		free(line);
		if (eol >= s->raw_len)
			break;
		off = eol + 1;
	}
	if (s->raw_failed && s->raw_err[0]) {
		ui_fill(w, h, 0, cols, pf_attr(s, THEME_FORM_INVALID));
		ui_put_safe(w, h, 1, cols - 2, s->raw_err, pf_attr(s, THEME_FORM_INVALID));
	}
	pf_draw_help(s, w, "raw JSON: type freely  Esc apply and return  C-s save  F2 $EDITOR");
	if (cy >= 0 && cx < cols) {
		wmove(w, cy, cx);
		app_caret(s->a, s->self, w);
	}
}

static const char *const change_mark[] = {"+", "-", "~"};

static void pf_draw_diff(pf *s, WINDOW *w)
{
	int y = 1, cols = getmaxx(w), h = getmaxy(w) - 2;
	ui_put_safe(w, y++, 1, cols - 2, "Save these changes?", pf_attr(s, THEME_HEADER));
	for (size_t i = 0; i < s->ncols && y <= h; i++) {
		const pf_col *c = &s->cols[i];
		if (!pf_col_dirty(c))
			continue;
		char line[1024];
		snprintf(line, sizeof line, "~ %s: %.400s \u2192 %.400s", c->name,
		         c->orig ? (c->fk && c->orig_label ? c->orig_label : c->orig) : "NULL",
		         c->cur ? pf_col_text(c) : "NULL");
		ui_put(w, y++, 2, cols - 3, line, pf_attr(s, THEME_NORMAL));
	}
	for (size_t i = 0; i < s->diff->n && y <= h; i++) {
		const form_diff_entry *e = &s->diff->v[i];
		char line[1024];
		if (e->change == FORM_CHANGED)
			snprintf(line, sizeof line, "%s %s: %.400s \u2192 %.400s",
			         change_mark[e->change], e->key, e->before, e->after);
		else
			snprintf(line, sizeof line, "%s %s: %.800s", change_mark[e->change], e->key,
			         e->after ? e->after : e->before);
		theme_role r = e->change == FORM_ADDED     ? THEME_DIFF_ADD
		               : e->change == FORM_REMOVED ? THEME_DIFF_DEL
		                                           : THEME_NORMAL;
		ui_put(w, y++, 2, cols - 3, line, pf_attr(s, r));
	}
	pf_draw_help(s, w, "y/Enter save  n/Esc back to the form");
}

static const char *const state_words[] = {"same", "changed by you", "changed by them",
                                          "same change", "CONFLICT"};

static void pf_draw_conflict(pf *s, WINDOW *w)
{
	int y = 1, cols = getmaxx(w), h = getmaxy(w) - 2;
	char head[300];
	snprintf(
	    head, sizeof head,
	    "Someone else saved this %s meanwhile (%zu conflicting key%s). Theirs beside yours:",
	    db_kind_label(s->kind), s->merge->nconflicts, s->merge->nconflicts == 1 ? "" : "s");
	ui_put_safe(w, y++, 1, cols - 2, head, pf_attr(s, THEME_STATUS_WARN));
	int kw = cols / 5, colw = (cols - kw - 30) / 2;
	char hdr[300];
	snprintf(hdr, sizeof hdr, "%-*s %-*s %-*s %s", kw, "key", colw, "mine", colw, "theirs",
	         "use");
	ui_put_safe(w, y++, 1, cols - 2, hdr, pf_attr(s, THEME_HEADER));
	for (size_t i = 0; i < s->merge->n && y <= h; i++) {
		const form_merge_key *k = &s->merge->v[i];
		if (k->state == FORM_M_SAME)
			continue;
		bool sel = s->per_key && i == s->mcur;
		attr_t a = sel ? pf_attr(s, THEME_SELECTION_FOCUSED)
		               : pf_attr(s, k->state == FORM_M_CONFLICT ? THEME_FORM_INVALID
		                                                        : THEME_NORMAL);
		ui_fill(w, y, 0, cols, a);
		ui_put(w, y, 1, kw, k->key, a);
		ui_put(w, y, 2 + kw, colw, k->mine ? k->mine : "(absent)", a);
		ui_put(w, y, 3 + kw + colw, colw, k->theirs ? k->theirs : "(absent)", a);
		char use[40];
		snprintf(use, sizeof use, "%s (%s)", k->pick == FORM_PICK_MINE ? "mine" : "theirs",
		         state_words[k->state]);
		ui_put_safe(w, y, 4 + kw + 2 * colw, cols - 5 - kw - 2 * colw, use, a);
		y++;
	}
	pf_draw_help(
	    s, w,
	    s->per_key
	        ? "j/k move  Space mine/theirs  Enter save merged  Esc back"
	        : "m mine (their other keys stay)  t theirs  k key by key  Esc back (edit kept)");
}

/* Draws text word-wrapped on the pane's last lines (up to 4), bottom-aligned. */
static void pf_draw_wrapped(pf *s, WINDOW *w, const char *text)
{
	char *safe = text_sanitize(text, (size_t)-1);
	int cols = getmaxx(w) - 2, n = 0;
	char lines[4][512];
	const char *p = safe ? safe : "";
	while (*p && n < 4 && cols > 0) {
		int used = text_fit(p, cols, lines[n], sizeof lines[n]);
		size_t len = strlen(lines[n]);
		if (p[len] && used >= cols) { /* break at the last space */
			char *sp = strrchr(lines[n], ' ');
			if (sp && sp > lines[n]) {
				*sp = '\0';
				len = (size_t)(sp - lines[n]) + 1;
			}
		}
		if (!len)
			break;
		p += len;
		n++;
	}
	for (int i = 0; i < n; i++) {
		int y = getmaxy(w) - n + i;
		ui_fill(w, y, 0, getmaxx(w), pf_attr(s, THEME_DIALOG));
		ui_put_safe(w, y, 1, cols, lines[i], pf_attr(s, THEME_DIALOG));
	}
	free(safe);
}

static const char *const ask_text[] = {
    [ASK_DISCARD_CLOSE] = "Discard your unsaved changes? (y/n)",
    [ASK_DROP_RAW] = "Drop the raw JSON text you typed? (y/n)",
    [ASK_DROP_STORED] = "The form cannot hold this metadata: close without changing it? (y/n)",
    [ASK_DELETE] = NULL, /* ask_msg */
};

static void pf_draw(pane *p, WINDOW *w)
{
	pf *s = p->priv;
	werase(w);
	static const char *const what[] = {"metadata", "metadata", "raw JSON", "save?", "conflict"};
	pf_mode m = s->mode == PF_ASK ? s->ask_from : s->mode;
	pf_draw_title(s, w, what[m]);
	if (s->mode == PF_ASK) {
		s->mode = m; /* draw what is under the question */
		pf_draw(p, w);
		s->mode = PF_ASK;
		app_caret(s->a, NULL, NULL); /* a question: no typing */
		pf_draw_wrapped(s, w, ask_text[s->ask] ? ask_text[s->ask] : s->ask_msg);
		return;
	}
	switch (s->mode) {
	case PF_RAW: pf_draw_raw(s, w); break;
	case PF_DIFF: pf_draw_diff(s, w); break;
	case PF_CONFLICT: pf_draw_conflict(s, w); break;
	default: pf_draw_form(s, w); break;
	}
}

/* ---- core columns --------------------------------------------------------------- */

/* Columns the form edits, and the kind a foreign key refers to. */
static const struct {
	const char *name;
	db_kind fk;
	bool required; /* NOT NULL */
} pf_editable[] = {
    {"name", DB_NONE, true},
    {"email", DB_NONE, true},
    {"slug", DB_NONE, true},
    {"title", DB_NONE, false},
    {"bio", DB_NONE, false},
    {"industry", DB_NONE, false},
    {"description", DB_NONE, false},
    {"content", DB_NONE, true},
    {"coaching_company_id", DB_COMPANY, true},
    {"client_organization_id", DB_ORG, true},
    {"primary_coach_id", DB_COACH, false},
};

static int pf_editable_index(const char *name)
{
	for (size_t i = 0; i < sizeof pf_editable / sizeof pf_editable[0]; i++)
		if (strcmp(pf_editable[i].name, name) == 0)
			return (int)i;
	return -1;
}

static bool pf_col_long(const pf_col *c)
{
	return !strcmp(c->name, "bio") || !strcmp(c->name, "description") ||
	       !strcmp(c->name, "content");
}

static char *pf_dup_or_null(const char *v)
{
	return v ? ui_xstrdup(v) : NULL;
}

/* Name of the record (kind, id), or NULL. */
static char *pf_fk_name(db *d, db_kind kind, const char *id)
{
	db_record *r = NULL;
	if (!id || db_record_get(d, kind, id, &r) != DB_OK)
		return NULL;
	const char *n = db_record_field(r, "name");
	char *out = pf_dup_or_null(n);
	db_record_free(r);
	return out;
}

/* Loads the editable columns of rec (data items have none here). */
static void pf_cols_load(pf *s, db *d, const db_record *rec)
{
	if (rec->kind == DB_ITEM)
		return;
	s->cols = ui_xcalloc(rec->nfields ? rec->nfields : 1, sizeof *s->cols);
	for (size_t i = 0; i < rec->nfields; i++) {
		int e = pf_editable_index(rec->fields[i].name);
		if (e < 0)
			continue;
		pf_col *c = &s->cols[s->ncols++];
		c->name = pf_editable[e].name;
		c->fk = pf_editable[e].fk;
		c->orig = pf_dup_or_null(rec->fields[i].value);
		c->cur = pf_dup_or_null(rec->fields[i].value);
		if (c->fk) {
			c->fk_label = pf_fk_name(d, c->fk, c->cur);
			c->orig_label = pf_dup_or_null(c->fk_label);
		}
	}
}

static void pf_cols_free(pf *s)
{
	for (size_t i = 0; i < s->ncols; i++) {
		free(s->cols[i].orig);
		free(s->cols[i].cur);
		free(s->cols[i].fk_label);
		free(s->cols[i].orig_label);
		free(s->cols[i].theirs);
	}
	free(s->cols);
	s->cols = NULL;
	s->ncols = 0;
}

/* Sets column c from the editor's text after checking its rules. */
static int pf_col_set(pf *s, pf_col *c, const char *v)
{
	int e = pf_editable_index(c->name);
	if (!*v && e >= 0 && pf_editable[e].required) {
		pf_say(s, UI_ERROR, "%s: cannot be empty", c->name);
		return -1;
	}
	if (*v && !strcmp(c->name, "email") && !ms_is_email(v)) {
		pf_say(s, UI_ERROR, "email: must be an email address (name@example.com)");
		return -1;
	}
	if (*v && !strcmp(c->name, "slug") && !slug_valid(v)) {
		pf_say(s, UI_ERROR,
		       "slug: lowercase letters and digits joined by single hyphens "
		       "(e.g. acme-coaching), at most %d characters",
		       SLUG_MAX);
		return -1;
	}
	free(c->cur);
	c->cur = *v ? ui_xstrdup(v) : NULL;
	if (c->fk && !c->cur) {
		free(c->fk_label);
		c->fk_label = NULL;
	}
	return 0;
}

static int pf_fk_done(pane *owner, int choice, void *ctx)
{
	(void)ctx;
	pf *s = owner->priv;
	db_page *pg = s->pick;
	s->pick = NULL;
	if (choice >= 0 && pg && s->pick_col >= 0 && (size_t)s->pick_col < s->ncols) {
		pf_col *c = &s->cols[s->pick_col];
		size_t i = (size_t)choice;
		if (s->pick_none && i == 0) {
			free(c->cur);
			c->cur = NULL;
			free(c->fk_label);
			c->fk_label = NULL;
		} else if (i - s->pick_none < pg->n) {
			const db_row *r = &pg->rows[i - s->pick_none];
			free(c->cur);
			c->cur = ui_xstrdup(r->id);
			free(c->fk_label);
			c->fk_label = ui_xstrdup(r->name ? r->name : r->id);
		}
	}
	db_page_free(pg);
	return UI_REDRAW;
}

/* Offers the records column c may refer to (first 200 by name). */
static int pf_pick_fk(pf *s, int col)
{
	pf_col *c = &s->cols[col];
	db *d = app_db_sync(s->a);
	if (!d)
		return UI_REDRAW;
	db_list_req r = {.kind = c->fk, .parent_kind = DB_NONE, .dir = DB_FIRST, .limit = 200};
	if (c->fk == DB_COACH) { /* coaches of the same company as the current one */
		db_record *cur = NULL;
		if (c->cur && db_record_get(d, DB_COACH, c->cur, &cur) == DB_OK) {
			const char *co = db_record_field(cur, "coaching_company_id");
			snprintf(r.parent_id, sizeof r.parent_id, "%s", co ? co : "");
			db_record_free(cur);
		}
		r.parent_kind = DB_COMPANY;
		if (!r.parent_id[0]) {
			pf_say(s, UI_ERROR,
			       "no current coach to pick a colleague of: type a coach's "
			       "email in the raw column later");
			return UI_REDRAW;
		}
	}
	db_page *pg = NULL;
	if (db_list(d, &r, &pg) != DB_OK) {
		pf_say(s, UI_ERROR, "cannot list: %s", db_errmsg(d));
		return UI_REDRAW;
	}
	bool none = pf_editable[pf_editable_index(c->name)].required == false;
	size_t n = pg->n + none;
	const char **labels = ui_xcalloc(n ? n : 1, sizeof *labels);
	if (none)
		labels[0] = "(none)";
	for (size_t i = 0; i < pg->n; i++)
		labels[i + none] = pg->rows[i].name ? pg->rows[i].name : pg->rows[i].id;
	db_page_free(s->pick);
	s->pick = pg;
	s->pick_col = col;
	s->pick_none = none;
	char title[80];
	snprintf(title, sizeof title, "%s (%s)", c->name, db_kind_label(c->fk));
	app_choose(s->a, s->self, title, labels, n, pf_fk_done, NULL);
	free(labels);
	return UI_REDRAW;
}

static int pf_edit_begin(pf *s, pf_edit what, const char *text);
static int pf_external_text(pf *s, const char *text, char **out);

/* Enter on a column row: picker, $EDITOR for long text, or inline. */
static int pf_col_open(pf *s, int col)
{
	pf_col *c = &s->cols[col];
	if (c->fk)
		return pf_pick_fk(s, col);
	const char *v = c->cur ? c->cur : "";
	if (pf_col_long(c) || strlen(v) >= sizeof s->line.buf - 1) {
		char *out = NULL;
		if (pf_external_text(s, v, &out) == 0) {
			size_t n = strlen(out);
			while (n && out[n - 1] == '\n') /* editors add a final newline */
				out[--n] = '\0';
			pf_col_set(s, c, out);
		}
		free(out);
		return UI_REDRAW;
	}
	s->edit_col = col;
	return pf_edit_begin(s, PE_COLUMN, v);
}

/* ---- editing a field ----------------------------------------------------------- */

/* Starts the inline editor on the current row with text. */
static int pf_edit_begin(pf *s, pf_edit what, const char *text)
{
	if (strlen(text) >= sizeof s->line.buf - 1) {
		pf_say(s, UI_ERROR, "value too long to edit on one line: use R (raw JSON) or E");
		return UI_REDRAW;
	}
	ui_line_set(&s->line, text);
	s->edit = what;
	s->mode = PF_EDIT;
	return UI_REDRAW;
}

static int pf_sub_open(pf *s, size_t field);

/* Enter on a row: toggle, pick, or edit the value in place. */
static int pf_open_row(pf *s);

static int pf_enum_done(pane *owner, int choice, void *ctx)
{
	pf *s = owner->priv;
	size_t field = (size_t)(uintptr_t)ctx;
	if (choice >= 0 && form_set_enum(s->f, field, (size_t)choice) != 0)
		pf_say(s, UI_ERROR, "%s", form_error(s->f));
	pf_changed(s);
	return UI_REDRAW;
}

static int pf_pick_enum(pf *s, size_t field)
{
	const cJSON *ev = form_field_at(s->f, field)->schema->enum_values;
	size_t n = (size_t)cJSON_GetArraySize(ev), k = 0;
	const char **labels = ui_xcalloc(n ? n : 1, sizeof *labels);
	char **owned = ui_xcalloc(n ? n : 1, sizeof *owned);
	const cJSON *e;
	cJSON_ArrayForEach(e, ev)
	{
		owned[k] =
		    cJSON_IsString(e) ? ui_xstrdup(e->valuestring) : cJSON_PrintUnformatted(e);
		labels[k] = owned[k];
		k++;
	}
	app_choose(s->a, s->self, form_field_at(s->f, field)->key, labels, n, pf_enum_done,
	           (void *)(uintptr_t)field);
	for (size_t i = 0; i < n; i++)
		free(owned[i]);
	free(owned);
	free(labels);
	return UI_REDRAW;
}

static int pf_open_row(pf *s)
{
	if (pf_col_cur(s))
		return pf_col_open(s, s->rows[s->cur].col);
	const pf_row *r = pf_row_cur(s);
	if (!r)
		return UI_HANDLED;
	const form_field *fl = form_field_at(s->f, r->field);
	if (r->item >= 0)
		return pf_edit_begin(s, PE_ITEM, form_list_item(s->f, r->field, (size_t)r->item));
	switch (fl->widget) {
	case FORM_TOGGLE:
		form_toggle(s->f, r->field);
		pf_changed(s);
		return UI_REDRAW;
	case FORM_ENUM: return pf_pick_enum(s, r->field);
	case FORM_LIST: return pf_edit_begin(s, PE_NEW_ITEM, "");
	case FORM_OBJECT: return pf_sub_open(s, r->field);
	case FORM_NUMBER:
	case FORM_TEXT:
	case FORM_DATE: {
		char *t = form_display(s->f, r->field);
		int fl_ = pf_edit_begin(s, PE_VALUE, t);
		free(t);
		return fl_;
	}
	default: {
		const form_json *v = form_value(s->f, r->field);
		char *t = v ? form_json_print(v, 0) : ui_xstrdup("");
		int fl_ = pf_edit_begin(s, PE_VALUE, t);
		free(t);
		return fl_;
	}
	}
}

/* Applies the inline editor's text; stays in the editor on error. */
static int pf_edit_apply(pf *s)
{
	const pf_row *r = pf_row_cur(s);
	const char *t = s->line.buf;
	int rc = 0;
	size_t field = r ? r->field : 0;
	if (s->edit == PE_COLUMN) {
		if (pf_col_set(s, &s->cols[s->edit_col], t) != 0)
			return UI_REDRAW; /* the text stays as typed */
		s->mode = PF_FORM;
		return UI_REDRAW;
	}
	if (s->edit == PE_NEW_KEY) {
		long i = form_add_key(s->f, s->new_key, t, NULL);
		rc = i < 0 ? -1 : 0;
		if (i >= 0)
			field = (size_t)i;
	} else if (!r) {
		rc = -1;
	} else if (s->edit == PE_ITEM) {
		rc = form_list_set(s->f, field, (size_t)r->item, t);
	} else if (s->edit == PE_NEW_ITEM) {
		size_t at = r->item >= 0 ? (size_t)r->item + 1 : form_list_len(s->f, field);
		rc = form_list_insert(s->f, field, at, t);
		if (!rc) {
			pf_changed(s);
			pf_goto(s, field, (long)at);
		}
	} else {
		form_widget wd = form_field_at(s->f, field)->widget;
		if (!*t && wd != FORM_RAW && wd != FORM_OBJECT)
			rc = form_value(s->f, field) ? form_unset(s->f, field) : 0;
		else if (wd == FORM_NUMBER)
			rc = form_set_number(s->f, field, t);
		else if (wd == FORM_TEXT || wd == FORM_DATE)
			rc = form_set_text(s->f, field, t);
		else
			rc = form_set_raw(s->f, field, t, NULL);
	}
	if (rc != 0) {
		pf_say(s, UI_ERROR, "%s", form_error(s->f));
		return UI_REDRAW; /* the text stays as typed */
	}
	s->mode = PF_FORM;
	pf_changed(s);
	if (s->edit == PE_NEW_KEY)
		pf_goto(s, field, -1);
	return UI_REDRAW;
}

static int pf_key_edit(pf *s, int key)
{
	int r = ui_line_key(&s->line, key);
	if (r & UI_LINE_ENTER)
		return pf_edit_apply(s);
	if (r & UI_LINE_CANCEL) {
		s->mode = PF_FORM;
		return UI_REDRAW;
	}
	return UI_REDRAW;
}

static int pf_new_key_done(pane *owner, const char *answer, void *ctx)
{
	(void)ctx;
	pf *s = owner->priv;
	if (!answer || !*answer)
		return UI_REDRAW;
	/* a refused name is asked again with the text kept: closing sent the
	 * name typed again to the form as commands */
	if (!ms_is_snake_case(answer)) {
		pf_say(s, UI_ERROR, "%s: key must be snake_case (lowercase letters, digits, _)",
		       answer);
		app_prompt(s->a, s->self,
		           "New key (snake_case: lowercase letters, digits, _):", answer,
		           pf_new_key_done, NULL);
		return UI_REDRAW;
	}
	long i = form_find(s->f, answer);
	if (i >= 0 && form_value(s->f, (size_t)i)) {
		pf_say(s, UI_ERROR, "%s: key already exists", answer);
		app_prompt(s->a, s->self, "New key (that one exists):", answer, pf_new_key_done,
		           NULL);
		return UI_REDRAW;
	}
	free(s->new_key);
	s->new_key = ui_xstrdup(answer);
	const metaschema *ps = metaschema_prop(s->schema, answer);
	return pf_edit_begin(s, PE_NEW_KEY, ps && ps->type == MS_STRING ? "\"\"" : "");
}

static int pf_add(pf *s)
{
	const pf_row *r = pf_row_cur(s);
	if (r && form_field_at(s->f, r->field)->widget == FORM_LIST)
		return pf_edit_begin(s, PE_NEW_ITEM, "");
	app_prompt(s->a, s->self, "New key (snake_case):", "", pf_new_key_done, NULL);
	return UI_REDRAW;
}

static int pf_remove(pf *s)
{
	pf_col *c = pf_col_cur(s);
	if (c) {
		pf_col_set(s, c, "");
		return UI_REDRAW;
	}
	const pf_row *r = pf_row_cur(s);
	if (!r)
		return UI_HANDLED;
	int rc = r->item >= 0 ? form_list_delete(s->f, r->field, (size_t)r->item)
	                      : form_unset(s->f, r->field);
	if (rc)
		pf_say(s, UI_ERROR, "%s", form_error(s->f));
	pf_changed(s);
	return UI_REDRAW;
}

static int pf_move_item(pf *s, int delta)
{
	const pf_row *r = pf_row_cur(s);
	if (!r || r->item < 0)
		return UI_HANDLED;
	size_t field = r->field;
	long item = r->item;
	if (form_list_move(s->f, field, (size_t)item, delta) != 0) {
		pf_say(s, UI_ERROR, "%s", form_error(s->f));
		return UI_REDRAW;
	}
	pf_changed(s);
	pf_goto(s, field, item + delta);
	return UI_REDRAW;
}

/* ---- $VISUAL / $EDITOR ------------------------------------------------------- */

/* Runs the user's editor on path with the terminal handed over. */
static int pf_run_editor(const char *path)
{
	const char *ed = getenv("VISUAL");
	if (!ed || !*ed)
		ed = getenv("EDITOR");
	if (!ed || !*ed)
		ed = "vi";
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s \"$1\"", ed);
	def_prog_mode();
	endwin();
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *)NULL);
		_exit(127);
	}
	int status = -1;
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	reset_prog_mode();
	return pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Hands text to $VISUAL/$EDITOR; 0 with *out (malloc'd) the file as the
 * editor left it, or -1 after saying why. */
static int pf_external_text(pf *s, const char *text, char **out)
{
	*out = NULL;
	char path[] = "/tmp/rapport-edit-XXXXXX.json";
	int fd = mkstemps(path, 5);
	if (fd < 0) {
		pf_say(s, UI_ERROR, "cannot create a temporary file: %s", strerror(errno));
		return -1;
	}
	size_t len = strlen(text), off = 0;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	bool ok = off == len;
	if (len && text[len - 1] != '\n' && write(fd, "\n", 1) != 1)
		ok = false;
	close(fd);
	int rc = ok ? pf_run_editor(path) : -1;
	app_redraw_all(s->a);
	size_t n = 0;
	char *back = rc == 0 ? pf_slurp(path, &n) : NULL;
	unlink(path);
	if (!back) {
		pf_say(s, UI_ERROR, "the editor failed (exit %d); nothing changed", rc);
		return -1;
	}
	*out = back;
	return 0;
}

/* E: the whole document in $EDITOR; back in raw mode on a parse error. */
static int pf_external(pf *s)
{
	char *text = s->mode == PF_RAW ? ui_xstrdup(s->raw) : form_to_json(s->f, true);
	char *back = NULL;
	int rc = pf_external_text(s, text, &back);
	free(text);
	if (rc != 0)
		return UI_REDRAW;
	raw_set(s, back);
	free(back);
	s->mode = PF_RAW;
	if (pf_raw_apply(s) == 0)
		pf_say(s, UI_INFO,
		       form_dirty(s->f) ? "edited in $EDITOR: not saved yet (C-s saves)"
		                        : "edited in $EDITOR: no changes");
	return UI_REDRAW;
}

/* ---- saving, conflicts, undo ------------------------------------------------------- */

/* Copies a token returned by the database. */
static void pf_set_token(char *dst, const char *src)
{
	snprintf(dst, DB_TS_LEN, "%s", src ? src : "");
}

static int pf_conflict_begin(pf *s, db *d);
static void pf_undo_clear(pf *s);

/* True when the record's token is no longer ours: a write refused as
 * "denied" while another save committed in between was really a conflict
 * (the refusal's check can see the row as it was before that save). */
static bool pf_token_moved(pf *s, db *d)
{
	db_record *rec = NULL;
	bool moved = db_record_get(d, s->kind, s->id, &rec) == DB_OK &&
	             strcmp(rec->updated_at, s->token) != 0;
	db_record_free(rec);
	return moved;
}

/* The connection broke during a save and is back: finds out whether the
 * UPDATE committed, and says so; the edit stays until it is stored. */
static int pf_after_connlost(pf *s, db *d)
{
	db_record *rec = NULL;
	s->mode = PF_FORM;
	if (db_record_get(d, s->kind, s->id, &rec) != DB_OK) {
		pf_say(s, UI_ERROR,
		       "connection lost while saving; cannot tell yet whether it was stored "
		       "(%s): your edit is kept, C-s retries",
		       db_errmsg(d));
		return UI_REDRAW;
	}
	form_perr e;
	form_json *db_doc = form_json_parse(rec->metadata, strlen(rec->metadata), &e);
	bool same_token = strcmp(rec->updated_at, s->token) == 0;
	if (db_doc && form_json_equal(db_doc, form_doc(s->f)) && !same_token) {
		free(s->undo_json);
		s->undo_json = form_json_print(form_original(s->f), 0);
		pf_set_token(s->token, rec->updated_at);
		pf_set_token(s->undo_token, rec->updated_at);
		form_mark_saved(s->f);
		pf_recovery_remove(s);
		app_changed(s->a, s->kind, s->id);
		pf_say(s, UI_INFO,
		       "the connection dropped during the save, but the database has your "
		       "version: saved (u undoes)");
	} else if (same_token) {
		pf_say(s, UI_ERROR,
		       "the connection dropped before the save reached the database: "
		       "nothing stored, your edit is kept (C-s saves it)");
	} else {
		form_json_free(db_doc);
		db_record_free(rec);
		return pf_conflict_begin(s, d);
	}
	form_json_free(db_doc);
	db_record_free(rec);
	pf_changed(s);
	return UI_REDRAW;
}

/* Writes json with the current token; handles every outcome. */
static int pf_write(pf *s, const char *json, bool is_undo)
{
	db *d = app_db_sync(s->a);
	if (!d) {
		s->mode = PF_FORM;
		pf_say(s, UI_ERROR, "not connected: nothing saved, your edit is kept");
		return UI_REDRAW;
	}
	char newtok[DB_TS_LEN] = "";
	db_status st = db_update_metadata(d, s->kind, s->id, s->token, json, newtok);
	char why[512]; /* the refusal's words: pf_token_moved's read replaces them */
	snprintf(why, sizeof why, "%s", db_errmsg(d));
	if (st == DB_DENIED && pf_token_moved(s, d))
		st = DB_CONFLICT;
	if (st == DB_OK) {
		if (!is_undo) {
			free(s->undo_json);
			s->undo_json = form_json_print(form_original(s->f), 0);
		} else {
			pf_undo_clear(s);
		}
		pf_set_token(s->token, newtok);
		pf_set_token(s->undo_token, newtok);
		form_mark_saved(s->f);
		pf_recovery_remove(s);
		s->mode = PF_FORM;
		pf_changed(s);
		app_changed(s->a, s->kind, s->id);
		pf_say(s, UI_INFO, is_undo ? "last save undone" : "saved (u undoes)");
		return UI_REDRAW;
	}
	if (st == DB_CONFLICT && !is_undo)
		return pf_conflict_begin(s, d);
	if (st == DB_CONNLOST && !is_undo && db_reconnect(d) == DB_OK)
		return pf_after_connlost(s, d);
	s->mode = PF_FORM;
	if (st == DB_CONFLICT)
		pf_say(s, UI_ERROR, "changed by someone else since your save: not undone");
	else if (st == DB_NOTFOUND)
		pf_say(s, UI_ERROR,
		       "this %s was deleted meanwhile: nothing saved, your edit is kept",
		       db_kind_label(s->kind));
	else
		pf_say(s, UI_ERROR, "not saved (%s): your edit is kept, C-s retries", why);
	return UI_REDRAW;
}

static int pf_sub_close(pf *c);

/* In a --read-only session a write is refused before it starts (rather
 * than after the diff preview or the delete question). */
static bool pf_read_only(pf *s, const char *what)
{
	if (!db_read_only(app_db(s->a)))
		return false;
	pf_say(s, UI_ERROR, "read-only session (--read-only): %s is refused", what);
	return true;
}

/* Ctrl-S / :w: validate, then show the diff. */
static int pf_save_start(pf *s)
{
	if (s->parent) { /* a nested value is saved with its record */
		if (s->mode == PF_EDIT && pf_edit_apply(s) && s->mode == PF_EDIT)
			return UI_REDRAW;
		return pf_sub_close(s);
	}
	if (s->mode == PF_EDIT && pf_edit_apply(s) && s->mode == PF_EDIT)
		return UI_REDRAW;
	if (s->mode == PF_RAW && pf_raw_apply(s) != 0)
		return UI_REDRAW;
	if (pf_read_only(s, "saving"))
		return UI_REDRAW;
	pf_changed(s);
	const ms_issue *e = ms_report_first_error(s->rep);
	if (e) {
		/* name the first problem in the order the form shows the keys */
		for (size_t r = 0; r < s->nrows; r++) {
			const ms_issue *is =
			    s->rows[r].col == PF_ROW_META
			        ? pf_issue(s, form_field_at(s->f, s->rows[r].field)->key)
			        : NULL;
			if (is) {
				s->cur = r;
				e = is;
				break;
			}
		}
		pf_say(s, UI_ERROR, "not saved: %s%s", e->text,
		       s->rep->nerrors > 1 ? " (and more, marked in red)" : "");
		return UI_REDRAW;
	}
	if (!form_dirty(s->f) && !pf_cols_dirty(s)) {
		pf_say(s, UI_INFO, "nothing to save");
		return UI_REDRAW;
	}
	form_diff_free(s->diff);
	s->diff = form_diff_new(form_original(s->f), form_doc(s->f));
	s->mode = PF_DIFF;
	return UI_REDRAW;
}

/* Someone saved first while we wrote columns: show their values beside
 * ours, rebase the metadata (merging when both changed it). */
static int pf_cols_conflict(pf *s, db *d)
{
	db_record *rec = NULL;
	s->mode = PF_FORM;
	if (db_record_get(d, s->kind, s->id, &rec) != DB_OK) {
		pf_say(s, UI_ERROR,
		       "someone saved first and their version cannot be read (%s); "
		       "your edit is kept",
		       db_errmsg(d));
		return UI_REDRAW;
	}
	for (size_t i = 0; i < s->ncols; i++) {
		pf_col *c = &s->cols[i];
		const char *t = db_record_field(rec, c->name);
		free(c->theirs);
		c->theirs = pf_dup_or_null(t);
		c->conflict = pf_col_dirty(c) &&
		              ((t == NULL) != (c->orig == NULL) || (t && strcmp(t, c->orig)));
		free(c->orig);
		c->orig = pf_dup_or_null(t);
	}
	form_perr e;
	form_json *theirs = form_json_parse(rec->metadata, strlen(rec->metadata), &e);
	char tok[DB_TS_LEN];
	pf_set_token(tok, rec->updated_at);
	db_record_free(rec);
	if (theirs && !form_json_equal(theirs, form_original(s->f)) && form_dirty(s->f)) {
		form_json_free(theirs);
		return pf_conflict_begin(s, d); /* merge the metadata too */
	}
	if (theirs && !form_dirty(s->f))
		form_rebase(s->f, theirs, theirs);
	form_json_free(theirs);
	pf_set_token(s->token, tok);
	pf_changed(s);
	pf_say(s, UI_ERROR,
	       "someone else saved this %s meanwhile: their values are shown beside "
	       "yours; C-s saves yours",
	       db_kind_label(s->kind));
	return UI_REDRAW;
}

/* Writes the changed core columns; 0 on success, else flags after saying why. */
static int pf_write_cols(pf *s, int *flags)
{
	db *d = app_db_sync(s->a);
	s->mode = PF_FORM;
	if (!d) {
		pf_say(s, UI_ERROR, "not connected: nothing saved, your edit is kept");
		*flags = UI_REDRAW;
		return -1;
	}
	const char *names[16], *values[16];
	size_t n = 0;
	for (size_t i = 0; i < s->ncols && n < 16; i++)
		if (pf_col_dirty(&s->cols[i])) {
			names[n] = s->cols[i].name;
			values[n++] = s->cols[i].cur;
		}
	char newtok[DB_TS_LEN] = "";
	db_status st = db_update_fields(d, s->kind, s->id, s->token, n, names, values, newtok);
	char why[512]; /* the refusal's words: pf_token_moved's read replaces them */
	snprintf(why, sizeof why, "%s", db_errmsg(d));
	if (st == DB_DENIED && pf_token_moved(s, d))
		st = DB_CONFLICT;
	if (st == DB_CONFLICT) {
		*flags = pf_cols_conflict(s, d);
		return -1;
	}
	if (st != DB_OK) {
		pf_say(s, UI_ERROR, "not saved: %s", why);
		*flags = UI_REDRAW;
		return -1;
	}
	pf_set_token(s->token, newtok);
	for (size_t i = 0; i < s->ncols; i++) {
		pf_col *c = &s->cols[i];
		if (pf_col_dirty(c) && s->undo_ncols < 16) {
			s->undo_names[s->undo_ncols] = c->name;
			s->undo_vals[s->undo_ncols] = pf_dup_or_null(c->orig);
			s->undo_labels[s->undo_ncols++] = pf_dup_or_null(c->orig_label);
		}
		free(c->orig);
		c->orig = pf_dup_or_null(c->cur);
		free(c->orig_label);
		c->orig_label = pf_dup_or_null(c->fk_label);
		c->conflict = false;
	}
	return 0;
}

/* Forgets what u would undo. */
static void pf_undo_clear(pf *s)
{
	free(s->undo_json);
	s->undo_json = NULL;
	for (size_t i = 0; i < s->undo_ncols; i++) {
		free(s->undo_vals[i]);
		free(s->undo_labels[i]);
	}
	s->undo_ncols = 0;
}

static int pf_save_commit(pf *s)
{
	int flags = UI_REDRAW;
	pf_undo_clear(s);
	if (pf_cols_dirty(s) && pf_write_cols(s, &flags) != 0)
		return flags;
	if (!form_dirty(s->f)) {
		s->mode = PF_FORM;
		pf_recovery_remove(s);
		pf_changed(s);
		app_changed(s->a, s->kind, s->id);
		pf_say(s, UI_INFO, "saved (columns; u undoes)");
		return UI_REDRAW;
	}
	char *json = form_to_json(s->f, false);
	int fl = pf_write(s, json, false);
	free(json);
	return fl;
}

/* Someone saved first: read theirs and open the conflict view. */
static int pf_conflict_begin(pf *s, db *d)
{
	db_record *rec = NULL;
	if (db_record_get(d, s->kind, s->id, &rec) != DB_OK) {
		s->mode = PF_FORM;
		pf_say(s, UI_ERROR,
		       "someone saved first and their version cannot be read (%s); "
		       "your edit is kept",
		       db_errmsg(d));
		return UI_REDRAW;
	}
	form_perr e;
	form_json_free(s->theirs);
	s->theirs = form_json_parse(rec->metadata, strlen(rec->metadata), &e);
	pf_set_token(s->theirs_token, rec->updated_at);
	db_record_free(rec);
	if (!s->theirs || s->theirs->type != FJ_OBJECT) {
		/* merging against an empty stand-in would drop their keys */
		s->mode = PF_FORM;
		pf_say(s, UI_ERROR,
		       "not saved: someone saved metadata this form cannot hold (%s); "
		       "your edit is kept",
		       s->theirs ? "not an object" : e.msg);
		form_json_free(s->theirs);
		s->theirs = NULL;
		return UI_REDRAW;
	}
	if (form_json_equal(s->theirs, form_doc(s->f))) {
		/* e.g. our own save whose answer was lost with the connection */
		pf_set_token(s->token, s->theirs_token);
		form_mark_saved(s->f);
		s->mode = PF_FORM;
		pf_say(s, UI_INFO, "the database already holds exactly your version: saved");
		return UI_REDRAW;
	}
	form_merge_free(s->merge);
	s->merge = form_merge_new(form_original(s->f), form_doc(s->f), s->theirs);
	s->per_key = false;
	s->mcur = 0;
	s->mode = PF_CONFLICT;
	return UI_REDRAW;
}

/* Resolution chosen: the form now holds the merged document over theirs. */
static int pf_conflict_resolve(pf *s, bool save)
{
	form_json *res = form_merge_result(s->merge, form_doc(s->f), s->theirs);
	form_rebase(s->f, s->theirs, res);
	form_json_free(res);
	pf_set_token(s->token, s->theirs_token);
	form_merge_free(s->merge);
	s->merge = NULL;
	s->mode = PF_FORM;
	pf_changed(s);
	if (!form_dirty(s->f)) {
		pf_say(s, UI_INFO, "took their version (nothing of yours left to save)");
		return UI_REDRAW;
	}
	return save ? pf_save_start(s) : UI_REDRAW;
}

/* Moves the per-key cursor to the next key that is not SAME. */
static void pf_mcur_move(pf *s, int dir)
{
	size_t i = s->mcur;
	for (;;) {
		if ((dir < 0 && i == 0) || (dir > 0 && i + 1 >= s->merge->n))
			return;
		i = dir < 0 ? i - 1 : i + 1;
		if (s->merge->v[i].state != FORM_M_SAME) {
			s->mcur = i;
			return;
		}
	}
}

static int pf_key_conflict(pf *s, pane *p, int key)
{
	keys_cmd c = app_command(s->a, p, key);
	if (!s->per_key) {
		if (key == 'm') /* mine wins where both changed; their other changes stay */
			return pf_conflict_resolve(s, true);
		if (key == 't') {
			form_merge_pick_all(s->merge, FORM_PICK_THEIRS);
			return pf_conflict_resolve(s, false);
		}
		if (key == 'k') {
			s->per_key = true;
			s->mcur = 0;
			if (s->merge->n && s->merge->v[0].state == FORM_M_SAME)
				pf_mcur_move(s, 1);
			return UI_REDRAW;
		}
	} else {
		if (c == KEYS_CMD_DOWN || c == KEYS_CMD_UP) {
			pf_mcur_move(s, c == KEYS_CMD_DOWN ? 1 : -1);
			return UI_REDRAW;
		}
		if (key == ' ' && s->mcur < s->merge->n) {
			form_merge_key *k = &s->merge->v[s->mcur];
			k->pick = k->pick == FORM_PICK_MINE ? FORM_PICK_THEIRS : FORM_PICK_MINE;
			return UI_REDRAW;
		}
		if (key == KEYS_ENTER)
			return pf_conflict_resolve(s, true);
	}
	if (key == KEYS_ESC || c == KEYS_CMD_BACK) {
		s->mode = PF_FORM;
		pf_say(s, UI_INFO, "not saved: your edit is kept (C-s tries again)");
		return UI_REDRAW;
	}
	return UI_HANDLED;
}

/* Writes the columns back as they were before the last save; 0 when done
 * (or nothing to do), -1 after saying why not. */
static int pf_undo_cols(pf *s)
{
	if (!s->undo_ncols)
		return 0;
	db *d = app_db_sync(s->a);
	if (!d)
		return -1;
	char newtok[DB_TS_LEN] = "";
	db_status st = db_update_fields(d, s->kind, s->id, s->token, s->undo_ncols, s->undo_names,
	                                (const char *const *)s->undo_vals, newtok);
	char why[512]; /* the refusal's words: pf_token_moved's read replaces them */
	snprintf(why, sizeof why, "%s", db_errmsg(d));
	if (st == DB_DENIED && pf_token_moved(s, d))
		st = DB_CONFLICT;
	if (st != DB_OK) {
		pf_say(s, UI_ERROR,
		       st == DB_CONFLICT ? "changed by someone else since your save: not undone"
		                         : "not undone: %s",
		       why);
		return -1;
	}
	pf_set_token(s->token, newtok);
	for (size_t k = 0; k < s->undo_ncols; k++)
		for (size_t i = 0; i < s->ncols; i++) {
			pf_col *c = &s->cols[i];
			if (strcmp(c->name, s->undo_names[k]))
				continue;
			free(c->orig), free(c->cur), free(c->fk_label), free(c->orig_label);
			c->orig = pf_dup_or_null(s->undo_vals[k]);
			c->cur = pf_dup_or_null(s->undo_vals[k]);
			c->fk_label = pf_dup_or_null(s->undo_labels[k]);
			c->orig_label = pf_dup_or_null(s->undo_labels[k]);
		}
	for (size_t i = 0; i < s->undo_ncols; i++) {
		free(s->undo_vals[i]);
		free(s->undo_labels[i]);
	}
	s->undo_ncols = 0;
	app_changed(s->a, s->kind, s->id);
	return 0;
}

static int pf_undo(pf *s)
{
	if (!s->undo_json && !s->undo_ncols) {
		pf_say(s, UI_INFO, "no save to undo");
		return UI_REDRAW;
	}
	if (pf_unsaved(s)) {
		pf_say(s, UI_ERROR, "save or discard your current edit before undoing");
		return UI_REDRAW;
	}
	if (pf_undo_cols(s) != 0)
		return UI_REDRAW;
	if (!s->undo_json) {
		pf_changed(s);
		pf_say(s, UI_INFO, "last save undone");
		return UI_REDRAW;
	}
	form_perr e;
	form_json *prev = form_json_parse(s->undo_json, strlen(s->undo_json), &e);
	form_json *cur = form_json_dup(form_doc(s->f));
	form_rebase(s->f, cur, prev);
	form_json_free(cur);
	form_json_free(prev);
	char *json = ui_xstrdup(s->undo_json);
	int fl = pf_write(s, json, true);
	free(json);
	if (form_dirty(s->f)) { /* not undone: show the saved version again */
		form_json *orig = form_json_dup(form_original(s->f));
		form_rebase(s->f, orig, orig);
		form_json_free(orig);
		pf_changed(s);
	}
	return fl;
}

static int pf_ask_begin(pf *s, pf_ask what);

/* ---- delete, create, coach-model associations ------------------------------------ */

/* "3 data items, 12 chunks" style counts. */
static void pf_count(char *buf, size_t n, long long v, const char *one, const char *many)
{
	size_t l = strlen(buf);
	snprintf(buf + l, n - l, "%s%lld %s", l ? ", " : "", v, v == 1 ? one : many);
}

/* d: asks, naming what goes with the record and what holds it back. */
static int pf_delete_begin(pf *s)
{
	if (pf_read_only(s, "deleting"))
		return UI_REDRAW;
	db *d = app_db_sync(s->a);
	if (!d)
		return UI_REDRAW;
	long long items = 0, chunks = 0, children = 0;
	if (db_delete_impact(d, s->kind, s->id, &items, &chunks, &children) != DB_OK) {
		pf_say(s, UI_ERROR, "cannot tell what deleting takes along: %s", db_errmsg(d));
		return UI_REDRAW;
	}
	char along[160] = "", block[200] = "";
	if (items)
		pf_count(along, sizeof along, items, "data item", "data items");
	if (chunks)
		pf_count(along, sizeof along, chunks, "search chunk", "search chunks");
	if (s->kind == DB_MODEL && children)
		pf_count(along, sizeof along, children, "coach association", "coach associations");
	else if (children) {
		static const char *const what[DB_KIND_COUNT] = {
		    [DB_COMPANY] = "coach(es) and coaching model(s) still belong to it",
		    [DB_COACH] = "client(s) still have this coach as primary coach",
		    [DB_ORG] = "client(s) still belong to it",
		};
		snprintf(block, sizeof block, " %lld %s: the database refuses until they move.",
		         children, what[s->kind] ? what[s->kind] : "record(s) still refer to it");
	}
	if (s->kind == DB_COACH)
		snprintf(along + strlen(along), sizeof along - strlen(along),
		         "%smodel associations", along[0] ? ", " : "");
	snprintf(s->ask_msg, sizeof s->ask_msg, "Delete %s \u201c%.60s\u201d?%s%s%s%s (y/n)",
	         db_kind_label(s->kind), s->name ? s->name : s->id,
	         along[0] ? " Goes with it: " : "", along, along[0] ? "." : "", block);
	return pf_ask_begin(s, ASK_DELETE);
}

static int pf_delete_commit(pf *s)
{
	s->mode = PF_FORM;
	db *d = app_db_sync(s->a);
	if (!d)
		return UI_REDRAW;
	db_status st = db_record_delete(d, s->kind, s->id, s->token);
	if (st == DB_OK) {
		pf_recovery_remove(s);
		app_changed(s->a, s->kind, s->id);
		app_status(s->a, UI_INFO, "deleted %s %s", db_kind_label(s->kind),
		           s->name ? s->name : "");
		return UI_CLOSE;
	}
	pf_say(s, UI_ERROR, "not deleted: %s", db_errmsg(d));
	return UI_REDRAW;
}

/* A slug for name not used yet in the table: base, base-2, base-3, ... */
static char *pf_free_slug(db *d, db_kind kind, const char *name)
{
	char *base = slug_from_name(name, 0);
	if (!base || !*base) {
		free(base);
		base = ui_xstrdup(db_kind_label(kind)[0] == 'c' && kind == DB_COMPANY ? "company"
		                                                                      : "record");
	}
	for (unsigned n = 1; n < 1000; n++) {
		char *cand = n == 1 ? ui_xstrdup(base) : slug_with_suffix(base, n);
		db_record *r = NULL;
		db_status st = db_record_find(d, kind, cand, &r);
		db_record_free(r);
		if (st == DB_NOTFOUND) {
			free(base);
			return cand;
		}
		free(cand);
		if (st != DB_OK)
			break;
	}
	free(base);
	return NULL;
}

/* Value of column name of this record, or NULL. */
static const char *pf_col_value(const pf *s, const char *name)
{
	for (size_t i = 0; i < s->ncols; i++)
		if (!strcmp(s->cols[i].name, name))
			return s->cols[i].orig;
	return NULL;
}

/* Inserts a record like this one (same parents) and opens its form. */
/* Where a new record goes, relative to the one this form shows. */
enum pf_new_mode { NEW_SIBLING, NEW_IN_COMPANY, NEW_CLIENT_OF_COACH, NEW_CLIENT_OF_ORG };

static const struct pf_new_choice {
	db_kind from, kind;
	int mode;
	const char *label;
} pf_new_choices[] = {
    {DB_COMPANY, DB_COMPANY, NEW_SIBLING, "coaching company"},
    {DB_COMPANY, DB_COACH, NEW_IN_COMPANY, "coach in this company"},
    {DB_COMPANY, DB_MODEL, NEW_IN_COMPANY, "model (coaching model) of this company"},
    {DB_COACH, DB_COACH, NEW_SIBLING, "coach in the same company"},
    {DB_COACH, DB_CLIENT, NEW_CLIENT_OF_COACH, "client of this coach"},
    {DB_ORG, DB_ORG, NEW_SIBLING, "organization"},
    {DB_ORG, DB_CLIENT, NEW_CLIENT_OF_ORG, "client in this organization"},
    {DB_CLIENT, DB_CLIENT, NEW_SIBLING, "client in the same organization, same coach"},
    {DB_MODEL, DB_MODEL, NEW_SIBLING, "model (coaching model) of the same company"},
};

/* Parent columns of the new record for s->new_mode. */
static size_t pf_new_parents(pf *s, const char **names, const char **values)
{
	size_t n = 0;
	switch (s->new_mode) {
	case NEW_IN_COMPANY: names[n] = "coaching_company_id", values[n++] = s->id; break;
	case NEW_CLIENT_OF_ORG: names[n] = "client_organization_id", values[n++] = s->id; break;
	case NEW_CLIENT_OF_COACH:
		names[n] = "primary_coach_id", values[n++] = s->id;
		names[n] = "client_organization_id", values[n++] = s->new_org;
		break;
	default: {
		static const char *const parents[] = {"coaching_company_id",
		                                      "client_organization_id", "primary_coach_id"};
		for (size_t i = 0; i < 3; i++)
			if (pf_col_value(s, parents[i]))
				names[n] = parents[i], values[n++] = pf_col_value(s, parents[i]);
	}
	}
	return n;
}

/* A create/delete started from a list ended without changing anything:
 * back to the list when the form was opened only for it. */
static int pf_action_over(pf *s)
{
	return s->from_list ? UI_CLOSE | UI_REDRAW : UI_REDRAW;
}

/* Inserts the new record and opens its form. */
static int pf_create(pf *s, const char *email)
{
	db *d = app_db_sync(s->a);
	if (!d)
		return UI_REDRAW;
	db_kind k = s->new_kind;
	const char *names[8], *values[8];
	size_t n = 0;
	char *slug = NULL;
	names[n] = "name", values[n++] = s->new_name;
	if (k == DB_COMPANY || k == DB_ORG || k == DB_MODEL) {
		slug = pf_free_slug(d, k, s->new_name);
		names[n] = "slug", values[n++] = slug;
	}
	if (email)
		names[n] = "email", values[n++] = email;
	n += pf_new_parents(s, names + n, values + n);
	if (k == DB_MODEL)
		names[n] = "content", values[n++] = "";
	char id[DB_UUID_LEN] = "";
	db_status st = db_record_insert(d, k, n, names, values, NULL, id);
	free(slug);
	if (st != DB_OK) {
		pf_say(s, UI_ERROR, "not created: %s", db_errmsg(d));
		return UI_REDRAW;
	}
	app_changed(s->a, k, id);
	pane *p = pane_form_open(s->a, k, id);
	if (p) {
		app_push(s->a, p);
		app_status(s->a, UI_INFO, "created %s %s (slug and columns editable here)",
		           db_kind_label(k), s->new_name);
		if (s->from_list)
			return UI_CLOSE | UI_REDRAW; /* Esc in the new form: back to the list */
	}
	return UI_REDRAW;
}

static int pf_new_email_done(pane *owner, const char *answer, void *ctx)
{
	(void)ctx;
	pf *s = owner->priv;
	if (!answer || !*answer)
		return pf_action_over(s);
	if (!ms_is_email(answer)) {
		/* asked again with the text kept: closing here sent the retyped
		 * address to the form as commands (x removed a key, Enter toggled) */
		char q[120];
		snprintf(q, sizeof q, "Email of the new %s (must be name@example.com):",
		         db_kind_label(s->new_kind));
		app_prompt(s->a, s->self, q, answer, pf_new_email_done, NULL);
		return UI_REDRAW;
	}
	return pf_create(s, answer);
}

static int pf_new_name_done(pane *owner, const char *answer, void *ctx)
{
	(void)ctx;
	pf *s = owner->priv;
	if (!answer || !*answer)
		return pf_action_over(s);
	free(s->new_name);
	s->new_name = ui_xstrdup(answer);
	if (s->new_kind == DB_COACH || s->new_kind == DB_CLIENT) {
		char q[80];
		snprintf(q, sizeof q, "Email of the new %s:", db_kind_label(s->new_kind));
		app_prompt(s->a, s->self, q, "", pf_new_email_done, NULL);
		return UI_REDRAW;
	}
	return pf_create(s, NULL);
}

/* Asks the new record's name. */
static int pf_new_ask_name(pf *s)
{
	char q[80];
	snprintf(q, sizeof q, "Name of the new %s:", db_kind_label(s->new_kind));
	app_prompt(s->a, s->self, q, "", pf_new_name_done, NULL);
	return UI_REDRAW;
}

static int pf_new_org_done(pane *owner, int choice, void *ctx)
{
	(void)ctx;
	pf *s = owner->priv;
	db_page *pg = s->pick;
	s->pick = NULL;
	int fl = pf_action_over(s);
	if (choice >= 0 && pg && (size_t)choice < pg->n) {
		snprintf(s->new_org, sizeof s->new_org, "%s", pg->rows[choice].id);
		fl = pf_new_ask_name(s);
	}
	db_page_free(pg);
	return fl;
}

/* A client of this coach needs an organization: offer them. */
static int pf_new_pick_org(pf *s)
{
	db *d = app_db_sync(s->a);
	db_list_req r = {.kind = DB_ORG, .parent_kind = DB_NONE, .dir = DB_FIRST, .limit = 200};
	db_page *pg = NULL;
	if (!d || db_list(d, &r, &pg) != DB_OK || !pg->n) {
		pf_say(s, UI_ERROR, "no client organization to put the client in%s%s",
		       d ? ": " : "", d ? db_errmsg(d) : "");
		db_page_free(pg);
		return UI_REDRAW;
	}
	const char **labels = ui_xcalloc(pg->n, sizeof *labels);
	for (size_t i = 0; i < pg->n; i++)
		labels[i] = pg->rows[i].name ? pg->rows[i].name : pg->rows[i].id;
	db_page_free(s->pick);
	s->pick = pg;
	app_choose(s->a, s->self, "Organization of the new client", labels, pg->n, pf_new_org_done,
	           NULL);
	free(labels);
	return UI_REDRAW;
}

/* Starts creating choice c of pf_new_choices. */
static int pf_new_start(pf *s, const struct pf_new_choice *c)
{
	s->new_kind = c->kind;
	s->new_mode = c->mode;
	return c->mode == NEW_CLIENT_OF_COACH ? pf_new_pick_org(s) : pf_new_ask_name(s);
}

/* Indexes of the choices that apply to this form's kind. */
static size_t pf_new_options(const pf *s, size_t *idx)
{
	size_t n = 0;
	for (size_t i = 0; i < sizeof pf_new_choices / sizeof pf_new_choices[0]; i++)
		if (pf_new_choices[i].from == s->kind)
			idx[n++] = i;
	return n;
}

static int pf_new_kind_done(pane *owner, int choice, void *ctx)
{
	(void)ctx;
	pf *s = owner->priv;
	size_t idx[8], n = pf_new_options(s, idx);
	if (choice < 0 || (size_t)choice >= n)
		return pf_action_over(s);
	return pf_new_start(s, &pf_new_choices[idx[choice]]);
}

/* n: what to create here (a sibling, or a child of this record). */
static int pf_new(pf *s)
{
	if (pf_read_only(s, "creating"))
		return UI_REDRAW;
	size_t idx[8], n = pf_new_options(s, idx);
	if (!n) {
		pf_say(s, UI_ERROR, "data items are added with `rapport ingest`");
		return UI_REDRAW;
	}
	if (n == 1)
		return pf_new_start(s, &pf_new_choices[idx[0]]);
	const char *labels[8];
	for (size_t i = 0; i < n; i++)
		labels[i] = pf_new_choices[idx[i]].label;
	app_choose(s->a, s->self, "Create a new", labels, n, pf_new_kind_done, NULL);
	return UI_REDRAW;
}

static int pf_assoc_action_done(pane *owner, int choice, void *ctx)
{
	(void)ctx;
	pf *s = owner->priv;
	db *d = choice >= 0 ? app_db_sync(s->a) : NULL;
	if (!d)
		return UI_REDRAW;
	db_status st = choice == 2 ? db_assoc_remove(d, s->id, s->model_id)
	                           : db_assoc_set(d, s->id, s->model_id, choice == 1);
	if (st != DB_OK)
		pf_say(s, UI_ERROR, "not changed: %s", db_errmsg(d));
	else {
		app_changed(s->a, s->kind, s->id);
		pf_say(s, UI_INFO,
		       choice == 2   ? "model association removed"
		       : choice == 1 ? "primary model set (the previous primary is now "
		                       "a plain association)"
		                     : "model associated");
	}
	return UI_REDRAW;
}

static int pf_assoc_model_done(pane *owner, int choice, void *ctx)
{
	(void)ctx;
	pf *s = owner->priv;
	db_page *pg = s->pick;
	s->pick = NULL;
	if (choice >= 0 && pg && (size_t)choice < pg->n) {
		snprintf(s->model_id, sizeof s->model_id, "%s", pg->rows[choice].id);
		static const char *const acts[] = {"use it", "primary model", "remove"};
		app_choose(s->a, s->self, pg->rows[choice].name, acts, 3, pf_assoc_action_done,
		           NULL);
	}
	db_page_free(pg);
	return UI_REDRAW;
}

/* M on a coach: pick one of the company's models, then use / primary / remove. */
static int pf_assoc(pf *s)
{
	if (s->kind == DB_COACH && pf_read_only(s, "changing coaching models"))
		return UI_REDRAW;
	const char *company = pf_col_value(s, "coaching_company_id");
	db *d = s->kind == DB_COACH && company ? app_db_sync(s->a) : NULL;
	if (!d) {
		if (s->kind != DB_COACH)
			pf_say(s, UI_ERROR, "coaching models are associated from a coach's form");
		return UI_REDRAW;
	}
	db_list_req r = {.kind = DB_MODEL, .parent_kind = DB_COACH, .dir = DB_FIRST, .limit = 200};
	snprintf(r.parent_id, sizeof r.parent_id, "%s", s->id);
	db_page *mine = NULL, *pg = NULL;
	if (db_list(d, &r, &mine) != DB_OK) {
		pf_say(s, UI_ERROR, "cannot list models: %s", db_errmsg(d));
		return UI_REDRAW;
	}
	r.parent_kind = DB_COMPANY;
	snprintf(r.parent_id, sizeof r.parent_id, "%s", company);
	if (db_list(d, &r, &pg) != DB_OK || !pg->n) {
		pf_say(s, UI_ERROR, "no coaching models in this coach's company");
		db_page_free(mine);
		db_page_free(pg);
		return UI_REDRAW;
	}
	char **labels = ui_xcalloc(pg->n, sizeof *labels);
	for (size_t i = 0; i < pg->n; i++) {
		const char *tag = "";
		for (size_t j = 0; j < mine->n; j++)
			if (!strcmp(mine->rows[j].id, pg->rows[i].id))
				tag = mine->rows[j].flag ? " (primary)" : " (used)";
		char buf[300];
		snprintf(buf, sizeof buf, "%s%s", pg->rows[i].name ? pg->rows[i].name : "?", tag);
		labels[i] = ui_xstrdup(buf);
	}
	db_page_free(mine);
	db_page_free(s->pick);
	s->pick = pg;
	app_choose(s->a, s->self, "Coaching model", (const char *const *)labels, pg->n,
	           pf_assoc_model_done, NULL);
	for (size_t i = 0; i < pg->n; i++)
		free(labels[i]);
	free(labels);
	return UI_REDRAW;
}

/* ---- history: restore a past metadata version ----------------------------------- */

#define PF_MAX_VERSIONS 50

static void pf_versions_free(pf *s)
{
	for (size_t i = 0; i < s->nversions; i++)
		form_json_free(s->versions[i]);
	free(s->versions);
	s->versions = NULL;
	s->nversions = 0;
}

/* The "metadata" object inside an audit before/after text, or NULL. */
static form_json *pf_audit_meta(const char *text)
{
	form_perr e;
	form_json *o = text ? form_json_parse(text, strlen(text), &e) : NULL;
	form_json *m = form_json_get(o, "metadata");
	form_json *out = m && m->type == FJ_OBJECT ? form_json_dup(m) : NULL;
	if (out) {
		free(out->key);
		out->key = NULL;
	}
	form_json_free(o);
	return out;
}

static int pf_history_done(pane *owner, int choice, void *ctx)
{
	(void)ctx;
	pf *s = owner->priv;
	if (choice >= 0 && (size_t)choice < s->nversions) {
		form_json *orig = form_json_dup(form_original(s->f));
		form_rebase(s->f, orig, s->versions[choice]);
		form_json_free(orig);
		pf_changed(s);
		pf_say(s, UI_INFO,
		       "past version loaded: C-s saves it (validated and checked against "
		       "newer saves)");
	}
	pf_versions_free(s);
	return UI_REDRAW;
}

/* H: the record's metadata versions from the audit trail, newest first. */
static int pf_history(pf *s)
{
	if (pf_unsaved(s)) {
		pf_say(s, UI_ERROR, "save or discard your edit before restoring a past version");
		return UI_REDRAW;
	}
	db *d = app_db_sync(s->a);
	if (!d)
		return UI_REDRAW;
	db_audit_entry *v = NULL;
	size_t n = 0;
	if (db_history(d, s->kind, s->id, &v, &n) != DB_OK) {
		pf_say(s, UI_ERROR, "cannot read the history: %s", db_errmsg(d));
		return UI_REDRAW;
	}
	pf_versions_free(s);
	s->versions = ui_xcalloc(PF_MAX_VERSIONS + 1, sizeof *s->versions);
	char **labels = ui_xcalloc(PF_MAX_VERSIONS + 1, sizeof *labels);
	for (size_t i = 0; i < n && s->nversions < PF_MAX_VERSIONS; i++) {
		bool oldest = i + 1 == n;
		for (int side = 0; side < 1 + oldest; side++) {
			form_json *m = pf_audit_meta(side ? v[i].before : v[i].after);
			if (!m)
				continue;
			char label[200];
			snprintf(label, sizeof label, "%.19s %s by %.60s", v[i].at,
			         side ? "before the first change" : v[i].action,
			         v[i].actor ? v[i].actor : "?");
			labels[s->nversions] = ui_xstrdup(label);
			s->versions[s->nversions++] = m;
		}
	}
	db_history_free(v, n);
	if (!s->nversions)
		pf_say(s, UI_INFO, "no earlier metadata versions recorded for this %s",
		       db_kind_label(s->kind));
	else
		app_choose(s->a, s->self, "Restore the metadata as it was after",
		           (const char *const *)labels, s->nversions, pf_history_done, NULL);
	for (size_t i = 0; i < s->nversions; i++)
		free(labels[i]);
	free(labels);
	return UI_REDRAW;
}

/* ---- nested objects: a form over one value, applied to its parent ----------------- */

static const pane_ops form_ops;

/* Enter on a nested object: pushes a form over it. */
static int pf_sub_open(pf *s, size_t field)
{
	form *sf = form_open_object(s->f, field);
	if (!sf)
		return UI_HANDLED;
	pf *c = ui_xcalloc(1, sizeof *c);
	c->a = s->a;
	c->parent = s;
	c->parent_field = field;
	c->kind = s->kind;
	snprintf(c->id, sizeof c->id, "%s", s->id);
	pf_set_token(c->token, s->token);
	char name[400];
	snprintf(name, sizeof name, "%s \u203a %s", s->name ? s->name : "",
	         form_field_at(s->f, field)->key);
	c->name = ui_xstrdup(name);
	c->f = sf;
	c->recovery_checked = true;
	pf_changed(c);
	pane *p = pane_new(s->a, &form_ops, c);
	p->place = UI_FULL;
	c->self = p;
	app_push(s->a, p);
	return UI_REDRAW;
}

/* Copies a nested form's document into its parent (when changed). */
static void pf_sub_apply(pf *c)
{
	if (!c->parent || !c->f || !form_dirty(c->f))
		return;
	form_set_value(c->parent->f, c->parent_field, form_doc(c->f));
	form_mark_saved(c->f);
	pf_changed(c->parent);
}

/* Esc / C-s in a nested form: back to the parent with the value applied. */
static int pf_sub_close(pf *c)
{
	if (c->mode == PF_RAW && pf_raw_apply(c) != 0)
		return UI_REDRAW;
	pf_changed(c);
	const ms_issue *e = ms_report_first_error(c->rep);
	if (e) {
		pf_say(c, UI_ERROR, "%s (fix it first)", e->text);
		return UI_REDRAW;
	}
	pf_sub_apply(c);
	app_status(c->a, UI_INFO, "nested value applied: C-s in the record's form saves it");
	return UI_CLOSE;
}

/* ---- keys --------------------------------------------------------------------------- */

static int pf_delete_commit(pf *s);

/* Asks a yes/no question in the pane's last line. */
static int pf_ask_begin(pf *s, pf_ask what)
{
	s->ask = what;
	s->ask_from = s->mode;
	s->mode = PF_ASK;
	return UI_REDRAW;
}

/* The answer to the pane's own question. */
static int pf_key_ask(pf *s, int key)
{
	if (key != 'y' && key != 'Y') {
		if (key == 'n' || key == 'N' || key == KEYS_ESC) {
			s->mode = s->ask_from;
			if (s->ask == ASK_DELETE)
				return pf_action_over(s);
		}
		return UI_REDRAW;
	}
	if (s->ask == ASK_DELETE)
		return pf_delete_commit(s);
	if (s->ask == ASK_DROP_STORED) {
		/* there is no form to go back to: close, the record unchanged */
		pf_recovery_remove(s);
		app_status(s->a, UI_INFO, "metadata not changed (the form cannot hold it)");
		return UI_CLOSE;
	}
	free(s->raw);
	s->raw = NULL;
	s->raw_failed = false;
	s->mode = PF_FORM;
	if (s->ask == ASK_DROP_RAW) {
		pf_changed(s);
		return UI_REDRAW;
	}
	form_json *o = form_json_dup(form_original(s->f));
	form_rebase(s->f, o, o); /* nothing unsaved left for on_hangup */
	form_json_free(o);
	pf_recovery_remove(s);
	return UI_CLOSE;
}

static int pf_close(pf *s, pane *p)
{
	(void)p;
	if (!pf_unsaved(s)) {
		pf_recovery_remove(s);
		return UI_CLOSE;
	}
	return pf_ask_begin(s, ASK_DISCARD_CLOSE);
}

static int pf_key_raw(pf *s, pane *p, int key)
{
	keys_cmd c = app_command(s->a, p, key);
	if (c == KEYS_CMD_SAVE)
		return pf_save_start(s);
	if (key == KEYS_ESC) {
		if (s->raw_failed)
			return pf_ask_begin(s, s->unrepresentable ? ASK_DROP_STORED : ASK_DROP_RAW);
		pf_raw_apply(s);
		return UI_REDRAW;
	}
	if (key == KEYS_F(2))
		return pf_external(s);
	char enc[4];
	switch (key) {
	case KEYS_ENTER: raw_insert(s, "\n", 1); break;
	case KEYS_TAB: raw_insert(s, "  ", 2); break;
	case KEYS_BACKSPACE: raw_backspace(s); break;
	case KEYS_DELETE: raw_delete(s); break;
	case KEYS_LEFT: s->raw_cur = raw_prev_char(s, s->raw_cur); break;
	case KEYS_RIGHT: s->raw_cur = raw_next_char(s, s->raw_cur); break;
	case KEYS_UP: raw_vertical(s, -1); break;
	case KEYS_DOWN: raw_vertical(s, 1); break;
	case KEYS_HOME: s->raw_cur = raw_bol(s, s->raw_cur); break;
	case KEYS_END: s->raw_cur = raw_eol(s, s->raw_cur); break;
	default:
		if (key >= 0x20 && key < KEYS_SPECIAL && key != 0x7f)
			raw_insert(s, enc, utf8_encode(key, enc));
		else
			return UI_HANDLED;
	}
	return UI_REDRAW;
}

static int pf_key_form(pf *s, pane *p, int key)
{
	if (s->parent) {
		keys_cmd c = app_command(s->a, p, key);
		if (c == KEYS_CMD_SAVE || c == KEYS_CMD_BACK)
			return pf_sub_close(s);
		if (c == KEYS_CMD_UNDO_SAVE || c == KEYS_CMD_NEW || c == KEYS_CMD_DELETE ||
		    c == KEYS_CMD_MODELS || c == KEYS_CMD_HISTORY) {
			pf_say(s, UI_INFO,
			       "inside a nested value: Esc goes back to the record's form");
			return UI_REDRAW;
		}
	}
	switch (app_command(s->a, p, key)) {
	case KEYS_CMD_DOWN: pf_move(s, 1); return UI_REDRAW;
	case KEYS_CMD_UP: pf_move(s, -1); return UI_REDRAW;
	case KEYS_CMD_FIRST: pf_move(s, -(long)s->nrows); return UI_REDRAW;
	case KEYS_CMD_LAST: pf_move(s, (long)s->nrows); return UI_REDRAW;
	case KEYS_CMD_PAGE_DOWN: pf_move(s, 10); return UI_REDRAW;
	case KEYS_CMD_PAGE_UP: pf_move(s, -10); return UI_REDRAW;
	case KEYS_CMD_OPEN:
	case KEYS_CMD_TOGGLE: return pf_open_row(s);
	case KEYS_CMD_ADD_KEY: return pf_add(s);
	case KEYS_CMD_REMOVE_KEY: return pf_remove(s);
	case KEYS_CMD_MOVE_ITEM_UP: return pf_move_item(s, -1);
	case KEYS_CMD_MOVE_ITEM_DOWN: return pf_move_item(s, +1);
	case KEYS_CMD_RAW_JSON: pf_raw_begin(s); return UI_REDRAW;
	case KEYS_CMD_EXTERNAL_EDITOR: return pf_external(s);
	case KEYS_CMD_SAVE: return pf_save_start(s);
	case KEYS_CMD_UNDO_SAVE: return pf_undo(s);
	case KEYS_CMD_BACK: return pf_close(s, p);
	case KEYS_CMD_DELETE: return pf_delete_begin(s);
	case KEYS_CMD_NEW: return pf_new(s);
	case KEYS_CMD_MODELS: return pf_assoc(s);
	case KEYS_CMD_HISTORY: return pf_history(s);
	case KEYS_CMD_QUIT:
		if (pf_unsaved(s)) {
			pf_say(s, UI_ERROR, "unsaved changes: C-s saves, Esc discards");
			return UI_REDRAW;
		}
		return UI_UNHANDLED;
	default: return UI_UNHANDLED;
	}
}

static int pf_key(pane *p, int key)
{
	pf *s = p->priv;
	s->note[0] = '\0';
	switch (s->mode) {
	case PF_EDIT:
		if (app_command(s->a, p, key) == KEYS_CMD_SAVE)
			return pf_save_start(s);
		return pf_key_edit(s, key);
	case PF_RAW: return pf_key_raw(s, p, key);
	case PF_DIFF:
		if (key == 'y' || key == KEYS_ENTER || app_command(s->a, p, key) == KEYS_CMD_SAVE)
			return pf_save_commit(s);
		if (key == 'n' || key == KEYS_ESC || app_command(s->a, p, key) == KEYS_CMD_BACK) {
			s->mode = PF_FORM;
			return UI_REDRAW;
		}
		return UI_HANDLED;
	case PF_CONFLICT: return pf_key_conflict(s, p, key);
	case PF_ASK: return pf_key_ask(s, key);
	default: return pf_key_form(s, p, key);
	}
}

/* ---- lifecycle ------------------------------------------------------------------------ */

static void pf_free(pane *p)
{
	pf *s = p->priv;
	if (!s)
		return;
	form_free(s->f);
	pf_cols_free(s);
	db_page_free(s->pick);
	metaschema_free(s->schema);
	ms_report_free(s->rep);
	form_diff_free(s->diff);
	form_merge_free(s->merge);
	form_json_free(s->theirs);
	free(s->rows);
	free(s->raw);
	free(s->raw_orig);
	free(s->name);
	free(s->new_key);
	pf_undo_clear(s);
	free(s->new_name);
	pf_versions_free(s);
	free(s);
	p->priv = NULL;
}

static void pf_hangup(pane *p)
{
	pf *s = p->priv;
	if (!s)
		return;
	if (s->parent) { /* the record's form writes the file, with this value in it */
		pf_sub_apply(s);
		pf_recovery_write(s->parent);
		return;
	}
	pf_recovery_write(s);
}

static const char *pf_copy(pane *p)
{
	pf *s = p->priv;
	const pf_row *r = pf_row_cur(s);
	if (!r || s->mode != PF_FORM)
		return NULL;
	static char *last;
	free(last);
	last = pf_value_text(s, r);
	return last;
}

static void pf_offer_recovery(pf *s);
static int pf_new(pf *s);
static int pf_delete_begin(pf *s);

/* First placement (after the push): offer a kept edit of this record. */
static void pf_resize(pane *p, int h, int w)
{
	pf *s = p->priv;
	s->height = h;
	s->width = w;
	if (!s->recovery_checked) {
		s->recovery_checked = true;
		pf_offer_recovery(s);
	}
	if (s->start_action) {
		int act = s->start_action;
		s->start_action = 0;
		s->from_list = true;
		if (act == 'n')
			pf_new(s);
		else if (act == 'd')
			pf_delete_begin(s);
	}
}

static const pane_ops form_ops = {
    .name = "form",
    .keys_ctx = KEYS_FORM,
    .draw = pf_draw,
    .resize = pf_resize,
    .key = pf_key,
    .free = pf_free,
    .copy_value = pf_copy,
    .on_hangup = pf_hangup,
};

static int pf_recover_done(pane *owner, int choice, void *ctx)
{
	pf *s = owner->priv;
	form_json *rec = ctx;
	const form_json *text = form_json_get(rec, "metadata_text");
	const form_json *tok = form_json_get(rec, "updated_at");
	const form_json *cols = form_json_get(rec, "columns");
	db *d = choice == 1 ? app_db_sync(s->a) : NULL;
	for (size_t i = 0; d && cols && cols->type == FJ_OBJECT && i < cols->n; i++)
		for (size_t k = 0; k < s->ncols; k++) {
			pf_col *c = &s->cols[k];
			if (strcmp(c->name, cols->kids[i]->key))
				continue;
			free(c->cur);
			c->cur = cols->kids[i]->type == FJ_STRING ? ui_xstrdup(cols->kids[i]->text)
			                                          : NULL;
			if (c->fk) {
				free(c->fk_label);
				c->fk_label = pf_fk_name(d, c->fk, c->cur);
			}
		}
	if (choice == 1 && text && text->type == FJ_STRING) {
		if (tok && tok->type == FJ_STRING && *tok->text)
			pf_set_token(s->token, tok->text); /* a newer save shows as a conflict */
		raw_set(s, text->text);
		s->mode = PF_RAW;
		if (pf_raw_apply(s) == 0)
			pf_say(s, UI_INFO, "recovered your unsaved edit: C-s saves it");
	}
	pf_recovery_remove(s);
	form_json_free(rec);
	return UI_REDRAW;
}

/* Offers the recovery file of this record, if there is one. */
static void pf_offer_recovery(pf *s)
{
	char path[4096];
	size_t n = 0;
	if (pf_recovery_path(s, path, sizeof path) != 0)
		return;
	char *text = pf_slurp(path, &n);
	if (!text)
		return;
	form_perr e;
	form_json *rec = form_json_parse(text, n, &e);
	free(text);
	if (!rec || rec->type != FJ_OBJECT) {
		form_json_free(rec);
		return;
	}
	app_confirm(s->a, s->self, "Recover the unsaved edit kept from last time?", pf_recover_done,
	            rec);
}

/* Loads the record and its schema; NULL after a status message. */
static pf *pf_load(app *a, db_kind kind, const char *id)
{
	db *d = app_db_sync(a);
	if (!d)
		return NULL;
	db_record *rec = NULL;
	/* a cancel of the browser's request may still reach the server after
	 * it finished and hit ours: such a statement is simply run again */
	db_status st = DB_CANCELED;
	for (int i = 0; i < 3 && st == DB_CANCELED; i++)
		st = db_record_get(d, kind, id, &rec);
	if (st != DB_OK) {
		app_status(a, UI_ERROR, "cannot open the %s: %s", db_kind_label(kind),
		           db_errmsg(d));
		return NULL;
	}
	pf *s = ui_xcalloc(1, sizeof *s);
	s->a = a;
	s->kind = kind;
	snprintf(s->id, sizeof s->id, "%s", rec->id);
	pf_set_token(s->token, rec->updated_at);
	const char *nm = db_record_field(rec, "name");
	s->name = ui_xstrdup(nm ? nm : "");
	char *err = NULL;
	st = DB_CANCELED;
	for (int i = 0; i < 3 && st == DB_CANCELED; i++) {
		free(err);
		err = NULL;
		st = meta_schema_load(d, kind, &s->schema, &err);
	}
	if (st != DB_OK) {
		app_status(a, UI_ERROR, "metadata schema: %s (using none)",
		           err ? err : db_errmsg(d));
		s->schema = NULL;
	}
	free(err);
	pf_cols_load(s, d, rec);
	form_perr e;
	s->f = form_new(s->schema, rec->metadata, strlen(rec->metadata), &e);
	if (!s->f) {
		/* stored metadata this form cannot hold: edit it as text */
		s->f = form_new(s->schema, "{}", 2, NULL);
		raw_set(s, rec->metadata);
		s->mode = PF_RAW;
		s->raw_failed = true;
		s->unrepresentable = true;
		snprintf(s->raw_err, sizeof s->raw_err, "stored metadata: line %d, column %d: %s",
		         e.line, e.col, e.msg);
		app_status(a, UI_ERROR, "%s", s->raw_err);
	}
	db_record_free(rec);
	pf_changed(s);
	if (s->ncols && s->ncols + 1 < s->nrows)
		s->cur = s->ncols + 1; /* start on the metadata; columns are above */
	return s;
}

pane *pane_form_open(app *a, db_kind kind, const char *id)
{
	if (kind <= DB_NONE || kind >= DB_KIND_COUNT || !id || !db_is_uuid(id)) {
		app_status(a, UI_ERROR, "nothing to edit here");
		return NULL;
	}
	pf *s = pf_load(a, kind, id);
	if (!s)
		return NULL;
	pane *p = pane_new(a, &form_ops, s);
	p->place = UI_FULL;
	s->self = p;
	return p;
}

/* A recovery file found at startup. */
typedef struct pf_kept {
	char path[4400];
	time_t mtime;
} pf_kept;

/* Newest first, for qsort. */
static int pf_kept_cmp(const void *x, const void *y)
{
	const pf_kept *a = x, *b = y;
	return (a->mtime < b->mtime) - (a->mtime > b->mtime);
}

/* The form of the record a recovery file names, when that record exists in
 * this database (a file may come from a run against another one: it is
 * left alone, quietly). NULL otherwise. */
static pane *pf_kept_open(app *a, const char *path)
{
	size_t len = 0;
	char *text = pf_slurp(path, &len);
	form_perr pe;
	form_json *rec = text ? form_json_parse(text, len, &pe) : NULL;
	free(text);
	const form_json *t = form_json_get(rec, "table"), *id = form_json_get(rec, "id");
	pane *p = NULL;
	db *d = app_db_sync(a);
	db_record *r = NULL;
	if (d && t && id && t->type == FJ_STRING && id->type == FJ_STRING &&
	    db_kind_parse(t->text) != DB_NONE && db_is_uuid(id->text) &&
	    db_record_get(d, db_kind_parse(t->text), id->text, &r) == DB_OK) {
		db_record_free(r);
		p = pane_form_open(a, db_kind_parse(t->text), id->text);
	}
	form_json_free(rec);
	return p;
}

/* For the app at startup: opens the form of the record whose unsaved edit
 * was kept most recently in this database (the form then offers it back),
 * or returns NULL when there is none (declared in rapport/ui.h). */
pane *pane_form_recovery_open(app *a)
{
	char dir[4000];
	pf_kept kept[32];
	size_t n = 0;
	if (pf_state_dir(dir, sizeof dir) != 0)
		return NULL;
	DIR *dp = opendir(dir);
	if (!dp)
		return NULL;
	struct dirent *e;
	while ((e = readdir(dp)) && n < sizeof kept / sizeof kept[0]) {
		size_t len = strlen(e->d_name);
		struct stat st;
		if (strncmp(e->d_name, "recovery-", 9) != 0 || len < 14 ||
		    strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(kept[n].path, sizeof kept[n].path, "%s/%s", dir, e->d_name);
		if (stat(kept[n].path, &st) == 0 && S_ISREG(st.st_mode))
			kept[n++].mtime = st.st_mtime;
	}
	closedir(dp);
	qsort(kept, n, sizeof kept[0], pf_kept_cmp);
	pane *p = NULL;
	for (size_t i = 0; i < n && !p; i++)
		p = pf_kept_open(a, kept[i].path);
	return p;
}

/* For the browser's n / d on a list row: opens the form of (kind, id) and
 * starts creating a record next to / under it ('n') or deleting it ('d',
 * after the question naming what goes with it). NULL after a status
 * message (declared in rapport/ui.h). */
pane *pane_form_open_action(app *a, db_kind kind, const char *id, int action)
{
	pane *p = pane_form_open(a, kind, id);
	if (p)
		((pf *)p->priv)->start_action = action == 'n' || action == 'd' ? action : 0;
	return p;
}
