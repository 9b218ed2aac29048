#ifndef RAPPORT_TEST_VT_H
#define RAPPORT_TEST_VT_H
/*
 * Screen-test harness (H7): runs the real rapport binary in a pseudo-terminal
 * (forkpty) and feeds everything it writes to libvterm, so tests read the
 * screen as a user would: text, attributes and colours per cell.
 *
 * Waiting never sleeps: vt_wait*() poll() the pty and re-check a predicate
 * until it holds or the timeout passes; on timeout they print the screen
 * (vt_dump) to stderr so the failure shows what was there instead.
 *
 * Typical use:
 *   const char *args[] = {"--view", "orgs", NULL};
 *   vt *t = vt_start(24, 80, args, NULL);          // build/<variant>/rapport
 *   assert_true(vt_wait_text(t, "Companies", 5000));
 *   vt_keys(t, "jj<Enter>");
 *   ...
 *   vt_keys(t, "q");
 *   assert_int_equal(vt_wait_exit(t, 5000), 0);
 *   vt_free(t);
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

typedef struct vt vt;

typedef enum vt_stdin {
	VT_STDIN_PTY = 0, /* stdin is the pty (normal) */
	VT_STDIN_CLOSED,  /* fd 0 closed before exec */
	VT_STDIN_DEVNULL, /* fd 0 is /dev/null */
} vt_stdin;

typedef struct vt_opts {
	int rows, cols;
	const char *binary;      /* NULL: vt_binary() */
	const char *const *args; /* arguments after argv[0], NULL-terminated; NULL none */
	const char *const *env;  /* "K=V" sets, "K" unsets; applied over the test's
	                            environment; TERM defaults to xterm-256color */
	vt_stdin stdin_mode;
} vt_opts;

/* Path of the rapport binary next to the test: $RAPPORT_BIN, else
 * build/<variant>/rapport derived from /proc/self/exe. Static storage. */
const char *vt_binary(void);

/* Writes text to a new file /tmp/rapport-vt-XXXXXX (e.g. a config for
 * --config) and puts its path in path (at least 32 bytes); the caller
 * unlinks it. Aborts the test on failure. */
void vt_temp_file(char *path, size_t pathsz, const char *text);

/* Starts the binary at rows x cols. Never NULL (aborts the test on failure). */
vt *vt_start(int rows, int cols, const char *const *args, const char *const *env);
vt *vt_start_opts(const vt_opts *o);
/* Kills the child if it still runs (SIGKILL), reaps it, frees everything. */
void vt_free(vt *t);
pid_t vt_pid(const vt *t);

/* Reads whatever the child wrote within timeout_ms (0: only what is there).
 * Returns false when the pty is closed (child gone). */
bool vt_pump(vt *t, int timeout_ms);

/* ---- input ---------------------------------------------------------------- */
/* Writes raw bytes to the child's terminal. */
void vt_send(vt *t, const char *bytes, size_t len);
/* Types keys: plain UTF-8 characters, plus <Up> <Down> <Left> <Right>
 * <Enter> <Esc> <Tab> <S-Tab> <BS> <Del> <Home> <End> <PgUp> <PgDn> <F1>..<F12>
 * <C-x> (control) <M-x> (meta) <lt> ('<'). Special keys go through libvterm's
 * keyboard encoder, so they honour the modes the application set. */
void vt_keys(vt *t, const char *keys);

/* Clicks button 1 at (row, col), or turns the wheel (up: true) there, as
 * the terminal would report it in the mouse mode the application set (no
 * bytes at all when it asked for none). */
void vt_click(vt *t, int row, int col);
void vt_wheel(vt *t, int row, int col, bool up);

/* ---- waiting (poll, never sleep) ------------------------------------------- */
typedef bool (*vt_pred)(vt *t, void *ctx);
/* Pumps until pred(t, ctx) holds; false (and a screen dump) on timeout. */
bool vt_wait(vt *t, vt_pred pred, void *ctx, int timeout_ms);
/* Same, silent on timeout (for checking that something does NOT appear). */
bool vt_wait_quiet(vt *t, vt_pred pred, void *ctx, int timeout_ms);
/* Waits until text appears anywhere on the screen. */
bool vt_wait_text(vt *t, const char *text, int timeout_ms);
/* Waits until text is gone from the screen. */
bool vt_wait_gone(vt *t, const char *text, int timeout_ms);
/* Waits until row `row` contains text. */
bool vt_wait_row(vt *t, int row, const char *text, int timeout_ms);
/* Waits until text is absent from rows top..bottom (inclusive; a negative
 * row counts from the end: -1 is the last row, -2 the one above it), e.g.
 * gone from every pane while the status line (-1) may still name it. */
bool vt_wait_gone_rows(vt *t, const char *text, int top, int bottom, int timeout_ms);
/* Waits until every text of the NULL-terminated list is on the screen at
 * once: the whole of a state, not its first part (a frame can be read
 * half-way, so one text seen does not mean the rest is drawn). On timeout
 * names the texts missing. */
bool vt_wait_all(vt *t, int timeout_ms, ...) __attribute__((sentinel));
/* Pumps until the output has been quiet for quiet_ms (max timeout_ms).
 * Only for measurements/screenshots, never as a test's synchronisation. */
void vt_settle(vt *t, int quiet_ms, int timeout_ms);
/* Waits for the child to exit; returns its exit status, 128+signal when
 * killed, or -1 on timeout (then dumps the screen). */
int vt_wait_exit(vt *t, int timeout_ms);
bool vt_exited(vt *t);

/* ---- reading the screen ------------------------------------------------------- */
typedef struct vt_color {
	bool is_default; /* terminal default fg/bg */
	bool is_indexed;
	int index;       /* palette index when is_indexed */
	uint8_t r, g, b; /* always filled (converted through the palette) */
} vt_color;

typedef struct vt_cell {
	char text[32]; /* UTF-8 of the cell ("" for the right half of a wide char,
	                  " " for an empty cell) */
	int width;     /* 1 or 2 (0 for the right half of a wide character) */
	bool bold, underline, italic, reverse, blink;
	vt_color fg, bg;
} vt_cell;

void vt_size(const vt *t, int *rows, int *cols);
vt_cell vt_cell_at(vt *t, int row, int col);
/* UTF-8 text of a row, trailing spaces trimmed, wide characters once.
 * Returns buf. */
char *vt_row_text(vt *t, int row, char *buf, size_t bufsz);
/* Display column where text first appears in row, or -1. */
int vt_row_find(vt *t, int row, const char *text);
/* First (row, col) where text appears; false when absent. */
bool vt_find(vt *t, const char *text, int *row, int *col);
bool vt_has_text(vt *t, const char *text);
/* True when text is on one of rows top..bottom (rows as for vt_wait_gone_rows). */
bool vt_rows_have(vt *t, int top, int bottom, const char *text);
/* The cursor position. */
void vt_cursor(const vt *t, int *row, int *col);
/* True while the cursor is shown (the program did not hide it). */
bool vt_cursor_visible(const vt *t);
/* True if any cell on screen has a non-default fg or bg colour. */
bool vt_any_color(vt *t);
/* Prints the screen (with row numbers) to f. */
void vt_dump(vt *t, FILE *f);

/* ---- terminal state ----------------------------------------------------------- */
/* Window title as last set by OSC 0/2 ("" if never). */
const char *vt_title(const vt *t);
/* True while the alternate screen is active. */
bool vt_altscreen(const vt *t);
/* Times the application asked for a bell. */
int vt_bells(const vt *t);
/* Total bytes read from the child, and a copy of the raw output (the last
 * 4 MiB at most; NUL-terminated, may contain NULs). */
size_t vt_bytes(const vt *t);
const char *vt_raw(const vt *t, size_t *len);
/* Forgets the raw output captured so far (vt_bytes keeps counting). */
void vt_raw_clear(vt *t);

/* Changes the terminal size (TIOCSWINSZ: the child gets SIGWINCH). */
void vt_resize(vt *t, int rows, int cols);
/* Sends a signal to the child. */
void vt_kill(vt *t, int sig);

#endif
