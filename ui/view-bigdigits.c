/*
 * view-bigdigits.c -- a countdown in digits five rows high, readable from
 * across the room: the chair's speaker pane draws it at scale 1, the
 * co-host's clock view at whatever scale fills the terminal.
 *
 * Data flow: text such as "12:34" or "+1:05" goes through a 5-row pixel
 * font; each lit pixel becomes scale x scale cells drawn as blanks in
 * reverse video, so it shows as a solid block on every terminal, with or
 * without colours or a font that has "█". An unlit pixel is a blank in the
 * caller's attributes: passing A_REVERSE in attr therefore draws the
 * digits inverted (dark on a lit box), which is how monochrome terminals
 * tell the danger stage apart.
 */
#include "view.h"


/* One glyph: its width in pixels and its rows, '#' lit. */
struct glyph {
	char ch;
	int width;
	const char *rows[VIEW_BIGDIGITS_ROWS];
};

static const struct glyph font[] = {
	{ '0', 4, { "####", "#  #", "#  #", "#  #", "####" } },
	{ '1', 4, { "  # ", " ## ", "  # ", "  # ", " ###" } },
	{ '2', 4, { "####", "   #", "####", "#   ", "####" } },
	{ '3', 4, { "####", "   #", " ###", "   #", "####" } },
	{ '4', 4, { "#  #", "#  #", "####", "   #", "   #" } },
	{ '5', 4, { "####", "#   ", "####", "   #", "####" } },
	{ '6', 4, { "####", "#   ", "####", "#  #", "####" } },
	{ '7', 4, { "####", "   #", "   #", "   #", "   #" } },
	{ '8', 4, { "####", "#  #", "####", "#  #", "####" } },
	{ '9', 4, { "####", "#  #", "####", "   #", "####" } },
	{ ':', 2, { "  ", "##", "  ", "##", "  " } },
	{ '+', 3, { "   ", " # ", "###", " # ", "   " } },
	{ '-', 3, { "   ", "   ", "###", "   ", "   " } },
	{ ' ', 2, { "  ", "  ", "  ", "  ", "  " } },
};

/* Unknown characters take the room of a digit and stay blank. */
static const struct glyph blank = { '?', 4,
	{ "    ", "    ", "    ", "    ", "    " } };

/* The glyph of a character. */
static const struct glyph *
glyph_of(char ch)
{
	for (size_t i = 0; i < sizeof font / sizeof font[0]; i++) {
		if (font[i].ch == ch)
			return &font[i];
	}
	return &blank;
}

/* Columns text takes at a scale, gaps between glyphs included. */
int
view_bigdigits_width(const char *text, int scale)
{
	int w = 0;

	if (scale < 1)
		scale = 1;
	for (const char *p = text; *p != '\0'; p++) {
		if (p != text)
			w += 1;
		w += glyph_of(*p)->width;
	}
	return w * scale;
}

/* Rows the digits take at a scale. */
int
view_bigdigits_height(int scale)
{
	return VIEW_BIGDIGITS_ROWS * (scale < 1 ? 1 : scale);
}

/* Paint one pixel (scale x scale cells), clipped to the window. */
static void
bigdigits_pixel(WINDOW *win, int y, int x, int scale, attr_t attr)
{
	int maxy, maxx;

	getmaxyx(win, maxy, maxx);
	for (int dy = 0; dy < scale; dy++) {
		for (int dx = 0; dx < scale; dx++) {
			int yy = y + dy, xx = x + dx;

			if (yy >= 0 && yy < maxy && xx >= 0 && xx < maxx)
				mvwaddch(win, yy, xx, ' ' | attr);
		}
	}
}

/* Draw text in big digits with its top-left corner at (y, x). */
void
view_bigdigits_draw(WINDOW *win, int y, int x, const char *text,
    attr_t attr, int scale)
{
	attr_t lit = attr ^ A_REVERSE;

	if (scale < 1)
		scale = 1;
	for (const char *p = text; *p != '\0'; p++) {
		const struct glyph *g = glyph_of(*p);

		if (p != text) {
			for (int r = 0; r < VIEW_BIGDIGITS_ROWS; r++)
				bigdigits_pixel(win, y + r * scale, x, scale,
				    attr);
			x += scale;
		}
		for (int r = 0; r < VIEW_BIGDIGITS_ROWS; r++) {
			for (int col = 0; col < g->width; col++) {
				bool on = g->rows[r][col] == '#';

				bigdigits_pixel(win, y + r * scale,
				    x + col * scale, scale, on ? lit : attr);
			}
		}
		x += g->width * scale;
	}
}
