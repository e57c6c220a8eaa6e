/* SPDX-License-Identifier: MIT */
/*
 * The Boot Loader Interface: what the loader tells the operating system
 * about this boot, and the requests the operating system left for it, in the
 * variables systemd's bootctl and systemd-analyze use
 * (docs/boot_loader_interface.md).
 */
#ifndef BOOT_BLI_H
#define BOOT_BLI_H

#include <stdbool.h>
#include <stdint.h>

#include <boot/config.h>

/* The requests that apply to this boot; -1 and false where there is none. */
struct bli_requests {
	int32_t		one_shot_entry;		/* LoaderEntryOneShot: boot it at once */
	/* LoaderEntryDefault, or with "@saved" LoaderEntryLastBooted */
	int32_t		default_entry;
	bool		has_timeout;		/* LoaderConfigTimeoutOneShot or LoaderConfigTimeout */
	int32_t		timeout;			/* seconds; CONFIG_TIMEOUT_FOREVER */
};

/*
 * Read the requests (deleting the one-shot ones, used or not) and find the
 * entries they name in config. Requests that name no entry or hold no valid
 * timeout are logged and ignored.
 */
void bli_read_requests(const struct boot_config *config, struct bli_requests *requests);

/*
 * A timeout variable's text in seconds: a number, "menu-force" (the menu
 * waits) or "menu-hidden" and "menu-disabled" (no menu). A one-shot 0 asks
 * for the menu to wait, the persistent one for no menu, as the interface
 * has it. False when text is none of these.
 */
bool bli_parse_timeout(const char *text, bool oneShot, int32_t *_timeout);

/*
 * Publish what the operating system can read once the menu is known: the
 * loader, its features, the partition it was started from, the time it
 * started and the entries' identifiers.
 */
void bli_publish_menu(const struct boot_config *config);

/*
 * Just before entry starts: its identifier and the time, and where "@saved"
 * asks for it, the entry as the one booted last (LoaderEntryLastBooted).
 */
void bli_publish_start(const struct config_entry *entry);

/*
 * The menu's "make default" key, as bootctl set-default does it: entry
 * index becomes LoaderEntryDefault, kept across boots; when it is that
 * already, the variable goes and loader.cfg's default applies again.
 * *_isDefault says which. Errors: those of platform_set_loader_variable.
 */
status_t bli_toggle_default(const struct boot_config *config, uint32_t index,
	bool *_isDefault);

#endif
