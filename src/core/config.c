/* The user's configuration file: defaults, `key = value` parsing, bind and
 * unbind lines, and printing the effective configuration (rapport/config.h). */
#include "rapport/config.h"

#include "rapport/text.h"
#include "rapport/theme.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum config_type { CONFIG_STR, CONFIG_OPT_STR, CONFIG_INT, CONFIG_BOOL, CONFIG_ENUM };

/* One setting: file key, type, where it lives in struct config, limits. */
struct config_key {
	const char *name;
	enum config_type type;
	size_t off;
	long min, max;             /* CONFIG_INT */
	const char *const *one_of; /* CONFIG_ENUM: NULL-terminated */
	const char *def;           /* default, as file text; NULL: unset */
};

static const char *const config_modes[] = {"hybrid", "semantic", "text", NULL};
static const char *const config_providers[] = {"hash", "openai", "command", NULL};

#define CONFIG_AT(field) offsetof(config, field)
static const struct config_key config_keys[] = {
    {"theme", CONFIG_STR, CONFIG_AT(theme), 0, 0, NULL, THEME_DEFAULT_NAME},
    {"page_size", CONFIG_INT, CONFIG_AT(page_size), 10, 10000, NULL, "100"},
    {"scroll_jump", CONFIG_INT, CONFIG_AT(scroll_jump), 0, 10000, NULL, "0"},
    {"detail.delay_ms", CONFIG_INT, CONFIG_AT(detail_delay_ms), 0, 2000, NULL, "100"},
    {"read_only", CONFIG_BOOL, CONFIG_AT(read_only), 0, 0, NULL, "false"},
    {"editor", CONFIG_OPT_STR, CONFIG_AT(editor), 0, 0, NULL, NULL},
    {"mouse", CONFIG_BOOL, CONFIG_AT(mouse), 0, 0, NULL, "false"},
    {"pager.wrap", CONFIG_BOOL, CONFIG_AT(pager_wrap), 0, 0, NULL, "true"},
    {"search.mode", CONFIG_ENUM, CONFIG_AT(search_mode), 0, 0, config_modes, "hybrid"},
    {"search.limit", CONFIG_INT, CONFIG_AT(search_limit), 1, 1000, NULL, "50"},
    {"embed.provider", CONFIG_ENUM, CONFIG_AT(embed_provider), 0, 0, config_providers, "hash"},
    {"embed.model", CONFIG_OPT_STR, CONFIG_AT(embed_model), 0, 0, NULL, NULL},
    {"embed.base_url", CONFIG_OPT_STR, CONFIG_AT(embed_base_url), 0, 0, NULL, NULL},
    {"embed.api_key_env", CONFIG_STR, CONFIG_AT(embed_api_key_env), 0, 0, NULL, "OPENAI_API_KEY"},
    {"embed.command", CONFIG_OPT_STR, CONFIG_AT(embed_command), 0, 0, NULL, NULL},
    {"embed.timeout_ms", CONFIG_INT, CONFIG_AT(embed_timeout_ms), 100, 600000, NULL, "30000"},
    {"chunk.target", CONFIG_INT, CONFIG_AT(chunk_target), 100, 100000, NULL, "1200"},
    {"chunk.overlap", CONFIG_INT, CONFIG_AT(chunk_overlap), 0, 99999, NULL, "200"},
};
#define CONFIG_NKEYS (sizeof config_keys / sizeof config_keys[0])

/* Formats a reason into err and returns -1. */
__attribute__((format(printf, 3, 4))) static int config_fail(char *err, size_t errsz,
                                                             const char *fmt, ...)
{
	va_list ap;
	if (err && errsz) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The setting called name, or NULL. */
static const struct config_key *config_key_find(const char *name)
{
	for (size_t i = 0; i < CONFIG_NKEYS; i++)
		if (strcmp(config_keys[i].name, name) == 0)
			return &config_keys[i];
	return NULL;
}

/* Parses a boolean word into *b; false if it is not one. */
static bool config_bool(const char *v, bool *b)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0 || strcasecmp(v, no[i]) == 0) {
			*b = strcasecmp(v, yes[i]) == 0;
			return true;
		}
	}
	return false;
}

/* Parses a decimal integer within [min, max] into *out. */
static int config_int(const struct config_key *k, const char *v, int *out, char *err, size_t errsz)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (!*v || *end || errno || !(isdigit((unsigned char)v[0]) || v[0] == '-'))
		return config_fail(err, errsz, "%s wants a whole number, not '%.40s'", k->name, v);
	if (n < k->min || n > k->max)
		return config_fail(err, errsz, "%s must be between %ld and %ld", k->name, k->min,
		                   k->max);
	*out = (int)n;
	return 0;
}

/* Checks a string value for the keys that have a shape of their own. */
static int config_check_str(const struct config_key *k, const char *v, char *err, size_t errsz)
{
	if (strcmp(k->name, "theme") == 0 && !theme_name_valid(v))
		return config_fail(err, errsz, "theme names use letters, digits, '-' and '_'");
	if (strcmp(k->name, "embed.api_key_env") == 0) {
		bool ok = isalpha((unsigned char)v[0]) || v[0] == '_';
		for (const char *p = v; ok && *p; p++)
			ok = isalnum((unsigned char)*p) || *p == '_';
		if (!ok)
			return config_fail(err, errsz,
			                   "embed.api_key_env names an environment "
			                   "variable (letters, digits, '_')");
	}
	if (strcmp(k->name, "embed.base_url") == 0 && strncmp(v, "http://", 7) != 0 &&
	    strncmp(v, "https://", 8) != 0)
		return config_fail(err, errsz,
		                   "embed.base_url must start with http:// or https://");
	return 0;
}

/* Replaces the string field at slot with a copy of v (NULL clears it). */
static int config_store_str(char **slot, const char *v, char *err, size_t errsz)
{
	char *copy = NULL;
	if (v && !(copy = strdup(v)))
		return config_fail(err, errsz, "out of memory");
	free(*slot);
	*slot = copy;
	return 0;
}

/* Sets a string or enum setting. */
static int config_set_str(config *c, const struct config_key *k, const char *v, char *err,
                          size_t errsz)
{
	char **slot = (char **)((char *)c + k->off);
	if (!*v && k->type == CONFIG_OPT_STR)
		return config_store_str(slot, NULL, err, errsz);
	if (!*v)
		return config_fail(err, errsz, "%s needs a value", k->name);
	if (k->type == CONFIG_ENUM) {
		for (size_t i = 0; k->one_of[i]; i++)
			if (strcmp(k->one_of[i], v) == 0)
				return config_store_str(slot, v, err, errsz);
		char opts[128] = "";
		for (size_t i = 0; k->one_of[i]; i++)
			snprintf(opts + strlen(opts), sizeof opts - strlen(opts), "%s%s",
			         i ? ", " : "", k->one_of[i]);
		return config_fail(err, errsz, "%s must be one of %s, not '%.40s'", k->name, opts,
		                   v);
	}
	if (config_check_str(k, v, err, errsz))
		return -1;
	return config_store_str(slot, v, err, errsz);
}

/* Sets one setting from its text value, validating it. */
int config_set(config *c, const char *key, const char *value, char *err, size_t errsz)
{
	const struct config_key *k = config_key_find(key);
	if (!k)
		return config_fail(err, errsz, "unknown setting '%.40s'", key);
	for (const char *p = value; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return config_fail(err, errsz, "%s: control character in the value", key);
	if (!text_utf8_valid(value, strlen(value)))
		return config_fail(err, errsz, "%s: the value is not valid UTF-8", key);
	if (k->type == CONFIG_BOOL) {
		bool b;
		if (!config_bool(value, &b))
			return config_fail(err, errsz, "%s wants true or false, not '%.40s'", key,
			                   value);
		*(bool *)((char *)c + k->off) = b;
		return 0;
	}
	if (k->type == CONFIG_INT)
		return config_int(k, value, (int *)((char *)c + k->off), err, errsz);
	return config_set_str(c, k, value, err, errsz);
}

/* A config holding the defaults. */
config *config_new(void)
{
	config *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	for (size_t i = 0; i < CONFIG_NKEYS; i++)
		if (config_keys[i].def &&
		    config_set(c, config_keys[i].name, config_keys[i].def, NULL, 0))
			goto fail;
	if (!(c->keys = keys_table_new()))
		goto fail;
	return c;
fail:
	config_free(c);
	return NULL;
}

/* Frees a config and everything it owns. */
void config_free(config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < CONFIG_NKEYS; i++)
		if (config_keys[i].type != CONFIG_INT && config_keys[i].type != CONFIG_BOOL)
			free(*(char **)((char *)c + config_keys[i].off));
	keys_table_free(c->keys);
	free(c->source);
	free(c);
}

/* ---- parsing ----------------------------------------------------------------- */

/* Reads a "quoted" value starting at p (after the quote) into out; returns
 * the position after the closing quote or NULL when it is not closed. */
static const char *config_unquote(const char *p, char *out)
{
	for (; *p && *p != '"'; p++) {
		if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
			p++;
		*out++ = *p;
	}
	*out = '\0';
	return *p == '"' ? p + 1 : NULL;
}

/* Extracts the value of a `key = value` line into out (same size as the
 * line): quotes resolved, trailing comment (" # ...") and blanks removed. */
static int config_value(const char *p, char *out, char *err, size_t errsz)
{
	p += strspn(p, " \t");
	if (*p == '"') {
		const char *end = config_unquote(p + 1, out);
		if (!end)
			return config_fail(err, errsz, "unterminated quote");
		end += strspn(end, " \t");
		if (*end && *end != '#')
			return config_fail(err, errsz, "text after the closing quote");
		return 0;
	}
	size_t n = strlen(p);
	for (size_t i = 1; i < n; i++)
		if (p[i] == '#' && (p[i - 1] == ' ' || p[i - 1] == '\t') &&
		    (p[i + 1] == '\0' || p[i + 1] == ' ' || p[i + 1] == '\t')) {
			n = i;
			break;
		}
	if (*p == '#')
		n = 0;
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* Applies one line (without its newline). */
static int config_line(config *c, const char *line, char *err, size_t errsz)
{
	const char *p = line + strspn(line, " \t");
	size_t wl = strcspn(p, " \t=");
	if ((wl == 4 && strncmp(p, "bind", 4) == 0) || (wl == 6 && strncmp(p, "unbind", 6) == 0))
		return keys_apply_line(c->keys, p, err, errsz);
	char key[48];
	if (wl == 0 || wl >= sizeof key)
		return config_fail(err, errsz, "expected 'key = value'");
	memcpy(key, p, wl);
	key[wl] = '\0';
	p += wl;
	p += strspn(p, " \t");
	if (*p != '=')
		return config_fail(err, errsz, "expected '=' after '%.40s'", key);
	char *value = malloc(strlen(p) + 1);
	if (!value)
		return config_fail(err, errsz, "out of memory");
	int rc = config_value(p + 1, value, err, errsz);
	if (rc == 0)
		rc = config_set(c, key, value, err, errsz);
	free(value);
	return rc;
}

/* Applies config text line by line, reporting and skipping bad lines. */
int config_parse(config *c, const char *text, const char *source, char **errors)
{
	int bad = 0, lineno = 0, overlap_line = 0;
	char err[256];
	if (errors)
		*errors = NULL;
	for (const char *p = text ? text : ""; *p;) {
		size_t n = strcspn(p, "\n");
		char *line = malloc(n + 1);
		if (!line)
			return bad + 1;
		memcpy(line, p, n);
		line[n] = '\0';
		lineno++;
		const char *q = line + strspn(line, " \t\r");
		if (*q && *q != '#') {
			if (config_line(c, line, err, sizeof err) != 0) {
				bad++;
				if (errors)
					text_diag_add(errors, source, lineno, err);
			} else if (strncmp(q, "chunk.", 6) == 0) {
				overlap_line = lineno;
			}
		}
		free(line);
		p += n;
		if (*p == '\n')
			p++;
	}
	if (c->chunk_overlap >= c->chunk_target) {
		bad++;
		snprintf(err, sizeof err,
		         "chunk.overlap (%d) must be smaller than chunk.target (%d); "
		         "using %d",
		         c->chunk_overlap, c->chunk_target, c->chunk_target / 6);
		if (errors)
			text_diag_add(errors, source, overlap_line, err);
		c->chunk_overlap = c->chunk_target / 6;
	}
	return bad;
}

/* ---- files and environment ------------------------------------------------------ */

char *config_default_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *path = NULL;
	size_t n;
	if (xdg && *xdg) {
		n = strlen(xdg) + sizeof "/rapport/config";
		if ((path = malloc(n)))
			snprintf(path, n, "%s/rapport/config", xdg);
	} else if (home && *home) {
		n = strlen(home) + sizeof "/.config/rapport/config";
		if ((path = malloc(n)))
			snprintf(path, n, "%s/.config/rapport/config", home);
	}
	return path;
}

/* Reads a whole text file (at most 1 MiB) into a malloc'd string. */
static char *config_read_file(const char *path, char *err, size_t errsz)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	if (!f) {
		config_fail(err, errsz, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 1u << 20, len;
	if (!(buf = malloc(cap + 1))) {
		config_fail(err, errsz, "out of memory");
	} else if ((len = fread(buf, 1, cap + 1, f)) > cap || ferror(f)) {
		config_fail(err, errsz, "%s: %s", path,
		            ferror(f) ? strerror(errno) : "larger than 1 MiB");
		free(buf);
		buf = NULL;
	} else {
		buf[len] = '\0';
	}
	fclose(f);
	return buf;
}

/* Reads and parses the config file (explicit path or default location). */
int config_load(config *c, const char *path, char **errors)
{
	char err[512];
	char *own = path ? NULL : config_default_path();
	const char *p = path ? path : own;
	int rc = 0;
	if (errors)
		*errors = NULL;
	if (!p)
		return 0;
	if (!path) {
		FILE *probe = fopen(p, "rb");
		if (!probe && errno == ENOENT)
			goto done;
		if (probe)
			fclose(probe);
	}
	char *text = config_read_file(p, err, sizeof err);
	if (!text) {
		if (errors)
			text_diag_add(errors, "rapport", 0, err);
		rc = -1;
		goto done;
	}
	rc = config_parse(c, text, p, errors);
	free(c->source);
	c->source = strdup(p);
	free(text);
done:
	free(own);
	return rc;
}

/* Lets command-line options override the file. */
void config_apply_globals(config *c, const rapport_globals *g)
{
	if (!g)
		return;
	if (g->theme && *g->theme)
		config_store_str(&c->theme, g->theme, NULL, 0);
	if (g->conn.read_only)
		c->read_only = true;
}

/* The editor command to run for external editing. */
const char *config_editor(const config *c)
{
	const char *e = c ? c->editor : NULL;
	if (!e || !*e)
		e = getenv("VISUAL");
	if (!e || !*e)
		e = getenv("EDITOR");
	return e && *e ? e : "vi";
}

/* Fills an embed_config from the embed.* settings. */
void config_embed(const config *c, embed_config *out)
{
	memset(out, 0, sizeof *out);
	out->provider = c->embed_provider;
	out->model = c->embed_model;
	out->base_url = c->embed_base_url;
	out->api_key_env = c->embed_api_key_env;
	out->command = c->embed_command;
	out->timeout_ms = c->embed_timeout_ms;
}

/* Fills chunk_opts from the chunk.* settings. */
void config_chunk(const config *c, chunk_opts *out)
{
	out->target_chars = (size_t)c->chunk_target;
	out->overlap_chars = (size_t)c->chunk_overlap;
}

/* ---- output ----------------------------------------------------------------------- */

/* Writes a string value, quoted when plain text would not read back the same. */
static void config_write_str(FILE *out, const char *v)
{
	bool quote = !*v || *v == '"' || *v == ' ' || v[strlen(v) - 1] == ' ' || strchr(v, '#');
	if (!quote) {
		fputs(v, out);
		return;
	}
	fputc('"', out);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', out);
		fputc(*v, out);
	}
	fputc('"', out);
}

/* Name of setting i in documentation order. */
const char *config_key_name(size_t i)
{
	return i < CONFIG_NKEYS ? config_keys[i].name : NULL;
}

/* Writes every setting and the changed bindings in file syntax. */
void config_write(const config *c, FILE *out)
{
	for (size_t i = 0; i < CONFIG_NKEYS; i++) {
		const struct config_key *k = &config_keys[i];
		const char *base = (const char *)c + k->off;
		if (k->type == CONFIG_INT) {
			fprintf(out, "%s = %d\n", k->name, *(const int *)base);
		} else if (k->type == CONFIG_BOOL) {
			fprintf(out, "%s = %s\n", k->name, *(const bool *)base ? "true" : "false");
		} else if (*(char *const *)base) {
			fprintf(out, "%s = ", k->name);
			config_write_str(out, *(char *const *)base);
			fputc('\n', out);
		} else {
			fprintf(out, "# %s = (not set)\n", k->name);
		}
	}
	keys_write_config(c->keys, out);
}

/* Warns on stderr when the configured theme cannot be loaded or has bad lines. */
static void config_check_theme(const config *c)
{
	char *errors = NULL;
	theme *t = theme_load(c->theme, &errors);
	if (errors)
		fputs(errors, stderr);
	if (!t)
		fputs("rapport: the browser would use the default theme\n", stderr);
	theme_free(t);
	free(errors);
}

/* rapport --print-config: load, merge the globals, print. */
int config_print_effective(const rapport_globals *g, FILE *out)
{
	config *c = config_new();
	char *errors = NULL;
	if (!c) {
		fputs("rapport: out of memory\n", stderr);
		return EXIT_FAIL;
	}
	int rc = config_load(c, g ? g->config_path : NULL, &errors);
	if (errors)
		fputs(errors, stderr);
	free(errors);
	if (rc < 0) {
		config_free(c);
		return EXIT_FAIL;
	}
	config_apply_globals(c, g);
	config_check_theme(c);
	char *src = text_sanitize(c->source ? c->source : "(defaults, no config file)", (size_t)-1);
	fprintf(out, "# rapport effective configuration; from: %s\n", src ? src : "?");
	free(src);
	config_write(c, out);
	config_free(c);
	return EXIT_OK;
}
