/* Drawing helpers shared by the panes: sanitized, width-correct text. */
#include "rapport/text.h"
#include "ui/ui_priv.h"

#include <stdlib.h>
#include <string.h>

/* Allocates or ends the program (terminal restored first). */
void *ui_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		app_fatal("out of memory");
	return p;
}

/* Zeroed allocation or the end of the program. */
void *ui_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		app_fatal("out of memory");
	return p;
}

/* strdup or the end of the program. */
char *ui_xstrdup(const char *s)
{
	size_t n = strlen(s ? s : "") + 1;
	char *p = ui_xmalloc(n);
	memcpy(p, s ? s : "", n);
	return p;
}

/* Draws already-safe text fitted to maxw columns. */
int ui_put_safe(WINDOW *w, int y, int x, int maxw, const char *s, attr_t attr)
{
	if (maxw <= 0 || !s)
		return 0;
	char buf[2048];
	int used = text_fit(s, maxw, buf, sizeof buf);
	wattrset(w, attr);
	mvwaddstr(w, y, x, buf);
	wattrset(w, A_NORMAL);
	return used;
}

/* Sanitizes then draws database text. */
int ui_put(WINDOW *w, int y, int x, int maxw, const char *raw, attr_t attr)
{
	if (maxw <= 0 || !raw)
		return 0;
	char *safe = text_sanitize(raw, (size_t)-1);
	if (!safe)
		app_fatal("out of memory");
	int used = ui_put_safe(w, y, x, maxw, safe, attr);
	free(safe);
	return used;
}

/* Paints n blank columns. */
void ui_fill(WINDOW *w, int y, int x, int n, attr_t attr)
{
	if (n <= 0)
		return;
	wattrset(w, attr);
	mvwhline(w, y, x, ' ', n);
	wattrset(w, A_NORMAL);
}

/* A frame around the whole window with a title on the top edge. */
void ui_frame(WINDOW *w, attr_t attr, const char *title)
{
	int h, wd;
	getmaxyx(w, h, wd);
	(void)h;
	wattrset(w, attr);
	/* wide-character borders: Unicode lines in UTF-8, no ACS switching */
	wborder_set(w, WACS_VLINE, WACS_VLINE, WACS_HLINE, WACS_HLINE, WACS_ULCORNER, WACS_URCORNER,
	            WACS_LLCORNER, WACS_LRCORNER);
	wattrset(w, A_NORMAL);
	if (title && wd > 6) {
		ui_put_safe(w, 0, 2, 1, " ", attr);
		int n = ui_put_safe(w, 0, 3, wd - 6, title, attr | A_BOLD);
		ui_put_safe(w, 0, 3 + n, 1, " ", attr);
	}
}
