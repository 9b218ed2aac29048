#ifndef RAPPORT_TEXT_H
#define RAPPORT_TEXT_H
/* Terminal-safe text (src/core/text.c): the one sanitizer every string from
 * the database passes through before it reaches the terminal, and display
 * width computed per character. Pure code, no I/O. */
#include <stdbool.h>
#include <stddef.h>

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

#endif
