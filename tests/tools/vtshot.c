/* vtshot: runs rapport in the screen-test harness (tests/common/vt.c), types
 * a script of keys, waits for screen text, and renders the terminal's cells
 * and colours to a PNG with a monospace TrueType font (FreeType + libpng).
 *
 *   vtshot -o out.png [-s ROWSxCOLS] [-f FONT.ttf] [-b BOLD.ttf] [-e K=V]...
 *          [-w TEXT | -k KEYS]... -- [rapport args...]
 *
 * -w waits (no sleeping: the harness polls) until TEXT is on screen; -k types
 * KEYS (vt_keys syntax: <Enter>, <Tab>, ...). Steps run in the order given.
 * The image is taken when the script ends and the output has gone quiet. */
#include <ft2build.h>
#include FT_FREETYPE_H
#include "common/vt.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHOT_MAX_STEPS 64

typedef struct step {
	char kind; /* 'w' or 'k' */
	const char *arg;
} step;

typedef struct canvas {
	int w, h;
	unsigned char *px; /* RGB */
} canvas;

typedef struct font {
	FT_Face regular, bold;
	int cw, ch, ascent;
} font;

/* Decodes one UTF-8 code point from s (advances *s). */
static unsigned shot_utf8(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	unsigned c = p[0];
	int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if (n > 1)
		c &= 0x3F >> (n - 1);
	for (int i = 1; i < n && p[i]; i++)
		c = (c << 6) | (p[i] & 0x3F);
	*s += n;
	return c;
}

/* Fills a rectangle. */
static void shot_rect(canvas *cv, int x, int y, int w, int h, vt_color c)
{
	for (int yy = y; yy < y + h && yy < cv->h; yy++)
		for (int xx = x; xx < x + w && xx < cv->w; xx++) {
			unsigned char *p = cv->px + ((size_t)yy * cv->w + xx) * 3;
			p[0] = c.r, p[1] = c.g, p[2] = c.b;
		}
}

/* Blends a glyph bitmap in colour c at pen position (x, baseline y). */
static void shot_glyph(canvas *cv, FT_Face face, unsigned cp, int x, int y, vt_color c, int maxw)
{
	FT_UInt gi = FT_Get_Char_Index(face, cp);
	if (!gi || FT_Load_Glyph(face, gi, FT_LOAD_RENDER | FT_LOAD_TARGET_LIGHT))
		return;
	FT_GlyphSlot g = face->glyph;
	for (unsigned r = 0; r < g->bitmap.rows; r++)
		for (unsigned col = 0; col < g->bitmap.width; col++) {
			int px = x + g->bitmap_left + (int)col, py = y - g->bitmap_top + (int)r;
			if (px < x || px >= x + maxw || px >= cv->w || py < 0 || py >= cv->h)
				continue;
			unsigned a = g->bitmap.buffer[r * (unsigned)g->bitmap.pitch + col];
			unsigned char *p = cv->px + ((size_t)py * cv->w + px) * 3;
			p[0] = (unsigned char)((c.r * a + p[0] * (255 - a)) / 255);
			p[1] = (unsigned char)((c.g * a + p[1] * (255 - a)) / 255);
			p[2] = (unsigned char)((c.b * a + p[2] * (255 - a)) / 255);
		}
}

/* Draws box-drawing lines the font may lack, so frames join up. */
static bool shot_box(canvas *cv, unsigned cp, int x, int y, int cw, int ch, vt_color c)
{
	int mx = x + cw / 2, my = y + ch / 2;
	switch (cp) {
	case 0x2502: shot_rect(cv, mx, y, 1, ch, c); return true; /* │ */
	case 0x2500: shot_rect(cv, x, my, cw, 1, c); return true; /* ─ */
	case 0x250C:
		shot_rect(cv, mx, my, cw - cw / 2, 1, c);
		shot_rect(cv, mx, my, 1, ch - ch / 2, c);
		return true;
	case 0x2510:
		shot_rect(cv, x, my, cw / 2 + 1, 1, c);
		shot_rect(cv, mx, my, 1, ch - ch / 2, c);
		return true;
	case 0x2514:
		shot_rect(cv, mx, my, cw - cw / 2, 1, c);
		shot_rect(cv, mx, y, 1, ch / 2 + 1, c);
		return true;
	case 0x2518:
		shot_rect(cv, x, my, cw / 2 + 1, 1, c);
		shot_rect(cv, mx, y, 1, ch / 2 + 1, c);
		return true;
	default: return false;
	}
}

/* Renders every cell of the screen. */
static void shot_render(vt *t, canvas *cv, font *f, vt_color dfg, vt_color dbg)
{
	int rows, cols;
	vt_size(t, &rows, &cols);
	for (int r = 0; r < rows; r++)
		for (int c = 0; c < cols; c++) {
			vt_cell cell = vt_cell_at(t, r, c);
			if (cell.width == 0)
				continue;
			vt_color fg = cell.fg.is_default ? dfg : cell.fg;
			vt_color bg = cell.bg.is_default ? dbg : cell.bg;
			if (cell.reverse) {
				vt_color tmp = fg;
				fg = bg;
				bg = tmp;
			}
			int x = c * f->cw, y = r * f->ch, w = f->cw * (cell.width > 1 ? 2 : 1);
			shot_rect(cv, x, y, w, f->ch, bg);
			const char *s = cell.text;
			unsigned cp = shot_utf8(&s);
			if (cp != ' ' && !shot_box(cv, cp, x, y, f->cw, f->ch, fg))
				shot_glyph(cv, cell.bold ? f->bold : f->regular, cp, x,
				           y + f->ascent, fg, w);
			if (cell.underline)
				shot_rect(cv, x, y + f->ascent + 2, w, 1, fg);
		}
}

/* Writes the canvas as an 8-bit RGB PNG. */
static int shot_png(const canvas *cv, const char *path)
{
	FILE *fp = fopen(path, "wb");
	if (!fp)
		return -1;
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	if (setjmp(png_jmpbuf(png))) {
		fclose(fp);
		return -1;
	}
	png_init_io(png, fp);
	png_set_IHDR(png, info, (png_uint_32)cv->w, (png_uint_32)cv->h, 8, PNG_COLOR_TYPE_RGB,
	             PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < cv->h; y++)
		png_write_row(png, cv->px + (size_t)y * cv->w * 3);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	return fclose(fp);
}

/* Loads the regular and bold faces at a pixel size and measures a cell. */
static int shot_font(FT_Library lib, font *f, const char *reg, const char *bold, int px)
{
	if (FT_New_Face(lib, reg, 0, &f->regular) || FT_New_Face(lib, bold, 0, &f->bold))
		return -1;
	FT_Set_Pixel_Sizes(f->regular, 0, (FT_UInt)px);
	FT_Set_Pixel_Sizes(f->bold, 0, (FT_UInt)px);
	FT_Load_Char(f->regular, 'M', FT_LOAD_DEFAULT);
	f->cw = (int)(f->regular->glyph->advance.x >> 6);
	f->ch = (int)(f->regular->size->metrics.height >> 6);
	f->ascent = (int)(f->regular->size->metrics.ascender >> 6);
	return 0;
}

/* Options, the key script, the render, the PNG. */
int main(int argc, char **argv)
{
	const char *out = NULL, *reg = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
	const char *bold = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf";
	int rows = 30, cols = 100;
	const char *env[32];
	int nenv = 0;
	step steps[SHOT_MAX_STEPS];
	int nsteps = 0, i;
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v) {
			fprintf(stderr, "vtshot: %s needs a value\n", a);
			return 2;
		}
		if (!strcmp(a, "-o"))
			out = v;
		else if (!strcmp(a, "-s"))
			sscanf(v, "%dx%d", &rows, &cols);
		else if (!strcmp(a, "-f"))
			reg = v;
		else if (!strcmp(a, "-b"))
			bold = v;
		else if (!strcmp(a, "-e") && nenv < 31)
			env[nenv++] = v;
		else if ((!strcmp(a, "-w") || !strcmp(a, "-k")) && nsteps < SHOT_MAX_STEPS)
			steps[nsteps++] = (step){a[1], v};
		else {
			fprintf(stderr, "vtshot: bad option %s\n", a);
			return 2;
		}
	}
	env[nenv] = NULL;
	if (!out || i >= argc) {
		fprintf(
		    stderr,
		    "usage: vtshot -o OUT.png [-s RxC] [-e K=V] [-w TEXT|-k KEYS]... -- ARGS\n");
		return 2;
	}
	FT_Library lib;
	font f;
	if (FT_Init_FreeType(&lib) || shot_font(lib, &f, reg, bold, 15)) {
		fprintf(stderr, "vtshot: cannot load fonts %s, %s\n", reg, bold);
		return 1;
	}
	vt *t = vt_start(rows, cols, (const char *const *)argv + i + 1, env);
	for (int s = 0; s < nsteps; s++) {
		if (steps[s].kind == 'k') {
			vt_keys(t, steps[s].arg);
		} else if (!vt_wait_text(t, steps[s].arg, 15000)) {
			vt_free(t);
			return 1;
		}
	}
	vt_settle(t, 150, 3000);
	canvas cv = {cols * f.cw, rows * f.ch, NULL};
	cv.px = calloc((size_t)cv.w * cv.h, 3);
	vt_color dfg = {.r = 0xd0, .g = 0xd0, .b = 0xd0}, dbg = {.r = 0x1c, .g = 0x1c, .b = 0x1c};
	const char *light = getenv("VTSHOT_LIGHT");
	if (light && *light) {
		dfg = (vt_color){.r = 0x20, .g = 0x20, .b = 0x20};
		dbg = (vt_color){.r = 0xfa, .g = 0xfa, .b = 0xf5};
	}
	shot_render(t, &cv, &f, dfg, dbg);
	vt_kill(t, 15);
	vt_wait_exit(t, 5000);
	vt_free(t);
	int rc = shot_png(&cv, out) == 0 ? 0 : 1;
	free(cv.px);
	FT_Done_Face(f.regular);
	FT_Done_Face(f.bold);
	FT_Done_FreeType(lib);
	return rc;
}
