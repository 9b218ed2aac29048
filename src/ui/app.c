/* The browser's main loop: one poll() over the tty, the libpq socket and a
 * signal self-pipe; panes return flags, the loop draws once per turn. */
#include "rapport/app.h"

#include "rapport/config.h"
#include "rapport/text.h"
#include "ui/ui_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define APP_MIN_ROWS    10
#define APP_MIN_COLS    40
#define APP_STACK_MAX   16
#define APP_PENDING_MAX 32
#define APP_SLOW_MS     200 /* a request running longer shows "loading…" */

typedef struct app_req {
	pane *p;
	int tag;
	long long due; /* not sent before this app_now_ms() (app_request_after) */
} app_req;

/* A background job (app_job_start): its thread runs ops->run(arg); the loop
 * reaps it once `finished` is set. */
typedef struct app_job {
	struct app_job *next;
	pane *p; /* NULL once cancelled: the result is dropped */
	const app_job_ops *ops;
	void *arg;
	pthread_t thread;
	atomic_bool finished;
} app_job;

struct app {
	const rapport_globals *g;
	db *d;
	config *cfg;
	theme *th;
	attr_t attrs[THEME_ROLE_COUNT];
	bool no_color;
	int colors;
	/* terminal */
	SCREEN *scr;
	FILE *tty_in, *tty_out;
	int tty_fd;
	int rows, cols;
	bool too_small;
	WINDOW *status_win;
	pane *caret; /* the pane that placed the text cursor this paint (app_caret) */
	int caret_y, caret_x;
	/* panes: [0] hierarchy, [1] detail, then overlays */
	pane *hier, *detail;
	int focus; /* 0 hierarchy, 1 detail */
	bool detail_visible;
	pane *stack[APP_STACK_MAX];
	int nstack;
	/* status line */
	char msg[512];
	ui_msg msg_level;
	bool msg_sticky;
	/* requests: one in flight, the rest pending (deduplicated) */
	app_req pending[APP_PENDING_MAX];
	int npending;
	app_req inflight;
	bool busy, stale, user_cancel;
	long long inflight_start;
	long long last_cancel; /* when db_cancel() was last used (ms) */
	bool slow_warned;      /* the status line says the server is not answering */
	/* a cancel or reconnect runs in a worker thread (both wait for the
	 * server, which may not answer); meanwhile the loop leaves d alone */
	int work;
	pthread_t worker;
	db_status work_result;
	pane *work_pane;
	int work_tag;
	char desc[320]; /* db_describe(), copied while d is ours */
	bool in_sync;          /* inside app_db_sync(), called from a handler */
	long n_sent, n_stale, n_canceled; /* RAPPORT_STATS=1 prints them at exit */
	long n_held;           /* finished inside app_db_sync(): asked again */
	pane *deferred_close;  /* app_close_later() */
	keys_cmd named_cmd; /* app_run_command_later(); what UI_KEY_NAMED_COMMAND means */
	bool named_pending;
	app_job *jobs;         /* background jobs, running or finished */
	/* connection */
	bool conn_lost;
	bool idle_watch; /* watch the idle socket: the server closing it shows at once */
	long long reconnect_at;
	int backoff_ms;
	/* loop state */
	bool dirty, relayout, full_redraw, quit;
	bool pop_all; /* close every overlay once the current handler returns */
	bool painted_ready;
	int exit_code;
	const char *copy_pending;
};

static void app_apply_pop_all(app *a);
static app *g_app; /* for signal-time restore and app_fatal */
static int g_sigpipe[2] = {-1, -1};
enum { APP_WORK_NONE, APP_WORK_CANCEL, APP_WORK_RECONNECT };
#define APP_WORK_DONE 0xFE /* byte on the self-pipe: the worker finished */
#define APP_JOB_DONE  0xFD /* byte on the self-pipe: a background job finished */
#define APP_JOB_EXIT_MS 1500 /* at exit, running jobs get this long to stop */
static struct termios g_saved_tios;
static bool g_tios_saved;
static int g_tty_out_fd = -1;

/* Monotonic milliseconds. */
long long app_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- terminal restore (also from signal handlers) ---------------------------- */

/* Puts the terminal back with async-signal-safe calls only. */
static void app_restore_raw(void)
{
	static const char seq[] = "\033[0m\033[?25h\033[?1049l\033[?1l\033>";
	if (g_tty_out_fd >= 0) {
		ssize_t r = write(g_tty_out_fd, seq, sizeof seq - 1);
		(void)r;
		if (g_tios_saved)
			tcsetattr(g_tty_out_fd, TCSAFLUSH, &g_saved_tios);
	}
}

/* SIGSEGV/SIGABRT/SIGBUS/SIGFPE: restore the terminal, then die as intended. */
static void app_crash_handler(int sig)
{
	app_restore_raw();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Everything else goes through the self-pipe. */
static void app_sig_handler(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;
	if (g_sigpipe[1] >= 0) {
		ssize_t r = write(g_sigpipe[1], &c, 1);
		(void)r;
	}
	errno = saved;
}

/* Installs the handlers; SA_RESTART off so poll() wakes up. */
static void app_signals_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = app_sig_handler;
	int sigs[] = {SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT, SIGQUIT};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	sa.sa_handler = app_crash_handler;
	sa.sa_flags = SA_RESETHAND;
	int crash[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};
	for (size_t i = 0; i < sizeof crash / sizeof crash[0]; i++)
		sigaction(crash[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Restores the terminal, says why on stderr, exits 1. */
_Noreturn void app_fatal(const char *msg)
{
	if (g_app && g_app->scr)
		endwin();
	app_restore_raw();
	fprintf(stderr, "rapport: %s\n", msg);
	exit(EXIT_FAIL);
}

/* ---- theme ---------------------------------------------------------------------- */

/* Turns a resolved style into curses attributes, allocating pair i+1. */
static attr_t app_style_attr(app *a, int i, theme_style s)
{
	attr_t at = A_NORMAL;
	if (s.attrs & THEME_BOLD)
		at |= A_BOLD;
	if (s.attrs & THEME_UNDERLINE)
		at |= A_UNDERLINE;
	if (s.attrs & THEME_REVERSE)
		at |= A_REVERSE;
	if (s.attrs & THEME_DIM)
		at |= A_DIM;
	if (s.attrs & THEME_ITALIC)
		at |= A_ITALIC;
	if (!a->no_color && a->colors >= 8 && i + 1 < COLOR_PAIRS &&
	    (s.fg != THEME_COLOR_DEFAULT || s.bg != THEME_COLOR_DEFAULT)) {
		init_pair((short)(i + 1), s.fg, s.bg);
		at |= COLOR_PAIR(i + 1);
	}
	return at;
}

/* Resolves every role of the current theme for this terminal. */
static void app_theme_apply(app *a)
{
	theme_style st[THEME_ROLE_COUNT];
	theme_resolve_all(a->th, a->colors, a->no_color, st);
	for (int i = 0; i < THEME_ROLE_COUNT; i++)
		a->attrs[i] = app_style_attr(a, i, st[i]);
	if (a->status_win)
		wbkgdset(a->status_win, ' ' | a->attrs[THEME_STATUS]);
}

/* Attributes of a role in the current theme. */
attr_t app_attr(app *a, theme_role role)
{
	if ((int)role < 0 || role >= THEME_ROLE_COUNT)
		return A_NORMAL;
	return a->attrs[role];
}

/* :theme NAME: loads and applies a theme, or says why not. */
bool app_set_theme(app *a, const char *name)
{
	char *errors = NULL;
	theme *t = theme_load(name, &errors);
	if (!t) {
		app_status(a, UI_ERROR, "%s", errors ? strtok(errors, "\n") : "no such theme");
		free(errors);
		return false;
	}
	theme_free(a->th);
	a->th = t;
	app_theme_apply(a);
	if (errors)
		app_status(a, UI_ERROR, "%s", strtok(errors, "\n"));
	else
		app_status(a, UI_INFO, "theme %s", name);
	free(errors);
	a->full_redraw = true;
	return true;
}

struct config *app_config(app *a)
{
	return a->cfg;
}

/* The command a key means in the pane's context (user bindings). */
keys_cmd app_command(app *a, const pane *p, int key)
{
	if (key == UI_KEY_NAMED_COMMAND)
		return a->named_cmd;
	keys_ctx ctx = p && p->ops ? p->ops->keys_ctx : KEYS_GLOBAL;
	return keys_lookup(a->cfg->keys, ctx, key);
}

/* ---- status line ------------------------------------------------------------------ */

/* Sets the status-line message (sanitized). */
void app_status(app *a, ui_msg level, const char *fmt, ...)
{
	char raw[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	char *safe = text_sanitize(raw, (size_t)-1);
	snprintf(a->msg, sizeof a->msg, "%s", safe ? safe : "");
	free(safe);
	a->msg_level = level;
	a->dirty = true;
}

static pane *app_focused(app *a);

/* Draws the bottom line: message or hints on the left, connection on the right. */
static void app_draw_status(app *a)
{
	WINDOW *w = a->status_win;
	attr_t base = a->attrs[THEME_STATUS];
	werase(w);
	ui_fill(w, 0, 0, a->cols, base);
	const char *hint = a->cols >= 100 ? "?:help  q:quit  /:filter  s:search  e:edit  ::command"
	                                  : "?:help  q:quit  /:filter  ::command";
	keys_ctx ctx = app_focused(a)->ops->keys_ctx;
	if (ctx == KEYS_PAGER)
		hint = "/:find  n/N:next/previous match  q:close";
	else if (ctx != KEYS_LIST)
		hint = "?:help  Esc:back";
	const char *left = a->msg[0] ? a->msg : hint;
	attr_t la = a->msg[0] && a->msg_level == UI_ERROR ? a->attrs[THEME_STATUS_ERROR] : base;
	/* right: state flags always, then as much of the connection as fits
	 * beside the hint, or beside the whole of a message (a message is
	 * news; the connection is on the line the rest of the time) */
	char flags[64];
	snprintf(flags, sizeof flags, "%s%s%s", app_slow(a) ? "loading… " : "",
	         a->conn_lost ? "DISCONNECTED " : "",
	         a->d && db_read_only(a->d) ? "[read-only] " : "");
	int fw = text_width(flags);
	int lw = text_width(left);
	int room = a->cols - 2 - fw - (a->msg[0] || lw + 3 < a->cols / 2 ? lw + 3 : a->cols / 2);
	char desc[256] = "";
	if (room > 12) {
		char *sdesc = text_sanitize(a->desc, (size_t)-1);
		text_fit(sdesc ? sdesc : "", room - 1, desc, sizeof desc);
		free(sdesc);
	}
	int dw = text_width(desc);
	int rw = fw + dw + (dw ? 1 : 0);
	ui_put_safe(w, 0, 1, a->cols - rw - 2, left, la);
	int x = a->cols - rw;
	x += ui_put_safe(w, 0, x, fw, flags, a->conn_lost ? a->attrs[THEME_STATUS_ERROR] : base);
	if (dw)
		ui_put_safe(w, 0, x, dw, desc, a->attrs[THEME_STATUS]);
	wnoutrefresh(w);
}

/* ---- pane stack and layout ---------------------------------------------------------- */

/* Allocates a pane around its vtable and state. */
pane *pane_new(app *a, const pane_ops *ops, void *priv)
{
	pane *p = ui_xcalloc(1, sizeof *p);
	p->ops = ops;
	p->app = a;
	p->priv = priv;
	p->place = UI_FULL;
	return p;
}

/* Frees a pane and forgets its requests. */
static void app_pane_free(app *a, pane *p)
{
	app_request_drop(a, p);
	app_jobs_cancel(a, p);
	if (p->ops->free)
		p->ops->free(p);
	if (p->win)
		delwin(p->win);
	free(p);
}

/* Gives pane p the rectangle (y, x, h, w), creating its window. */
static void app_place(pane *p, int y, int x, int h, int w)
{
	if (p->win)
		delwin(p->win);
	p->win = NULL;
	if (h < 1 || w < 1)
		return;
	p->win = newwin(h, w, y, x);
	if (!p->win)
		return;
	keypad(p->win, TRUE);
	if (p->ops->resize)
		p->ops->resize(p, h, w);
}

/* Places an overlay according to its placement. */
static void app_place_overlay(app *a, pane *p)
{
	int H = a->rows - 1, W = a->cols;
	int h = H, w = W, y = 0, x = 0;
	if (p->place == UI_CENTER) {
		h = p->want_h > 0 && p->want_h < H ? p->want_h : H;
		w = p->want_w > 0 && p->want_w < W ? p->want_w : W;
		y = (H - h) / 2;
		x = (W - w) / 2;
	} else if (p->place == UI_BOTTOM) {
		h = p->want_h > 0 && p->want_h < H ? p->want_h : 1;
		y = H - h;
	}
	app_place(p, y, x, h, w);
}

/* Computes every window from the current terminal size. */
static void app_layout(app *a)
{
	getmaxyx(stdscr, a->rows, a->cols);
	a->too_small = a->rows < APP_MIN_ROWS || a->cols < APP_MIN_COLS;
	if (a->status_win)
		delwin(a->status_win);
	a->status_win = NULL;
	if (a->too_small)
		return;
	a->status_win = newwin(1, a->cols, a->rows - 1, 0);
	wbkgdset(a->status_win, ' ' | a->attrs[THEME_STATUS]);
	int H = a->rows - 1;
	a->detail_visible = a->cols >= 70;
	if (a->detail_visible) {
		/* two lists of ~22 columns at least (the hierarchy shows the
		 * focused list and its parent when three do not fit) */
		int hw = a->cols * 11 / 20;
		int two = a->cols - 30 < 45 ? a->cols - 30 : 45;
		if (hw < two)
			hw = two;
		app_place(a->hier, 0, 0, H, hw);
		app_place(a->detail, 0, hw, H, a->cols - hw);
	} else {
		app_place(a->hier, 0, 0, H, a->cols);
		app_place(a->detail, 0, 0, H, a->cols);
	}
	for (int i = 0; i < a->nstack; i++)
		app_place_overlay(a, a->stack[i]);
	a->full_redraw = true;
}

/* Pushes an overlay pane and gives it a window. */
void app_push(app *a, pane *p)
{
	if (!p)
		return;
	if (a->nstack >= APP_STACK_MAX) {
		app_status(a, UI_ERROR, "too many windows open");
		app_pane_free(a, p);
		return;
	}
	p->app = a;
	a->stack[a->nstack++] = p;
	if (!a->too_small)
		app_place_overlay(a, p);
	a->dirty = true;
}

/* Removes pane p from the stack and frees it. */
static void app_close(app *a, pane *p)
{
	for (int i = 0; i < a->nstack; i++)
		if (a->stack[i] == p) {
			memmove(a->stack + i, a->stack + i + 1,
			        (size_t)(a->nstack - i - 1) * sizeof *a->stack);
			a->nstack--;
			app_pane_free(a, p);
			a->dirty = true;
			return;
		}
}

/* Pops and frees the top overlay. */
void app_pop(app *a)
{
	if (a->nstack > 0)
		app_close(a, a->stack[a->nstack - 1]);
}

/* The pane that gets keys. */
static pane *app_focused(app *a)
{
	if (a->nstack)
		return a->stack[a->nstack - 1];
	return a->focus == 1 ? a->detail : a->hier;
}

/* Rows and columns above the status line. */
void app_screen_size(app *a, int *h, int *w)
{
	*h = a->rows - 1;
	*w = a->cols;
}

/* Marks the whole screen for a full repaint. */
void app_redraw_all(app *a)
{
	a->full_redraw = true;
}

/* Asks the loop to end after this turn. */
void app_quit(app *a)
{
	a->quit = true;
}

/* ---- requests ------------------------------------------------------------------------- */

/* Wants request (p, tag) sent once it is due; a running one for the same
 * pair becomes stale. */
static void app_request_due(app *a, pane *p, int tag, long long due)
{
	if (a->busy && a->inflight.p == p && a->inflight.tag == tag)
		a->stale = true;
	for (int i = 0; i < a->npending; i++)
		if (a->pending[i].p == p && a->pending[i].tag == tag) {
			/* already wanted: it will be built from the newest state */
			a->pending[i].due = due;
			return;
		}
	if (a->npending >= APP_PENDING_MAX)
		app_fatal("request queue overflow");
	a->pending[a->npending++] = (app_req){p, tag, due};
	a->dirty = true;
}

/* Wants request (p, tag) now. */
void app_request(app *a, pane *p, int tag)
{
	app_request_due(a, p, tag, 0);
}

/* Wants request (p, tag) once delay_ms have passed without another call. */
void app_request_after(app *a, pane *p, int tag, int delay_ms)
{
	app_request_due(a, p, tag, delay_ms > 0 ? app_now_ms() + delay_ms : 0);
}

/* Index of the first pending request that is due, or -1. */
static int app_pending_due(const app *a)
{
	long long now = -1;
	for (int i = 0; i < a->npending; i++) {
		if (!a->pending[i].due)
			return i;
		if (now < 0)
			now = app_now_ms();
		if (a->pending[i].due <= now)
			return i;
	}
	return -1;
}

/* Milliseconds until the earliest delayed request is due; -1: none. */
static int app_pending_wait(const app *a)
{
	long long first = -1;
	for (int i = 0; i < a->npending; i++)
		if (first < 0 || a->pending[i].due < first)
			first = a->pending[i].due;
	if (first < 0)
		return -1;
	long long left = first - app_now_ms();
	return left < 0 ? 0 : (int)left;
}

/* Wants (p, tag) before everything else pending (a request that was
 * answered while a handler ran: app_deliver). */
static void app_request_first(app *a, pane *p, int tag)
{
	for (int i = 0; i < a->npending; i++)
		if (a->pending[i].p == p && a->pending[i].tag == tag)
			return;
	if (a->npending >= APP_PENDING_MAX)
		app_fatal("request queue overflow");
	memmove(a->pending + 1, a->pending, (size_t)a->npending * sizeof *a->pending);
	a->pending[0] = (app_req){p, tag, 0};
	a->npending++;
	a->dirty = true;
}

/* Forgets every request of p (pending and running). */
void app_request_drop(app *a, pane *p)
{
	if (a->work_pane == p)
		a->work_pane = NULL;
	int j = 0;
	for (int i = 0; i < a->npending; i++)
		if (a->pending[i].p != p)
			a->pending[j++] = a->pending[i];
	a->npending = j;
	if (a->busy && a->inflight.p == p) {
		a->stale = true;
		a->inflight.p = NULL;
	}
}

/* Forgets request (p, tag): pending, it is not sent; running, its result is
 * dropped (latest wins: nothing newer replaces it). */
void app_request_forget(app *a, pane *p, int tag)
{
	int j = 0;
	for (int i = 0; i < a->npending; i++)
		if (a->pending[i].p != p || a->pending[i].tag != tag)
			a->pending[j++] = a->pending[i];
	a->npending = j;
	if (a->busy && a->inflight.p == p && a->inflight.tag == tag)
		a->stale = true;
}

/* True while p has a request pending or running. */
bool app_loading(const app *a, const pane *p, int tag)
{
	if (a->busy && a->inflight.p == p && (tag < 0 || a->inflight.tag == tag))
		return true;
	for (int i = 0; i < a->npending; i++)
		if (a->pending[i].p == p && (tag < 0 || a->pending[i].tag == tag))
			return true;
	return false;
}

/* True when the running request has taken over APP_SLOW_MS so far. */
bool app_slow(const app *a)
{
	return a->busy && app_now_ms() - a->inflight_start > APP_SLOW_MS;
}

/* The connection, for inspection only. */
db *app_db(app *a)
{
	return a->d;
}

/* ---- background jobs --------------------------------------------------------------- */

/* A job's thread: runs the work, marks it finished, wakes the loop. */
static void *app_job_thread(void *arg)
{
	app_job *j = arg;
	j->ops->run(j->arg);
	atomic_store(&j->finished, true);
	unsigned char c = APP_JOB_DONE;
	ssize_t r = write(g_sigpipe[1], &c, 1);
	(void)r;
	return NULL;
}

/* Starts ops->run(arg) in a thread for pane p; the signals the loop handles
 * stay with the loop's thread. False (arg still the caller's) without one. */
bool app_job_start(app *a, pane *p, const app_job_ops *ops, void *arg)
{
	static const int sigs[] = {SIGWINCH, SIGINT, SIGTERM, SIGHUP,
	                           SIGTSTP,  SIGCONT, SIGQUIT, SIGPIPE};
	app_job *j = ui_xcalloc(1, sizeof *j);
	j->p = p;
	j->ops = ops;
	j->arg = arg;
	atomic_init(&j->finished, false);
	sigset_t block, old;
	sigemptyset(&block);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaddset(&block, sigs[i]);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	int rc = pthread_create(&j->thread, NULL, app_job_thread, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		free(j);
		return false;
	}
	j->next = a->jobs;
	a->jobs = j;
	return true;
}

/* Drops p's running jobs: their results are never delivered, and each is
 * asked to stop (it is freed once its thread has returned). */
void app_jobs_cancel(app *a, pane *p)
{
	for (app_job *j = a->jobs; j; j = j->next)
		if (j->p == p) {
			j->p = NULL;
			if (j->ops->interrupt)
				j->ops->interrupt(j->arg);
		}
}

/* Unlinks and joins one finished job; NULL when none has finished. */
static app_job *app_job_take_finished(app *a)
{
	for (app_job **pp = &a->jobs; *pp; pp = &(*pp)->next)
		if (atomic_load(&(*pp)->finished)) {
			app_job *j = *pp;
			*pp = j->next;
			pthread_join(j->thread, NULL);
			return j;
		}
	return NULL;
}

static void app_flags(app *a, pane *p, int fl);

/* Hands finished jobs to their panes: from the loop, never inside a handler. */
static void app_jobs_reap(app *a)
{
	app_job *j;
	while ((j = app_job_take_finished(a)) != NULL) {
		pane *p = j->p;
		int fl = p && j->ops->done ? j->ops->done(p, j->arg) : 0;
		j->ops->free_arg(j->arg);
		free(j);
		if (p)
			app_flags(a, p, fl);
	}
}

/* At exit: stops every job and waits for them at most APP_JOB_EXIT_MS; one
 * still running then is detached and ends with the process. */
static void app_jobs_finish(app *a)
{
	for (app_job *j = a->jobs; j; j = j->next) {
		j->p = NULL;
		if (j->ops->interrupt)
			j->ops->interrupt(j->arg);
	}
	long long end = app_now_ms() + APP_JOB_EXIT_MS;
	for (;;) {
		for (app_job *j; (j = app_job_take_finished(a)) != NULL; free(j))
			j->ops->free_arg(j->arg);
		long long left = end - app_now_ms();
		if (!a->jobs || left <= 0)
			break;
		struct pollfd pf = {.fd = g_sigpipe[0], .events = POLLIN};
		unsigned char buf[64];
		if (poll(&pf, 1, (int)left) > 0 && read(g_sigpipe[0], buf, sizeof buf) < 0 &&
		    errno != EAGAIN && errno != EINTR)
			break;
	}
	for (app_job *j = a->jobs; j; j = j->next)
		pthread_detach(j->thread); /* a->jobs keeps its memory reachable */
}

/* Marks the connection lost and schedules a reconnect with backoff. */
static void app_conn_lost(app *a)
{
	if (!a->conn_lost) {
		a->conn_lost = true;
		a->backoff_ms = 250;
	} else if (a->backoff_ms < 8000) {
		a->backoff_ms *= 2;
	}
	a->reconnect_at = app_now_ms() + a->backoff_ms;
	app_status(a, UI_ERROR, "connection lost: %s (reconnecting)", db_errmsg(a->d));
}

/* The worker: one blocking cancel or reconnect, then a byte on the pipe. */
static void *app_worker(void *arg)
{
	app *a = arg;
	if (a->work == APP_WORK_CANCEL) {
		db_cancel(a->d);
		a->work_result = db_is_connected(a->d) ? DB_CANCELED : DB_CONNLOST;
	} else {
		a->work_result = db_reconnect(a->d);
	}
	unsigned char c = APP_WORK_DONE;
	ssize_t r = write(g_sigpipe[1], &c, 1);
	(void)r;
	return NULL;
}

/* Starts op in the worker; false when one already runs or no thread. */
static bool app_work_start(app *a, int op)
{
	if (a->work)
		return false;
	a->work = op;
	if (pthread_create(&a->worker, NULL, app_worker, a) != 0) {
		a->work = APP_WORK_NONE;
		return false;
	}
	return true;
}

static void app_conn_lost(app *a);

/* The worker finished: hand the outcome to the loop and the panes. */
static void app_work_done(app *a)
{
	pthread_join(a->worker, NULL);
	int op = a->work;
	db_status st = a->work_result;
	a->work = APP_WORK_NONE;
	snprintf(a->desc, sizeof a->desc, "%s", db_describe(a->d));
	if (op == APP_WORK_CANCEL) {
		pane *p = a->work_pane;
		a->work_pane = NULL;
		a->busy = false;
		a->stale = false;
		a->slow_warned = false;
		a->last_cancel = app_now_ms();
		if (st == DB_CONNLOST) {
			app_conn_lost(a);
		} else if (p) {
			app_status(a, UI_INFO, "canceled");
			int fl = p->ops->on_result ? p->ops->on_result(p, a->d, a->work_tag, DB_CANCELED) : 0;
			if (fl & UI_QUIT)
				a->quit = true;
		}
		a->dirty = true;
		return;
	}
	if (st != DB_OK) {
		app_conn_lost(a);
		return;
	}
	a->conn_lost = false;
	a->slow_warned = false;
	app_status(a, UI_INFO, "reconnected");
	pane *all[APP_STACK_MAX + 2] = {a->hier, a->detail};
	int n = 2;
	for (int i = 0; i < a->nstack; i++)
		all[n++] = a->stack[i];
	for (int i = 0; i < n; i++)
		if (all[i]->ops->reload)
			all[i]->ops->reload(all[i]);
}

/* Closes p once the running handler has returned. */
void app_close_later(app *a, pane *p)
{
	a->deferred_close = p;
}


/* Hands a finished request to its pane (or drops a stale one). */
static void app_deliver(app *a, db_status st)
{
	app_req r = a->inflight;
	bool stale = a->stale;
	a->busy = false;
	a->stale = false;
	if (a->slow_warned) {
		a->slow_warned = false;
		app_status(a, UI_INFO, "the server answers again");
	}
	if (st == DB_CONNLOST) {
		if (r.p && !stale)
			app_request(a, r.p, r.tag); /* re-sent after reconnecting */
		app_conn_lost(a);
		return;
	}
	if (!r.p || (stale && !a->user_cancel)) {
		a->n_stale++;
		return; /* the next *_send() discards the untaken result */
	}
	if (a->in_sync) {
		/* a key handler is running (it called app_db_sync): no pane is
		 * handed anything under it, so no handler sees its state change
		 * mid-call. The result is discarded by the handler's own query and
		 * the request asked again, answered from the loop (latest wins:
		 * it is built from the pane's state then). */
		a->n_held++;
		app_request_first(a, r.p, r.tag);
		return;
	}
	if ((st == DB_TIMEOUT || st == DB_CANCELED) && app_now_ms() - a->last_cancel < 2000) {
		/* a cancel meant for an earlier query can arrive after it ended and
		 * stop this one: ask again rather than report a timeout */
		a->last_cancel = 0;
		app_request(a, r.p, r.tag);
		return;
	}
	if (st == DB_CANCELED && !a->user_cancel)
		return;
	a->user_cancel = false;
	if (st != DB_CONNLOST)
		a->idle_watch = true;
	int fl = r.p->ops->on_result ? r.p->ops->on_result(r.p, a->d, r.tag, st) : UI_REDRAW;
	app_flags(a, r.p, fl);
}

/* The idle connection became readable: a notice, or the server hung up.
 * Reloading the detail finds out (a dead socket fails the send, and the
 * reconnect path takes over); the socket is not watched again until a
 * request has completed, so unread input cannot spin the loop. */
static void app_idle_readable(app *a)
{
	a->idle_watch = false;
	pane *p = a->detail;
	ui_sel s = app_selection(a);
	if (s.kind == DB_NONE)
		p = a->hier;
	if (p->ops->reload)
		p->ops->reload(p);
}

/* Sends the oldest pending request if the connection is free. */
static void app_dispatch(app *a)
{
	int i;
	while (!a->busy && !a->conn_lost && !a->work && (i = app_pending_due(a)) >= 0) {
		app_req r = a->pending[i];
		memmove(a->pending + i, a->pending + i + 1,
		        (size_t)(a->npending - i - 1) * sizeof *a->pending);
		a->npending--;
		if (!r.p->ops->send)
			continue;
		db_status st = r.p->ops->send(r.p, a->d, r.tag);
		a->n_sent++;
		a->inflight = r;
		a->stale = false;
		a->inflight_start = app_now_ms();
		if (st == DB_OK || st == DB_PENDING) {
			a->busy = true;
		} else {
			a->busy = true; /* deliver the failure through the normal path */
			app_deliver(a, st);
		}
	}
}

/* Reads what the server sent for the in-flight request. */
static void app_db_readable(app *a)
{
	if (!a->busy)
		return;
	db_status st = db_poll(a->d);
	if (st == DB_PENDING)
		return;
	app_deliver(a, st);
}

/* A request its pane gave up (app_request_drop, e.g. Esc in the search)
 * that is still running after 150 ms is cancelled on the server; one merely
 * superseded by newer navigation is left to finish (its result dropped). */
static void app_cancel_dropped(app *a)
{
	if (!a->work && a->busy && !a->inflight.p && app_now_ms() - a->inflight_start > 150) {
		a->n_canceled++;
		a->work_pane = NULL;
		app_work_start(a, APP_WORK_CANCEL);
	}
}

/* A request running for 5 s without an answer: say so (the server may be
 * stopped or the network silent; nothing is cancelled behind the user's
 * back, because a cancel needs the server too and would block). */
static void app_watch_slow(app *a)
{
	if (!a->busy || a->slow_warned || app_now_ms() - a->inflight_start < 5000)
		return;
	a->slow_warned = true;
	app_status(a, UI_ERROR, "the server is not answering (5 s so far); C-c cancels, q quits");
}

/* Esc / Ctrl-C while something runs: cancel it on the server. */
static bool app_user_cancel(app *a)
{
	if (a->work == APP_WORK_CANCEL)
		return true; /* already on its way */
	if (!a->busy || a->work)
		return false;
	a->work_pane = a->inflight.p;
	a->work_tag = a->inflight.tag;
	a->n_canceled++;
	if (!app_work_start(a, APP_WORK_CANCEL))
		return false;
	app_status(a, UI_INFO, "canceling…");
	return true;
}

/* The connection made idle for a blocking call (the running request is re-queued). */
db *app_db_sync(app *a)
{
	if (a->conn_lost)
		return NULL;
	if (a->work) {
		app_status(a, UI_ERROR, "waiting for the server (a cancel is on its way); try again");
		return NULL;
	}
	/* Let a short request finish (and deliver it) rather than cancel it: a
	 * cancel that reaches the server after the query ended would stop the
	 * caller's next statement instead. Only a long one is cancelled. */
	long long deadline = app_now_ms() + 1000;
	a->in_sync = true;
	while (a->busy && app_now_ms() < deadline) {
		struct pollfd pf = {.fd = db_socket(a->d), .events = POLLIN};
		if (pf.fd < 0 || poll(&pf, 1, 50) < 0)
			break;
		app_db_readable(a);
	}
	a->in_sync = false;
	if (a->busy) {
		/* not cancelled: a cancel needs the server, which may be the
		 * very thing that is not answering */
		app_status(a, UI_ERROR, "the server is still busy with a query; try again (C-c cancels it)");
		return NULL;
	}
	return a->conn_lost ? NULL : a->d;
}

/* Tries to reconnect when the backoff has passed; re-issues what was lost. */
static void app_try_reconnect(app *a)
{
	if (!a->conn_lost || a->work || app_now_ms() < a->reconnect_at)
		return;
	if (!app_work_start(a, APP_WORK_RECONNECT))
		app_conn_lost(a); /* no thread: try again after the backoff */
}

/* ---- selection -------------------------------------------------------------------------- */

/* The hierarchy's current selection. */
ui_sel app_selection(app *a)
{
	return pane_hierarchy_selection(a->hier);
}

/* The breadcrumb of the selection. */
size_t app_selection_path(app *a, ui_sel *out, size_t max)
{
	return pane_hierarchy_path(a->hier, out, max);
}

/* The hierarchy moved: the detail pane follows. */
void app_selection_changed(app *a)
{
	ui_sel s = pane_hierarchy_selection(a->hier);
	pane_detail_show(a->detail, &s);
	a->dirty = true;
}

/* Shows record (kind, id) in the hierarchy, closing overlays. */
bool app_goto(app *a, db_kind kind, const char *id)
{
	a->pop_all = true;
	a->focus = 0;
	return pane_hierarchy_goto(a->hier, kind, id);
}

/* :view NAME: switches the hierarchy's roots. */
bool app_goto_view(app *a, const char *view)
{
	if (!pane_hierarchy_set_view(a->hier, view))
		return false;
	a->pop_all = true;
	a->focus = 0;
	return true;
}

/* :w: sends the save key to the form under the command line. */
void app_save_below(app *a)
{
	pane *p = a->nstack >= 2 ? a->stack[a->nstack - 2] : NULL;
	int key = 0;
	if (!p || p->ops->keys_ctx != KEYS_FORM ||
	    keys_for_command(a->cfg->keys, KEYS_FORM, KEYS_CMD_SAVE, &key, 1) == 0) {
		app_status(a, UI_INFO, "nothing to save here");
		return;
	}
	int fl = p->ops->key ? p->ops->key(p, key) : 0;
	if (fl & UI_CLOSE)
		app_close(a, p);
	if (fl & UI_QUIT)
		a->quit = true;
}

/* Applies a deferred "close every overlay". */
static void app_apply_pop_all(app *a)
{
	if (!a->pop_all)
		return;
	a->pop_all = false;
	while (a->nstack)
		app_pop(a);
}

/* A record changed elsewhere: the browser reloads. */
void app_changed(app *a, db_kind kind, const char *id)
{
	(void)kind;
	(void)id;
	if (a->hier->ops->reload)
		a->hier->ops->reload(a->hier);
	if (a->detail->ops->reload)
		a->detail->ops->reload(a->detail);
	a->dirty = true;
}

/* ---- dialogs and pager (implemented by their panes) ---------------------------------------- */

/* Opens a one-line prompt overlay. */
void app_prompt(app *a, pane *owner, const char *question, const char *initial, ui_prompt_done done,
                void *ctx)
{
	app_push(a, dialog_prompt_open(a, owner, question, initial, done, ctx));
}

/* Opens a yes/no overlay. */
void app_confirm(app *a, pane *owner, const char *question, ui_choice_done done, void *ctx)
{
	static const char *const yn[] = {"no", "yes"};
	app_push(a, dialog_choose_open(a, owner, question, yn, 2, done, ctx));
}

/* Opens a pick-one overlay. */
void app_choose(app *a, pane *owner, const char *title, const char *const *choices, size_t n,
                ui_choice_done done, void *ctx)
{
	app_push(a, dialog_choose_open(a, owner, title, choices, n, done, ctx));
}

/* Opens the pager on a copy of text. */
void app_pager(app *a, const char *title, const char *text, size_t len, const ui_pager_opts *o)
{
	app_push(a, pane_pager_open(a, title, text, len, o));
}

/* ---- clipboard -------------------------------------------------------------------------- */

/* Base64 of n bytes into a malloc'd string. */
static char *app_base64(const char *s, size_t n)
{
	static const char b64tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = ui_xmalloc((n + 2) / 3 * 4 + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		out[o++] = b64tab[(v >> 18) & 63];
		out[o++] = b64tab[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64tab[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64tab[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

/* Sends value to the terminal's clipboard with OSC 52 (and through tmux). */
static void app_copy(app *a, const char *value)
{
	size_t n = strlen(value);
	if (n > 74000)
		n = 74000; /* terminals cap OSC 52 around 100 kB of base64 */
	char *b64 = app_base64(value, n);
	fprintf(a->tty_out, "\033]52;c;%s\a", b64);
	if (getenv("TMUX"))
		fprintf(a->tty_out, "\033Ptmux;\033\033]52;c;%s\a\033\\", b64);
	fflush(a->tty_out);
	free(b64);
	char *safe = text_sanitize(value, n);
	char shown[64];
	text_fit(safe ? safe : "", 40, shown, sizeof shown);
	app_status(a, UI_INFO, "copied %s", shown);
	free(safe);
}

/* ---- keys ---------------------------------------------------------------------------------- */

/* Curses function key → rapport key code (KEYS_NONE: ignore). */
static int app_map_fkey(int k)
{
	switch (k) {
	case KEY_UP: return KEYS_UP;
	case KEY_DOWN: return KEYS_DOWN;
	case KEY_LEFT: return KEYS_LEFT;
	case KEY_RIGHT: return KEYS_RIGHT;
	case KEY_HOME: return KEYS_HOME;
	case KEY_END: return KEYS_END;
	case KEY_PPAGE: return KEYS_PGUP;
	case KEY_NPAGE: return KEYS_PGDN;
	case KEY_IC: return KEYS_INSERT;
	case KEY_DC: return KEYS_DELETE;
	case KEY_BACKSPACE: return KEYS_BACKSPACE;
	case KEY_ENTER: return KEYS_ENTER;
	case KEY_BTAB: return KEYS_MOD_SHIFT | KEYS_TAB;
	default: break;
	}
	if (k >= KEY_F(1) && k <= KEY_F(12))
		return KEYS_F(k - KEY_F0);
	return KEYS_NONE;
}

/* Opens H6's search pane, scoped to the selection or over everything. */
static void app_open_search(app *a, bool scoped)
{
	ui_sel s = app_selection(a);
	app_push(a, pane_search_open(a, scoped && s.kind != DB_NONE ? &s : NULL));
}

/* Opens H8's metadata form for the selection. */
static void app_open_form(app *a)
{
	ui_sel s = app_selection(a);
	if (s.kind == DB_NONE) {
		app_status(a, UI_INFO, "select a record to edit first");
		return;
	}
	app_push(a, pane_form_open(a, s.kind, s.id));
}

/* Global keys the focused pane did not take. */
static void app_global_key(app *a, pane *p, int key)
{
	switch (app_command(a, p, key)) {
	case KEYS_CMD_QUIT: a->quit = true; break;
	case KEYS_CMD_HELP: app_push(a, pane_help_open_ctx(a, p->ops->keys_ctx)); break;
	case KEYS_CMD_COMMAND: app_push(a, cmdline_open(a)); break;
	case KEYS_CMD_REDRAW:
		/* repaint everything and reload what the browser shows (after a
		 * cancel or an error the lists are fetched again) */
		a->full_redraw = true;
		if (!a->nstack) {
			a->hier->ops->reload(a->hier);
			a->detail->ops->reload(a->detail);
		}
		break;
	case KEYS_CMD_SUSPEND: raise(SIGTSTP); break;
	case KEYS_CMD_CANCEL:
		if (!app_user_cancel(a))
			app_status(a, UI_INFO, "nothing to cancel (q quits)");
		break;
	case KEYS_CMD_NEXT_PANE:
	case KEYS_CMD_PREV_PANE:
		if (!a->nstack) {
			a->focus = !a->focus;
			a->dirty = true;
		}
		break;
	case KEYS_CMD_OPEN:
		if (!a->nstack && a->focus == 0) {
			a->focus = 1; /* Enter on the deepest column: into the detail */
			a->dirty = true;
		}
		break;
	case KEYS_CMD_SEARCH_ALL: app_open_search(a, false); break;
	case KEYS_CMD_SEARCH_SCOPED: app_open_search(a, true); break;
	case KEYS_CMD_EDIT: app_open_form(a); break;
	case KEYS_CMD_COPY: {
		const char *v = p->ops->copy_value ? p->ops->copy_value(p) : NULL;
		if (v && *v)
			app_copy(a, v);
		else
			app_status(a, UI_INFO, "nothing to copy here");
		break;
	}
	case KEYS_CMD_BACK:
		if (a->focus == 1 && !a->nstack) {
			a->focus = 0;
			a->dirty = true;
		}
		break;
	default: break;
	}
}

/* One key for the focused pane, then the global table. */
static void app_key(app *a, int key)
{
	pane *p = app_focused(a);
	a->msg[0] = '\0';
	/* Esc cancels a query the user is waiting for; a quick one it leaves alone */
	if (key == KEYS_ESC && a->busy && !a->nstack && app_now_ms() - a->inflight_start > 300 &&
	    app_user_cancel(a))
		return;
	int fl = p->ops->key ? p->ops->key(p, key) : UI_UNHANDLED;
	if (fl & UI_UNHANDLED)
		app_global_key(a, p, key);
	app_flags(a, p, fl);
}

/* Applies the flags a handler returned for pane p, then what was deferred
 * while it ran (app_close_later, close every overlay). */
static void app_flags(app *a, pane *p, int fl)
{
	if (fl & UI_CLOSE)
		app_close(a, p);
	if (fl & UI_QUIT)
		a->quit = true;
	if (fl & UI_RELAYOUT)
		a->relayout = true;
	if (a->deferred_close) {
		pane *c = a->deferred_close;
		a->deferred_close = NULL;
		app_close(a, c);
	}
	app_apply_pop_all(a);
	a->dirty = true;
	if (a->named_pending && !a->quit) { /* ":name": the pane now focused runs it */
		a->named_pending = false;
		app_key(a, UI_KEY_NAMED_COMMAND);
	}
}

/* Runs cmd as if its key were pressed, once the current handler is done. */
void app_run_command_later(app *a, keys_cmd cmd)
{
	a->named_cmd = cmd;
	a->named_pending = true;
}

/* True when screen cell (y, x) is inside pane p's window. */
static bool app_hit(const pane *p, int y, int x)
{
	if (!p->win)
		return false;
	int py, px, h, w;
	getbegyx(p->win, py, px);
	getmaxyx(p->win, h, w);
	return y >= py && y < py + h && x >= px && x < px + w;
}

/* A mouse event (only with `mouse = true`): the wheel scrolls the focused
 * pane, a click focuses the browser pane under it and selects the row. */
static void app_mouse(app *a)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		int key = ev.bstate & BUTTON4_PRESSED ? KEYS_UP : KEYS_DOWN;
		for (int i = 0; i < 3; i++)
			app_key(a, key);
		return;
	}
	if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) || a->nstack)
		return;
	if (a->detail_visible && app_hit(a->detail, ev.y, ev.x)) {
		a->focus = 1;
	} else if (app_hit(a->hier, ev.y, ev.x)) {
		int py, px;
		getbegyx(a->hier->win, py, px);
		a->focus = 0;
		pane_hierarchy_click(a->hier, ev.y - py, ev.x - px);
	}
	a->dirty = true;
}

/* Reads every key waiting on the tty. */
static void app_read_keys(app *a)
{
	wint_t wc;
	int r;
	while (!a->quit && (r = wget_wch(stdscr, &wc)) != ERR) {
		int key;
		if (r == KEY_CODE_YES) {
			if (wc == KEY_RESIZE) {
				a->relayout = true;
				continue;
			}
			if (wc == KEY_MOUSE) {
				if (!a->too_small)
					app_mouse(a);
				continue;
			}
			key = app_map_fkey((int)wc);
		} else {
			key = keys_from_char((uint32_t)wc);
		}
		if (key == KEYS_NONE)
			continue;
		if (a->too_small) {
			if (key == 'q' || key == KEYS_CTRL('c'))
				a->quit = true;
			continue;
		}
		app_key(a, key);
	}
}

/* ---- signals -------------------------------------------------------------------------------- */

/* Ctrl-Z: hand the terminal back, stop, take it again. */
static void app_suspend(app *a)
{
	endwin();
	signal(SIGTSTP, SIG_DFL);
	kill(0, SIGTSTP);
	/* resumed */
	app_signals_install();
	doupdate();
	a->relayout = true;
}

/* Handles the signals that arrived through the self-pipe. */
static void app_read_signals(app *a)
{
	unsigned char buf[256];
	ssize_t n;
	bool winch = false;
	while ((n = read(g_sigpipe[0], buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < n; i++) {
			int sig = buf[i];
			if (sig == APP_WORK_DONE)
				app_work_done(a);
			else if (sig == APP_JOB_DONE)
				continue; /* app_turn reaps finished jobs every turn */
			else if (sig == SIGWINCH || sig == SIGCONT)
				winch = true;
			else if (sig == SIGTSTP)
				app_suspend(a);
			else if (sig == SIGHUP || sig == SIGTERM || sig == SIGINT ||
			         sig == SIGQUIT) {
				a->quit = true;
				a->exit_code = sig == SIGINT ? 130 : 128 + sig;
			}
		}
	if (winch)
		a->relayout = true;
}

/* Reads the real window size and tells curses (coalesces resize bursts). */
static void app_resize(app *a)
{
	struct winsize ws;
	if (ioctl(a->tty_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	app_layout(a);
}

/* ---- painting -------------------------------------------------------------------------------- */

/* Draws pane p if it has a window. */
static void app_draw_pane(app *a, pane *p, bool focused)
{
	if (!p->win)
		return;
	p->focused = focused;
	if (p->ops->draw)
		p->ops->draw(p, p->win);
	(void)a;
	wnoutrefresh(p->win);
}

/* The notice shown instead of a layout on a tiny terminal. */
static void app_draw_too_small(app *a)
{
	werase(stdscr);
	char msg[80], size[48], need[48];
	snprintf(msg, sizeof msg, "too small: %dx%d, need %dx%d", a->cols, a->rows, APP_MIN_COLS,
	         APP_MIN_ROWS);
	int w = text_width(msg);
	if (w <= a->cols || a->rows < 2) {
		ui_put_safe(stdscr, a->rows / 2, w < a->cols ? (a->cols - w) / 2 : 0, a->cols, msg,
		            A_BOLD);
	} else { /* two lines, so the size needed shows on a narrow terminal too */
		snprintf(size, sizeof size, "too small: %dx%d", a->cols, a->rows);
		snprintf(need, sizeof need, "need %dx%d", APP_MIN_COLS, APP_MIN_ROWS);
		int y = (a->rows - 1) / 2, sw = text_width(size), nw = text_width(need);
		ui_put_safe(stdscr, y, sw < a->cols ? (a->cols - sw) / 2 : 0, a->cols, size, A_BOLD);
		ui_put_safe(stdscr, y + 1, nw < a->cols ? (a->cols - nw) / 2 : 0, a->cols, need,
		            A_BOLD);
	}
	wnoutrefresh(stdscr);
}

/* The focused pane's text cursor (see ui_priv.h). */
void app_caret(app *a, pane *p, WINDOW *w)
{
	a->caret = p;
	if (w)
		getyx(w, a->caret_y, a->caret_x);
}

/* One paint: every visible window, then one doupdate. */
static void app_paint(app *a)
{
	a->caret = NULL; /* the panes' draws say where it goes */
	if (a->full_redraw) {
		clearok(curscr, TRUE);
		a->full_redraw = false;
	}
	if (a->too_small) {
		app_draw_too_small(a);
		doupdate();
		return;
	}
	bool overlay_full = a->nstack && a->stack[a->nstack - 1]->place == UI_FULL;
	if (!overlay_full) {
		if (a->detail_visible) {
			app_draw_pane(a, a->hier, !a->nstack && a->focus == 0);
			app_draw_pane(a, a->detail, !a->nstack && a->focus == 1);
		} else {
			pane *p = a->focus == 1 ? a->detail : a->hier;
			app_draw_pane(a, p, !a->nstack);
		}
	}
	int first = 0;
	for (int i = 0; i < a->nstack; i++)
		if (a->stack[i]->place == UI_FULL)
			first = i;
	for (int i = first; i < a->nstack; i++)
		app_draw_pane(a, a->stack[i], i == a->nstack - 1);
	app_draw_status(a);
	/* the cursor shows only where a pane placed it for text entry */
	pane *top = app_focused(a);
	bool caret = top->win && (top->place == UI_BOTTOM ||
	                          strcmp(top->ops->name, "prompt") == 0 || a->caret == top);
	curs_set(caret ? 1 : 0);
	if (caret) {
		if (a->caret == top)
			wmove(top->win, a->caret_y, a->caret_x);
		wnoutrefresh(top->win);
	}
	doupdate();
}

/* ---- setup and teardown ------------------------------------------------------------------------
 */

/* Checks that TERM names a terminal that can address the cursor. */
static int app_check_term(int fd)
{
	const char *term = getenv("TERM");
	int err = 0;
	if (!term || !*term) {
		fprintf(stderr, "rapport: TERM is not set; set it (e.g. TERM=xterm-256color) "
		                "or use the subcommands (rapport --help)\n");
		return EXIT_USAGE;
	}
	if (setupterm(term, fd, &err) != OK) {
		char *s = text_sanitize(term, (size_t)-1);
		fprintf(stderr,
		        "rapport: unknown terminal type '%s'; set TERM to one terminfo "
		        "knows (e.g. xterm-256color)\n",
		        s ? s : "?");
		free(s);
		return EXIT_USAGE;
	}
	const char *cup = tigetstr("cup");
	bool ok = cup && cup != (char *)-1;
	del_curterm(cur_term);
	if (!ok) {
		char *s = text_sanitize(term, (size_t)-1);
		fprintf(stderr,
		        "rapport: terminal '%s' cannot move the cursor, so the browser "
		        "cannot run; use a full terminal or the subcommands "
		        "(rapport search, rapport meta)\n",
		        s ? s : "?");
		free(s);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Makes sure multibyte text is handled even under LANG=C. */
static void app_locale(void)
{
	setlocale(LC_ALL, "");
	const char *cs = nl_langinfo(CODESET);
	if (!cs || strcmp(cs, "UTF-8") != 0) {
		if (!setlocale(LC_CTYPE, "C.UTF-8"))
			setlocale(LC_CTYPE, "en_US.UTF-8");
	}
}

/* Opens the terminal (stdin/stdout, or /dev/tty when they are not one). */
static int app_open_tty(app *a)
{
	int in_fd = 0;
	if (!isatty(0) || !isatty(1)) {
		int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr,
			        "rapport: the browser needs a terminal (stdin/stdout are not "
			        "one and there is no /dev/tty); use the subcommands instead\n");
			return EXIT_USAGE;
		}
		in_fd = fd;
		a->tty_in = fdopen(fd, "r");
		a->tty_out = fdopen(dup(fd), "w");
	} else {
		a->tty_in = stdin;
		a->tty_out = stdout;
	}
	a->tty_fd = in_fd;
	g_tty_out_fd = fileno(a->tty_out);
	if (tcgetattr(a->tty_fd, &g_saved_tios) == 0)
		g_tios_saved = true;
	return app_check_term(fileno(a->tty_out));
}

/* Starts curses and colours. */
static int app_curses(app *a)
{
	a->scr = newterm(NULL, a->tty_out, a->tty_in);
	if (!a->scr) {
		fprintf(stderr, "rapport: cannot initialise the terminal\n");
		return EXIT_USAGE;
	}
	set_term(a->scr);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if (a->cfg->mouse) {
		mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
		mouseinterval(0);
	}
	a->no_color = theme_no_color_env();
	a->colors = 0;
	if (!a->no_color && has_colors()) {
		start_color();
		use_default_colors();
		a->colors = COLORS;
	}
	return EXIT_OK;
}

/* Loads config and theme; messages go to the status line. */
static void app_load_config(app *a)
{
	a->cfg = config_new();
	if (!a->cfg)
		app_fatal("out of memory");
	char *errors = NULL;
	int bad = config_load(a->cfg, a->g->config_path, &errors);
	config_apply_globals(a->cfg, a->g);
	if (bad != 0 && errors)
		app_status(a, UI_ERROR, "%s", strtok(errors, "\n"));
	free(errors);
	errors = NULL;
	const char *name = a->cfg->theme ? a->cfg->theme : THEME_DEFAULT_NAME;
	a->th = theme_load(name, &errors);
	if (!a->th) {
		app_status(a, UI_ERROR, "%s; using the default theme",
		           errors ? strtok(errors, "\n") : name);
		a->th = NULL; /* theme_resolve(NULL) is the compiled-in default */
	} else if (errors) {
		app_status(a, UI_ERROR, "%s", strtok(errors, "\n"));
	}
	free(errors);
}

/* Frees everything and restores the terminal. */
static void app_teardown(app *a)
{
	pane *all[APP_STACK_MAX + 2];
	int n = 0;
	for (int i = 0; i < a->nstack; i++)
		all[n++] = a->stack[i];
	if (a->hier)
		all[n++] = a->hier;
	if (a->detail)
		all[n++] = a->detail;
	for (int i = 0; i < n; i++)
		if (all[i]->ops->on_hangup)
			all[i]->ops->on_hangup(all[i]);
	while (a->nstack)
		app_pop(a);
	if (a->hier)
		app_pane_free(a, a->hier);
	if (a->detail)
		app_pane_free(a, a->detail);
	app_jobs_finish(a);
	if (a->status_win)
		delwin(a->status_win);
	if (a->scr) {
		endwin();
		delscreen(a->scr);
	}
	fflush(a->tty_out);
	if (g_tios_saved)
		tcsetattr(a->tty_fd, TCSAFLUSH, &g_saved_tios);
	theme_free(a->th);
	config_free(a->cfg);
	if (!a->work)
		db_close(a->d); /* else the worker still waits on it: the exit ends both */
}

/* The poll timeout: reconnect backoff, or a running request's re-poll. */
static int app_poll_timeout(app *a)
{
	if (a->work)
		return 1000; /* the worker's byte on the pipe wakes the loop */
	if (a->conn_lost) {
		long long left = a->reconnect_at - app_now_ms();
		return left < 0 ? 0 : (int)left;
	}
	if (a->busy && !a->inflight.p)
		return 50; /* a dropped request: cancel it soon (app_cancel_dropped) */
	if (a->busy) /* see app_turn: a running request is polled anyway, and
	              * "loading…" appears once it is slow */
		return app_now_ms() - a->inflight_start <= APP_SLOW_MS
		           ? (int)(APP_SLOW_MS + 1 - (app_now_ms() - a->inflight_start))
		           : 250;
	return app_pending_wait(a); /* a delayed request (app_request_after), or sleep */
}

/* One turn: wait, read, dispatch, paint. */
static void app_turn(app *a)
{
	struct pollfd fds[3] = {{.fd = a->tty_fd, .events = POLLIN},
	                        {.fd = g_sigpipe[0], .events = POLLIN},
	                        {.fd = -1, .events = POLLIN}};
	bool idle = !a->busy && !a->conn_lost;
	if ((a->busy || a->idle_watch) && !a->conn_lost && !a->work)
		fds[2].fd = db_socket(a->d);
	int r = poll(fds, 3, app_poll_timeout(a));
	if (r < 0 && errno != EINTR)
		app_fatal("poll failed");
	if (r > 0 && (fds[1].revents & POLLIN))
		app_read_signals(a);
	app_jobs_reap(a);
	if (r > 0 && (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL))) {
		a->quit = true; /* the terminal went away */
		a->exit_code = 129;
	} else if (r > 0 && (fds[0].revents & POLLIN)) {
		app_read_keys(a);
	}
	if (r > 0 && fds[2].fd >= 0 && (fds[2].revents & (POLLIN | POLLHUP | POLLERR))) {
		if (idle && !a->busy)
			app_idle_readable(a);
		else
			app_db_readable(a);
	} else if (r == 0 && a->busy && !a->conn_lost && !a->work) {
		/* belt and braces: a result libpq already buffered raises no
		 * POLLIN, so a running request is also polled every 250 ms */
		app_db_readable(a);
	}
	app_cancel_dropped(a);
	app_watch_slow(a);
	app_try_reconnect(a);
	app_dispatch(a);
	for (char *n; !a->conn_lost && !a->work && (n = db_notice_pop(a->d)) != NULL; free(n))
		app_status(a, UI_INFO, "server: %s", n);
}

/* The browser: sets up the terminal, runs the loop, restores everything. */
int app_run(const rapport_globals *g, db *d)
{
	static app the_app;
	app *a = &the_app;
	memset(a, 0, sizeof *a);
	a->g = g;
	a->d = d;
	a->exit_code = EXIT_OK;
	g_app = a;
	app_locale();
	int rc = app_open_tty(a);
	if (rc != EXIT_OK) {
		db_close(d);
		return rc;
	}
	if (pipe(g_sigpipe) != 0)
		app_fatal("pipe failed");
	fcntl(g_sigpipe[0], F_SETFL, O_NONBLOCK);
	fcntl(g_sigpipe[1], F_SETFL, O_NONBLOCK);
	app_signals_install();
	app_load_config(a);
	if ((rc = app_curses(a)) != EXIT_OK) {
		db_close(d);
		return rc;
	}
	app_theme_apply(a);
	snprintf(a->desc, sizeof a->desc, "%s", db_describe(d));
	a->hier = pane_hierarchy_open(a, g->view);
	a->detail = pane_detail_open(a);
	app_resize(a);
	/* an edit kept by a previous run (SIGHUP while a form was dirty) */
	if (!g->exit_after_paint)
		app_push(a, pane_form_recovery_open(a));
	app_dispatch(a);
	while (!a->quit) {
		if (a->relayout) {
			a->relayout = false;
			app_resize(a);
		}
		app_paint(a);
		if (g->exit_after_paint && !a->busy && !a->npending &&
		    pane_hierarchy_ready(a->hier))
			break;
		app_turn(a);
	}
	app_teardown(a);
	g_app = NULL;
	const char *stats = getenv("RAPPORT_STATS");
	if (stats && *stats && strcmp(stats, "0") != 0)
		fprintf(stderr,
		        "rapport: %ld requests sent, %ld superseded, %ld canceled, %ld held back "
		        "(answered during a blocking call, asked again)\n",
		        a->n_sent, a->n_stale, a->n_canceled, a->n_held);
	return a->exit_code;
}
