/* Screen-test harness: the real binary in a pty, its output fed to libvterm. */
#include "common/vt.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vterm.h>

#define VT_RAW_MAX (4u << 20)

struct vt {
	VTerm *term;
	VTermScreen *screen;
	int fd;
	pid_t pid;
	bool closed;
	bool reaped;
	int status;
	int rows, cols;
	char title[512];
	bool altscreen;
	bool cursor_visible;
	int bells;
	size_t total;
	char *raw;
	size_t rawlen;
	/* input being assembled, so one key or mouse report is one write (a
	 * report split across reads can stall curses' decoder) */
	char in[4096];
	size_t inlen;
	bool collecting;
};

/* Milliseconds on the monotonic clock. */
static long long vt_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Aborts the test program with a message (harness misuse or system failure). */
static void vt_die(const char *what)
{
	fprintf(stderr, "vt: %s: %s\n", what, strerror(errno));
	abort();
}

/* Writes text to a new temporary file; its path goes to path. */
void vt_temp_file(char *path, size_t pathsz, const char *text)
{
	if (snprintf(path, pathsz, "/tmp/rapport-vt-XXXXXX") >= (int)pathsz)
		vt_die("temp file path buffer too small");
	int fd = mkstemp(path);
	if (fd < 0)
		vt_die("mkstemp");
	size_t n = strlen(text);
	if (write(fd, text, n) != (ssize_t)n || close(fd) != 0)
		vt_die("writing a temp file");
}

/* Writes all of buf to fd, retrying on EINTR/EAGAIN. */
static void vt_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd p = {.fd = fd, .events = POLLOUT};
				poll(&p, 1, 100);
				continue;
			}
			return; /* child gone */
		}
		buf += n;
		len -= (size_t)n;
	}
}

/* libvterm's replies (device attributes, key encodings) go to the child. */
static void vt_output_cb(const char *s, size_t len, void *user)
{
	vt *t = user;
	if (t->closed)
		return;
	if (t->collecting && t->inlen + len <= sizeof t->in) {
		memcpy(t->in + t->inlen, s, len);
		t->inlen += len;
		return;
	}
	vt_write_all(t->fd, s, len);
}

/* Starts assembling input. */
static void vt_collect(vt *t)
{
	t->collecting = true;
	t->inlen = 0;
}

/* Writes the assembled input in one write. */
static void vt_flush_input(vt *t)
{
	t->collecting = false;
	if (t->inlen && !t->closed)
		vt_write_all(t->fd, t->in, t->inlen);
	t->inlen = 0;
}

/* Records title, alternate-screen and cursor-visibility changes. */
static int vt_settermprop(VTermProp prop, VTermValue *val, void *user)
{
	vt *t = user;
	if (prop == VTERM_PROP_TITLE && val->string)
		snprintf(t->title, sizeof t->title, "%s", val->string);
	else if (prop == VTERM_PROP_ALTSCREEN)
		t->altscreen = val->boolean != 0;
	else if (prop == VTERM_PROP_CURSORVISIBLE)
		t->cursor_visible = val->boolean != 0;
	return 1;
}

/* Counts bells. */
static int vt_bell(void *user)
{
	vt *t = user;
	t->bells++;
	return 1;
}

static const VTermScreenCallbacks vt_screen_cbs = {
    .settermprop = vt_settermprop,
    .bell = vt_bell,
};

/* The rapport binary the tests run. */
const char *vt_binary(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("RAPPORT_BIN");
	if (env && *env)
		return env;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return "./rapport";
	exe[n] = '\0';
	/* build/<variant>/tests/<area>/test_x -> build/<variant>/rapport */
	char *p = strstr(exe, "/tests/");
	if (!p)
		return "./rapport";
	*p = '\0';
	size_t len = strlen(exe);
	if (len + sizeof "/rapport" > sizeof path)
		return "./rapport";
	memcpy(path, exe, len);
	memcpy(path + len, "/rapport", sizeof "/rapport");
	return path;
}

/* In the child: environment, stdin, exec. Never returns. */
static void vt_child(const vt_opts *o)
{
	setenv("TERM", "xterm-256color", 1);
	unsetenv("LINES");
	unsetenv("COLUMNS");
	unsetenv("NO_COLOR");
	unsetenv("TMUX");
	for (const char *const *e = o->env; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq) {
			unsetenv(*e);
			continue;
		}
		char name[256];
		snprintf(name, sizeof name, "%.*s", (int)(eq - *e), *e);
		setenv(name, eq + 1, 1);
	}
	if (o->stdin_mode == VT_STDIN_CLOSED)
		close(0);
	else if (o->stdin_mode == VT_STDIN_DEVNULL) {
		int fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, 0);
			close(fd);
		}
	}
	const char *bin = o->binary ? o->binary : vt_binary();
	const char *argv[64];
	size_t n = 0;
	argv[n++] = bin;
	for (const char *const *a = o->args; a && *a && n < 63; a++)
		argv[n++] = *a;
	argv[n] = NULL;
	execv(bin, (char *const *)argv);
	fprintf(stderr, "vt: cannot exec %s: %s\n", bin, strerror(errno));
	_exit(127);
}

/* Forks the program in a new pty and attaches libvterm to it. */
vt *vt_start_opts(const vt_opts *o)
{
	vt *t = calloc(1, sizeof *t);
	if (!t)
		vt_die("calloc");
	t->rows = o->rows;
	t->cols = o->cols;
	struct winsize ws = {.ws_row = (unsigned short)o->rows, .ws_col = (unsigned short)o->cols};
	fflush(NULL);
	t->pid = forkpty(&t->fd, NULL, NULL, &ws);
	if (t->pid < 0)
		vt_die("forkpty");
	if (t->pid == 0)
		vt_child(o);
	fcntl(t->fd, F_SETFL, fcntl(t->fd, F_GETFL) | O_NONBLOCK);
	fcntl(t->fd, F_SETFD, FD_CLOEXEC);
	t->term = vterm_new(o->rows, o->cols);
	vterm_set_utf8(t->term, 1);
	vterm_output_set_callback(t->term, vt_output_cb, t);
	t->screen = vterm_obtain_screen(t->term);
	t->cursor_visible = true; /* a terminal's power-on state */
	vterm_screen_set_callbacks(t->screen, &vt_screen_cbs, t);
	vterm_screen_enable_altscreen(t->screen, 1);
	vterm_screen_reset(t->screen, 1);
	t->raw = malloc(VT_RAW_MAX + 1);
	if (!t->raw)
		vt_die("malloc");
	t->raw[0] = '\0';
	return t;
}

/* vt_start_opts with the common options. */
vt *vt_start(int rows, int cols, const char *const *args, const char *const *env)
{
	vt_opts o = {.rows = rows, .cols = cols, .args = args, .env = env};
	return vt_start_opts(&o);
}

/* The child's pid. */
pid_t vt_pid(const vt *t)
{
	return t->pid;
}

/* Reaps the child if it has exited. */
static void vt_reap(vt *t, int flags)
{
	if (t->reaped)
		return;
	int st;
	pid_t r = waitpid(t->pid, &st, flags);
	if (r == t->pid) {
		t->reaped = true;
		t->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
}

/* Kills (if needed) and reaps the child; frees everything. */
void vt_free(vt *t)
{
	if (!t)
		return;
	if (!t->reaped) {
		kill(t->pid, SIGKILL);
		vt_reap(t, 0);
	}
	close(t->fd);
	vterm_free(t->term);
	free(t->raw);
	free(t);
}

/* Keeps a copy of the raw output, dropping the oldest half when full. */
static void vt_raw_append(vt *t, const char *buf, size_t n)
{
	if (n > VT_RAW_MAX)
		return;
	if (t->rawlen + n > VT_RAW_MAX) {
		size_t keep = VT_RAW_MAX / 2;
		if (keep > t->rawlen)
			keep = t->rawlen;
		memmove(t->raw, t->raw + t->rawlen - keep, keep);
		t->rawlen = keep;
	}
	memcpy(t->raw + t->rawlen, buf, n);
	t->rawlen += n;
	t->raw[t->rawlen] = '\0';
}

/* Reads everything available now; false when the pty closed. */
static bool vt_drain(vt *t)
{
	char buf[65536];
	for (;;) {
		ssize_t n = read(t->fd, buf, sizeof buf);
		if (n > 0) {
			t->total += (size_t)n;
			vt_raw_append(t, buf, (size_t)n);
			vterm_input_write(t->term, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return true;
		t->closed = true; /* EOF or EIO: every slave fd is closed */
		return false;
	}
}

/* Reads what the child wrote, waiting up to timeout_ms. */
bool vt_pump(vt *t, int timeout_ms)
{
	if (t->closed)
		return false;
	struct pollfd p = {.fd = t->fd, .events = POLLIN};
	int r = poll(&p, 1, timeout_ms);
	if (r > 0)
		return vt_drain(t);
	return true;
}

/* Writes raw bytes to the child's terminal. */
void vt_send(vt *t, const char *bytes, size_t len)
{
	if (!t->closed)
		vt_write_all(t->fd, bytes, len);
}

static const struct {
	const char *name;
	VTermKey key;
} vt_keynames[] = {
    {"Up", VTERM_KEY_UP},         {"Down", VTERM_KEY_DOWN},    {"Left", VTERM_KEY_LEFT},
    {"Right", VTERM_KEY_RIGHT},   {"Enter", VTERM_KEY_ENTER},  {"Esc", VTERM_KEY_ESCAPE},
    {"Tab", VTERM_KEY_TAB},       {"BS", VTERM_KEY_BACKSPACE}, {"Del", VTERM_KEY_DEL},
    {"Home", VTERM_KEY_HOME},     {"End", VTERM_KEY_END},      {"PgUp", VTERM_KEY_PAGEUP},
    {"PgDn", VTERM_KEY_PAGEDOWN}, {"Ins", VTERM_KEY_INS},
};

/* Sends one <name> key; false when the name is unknown. */
static bool vt_named_key(vt *t, const char *name, size_t len)
{
	char n[32];
	if (len >= sizeof n)
		return false;
	memcpy(n, name, len);
	n[len] = '\0';
	if (strcmp(n, "lt") == 0) {
		vt_send(t, "<", 1);
		return true;
	}
	if (strcmp(n, "S-Tab") == 0) {
		vterm_keyboard_key(t->term, VTERM_KEY_TAB, VTERM_MOD_SHIFT);
		return true;
	}
	if ((n[0] == 'C' || n[0] == 'M') && n[1] == '-' && n[2] && !n[3]) {
		if (n[0] == 'C')
			vterm_keyboard_unichar(t->term, (uint32_t)n[2], VTERM_MOD_CTRL);
		else
			vterm_keyboard_unichar(t->term, (uint32_t)n[2], VTERM_MOD_ALT);
		return true;
	}
	if (n[0] == 'F' && n[1] >= '1' && n[1] <= '9') {
		vterm_keyboard_key(t->term, VTERM_KEY_FUNCTION(atoi(n + 1)), VTERM_MOD_NONE);
		return true;
	}
	for (size_t i = 0; i < sizeof vt_keynames / sizeof vt_keynames[0]; i++)
		if (strcmp(n, vt_keynames[i].name) == 0) {
			vterm_keyboard_key(t->term, vt_keynames[i].key, VTERM_MOD_NONE);
			return true;
		}
	return false;
}

/* Types a key string (plain characters and <Name> keys). */
void vt_keys(vt *t, const char *keys)
{
	const char *p = keys;
	while (*p) {
		if (*p == '<') {
			const char *end = strchr(p, '>');
			vt_collect(t);
			bool named = end && end > p + 1 && vt_named_key(t, p + 1, (size_t)(end - p - 1));
			vt_flush_input(t);
			if (named) {
				p = end + 1;
				continue;
			}
		}
		/* one UTF-8 character as typed */
		size_t n = 1;
		while (p[n] && ((unsigned char)p[n] & 0xC0) == 0x80)
			n++;
		vt_send(t, p, n);
		p += n;
	}
}

/* Button 1 pressed and released at (row, col). */
void vt_click(vt *t, int row, int col)
{
	vt_collect(t);
	vterm_mouse_move(t->term, row, col, VTERM_MOD_NONE);
	vterm_mouse_button(t->term, 1, true, VTERM_MOD_NONE);
	vterm_mouse_button(t->term, 1, false, VTERM_MOD_NONE);
	vt_flush_input(t);
}

/* One wheel step at (row, col): buttons 4 (up) and 5 (down). */
void vt_wheel(vt *t, int row, int col, bool up)
{
	vt_collect(t);
	vterm_mouse_move(t->term, row, col, VTERM_MOD_NONE);
	vterm_mouse_button(t->term, up ? 4 : 5, true, VTERM_MOD_NONE);
	vt_flush_input(t);
}

/* Waits for pred; dumps the screen on timeout when loud. */
static bool vt_wait_impl(vt *t, vt_pred pred, void *ctx, int timeout_ms, bool loud)
{
	long long deadline = vt_now_ms() + timeout_ms;
	for (;;) {
		if (pred(t, ctx))
			return true;
		long long left = deadline - vt_now_ms();
		if (left <= 0)
			break;
		if (!vt_pump(t, (int)(left < 100 ? left : 100)) && !pred(t, ctx))
			break;
	}
	if (pred(t, ctx))
		return true;
	if (loud) {
		fprintf(stderr, "vt: timed out after %d ms%s; screen:\n", timeout_ms,
		        t->closed ? " (child exited)" : "");
		vt_dump(t, stderr);
	}
	return false;
}

/* Waits for a predicate, dumping the screen on timeout. */
bool vt_wait(vt *t, vt_pred pred, void *ctx, int timeout_ms)
{
	return vt_wait_impl(t, pred, ctx, timeout_ms, true);
}

/* Waits for a predicate, silently. */
bool vt_wait_quiet(vt *t, vt_pred pred, void *ctx, int timeout_ms)
{
	return vt_wait_impl(t, pred, ctx, timeout_ms, false);
}

/* Predicate: text on screen. */
static bool vt_pred_text(vt *t, void *ctx)
{
	return vt_has_text(t, ctx);
}

/* Predicate: text not on screen. */
static bool vt_pred_gone(vt *t, void *ctx)
{
	return !vt_has_text(t, ctx);
}

/* Waits for text anywhere on screen. */
bool vt_wait_text(vt *t, const char *text, int timeout_ms)
{
	if (!vt_wait(t, vt_pred_text, (void *)text, timeout_ms)) {
		fprintf(stderr, "vt: (waited for \"%s\")\n", text);
		return false;
	}
	return true;
}

/* Waits for text to leave the screen. */
bool vt_wait_gone(vt *t, const char *text, int timeout_ms)
{
	if (!vt_wait(t, vt_pred_gone, (void *)text, timeout_ms)) {
		fprintf(stderr, "vt: (waited for \"%s\" to go)\n", text);
		return false;
	}
	return true;
}

struct vt_rowtext {
	int row;
	const char *text;
};

/* Predicate: text in a given row. */
static bool vt_pred_row(vt *t, void *ctx)
{
	struct vt_rowtext *rt = ctx;
	return vt_row_find(t, rt->row, rt->text) >= 0;
}

/* Waits for text in one row. */
bool vt_wait_row(vt *t, int row, const char *text, int timeout_ms)
{
	struct vt_rowtext rt = {row, text};
	if (!vt_wait(t, vt_pred_row, &rt, timeout_ms)) {
		fprintf(stderr, "vt: (waited for \"%s\" in row %d)\n", text, row);
		return false;
	}
	return true;
}

struct vt_rowspan {
	int top, bottom;
	const char *text;
};

/* Predicate: text absent from a span of rows. */
static bool vt_pred_gone_rows(vt *t, void *ctx)
{
	struct vt_rowspan *rs = ctx;
	return !vt_rows_have(t, rs->top, rs->bottom, rs->text);
}

/* Waits for text to leave rows top..bottom. */
bool vt_wait_gone_rows(vt *t, const char *text, int top, int bottom, int timeout_ms)
{
	struct vt_rowspan rs = {top, bottom, text};
	if (!vt_wait(t, vt_pred_gone_rows, &rs, timeout_ms)) {
		fprintf(stderr, "vt: (waited for \"%s\" to go from rows %d..%d)\n", text, top,
		        bottom);
		return false;
	}
	return true;
}

#define VT_ALL_MAX 16

struct vt_texts {
	const char *text[VT_ALL_MAX];
	int n;
};

/* Predicate: every text of the list on screen. */
static bool vt_pred_all(vt *t, void *ctx)
{
	struct vt_texts *ts = ctx;
	for (int i = 0; i < ts->n; i++)
		if (!vt_has_text(t, ts->text[i]))
			return false;
	return true;
}

/* Waits for all the texts at once. */
bool vt_wait_all(vt *t, int timeout_ms, ...)
{
	struct vt_texts ts = {.n = 0};
	va_list ap;
	va_start(ap, timeout_ms);
	for (const char *s; (s = va_arg(ap, const char *));) {
		if (ts.n == VT_ALL_MAX)
			vt_die("vt_wait_all: too many texts");
		ts.text[ts.n++] = s;
	}
	va_end(ap);
	if (vt_wait(t, vt_pred_all, &ts, timeout_ms))
		return true;
	for (int i = 0; i < ts.n; i++)
		if (!vt_has_text(t, ts.text[i]))
			fprintf(stderr, "vt: (waited for \"%s\" with the others; it is missing)\n",
			        ts.text[i]);
	return false;
}

/* Reads until the output has been quiet for quiet_ms. */
void vt_settle(vt *t, int quiet_ms, int timeout_ms)
{
	long long deadline = vt_now_ms() + timeout_ms;
	while (!t->closed && vt_now_ms() < deadline) {
		struct pollfd p = {.fd = t->fd, .events = POLLIN};
		if (poll(&p, 1, quiet_ms) <= 0)
			return;
		vt_drain(t);
	}
}

/* True once the child has exited. */
bool vt_exited(vt *t)
{
	vt_reap(t, WNOHANG);
	return t->reaped;
}

/* Waits for the child to exit; its status, or -1. */
int vt_wait_exit(vt *t, int timeout_ms)
{
	long long deadline = vt_now_ms() + timeout_ms;
	for (;;) {
		vt_reap(t, WNOHANG);
		if (t->reaped) {
			vt_pump(t, 0);
			return t->status;
		}
		long long left = deadline - vt_now_ms();
		if (left <= 0)
			break;
		if (t->closed) {
			/* pty closed but the child not yet reaped: wait on the pid */
			struct pollfd p = {.fd = -1};
			poll(&p, 0, 10);
		} else {
			vt_pump(t, (int)(left < 50 ? left : 50));
		}
	}
	fprintf(stderr, "vt: child did not exit within %d ms; screen:\n", timeout_ms);
	vt_dump(t, stderr);
	return -1;
}

/* The terminal size. */
void vt_size(const vt *t, int *rows, int *cols)
{
	*rows = t->rows;
	*cols = t->cols;
}

/* Appends code point c as UTF-8 to s (room for 4 bytes + NUL assumed). */
static size_t vt_utf8(uint32_t c, char *s)
{
	if (c < 0x80) {
		s[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		s[0] = (char)(0xC0 | (c >> 6));
		s[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		s[0] = (char)(0xE0 | (c >> 12));
		s[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		s[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	s[0] = (char)(0xF0 | (c >> 18));
	s[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	s[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	s[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* Converts a libvterm colour. */
static vt_color vt_color_of(vt *t, VTermColor c, bool fg)
{
	vt_color out = {0};
	out.is_default = fg ? VTERM_COLOR_IS_DEFAULT_FG(&c) : VTERM_COLOR_IS_DEFAULT_BG(&c);
	out.is_indexed = VTERM_COLOR_IS_INDEXED(&c);
	if (out.is_indexed)
		out.index = c.indexed.idx;
	vterm_screen_convert_color_to_rgb(t->screen, &c);
	out.r = c.rgb.red;
	out.g = c.rgb.green;
	out.b = c.rgb.blue;
	return out;
}

/* One cell: text, width, attributes, colours. */
vt_cell vt_cell_at(vt *t, int row, int col)
{
	vt_cell out = {.width = 1};
	VTermScreenCell c;
	VTermPos pos = {.row = row, .col = col};
	if (row < 0 || col < 0 || row >= t->rows || col >= t->cols ||
	    !vterm_screen_get_cell(t->screen, pos, &c)) {
		strcpy(out.text, " ");
		return out;
	}
	if (c.chars[0] == (uint32_t)-1) {
		out.width = 0; /* right half of a wide character */
	} else if (c.chars[0] == 0) {
		strcpy(out.text, " ");
	} else {
		size_t n = 0;
		for (int i = 0;
		     i < VTERM_MAX_CHARS_PER_CELL && c.chars[i] && n + 5 < sizeof out.text; i++)
			n += vt_utf8(c.chars[i], out.text + n);
		out.text[n] = '\0';
		out.width = c.width;
	}
	out.bold = c.attrs.bold;
	out.underline = c.attrs.underline != 0;
	out.italic = c.attrs.italic;
	out.reverse = c.attrs.reverse;
	out.blink = c.attrs.blink;
	out.fg = vt_color_of(t, c.fg, true);
	out.bg = vt_color_of(t, c.bg, false);
	return out;
}

/* Row text plus, for each byte, the display column it starts at. */
static size_t vt_row_build(vt *t, int row, char *buf, size_t bufsz, int *colmap)
{
	size_t n = 0;
	for (int col = 0; col < t->cols; col++) {
		vt_cell c = vt_cell_at(t, row, col);
		if (c.width == 0)
			continue;
		size_t l = strlen(c.text);
		if (n + l + 1 > bufsz)
			break;
		for (size_t i = 0; i < l; i++)
			if (colmap)
				colmap[n + i] = col;
		memcpy(buf + n, c.text, l);
		n += l;
	}
	buf[n] = '\0';
	return n;
}

/* A row as UTF-8, trailing blanks trimmed. */
char *vt_row_text(vt *t, int row, char *buf, size_t bufsz)
{
	size_t n = vt_row_build(t, row, buf, bufsz, NULL);
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
	return buf;
}

/* Display column of text in a row, or -1. */
int vt_row_find(vt *t, int row, const char *text)
{
	char buf[4096];
	int colmap[4096];
	vt_row_build(t, row, buf, sizeof buf, colmap);
	const char *p = strstr(buf, text);
	return p ? colmap[p - buf] : -1;
}

/* Where text first appears on screen. */
bool vt_find(vt *t, const char *text, int *row, int *col)
{
	for (int r = 0; r < t->rows; r++) {
		int c = vt_row_find(t, r, text);
		if (c >= 0) {
			if (row)
				*row = r;
			if (col)
				*col = c;
			return true;
		}
	}
	return false;
}

/* True when text is on screen. */
bool vt_has_text(vt *t, const char *text)
{
	return vt_find(t, text, NULL, NULL);
}

/* True when text is on one of rows top..bottom (negative: from the end). */
bool vt_rows_have(vt *t, int top, int bottom, const char *text)
{
	if (top < 0)
		top += t->rows;
	if (bottom < 0)
		bottom += t->rows;
	if (top < 0)
		top = 0;
	if (bottom >= t->rows)
		bottom = t->rows - 1;
	for (int r = top; r <= bottom; r++)
		if (vt_row_find(t, r, text) >= 0)
			return true;
	return false;
}

/* The cursor position. */
void vt_cursor(const vt *t, int *row, int *col)
{
	VTermPos pos;
	vterm_state_get_cursorpos(vterm_obtain_state(t->term), &pos);
	*row = pos.row;
	*col = pos.col;
}

/* True while the cursor is shown (DECTCEM, civis/cnorm). */
bool vt_cursor_visible(const vt *t)
{
	return t->cursor_visible;
}

/* True when any cell has a non-default colour. */
bool vt_any_color(vt *t)
{
	for (int r = 0; r < t->rows; r++)
		for (int c = 0; c < t->cols; c++) {
			vt_cell cell = vt_cell_at(t, r, c);
			if (!cell.fg.is_default || !cell.bg.is_default)
				return true;
		}
	return false;
}

/* Prints the screen with row numbers. */
void vt_dump(vt *t, FILE *f)
{
	char buf[4096];
	int cr, cc;
	vt_cursor(t, &cr, &cc);
	fprintf(f, "+---- %dx%d title=\"%s\" altscreen=%d cursor=%d,%d%s ----\n", t->rows, t->cols,
	        t->title, t->altscreen, cr, cc, t->cursor_visible ? "" : " (hidden)");
	for (int r = 0; r < t->rows; r++)
		fprintf(f, "%3d|%s\n", r, vt_row_text(t, r, buf, sizeof buf));
	fprintf(f, "+----\n");
}

/* The last window title set. */
const char *vt_title(const vt *t)
{
	return t->title;
}

/* True while the alternate screen is on. */
bool vt_altscreen(const vt *t)
{
	return t->altscreen;
}

/* Bells rung so far. */
int vt_bells(const vt *t)
{
	return t->bells;
}

/* Bytes read from the child so far. */
size_t vt_bytes(const vt *t)
{
	return t->total;
}

/* The raw output kept so far. */
const char *vt_raw(const vt *t, size_t *len)
{
	if (len)
		*len = t->rawlen;
	return t->raw;
}

/* Forgets the raw output kept so far. */
void vt_raw_clear(vt *t)
{
	t->rawlen = 0;
	t->raw[0] = '\0';
}

/* Resizes the pty and the emulator (the child gets SIGWINCH). */
void vt_resize(vt *t, int rows, int cols)
{
	struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
	t->rows = rows;
	t->cols = cols;
	vterm_set_size(t->term, rows, cols);
	ioctl(t->fd, TIOCSWINSZ, &ws);
}

/* Sends the child a signal. */
void vt_kill(vt *t, int sig)
{
	if (!t->reaped)
		kill(t->pid, sig);
}
