/* The `:` command line: :q, :theme NAME, :goto EMAIL|SLUG|UUID,
 * :view companies|orgs|models, :help, :w; Tab completes. */
#include "rapport/config.h"
#include "ui/ui_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const cmd_names[] = {"q", "quit", "theme", "goto", "view", "help", "w"};
static const char *const cmd_views[] = {"companies", "orgs", "models"};

typedef struct cmdline {
	app *a;
	ui_line line;
} cmdline;

/* Longest common prefix of the candidates matching word; fills hint. */
static size_t cmd_complete_from(const char *word, const char *const *cand, size_t n, char *out,
                                size_t outsz, char *hint, size_t hintsz)
{
	size_t wl = strlen(word), matches = 0, hl = 0;
	out[0] = '\0';
	hint[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (strncmp(cand[i], word, wl) != 0)
			continue;
		if (!matches++) {
			snprintf(out, outsz, "%s", cand[i]);
		} else {
			size_t k = 0;
			while (out[k] && out[k] == cand[i][k])
				k++;
			out[k] = '\0';
		}
		hl += (size_t)snprintf(hint + hl, hl < hintsz ? hintsz - hl : 0, "%s ", cand[i]);
		if (hl >= hintsz)
			hl = hintsz - 1;
	}
	return matches;
}

/* Tab: completes the command word or its argument. */
static void cmd_complete(cmdline *c)
{
	char out[256], hint[512];
	const char *sp = strchr(c->line.buf, ' ');
	if (!sp) {
		size_t m = cmd_complete_from(c->line.buf, cmd_names, 7, out, sizeof out, hint,
		                             sizeof hint);
		if (m == 1)
			strncat(out, " ", sizeof out - strlen(out) - 1);
		if (m)
			ui_line_set(&c->line, out);
		if (m > 1)
			app_status(c->a, UI_INFO, "%s", hint);
		return;
	}
	char cmd[32];
	snprintf(cmd, sizeof cmd, "%.*s", (int)(sp - c->line.buf), c->line.buf);
	const char *arg = sp + 1;
	size_t m = 0;
	if (strcmp(cmd, "view") == 0) {
		m = cmd_complete_from(arg, cmd_views, 3, out, sizeof out, hint, sizeof hint);
	} else if (strcmp(cmd, "theme") == 0) {
		char **names = NULL;
		size_t n = theme_names(&names);
		m = cmd_complete_from(arg, (const char *const *)names, n, out, sizeof out, hint,
		                      sizeof hint);
		theme_names_free(names, n);
	}
	if (m) {
		char full[300];
		snprintf(full, sizeof full, "%s %s", cmd, out);
		ui_line_set(&c->line, full);
	}
	if (m > 1)
		app_status(c->a, UI_INFO, "%s", hint);
}

/* :goto REF: an email, slug or uuid of any record kind. */
static void cmd_goto(cmdline *c, const char *ref)
{
	static const db_kind order[] = {DB_CLIENT, DB_COACH, DB_COMPANY, DB_ORG, DB_MODEL};
	db *d = app_db_sync(c->a);
	if (!d)
		return;
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		db_record *r = NULL;
		db_status st = db_record_find(d, order[i], ref, &r);
		if (st == DB_OK && r) {
			char id[DB_UUID_LEN];
			snprintf(id, sizeof id, "%s", r->id);
			db_record_free(r);
			if (app_goto(c->a, order[i], id))
				app_status(c->a, UI_INFO, "%s %s", db_kind_label(order[i]), ref);
			return;
		}
		if (st != DB_NOTFOUND && st != DB_INVALID) {
			app_status(c->a, UI_ERROR, "%s", db_errmsg(d));
			return;
		}
	}
	app_status(c->a, UI_ERROR, "no client, coach, company, organization or model \"%s\"", ref);
}

/* Runs one command line; returns flags. */
static int cmd_run(cmdline *c, const char *line)
{
	while (*line == ' ' || *line == ':')
		line++;
	char cmd[32] = "";
	const char *arg = "";
	const char *sp = strchr(line, ' ');
	snprintf(cmd, sizeof cmd, "%.*s", sp ? (int)(sp - line) : (int)strlen(line), line);
	if (sp)
		for (arg = sp; *arg == ' '; arg++)
			;
	if (!cmd[0])
		return UI_CLOSE;
	if (strcmp(cmd, "q") == 0 || strcmp(cmd, "quit") == 0 || strcmp(cmd, "q!") == 0)
		return UI_CLOSE | UI_QUIT;
	if (strcmp(cmd, "help") == 0) {
		app_push(c->a, pane_help_open(c->a));
		return UI_CLOSE;
	}
	if (strcmp(cmd, "theme") == 0) {
		if (!*arg)
			app_status(c->a, UI_ERROR, "usage: :theme NAME (Tab lists themes)");
		else
			app_set_theme(c->a, arg);
		return UI_CLOSE;
	}
	if (strcmp(cmd, "view") == 0) {
		if (!app_goto_view(c->a, arg))
			app_status(c->a, UI_ERROR, "usage: :view companies|orgs|models");
		return UI_CLOSE;
	}
	if (strcmp(cmd, "goto") == 0) {
		if (!*arg)
			app_status(c->a, UI_ERROR, "usage: :goto EMAIL|SLUG|ID");
		else
			cmd_goto(c, arg);
		return UI_CLOSE;
	}
	if (strcmp(cmd, "w") == 0) {
		app_save_below(c->a);
		return UI_CLOSE;
	}
	keys_cmd named = keys_command_by_name(cmd);
	if (named != KEYS_CMD_NONE && named != KEYS_CMD_COMMAND) {
		app_run_command_later(c->a, named); /* ":down", ":search-all", ":delete" */
		return UI_CLOSE;
	}
	app_status(c->a, UI_ERROR, "unknown command :%s (try :help)", cmd);
	return UI_CLOSE;
}

/* Draws the `:` line. */
static void cmd_draw(pane *p, WINDOW *w)
{
	cmdline *c = p->priv;
	int cols = getmaxx(w);
	ui_line_draw(&c->line, w, 0, 0, cols, ":", app_attr(c->a, THEME_STATUS));
}

/* Edits the command line; Tab completes, Enter runs. */
static int cmd_key(pane *p, int key)
{
	cmdline *c = p->priv;
	if (key == KEYS_TAB) {
		cmd_complete(c);
		return UI_REDRAW;
	}
	int r = ui_line_key(&c->line, key);
	if (r & UI_LINE_CANCEL)
		return UI_CLOSE;
	if (r & UI_LINE_ENTER) {
		char line[sizeof c->line.buf];
		memcpy(line, c->line.buf, sizeof line);
		return cmd_run(c, line);
	}
	if ((r & UI_LINE_IGNORED) && key == KEYS_BACKSPACE && c->line.len == 0)
		return UI_CLOSE;
	return UI_REDRAW;
}

/* Frees the command line. */
static void cmd_free(pane *p)
{
	free(p->priv);
}

static const pane_ops cmd_ops = {
    .name = "prompt",
    .keys_ctx = KEYS_GLOBAL,
    .draw = cmd_draw,
    .key = cmd_key,
    .free = cmd_free,
};

/* Opens the `:` command line above the status line. */
pane *cmdline_open(app *a)
{
	cmdline *c = ui_xcalloc(1, sizeof *c);
	c->a = a;
	pane *p = pane_new(a, &cmd_ops, c);
	p->place = UI_BOTTOM;
	p->want_h = 1;
	return p;
}
