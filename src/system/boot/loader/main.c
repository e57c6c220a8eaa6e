/* SPDX-License-Identifier: MIT */
/*
 * The boot sequence every port runs: heap, kernel_args, volumes, the
 * configuration, then the menu and boot attempts until one of them starts
 * a kernel.
 */
#include <boot/platform.h>

#include <stdio.h>
#include <string.h>

#include <boot/auto_entries.h>
#include <boot/bli.h>
#include <boot/bls.h>
#include <boot/boot.h>
#include <boot/config.h>
#include <boot/console.h>
#include <boot/handoff.h>
#include <boot/heap.h>
#include <boot/menu.h>
#include <boot/stage2.h>
#include <boot/stdio.h>
#include <boot/timeline.h>
#include <boot/trust.h>
#include <boot/vfs.h>

/* Keys typed before the loader looked, of which Space or Esc opens the menu. */
#define MAX_PENDING_KEYS	16

/*
 * Seconds the menu counts down when the configuration has problems but asks
 * for no menu: long enough to read them, short enough that an unattended
 * machine still boots what could be parsed.
 */
static const int32_t kProblemCountdown = 10;


/*
 * Parse the configuration if it is trusted (boot/trust.h): checked before it
 * is parsed when Secure Boot asks, after when the file itself asks with
 * require_verification. A refusal is B_NOT_ALLOWED, explained in problem.
 */
static status_t
boot_parse_config(const struct vfs_volume *volume, const char *path, const void *data,
	size_t size, struct boot_config **_config, char *problem, size_t problemSize)
{
	char reason[TRUST_REASON_SIZE];
	bool checked = trust_verifying();
	status_t status = checked ? trust_check_data(TRUST_CONFIGURATION, volume, path, data,
		size, reason, sizeof(reason)) : B_OK;
	if (status == B_OK)
		status = config_parse(path, data, size, _config);
	if (status == B_OK && !checked) {
		if ((*_config)->require_verification)
			trust_require();
		status = trust_check_data(TRUST_CONFIGURATION, volume, path, data, size, reason,
			sizeof(reason));
		if (status != B_OK)
			config_free(*_config);
	}
	if (status == B_NOT_ALLOWED) {
		/* The reason is what matters most; a very long path may be cut. */
		if (snprintf(problem, problemSize, "%s: %s", path, reason) >= (int)problemSize)
			boot_dprintf("boot: the message below is cut short\n");
		boot_printf("boot: %s\n", problem);
	}
	return status;
}


/*
 * The configuration file, found like the kernel; its name in messages says
 * which volume it came from. NULL only when out of memory. A file that is
 * there but cannot be read is described in problem.
 */
static struct boot_config *
boot_read_config(char *problem, size_t problemSize)
{
	struct vfs_file *file;
	char error[VFS_ERROR_SIZE];
	status_t status = vfs_open(CONFIG_FILE_PATH, &file, error, sizeof(error));
	if (status == B_ENTRY_NOT_FOUND) {
		boot_dprintf("boot: no configuration file: %s\n", error);
		return config_default();
	}

	char path[VFS_PATH_LENGTH];
	void *data = NULL;
	size_t size = 0;
	struct vfs_volume *volume = NULL;
	if (status == B_OK) {
		struct vfs_volume_info info;
		volume = vfs_file_volume(file);
		vfs_volume_get_info(volume, &info);
		vfs_close(file);
		snprintf(path, sizeof(path), "(%s)%s", info.device_name, CONFIG_FILE_PATH);
		status = vfs_load_file(path, &data, &size, error, sizeof(error));
	}
	if (status != B_OK) {
		snprintf(problem, problemSize, "cannot read the configuration: %s", error);
		boot_printf("boot: %s\n", problem);
		return config_default();
	}

	struct boot_config *config;
	status = boot_parse_config(volume, path, data, size, &config, problem, problemSize);
	heap_free(data);
	if (status == B_NOT_ALLOWED)
		return config_default();
	if (status != B_OK)
		return NULL;
	boot_dprintf("boot: configuration %s: %u entries, %u problems\n", path,
		config->entry_count, config->diagnostic_count + config->diagnostics_dropped);
	timeline_mark("configuration read", size);
	return config;
}


/*
 * The port's kernel and command line (EFI load options, the hosted port's
 * arguments) make up the entry used when no entry was configured.
 */
static void
boot_apply_port_choices(struct boot_config *config, const struct stage2_args *args)
{
	if (!config->fallback_entry)
		return;
	struct config_entry *entry = &config->entries[0];
	if (args->kernel_path != NULL) {
		char *path = heap_strdup(args->kernel_path);
		if (path != NULL) {
			heap_free(entry->kernel_path);
			entry->kernel_path = path;
		} else
			boot_printf("boot: no memory for the kernel path %s\n", args->kernel_path);
	}
	if (args->command_line != NULL) {
		status_t status = config_entry_set_command_line(entry, args->command_line);
		if (status != B_OK)
			boot_printf("boot: command line ignored: %s\n", status_string(status));
	}
}


/* The configuration's verbosity and serial line, from here on. */
static void
boot_apply_output_settings(const struct boot_config *config)
{
	_Static_assert((int)CONFIG_VERBOSITY_QUIET == (int)BOOT_VERBOSITY_QUIET
		&& (int)CONFIG_VERBOSITY_DEBUG == (int)BOOT_VERBOSITY_DEBUG,
		"the configuration's verbosity levels are the loader's");
	boot_set_verbosity((enum boot_verbosity)config->verbosity);
	platform_debug_configure(config->serial, config->serial_port,
		config->serial_speed);
}


/* Space or Esc typed before the loader got here: the menu, whatever the timeout. */
static bool
boot_menu_requested(void)
{
	for (int i = 0; i < MAX_PENDING_KEYS; i++) {
		int32_t key = console_wait_for_key_timeout(0);
		if (key == ' ' || key == CONSOLE_KEY_ESCAPE)
			return true;
		if (key == CONSOLE_NO_KEY || key == 0)
			break;
	}
	return false;
}


static void
boot_report_diagnostics(const struct boot_config *config, bool menuShown)
{
	char line[CONFIG_MESSAGE_SIZE + VFS_PATH_LENGTH];
	for (uint32_t i = 0; i < config->diagnostic_count; i++) {
		config_format_diagnostic(config, i, line, sizeof(line));
		/* The menu shows them; without it the console is where they are seen. */
		if (menuShown)
			boot_dprintf("config: %s\n", line);
		else
			boot_printf("config: %s\n", line);
	}
	if (config->diagnostics_dropped > 0) {
		boot_dprintf("config: %u more problems not kept\n", config->diagnostics_dropped);
	}
}


/*
 * The countdown before the selected entry boots, and whether the menu shows:
 * the configuration's, as the operating system's requests change it.
 */
static bool
boot_plan_menu(const struct boot_config *config, const struct bli_requests *requests,
	const char *problem, int32_t *_countdown)
{
	int32_t countdown = requests->has_timeout ? requests->timeout : config->timeout;
	/* the operating system asked for this entry, once: no questions */
	if (requests->one_shot_entry >= 0)
		countdown = 0;
	else if (countdown == 0 && config->diagnostic_count + config->diagnostics_dropped > 0)
		countdown = kProblemCountdown;
	*_countdown = countdown;
	return countdown != 0 || problem[0] != '\0' || boot_menu_requested();
}


/* Boot attempts until one starts a kernel; returns when nobody can choose any more. */
static status_t
boot_loop(struct stage2_args *args, struct boot_config *config,
	const struct bli_requests *requests, const char *problem)
{
	struct menu menu;
	menu_init(&menu, config);
	if (requests->one_shot_entry >= 0)
		menu.selected = (uint32_t)requests->one_shot_entry;
	else if (requests->default_entry >= 0)
		menu.selected = (uint32_t)requests->default_entry;
	if (problem[0] != '\0')
		menu_set_status(&menu, "%s", problem);
	else if (config->fallback_entry && config->file_name[0] != '\0') {
		menu_set_status(&menu, "%s has no entries: \"%s\" boots %s", config->file_name,
			config->entries[0].title, config->entries[0].kernel_path);
	}

	int32_t countdown;
	bool showMenu = boot_plan_menu(config, requests, problem, &countdown);
	boot_report_diagnostics(config, showMenu);
	/* Said once: in the menu's status line when it is free, else on the console. */
	if (trust_notice() != NULL && showMenu && menu.status[0] == '\0') {
		menu_set_status(&menu, "%s", trust_notice());
		menu.status_is_note = true;
	} else if (trust_notice() != NULL)
		boot_printf("boot: %s\n", trust_notice());

	status_t status = B_INTERRUPTED;
	for (;;) {
		if (showMenu) {
			bool closed = menu_run(&menu, countdown) == MENU_CLOSED;
			/* What is said next goes on a clear screen, not after the help line. */
			boot_console_clear_screen();
			if (closed)
				break;
			timeline_mark("menu choice made", 0);
			/* Said once the menu is gone: a line under it would move a terminal's screen. */
			boot_dprintf("boot: the menu's first frame took %llu us\n",
				(unsigned long long)menu_first_frame_time());
		}
		/* After a failure the menu waits: the same choice would fail the same way. */
		showMenu = true;
		countdown = 0;

		struct config_entry *entry = &config->entries[menu.selected];
		boot_progress("Booting \"%s\"\n", entry->title);
		if (boot_verbosity() == BOOT_VERBOSITY_DEBUG)
			heap_validate();
		char error[BOOT_ERROR_SIZE];
		if (entry->kind != CONFIG_ENTRY_KERNEL) {
			status = chainload_entry(entry, error, sizeof(error));
			menu_set_status(&menu, "%s", error);
			continue;
		}
		const struct boot_request request = {
			.config = config,
			.entry = entry,
			.extra_modules = args->modules,
			.extra_module_count = config->fallback_entry ? args->module_count : 0,
			.video_mode = menu.video_mode,
			.allow_write_execute = args->allow_write_execute,
		};
		status = boot_prepare(&request, error, sizeof(error));
		if (status == B_OK) {
			bli_publish_start(entry);
			config_free(config);
			trust_cleanup();
			boot_start_kernel(args);
		}
		menu_set_status(&menu, "%s", error);
	}

	if (status == B_INTERRUPTED)
		boot_printf("boot: the console input closed before an entry was chosen\n");
	return status;
}


status_t
boot_main(struct stage2_args *args)
{
	boot_dprintf("boot: generic loader started\n");

	status_t status = heap_init(args);
	if (status != B_OK) {
		boot_printf("boot: cannot set up the loader heap: %s\n",
			status_string(status));
		return status;
	}
	timeline_mark("heap ready", 0);

	status = kernel_args_init();
	if (status != B_OK) {
		boot_printf("boot: cannot allocate kernel_args: %s\n",
			status_string(status));
		return status;
	}

	/*
	 * Without a volume nothing can boot, but the menu still offers the
	 * firmware's setup, a reboot and the reason; returning to the firmware
	 * would only show the next boot option.
	 */
	char problem[MENU_STATUS_SIZE] = "";
	status = vfs_init(args);
	if (status != B_OK) {
		snprintf(problem, sizeof(problem), "no disk holds a volume the loader can read: %s",
			status_string(status));
		boot_printf("boot: %s\n", problem);
	} else
		timeline_mark("volumes ready", 0);
	trust_init();

	struct boot_config *config = boot_read_config(problem, sizeof(problem));
	if (config == NULL) {
		boot_printf("boot: no memory for the configuration\n");
		vfs_cleanup();
		return B_NO_MEMORY;
	}
	if (bls_read_entries(config) != B_OK
		|| (config->auto_entries && auto_entries_add(config) != B_OK))
		boot_printf("boot: no memory for more entries\n");
	boot_apply_port_choices(config, args);
	boot_apply_output_settings(config);
	/* Before the menu: it is drawn in the mode the kernel will get. */
	boot_video_start_console(config);

	struct bli_requests requests;
	bli_read_requests(config, &requests);
	bli_publish_menu(config);
	status = boot_loop(args, config, &requests, problem);
	config_free(config);
	trust_cleanup();
	vfs_cleanup();
	return status;
}
