/* SPDX-License-Identifier: MIT */
/*
 * The boot checker's report: formats lines for the caller's output and
 * prints the summary of what the loader handed over.
 */
#include "checks.h"

#include <boot/platform/efi/efi_kernel_args.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>


#define PRINT_BUFFER_SIZE		512
#define LOG_CONTEXT_LINES		3
/* Log lines are shown shortened so that one cannot swamp the summary. */
#define LOG_LINE_LIMIT			160
#define LOG_READ_SIZE			256
#define LOADER_NAME_LIMIT		80

/* The first LOG_LINE_LIMIT bytes of a log line, and how long it really was. */
struct log_line {
	char		text[LOG_LINE_LIMIT];
	size_t		stored;
	uint64_t	length;
};

struct log_lines {
	struct log_line	first[LOG_CONTEXT_LINES];
	struct log_line	last[LOG_CONTEXT_LINES];	/* ring buffer of the latest lines */
	struct log_line	current;
	uint64_t		count;
};


void
kcheck_printf(const struct bootcheck_environment *environment, const char *format, ...)
{
	/* On the stack, not in .bss: the kernel prints before .bss has been checked. */
	char buffer[PRINT_BUFFER_SIZE];
	va_list args;
	va_start(args, format);
	int length = vsnprintf(buffer, sizeof(buffer), format, args);
	va_end(args);

	if (length < 0 || environment->output == NULL)
		return;
	if ((size_t)length >= sizeof(buffer)) {
		/* Keep the line structure even when a line was cut short. */
		length = sizeof(buffer) - 1;
		buffer[length - 1] = '\n';
	}
	environment->output(buffer, (size_t)length);
}


/* Keep control characters from moving the terminal or faking line starts. */
static void
report_sanitize(char *text, size_t length)
{
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)text[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			text[i] = '.';
	}
}


static uint64_t
ranges_total(const addr_range *ranges, uint32_t count, uint32_t max)
{
	uint64_t total = 0;
	count = kcheck_clamp_count(count, max);
	for (uint32_t i = 0; i < count; i++)
		total += ranges[i].size;
	return total;
}


static void
print_ranges(const struct bootcheck_environment *environment, const char *title,
	const addr_range *ranges, uint32_t count, uint32_t max)
{
	kcheck_printf(environment, "%s: %u\n", title, count);
	if (count > max) {
		kcheck_printf(environment, "  (count exceeds %u, showing %u)\n", max, max);
		count = max;
	}
	for (uint32_t i = 0; i < count; i++) {
		kcheck_printf(environment, "  [%3u] 0x%016llx - 0x%016llx  size %#llx (%llu KiB)\n",
			i, (ull)ranges[i].start, (ull)(ranges[i].start + ranges[i].size),
			(ull)ranges[i].size, (ull)(ranges[i].size / 1024));
	}
}


/* One line per entry: the map is long on real machines, but each line is short. */
static void
print_memory_map(const struct bootcheck_environment *environment, const kernel_args *args)
{
	uint32_t count = args->num_memory_map_entries;
	kcheck_printf(environment, "memory map: %u entries\n", count);
	if (count > MAX_MEMORY_MAP_ENTRIES) {
		kcheck_printf(environment, "  (count exceeds %u, showing %u)\n",
			MAX_MEMORY_MAP_ENTRIES, MAX_MEMORY_MAP_ENTRIES);
		count = MAX_MEMORY_MAP_ENTRIES;
	}
	for (uint32_t i = 0; i < count; i++) {
		const memory_map_entry *entry = &args->memory_map[i];
		kcheck_printf(environment, "  [%3u] 0x%012llx - 0x%012llx %10llu KiB  %s\n", i,
			(ull)entry->start, (ull)(entry->start + entry->size), (ull)(entry->size >> 10),
			kcheck_memory_type_name(entry->type));
	}
}


static void
log_line_add(struct log_line *line, char c)
{
	line->length++;
	if (c == '\r' || line->stored == LOG_LINE_LIMIT)
		return;
	line->text[line->stored++] = c;
}


static void
log_lines_finish_line(struct log_lines *lines)
{
	if (lines->count < LOG_CONTEXT_LINES)
		lines->first[lines->count] = lines->current;
	lines->last[lines->count % LOG_CONTEXT_LINES] = lines->current;
	lines->count++;
	lines->current.stored = 0;
	lines->current.length = 0;
}


static void
print_log_line(const struct bootcheck_environment *environment, const struct log_line *line)
{
	char text[LOG_LINE_LIMIT];
	memcpy(text, line->text, line->stored);
	report_sanitize(text, line->stored);
	kcheck_printf(environment, "  log| %.*s%s\n", (int)line->stored, text,
		line->length > LOG_LINE_LIMIT ? "..." : "");
}


/* The first and last lines of the loader's log, read in pieces. */
static void
print_log(const struct kcheck_context *context)
{
	const struct bootcheck_environment *environment = context->environment;
	const kernel_args *args = context->args;
	uint64_t address = args->log_address;
	uint64_t size = args->log_size;

	if (args->magic != KERNEL_ARGS_MAGIC || size == 0
		|| !bootcheck_virtual_contains(args, address, size)) {
		kcheck_printf(environment, "loader log: %#llx size %#llx (not shown)\n",
			(ull)address, (ull)size);
		return;
	}

	struct log_lines lines;
	memset(&lines, 0, sizeof(lines));
	char buffer[LOG_READ_SIZE];
	for (uint64_t offset = 0; offset < size; offset += sizeof(buffer)) {
		size_t chunk = size - offset < sizeof(buffer) ? (size_t)(size - offset)
			: sizeof(buffer);
		if (!kcheck_read_virtual(context, address + offset, buffer, chunk)) {
			kcheck_printf(environment, "loader log: %#llx size %#llx (unreadable at %#llx)\n",
				(ull)address, (ull)size, (ull)(address + offset));
			return;
		}
		for (size_t i = 0; i < chunk; i++) {
			if (buffer[i] == '\n')
				log_lines_finish_line(&lines);
			else
				log_line_add(&lines.current, buffer[i]);
		}
	}
	/* A last line without a newline still counts; a final newline adds none. */
	if (lines.current.length > 0)
		log_lines_finish_line(&lines);

	uint64_t count = lines.count;
	kcheck_printf(environment, "loader log: %#llx size %llu, %llu lines\n", (ull)address,
		(ull)size, (ull)count);
	uint64_t head = count < LOG_CONTEXT_LINES ? count : LOG_CONTEXT_LINES;
	for (uint64_t i = 0; i < head; i++)
		print_log_line(environment, &lines.first[i]);
	if (count <= LOG_CONTEXT_LINES)
		return;

	uint64_t tailStart = count - LOG_CONTEXT_LINES;
	if (tailStart < LOG_CONTEXT_LINES)
		tailStart = LOG_CONTEXT_LINES;
	else if (tailStart > LOG_CONTEXT_LINES) {
		kcheck_printf(environment, "  log| [%llu lines]\n",
			(ull)(tailStart - LOG_CONTEXT_LINES));
	}
	for (uint64_t i = tailStart; i < count; i++)
		print_log_line(environment, &lines.last[i % LOG_CONTEXT_LINES]);
}


/* Only followed where the loader says memory is mapped, and only for real kernel_args. */
static void
print_loader_name(const struct kcheck_context *context)
{
	const kernel_args *args = context->args;
	uint64_t address = args->loader_name;
	char name[LOADER_NAME_LIMIT];
	size_t length = 0;

	if (args->magic != KERNEL_ARGS_MAGIC || address == 0
		|| !bootcheck_virtual_contains(args, address, 1)
		|| !kcheck_read_virtual(context, address, &name[0], 1)) {
		kcheck_printf(context->environment, "loader: %#llx (not shown)\n", (ull)address);
		return;
	}
	/* Byte by byte: only the first one is known to be mapped so far. */
	while (name[length] != '\0' && ++length < sizeof(name)) {
		if (!kcheck_read_virtual(context, address + length, &name[length], 1))
			break;
	}
	report_sanitize(name, length);
	kcheck_printf(context->environment, "loader: \"%.*s\"\n", (int)length, name);
}


/*
 * " crc32 XXXXXXXX" of size bytes at address as they are now, for a test to
 * compare with the file the loader read; " crc32 unreadable at A" if it cannot.
 */
static void
report_crc32(const struct kcheck_context *context, uint64_t address, uint64_t size,
	char *text, size_t textSize)
{
	uint32_t crc;
	uint64_t unreadable;
	/* Wrong magic: nothing it points to is followed. */
	if (context->args->magic != KERNEL_ARGS_MAGIC)
		snprintf(text, textSize, " crc32 - (not trusted)");
	/* Garbage sizes would take forever through a large identity map. */
	else if (size > 0 && !bootcheck_virtual_contains(context->args, address, size))
		snprintf(text, textSize, " crc32 - (not allocated)");
	else if (kcheck_memory_crc32(context, address, size, &crc, &unreadable))
		snprintf(text, textSize, " crc32 %08x", crc);
	else
		snprintf(text, textSize, " crc32 unreadable at %#llx", (ull)unreadable);
}


/*
 * The image and each segment with the CRC-32 of its page aligned mapping.
 * A writable segment gets "crc32 -": the kernel wrote to it before this line
 * (its stack pointer, its variables), so no file can predict it.
 */
static void
print_kernel_image(const struct kcheck_context *context, const kernel_image *kernel)
{
	const struct bootcheck_environment *environment = context->environment;
	kcheck_printf(environment, "kernel image: \"%.*s\"\n",
		(int)strnlen(kernel->name, sizeof(kernel->name)), kernel->name);
	kcheck_printf(environment, "  entry %#llx, image %#llx - %#llx, file size %llu\n",
		(ull)kernel->entry, (ull)kernel->image_start, (ull)kernel->image_end,
		(ull)kernel->file_size);
	kcheck_printf(environment, "  ELF type %u machine %u, %u program headers, %u segments\n",
		kernel->elf_type, kernel->elf_machine, kernel->program_header_count,
		kernel->segment_count);

	uint32_t count = kcheck_clamp_count(kernel->segment_count, MAX_KERNEL_SEGMENTS);
	for (uint32_t i = 0; i < count; i++) {
		const kernel_segment *segment = &kernel->segments[i];
		char crc[48] = " crc32 -";
		if ((segment->flags & KERNEL_SEGMENT_WRITE) == 0) {
			report_crc32(context, segment->virtual_address, segment->size, crc,
				sizeof(crc));
		}
		kcheck_printf(environment,
			"  segment [%u] vaddr %#llx paddr %#llx size %#llx %c%c%c%s\n",
			i, (ull)segment->virtual_address, (ull)segment->physical_address,
			(ull)segment->size,
			(segment->flags & KERNEL_SEGMENT_READ) != 0 ? 'R' : '-',
			(segment->flags & KERNEL_SEGMENT_WRITE) != 0 ? 'W' : '-',
			(segment->flags & KERNEL_SEGMENT_EXECUTE) != 0 ? 'X' : '-', crc);
	}
}


/* The firmware tables, runtime services and framebuffer, as handed over. */
static void
print_firmware(const struct bootcheck_environment *environment, const kernel_args *args)
{
	kcheck_printf(environment, "firmware: ACPI RSDP %#llx revision %u, SMBIOS %#llx,"
		" SMBIOS3 %#llx, device tree %#llx (%llu bytes), boot CPU id %llu\n",
		(ull)args->acpi_rsdp, args->acpi_revision, (ull)args->smbios_entry,
		(ull)args->smbios3_entry, (ull)args->device_tree, (ull)args->device_tree_size,
		(ull)args->boot_cpu_id);
	const struct efi_kernel_args *efi = efi_kernel_args_of(args);
	if (efi != NULL && efi->system_table != 0) {
		kcheck_printf(environment, "efi: system table %#llx, runtime services %#llx,"
			" memory map %#llx (%llu bytes, %u-byte descriptors, version %u)\n",
			(ull)efi->system_table, (ull)efi->runtime_services,
			(ull)efi->memory_map, (ull)efi->memory_map_size,
			efi->descriptor_size, efi->descriptor_version);
	} else
		kcheck_printf(environment, "efi: no runtime services\n");

	const kernel_framebuffer *framebuffer = &args->framebuffer;
	if (framebuffer->physical_address == 0) {
		kcheck_printf(environment, "framebuffer: none\n");
		return;
	}
	kcheck_printf(environment, "framebuffer: %ux%u, %u bpp, %u bytes per line, %#llx"
		" (physical %#llx), %llu KiB, masks r %#x g %#x b %#x x %#x\n", framebuffer->width,
		framebuffer->height, framebuffer->bits_per_pixel, framebuffer->bytes_per_line,
		(ull)framebuffer->address, (ull)framebuffer->physical_address,
		(ull)(framebuffer->size >> 10), framebuffer->red_mask, framebuffer->green_mask,
		framebuffer->blue_mask, framebuffer->reserved_mask);
}


/* A string kernel_args points to, sanitized and shortened, or why it is not shown. */
static void
print_string(const struct kcheck_context *context, const char *title, uint64_t address)
{
	char text[LOG_LINE_LIMIT];
	size_t length;
	if (address == 0 || !bootcheck_virtual_contains(context->args, address, 1)) {
		kcheck_printf(context->environment, "%s: %#llx (not shown)\n", title, (ull)address);
		return;
	}
	enum kcheck_string result = kcheck_read_string(context, address, sizeof(text) - 1, text,
		sizeof(text), &length);
	size_t shown = strlen(text);
	report_sanitize(text, shown);
	kcheck_printf(context->environment, "%s: \"%s\"%s\n", title, text,
		result == KCHECK_STRING_OK ? "" : "...");
}


/* The BOOT_OPTION_* flags by their configuration names; unknown bits as a number. */
static void
print_boot_options(const struct bootcheck_environment *environment, uint32_t options)
{
	static const char *const kNames[] = { "disable_smp", "disable_acpi", "failsafe_video",
		"ignore_above_4g", "serial_debug", "onscreen_log" };
	char names[160] = "";
	size_t length = 0;
	for (uint32_t bit = 0; bit < sizeof(kNames) / sizeof(kNames[0]); bit++) {
		if ((options & (1u << bit)) != 0 && length < sizeof(names)) {
			length += (size_t)snprintf(names + length, sizeof(names) - length, "%s%s",
				length > 0 ? ", " : "", kNames[bit]);
		}
	}
	uint32_t unknown = options & ~BOOT_OPTION_ALL;
	if (unknown != 0 && length < sizeof(names)) {
		snprintf(names + length, sizeof(names) - length, "%sunknown %#x",
			length > 0 ? ", " : "", unknown);
	}
	kcheck_printf(environment, "boot options: %#x (%s)\n", options,
		options != 0 ? names : "none");
}


/*
 * The command line and what the loader preloaded: names, where, and the
 * CRC-32 of the contents as the kernel reads them, which tests compare with
 * the files (the loader computes none).
 */
static void
print_preloaded(const struct kcheck_context *context)
{
	const struct bootcheck_environment *environment = context->environment;
	const kernel_args *args = context->args;
	if (args->magic != KERNEL_ARGS_MAGIC)
		return;
	print_string(context, "command line", args->command_line);
	print_boot_options(environment, args->boot_options);
	kcheck_print_boot_device(context);

	static const char *const kTypes[] = { "?", "module", "symbols", "strings" };
	uint32_t count = kcheck_clamp_count(args->num_preloaded_images, MAX_PRELOADED_IMAGES);
	kcheck_printf(environment, "preloaded images: %u\n", args->num_preloaded_images);
	for (uint32_t i = 0; i < count; i++) {
		const preloaded_image *image = &args->preloaded_images[i];
		char name[KERNEL_IMAGE_NAME_LENGTH];
		size_t length = strnlen(image->name, sizeof(name) - 1);
		memcpy(name, image->name, length);
		name[length] = '\0';
		report_sanitize(name, length);
		char crc[48];
		report_crc32(context, image->address, image->size, crc, sizeof(crc));
		kcheck_printf(environment, "  [%u] %s \"%s\" %#llx size %llu%s\n", i,
			kTypes[image->type <= PRELOADED_KERNEL_STRINGS ? image->type : 0], name,
			(ull)image->address, (ull)image->size, crc);
		if (image->command_line != 0)
			print_string(context, "      command line", image->command_line);
	}
}


/* Each step of the boot, in milliseconds since the loader started and since the last. */
static void
print_timeline(const struct kcheck_context *context)
{
	const struct bootcheck_environment *environment = context->environment;
	const kernel_args *args = context->args;
	uint64_t frequency = args->cycle_counter_frequency;
	uint32_t count = kcheck_clamp_count(args->num_boot_events, MAX_BOOT_EVENTS);
	kcheck_printf(environment, "boot timeline: %u events, cycle counter %llu Hz\n",
		args->num_boot_events, (ull)frequency);
	if (frequency == 0)
		return;

	for (uint32_t i = 0; i < count; i++) {
		const boot_event *event = &args->boot_events[i];
		const boot_event *first = &args->boot_events[0];
		const boot_event *previous = &args->boot_events[i > 0 ? i - 1 : 0];
		/* Garbage may go back in time; the check says so, this must not wrap. */
		uint64_t since = event->cycles >= first->cycles ? event->cycles - first->cycles : 0;
		uint64_t step = event->cycles >= previous->cycles ? event->cycles - previous->cycles : 0;
		uint64_t sinceMicroseconds = kcheck_cycles_microseconds(since, frequency);
		uint64_t stepMicroseconds = kcheck_cycles_microseconds(step, frequency);
		char name[BOOT_EVENT_NAME_LENGTH];
		size_t length = strnlen(event->name, sizeof(name) - 1);
		memcpy(name, event->name, length);
		name[length] = '\0';
		report_sanitize(name, length);

		char detail[32] = "";
		if (event->detail != 0)
			snprintf(detail, sizeof(detail), " (%llu bytes)", (ull)event->detail);
		kcheck_printf(environment, "  %6llu.%03llu ms  +%6llu.%03llu ms  %s%s\n",
			(ull)(sinceMicroseconds / 1000), (ull)(sinceMicroseconds % 1000),
			(ull)(stepMicroseconds / 1000), (ull)(stepMicroseconds % 1000), name, detail);
	}
}


void
kcheck_print_summary(const struct kcheck_context *context)
{
	const struct bootcheck_environment *environment = context->environment;
	const kernel_args *args = context->args;
	const struct bootcheck_image *image = environment->image;

	kcheck_printf(environment, "magic %#llx, version %u, kernel_args_size %u (own sizeof %zu)\n",
		(ull)args->magic, args->version, args->kernel_args_size, sizeof(kernel_args));
	kcheck_printf(environment, "self %#llx, received %#llx, cpu_count %u\n", (ull)args->self,
		(ull)environment->received_args, args->cpu_count);
	print_loader_name(context);

	uint64_t memory = ranges_total(args->physical_memory_range,
		args->num_physical_memory_ranges, MAX_PHYSICAL_MEMORY_RANGES);
	uint64_t allocated = ranges_total(args->physical_allocated_range,
		args->num_physical_allocated_ranges, MAX_PHYSICAL_ALLOCATED_RANGES);
	kcheck_printf(environment,
		"memory: %llu MiB usable, %llu MiB (%llu KiB) allocated by the loader\n",
		(ull)(memory >> 20), (ull)(allocated >> 20), (ull)(allocated >> 10));

	print_ranges(environment, "physical memory ranges", args->physical_memory_range,
		args->num_physical_memory_ranges, MAX_PHYSICAL_MEMORY_RANGES);
	print_ranges(environment, "physical allocated ranges", args->physical_allocated_range,
		args->num_physical_allocated_ranges, MAX_PHYSICAL_ALLOCATED_RANGES);
	print_ranges(environment, "virtual allocated ranges", args->virtual_allocated_range,
		args->num_virtual_allocated_ranges, MAX_VIRTUAL_ALLOCATED_RANGES);
	print_memory_map(environment, args);

	print_kernel_image(context, &args->kernel);
	if (image != NULL) {
		kcheck_printf(environment, "  linked: text %#llx-%#llx rodata %#llx-%#llx"
			" data %#llx-%#llx bss %#llx-%#llx\n", (ull)image->text_start,
			(ull)image->text_end, (ull)image->rodata_start, (ull)image->rodata_end,
			(ull)image->data_start, (ull)image->data_end, (ull)image->bss_start,
			(ull)image->bss_end);
	} else
		kcheck_printf(environment, "  linked: unknown (not running as the kernel)\n");

	const addr_range *stack = &args->cpu_kernel_stack[0];
	kcheck_printf(environment, "stack: %#llx - %#llx, initial stack pointer %#llx\n",
		(ull)stack->start, (ull)(stack->start + stack->size),
		(ull)environment->initial_stack_pointer);
	kcheck_print_cpus(context);
	kcheck_printf(environment, "loader heap: %#llx - %#llx (given back)\n",
		(ull)args->loader_heap.start,
		(ull)(args->loader_heap.start + args->loader_heap.size));
	kcheck_printf(environment, "physical map: base %#llx size %#llx (%llu MiB)\n",
		(ull)args->physical_map_base, (ull)args->physical_map_size,
		(ull)(args->physical_map_size >> 20));

	kcheck_arch_print_summary(context);
	print_firmware(environment, args);
	print_preloaded(context);
	print_timeline(context);

	print_log(context);
}
