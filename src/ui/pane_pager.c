/* Full-screen pager for a data item: wrapped lines, `/` search with every
 * hit highlighted, n/N to step through them. */
#include "rapport/config.h"
#include "rapport/text.h"
#include "ui/ui_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pvline {
	size_t off, len; /* bytes of the sanitized text */
} pvline;

typedef struct pager {
	app *a;
	char title[256];
	char *text; /* sanitized, newlines kept */
	size_t len;
	pvline *v;
	size_t nv;
	int top, h, w;
	size_t hl_start, hl_len;
	char term[256];
	size_t *hits;
	size_t nhits, hit;
	bool searching;
	bool nowrap; /* w: one screen line per text line, cut at the edge */
	ui_line line;
} pager;

/* Bytes of the UTF-8 character at s. */
static size_t pager_charlen(const char *s)
{
	size_t n = 1;
	while (s[n] && ((unsigned char)s[n] & 0xC0) == 0x80)
		n++;
	return n;
}

/* Columns of one character. */
static int pager_charw(const char *s, size_t n)
{
	char one[8];
	if (n >= sizeof one)
		return 1;
	memcpy(one, s, n);
	one[n] = '\0';
	return text_width(one);
}

/* Appends a visual line. */
static void pager_push(pager *p, size_t off, size_t len, size_t *cap)
{
	if (p->nv == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		p->v = realloc(p->v, *cap * sizeof *p->v);
		if (!p->v)
			app_fatal("out of memory");
	}
	p->v[p->nv++] = (pvline){off, len};
}

/* Splits the text into lines wrapped at width cols (at spaces when possible). */
static void pager_wrap(pager *p, int cols)
{
	size_t cap = 0;
	p->nv = 0;
	if (cols < 1)
		cols = 1;
	size_t i = 0;
	while (i <= p->len) {
		size_t start = i, last_space = 0;
		int w = 0;
		while (i < p->len && p->text[i] != '\n') {
			size_t n = pager_charlen(p->text + i);
			int cw = pager_charw(p->text + i, n);
			if (w + cw > cols && i > start)
				break;
			if (p->text[i] == ' ')
				last_space = i + 1;
			w += cw;
			i += n;
		}
		if (i < p->len && p->text[i] != '\n' && last_space > start) {
			pager_push(p, start, last_space - start, &cap);
			i = last_space;
			continue;
		}
		pager_push(p, start, i - start, &cap);
		if (i >= p->len)
			break;
		if (p->text[i] == '\n')
			i++;
	}
}

/* Visual line containing byte offset off. */
static int pager_line_of(pager *p, size_t off)
{
	for (size_t i = 0; i < p->nv; i++)
		if (off < p->v[i].off + p->v[i].len || i + 1 == p->nv || off < p->v[i + 1].off)
			return (int)i;
	return 0;
}

/* Brings byte offset off into view, a few lines below the top. */
static void pager_show(pager *p, size_t off)
{
	int l = pager_line_of(p, off);
	int body = p->h - 1;
	if (l < p->top || l >= p->top + body)
		p->top = l > 2 ? l - 2 : 0;
}

/* Case-insensitive search for the term; fills the hit list. */
static void pager_find(pager *p)
{
	free(p->hits);
	p->hits = NULL;
	p->nhits = p->hit = 0;
	size_t tl = strlen(p->term);
	if (!tl || tl > p->len)
		return;
	size_t cap = 0;
	for (size_t i = 0; i + tl <= p->len; i++) {
		if (strncasecmp(p->text + i, p->term, tl) != 0)
			continue;
		if (p->nhits == cap) {
			cap = cap ? cap * 2 : 64;
			p->hits = realloc(p->hits, cap * sizeof *p->hits);
			if (!p->hits)
				app_fatal("out of memory");
		}
		p->hits[p->nhits++] = i;
		i += tl - 1;
	}
}

/* Moves to the next (dir 1) or previous (-1) hit from the top line. */
static void pager_step(pager *p, int dir)
{
	if (!p->nhits) {
		app_status(p->a, UI_INFO, "no match for \"%s\"", p->term);
		return;
	}
	p->hit = dir > 0 ? (p->hit + 1) % p->nhits : (p->hit + p->nhits - 1) % p->nhits;
	pager_show(p, p->hits[p->hit]);
	app_status(p->a, UI_INFO, "match %zu of %zu", p->hit + 1, p->nhits);
}

/* Highlight role of byte i (MATCH for hits and the given span), or -1. */
static int pager_hl(pager *p, size_t i)
{
	if (p->hl_len && i >= p->hl_start && i < p->hl_start + p->hl_len)
		return THEME_MATCH;
	size_t tl = strlen(p->term);
	if (!tl || !p->nhits)
		return -1;
	/* binary search for the last hit <= i */
	size_t lo = 0, hi = p->nhits;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->hits[mid] <= i)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && i < p->hits[lo - 1] + tl)
		return THEME_MATCH;
	return -1;
}

/* Draws one visual line in runs of equal highlight. */
static void pager_draw_line(pager *p, WINDOW *w, int y, const pvline *l)
{
	int x = 0;
	size_t i = l->off, end = l->off + l->len;
	char run[1024];
	while (i < end) {
		int hl = pager_hl(p, i);
		size_t n = 0;
		while (i < end && pager_hl(p, i) == hl && n + 8 < sizeof run) {
			size_t cl = pager_charlen(p->text + i);
			memcpy(run + n, p->text + i, cl);
			n += cl;
			i += cl;
		}
		run[n] = '\0';
		attr_t at = app_attr(p->a, hl >= 0 ? (theme_role)hl : THEME_NORMAL);
		x += ui_put_safe(w, y, x, p->w - x, run, at);
		if (x >= p->w)
			break;
	}
}

/* Draws the title bar, the visible lines and the search prompt. */
static void pager_draw(pane *pn, WINDOW *w)
{
	pager *p = pn->priv;
	werase(w);
	int h, wd;
	getmaxyx(w, h, wd);
	if (wd != p->w) {
		p->w = wd;
		pager_wrap(p, p->nowrap ? 1 << 28 : wd);
	}
	p->h = h;
	attr_t ht = app_attr(p->a, THEME_HEADER);
	ui_fill(w, 0, 0, wd, ht);
	char pos[64];
	snprintf(pos, sizeof pos, " %d/%zu ", p->top + 1, p->nv);
	int pw = (int)strlen(pos);
	ui_put_safe(w, 0, 1, wd - pw - 2, p->title, ht | A_BOLD);
	ui_put_safe(w, 0, wd - pw, pw, pos, ht);
	int body = h - 1 - (p->searching ? 1 : 0);
	for (int y = 0; y < body && (size_t)(p->top + y) < p->nv; y++)
		pager_draw_line(p, w, y + 1, &p->v[p->top + y]);
	if (p->searching) {
		ui_line_draw(&p->line, w, h - 1, 0, wd, "/", app_attr(p->a, THEME_STATUS));
		app_caret(p->a, pn, w);
	}
}

/* Scrolls by delta lines, clamped. */
static int pager_scroll(pager *p, int delta)
{
	int max = (int)p->nv - (p->h - 1);
	if (max < 0)
		max = 0;
	p->top += delta;
	if (p->top > max)
		p->top = max;
	if (p->top < 0)
		p->top = 0;
	return UI_REDRAW;
}

/* Keys while typing the search term. */
static int pager_search_key(pager *p, int key)
{
	int r = ui_line_key(&p->line, key);
	if (r & UI_LINE_CANCEL) {
		p->searching = false;
	} else if (r & UI_LINE_ENTER) {
		p->searching = false;
		snprintf(p->term, sizeof p->term, "%s", p->line.buf);
		pager_find(p);
		p->hit = p->nhits - 1;
		pager_step(p, 1);
	}
	return UI_REDRAW;
}

/* Scrolling, search and n/N; q or Esc closes. */
static int pager_key(pane *pn, int key)
{
	pager *p = pn->priv;
	if (p->searching)
		return pager_search_key(p, key);
	int page = p->h > 2 ? p->h - 2 : 1;
	switch (app_command(p->a, pn, key)) {
	case KEYS_CMD_DOWN: return pager_scroll(p, 1);
	case KEYS_CMD_UP: return pager_scroll(p, -1);
	case KEYS_CMD_PAGE_DOWN: return pager_scroll(p, page);
	case KEYS_CMD_PAGE_UP: return pager_scroll(p, -page);
	case KEYS_CMD_FIRST: return pager_scroll(p, -(int)p->nv);
	case KEYS_CMD_LAST: return pager_scroll(p, (int)p->nv);
	case KEYS_CMD_FIND:
		p->searching = true;
		ui_line_set(&p->line, p->term);
		return UI_REDRAW;
	case KEYS_CMD_TOGGLE_WRAP: {
		size_t off = (size_t)p->top < p->nv ? p->v[p->top].off : 0;
		p->nowrap = !p->nowrap;
		pager_wrap(p, p->nowrap ? 1 << 28 : p->w);
		p->top = pager_line_of(p, off); /* keep the same text at the top */
		app_status(p->a, UI_INFO, "%s", p->nowrap ? "long lines cut" : "long lines wrapped");
		return UI_REDRAW;
	}
	case KEYS_CMD_NEXT_MATCH: pager_step(p, 1); return UI_REDRAW;
	case KEYS_CMD_PREV_MATCH: pager_step(p, -1); return UI_REDRAW;
	case KEYS_CMD_BACK:
	case KEYS_CMD_QUIT: return UI_CLOSE;
	default: break;
	}
	if (key == ' ')
		return pager_scroll(p, page);
	return UI_UNHANDLED;
}

/* Frees the pager. */
static void pager_free(pane *pn)
{
	pager *p = pn->priv;
	free(p->text);
	free(p->v);
	free(p->hits);
	free(p);
}

/* Offset in the sanitized text of raw byte offset off. */
static size_t pager_map(const char *raw, size_t len, size_t off)
{
	if (off > len)
		off = len;
	char *s = text_sanitize_multiline(raw, off);
	size_t n = s ? strlen(s) : 0;
	free(s);
	return n;
}

static const pane_ops pager_ops = {
    .name = "pager",
    .keys_ctx = KEYS_PAGER,
    .draw = pager_draw,
    .key = pager_key,
    .free = pager_free,
};

/* A pager on a sanitized copy of text, optionally scrolled and highlighted. */
pane *pane_pager_open(app *a, const char *title, const char *text, size_t len,
                      const ui_pager_opts *o)
{
	pager *p = ui_xcalloc(1, sizeof *p);
	p->a = a;
	char *st = text_sanitize(title ? title : "", (size_t)-1);
	snprintf(p->title, sizeof p->title, "%s", st ? st : "");
	free(st);
	p->text = text_sanitize_multiline(text ? text : "", text ? len : 0);
	if (!p->text)
		app_fatal("out of memory");
	p->len = strlen(p->text);
	int h, w;
	app_screen_size(a, &h, &w);
	p->w = w;
	p->h = h;
	config *c = app_config(a);
	p->nowrap = c && !c->pager_wrap;
	pager_wrap(p, p->nowrap ? 1 << 28 : w);
	if (o && text) {
		if (o->hl_len) {
			p->hl_start = pager_map(text, len, o->hl_start);
			p->hl_len = pager_map(text, len, o->hl_start + o->hl_len) - p->hl_start;
		}
		if (o->search && *o->search) {
			snprintf(p->term, sizeof p->term, "%s", o->search);
			pager_find(p);
		}
		pager_show(p, pager_map(text, len, o->scroll_to ? o->scroll_to : o->hl_start));
	}
	return pane_new(a, &pager_ops, p);
}
