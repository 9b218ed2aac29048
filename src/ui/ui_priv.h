#ifndef RAPPORT_UI_PRIV_H
#define RAPPORT_UI_PRIV_H
/* Shared by H7's own files in src/ui/: drawing helpers, the line editor, the
 * keyset list widget, and the hooks between the browser's base panes. */
#include "rapport/ui.h"

/* ---- drawing (draw.c) ------------------------------------------------------ */
/* Sanitizes raw (database) text, fits it in maxw columns and draws it at
 * (y, x) with attr. Returns the columns drawn. */
int ui_put(WINDOW *w, int y, int x, int maxw, const char *raw, attr_t attr);
/* Same for text that is already safe (rapport's own labels, sanitized text). */
int ui_put_safe(WINDOW *w, int y, int x, int maxw, const char *s, attr_t attr);
/* Fills columns [x, x+n) of row y with spaces in attr. */
void ui_fill(WINDOW *w, int y, int x, int n, attr_t attr);
/* Draws a box frame in attr with an optional title (safe text). */
void ui_frame(WINDOW *w, attr_t attr, const char *title);
/* malloc or die through app_fatal. */
void *ui_xmalloc(size_t n);
void *ui_xcalloc(size_t n, size_t size);
char *ui_xstrdup(const char *s);

/* ---- one-line editor (lineedit.c) --------------------------------------------- */
typedef struct ui_line {
	char buf[512];
	size_t len; /* bytes */
	size_t cur; /* byte offset of the cursor */
} ui_line;
enum {
	UI_LINE_EDITED = 1,
	UI_LINE_MOVED = 2,
	UI_LINE_ENTER = 4,
	UI_LINE_CANCEL = 8,
	UI_LINE_IGNORED = 16
};
void ui_line_set(ui_line *l, const char *s);
/* Applies one key; returns UI_LINE_* bits. */
int ui_line_key(ui_line *l, int key);
/* Draws prompt + text in width cols at (y, x); places the cursor. */
void ui_line_draw(ui_line *l, WINDOW *w, int y, int x, int cols, const char *prompt, attr_t attr);

/* ---- keyset list widget (list.c) ------------------------------------------------ */
/* A list of db rows paged by keyset through db_list_send/take: keeps a window
 * of rows around the cursor and asks for the previous/next page as the cursor
 * nears an edge, so memory does not grow with the table. */
typedef struct ui_list {
	db_list_req req; /* kind/parent; filter/dir/anchor set by the widget */
	char filter[256];
	db_row *rows; /* window, ascending (name, id) */
	size_t n;
	bool at_start, at_end;
	size_t cur;      /* cursor index in rows */
	int top;         /* first visible row index in rows */
	long long count; /* rows over all pages; -1 unknown */
	long long pos;   /* cursor's absolute index when known, else -1 */
	/* request bookkeeping */
	db_dir want_dir;           /* next fetch */
	bool want;                 /* a fetch is wanted/pending */
	bool loaded;               /* first page arrived */
	char keep_id[DB_UUID_LEN]; /* select this id when it arrives */
	char *seek_name;           /* seek: window starts at (seek_name, keep_id) */
	int page;                  /* page size */
	int pending_delta;         /* moves past the window, applied when the page arrives */
	char note[64];             /* shown instead of rows after a cancel or an error */
	int height;                /* visible rows (set on draw) */
} ui_list;

void ui_list_init(ui_list *l, db_kind kind, db_kind parent_kind, const char *parent_id, int page);
void ui_list_clear(ui_list *l);
void ui_list_free(ui_list *l);
/* Resets to the first page (new parent or filter). */
void ui_list_reset(ui_list *l);
/* Starts the fetch the widget wants (call from pane send). */
db_status ui_list_send(ui_list *l, db *d);
/* Takes the page that arrived (call from pane on_result). */
db_status ui_list_take(ui_list *l, db *d);
/* Moves the cursor by delta rows (clamped); returns true if it moved. Sets
 * l->want when a page should be fetched. */
bool ui_list_move(ui_list *l, int delta);
void ui_list_first(ui_list *l);
/* Reloads the window starting at row (name, id) and selects it. */
void ui_list_seek(ui_list *l, const char *name, const char *id);
void ui_list_last(ui_list *l);
const db_row *ui_list_sel(const ui_list *l);
/* Draws the rows into w at rows [y, y+h) with columns [x, x+cols). */
void ui_list_draw(ui_list *l, app *a, WINDOW *w, int y, int x, int h, int cols, bool focused);

/* ---- hooks between the base panes and the app (app.c / pane_*.c) ---------------- */
/* Hierarchy → app: the selection changed (app tells the detail pane). */
void app_selection_changed(app *a);
/* The key that stands for a command run by name from the command line
 * (":search-all", ":delete"): app_command() answers it with that command, so
 * a pane handles it as it would the command's key, bound or not. No
 * terminal sends it; text fields ignore it. */
#define UI_KEY_NAMED_COMMAND (KEYS_SPECIAL_END - 1)
/* Command line → app: run cmd in the focused pane once the command line has
 * closed. */
void app_run_command_later(app *a, keys_cmd cmd);
/* Pane → app, from its draw: the text cursor belongs where w's cursor is now
 * (just after ui_line_draw). It is shown there when p is the focused pane;
 * a paint where nobody calls this hides it. */
void app_caret(app *a, pane *p, WINDOW *w);
/* Monotonic milliseconds (the loop's clock). */
long long app_now_ms(void);
/* True when a request has been running for over APP_SLOW_MS: "loading…"
 * shows only then, so a quick move repaints once, not twice. */
bool app_slow(const app *a);
/* Hierarchy: current selection and path. */
ui_sel pane_hierarchy_selection(pane *p);
size_t pane_hierarchy_path(pane *p, ui_sel *out, size_t max);
bool pane_hierarchy_goto(pane *p, db_kind kind, const char *id);
/* A click at (y, x) of the hierarchy's window: focus that column, select the row. */
void pane_hierarchy_click(pane *p, int y, int x);
/* :view NAME; false if unknown. */
bool pane_hierarchy_set_view(pane *p, const char *view);
/* Hierarchy: true once the first page of the root column is painted-ready. */
bool pane_hierarchy_ready(pane *p);
/* Detail: show this selection (DB_NONE clears). */
void pane_detail_show(pane *p, const ui_sel *s);
/* :theme NAME (false with a status message on failure). */
bool app_set_theme(app *a, const char *name);
/* The config the app runs with. */
struct config *app_config(app *a);
/* Full screen redraw on the next turn (Ctrl-L). */
void app_redraw_all(app *a);
/* Requests a quit at the end of this turn. */
void app_quit(app *a);
/* :view NAME (closes overlays); false when the name is unknown. */
bool app_goto_view(app *a, const char *view);
/* :w: sends the save command to the pane under the command line. */
void app_save_below(app *a);
/* Help for one binding context (pane_help.c). */
pane *pane_help_open_ctx(app *a, keys_ctx ctx);
/* Closes p once the running handler has returned. */
void app_close_later(app *a, pane *p);

/* ---- background jobs (app.c) ------------------------------------------------------ */
/* Work that may block (a remote embedding) runs in a thread of its own so
 * the keyboard keeps working. The loop, never a key handler, delivers the
 * outcome. Who owns arg: the job, from a successful app_job_start() until
 * free_arg(arg), which the loop calls once run() has returned (delivered or
 * not). Cancelling drops the result; a cancelled job that is still running
 * is asked to stop and freed when it ends (at exit it gets 1.5 s). */
typedef struct app_job_ops {
	void (*run)(void *arg);          /* in the job's thread */
	int (*done)(pane *p, void *arg); /* loop: run() returned; returns UI_* flags */
	void (*interrupt)(void *arg);    /* loop, while run() may be going: must be
	                                    thread-safe; NULL when it cannot stop */
	void (*free_arg)(void *arg);     /* loop, after run() returned */
} app_job_ops;
/* Starts ops->run(arg) for pane p; false (arg still the caller's) when no
 * thread could be made. */
bool app_job_start(app *a, pane *p, const app_job_ops *ops, void *arg);
/* Cancels p's jobs (also done when p is freed): done() is never called. */
void app_jobs_cancel(app *a, pane *p);
/* Dialog plumbing (dialog.c). */
pane *dialog_prompt_open(app *a, pane *owner, const char *question, const char *initial,
                         ui_prompt_done done, void *ctx);
pane *dialog_choose_open(app *a, pane *owner, const char *title, const char *const *choices,
                         size_t n, ui_choice_done done, void *ctx);

#endif
