/* Colour themes: parsing theme files, inheritance, lookup by name, and
 * resolving semantic roles for 8/16/256-colour and monochrome terminals. */
#include "rapport/theme.h"

#include "rapport/embedded.h"
#include "rapport/text.h"

#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define THEME_RGB       0x1000000 /* colour value flag: the low 24 bits are #rrggbb */
#define THEME_MAX_DEPTH 8

/* One role as the file gives it: colours are -1 (default), 0-255 or RGB. */
struct theme_spec {
	bool set;
	int fg, bg;
	unsigned attrs;
};

struct theme {
	char *name;
	char *inherit;
	struct theme_spec spec[THEME_ROLE_COUNT];
};

static const struct {
	const char *name;
	theme_role parent;
} theme_roles[THEME_ROLE_COUNT] = {
#define THEME_X_ROW(id, nm, par) [THEME_##id] = {nm, THEME_##par},
    THEME_ROLES(THEME_X_ROW)
#undef THEME_X_ROW
};

/* Attributes that keep roles apart without colour (NO_COLOR, mono.theme). */
static const unsigned theme_mono[THEME_ROLE_COUNT] = {
    [THEME_NORMAL] = 0,
    [THEME_MUTED] = THEME_DIM,
    [THEME_HEADER] = THEME_BOLD,
    [THEME_TITLE] = THEME_BOLD,
    [THEME_BORDER] = 0,
    [THEME_SELECTION] = THEME_REVERSE,
    [THEME_SELECTION_FOCUSED] = THEME_REVERSE | THEME_BOLD,
    [THEME_STATUS] = THEME_REVERSE,
    [THEME_STATUS_ERROR] = THEME_REVERSE | THEME_BOLD | THEME_UNDERLINE,
    [THEME_STATUS_WARN] = THEME_REVERSE | THEME_BOLD,
    [THEME_MATCH] = THEME_BOLD | THEME_UNDERLINE,
    [THEME_BREADCRUMB] = THEME_BOLD,
    [THEME_COUNT] = THEME_DIM,
    [THEME_KEY] = THEME_BOLD,
    [THEME_FORM_LABEL] = THEME_BOLD,
    [THEME_FORM_INVALID] = THEME_BOLD | THEME_UNDERLINE,
    [THEME_DIFF_ADD] = THEME_BOLD,
    [THEME_DIFF_DEL] = THEME_DIM | THEME_UNDERLINE,
    [THEME_SEARCH_SCORE] = THEME_DIM,
    [THEME_BADGE_PRIMARY] = THEME_BOLD | THEME_UNDERLINE,
    [THEME_DIALOG] = 0,
};

/* Roles that must never look like the role they stand out from. */
static const struct {
	theme_role role, against;
} theme_guards[] = {
    {THEME_SELECTION, THEME_NORMAL},    {THEME_SELECTION_FOCUSED, THEME_SELECTION},
    {THEME_MATCH, THEME_NORMAL},        {THEME_STATUS_ERROR, THEME_STATUS},
    {THEME_STATUS_ERROR, THEME_NORMAL}, {THEME_FORM_INVALID, THEME_FORM_LABEL},
    {THEME_DIFF_ADD, THEME_NORMAL},     {THEME_DIFF_DEL, THEME_NORMAL},
};

static const char *const theme_color_names[16] = {
    "black",        "red",           "green",       "yellow",         "blue",
    "magenta",      "cyan",          "white",       "bright_black",   "bright_red",
    "bright_green", "bright_yellow", "bright_blue", "bright_magenta", "bright_cyan",
    "bright_white",
};

static const struct {
	const char *name;
	unsigned bit;
} theme_attr_names[] = {
    {"bold", THEME_BOLD}, {"underline", THEME_UNDERLINE}, {"reverse", THEME_REVERSE},
    {"dim", THEME_DIM},   {"italic", THEME_ITALIC},       {"none", 0},
};

/* xterm's default RGB for the 16 ANSI colours. */
static const unsigned char theme_ansi_rgb[16][3] = {
    {0, 0, 0},     {205, 0, 0},     {0, 205, 0},     {205, 205, 0},   {0, 0, 238}, {205, 0, 205},
    {0, 205, 205}, {229, 229, 229}, {127, 127, 127}, {255, 0, 0},     {0, 255, 0}, {255, 255, 0},
    {92, 92, 255}, {255, 0, 255},   {0, 255, 255},   {255, 255, 255},
};

static const unsigned char theme_cube[6] = {0, 95, 135, 175, 215, 255};

/* The theme-file name of a role. */
const char *theme_role_name(theme_role r)
{
	return (r >= 0 && r < THEME_ROLE_COUNT) ? theme_roles[r].name : NULL;
}

/* Looks a role up by its theme-file name. */
int theme_role_by_name(const char *name)
{
	for (int i = 0; name && i < THEME_ROLE_COUNT; i++)
		if (strcmp(theme_roles[i].name, name) == 0)
			return i;
	return -1;
}

/* True for names safe to use as a file name: [A-Za-z0-9_-]{1,64}. */
bool theme_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '-' && name[i] != '_')
			return false;
	return true;
}

/* ---- colours ------------------------------------------------------------------- */

/* Squared distance between two RGB colours. */
static long theme_dist(int r1, int g1, int b1, int r2, int g2, int b2)
{
	long dr = r1 - r2, dg = g1 - g2, db = b1 - b2;
	return dr * dr + dg * dg + db * db;
}

/* RGB of a 256-colour index (xterm palette). */
static void theme_256_rgb(int idx, int rgb[3])
{
	if (idx < 16) {
		for (int i = 0; i < 3; i++)
			rgb[i] = theme_ansi_rgb[idx][i];
	} else if (idx < 232) {
		idx -= 16;
		rgb[0] = theme_cube[idx / 36], rgb[1] = theme_cube[(idx / 6) % 6],
		rgb[2] = theme_cube[idx % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (idx - 232);
	}
}

/* Index of the cube level nearest to v. */
static int theme_cube_level(int v)
{
	int best = 0;
	for (int i = 1; i < 6; i++)
		if (abs(theme_cube[i] - v) < abs(theme_cube[best] - v))
			best = i;
	return best;
}

/* Nearest xterm-256 colour (cube or grey ramp) of an RGB colour. */
int theme_rgb_to_256(int r, int g, int b)
{
	int lr = theme_cube_level(r), lg = theme_cube_level(g), lb = theme_cube_level(b);
	int cube = 16 + 36 * lr + 6 * lg + lb;
	long dc = theme_dist(r, g, b, theme_cube[lr], theme_cube[lg], theme_cube[lb]);
	int avg = (r + g + b) / 3;
	int gi = avg < 8 ? 0 : avg > 238 ? 23 : (avg - 8 + 5) / 10;
	if (gi > 23)
		gi = 23;
	int gv = 8 + 10 * gi;
	long dg = theme_dist(r, g, b, gv, gv, gv);
	return dg < dc ? 232 + gi : cube;
}

/* One of black, bright_black, white, bright_white for a grey level 0-255. */
static int theme_grey_to_16(int v)
{
	return v < 60 ? 0 : v < 160 ? 8 : v < 230 ? 7 : 15;
}

/* One of the 16 ANSI colours for a 256-colour index, by hue and brightness. */
int theme_256_to_16(int idx)
{
	if (idx < 16)
		return idx; /* also THEME_COLOR_DEFAULT */
	if (idx >= 232)
		return theme_grey_to_16(8 + 10 * (idx - 232));
	int l[3] = {(idx - 16) / 36, ((idx - 16) / 6) % 6, (idx - 16) % 6};
	int max = l[0], min = l[0];
	for (int i = 1; i < 3; i++)
		max = l[i] > max ? l[i] : max, min = l[i] < min ? l[i] : min;
	if (max - min <= 1) /* nearly grey */
		return theme_grey_to_16((theme_cube[l[0]] + theme_cube[l[1]] + theme_cube[l[2]]) /
		                        3);
	/* hue from the channels that dominate, brightness from the strongest */
	int c = (l[0] * 2 > max) | (l[1] * 2 > max) << 1 | (l[2] * 2 > max) << 2;
	return c + (max >= 4 ? 8 : 0);
}

/* One of the 8 basic colours for an ANSI colour (grey becomes white). */
int theme_16_to_8(int idx)
{
	if (idx < 0)
		return idx;
	if (idx == 8)
		return 7; /* bright black (grey) on 8 colours: white, not invisible black */
	return idx & 7;
}

/* Parses a colour word into *c: -1 default, 0-255, or THEME_RGB|rrggbb. */
static bool theme_parse_color(const char *w, int *c)
{
	if (strcasecmp(w, "default") == 0 || strcmp(w, "-") == 0) {
		*c = THEME_COLOR_DEFAULT;
		return true;
	}
	if (strcasecmp(w, "grey") == 0 || strcasecmp(w, "gray") == 0) {
		*c = 8;
		return true;
	}
	for (int i = 0; i < 16; i++)
		if (strcasecmp(w, theme_color_names[i]) == 0) {
			*c = i;
			return true;
		}
	if (w[0] == '#' && strlen(w) == 7 && strspn(w + 1, "0123456789abcdefABCDEF") == 6) {
		*c = THEME_RGB | (int)strtol(w + 1, NULL, 16);
		return true;
	}
	if (isdigit((unsigned char)w[0]) && strlen(w) <= 3 &&
	    strspn(w, "0123456789") == strlen(w)) {
		int n = atoi(w);
		if (n <= 255) {
			*c = n;
			return true;
		}
	}
	return false;
}

/* A file colour for a terminal with `colors` colours (256, 16 or 8). */
static int theme_degrade(int c, int colors)
{
	if (c < 0)
		return THEME_COLOR_DEFAULT;
	if (c & THEME_RGB)
		c = theme_rgb_to_256((c >> 16) & 255, (c >> 8) & 255, c & 255);
	if (colors >= 256)
		return c;
	c = theme_256_to_16(c);
	return colors >= 16 ? c : theme_16_to_8(c);
}

/* ---- parsing -------------------------------------------------------------------- */

/* Formats one diagnostic into *errors and counts it. */
__attribute__((format(printf, 5, 6))) static void
theme_report(char **errors, int *nerr, const char *name, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	(*nerr)++;
	if (errors)
		text_diag_add(errors, name, line, msg);
}

/* Cuts a comment off line: from a '#' at the start of the line, or a '#'
 * between blanks (" # ..."); "#rrggbb" is a colour, not a comment. */
static void theme_strip_comment(char *line)
{
	char *p = line + strspn(line, " \t");
	if (*p == '#') {
		*p = '\0';
		return;
	}
	for (; *p; p++)
		if (*p == '#' && (p[-1] == ' ' || p[-1] == '\t') &&
		    (p[1] == '\0' || p[1] == ' ' || p[1] == '\t' || p[1] == '\r')) {
			*p = '\0';
			return;
		}
}

/* Splits line into whitespace-separated words in place; returns the count,
 * or max + 1 when there are more. */
static int theme_words(char *line, char **w, int max)
{
	int n = 0;
	for (char *p = line; *p;) {
		p += strspn(p, " \t\r");
		if (!*p)
			break;
		if (n == max)
			return max + 1;
		w[n++] = p;
		p += strcspn(p, " \t\r");
		if (*p)
			*p++ = '\0';
	}
	return n;
}

/* Parses "FG [BG] [ATTR]..." into spec; returns NULL or a reason. */
static const char *theme_parse_style(char **w, int n, struct theme_spec *spec, char *why,
                                     size_t whysz)
{
	struct theme_spec s = {true, THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, 0};
	int i = 0;
	if (n < 1)
		return "missing colour after '='";
	if (!theme_parse_color(w[i++], &s.fg)) {
		snprintf(why, whysz, "bad colour '%.40s' (a name, 0-255 or #rrggbb)", w[0]);
		return why;
	}
	if (i < n && theme_parse_color(w[i], &s.bg))
		i++;
	for (; i < n; i++) {
		size_t a = 0;
		while (a < sizeof theme_attr_names / sizeof theme_attr_names[0] &&
		       strcasecmp(w[i], theme_attr_names[a].name) != 0)
			a++;
		if (a == sizeof theme_attr_names / sizeof theme_attr_names[0]) {
			snprintf(why, whysz, "unknown attribute or colour '%.40s'", w[i]);
			return why;
		}
		s.attrs |= theme_attr_names[a].bit;
	}
	*spec = s;
	return NULL;
}

/* Applies one theme line; returns NULL or the reason it was refused. */
static const char *theme_line(theme *t, char *line, char *why, size_t whysz)
{
	char *w[12];
	theme_strip_comment(line);
	char *eq = strchr(line, '=');
	if (eq)
		*eq = '\0';
	int n = theme_words(line, w, 2);
	if (n == 0 && !eq)
		return NULL;
	if (!eq && n >= 1 && strcmp(w[0], "inherit") == 0) {
		if (n != 2 || !theme_name_valid(w[1]))
			return "inherit takes one theme name";
		char *copy = strdup(w[1]);
		if (!copy)
			return "out of memory";
		free(t->inherit);
		t->inherit = copy;
		return NULL;
	}
	if (!eq || n != 1)
		return "expected 'role = fg [bg] [attributes]' or 'inherit NAME'";
	int r = theme_role_by_name(w[0]);
	if (r < 0) {
		snprintf(why, whysz, "unknown role '%.40s'", w[0]);
		return why;
	}
	n = theme_words(eq + 1, w, 11);
	if (n > 11)
		return "too many words";
	return theme_parse_style(w, n, &t->spec[r], why, whysz);
}

/* Parses theme text line by line, reporting and skipping bad lines. */
theme *theme_parse(const char *name, const char *text, int *nerrors, char **errors)
{
	int nerr = 0, lineno = 0;
	char why[160];
	theme *t = calloc(1, sizeof *t);
	if (errors)
		*errors = NULL;
	if (!t || !(t->name = strdup(name ? name : "theme"))) {
		free(t);
		return NULL;
	}
	for (const char *p = text ? text : ""; *p;) {
		size_t n = strcspn(p, "\n");
		char *line = malloc(n + 1);
		if (!line) {
			theme_free(t);
			return NULL;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		lineno++;
		const char *reason = theme_line(t, line, why, sizeof why);
		if (reason)
			theme_report(errors, &nerr, t->name, lineno, "%s", reason);
		free(line);
		p += n + (p[n] == '\n');
	}
	if (nerrors)
		*nerrors = nerr;
	return t;
}

/* Frees a theme. */
void theme_free(theme *t)
{
	if (!t)
		return;
	free(t->name);
	free(t->inherit);
	free(t);
}

/* The theme's name (the default theme's for NULL). */
const char *theme_name(const theme *t)
{
	return t ? t->name : THEME_DEFAULT_NAME;
}

/* The name after `inherit`, or NULL. */
const char *theme_inherit_name(const theme *t)
{
	return t ? t->inherit : NULL;
}

/* Fills the roles t does not set from base. */
void theme_set_base(theme *t, const theme *base)
{
	for (int r = 0; t && base && r < THEME_ROLE_COUNT; r++)
		if (!t->spec[r].set)
			t->spec[r] = base->spec[r];
}

/* True when the theme sets role r itself or through its base. */
bool theme_role_set(const theme *t, theme_role r)
{
	return t && r >= 0 && r < THEME_ROLE_COUNT && t->spec[r].set;
}

/* ---- lookup ------------------------------------------------------------------------ */

const char *theme_builtin_text(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	for (const rapport_file *f = rapport_themes; n && f->name; f++)
		if (strncmp(f->name, name, n) == 0 && strcmp(f->name + n, ".theme") == 0)
			return f->text;
	return NULL;
}

/* Malloc'd "$XDG_CONFIG_HOME/rapport/themes" (or ~/.config/...), or NULL. */
static char *theme_user_dir(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	const char *base = xdg && *xdg ? xdg : home && *home ? home : NULL;
	const char *mid = xdg && *xdg ? "/rapport/themes" : "/.config/rapport/themes";
	if (!base)
		return NULL;
	size_t n = strlen(base) + strlen(mid) + 1;
	char *d = malloc(n);
	if (d)
		snprintf(d, n, "%s%s", base, mid);
	return d;
}

/* Path of the user's theme file for name. */
char *theme_user_path(const char *name)
{
	char *dir = theme_user_dir();
	if (!dir || !theme_name_valid(name)) {
		free(dir);
		return NULL;
	}
	size_t n = strlen(dir) + strlen(name) + sizeof "/.theme";
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s.theme", dir, name);
	free(dir);
	return p;
}

/* Reads the user's theme file for name (malloc'd text) or returns NULL. */
static char *theme_read_user(const char *name)
{
	char *path = theme_user_path(name);
	FILE *f = path ? fopen(path, "rb") : NULL;
	char *buf = NULL;
	free(path);
	if (!f)
		return NULL;
	size_t cap = 256 * 1024;
	buf = malloc(cap + 1);
	if (buf) {
		size_t n = fread(buf, 1, cap, f);
		buf[n] = '\0';
	}
	fclose(f);
	return buf;
}

/* One theme in the inheritance chain being loaded. */
struct theme_link {
	const char *name;
	bool from_user;
};

/* Loads name (user file unless builtin_only), following `inherit`. */
static theme *theme_load_chain(const char *name, bool builtin_only, struct theme_link *chain,
                               int depth, int *nerr, char **errors)
{
	char *user = builtin_only ? NULL : theme_read_user(name);
	const char *text = user ? user : theme_builtin_text(name);
	if (!text) {
		theme_report(errors, nerr, "rapport", 0, "theme '%.64s' not found", name);
		return NULL;
	}
	int bad = 0;
	char *msgs = NULL;
	theme *t = theme_parse(name, text, &bad, errors ? &msgs : NULL);
	free(user);
	*nerr += bad;
	if (msgs && errors) {
		char *joined =
		    *errors ? realloc(*errors, strlen(*errors) + strlen(msgs) + 1) : NULL;
		if (joined)
			strcat(joined, msgs), *errors = joined, free(msgs);
		else if (!*errors)
			*errors = msgs;
		else
			free(msgs);
	} else {
		free(msgs);
	}
	if (!t || !t->inherit)
		return t;
	chain[depth] = (struct theme_link){name, user != NULL};
	bool in_chain = false, builtin = false;
	for (int i = 0; i <= depth; i++)
		if (strcmp(chain[i].name, t->inherit) == 0) {
			in_chain = true;
			builtin = builtin || !chain[i].from_user;
		}
	if (depth + 1 >= THEME_MAX_DEPTH ||
	    (in_chain && (builtin || !theme_builtin_text(t->inherit)))) {
		theme_report(errors, nerr, name, 0, "inherit %s: cycle or too deep, ignored",
		             t->inherit);
		return t;
	}
	/* a user theme may inherit the compiled-in theme of the same name */
	theme *base = theme_load_chain(t->inherit, in_chain, chain, depth + 1, nerr, errors);
	theme_set_base(t, base);
	theme_free(base);
	return t;
}

/* Loads a theme by name (user file, then built in), following inherit. */
theme *theme_load(const char *name, char **errors)
{
	struct theme_link chain[THEME_MAX_DEPTH];
	int nerr = 0;
	if (errors)
		*errors = NULL;
	if (!theme_name_valid(name)) {
		theme_report(errors, &nerr, "rapport", 0, "invalid theme name");
		return NULL;
	}
	return theme_load_chain(name, false, chain, 0, &nerr, errors);
}

/* Adds a copy of name to the list unless present; false on allocation failure. */
static bool theme_names_add(char ***names, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*names)[i], name) == 0)
			return true;
	char **grown = realloc(*names, (*n + 1) * sizeof *grown);
	if (!grown)
		return false;
	*names = grown;
	if (!(grown[*n] = strdup(name)))
		return false;
	(*n)++;
	return true;
}

/* qsort comparator for strings. */
static int theme_names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the names of the *.theme files in the user's theme directory. */
static void theme_names_user(char ***names, size_t *n)
{
	char *dir = theme_user_dir();
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char base[80];
		if (len <= 6 || len - 6 >= sizeof base || strcmp(e->d_name + len - 6, ".theme"))
			continue;
		memcpy(base, e->d_name, len - 6);
		base[len - 6] = '\0';
		if (theme_name_valid(base))
			theme_names_add(names, n, base);
	}
	if (d)
		closedir(d);
	free(dir);
}

/* Sorted names of the built-in and user themes. */
size_t theme_names(char ***names)
{
	size_t n = 0;
	*names = NULL;
	for (const rapport_file *f = rapport_themes; f->name; f++) {
		char base[80];
		size_t len = strlen(f->name);
		if (len <= 6 || len - 6 >= sizeof base)
			continue;
		memcpy(base, f->name, len - 6);
		base[len - 6] = '\0';
		theme_names_add(names, &n, base);
	}
	theme_names_user(names, &n);
	if (n)
		qsort(*names, n, sizeof **names, theme_names_cmp);
	return n;
}

/* Frees what theme_names() returned. */
void theme_names_free(char **names, size_t n)
{
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}

/* True when NO_COLOR is set and non-empty. */
bool theme_no_color_env(void)
{
	const char *v = getenv("NO_COLOR");
	return v && *v;
}

/* ---- resolving ----------------------------------------------------------------------- */

/* The spec that applies to role r: the role's own, else its parents'. */
static struct theme_spec theme_effective(const theme *t, theme_role r)
{
	for (int hops = 0; hops < THEME_ROLE_COUNT; hops++) {
		if (t && t->spec[r].set)
			return t->spec[r];
		if (r == THEME_NORMAL)
			break;
		r = theme_roles[r].parent;
	}
	return (struct theme_spec){true, THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, 0};
}

/* The compiled-in default theme, parsed once. */
static const theme *theme_default(void)
{
	static theme *def;
	static bool tried;
	if (!tried) {
		tried = true;
		def = theme_parse(THEME_DEFAULT_NAME, theme_builtin_text(THEME_DEFAULT_NAME), NULL,
		                  NULL);
	}
	return def;
}

/* Role r for `colors` colours before the distinguishability guard. */
static theme_style theme_resolve_raw(const theme *t, theme_role r, int colors, bool mono)
{
	if (mono)
		return (theme_style){THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, theme_mono[r]};
	struct theme_spec s = theme_effective(t, r);
	theme_style st = {(short)theme_degrade(s.fg, colors), (short)theme_degrade(s.bg, colors),
	                  s.attrs};
	if (st.fg >= 0 && st.fg == st.bg) {
		/* collapsed by degradation: keep text readable */
		int rgb[3];
		theme_256_rgb(st.bg, rgb);
		st.fg =
		    (short)(rgb[0] * 3 + rgb[1] * 6 + rgb[2] > 1280 ? 0 : (colors >= 16 ? 15 : 7));
	}
	return st;
}

/* True when two styles would look the same. */
static bool theme_same(theme_style a, theme_style b)
{
	return a.fg == b.fg && a.bg == b.bg && a.attrs == b.attrs;
}

/* Resolves every role for a terminal, keeping guarded roles distinct. */
void theme_resolve_all(const theme *t, int colors, bool no_color, theme_style *out)
{
	if (!t)
		t = theme_default();
	if (colors >= 256)
		colors = 256;
	else if (colors >= 16)
		colors = 16;
	bool mono = no_color || colors < 8;
	for (int r = 0; r < THEME_ROLE_COUNT; r++)
		out[r] = theme_resolve_raw(t, (theme_role)r, colors, mono);
	for (int pass = 0; pass < 2; pass++)
		for (size_t g = 0; g < sizeof theme_guards / sizeof theme_guards[0]; g++) {
			theme_role a = theme_guards[g].role, b = theme_guards[g].against;
			if (theme_same(out[a], out[b]))
				out[a].attrs = (out[a].attrs | theme_mono[a]) != out[b].attrs
				                   ? out[a].attrs | theme_mono[a]
				                   : out[a].attrs ^ THEME_UNDERLINE;
		}
}

/* Resolves one role for a terminal. */
theme_style theme_resolve(const theme *t, theme_role r, int colors, bool no_color)
{
	theme_style all[THEME_ROLE_COUNT];
	if (r < 0 || r >= THEME_ROLE_COUNT)
		return (theme_style){THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, 0};
	theme_resolve_all(t, colors, no_color, all);
	return all[r];
}
