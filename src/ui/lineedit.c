/* A one-line text editor for prompts, the filter and the command line. */
#include "rapport/text.h"
#include "ui/ui_priv.h"

#include <stdlib.h>
#include <string.h>

/* Replaces the text and puts the cursor at its end. */
void ui_line_set(ui_line *l, const char *s)
{
	size_t n = strlen(s ? s : "");
	if (n >= sizeof l->buf)
		n = sizeof l->buf - 1;
	memcpy(l->buf, s ? s : "", n);
	l->buf[n] = '\0';
	l->len = l->cur = n;
}

/* Start of the UTF-8 character before byte offset i. */
static size_t line_prev(const ui_line *l, size_t i)
{
	while (i > 0 && ((unsigned char)l->buf[--i] & 0xC0) == 0x80)
		;
	return i;
}

/* Start of the UTF-8 character after byte offset i. */
static size_t line_next(const ui_line *l, size_t i)
{
	if (i < l->len)
		i++;
	while (i < l->len && ((unsigned char)l->buf[i] & 0xC0) == 0x80)
		i++;
	return i;
}

/* Deletes bytes [from, to). */
static void line_cut(ui_line *l, size_t from, size_t to)
{
	memmove(l->buf + from, l->buf + to, l->len - to + 1);
	l->len -= to - from;
	l->cur = from;
}

/* Inserts one code point at the cursor. */
static int line_insert(ui_line *l, int cp)
{
	char enc[4];
	size_t n;
	if (cp < 0x80) {
		enc[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		enc[0] = (char)(0xC0 | (cp >> 6));
		enc[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		enc[0] = (char)(0xE0 | (cp >> 12));
		enc[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		enc[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		enc[0] = (char)(0xF0 | (cp >> 18));
		enc[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		enc[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		enc[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	if (l->len + n >= sizeof l->buf)
		return UI_LINE_IGNORED;
	memmove(l->buf + l->cur + n, l->buf + l->cur, l->len - l->cur + 1);
	memcpy(l->buf + l->cur, enc, n);
	l->len += n;
	l->cur += n;
	return UI_LINE_EDITED;
}

/* Applies one editing key (Emacs-style control keys included). */
int ui_line_key(ui_line *l, int key)
{
	switch (key) {
	case KEYS_ENTER: return UI_LINE_ENTER;
	case KEYS_ESC:
	case KEYS_CTRL('c'):
	case KEYS_CTRL('g'): return UI_LINE_CANCEL;
	case KEYS_BACKSPACE:
	case KEYS_CTRL('h'):
		if (l->cur == 0)
			return UI_LINE_IGNORED;
		line_cut(l, line_prev(l, l->cur), l->cur);
		return UI_LINE_EDITED;
	case KEYS_DELETE:
	case KEYS_CTRL('d'):
		if (l->cur >= l->len)
			return UI_LINE_IGNORED;
		line_cut(l, l->cur, line_next(l, l->cur));
		return UI_LINE_EDITED;
	case KEYS_LEFT:
	case KEYS_CTRL('b'): l->cur = line_prev(l, l->cur); return UI_LINE_MOVED;
	case KEYS_RIGHT:
	case KEYS_CTRL('f'): l->cur = line_next(l, l->cur); return UI_LINE_MOVED;
	case KEYS_HOME:
	case KEYS_CTRL('a'): l->cur = 0; return UI_LINE_MOVED;
	case KEYS_END:
	case KEYS_CTRL('e'): l->cur = l->len; return UI_LINE_MOVED;
	case KEYS_CTRL('u'): line_cut(l, 0, l->cur); return UI_LINE_EDITED;
	case KEYS_CTRL('k'):
		l->buf[l->cur] = '\0';
		l->len = l->cur;
		return UI_LINE_EDITED;
	case KEYS_CTRL('w'): {
		size_t i = l->cur;
		while (i > 0 && l->buf[i - 1] == ' ')
			i--;
		while (i > 0 && l->buf[i - 1] != ' ')
			i--;
		line_cut(l, i, l->cur);
		return UI_LINE_EDITED;
	}
	default: break;
	}
	if (key >= 0x20 && key < KEYS_SPECIAL && key != 0x7F)
		return line_insert(l, key);
	return UI_LINE_IGNORED;
}

/* Draws prompt and text, scrolled so the cursor shows. */
void ui_line_draw(ui_line *l, WINDOW *w, int y, int x, int cols, const char *prompt, attr_t attr)
{
	ui_fill(w, y, x, cols, attr);
	int pw = ui_put_safe(w, y, x, cols, prompt, attr);
	int room = cols - pw - 1;
	if (room <= 0)
		return;
	char *safe = text_sanitize(l->buf, l->cur);
	char *all = text_sanitize(l->buf, l->len);
	int before = safe ? text_width(safe) : 0;
	/* scroll so the cursor stays visible */
	const char *start = all ? all : "";
	while (before > room && *start) {
		int cw = 1;
		char one[8];
		size_t n = 1;
		while (start[n] && ((unsigned char)start[n] & 0xC0) == 0x80)
			n++;
		memcpy(one, start, n);
		one[n] = '\0';
		cw = text_width(one);
		start += n;
		before -= cw;
	}
	ui_put_safe(w, y, x + pw, room, start, attr);
	wmove(w, y, x + pw + before);
	free(safe);
	free(all);
}
