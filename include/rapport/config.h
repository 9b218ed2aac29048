#ifndef RAPPORT_CONFIG_H
#define RAPPORT_CONFIG_H
/* The user's configuration (src/core/config.c). File:
 * --config FILE, else $XDG_CONFIG_HOME/rapport/config, else
 * ~/.config/rapport/config (a missing default file is not an error).
 * Syntax, one setting per line (docs/config.md lists every key):
 *     # comment: a line starting with '#', or " # ..." after a value
 *     theme = solarized
 *     page_size = 200
 *     read_only = true          # booleans: true/false, yes/no, on/off, 1/0
 *     editor = vim -c 'set ft=json'
 *     embed.provider = openai
 *     bind C-n down             # key bindings: see rapport/keys.h
 *     unbind d
 * Values may be quoted with "..." (then \" and \\ are escapes; a quoted value
 * keeps blanks and " # "). Values must be valid UTF-8 without control
 * characters. An unknown key or bad value is reported ("FILE:LINE: reason")
 * and the line skipped; the rest applies. Parsing text is pure; only config_load() reads a file. */
#include "rapport/chunk.h"
#include "rapport/cli.h"
#include "rapport/embed.h"
#include "rapport/keys.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct config {
	char *theme;             /* "dark" */
	int page_size;           /* rows fetched per list page: 100 (10..10000) */
	int scroll_jump;         /* rows a list scrolls when the cursor leaves it:
	                            0 = half the visible rows (default), 1 = one row */
	int detail_delay_ms;     /* detail.delay_ms: the detail pane follows the
	                            cursor once it rests this long: 100 (0..2000; 0 = at once) */
	bool read_only;          /* start read-only (as --read-only): false */
	char *editor;            /* NULL: $VISUAL, then $EDITOR, then "vi" */
	bool mouse;              /* mouse support: false */
	bool pager_wrap;         /* pager.wrap: wrap long lines: true */
	char *search_mode;       /* search.mode: "hybrid" | "semantic" | "text" */
	int search_limit;        /* search.limit: results per search: 50 (1..1000) */
	char *embed_provider;    /* embed.provider: "hash" | "openai" | "command" */
	char *embed_model;       /* embed.model: NULL */
	char *embed_base_url;    /* embed.base_url: NULL */
	char *embed_api_key_env; /* embed.api_key_env: "OPENAI_API_KEY" */
	char *embed_command;     /* embed.command: NULL */
	int embed_timeout_ms;    /* embed.timeout_ms: 30000 (100..600000) */
	int chunk_target;        /* chunk.target: 1200 chars (100..100000) */
	int chunk_overlap;       /* chunk.overlap: 200 chars (< chunk.target) */
	keys_table *keys;        /* defaults plus the file's bind/unbind lines */
	char *source;            /* file the values came from, NULL: defaults only */
} config;

/* A config holding the defaults (caller frees with config_free()). NULL only
 * on allocation failure. */
config *config_new(void);
void config_free(config *c);

/* Applies the lines of text (pure). source names the text in messages.
 * Returns the number of bad lines; if errors is non-NULL, *errors is set to
 * a malloc'd text of '\n'-terminated "SOURCE:LINE: reason" lines (caller
 * frees) or NULL when there were none. */
int config_parse(config *c, const char *text, const char *source, char **errors);
/* Sets one key to a value as a file line would ("page_size", "200").
 * Returns 0, or -1 with a reason in err. */
int config_set(config *c, const char *key, const char *value, char *err, size_t errsz);

/* Malloc'd default config path, NULL when neither XDG_CONFIG_HOME nor HOME
 * is set. */
char *config_default_path(void);
/* Reads and parses path (NULL: the default path, where a missing file is
 * fine). Returns the number of bad lines (messages in *errors as with
 * config_parse), or -1 when an explicit path cannot be read (one line in
 * *errors). */
int config_load(config *c, const char *path, char **errors);
/* Command-line globals override the file: --theme, --read-only. */
void config_apply_globals(config *c, const rapport_globals *g);

/* The editor command: c->editor, else $VISUAL, else $EDITOR, else "vi".
 * Static or owned by c. */
const char *config_editor(const config *c);
/* Fills an embed_config / chunk_opts from c (strings stay owned by c). */
void config_embed(const config *c, embed_config *out);
void config_chunk(const config *c, chunk_opts *out);

/* The name of setting i ("theme", "pager.wrap", ...) in documentation
 * order, or NULL when i is past the last one (static). */
const char *config_key_name(size_t i);

/* Writes every setting of c in file syntax (keys in documentation order,
 * then the bind/unbind lines that differ from the defaults). Parsing the
 * output gives the same config back. */
void config_write(const config *c, FILE *out);
/* rapport --print-config: loads the config (g->config_path or the default),
 * applies the globals and prints it to out. Bad lines are reported on stderr
 * and skipped (returns 0); an unreadable --config file prints one line on
 * stderr and returns 1. */
int config_print_effective(const rapport_globals *g, FILE *out);

#endif
