/*
 * The boot-check kernel: prints what the loader handed over, runs the checks
 * and ends QEMU with a verdict, also when a CPU exception interrupts it.
 */
#include "kernel.h"

#include <string.h>


#define EXCEPTION_VECTORS		32
#define IDT_INTERRUPT_GATE		0x8e	/* present, ring 0, 64-bit interrupt gate */
#define REASON_SIZE				200
#define LOG_CONTEXT_LINES		3
/* Log lines are shown shortened so that one cannot swamp the summary. */
#define LOG_LINE_LIMIT			160

struct idt_gate {
	uint16_t	offset_low;
	uint16_t	selector;
	uint8_t		ist;
	uint8_t		type;
	uint16_t	offset_middle;
	uint32_t	offset_high;
	uint32_t	reserved;
} __attribute__((packed));

struct descriptor_register {
	uint16_t	limit;
	uint64_t	base;
} __attribute__((packed));

struct log_line {
	const char	*text;
	size_t		length;
};

#define RODATA_CANARY_VALUE		0x6f72746e6f635f72ULL
#define DATA_CANARY_VALUE		0x617461645f6b6f21ULL

/*
 * Read back with volatile loads (the compiler would fold them otherwise): they
 * show whether the loader copied the file contents to the right places.
 * A const volatile object would land in .data, hence the cast when reading.
 */
static const uint64_t kRodataCanary = RODATA_CANARY_VALUE;
static volatile uint64_t sDataCanary = DATA_CANARY_VALUE;

static const char *const kExceptionNames[EXCEPTION_VECTORS] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM no FPU", "#DF double fault",
	"coprocessor overrun", "#TS invalid TSS", "#NP segment not present",
	"#SS stack fault", "#GP general protection", "#PF page fault", "reserved 15",
	"#MF x87 error", "#AC alignment check", "#MC machine check", "#XM SIMD error",
	"#VE virtualization", "#CP control protection", "reserved 22", "reserved 23",
	"reserved 24", "reserved 25", "reserved 26", "reserved 27",
	"#HV hypervisor injection", "#VC VMM communication", "#SX security",
	"reserved 31",
};

static struct idt_gate sIdt[EXCEPTION_VECTORS] __attribute__((aligned(16)));
/* What was running, for the verdict when an exception ends the boot. */
static const char *sPhase = "startup";
static bool sInException;


static uint16_t
cpu_read_cs(void)
{
	uint16_t selector;
	__asm__ volatile("mov %%cs, %0" : "=r"(selector));
	return selector;
}


static void
cpu_read_state(struct kcheck_cpu_state *state)
{
	struct descriptor_register gdtr;
	__asm__ volatile("mov %%cr3, %0" : "=r"(state->cr3));
	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	__asm__ volatile("mov %%ds, %0" : "=r"(state->ds));
	__asm__ volatile("mov %%ss, %0" : "=r"(state->ss));
	state->gdt_base = gdtr.base;
	state->gdt_limit = gdtr.limit;
	state->cs = cpu_read_cs();
}


static uint64_t
cpu_read_cr2(void)
{
	uint64_t address;
	__asm__ volatile("mov %%cr2, %0" : "=r"(address));
	return address;
}


/*
 * Without handlers any fault would triple-fault and reset the machine
 * silently; with them a loader bug that makes a check fault still ends in a
 * verdict.
 */
static void
traps_install(void)
{
	uint16_t selector = cpu_read_cs();
	for (int i = 0; i < EXCEPTION_VECTORS; i++) {
		uint64_t handler = gExceptionStubs[i];
		sIdt[i].offset_low = (uint16_t)handler;
		sIdt[i].selector = selector;
		sIdt[i].ist = 0;
		sIdt[i].type = IDT_INTERRUPT_GATE;
		sIdt[i].offset_middle = (uint16_t)(handler >> 16);
		sIdt[i].offset_high = (uint32_t)(handler >> 32);
		sIdt[i].reserved = 0;
	}

	struct descriptor_register idtr = {
		.limit = sizeof(sIdt) - 1,
		.base = (uint64_t)(uintptr_t)sIdt,
	};
	__asm__ volatile("lidt %0" : : "m"(idtr));
}


void
kernel_exception(const uint64_t *frame)
{
	uint64_t vector = frame[0];
	const char *name = vector < EXCEPTION_VECTORS ? kExceptionNames[vector] : "unknown";

	/* A fault while reporting one: say as little as possible and leave. */
	if (sInException) {
		static const char kNested[] = "\nBOOTCHECK FAIL: nested exception\n";
		serial_write(kNested, sizeof(kNested) - 1);
		kernel_exit(KERNEL_EXIT_FAIL);
	}
	sInException = true;

	kernel_printf("\nEXCEPTION %s (vector %llu) error %#llx\n", name, (ull)vector,
		(ull)frame[1]);
	kernel_printf("  rip %#llx cs %#llx rflags %#llx rsp %#llx ss %#llx cr2 %#llx\n",
		(ull)frame[2], (ull)frame[3], (ull)frame[4], (ull)frame[5], (ull)frame[6],
		(ull)cpu_read_cr2());
	kernel_printf("BOOTCHECK FAIL: %s: exception %s at rip %#llx (cr2 %#llx)\n", sPhase,
		name, (ull)frame[2], (ull)cpu_read_cr2());
	kernel_exit(KERNEL_EXIT_FAIL);
}


/* Offset of the first non-zero byte, or UINT64_MAX: must run before .bss is written. */
static uint64_t
image_find_bss_garbage(void)
{
	const volatile uint8_t *bss = (const volatile uint8_t *)__bss_start;
	uint64_t size = (uint64_t)(__bss_end - __bss_start);
	for (uint64_t i = 0; i < size; i++) {
		if (bss[i] != 0)
			return i;
	}
	return UINT64_MAX;
}


static void
image_describe(struct kcheck_image *image, uint64_t bssNonzero)
{
	image->text_start = (uint64_t)(uintptr_t)__text_start;
	image->text_end = (uint64_t)(uintptr_t)__text_end;
	image->rodata_start = (uint64_t)(uintptr_t)__rodata_start;
	image->rodata_end = (uint64_t)(uintptr_t)__rodata_end;
	image->data_start = (uint64_t)(uintptr_t)__data_start;
	image->data_end = (uint64_t)(uintptr_t)__data_end;
	image->bss_start = (uint64_t)(uintptr_t)__bss_start;
	image->bss_end = (uint64_t)(uintptr_t)__bss_end;
	image->entry = (uint64_t)(uintptr_t)_start;
	image->bss_nonzero = bssNonzero;
	image->rodata_canary_ok
		= *(const volatile uint64_t *)&kRodataCanary == RODATA_CANARY_VALUE;
	image->data_canary_ok = sDataCanary == DATA_CANARY_VALUE;
}


/* --- summary ------------------------------------------------------------- */

static uint64_t
ranges_total(const addr_range *ranges, uint32_t count, uint32_t max)
{
	uint64_t total = 0;
	for (uint32_t i = 0; i < count && i < max; i++)
		total += ranges[i].size;
	return total;
}


static void
print_ranges(const char *title, const addr_range *ranges, uint32_t count, uint32_t max)
{
	kernel_printf("%s: %u\n", title, count);
	if (count > max) {
		kernel_printf("  (count exceeds %u, showing %u)\n", max, max);
		count = max;
	}
	for (uint32_t i = 0; i < count; i++) {
		kernel_printf("  [%3u] 0x%016llx - 0x%016llx  size %#llx (%llu KiB)\n", i,
			(ull)ranges[i].start, (ull)(ranges[i].start + ranges[i].size),
			(ull)ranges[i].size, (ull)(ranges[i].size / 1024));
	}
}


static void
print_log_line(const struct log_line *line)
{
	char buffer[LOG_LINE_LIMIT + 1];
	size_t length = 0;
	for (size_t i = 0; i < line->length && length < LOG_LINE_LIMIT; i++) {
		unsigned char c = (unsigned char)line->text[i];
		if (c == '\r')
			continue;
		/* Keep control characters from moving the terminal or faking line starts. */
		buffer[length++] = (c < 0x20 && c != '\t') || c == 0x7f ? '.' : (char)c;
	}
	buffer[length] = '\0';
	kernel_printf("  log| %s%s\n", buffer, line->length > LOG_LINE_LIMIT ? "..." : "");
}


static void
print_log(const kernel_args *args)
{
	if (args->magic != KERNEL_ARGS_MAGIC || args->log_size == 0
		|| !kcheck_virtual_contains(args, args->log_address, args->log_size)) {
		kernel_printf("loader log: %#llx size %#llx (not shown)\n", (ull)args->log_address,
			(ull)args->log_size);
		return;
	}

	const char *text = (const char *)(uintptr_t)args->log_address;
	size_t size = (size_t)args->log_size;
	struct log_line first[LOG_CONTEXT_LINES];
	struct log_line last[LOG_CONTEXT_LINES];	/* ring buffer of the latest lines */
	uint64_t lineCount = 0;

	size_t start = 0;
	while (start < size) {
		const char *newline = memchr(text + start, '\n', size - start);
		size_t end = newline != NULL ? (size_t)(newline - text) : size;
		struct log_line line = { text + start, end - start };
		if (lineCount < LOG_CONTEXT_LINES)
			first[lineCount] = line;
		last[lineCount % LOG_CONTEXT_LINES] = line;
		lineCount++;
		start = end + 1;
	}

	kernel_printf("loader log: %#llx size %llu, %llu lines\n", (ull)args->log_address,
		(ull)size, (ull)lineCount);
	uint64_t head = lineCount < LOG_CONTEXT_LINES ? lineCount : LOG_CONTEXT_LINES;
	for (uint64_t i = 0; i < head; i++)
		print_log_line(&first[i]);
	if (lineCount <= LOG_CONTEXT_LINES)
		return;

	uint64_t tailStart = lineCount - LOG_CONTEXT_LINES;
	if (tailStart < LOG_CONTEXT_LINES)
		tailStart = LOG_CONTEXT_LINES;
	else if (tailStart > LOG_CONTEXT_LINES)
		kernel_printf("  log| [%llu lines]\n", (ull)(tailStart - LOG_CONTEXT_LINES));
	for (uint64_t i = tailStart; i < lineCount; i++)
		print_log_line(&last[i % LOG_CONTEXT_LINES]);
}


static void
print_kernel_image(const kernel_image *kernel)
{
	kernel_printf("kernel image: \"%.*s\"\n", (int)strnlen(kernel->name, sizeof(kernel->name)),
		kernel->name);
	kernel_printf("  entry %#llx, image %#llx - %#llx, file size %llu\n", (ull)kernel->entry,
		(ull)kernel->image_start, (ull)kernel->image_end, (ull)kernel->file_size);
	kernel_printf("  ELF type %u machine %u, %u program headers, %u segments\n",
		kernel->elf_type, kernel->elf_machine, kernel->program_header_count,
		kernel->segment_count);

	uint32_t count = kernel->segment_count;
	if (count > MAX_KERNEL_SEGMENTS)
		count = MAX_KERNEL_SEGMENTS;
	for (uint32_t i = 0; i < count; i++) {
		const kernel_segment *segment = &kernel->segments[i];
		kernel_printf("  segment [%u] vaddr %#llx paddr %#llx size %#llx %c%c%c\n", i,
			(ull)segment->virtual_address, (ull)segment->physical_address,
			(ull)segment->size,
			(segment->flags & KERNEL_SEGMENT_READ) != 0 ? 'R' : '-',
			(segment->flags & KERNEL_SEGMENT_WRITE) != 0 ? 'W' : '-',
			(segment->flags & KERNEL_SEGMENT_EXECUTE) != 0 ? 'X' : '-');
	}
}


static void
print_summary(const struct kcheck_context *context)
{
	const kernel_args *args = context->args;
	const struct arch_kernel_args *arch = &args->arch_args;
	const struct kcheck_image *image = &context->image;

	kernel_printf("magic %#llx, version %u, kernel_args_size %u (own sizeof %zu)\n",
		(ull)args->magic, args->version, args->kernel_args_size, sizeof(kernel_args));
	kernel_printf("self %#llx, received %#llx, cpu_count %u\n", (ull)args->self,
		(ull)context->received_args, args->cpu_count);

	/*
	 * Pointers are only followed where the loader says memory is mapped, and
	 * not at all when this does not even look like kernel_args.
	 */
	uint64_t name = args->loader_name;
	if (args->magic == KERNEL_ARGS_MAGIC && name != 0 && kcheck_virtual_contains(args, name, 1)) {
		const char *text = (const char *)(uintptr_t)name;
		/* Stop at the page end: only the first byte is known to be mapped so far. */
		size_t limit = KERNEL_PAGE_SIZE - (name & (KERNEL_PAGE_SIZE - 1));
		if (limit > 80)
			limit = 80;
		kernel_printf("loader: \"%.*s\"\n", (int)strnlen(text, limit), text);
	} else
		kernel_printf("loader: %#llx (not shown)\n", (ull)name);

	uint64_t memory = ranges_total(args->physical_memory_range,
		args->num_physical_memory_ranges, MAX_PHYSICAL_MEMORY_RANGES);
	uint64_t allocated = ranges_total(args->physical_allocated_range,
		args->num_physical_allocated_ranges, MAX_PHYSICAL_ALLOCATED_RANGES);
	kernel_printf("memory: %llu MiB usable, %llu MiB (%llu KiB) allocated by the loader\n",
		(ull)(memory >> 20), (ull)(allocated >> 20), (ull)(allocated >> 10));

	print_ranges("physical memory ranges", args->physical_memory_range,
		args->num_physical_memory_ranges, MAX_PHYSICAL_MEMORY_RANGES);
	print_ranges("physical allocated ranges", args->physical_allocated_range,
		args->num_physical_allocated_ranges, MAX_PHYSICAL_ALLOCATED_RANGES);
	print_ranges("virtual allocated ranges", args->virtual_allocated_range,
		args->num_virtual_allocated_ranges, MAX_VIRTUAL_ALLOCATED_RANGES);

	print_kernel_image(&args->kernel);
	kernel_printf("  linked: text %#llx-%#llx rodata %#llx-%#llx data %#llx-%#llx"
		" bss %#llx-%#llx\n", (ull)image->text_start, (ull)image->text_end,
		(ull)image->rodata_start, (ull)image->rodata_end, (ull)image->data_start,
		(ull)image->data_end, (ull)image->bss_start, (ull)image->bss_end);

	const addr_range *stack = &args->cpu_kernel_stack[0];
	kernel_printf("stack: %#llx - %#llx, initial rsp %#llx\n", (ull)stack->start,
		(ull)(stack->start + stack->size), (ull)context->initial_rsp);
	kernel_printf("physical map: base %#llx size %#llx (%llu MiB)\n",
		(ull)args->physical_map_base, (ull)args->physical_map_size,
		(ull)(args->physical_map_size >> 20));

	kernel_printf("arch: page_directory_physical %#llx, gdt %#llx limit %#x, code %#x"
		" data %#x, identity map %#llx\n", (ull)arch->page_directory_physical,
		(ull)arch->gdt_address, arch->gdt_limit, arch->kernel_code_selector,
		arch->kernel_data_selector, (ull)arch->identity_map_size);
	kernel_printf("cpu: cr3 %#llx, gdtr %#llx limit %#x, cs %#x ds %#x ss %#x\n",
		(ull)context->cpu.cr3, (ull)context->cpu.gdt_base, context->cpu.gdt_limit,
		context->cpu.cs, context->cpu.ds, context->cpu.ss);

	print_log(args);
}


/* --- checks and verdict -------------------------------------------------- */

static void run_checks(struct kcheck_context *context) __attribute__((noreturn));


static void
run_checks(struct kcheck_context *context)
{
	char firstReason[REASON_SIZE] = "";
	const char *firstName = NULL;
	uint32_t failed = 0;

	for (int i = 0; i < KCHECK_COUNT; i++) {
		const struct kcheck *check = &gKernelChecks[i];
		char reason[REASON_SIZE] = "";
		sPhase = check->name;

		bool passed = check->run(context, reason, sizeof(reason));
		context->passed[i] = passed;
		if (passed) {
			kernel_printf("CHECK %s: ok\n", check->name);
			continue;
		}

		if (reason[0] == '\0')
			memcpy(reason, "no reason given", sizeof("no reason given"));
		kernel_printf("CHECK %s: FAIL (%s)\n", check->name, reason);
		if (failed++ == 0) {
			firstName = check->name;
			memcpy(firstReason, reason, sizeof(firstReason));
		}
	}

	sPhase = "verdict";
	kernel_printf("bootcheck: %d checks, %u failed\n", KCHECK_COUNT, failed);
	if (failed == 0) {
		kernel_printf("BOOTCHECK PASS\n");
		kernel_exit(KERNEL_EXIT_PASS);
	}
	kernel_printf("BOOTCHECK FAIL: %s: %s\n", firstName, firstReason);
	kernel_exit(KERNEL_EXIT_FAIL);
}


void
kernel_main(kernel_args *args, uint32_t cpu)
{
	/* Before anything writes to .bss, so that a loader that did not clear it is seen. */
	uint64_t bssNonzero = image_find_bss_garbage();

	serial_init();
	kernel_printf("\nbootcheck: kernel entered: kernel_args %#llx, cpu %u, rsp %#llx\n",
		(ull)(uintptr_t)args, cpu, (ull)gBootInitialStack);
	traps_install();

	uint64_t address = (uint64_t)(uintptr_t)args;
	if (address < KERNEL_PHYSICAL_MAP_BASE || address % sizeof(uint64_t) != 0) {
		/* Nothing else can be trusted, not even the ranges that say what is mapped. */
		kernel_printf("bootcheck: 0 checks, 1 failed\n");
		kernel_printf("BOOTCHECK FAIL: args: kernel_args pointer %#llx is not an aligned"
			" kernel address\n", (ull)address);
		kernel_exit(KERNEL_EXIT_FAIL);
	}

	struct kcheck_context context;
	memset(&context, 0, sizeof(context));
	context.args = args;
	context.received_args = address;
	context.received_cpu = cpu;
	context.initial_rsp = gBootInitialStack;
	cpu_read_state(&context.cpu);
	image_describe(&context.image, bssNonzero);

	sPhase = "summary";
	print_summary(&context);
	run_checks(&context);
}
