/* Named commands, key strings and the binding table (see rapport/keys.h). */
#include "rapport/keys.h"

#include "rapport/text.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const keys_command keys_commands[] = {{KEYS_CMD_NONE, NULL, 0, NULL, NULL},
#define KEYS_X_ROW(id, name, ctx, keys, help) {KEYS_CMD_##id, name, ctx, keys, help},
                                             KEYS_COMMANDS(KEYS_X_ROW)
#undef KEYS_X_ROW
};

static const char *const keys_ctx_names[KEYS_NCTX] = {"global", "list", "pager", "form", "search"};

static const char *const keys_ctx_titles[KEYS_NCTX] = {
    "Everywhere",
    "Hierarchy lists and detail",
    "Pager (data items, transcripts)",
    "Metadata form (when not typing into a field)",
    "Search results (when not typing the query)",
};

/* Names of special keys; the first spelling of each code is canonical. */
static const struct keys_name {
	const char *name;
	int key;
} keys_names[] = {
    {"Space", ' '},         {"Enter", KEYS_ENTER},
    {"Return", KEYS_ENTER}, {"RET", KEYS_ENTER},
    {"Esc", KEYS_ESC},      {"Escape", KEYS_ESC},
    {"Tab", KEYS_TAB},      {"Backspace", KEYS_BACKSPACE},
    {"BS", KEYS_BACKSPACE}, {"Delete", KEYS_DELETE},
    {"Del", KEYS_DELETE},   {"Insert", KEYS_INSERT},
    {"Ins", KEYS_INSERT},   {"Up", KEYS_UP},
    {"Down", KEYS_DOWN},    {"Left", KEYS_LEFT},
    {"Right", KEYS_RIGHT},  {"Home", KEYS_HOME},
    {"End", KEYS_END},      {"PgUp", KEYS_PGUP},
    {"PageUp", KEYS_PGUP},  {"PPage", KEYS_PGUP},
    {"PgDn", KEYS_PGDN},    {"PageDown", KEYS_PGDN},
    {"NPage", KEYS_PGDN},
};

struct keys_binding {
	int key;
	keys_cmd cmd;
};

struct keys_table {
	struct keys_binding *b[KEYS_NCTX];
	size_t n[KEYS_NCTX], cap[KEYS_NCTX];
};

/* The command table row of cmd. */
const keys_command *keys_command_info(keys_cmd cmd)
{
	if (cmd <= KEYS_CMD_NONE || cmd >= KEYS_CMD_COUNT)
		return NULL;
	return &keys_commands[cmd];
}

/* Looks a command up by its config/command-line name. */
keys_cmd keys_command_by_name(const char *name)
{
	for (int i = 1; name && i < KEYS_CMD_COUNT; i++)
		if (strcmp(keys_commands[i].name, name) == 0)
			return (keys_cmd)i;
	return KEYS_CMD_NONE;
}

/* The config name of a binding context. */
const char *keys_ctx_name(keys_ctx ctx)
{
	return (ctx >= 0 && ctx < KEYS_NCTX) ? keys_ctx_names[ctx] : NULL;
}

/* Looks a binding context up by name (case-insensitive). */
int keys_ctx_by_name(const char *name)
{
	for (int i = 0; name && i < KEYS_NCTX; i++)
		if (strcasecmp(keys_ctx_names[i], name) == 0)
			return i;
	return -1;
}

/* ---- key codes ------------------------------------------------------------ */

/* True for the characters Ctrl can combine with on a terminal (Ctrl-H/I/J/M
 * arrive as Backspace, Tab and Enter). */
static bool keys_ctrl_char_ok(int c)
{
	if (c == 'h' || c == 'i' || c == 'j' || c == 'm')
		return false;
	return (c >= 'a' && c <= 'z') || c == ' ' || c == '\\' || c == ']' || c == '^' || c == '_';
}

/* True for a named special key code (no modifiers). */
static bool keys_is_special(int base)
{
	return (base >= KEYS_ENTER && base <= KEYS_PGDN) ||
	       (base >= KEYS_F(1) && base <= KEYS_F(12));
}

/* True for a printable code point usable as a key. */
static bool keys_is_char(int base)
{
	return base >= 0x20 && base <= 0x10FFFF && !(base >= 0x7F && base <= 0x9F) &&
	       !(base >= 0xD800 && base <= 0xDFFF);
}

/* True when key is a code keys_format() can name. */
static bool keys_valid(int key)
{
	if (key <= 0 || (key & ~(KEYS_MOD_MASK | 0x1FFFFF)))
		return false;
	int base = key & ~KEYS_MOD_MASK;
	if (keys_is_special(base))
		return true;
	if (!keys_is_char(base))
		return false;
	if ((key & KEYS_MOD_SHIFT))
		return false;
	if ((key & KEYS_MOD_CTRL) && !keys_ctrl_char_ok(base))
		return false;
	return true;
}

/* Turns a character read from the terminal into a key code. */
int keys_from_char(uint32_t wc)
{
	switch (wc) {
	case '\r':
	case '\n': return KEYS_ENTER;
	case '\t': return KEYS_TAB;
	case 0x1B: return KEYS_ESC;
	case 0x08:
	case 0x7F: return KEYS_BACKSPACE;
	case 0x00: return KEYS_CTRL(' ');
	case 0x1C: return KEYS_CTRL('\\');
	case 0x1D: return KEYS_CTRL(']');
	case 0x1E: return KEYS_CTRL('^');
	case 0x1F: return KEYS_CTRL('_');
	default: break;
	}
	if (wc >= 0x01 && wc <= 0x1A)
		return KEYS_CTRL((int)('a' + wc - 1));
	if (!keys_is_char((int)(wc > 0x10FFFF ? 0 : wc)))
		return KEYS_NONE;
	return (int)wc;
}

/* Strips one modifier prefix ("C-", "Ctrl-", "M-", "Alt-", "Meta-", "S-",
 * "Shift-") from *s into *mods when something follows it; false if none. */
static bool keys_take_prefix(const char **s, int *mods)
{
	static const struct {
		const char *p;
		int mod;
	} prefixes[] = {
	    {"C-", KEYS_MOD_CTRL},      {"Ctrl-", KEYS_MOD_CTRL}, {"M-", KEYS_MOD_META},
	    {"Alt-", KEYS_MOD_META},    {"Meta-", KEYS_MOD_META}, {"S-", KEYS_MOD_SHIFT},
	    {"Shift-", KEYS_MOD_SHIFT},
	};
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		size_t n = strlen(prefixes[i].p);
		if (strncasecmp(*s, prefixes[i].p, n) == 0 && (*s)[n] != '\0') {
			*mods |= prefixes[i].mod;
			*s += n;
			return true;
		}
	}
	return false;
}

/* The base key named by s (one character, a special name or F1-F12), or 0. */
static int keys_parse_base(const char *s)
{
	size_t len = strlen(s);
	uint32_t cp;
	int n = text_utf8_decode(s, len, &cp);
	if (n > 0 && (size_t)n == len)
		return keys_is_char((int)cp) ? (int)cp : 0;
	for (size_t i = 0; i < sizeof keys_names / sizeof keys_names[0]; i++)
		if (strcasecmp(s, keys_names[i].name) == 0)
			return keys_names[i].key;
	if ((s[0] == 'F' || s[0] == 'f') && isdigit((unsigned char)s[1]) &&
	    (s[2] == '\0' || (isdigit((unsigned char)s[2]) && s[3] == '\0'))) {
		int f = atoi(s + 1);
		if (f >= 1 && f <= 12)
			return KEYS_F(f);
	}
	return 0;
}

/* Applies modifiers the way a terminal delivers them: Ctrl-M is Enter,
 * Ctrl-letter is lowercase, Shift-letter is the capital. 0 if impossible. */
static int keys_combine(int mods, int base)
{
	if ((mods & KEYS_MOD_CTRL) && keys_is_char(base)) {
		if (base < 0x80)
			base = tolower(base);
		if (base == '@')
			base = ' ';
		int alias = base == 'm' || base == 'j' ? KEYS_ENTER
		            : base == 'i'              ? KEYS_TAB
		            : base == '['              ? KEYS_ESC
		            : base == 'h'              ? KEYS_BACKSPACE
		                                       : 0;
		if (alias) {
			mods &= ~KEYS_MOD_CTRL;
			base = alias;
		}
	}
	if ((mods & KEYS_MOD_SHIFT) && keys_is_char(base)) {
		if (base >= 'a' && base <= 'z')
			base = toupper(base);
		else if (!(base >= 'A' && base <= 'Z'))
			return 0;
		mods &= ~KEYS_MOD_SHIFT;
	}
	int key = mods | base;
	return keys_valid(key) ? key : 0;
}

/* Parses a key string such as "C-s" or "PgDn" into a key code. */
int keys_parse(const char *s, int *key)
{
	int mods = 0, base;
	if (!s || !*s || strlen(s) > 32)
		return -1;
	if (s[0] == '^' && s[1] != '\0') {
		mods |= KEYS_MOD_CTRL;
		s++;
	}
	while (keys_take_prefix(&s, &mods))
		;
	base = keys_parse_base(s);
	if (!base)
		return -1;
	int k = keys_combine(mods, base);
	if (!k)
		return -1;
	*key = k;
	return 0;
}

/* Canonical name of a base key into buf; returns the length needed. */
static int keys_format_base(int base, char *buf, size_t bufsz)
{
	char tmp[8];
	const char *name = NULL;
	for (size_t i = 0; i < sizeof keys_names / sizeof keys_names[0]; i++)
		if (keys_names[i].key == base) {
			name = keys_names[i].name;
			break;
		}
	if (!name && base >= KEYS_F(1) && base <= KEYS_F(12)) {
		snprintf(tmp, sizeof tmp, "F%d", base - KEYS_F0);
		name = tmp;
	}
	if (!name) {
		int n = text_utf8_encode((uint32_t)base, tmp);
		tmp[n] = '\0';
		name = tmp;
	}
	return snprintf(buf, bufsz, "%s", name);
}

/* Writes the canonical key string of a key code. */
int keys_format(int key, char *buf, size_t bufsz)
{
	char tmp[48];
	if (bufsz)
		buf[0] = '\0';
	if (!keys_valid(key))
		return -1;
	snprintf(tmp, sizeof tmp, "%s%s%s", (key & KEYS_MOD_CTRL) ? "C-" : "",
	         (key & KEYS_MOD_META) ? "M-" : "", (key & KEYS_MOD_SHIFT) ? "S-" : "");
	size_t pre = strlen(tmp);
	keys_format_base(key & ~KEYS_MOD_MASK, tmp + pre, sizeof tmp - pre);
	return snprintf(buf, bufsz, "%s", tmp);
}

/* ---- binding table ---------------------------------------------------------- */

/* Index of key in ctx's bindings, or -1. */
static long keys_find(const keys_table *t, keys_ctx ctx, int key)
{
	for (size_t i = 0; i < t->n[ctx]; i++)
		if (t->b[ctx][i].key == key)
			return (long)i;
	return -1;
}

/* Binds key to cmd in one context, replacing its previous meaning there. */
int keys_bind(keys_table *t, keys_ctx ctx, int key, keys_cmd cmd)
{
	if (!t || ctx < 0 || ctx >= KEYS_NCTX || !keys_valid(key) || !keys_command_info(cmd))
		return -1;
	long i = keys_find(t, ctx, key);
	if (i >= 0) {
		t->b[ctx][i].cmd = cmd;
		return 0;
	}
	if (t->n[ctx] == t->cap[ctx]) {
		size_t cap = t->cap[ctx] ? t->cap[ctx] * 2 : 16;
		struct keys_binding *b = realloc(t->b[ctx], cap * sizeof *b);
		if (!b)
			return -1;
		t->b[ctx] = b;
		t->cap[ctx] = cap;
	}
	t->b[ctx][t->n[ctx]++] = (struct keys_binding){key, cmd};
	return 0;
}

/* Removes a key from one context or from all of them. */
int keys_unbind(keys_table *t, int ctx, int key)
{
	int removed = 0;
	for (int c = 0; t && c < KEYS_NCTX; c++) {
		if (ctx != -1 && c != ctx)
			continue;
		long i = keys_find(t, (keys_ctx)c, key);
		if (i < 0)
			continue;
		memmove(&t->b[c][i], &t->b[c][i + 1],
		        (t->n[c] - (size_t)i - 1) * sizeof t->b[c][0]);
		t->n[c]--;
		removed++;
	}
	return removed;
}

/* Binds every default key of cmd in each of its contexts. */
static int keys_bind_defaults(keys_table *t, const keys_command *c)
{
	char word[40];
	const char *p = c->defaults;
	while (*p) {
		size_t n = strcspn(p, " ");
		int key;
		if (n == 0 || n >= sizeof word)
			return -1;
		memcpy(word, p, n);
		word[n] = '\0';
		if (keys_parse(word, &key) != 0)
			return -1; /* a broken default is a build bug: the unit test catches it */
		for (int ctx = 0; ctx < KEYS_NCTX; ctx++)
			if ((c->contexts & KEYS_IN(ctx)) && keys_bind(t, (keys_ctx)ctx, key, c->id))
				return -1;
		p += n;
		p += strspn(p, " ");
	}
	return 0;
}

/* A binding table holding every command's default keys. */
keys_table *keys_table_new(void)
{
	keys_table *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	for (int i = 1; i < KEYS_CMD_COUNT; i++)
		if (keys_bind_defaults(t, &keys_commands[i]) != 0) {
			keys_table_free(t);
			return NULL;
		}
	return t;
}

/* Frees a binding table. */
void keys_table_free(keys_table *t)
{
	if (!t)
		return;
	for (int c = 0; c < KEYS_NCTX; c++)
		free(t->b[c]);
	free(t);
}

/* Deep copy of a binding table. */
keys_table *keys_table_dup(const keys_table *t)
{
	keys_table *d = calloc(1, sizeof *d);
	for (int c = 0; d && t && c < KEYS_NCTX; c++) {
		if (!t->n[c])
			continue;
		d->b[c] = malloc(t->n[c] * sizeof *d->b[c]);
		if (!d->b[c]) {
			keys_table_free(d);
			return NULL;
		}
		memcpy(d->b[c], t->b[c], t->n[c] * sizeof *d->b[c]);
		d->n[c] = d->cap[c] = t->n[c];
	}
	return d;
}

/* The command a key runs in ctx, falling back to the global bindings. */
keys_cmd keys_lookup(const keys_table *t, keys_ctx ctx, int key)
{
	if (!t || ctx < 0 || ctx >= KEYS_NCTX)
		return KEYS_CMD_NONE;
	long i = keys_find(t, ctx, key);
	if (i >= 0)
		return t->b[ctx][i].cmd;
	i = keys_find(t, KEYS_GLOBAL, key);
	return i >= 0 ? t->b[KEYS_GLOBAL][i].cmd : KEYS_CMD_NONE;
}

/* The keys bound to cmd in exactly ctx. */
size_t keys_for_command(const keys_table *t, keys_ctx ctx, keys_cmd cmd, int *out, size_t max)
{
	size_t count = 0;
	if (!t || ctx < 0 || ctx >= KEYS_NCTX)
		return 0;
	for (size_t i = 0; i < t->n[ctx]; i++)
		if (t->b[ctx][i].cmd == cmd) {
			if (count < max)
				out[count] = t->b[ctx][i].key;
			count++;
		}
	return count;
}

/* The keys bound to cmd in ctx as one "j, Down" string. */
size_t keys_describe(const keys_table *t, keys_ctx ctx, keys_cmd cmd, char *buf, size_t bufsz)
{
	size_t len = 0;
	if (bufsz)
		buf[0] = '\0';
	for (size_t i = 0; t && ctx >= 0 && ctx < KEYS_NCTX && i < t->n[ctx]; i++) {
		char k[48];
		if (t->b[ctx][i].cmd != cmd)
			continue;
		keys_format(t->b[ctx][i].key, k, sizeof k);
		int n =
		    snprintf(buf + len, bufsz > len ? bufsz - len : 0, "%s%s", len ? ", " : "", k);
		if (n < 0 || len + (size_t)n >= bufsz) {
			if (bufsz)
				buf[len] = '\0';
			break;
		}
		len += (size_t)n;
	}
	return len;
}

/* ---- config lines --------------------------------------------------------------- */

/* Splits line into at most max whitespace-separated words; returns the count
 * (max + 1 when there are more). Words point into buf. */
static int keys_split(const char *line, char *buf, size_t bufsz, char **words, int max)
{
	int n = 0;
	snprintf(buf, bufsz, "%s", line);
	for (char *p = buf; *p;) {
		p += strspn(p, " \t\r\n");
		if (!*p)
			break;
		if (n == max)
			return max + 1;
		words[n++] = p;
		p += strcspn(p, " \t\r\n");
		if (*p)
			*p++ = '\0';
	}
	return n;
}

/* Sets err to a formatted reason and returns -1. */
__attribute__((format(printf, 3, 4))) static int keys_fail(char *err, size_t errsz, const char *fmt,
                                                           ...)
{
	va_list ap;
	if (err && errsz) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The `bind [CONTEXT] KEY COMMAND` line, already split. */
static int keys_apply_bind(keys_table *t, char **w, int n, char *err, size_t errsz)
{
	int ctx = -1, key;
	if (n != 3 && n != 4)
		return keys_fail(err, errsz, "%s", "bind takes [CONTEXT] KEY COMMAND");
	if (n == 4 && (ctx = keys_ctx_by_name(w[1])) < 0)
		return keys_fail(err, errsz,
		                 "unknown context '%.40s' (global, list, pager, form, search)",
		                 w[1]);
	if (keys_parse(w[n - 2], &key) != 0)
		return keys_fail(err, errsz, "not a key: '%.40s'", w[n - 2]);
	keys_cmd cmd = keys_command_by_name(w[n - 1]);
	const keys_command *c = keys_command_info(cmd);
	if (!c)
		return keys_fail(err, errsz, "unknown command '%.40s'", w[n - 1]);
	if (ctx >= 0 && !(c->contexts & KEYS_IN(ctx)) && !(c->contexts & KEYS_IN(KEYS_GLOBAL)))
		return keys_fail(err, errsz, "command '%.40s' does not apply in that context",
		                 c->name);
	keys_table *copy = keys_table_dup(t);
	if (!copy)
		return keys_fail(err, errsz, "%s", "out of memory");
	int rc = 0;
	for (int i = 0; i < KEYS_NCTX && rc == 0; i++)
		if (ctx >= 0 ? i == ctx : (c->contexts & KEYS_IN(i)) != 0)
			rc = keys_bind(copy, (keys_ctx)i, key, cmd);
	if (rc == 0)
		for (int i = 0; i < KEYS_NCTX; i++) {
			struct keys_binding *b = t->b[i];
			t->b[i] = copy->b[i], t->n[i] = copy->n[i], t->cap[i] = copy->cap[i];
			copy->b[i] = b;
		}
	keys_table_free(copy);
	return rc ? keys_fail(err, errsz, "%s", "out of memory") : 0;
}

/* The `unbind [CONTEXT] KEY` line, already split. */
static int keys_apply_unbind(keys_table *t, char **w, int n, char *err, size_t errsz)
{
	int ctx = -1, key;
	if (n != 2 && n != 3)
		return keys_fail(err, errsz, "%s", "unbind takes [CONTEXT] KEY");
	if (n == 3 && (ctx = keys_ctx_by_name(w[1])) < 0)
		return keys_fail(err, errsz,
		                 "unknown context '%.40s' (global, list, pager, form, search)",
		                 w[1]);
	if (keys_parse(w[n - 1], &key) != 0)
		return keys_fail(err, errsz, "not a key: '%.40s'", w[n - 1]);
	keys_unbind(t, ctx, key);
	return 0;
}

/* True when the word at index i starting with '#' begins a trailing comment:
 * the words before it already make a complete bind/unbind line. */
static bool keys_comment_at(char **w, int i)
{
	if (w[i][0] != '#')
		return false;
	int k;
	if (strcmp(w[0], "bind") == 0)
		return (i == 3 || i == 4) && keys_command_by_name(w[i - 1]) != KEYS_CMD_NONE;
	if (strcmp(w[0], "unbind") == 0)
		return (i == 2 || i == 3) && keys_parse(w[i - 1], &k) == 0;
	return i > 0;
}

/* Applies one bind/unbind config line; nothing changes on error. */
int keys_apply_line(keys_table *t, const char *line, char *err, size_t errsz)
{
	char buf[256];
	char *w[9];
	if (err && errsz)
		err[0] = '\0';
	if (!t || !line)
		return keys_fail(err, errsz, "%s", "no table");
	if (strlen(line) >= sizeof buf)
		return keys_fail(err, errsz, "%s", "line too long");
	int n = keys_split(line, buf, sizeof buf, w, 8);
	if (n == 0 || w[0][0] == '#')
		return keys_fail(err, errsz, "%s", "empty line");
	for (int i = 1; i < n && i < 8; i++)
		if (keys_comment_at(w, i)) {
			n = i;
			break;
		}
	if (strcmp(w[0], "bind") == 0)
		return keys_apply_bind(t, w, n, err, errsz);
	if (strcmp(w[0], "unbind") == 0)
		return keys_apply_unbind(t, w, n, err, errsz);
	return keys_fail(err, errsz, "expected bind or unbind, not '%.40s'", w[0]);
}

/* ---- output ---------------------------------------------------------------------- */

void keys_write_config(const keys_table *t, FILE *out)
{
	keys_table *d = keys_table_new();
	char k[48];
	if (!d || !t)
		goto done;
	for (int c = 0; c < KEYS_NCTX; c++)
		for (size_t i = 0; i < d->n[c]; i++)
			if (keys_find(t, (keys_ctx)c, d->b[c][i].key) < 0) {
				keys_format(d->b[c][i].key, k, sizeof k);
				fprintf(out, "unbind %s %s\n", keys_ctx_names[c], k);
			}
	for (int c = 0; c < KEYS_NCTX; c++)
		for (size_t i = 0; i < t->n[c]; i++) {
			long j = keys_find(d, (keys_ctx)c, t->b[c][i].key);
			if (j >= 0 && d->b[c][j].cmd == t->b[c][i].cmd)
				continue;
			keys_format(t->b[c][i].key, k, sizeof k);
			fprintf(out, "bind %s %s %s\n", keys_ctx_names[c], k,
			        keys_commands[t->b[c][i].cmd].name);
		}
done:
	keys_table_free(d);
}

/* Appends one help line for cmd (keys bound in ctx, minus those that the
 * pane context shadow overrides) to the growing text *s. */
static bool keys_help_add(const keys_table *t, keys_ctx ctx, keys_ctx shadow, keys_cmd cmd,
                          char **s, size_t *len)
{
	char k[256] = "";
	size_t kl = 0;
	for (size_t i = 0; i < t->n[ctx]; i++) {
		char one[48];
		if (t->b[ctx][i].cmd != cmd ||
		    (shadow != ctx && keys_find(t, shadow, t->b[ctx][i].key) >= 0))
			continue;
		keys_format(t->b[ctx][i].key, one, sizeof one);
		if (kl + strlen(one) + 3 < sizeof k)
			kl += (size_t)snprintf(k + kl, sizeof k - kl, "%s%s", kl ? ", " : "", one);
	}
	if (!kl)
		snprintf(k, sizeof k, ":%s", keys_commands[cmd].name);
	size_t need = strlen(k) + strlen(keys_commands[cmd].help) + 3;
	char *p = realloc(*s, *len + need);
	if (!p)
		return false;
	*s = p;
	*len += (size_t)sprintf(p + *len, "%s\t%s\n", k, keys_commands[cmd].help);
	return true;
}

/* Help overlay text for a pane: its own commands, then the global ones. */
char *keys_help_text(const keys_table *t, keys_ctx ctx)
{
	char *s = calloc(1, 1);
	size_t len = 0;
	if (!s || !t || ctx < 0 || ctx >= KEYS_NCTX)
		return s;
	for (int pass = 0; pass < 2; pass++) {
		keys_ctx c = pass == 0 ? ctx : KEYS_GLOBAL;
		if (pass == 1 && ctx == KEYS_GLOBAL)
			break;
		for (int i = 1; i < KEYS_CMD_COUNT; i++) {
			if (!(keys_commands[i].contexts & KEYS_IN(c)))
				continue;
			if (pass == 1 && (keys_commands[i].contexts & KEYS_IN(ctx)))
				continue; /* already listed with the pane's keys */
			if (!keys_help_add(t, c, ctx, (keys_cmd)i, &s, &len)) {
				free(s);
				return NULL;
			}
		}
	}
	return s;
}

/* Writes a key string as a Markdown code span safe inside a table cell. */
static void keys_md_key(FILE *out, const char *k)
{
	fputc('`', out);
	for (; *k; k++) {
		if (*k == '|')
			fputc('\\', out);
		fputc(*k, out);
	}
	fputc('`', out);
}

/* Writes the Markdown table of the default bindings of one context. */
static void keys_md_context(FILE *out, const keys_table *d, keys_ctx ctx)
{
	fprintf(out, "## %s (`%s`)\n\n| Keys | Command | What it does |\n|---|---|---|\n",
	        keys_ctx_titles[ctx], keys_ctx_names[ctx]);
	for (int i = 1; i < KEYS_CMD_COUNT; i++) {
		int keys[16];
		if (!(keys_commands[i].contexts & KEYS_IN(ctx)))
			continue;
		size_t n = keys_for_command(d, ctx, (keys_cmd)i, keys, 16);
		fputs("| ", out);
		for (size_t j = 0; j < n && j < 16; j++) {
			char k[48];
			keys_format(keys[j], k, sizeof k);
			if (j)
				fputs(", ", out);
			keys_md_key(out, k);
		}
		fprintf(out, " | `%s` | %s |\n", keys_commands[i].name, keys_commands[i].help);
	}
	fputc('\n', out);
}

/* Writes docs/keys.md from the command table and the default bindings. */
void keys_write_markdown(FILE *out)
{
	keys_table *d = keys_table_new();
	if (!d)
		return;
	fputs("# Key bindings\n\n"
	      "<!-- Generated by keys_write_markdown() from the command table in\n"
	      "     include/rapport/keys.h. Do not edit: tests/unit/test_keys.c fails\n"
	      "     when this file differs from the table. -->\n\n"
	      "Every key runs a named command. The focused pane's bindings are looked up\n"
	      "first, then the global ones, so the same key can mean different things in\n"
	      "different panes (`n` creates a record in a list and goes to the next match\n"
	      "in the pager). Arrow keys, Home/End and PgUp/PgDn always work as well.\n"
	      "While you type into a text field (filter, search query, form field) keys go\n"
	      "to the field; Enter confirms and Esc leaves it.\n\n",
	      out);
	for (int c = 0; c < KEYS_NCTX; c++)
		keys_md_context(out, d, (keys_ctx)c);
	fputs("## Changing bindings\n\n"
	      "In the config file (see [config.md](config.md)):\n\n"
	      "```\n"
	      "bind C-n down              # in every context of the command\n"
	      "bind pager Space page-down # in one context only\n"
	      "unbind d                   # remove a key from every context\n"
	      "unbind list n              # remove a key from one context\n"
	      "```\n\n"
	      "Contexts: `global`, `list`, `pager`, `form`, `search`. Commands are the\n"
	      "names in the tables above; the command line `:` accepts them too.\n\n"
	      "Key names: a single character (`j`, `G`, `?`, `é`), `Space`, `Enter`,\n"
	      "`Esc`, `Tab`, `S-Tab`, `Backspace`, `Delete`, `Insert`, `Up`, `Down`,\n"
	      "`Left`, `Right`, `Home`, `End`, `PgUp`, `PgDn`, `F1` to `F12`, with the\n"
	      "prefixes `C-` (Ctrl) and `M-` (Meta/Alt): `C-s`, `M-x`, `C-M-x`. Also\n"
	      "accepted: `Return`, `Escape`, `PageUp`, `PageDown`, `Del`, `Ctrl-s`,\n"
	      "`Alt-x`, `^S`. Ctrl-M is Enter, Ctrl-I is Tab, Ctrl-H is Backspace and\n"
	      "Ctrl-[ is Esc, as the terminal sends them.\n",
	      out);
	keys_table_free(d);
}
