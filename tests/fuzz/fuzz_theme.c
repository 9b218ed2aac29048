/* libFuzzer target for theme files (src/core/theme.c): any text parses
 * without crashing, every reported error line is sanitized, the number of
 * messages matches the count, and every role resolves within the colour
 * range at 256/16/8 colours and without colour. abort() on violation. */
#include "rapport/text.h"
#include "rapport/theme.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Aborts unless every resolved style is within the terminal's colours. */
static void fuzz_theme_check(const theme *t, int colors, bool no_color)
{
	theme_style all[THEME_ROLE_COUNT];
	theme_resolve_all(t, colors, no_color, all);
	for (int r = 0; r < THEME_ROLE_COUNT; r++) {
		if (all[r].fg < -1 || all[r].fg >= colors || all[r].bg < -1 || all[r].bg >= colors)
			abort();
		if (no_color && (all[r].fg != -1 || all[r].bg != -1))
			abort();
		if (all[r].fg >= 0 && all[r].fg == all[r].bg)
			abort();
	}
	if (all[THEME_SELECTION].fg == all[THEME_NORMAL].fg &&
	    all[THEME_SELECTION].bg == all[THEME_NORMAL].bg &&
	    all[THEME_SELECTION].attrs == all[THEME_NORMAL].attrs)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	int nerr = 0;
	char *errors = NULL;
	theme *t = theme_parse("fuzz", text, &nerr, &errors);
	if (!t)
		abort();
	int lines = 0;
	for (const char *p = errors; p && *p; p++)
		lines += *p == '\n';
	if (lines != nerr)
		abort();
	if (errors) {
		for (const char *p = errors; *p; p++)
			if ((unsigned char)*p < 0x20 && *p != '\n')
				abort();
		if (!text_utf8_valid(errors, strlen(errors)))
			abort();
	}
	fuzz_theme_check(t, 256, false);
	fuzz_theme_check(t, 16, false);
	fuzz_theme_check(t, 8, false);
	fuzz_theme_check(t, 256, true);
	free(errors);
	theme_free(t);
	free(text);
	return 0;
}
