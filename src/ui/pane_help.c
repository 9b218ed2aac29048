/* The `?` overlay, generated from the key/command table (rapport/keys.h), so
 * the help cannot drift from the bindings. */
#include "rapport/config.h"
#include "ui/ui_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct help {
	app *a;
	char *text; /* "KEYS\tHELP\n" lines */
	char **lines;
	size_t n;
	int top, h;
} help;

/* Splits the help text into lines in place. */
static void help_split(help *h)
{
	size_t cap = 0;
	for (char *s = h->text; s && *s;) {
		char *nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		if (h->n == cap) {
			cap = cap ? cap * 2 : 64;
			h->lines = realloc(h->lines, cap * sizeof *h->lines);
			if (!h->lines)
				app_fatal("out of memory");
		}
		h->lines[h->n++] = s;
		if (!nl)
			break;
		s = nl + 1;
	}
}

/* Draws the key table in a frame. */
static void help_draw(pane *p, WINDOW *w)
{
	help *h = p->priv;
	int rows, cols;
	getmaxyx(w, rows, cols);
	h->h = rows - 2;
	attr_t at = app_attr(h->a, THEME_DIALOG);
	wbkgdset(w, ' ' | at);
	werase(w);
	ui_frame(w, app_attr(h->a, THEME_BORDER), "Keys — ? or Esc closes");
	int keyw = 22;
	for (int y = 0; y < h->h && (size_t)(h->top + y) < h->n; y++) {
		char *line = h->lines[h->top + y];
		char *tab = strchr(line, '\t');
		if (tab) {
			*tab = '\0';
			ui_put_safe(w, y + 1, 2, keyw - 1, line, app_attr(h->a, THEME_KEY));
			ui_put_safe(w, y + 1, 2 + keyw, cols - keyw - 4, tab + 1, at);
			*tab = '\t';
		} else {
			ui_put_safe(w, y + 1, 2, cols - 4, line, app_attr(h->a, THEME_HEADER));
		}
	}
}

/* Scrolls; ?, Esc or q closes. */
static int help_key(pane *p, int key)
{
	help *h = p->priv;
	switch (app_command(h->a, p, key)) {
	case KEYS_CMD_DOWN:
		if ((size_t)(h->top + h->h) < h->n)
			h->top++;
		return UI_REDRAW;
	case KEYS_CMD_UP:
		if (h->top > 0)
			h->top--;
		return UI_REDRAW;
	case KEYS_CMD_HELP:
	case KEYS_CMD_BACK:
	case KEYS_CMD_QUIT: return UI_CLOSE;
	default: return UI_HANDLED;
	}
}

/* Frees the help overlay. */
static void help_free(pane *p)
{
	help *h = p->priv;
	free(h->text);
	free(h->lines);
	free(h);
}

static const pane_ops help_ops = {
    .name = "help",
    .keys_ctx = KEYS_GLOBAL,
    .draw = help_draw,
    .key = help_key,
    .free = help_free,
};

/* The help for the bindings of context ctx. */
pane *pane_help_open_ctx(app *a, keys_ctx ctx)
{
	help *h = ui_xcalloc(1, sizeof *h);
	h->a = a;
	config *c = app_config(a);
	h->text = keys_help_text(c->keys, ctx);
	if (!h->text)
		app_fatal("out of memory");
	help_split(h);
	pane *p = pane_new(a, &help_ops, h);
	p->place = UI_CENTER;
	p->want_w = 76;
	p->want_h = (int)h->n + 2;
	return p;
}

/* The help overlay for list bindings. */
pane *pane_help_open(app *a)
{
	return pane_help_open_ctx(a, KEYS_LIST);
}
