/* Small modal dialogs: a one-line prompt and a pick-one list (yes/no is a
 * two-choice list). Answers go back through the caller's callback. */
#include "rapport/text.h"
#include "ui/ui_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct dialog {
	app *a;
	pane *owner;
	char question[256];
	ui_line line;
	ui_prompt_done pdone;
	ui_choice_done cdone;
	void *ctx;
	char **choices;
	char *keys; /* each choice's shortcut letter, or 0 */
	size_t n, cur, top;
} dialog;

/* Runs the owner's callback, returning the owner's flags as ours. */
static int dialog_finish_prompt(dialog *d, const char *answer)
{
	int fl = d->pdone ? d->pdone(d->owner, answer, d->ctx) : 0;
	if ((fl & UI_CLOSE) && d->owner)
		app_close_later(d->a, d->owner); /* the owner asked to close too */
	return (fl & (UI_QUIT | UI_RELAYOUT)) | UI_CLOSE | UI_REDRAW;
}

/* Draws the prompt box. */
static void prompt_draw(pane *p, WINDOW *w)
{
	dialog *d = p->priv;
	int rows, cols;
	getmaxyx(w, rows, cols);
	(void)rows;
	attr_t at = app_attr(d->a, THEME_DIALOG);
	wbkgdset(w, ' ' | at);
	werase(w);
	ui_frame(w, app_attr(d->a, THEME_BORDER), d->question);
	ui_line_draw(&d->line, w, 1, 2, cols - 4, "> ", at);
}

/* Edits the answer; Enter or Esc answers the owner. */
static int prompt_key(pane *p, int key)
{
	dialog *d = p->priv;
	int r = ui_line_key(&d->line, key);
	if (r & UI_LINE_CANCEL)
		return dialog_finish_prompt(d, NULL);
	if (r & UI_LINE_ENTER)
		return dialog_finish_prompt(d, d->line.buf);
	return UI_REDRAW;
}

/* Frees a dialog. */
static void dialog_free(pane *p)
{
	dialog *d = p->priv;
	for (size_t i = 0; i < d->n; i++)
		free(d->choices[i]);
	free(d->choices);
	free(d->keys);
	free(d);
}

static const pane_ops prompt_ops = {
    .name = "prompt",
    .keys_ctx = KEYS_GLOBAL,
    .draw = prompt_draw,
    .key = prompt_key,
    .free = dialog_free,
};

/* A prompt overlay whose answer goes to done(owner, answer, ctx). */
pane *dialog_prompt_open(app *a, pane *owner, const char *question, const char *initial,
                         ui_prompt_done done, void *ctx)
{
	dialog *d = ui_xcalloc(1, sizeof *d);
	d->a = a;
	d->owner = owner;
	d->pdone = done;
	d->ctx = ctx;
	char *s = text_sanitize(question ? question : "", (size_t)-1);
	snprintf(d->question, sizeof d->question, "%s", s ? s : "");
	free(s);
	ui_line_set(&d->line, initial ? initial : "");
	pane *p = pane_new(a, &prompt_ops, d);
	p->place = UI_CENTER;
	p->want_h = 3;
	p->want_w = 64;
	return p;
}

/* Choices that fit in the box (rows 3 .. rows-2). */
static size_t choose_visible(int rows)
{
	return rows > 4 ? (size_t)(rows - 4) : 1;
}

/* Draws the question and its choices, scrolled so the selected one shows;
 * "k/n" on the bottom border when they do not all fit. */
static void choose_draw(pane *p, WINDOW *w)
{
	dialog *d = p->priv;
	int rows, cols;
	getmaxyx(w, rows, cols);
	attr_t at = app_attr(d->a, THEME_DIALOG);
	wbkgdset(w, ' ' | at);
	werase(w);
	ui_frame(w, app_attr(d->a, THEME_BORDER), NULL);
	ui_put_safe(w, 1, 2, cols - 4, d->question, at | A_BOLD);
	size_t vis = choose_visible(rows);
	if (d->cur < d->top)
		d->top = d->cur;
	if (d->cur >= d->top + vis)
		d->top = d->cur - vis + 1;
	for (size_t i = d->top; i < d->n && i < d->top + vis; i++) {
		int y = (int)(i - d->top) + 3;
		attr_t ca = i == d->cur ? app_attr(d->a, THEME_SELECTION_FOCUSED) : at;
		ui_fill(w, y, 2, cols - 4, ca);
		char line[300];
		if (d->keys[i])
			snprintf(line, sizeof line, "[%c] %s", d->keys[i], d->choices[i]);
		else
			snprintf(line, sizeof line, "    %s", d->choices[i]);
		ui_put_safe(w, y, 3, cols - 6, line, ca);
	}
	if (d->n > vis && rows > 2) {
		char pos[48];
		snprintf(pos, sizeof pos, " %zu/%zu ", d->cur + 1, d->n);
		int pw = (int)strlen(pos);
		if (pw < cols - 4)
			ui_put_safe(w, rows - 1, cols - 2 - pw, pw, pos,
			            app_attr(d->a, THEME_BORDER));
	}
}

/* Answers with choice i (-1: cancelled). */
static int dialog_finish_choice(dialog *d, int i)
{
	int fl = d->cdone ? d->cdone(d->owner, i, d->ctx) : 0;
	if ((fl & UI_CLOSE) && d->owner)
		app_close_later(d->a, d->owner); /* the owner asked to close too */
	return (fl & (UI_QUIT | UI_RELAYOUT)) | UI_CLOSE | UI_REDRAW;
}

/* j/k, arrows, PgUp/PgDn, Home/End move; Enter or a choice's shortcut
 * letter answers; Esc cancels. */
static int choose_key(pane *p, int key)
{
	dialog *d = p->priv;
	size_t page = p->win ? choose_visible(getmaxy(p->win)) : 1;
	if (key == KEYS_ESC || key == KEYS_CTRL('c'))
		return dialog_finish_choice(d, -1);
	if (key == KEYS_ENTER)
		return dialog_finish_choice(d, (int)d->cur);
	if ((key == 'j' || key == KEYS_DOWN) && d->cur + 1 < d->n)
		d->cur++;
	else if ((key == 'k' || key == KEYS_UP) && d->cur > 0)
		d->cur--;
	else if (key == KEYS_PGDN)
		d->cur = d->cur + page < d->n ? d->cur + page : d->n - 1;
	else if (key == KEYS_PGUP)
		d->cur = d->cur > page ? d->cur - page : 0;
	else if (key == KEYS_HOME)
		d->cur = 0;
	else if (key == KEYS_END)
		d->cur = d->n - 1;
	else
		for (size_t i = 0; i < d->n; i++)
			if (d->keys[i] && key == (unsigned char)d->keys[i])
				return dialog_finish_choice(d, (int)i);
	return UI_REDRAW;
}

static const pane_ops choose_ops = {
    .name = "choose",
    .keys_ctx = KEYS_GLOBAL,
    .draw = choose_draw,
    .key = choose_key,
    .free = dialog_free,
};

/* A pick-one overlay whose answer goes to done(owner, index, ctx). */
pane *dialog_choose_open(app *a, pane *owner, const char *title, const char *const *choices,
                         size_t n, ui_choice_done done, void *ctx)
{
	dialog *d = ui_xcalloc(1, sizeof *d);
	d->a = a;
	d->owner = owner;
	d->cdone = done;
	d->ctx = ctx;
	char *s = text_sanitize(title ? title : "", (size_t)-1);
	snprintf(d->question, sizeof d->question, "%s", s ? s : "");
	free(s);
	d->choices = ui_xcalloc(n, sizeof *d->choices);
	for (size_t i = 0; i < n; i++) {
		char *c = text_sanitize(choices[i] ? choices[i] : "?", (size_t)-1);
		d->choices[i] = ui_xstrdup(c && *c ? c : "?");
		free(c);
	}
	d->n = n;
	/* a letter answers only when it starts exactly one choice (org names
	 * share letters; history entries start with a date: no shortcut);
	 * j and k move */
	d->keys = ui_xcalloc(n ? n : 1, 1);
	int widest = text_width(d->question) + 6;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d->choices[i][0];
		int cw = text_width(d->choices[i]) + 10;
		widest = cw > widest ? cw : widest;
		if (c >= 0x80 || !isalpha(c) || c == 'j' || c == 'k')
			continue;
		size_t same = 0;
		for (size_t k = 0; k < n; k++)
			same += (unsigned char)d->choices[k][0] == c;
		if (same == 1)
			d->keys[i] = (char)c;
	}
	pane *p = pane_new(a, &choose_ops, d);
	p->place = UI_CENTER;
	p->want_h = (int)n + 5;
	p->want_w = widest > 60 ? widest : 60; /* the app keeps it on screen */
	return p;
}
