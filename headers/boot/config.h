/* SPDX-License-Identifier: MIT */
/*
 * The loader's configuration file: global settings and boot entries, parsed
 * from text with a diagnostic per bad line (docs/config.md has the format).
 */
#ifndef BOOT_CONFIG_H
#define BOOT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/kernel_args.h>
#include <boot/status.h>

/* Where the loader looks first, like the kernel: the boot volume, then the others. */
#define CONFIG_FILE_PATH			"/boot/loader.cfg"

/* Limits; the parser reports what goes beyond them and goes on. */
#define CONFIG_MAX_FILE_SIZE		(64 * 1024)
#define CONFIG_MAX_LINE_LENGTH		4096	/* bytes, without the line end */
#define CONFIG_MAX_ENTRIES			32
/* kernel_args has 16 preloaded images; the kernel's symbols take two. */
#define CONFIG_MAX_MODULES			14
#define CONFIG_MAX_INITRDS			8		/* initrd lines of a linux entry */
#define CONFIG_MAX_OVERLAYS			8		/* device tree overlays of an entry */

/*
 * Whether the port's machines may be described by device trees: overlays
 * applied, a tree for the loader's own kernel, the firmware's handed to it.
 * A port whose machines no device tree describes builds without (its
 * PlatformSetup defines 0): devicetree_overlay is refused as unsupported,
 * devicetree is for linux and efi entries only, the kernel is given no
 * tree, and the code is left out of the link.
 */
#ifndef FDT_MACHINES
#define FDT_MACHINES				1
#endif
#define CONFIG_MAX_TITLE_LENGTH		128		/* bytes of UTF-8 */
#define CONFIG_MAX_PATH_LENGTH		1024	/* VFS_PATH_LENGTH */
#define CONFIG_MAX_COMMAND_LINE		2048	/* bytes, kernel and module command lines */
#define CONFIG_MAX_TIMEOUT			3600	/* seconds */
#define CONFIG_MAX_DIAGNOSTICS		32		/* kept; the rest are only counted */
#define CONFIG_MESSAGE_SIZE			192

/* "default = @saved", as systemd-boot spells it; in quotes it is a title. */
#define CONFIG_SAVED_ENTRY			"@saved"

/* boot_config.timeout: no countdown, the menu waits for a choice. */
#define CONFIG_TIMEOUT_FOREVER		(-1)

/*
 * An entry's options are the BOOT_OPTION_* flags of boot/kernel_args.h: the
 * menu toggles them, and they reach the kernel as kernel_args.boot_options.
 */

enum config_verbosity {
	CONFIG_VERBOSITY_QUIET = 0,		/* errors only */
	CONFIG_VERBOSITY_NORMAL,
	CONFIG_VERBOSITY_VERBOSE,
	CONFIG_VERBOSITY_DEBUG,			/* the debug channel on the console too */
};

enum config_video {
	CONFIG_VIDEO_KEEP = 0,			/* the mode the firmware left */
	CONFIG_VIDEO_MAX,				/* the largest mode */
	CONFIG_VIDEO_TEXT,				/* no graphics mode; no framebuffer for the kernel */
	CONFIG_VIDEO_MODE,				/* video_width x video_height */
};

/* Where the console is drawn (docs/console.md). */
enum config_console {
	CONFIG_CONSOLE_AUTO = 0,		/* the framebuffer when there is one, else text */
	CONFIG_CONSOLE_TEXT,			/* the firmware's text output */
};

/* Whether the menu lets the user edit a command line (e). */
enum config_editor {
	CONFIG_EDITOR_AUTO = 0,		/* yes, unless the loader verifies (boot/trust.h) */
	CONFIG_EDITOR_YES,
	CONFIG_EDITOR_NO,
};

/* What an entry starts, by the key that names its file. */
enum config_entry_kind {
	CONFIG_ENTRY_KERNEL = 0,		/* "kernel": an ELF kernel, handed kernel_args */
	CONFIG_ENTRY_LINUX,				/* "linux": a Linux kernel, through its EFI stub */
	CONFIG_ENTRY_EFI,				/* "efi": an EFI application, chainloaded */
};

/* Every string below is owned by the configuration: config_free() frees it. */

/*
 * What a Boot Loader Specification entry file (Type #1) or unified kernel
 * image (Type #2) adds to its entry: its name for the Boot Loader
 * Interface, and what the specification sorts by.
 */
struct config_bls_entry {
	/* the file name without ".conf" or ".efi" and without its boot counter */
	char		*id;
	/* "(disk0p1)/loader/entries/<id>.conf", ".../<id>+3-1.conf", "(disk0p1)/EFI/Linux/<id>.efi" */
	char		*file_name;
	/* boot counting (boot_counting.h): the file name's counter; -1 for a file without one */
	int32_t		tries_left;
	int32_t		tries_done;
	char		*sort_key;			/* NULL when the file has none */
	char		*machine_id;		/* NULL when the file has none */
	char		*version;			/* NULL when the file has none */
	bool		unified_image;		/* Type #2 */
	/* the image's own command line; NULL for Type #1 and an image without one */
	char		*image_command_line;
};

struct config_module {
	char		*path;
	char		*command_line;		/* "" when none */
};

/*
 * Only kernel entries have modules and options, only linux entries initrds:
 * the parser drops them, with a diagnostic, from entries of another kind.
 */
struct config_entry {
	char		*title;				/* UTF-8, no control characters, never empty */
	enum config_entry_kind	kind;
	char		*kernel_path;		/* the file it starts: "/..." or "(<volume>)/..." */
	char		*command_line;		/* "" when none; EFI load options for linux and efi */
	uint32_t	options;			/* BOOT_OPTION_* */
	uint32_t	line;				/* of its "entry" line; 0 for the fallback entry */
	uint32_t	module_count;
	/* an array of CONFIG_MAX_MODULES once there is one */
	struct config_module	*modules;
	uint32_t	initrd_count;
	/* concatenated in this order; an array of CONFIG_MAX_INITRDS once there is one */
	char		**initrds;
	struct config_bls_entry	*bls;	/* NULL for the entries of the configuration file */
	char		*splash;			/* "splash = <path>", else NULL: the built-in one */
	/* the device tree the image, or the loader's own kernel (FDT_MACHINES),
	 * gets in place of the firmware's; NULL: the firmware's */
	char		*device_tree;
	uint32_t	overlay_count;
	/* applied in this order to that tree, or to the firmware's; an array of
	 * CONFIG_MAX_OVERLAYS once there is one */
	char		**overlays;
};

struct config_diagnostic {
	uint32_t	line;				/* 1-based; 0 for the file as a whole */
	uint32_t	column;				/* 1-based, in characters; 0 for the whole line */
	char		message[CONFIG_MESSAGE_SIZE];	/* no file or line; printable UTF-8 */
	char		*file_name;			/* NULL: the configuration file's */
};

struct boot_config {
	char		*file_name;			/* as given to config_parse(); "" for config_default() */

	int32_t		timeout;			/* seconds; CONFIG_TIMEOUT_FOREVER; 0: boot at once */
	char		*default_title;		/* "default = <title>", else NULL */
	uint32_t	default_number;		/* "default = <n>", 1-based; else 0 */
	/* "default = @saved": the entry that booted last (bli.h), else the first */
	bool		default_saved;
	bool		serial;				/* mirror the console on a serial port */
	uint8_t		serial_port;		/* 0: the firmware's choice; 1-4: COM1-COM4 */
	uint32_t	serial_speed;		/* bits per second; 0: leave as it is */
	enum config_verbosity	verbosity;
	enum config_video		video;
	uint32_t	video_width;		/* with CONFIG_VIDEO_MODE */
	uint32_t	video_height;
	enum config_console		console;
	uint32_t	resolution_width;	/* the menu's mode; 0 x 0: auto, the firmware's */
	uint32_t	resolution_height;
	bool		allow_write_execute;	/* accept kernels with writable code segments */
	bool		require_verification;	/* verify files with Secure Boot off too */
	bool		auto_entries;		/* add the boot managers found on the disks */
	enum config_editor		editor;

	uint32_t	entry_count;		/* at least 1 */
	bool		fallback_entry;		/* no entry was configured: entries[0] is the default */
	struct config_entry	entries[CONFIG_MAX_ENTRIES];

	uint32_t	diagnostic_count;	/* at most CONFIG_MAX_DIAGNOSTICS */
	/* found after the list was full, or without memory to name their file */
	uint32_t	diagnostics_dropped;
	struct config_diagnostic	diagnostics[CONFIG_MAX_DIAGNOSTICS];
};

/*
 * Parse length bytes of text (need not be NUL-terminated; any bytes at all)
 * read from fileName. Every problem becomes a diagnostic and the line it is
 * on has no effect; entries without errors survive. Without a valid entry,
 * the configuration has the fallback entry of config_default(). Only
 * B_NO_MEMORY fails; then *_config is untouched and nothing is leaked.
 */
status_t config_parse(const char *fileName, const char *text, size_t length,
	struct boot_config **_config);

/*
 * No configuration file: timeout 0, one entry "Default" booting
 * BOOT_DEFAULT_KERNEL_PATH. NULL when out of memory.
 */
struct boot_config *config_default(void);

/* Frees every string of the configuration too; NULL is fine. */
void config_free(struct boot_config *config);

/*
 * The index of the entry to select first: the default setting when it
 * names an existing entry (by number or title), else 0.
 */
uint32_t config_default_entry(const struct boot_config *config);

/* The index of the first entry with exactly this title, or -1. */
int32_t config_find_entry(const struct boot_config *config, const char *title);

/*
 * Render diagnostic index as "<file>:<line>: <message>" ("<file>: <message>"
 * for line 0) into buffer, NUL-terminated when size > 0. Returns the length
 * the full text has, as snprintf; 0 when index is out of range.
 */
size_t config_format_diagnostic(const struct boot_config *config, uint32_t index,
	char *buffer, size_t size);

/*
 * Report a problem with the file fileName as a whole (one the parser could
 * not see: it cannot be read, it is too large) among the diagnostics.
 */
void config_report_file(struct boot_config *config, const char *fileName,
	const char *format, ...) __attribute__((format(printf, 3, 4)));

/*
 * Replace an entry's command line (the menu's editor) with a copy of
 * commandLine. Errors: B_NAME_TOO_LONG (CONFIG_MAX_COMMAND_LINE bytes or
 * more), B_NO_MEMORY; the old command line stays then.
 */
status_t config_entry_set_command_line(struct config_entry *entry,
	const char *commandLine);

/*
 * A boot option's name in the file ("disable_smp") and in the menu
 * ("Disable SMP"); NULL unless option is exactly one BOOT_OPTION_* flag.
 */
const char *config_option_name(uint32_t option);
const char *config_option_label(uint32_t option);

/* The key that names an entry's file: "kernel", "linux" or "efi". */
const char *config_entry_kind_key(enum config_entry_kind kind);

/*
 * The entry's identifier for the Boot Loader Interface (the EFI variables
 * LoaderEntries, LoaderEntrySelected, LoaderEntryOneShot): a Type #1 entry's
 * file name without ".conf" (a Type #2's without ".efi") and without its
 * boot counter, so that it stays the same as the counter changes; else the
 * entry's title.
 */
const char *config_entry_id(const struct config_entry *entry);

/*
 * The index of the first entry whose identifier is id, also when id ends in
 * a ".conf" or ".efi", or a boot counter, the entry's does not; else the
 * first whose identifier matches id as a pattern (boot/pattern.h); -1 when
 * there is none.
 */
int32_t config_find_entry_id(const struct boot_config *config, const char *id);


/* --- Boot Loader Specification entries (config_bls.c) --------------------- */

struct uki_info;

/* An entry file's and a unified kernel image's suffix: not part of their ids. */
#define CONFIG_BLS_ENTRY_SUFFIX		".conf"
#define CONFIG_BLS_IMAGE_SUFFIX		".efi"

/* Where an entry file or a unified kernel image was found. */
struct config_bls_source {
	const char	*file_name;		/* "(disk0p1)/loader/entries/a+3.conf" or ".../EFI/Linux/a.efi" */
	const char	*volume;		/* its volume's device name: the entry's paths are on it */
	/* "a+3": the file name without ".conf" or ".efi"; the entry's id drops the counter */
	const char	*id;
	/* the loader's architecture as the specification names it: "x64", "aa64" */
	const char	*architecture;
};

/*
 * Parse one Type #1 entry file (any bytes; length need not be NUL-ended)
 * and add its entry after the others; a fallback entry is dropped first.
 * Problems become diagnostics naming source->file_name. Returns B_OK (added),
 * B_ENTRY_NOT_FOUND (an entry for another architecture, left out without a
 * diagnostic), B_BAD_DATA (not added; the diagnostics say why), B_NO_MEMORY
 * (nothing added, nothing leaked).
 */
status_t config_add_bls_entry(struct boot_config *config,
	const struct config_bls_source *source, const char *text, size_t length);

/*
 * Order the Type #1 entries, which follow those of the configuration file,
 * as the Boot Loader Specification orders them.
 */
void config_sort_bls_entries(struct boot_config *config);

/*
 * Add the entry of the unified kernel image (Type #2) at source->file_name,
 * as info describes it, after the others: an efi entry with the image's
 * command line, titled by its os-release name and, where the title has
 * room, the kernel release (without a printable name, by source->id). Returns B_OK or B_NO_MEMORY (nothing
 * added, nothing leaked); more entries than the menu holds are a
 * diagnostic and B_BAD_DATA.
 */
status_t config_add_uki_entry(struct boot_config *config,
	const struct config_bls_source *source, const struct uki_info *info);

/*
 * Add an efi entry that starts source->file_name, titled title, which the
 * loader found on a volume rather than read (auto_entries.h), after the
 * others; a fallback entry stays where it is. Its id is source->id. Returns
 * as config_add_uki_entry does.
 */
status_t config_add_found_entry(struct boot_config *config,
	const struct config_bls_source *source, const char *title);

/*
 * Boot counting's counter at the end of the length bytes of stem, a file
 * name without its suffix: "<name>+<tries left>[-<tries done>]", each a
 * decimal number up to INT32_MAX, name not empty. Returns the length of
 * name and sets both counts; without a counter, length, and both are -1.
 */
size_t config_bls_counter(const char *stem, size_t length, int32_t *_triesLeft,
	int32_t *_triesDone);

/*
 * Compare two version strings the way the Boot Loader Specification does:
 * negative, 0 or positive as a is older than, the same as or newer than b.
 */
int config_compare_versions(const char *a, const char *b);

#endif
