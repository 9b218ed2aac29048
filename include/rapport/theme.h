#ifndef RAPPORT_THEME_H
#define RAPPORT_THEME_H
/* Colour themes (src/core/theme.c). Pane code names semantic roles
 * (THEME_SELECTION_FOCUSED, THEME_STATUS_ERROR, ...), never colours; the UI
 * turns a resolved theme_style into a curses pair + attributes.
 *
 * Theme file syntax (themes/NAME.theme, $XDG_CONFIG_HOME/rapport/themes/):
 *     # comment (a line starting with '#', or " # ..." after a value)
 *     inherit dark                       # roles not set here come from "dark"
 *     normal    = default default
 *     selection = white #005f87 bold     # ROLE = FG [BG] [ATTR]...
 *     match     = 214 - underline        # "-" keeps the background default
 * Colours: default (the terminal's own), black red green yellow blue magenta
 * cyan white, bright_black .. bright_white (also grey = bright_black), a number
 * 0-255, or #rrggbb (mapped to the nearest xterm-256 colour, then to 16 or 8
 * for smaller terminals). Attributes: bold underline reverse dim italic.
 * A role a theme does not set falls back to its inherited theme, then to its
 * parent role (THEME_ROLES' third column), ending at normal. A bad line is
 * reported ("NAME:LINE: reason") and skipped; the rest still applies.
 *
 * Lookup by name: $XDG_CONFIG_HOME/rapport/themes/NAME.theme (or
 * ~/.config/...), then the compiled-in themes (rapport/embedded.h). */
#include <stdbool.h>
#include <stddef.h>

/* X(ID, "name", PARENT_ID) — the parent is the fallback for an unset role. */
#define THEME_ROLES(X)                                                                             \
	X(NORMAL, "normal", NORMAL)                                                                \
	X(MUTED, "muted", NORMAL)                                                                  \
	X(HEADER, "header", NORMAL)                                                                \
	X(TITLE, "title", HEADER)                                                                  \
	X(BORDER, "border", MUTED)                                                                 \
	X(SELECTION, "selection", NORMAL)                                                          \
	X(SELECTION_FOCUSED, "selection_focused", SELECTION)                                       \
	X(STATUS, "status", NORMAL)                                                                \
	X(STATUS_ERROR, "status_error", STATUS)                                                    \
	X(STATUS_WARN, "status_warn", STATUS)                                                      \
	X(MATCH, "match", NORMAL)                                                                  \
	X(BREADCRUMB, "breadcrumb", HEADER)                                                        \
	X(COUNT, "count", MUTED)                                                                   \
	X(KEY, "key", HEADER)                                                                      \
	X(FORM_LABEL, "form_label", NORMAL)                                                        \
	X(FORM_INVALID, "form_invalid", STATUS_ERROR)                                              \
	X(DIFF_ADD, "diff_add", NORMAL)                                                            \
	X(DIFF_DEL, "diff_del", NORMAL)                                                            \
	X(SEARCH_SCORE, "search_score", MUTED)                                                     \
	X(BADGE_PRIMARY, "badge_primary", HEADER)                                                  \
	X(DIALOG, "dialog", NORMAL)

typedef enum theme_role {
#define THEME_X_ENUM(id, name, parent) THEME_##id,
	THEME_ROLES(THEME_X_ENUM)
#undef THEME_X_ENUM
	    THEME_ROLE_COUNT
} theme_role;

/* Attribute bits of theme_style.attrs. */
enum {
	THEME_BOLD = 1u << 0,
	THEME_UNDERLINE = 1u << 1,
	THEME_REVERSE = 1u << 2,
	THEME_DIM = 1u << 3,
	THEME_ITALIC = 1u << 4,
};
#define THEME_COLOR_DEFAULT (-1)

/* A role resolved for one terminal: fg/bg are THEME_COLOR_DEFAULT or a colour
 * index below the terminal's colour count (0-7, 0-15 or 0-255). */
typedef struct theme_style {
	short fg, bg;
	unsigned attrs;
} theme_style;

/* A parsed theme (opaque). */
typedef struct theme theme;

/* "selection_focused" for THEME_SELECTION_FOCUSED (static); NULL if invalid. */
const char *theme_role_name(theme_role r);
/* The role called name, or -1. */
int theme_role_by_name(const char *name);
/* True when name is a usable theme name: 1-64 of [A-Za-z0-9_-]. */
bool theme_name_valid(const char *name);

/* Parses theme text (pure). name is used in messages and by theme_name().
 * Bad lines are skipped; if errors is non-NULL, *errors is set to a malloc'd
 * text of '\n'-terminated lines "NAME:LINE: reason" (caller frees) or NULL
 * when there were none. The `inherit` name is recorded, not followed: see
 * theme_set_base(). Returns NULL only on allocation failure. *nerrors (may
 * be NULL) receives the number of bad lines. */
theme *theme_parse(const char *name, const char *text, int *nerrors, char **errors);
void theme_free(theme *t);
const char *theme_name(const theme *t);
/* The name after `inherit`, or NULL. */
const char *theme_inherit_name(const theme *t);
/* Fills every role t does not set from base (already resolved against its
 * own base). Call with the parsed inherited theme. */
void theme_set_base(theme *t, const theme *base);
/* True when t sets role r itself or through its base. */
bool theme_role_set(const theme *t, theme_role r);

/* The compiled-in text of theme name (static), or NULL. */
const char *theme_builtin_text(const char *name);
/* The built-in default theme: "dark". */
#define THEME_DEFAULT_NAME "dark"

/* Loads theme name: the user's file first, then the compiled-in one; follows
 * `inherit` (up to 8 levels, cycles reported). On success returns the theme
 * (caller frees); messages about bad lines go to *errors as with
 * theme_parse() (the theme is still usable). Returns NULL when the theme
 * cannot be found or the name is invalid, with one line in *errors. */
theme *theme_load(const char *name, char **errors);
/* Malloc'd path of the user's file for name ($XDG_CONFIG_HOME/rapport/themes/
 * NAME.theme or $HOME/.config/...), NULL if neither variable is set. */
char *theme_user_path(const char *name);
/* Names of every available theme (compiled-in and user), sorted, no
 * duplicates. Returns the count; *names is a malloc'd array of malloc'd
 * strings (free each, then the array, or use theme_names_free()). */
size_t theme_names(char ***names);
void theme_names_free(char **names, size_t n);

/* True when the environment variable NO_COLOR is set and non-empty. */
bool theme_no_color_env(void);

/* Resolves role r of t for a terminal with `colors` colours (>= 256: 256,
 * >= 16: 16, >= 8: 8, fewer: none). With no_color or fewer than 8 colours,
 * returns the monochrome style of r (attributes only: selection reverse,
 * focused selection reverse+bold, errors bold+underline, matches underline,
 * ...). A theme whose roles are all "default default" (mono.theme) is also
 * drawn with attributes only. Colours that collapse when degraded never
 * make selection or matches invisible: if a guarded role (selection,
 * selection_focused, match, status_error) would look exactly like the role
 * it must stand out from, its monochrome attributes are added. t may be
 * NULL (the compiled-in default). */
theme_style theme_resolve(const theme *t, theme_role r, int colors, bool no_color);
/* All roles at once: out[THEME_ROLE_COUNT]. */
void theme_resolve_all(const theme *t, int colors, bool no_color, theme_style *out);

/* Colour helpers (exposed for tests and the UI): nearest xterm-256 index of
 * an RGB colour; nearest of the 16 ANSI colours for a 256 index; 16 → 8. */
int theme_rgb_to_256(int r, int g, int b);
int theme_256_to_16(int idx);
int theme_16_to_8(int idx);

#endif
