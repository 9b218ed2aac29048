#ifndef RAPPORT_TEXT_H
#define RAPPORT_TEXT_H
/* Terminal-safe text (src/core/text.c): the one sanitizer every string from
 * the database passes through before it reaches the terminal, and display
 * width computed per character. Pure code, no I/O. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Returns a malloc'd, NUL-terminated, valid UTF-8 copy of s (len bytes, or up
 * to the NUL when len == (size_t)-1) in which C0/C1 controls, ESC, DEL and
 * bidi overrides/isolates become visible escapes ("\x1b", "<U+202E>"), and
 * invalid UTF-8 bytes become "\xHH". With keep_newlines false (this
 * function) '\n' and '\t' are escaped too. NULL only on allocation failure. */
char *text_sanitize(const char *s, size_t len);
/* Same, but keeps '\n' and expands '\t' to spaces (for the pager). */
char *text_sanitize_multiline(const char *s, size_t len);

/* Display columns of a sanitized UTF-8 string (CJK/emoji 2, combining 0). */
int text_width(const char *s);
/* Copies the longest prefix of sanitized s that fits in `cols` columns into
 * buf (always NUL-terminated, never splitting a character, bufsz >= 1).
 * Returns the columns used. */
int text_fit(const char *s, int cols, char *buf, size_t bufsz);

/* ---- helpers (additions by H4) ------------------------------------------ */

/* Decodes one strict UTF-8 character (no overlongs, surrogates or code points
 * above U+10FFFF) from s (len bytes available) into *cp. Returns its length
 * 1-4, or 0 when the bytes at s are not a valid character (or len == 0). */
int text_utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Encodes cp (<= U+10FFFF, not a surrogate) into out; returns 1-4, 0 if invalid. */
int text_utf8_encode(uint32_t cp, char out[4]);
/* True when s (len bytes) is entirely valid UTF-8. */
bool text_utf8_valid(const char *s, size_t len);
/* Display columns of one code point, independent of the locale: 2 for East
 * Asian Wide/Fullwidth and emoji presentation, 0 for combining marks and
 * zero-width format characters, -1 for C0/C1 controls and DEL, else 1. */
int text_cp_width(uint32_t cp);
/* True when the sanitizer escapes cp (controls, DEL, bidi controls, line and
 * paragraph separators). */
bool text_cp_escaped(uint32_t cp);

/* Appends one diagnostic line "SOURCE:LINE: reason\n" (line <= 0: no line
 * number) to the malloc'd text *buf (NULL: starts one), sanitized so it is
 * safe for stderr and the status line. Returns 0, -1 on allocation failure
 * (then *buf is unchanged). Used by the config, theme and key parsers. */
int text_diag_add(char **buf, const char *source, int line, const char *reason);

#endif
