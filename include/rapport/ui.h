#ifndef RAPPORT_UI_H
#define RAPPORT_UI_H
/*
 * The browser's pane interface (src/ui/). Owned by H7.
 *
 * A pane is one file in src/ui/ that fills in a const `pane_ops` vtable
 * (unused callbacks NULL) and exports an open function returning a `pane *`.
 * Panes never refresh the screen, never call doupdate() and never quit: their
 * handlers return `UI_*` flags and the main loop (src/ui/app.c) draws, pops
 * and quits. Panes draw only with colours from app_attr() (semantic roles),
 * and every database string goes through text_sanitize() before it is drawn.
 *
 * Database access is asynchronous and owned by the app (one request in
 * flight per connection):
 *   1. the pane calls app_request(a, p, TAG) whenever it wants data;
 *   2. when the connection is free the app calls p->ops->send(p, db, TAG),
 *      which starts ONE db_*_send() built from the pane's *current* state;
 *   3. when the result is ready (or failed) the app calls
 *      p->ops->on_result(p, db, TAG, status); on DB_OK the pane must call
 *      the db_*_take() matching its send and own the result.
 * Requests are latest-wins: asking again for the same (pane, TAG) while one
 * is in flight makes the running one stale (its result is discarded by the
 * app and on_result is NOT called for it) and the newest state is sent next.
 * Holding `j` through 2,000 rows therefore sends a handful of queries. A
 * lost connection is reconnected by the app and the request re-sent; the
 * pane sees on_result only for a result it can use (DB_OK or an error that
 * is not DB_CANCELED/DB_CONNLOST, except DB_CANCELED when the user pressed
 * Esc/Ctrl-C: then on_result gets DB_CANCELED so the pane can say so).
 * For a blocking write (e.g. a form save) call app_db_sync() first.
 */
#include "rapport/db.h"
#include "rapport/keys.h"
#include "rapport/theme.h"

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct app app;
typedef struct pane pane;

/* ---- keys ------------------------------------------------------------------
 * Panes receive key codes of rapport/keys.h (H4): a character is its Unicode
 * code point ('j', 0xE9), special keys are KEYS_UP, KEYS_ENTER, KEYS_ESC,
 * KEYS_BACKSPACE, KEYS_F(n)..., Ctrl/Meta are KEYS_CTRL('s') / KEYS_META('x').
 * KEY_RESIZE and mouse events never reach a pane. Use app_command() to turn a
 * key into a named command of the focused pane's context (pane_ops.keys_ctx),
 * so remapped keys work; read raw keys only for text entry. */
#define UI_ESC       KEYS_ESC
#define UI_ENTER     KEYS_ENTER
#define UI_BACKSPACE KEYS_BACKSPACE
#define UI_CTRL(c)   KEYS_CTRL(c)

/* ---- handler result flags ----------------------------------------------- */
enum {
	UI_NONE = 0,
	UI_HANDLED = 1 << 0,  /* key consumed (nothing to repaint) */
	UI_REDRAW = 1 << 1,   /* repaint this pane */
	UI_CLOSE = 1 << 2,    /* pop (and free) this pane */
	UI_QUIT = 1 << 3,     /* quit the program */
	UI_RELAYOUT = 1 << 4, /* sizes changed: resize every pane, repaint all */
	UI_UNHANDLED = 1 << 5 /* not mine: let the app's global keys have it */
};

/* ---- the vtable -------------------------------------------------------------- */
typedef struct pane_ops {
	const char *name;  /* "hierarchy", "search", "form", ... (for tests/logs) */
	keys_ctx keys_ctx; /* binding context used by app_command(): KEYS_LIST, ... */
	/* Paints the whole pane into w (already sized; werase() it first). */
	void (*draw)(pane *p, WINDOW *w);
	/* One key; returns UI_* flags. */
	int (*key)(pane *p, int key);
	/* The pane's window got a new size (also called once before the first draw). */
	void (*resize)(pane *p, int h, int w);
	/* Frees p->priv and everything the pane owns (not p itself). */
	void (*free)(pane *p);
	/* Starts the request `tag` with one db_*_send() from current state.
	 * Returns what the send returned (DB_PENDING/DB_OK: started). */
	db_status (*send)(pane *p, db *d, int tag);
	/* The request `tag` finished: on DB_OK take the result with the
	 * db_*_take() matching send. Returns UI_* flags. */
	int (*on_result)(pane *p, db *d, int tag, db_status st);
	/* The value `y` should copy (raw text; the app base64s it into OSC 52),
	 * or NULL for nothing. Valid until the pane's next callback. */
	const char *(*copy_value)(pane *p);
	/* Called after :theme changed colours or the connection came back;
	 * NULL: just redrawn. Returns UI_* flags. */
	int (*reload)(pane *p);
	/* The terminal is going away (SIGHUP/SIGTERM) or the user quits: write
	 * anything unsaved to a recovery file now. No drawing, no db calls. */
	void (*on_hangup)(pane *p);
} pane_ops;

/* Where a pushed pane is placed. */
typedef enum ui_place {
	UI_FULL,   /* the whole screen above the status line */
	UI_CENTER, /* a centred box of want_h x want_w (clamped to the screen) */
	UI_BOTTOM, /* want_h lines just above the status line (prompts) */
} ui_place;

struct pane {
	const pane_ops *ops;
	app *app;
	void *priv;         /* the pane's own state */
	ui_place place;     /* set before app_push() */
	int want_h, want_w; /* for UI_CENTER / UI_BOTTOM */
	bool focused;       /* set by the app before draw */
	WINDOW *win;        /* owned by the app; valid while pushed */
};

/* Allocates a pane (never NULL: allocation failure ends the program through
 * app_fatal). The caller fills in priv. Freed by the app after ops->free. */
pane *pane_new(app *a, const pane_ops *ops, void *priv);

/* ---- the pane stack --------------------------------------------------------- */
/* Pushes p on top (takes ownership) and focuses it. */
void app_push(app *a, pane *p);
/* Pops and frees the top pane (never the base browser). Returning UI_CLOSE
 * from a handler does the same for that pane. */
void app_pop(app *a);

/* ---- status line ------------------------------------------------------------ */
typedef enum ui_msg { UI_INFO, UI_ERROR } ui_msg;
/* printf-style message on the status line until the next key. The formatted
 * text is sanitized by the app, so database text may be passed as %s. */
void app_status(app *a, ui_msg level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- database ---------------------------------------------------------------- */
/* Asks for request `tag` of pane p (see the top of this file). */
void app_request(app *a, pane *p, int tag);
/* The same, sent only once delay_ms have passed since the last call for
 * (p, tag): a pane that follows the cursor asks on every move and the server
 * is asked once the cursor rests (0: as app_request). */
void app_request_after(app *a, pane *p, int tag, int delay_ms);
/* Forgets every pending/running request of p (e.g. before it closes). */
void app_request_drop(app *a, pane *p);
/* Forgets request (p, tag) only (pending: not sent; running: result dropped),
 * e.g. a list whose parent went away. */
void app_request_forget(app *a, pane *p, int tag);
/* True while a request of p (any tag when tag < 0) is pending or running. */
bool app_loading(const app *a, const pane *p, int tag);
/* The connection, idle, so blocking db_* calls are safe: a running request
 * is given up to a second to finish (and is delivered). NULL when the
 * connection is down or a request is still running (the status line
 * already says so; the caller keeps its state and the user retries). */
db *app_db_sync(app *a);
/* The connection for read-only inspection (db_describe, db_read_only, ...). */
db *app_db(app *a);

/* ---- selection and navigation ------------------------------------------------- */
typedef struct ui_sel {
	db_kind kind; /* DB_NONE: nothing selected */
	char id[DB_UUID_LEN];
	char name[256]; /* raw name (sanitize before drawing) */
} ui_sel;
/* The hierarchy's current selection (deepest column with a row). */
ui_sel app_selection(app *a);
/* The breadcrumb, outermost first: fills up to max entries, returns count. */
size_t app_selection_path(app *a, ui_sel *out, size_t max);
/* Moves the hierarchy to show record (kind, id) selected, closing overlays.
 * Asynchronous: the columns load in the background. Returns false (with a
 * status message) when kind can't be shown. */
bool app_goto(app *a, db_kind kind, const char *id);

/* Tells the browser that record (kind, id) changed (e.g. metadata saved), so
 * the hierarchy and detail reload it. */
void app_changed(app *a, db_kind kind, const char *id);

/* ---- theme and keys ------------------------------------------------------------ */
/* Curses attributes (colour pair + bold/reverse/...) for a semantic role of
 * the current theme (NO_COLOR and small terminals already accounted for). */
attr_t app_attr(app *a, theme_role role);
/* The command bound to key in p's context (p->ops->keys_ctx, then global)
 * in the user's key map; KEYS_CMD_NONE when unbound. */
keys_cmd app_command(app *a, const pane *p, int key);

/* ---- dialogs (overlays; answers arrive through callbacks) ----------------------- */
/* One-line text prompt. done(owner, answer, ctx): answer is NULL when
 * cancelled; it is only valid during the call. Returns flags for the app. */
typedef int (*ui_prompt_done)(pane *owner, const char *answer, void *ctx);
void app_prompt(app *a, pane *owner, const char *question, const char *initial, ui_prompt_done done,
                void *ctx);
/* Yes/no. done gets 1 yes, 0 no/cancel. */
typedef int (*ui_choice_done)(pane *owner, int choice, void *ctx);
void app_confirm(app *a, pane *owner, const char *question, ui_choice_done done, void *ctx);
/* Pick one of n labelled choices (first letter is the hotkey); done gets the
 * index or -1 on Esc. */
void app_choose(app *a, pane *owner, const char *title, const char *const *choices, size_t n,
                ui_choice_done done, void *ctx);

/* ---- the pager --------------------------------------------------------------------- */
typedef struct ui_pager_opts {
	size_t scroll_to; /* byte offset in text to bring into view */
	size_t hl_start;  /* highlighted span (bytes); hl_len 0: none */
	size_t hl_len;
	const char *search; /* initial `/` term (highlights hits), NULL none */
} ui_pager_opts;
/* Opens a full-screen pager on a copy of text (raw database text: the pager
 * sanitizes it, keeping newlines). o may be NULL. */
void app_pager(app *a, const char *title, const char *text, size_t len, const ui_pager_opts *o);

/* ---- misc ----------------------------------------------------------------------------- */
/* Restores the terminal, prints msg to stderr and exits 1 (broken invariant,
 * out of memory). */
_Noreturn void app_fatal(const char *msg);
/* Screen size below the status line. */
void app_screen_size(app *a, int *h, int *w);

/* ---- panes other engineers own (entry points the app calls) --------------------------- */
/* H6, src/ui/pane_search.c: search scoped to `scope` (NULL or DB_NONE: all). */
pane *pane_search_open(app *a, const ui_sel *scope);
/* H8, src/ui/pane_form.c: the metadata form of record (kind, id). NULL on
 * failure after app_status(). */
pane *pane_form_open(app *a, db_kind kind, const char *id);
/* H8, src/ui/pane_form.c: called once right after the first layout at
 * startup; opens the form of the record whose unsaved edit a previous run
 * kept in its recovery file (SIGHUP, SIGTERM) so the form offers it back.
 * NULL when there is none. */
pane *pane_form_recovery_open(app *a);
/* H8, src/ui/pane_form.c: the list keys n ('n': create a sibling or child
 * of (kind, id)) and d ('d': delete it after a question naming what goes
 * with it) run through the form of (kind, id). NULL after app_status(). */
pane *pane_form_open_action(app *a, db_kind kind, const char *id, int action);

/* ---- H7's own panes ------------------------------------------------------------------- */
pane *pane_hierarchy_open(app *a, const char *view);
pane *pane_detail_open(app *a);
pane *pane_pager_open(app *a, const char *title, const char *text, size_t len,
                      const ui_pager_opts *o);
pane *pane_help_open(app *a);
pane *cmdline_open(app *a);

#endif
