#ifndef RAPPORT_KEYS_H
#define RAPPORT_KEYS_H
/* Named commands and key bindings (src/core/keys.c). Every command is one
 * row of KEYS_COMMANDS below (id, name, contexts, default keys, help text),
 * so the bindings, the help overlay, the config file syntax and docs/keys.md
 * cannot drift apart. Pure code: the UI translates curses input into the
 * key codes defined here (it is the only place that includes curses).
 *
 * Key codes (int, never negative):
 *   - a printable character is its Unicode code point ('j', 'G', '?', 0xE9);
 *   - special keys are KEYS_UP ... KEYS_F(12), values above U+10FFFF;
 *   - modifiers are OR'ed bits: KEYS_MOD_CTRL | 's' is Ctrl-S (letters are
 *     always lowercase with Ctrl), KEYS_MOD_META | 'x' is Alt/Meta-x (the UI
 *     composes it from ESC followed by a key), KEYS_MOD_SHIFT | KEYS_TAB is
 *     Shift-Tab (curses KEY_BTAB). Shift on a character is the character
 *     itself ('G'), never KEYS_MOD_SHIFT | 'g'.
 *   - Enter, Tab, Esc and Backspace are KEYS_ENTER, KEYS_TAB, KEYS_ESC and
 *     KEYS_BACKSPACE, never Ctrl-M/Ctrl-I/Ctrl-[/Ctrl-H: use keys_from_char()
 *     for every character curses returns with OK from wget_wch().
 * Mapping curses KEY_* codes (returned with KEY_CODE_YES) is the UI's job:
 * KEY_UP→KEYS_UP, KEY_DOWN→KEYS_DOWN, KEY_LEFT, KEY_RIGHT, KEY_HOME, KEY_END,
 * KEY_PPAGE→KEYS_PGUP, KEY_NPAGE→KEYS_PGDN, KEY_IC→KEYS_INSERT,
 * KEY_DC→KEYS_DELETE, KEY_BACKSPACE→KEYS_BACKSPACE, KEY_ENTER→KEYS_ENTER,
 * KEY_BTAB→KEYS_MOD_SHIFT|KEYS_TAB, KEY_F(n)→KEYS_F(n). KEY_RESIZE and mouse
 * events are not keys and never reach the binding table.
 *
 * Key strings (config file, docs, help): "j", "G", "?", "é", "Space",
 * "Enter", "Esc", "Tab", "S-Tab", "Backspace", "Delete", "Insert", "Up",
 * "Down", "Left", "Right", "Home", "End", "PgUp", "PgDn", "F1".."F12",
 * "C-s" (Ctrl), "M-x" (Meta/Alt), combined "C-M-x". Parsing is
 * case-insensitive for names and prefixes and also accepts "Return",
 * "Escape", "PageUp", "PageDown", "Del", "BS", "Ctrl-s", "Alt-x", "^S";
 * formatting always produces the canonical spelling listed first. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- key codes ----------------------------------------------------------- */

enum {
	KEYS_NONE = 0,
	KEYS_SPECIAL = 0x110000, /* first code above Unicode */
	KEYS_ENTER = KEYS_SPECIAL + 1,
	KEYS_ESC,
	KEYS_TAB,
	KEYS_BACKSPACE,
	KEYS_DELETE,
	KEYS_INSERT,
	KEYS_UP,
	KEYS_DOWN,
	KEYS_LEFT,
	KEYS_RIGHT,
	KEYS_HOME,
	KEYS_END,
	KEYS_PGUP,
	KEYS_PGDN,
	KEYS_F0 = KEYS_SPECIAL + 0x40, /* KEYS_F(n) = KEYS_F0 + n, n = 1..12 */
	KEYS_SPECIAL_END = KEYS_SPECIAL + 0x100,
	KEYS_MOD_CTRL = 0x0400000,
	KEYS_MOD_META = 0x0800000,
	KEYS_MOD_SHIFT = 0x1000000,
	KEYS_MOD_MASK = KEYS_MOD_CTRL | KEYS_MOD_META | KEYS_MOD_SHIFT,
};
#define KEYS_F(n)    (KEYS_F0 + (n))
#define KEYS_CTRL(c) (KEYS_MOD_CTRL | (c)) /* c lowercase: KEYS_CTRL('s') */
#define KEYS_META(c) (KEYS_MOD_META | (c))

/* Converts a character read from the terminal (wget_wch() returned OK) into
 * a key code: CR/LF → KEYS_ENTER, HT → KEYS_TAB, ESC → KEYS_ESC, BS/DEL →
 * KEYS_BACKSPACE, NUL → C-Space, other C0 controls → KEYS_CTRL(letter),
 * anything else (a valid code point) → itself. Invalid code points → KEYS_NONE. */
int keys_from_char(uint32_t wc);
/* Parses a key string (see above) into *key. Returns 0, or -1 when s is not
 * a key (then *key is untouched). */
int keys_parse(const char *s, int *key);
/* Writes the canonical key string of key into buf (always NUL-terminated when
 * bufsz >= 1). Returns the length it needed (like snprintf), or -1 when key
 * is not a valid key code. */
int keys_format(int key, char *buf, size_t bufsz);

/* ---- contexts and commands ---------------------------------------------- */

/* Where a binding applies. The focused pane's context is searched first,
 * then KEYS_GLOBAL. */
typedef enum keys_ctx {
	KEYS_GLOBAL = 0, /* everywhere (unless the pane's context binds the key) */
	KEYS_LIST,       /* hierarchy lists and detail pane */
	KEYS_PAGER,      /* data item / transcript pager */
	KEYS_FORM,       /* metadata form pane (when not typing into a field) */
	KEYS_SEARCH,     /* search results pane (when not typing the query) */
	KEYS_NCTX
} keys_ctx;
#define KEYS_IN(ctx) (1u << (ctx)) /* context bit for keys_command.contexts */

/* X(ID, "name", contexts-bitmask, "default keys (space separated)", "help") */
#define KEYS_COMMANDS(X)                                                                           \
	X(QUIT, "quit", KEYS_IN(KEYS_GLOBAL), "q", "Quit rapport")                                 \
	X(HELP, "help", KEYS_IN(KEYS_GLOBAL), "? F1", "Show this help")                            \
	X(COMMAND, "command", KEYS_IN(KEYS_GLOBAL), ":", "Open the command line")                  \
	X(REDRAW, "redraw", KEYS_IN(KEYS_GLOBAL), "C-l", "Redraw the whole screen")                \
	X(CANCEL, "cancel", KEYS_IN(KEYS_GLOBAL), "C-c", "Cancel the running query")               \
	X(SUSPEND, "suspend", KEYS_IN(KEYS_GLOBAL), "C-z", "Suspend rapport (fg resumes)")         \
	X(DOWN, "down", KEYS_IN(KEYS_GLOBAL), "j Down", "Move down one row")                       \
	X(UP, "up", KEYS_IN(KEYS_GLOBAL), "k Up", "Move up one row")                               \
	X(OPEN, "open", KEYS_IN(KEYS_GLOBAL), "l Enter Right", "Open the selection / go deeper")   \
	X(BACK, "back", KEYS_IN(KEYS_GLOBAL), "h Esc Left", "Go back / close / clear the filter")  \
	X(FIRST, "first", KEYS_IN(KEYS_GLOBAL), "g Home", "Go to the first row")                   \
	X(LAST, "last", KEYS_IN(KEYS_GLOBAL), "G End", "Go to the last row")                       \
	X(PAGE_UP, "page-up", KEYS_IN(KEYS_GLOBAL), "PgUp C-b", "Scroll up one page")              \
	X(PAGE_DOWN, "page-down", KEYS_IN(KEYS_GLOBAL), "PgDn C-f", "Scroll down one page")        \
	X(NEXT_PANE, "next-pane", KEYS_IN(KEYS_GLOBAL), "Tab", "Focus the next pane")              \
	X(PREV_PANE, "prev-pane", KEYS_IN(KEYS_GLOBAL), "S-Tab", "Focus the previous pane")        \
	X(SEARCH_ALL, "search-all", KEYS_IN(KEYS_GLOBAL), "S", "Search all transcripts")           \
	X(COPY, "copy", KEYS_IN(KEYS_GLOBAL), "y",                                                 \
	  "Copy the selected value to the clipboard (OSC 52)")                                     \
	X(FILTER, "filter", KEYS_IN(KEYS_LIST), "/",                                               \
	  "Filter the focused list (name, email, slug)")                                           \
	X(SEARCH_SCOPED, "search-scoped", KEYS_IN(KEYS_LIST), "s",                                 \
	  "Search transcripts within the selection")                                               \
	X(EDIT, "edit", KEYS_IN(KEYS_LIST), "e", "Edit the selected record")                       \
	X(NEW, "new", KEYS_IN(KEYS_LIST) | KEYS_IN(KEYS_FORM), "n",                                \
	  "Create a record (beside or under this one)")                                            \
	X(DELETE, "delete", KEYS_IN(KEYS_LIST) | KEYS_IN(KEYS_FORM), "d",                          \
	  "Delete the record (asks first)")                                                        \
	X(UNDO_SAVE, "undo-save", KEYS_IN(KEYS_LIST) | KEYS_IN(KEYS_FORM), "u",                    \
	  "Undo the last save of this record")                                                     \
	X(FIND, "find", KEYS_IN(KEYS_PAGER), "/", "Find text in the pager")                        \
	X(NEXT_MATCH, "next-match", KEYS_IN(KEYS_PAGER), "n", "Go to the next match")              \
	X(PREV_MATCH, "prev-match", KEYS_IN(KEYS_PAGER), "N", "Go to the previous match")          \
	X(TOGGLE_WRAP, "toggle-wrap", KEYS_IN(KEYS_PAGER), "w", "Toggle line wrapping")            \
	X(SAVE, "save", KEYS_IN(KEYS_FORM), "C-s", "Validate and save the record")                 \
	X(EXTERNAL_EDITOR, "external-editor", KEYS_IN(KEYS_FORM), "E",                             \
	  "Edit the metadata as JSON in $VISUAL/$EDITOR")                                          \
	X(RAW_JSON, "raw-json", KEYS_IN(KEYS_FORM), "R", "Toggle raw JSON mode")                   \
	X(TOGGLE, "toggle", KEYS_IN(KEYS_FORM), "Space", "Toggle a boolean / pick an enum value")  \
	X(ADD_KEY, "add", KEYS_IN(KEYS_FORM), "a", "Add a key or list item")                       \
	X(REMOVE_KEY, "remove", KEYS_IN(KEYS_FORM), "x", "Remove the selected key or list item")   \
	X(MOVE_ITEM_UP, "move-up", KEYS_IN(KEYS_FORM), "K", "Move the selected list item up")      \
	X(MOVE_ITEM_DOWN, "move-down", KEYS_IN(KEYS_FORM), "J",                                    \
	  "Move the selected list item down")                                                      \
	X(HISTORY, "history", KEYS_IN(KEYS_FORM), "H", "Restore a past version of the metadata")   \
	X(MODELS, "models", KEYS_IN(KEYS_FORM), "M", "Associate coaching models (a coach's form)") \
	X(MORE_LIKE, "more-like-this", KEYS_IN(KEYS_SEARCH), "m",                                  \
	  "Find passages like the selected result")                                                \
	X(JUMP, "jump", KEYS_IN(KEYS_SEARCH), "o", "Jump to the result's client in the hierarchy") \
	X(SEARCH_MODE, "search-mode", KEYS_IN(KEYS_SEARCH), "C-t",                                 \
	  "Cycle search mode: hybrid, semantic, text")                                             \
	X(SEARCH_EDIT, "search-edit", KEYS_IN(KEYS_SEARCH), "/", "Edit the search query")

typedef enum keys_cmd {
	KEYS_CMD_NONE = 0,
#define KEYS_X_ENUM(id, name, ctx, keys, help) KEYS_CMD_##id,
	KEYS_COMMANDS(KEYS_X_ENUM)
#undef KEYS_X_ENUM
	    KEYS_CMD_COUNT
} keys_cmd;

typedef struct keys_command {
	keys_cmd id;
	const char *name;     /* config/command-line name, e.g. "next-match" */
	unsigned contexts;    /* KEYS_IN() bits */
	const char *defaults; /* default key strings, space separated */
	const char *help;     /* one line for the help overlay and docs */
} keys_command;

/* The row for cmd (static storage), or NULL for KEYS_CMD_NONE/out of range. */
const keys_command *keys_command_info(keys_cmd cmd);
/* The command called name ("quit"), or KEYS_CMD_NONE. */
keys_cmd keys_command_by_name(const char *name);
/* "global", "list", "pager", "form", "search" (static), NULL if invalid. */
const char *keys_ctx_name(keys_ctx ctx);
/* The context called name, or -1. */
int keys_ctx_by_name(const char *name);

/* ---- binding table ------------------------------------------------------- */

typedef struct keys_table keys_table;

/* A table holding the default bindings: every command's default keys in
 * every context of the command. Caller frees with keys_table_free().
 * NULL only on allocation failure. */
keys_table *keys_table_new(void);
void keys_table_free(keys_table *t);
/* A deep copy (caller frees), NULL on allocation failure. */
keys_table *keys_table_dup(const keys_table *t);

/* Binds key to cmd in ctx, replacing what ctx had for key. Returns 0, or -1
 * when key, ctx or cmd is invalid or memory runs out. */
int keys_bind(keys_table *t, keys_ctx ctx, int key, keys_cmd cmd);
/* Removes key from ctx; with ctx == -1 from every context. Returns the number
 * of bindings removed. */
int keys_unbind(keys_table *t, int ctx, int key);

/* Applies one config line (already without comment/blank handling):
 *   bind KEY COMMAND           in every context of COMMAND
 *   bind CONTEXT KEY COMMAND   in that context only
 *   unbind KEY                 from every context
 *   unbind CONTEXT KEY         from that context
 * Returns 0, or -1 and a one-line reason in err (NUL-terminated, err may be
 * NULL). Nothing changes on error. */
int keys_apply_line(keys_table *t, const char *line, char *err, size_t errsz);

/* The command bound to key in ctx, falling back to KEYS_GLOBAL when ctx has
 * no binding for the key; KEYS_CMD_NONE when nothing is bound. */
keys_cmd keys_lookup(const keys_table *t, keys_ctx ctx, int key);
/* The keys bound to cmd in exactly ctx, in binding order (defaults first).
 * Writes up to max codes into out and returns the total count. */
size_t keys_for_command(const keys_table *t, keys_ctx ctx, keys_cmd cmd, int *out, size_t max);
/* Writes the key strings bound to cmd in ctx, joined by ", " ("j, Down")
 * into buf (NUL-terminated). Returns the length written (0: unbound). */
size_t keys_describe(const keys_table *t, keys_ctx ctx, keys_cmd cmd, char *buf, size_t bufsz);

/* Help overlay text for a pane in ctx: one line per command available there
 * (ctx's commands, then global ones), "KEYS<tab>HELP", '\n'-terminated,
 * commands with no key listed as ":name". Malloc'd, caller frees; NULL on
 * allocation failure. */
char *keys_help_text(const keys_table *t, keys_ctx ctx);

/* Writes the bindings that differ from the defaults as config lines
 * ("bind list C-n new", "unbind list d") so the output, applied to
 * keys_table_new(), gives t back. */
void keys_write_config(const keys_table *t, FILE *out);
/* Writes docs/keys.md (the default bindings, per context) to out. A unit
 * test compares it with the committed docs/keys.md. */
void keys_write_markdown(FILE *out);

#endif
