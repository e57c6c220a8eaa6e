/* SPDX-License-Identifier: MIT */
/*
 * The generic loader's console: what it writes goes to the port's console
 * hooks and, once the framebuffer console has the screen, to it as well, on
 * one grid of the size both can show.
 */
#include <boot/console.h>

#include <boot/fb_console.h>
#include <boot/framebuffer.h>
#include <boot/stdio.h>

void
boot_console_write(const char *text, size_t length)
{
	console_write(text, length);
	fb_console_write(text, length);
}


void
boot_console_clear_screen(void)
{
	console_clear_screen();
	fb_console_clear();
}


int32_t
boot_console_width(void)
{
	return fb_console_active() ? fb_console_columns() : console_width();
}


int32_t
boot_console_height(void)
{
	return fb_console_active() ? fb_console_rows() : console_height();
}


void
boot_console_set_cursor(int32_t x, int32_t y)
{
	console_set_cursor(x, y);
	fb_console_set_cursor(x, y);
}


void
boot_console_set_color(enum console_color foreground, enum console_color background)
{
	console_set_color(foreground, background);
	fb_console_set_color(foreground, background);
}


status_t
boot_console_use_framebuffer(const struct platform_framebuffer *framebuffer)
{
	uint64_t started = system_time();
	if (!framebuffer_usable(framebuffer))
		return B_NOT_SUPPORTED;
	/* With an output besides the screen (serial), both show one grid of the same size. */
	bool portOutput = platform_console_take_screen(true);
	status_t status = fb_console_start(framebuffer, portOutput ? console_width() : 0,
		portOutput ? console_height() : 0);
	if (status != B_OK) {
		platform_console_take_screen(false);
		return status;
	}
	boot_dprintf("console: framebuffer %ux%u, %u bpp, font 8x%u scaled %u, %dx%d characters"
		" at %u,%u\n", framebuffer->width, framebuffer->height, framebuffer->bits_per_pixel,
		fb_console_font_height(), fb_console_scale(), fb_console_columns(), fb_console_rows(),
		fb_console_left(), fb_console_top());
	boot_dprintf("console: started in %llu us\n",
		(unsigned long long)(system_time() - started));
	return B_OK;
}


void
boot_console_leave_framebuffer(void)
{
	if (!fb_console_active())
		return;
	fb_console_stop();
	platform_console_take_screen(false);
}


void
boot_console_freeze(void)
{
	fb_console_stop();
}
