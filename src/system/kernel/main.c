/*
 * The boot-check kernel: gathers what only the running kernel can know, has
 * the checker validate kernel_args and ends QEMU with its verdict, also when
 * a CPU exception interrupts it.
 */
#include "kernel.h"

#include <string.h>


#define EXCEPTION_VECTORS		32
#define IDT_INTERRUPT_GATE		0x8e	/* present, ring 0, 64-bit interrupt gate */

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
cpu_read_state(struct bootcheck_cpu_state *state)
{
	struct descriptor_register gdtr;
	__asm__ volatile("mov %%cr3, %0" : "=r"(state->cr3));
	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	__asm__ volatile("mov %%ds, %0" : "=r"(state->ds));
	__asm__ volatile("mov %%ss, %0" : "=r"(state->ss));
	state->gdt_base = gdtr.base;
	state->gdt_limit = gdtr.limit;
	state->cs = cpu_read_cs();
	__asm__ volatile("mov %%cr0, %0" : "=r"(state->cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(state->cr4));

	uint32_t eax, ebx, ecx, edx;
	__asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(1), "c"(0));
	state->apic_id = ebx >> 24;
	state->x2apic_id = BOOTCHECK_NO_X2APIC_ID;
	__asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(0), "c"(0));
	if (eax >= 0xb) {
		__asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx)
			: "a"(0xb), "c"(0));
		/* No logical processors at the first level: the leaf is not implemented. */
		if (ebx != 0)
			state->x2apic_id = edx;
	}
}


/* What decides page permissions besides the tables: EFER.NXE and the CPU's features. */
static void
cpu_read_paging(struct bootcheck_cpu_state *state)
{
	const uint32_t kMsrEfer = 0xc0000080;
	uint32_t low, high;
	__asm__ volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(kMsrEfer));
	state->efer = ((uint64_t)high << 32) | low;

	uint32_t eax, ebx, ecx, edx;
	__asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx)
		: "a"(0x80000000), "c"(0));
	state->has_no_execute = false;
	state->has_huge_pages = false;
	if (eax >= 0x80000001) {
		__asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx)
			: "a"(0x80000001), "c"(0));
		state->has_no_execute = (edx >> 20) & 1;
		state->has_huge_pages = (edx >> 26) & 1;
	}
}


static uint64_t
cpu_read_tsc(void)
{
	uint32_t low, high;
	__asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
	return ((uint64_t)high << 32) | low;
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
image_describe(struct bootcheck_image *image, uint64_t bssNonzero)
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


/* --- the checker's view of memory ---------------------------------------- */

/* Only what the loader says is mapped; the exception handlers catch the rest. */
static bool
memory_read_virtual(void *cookie, uint64_t address, void *buffer, size_t size)
{
	const kernel_args *args = cookie;
	if (!bootcheck_virtual_contains(args, address, size))
		return false;
	memcpy(buffer, (const void *)(uintptr_t)address, size);
	return true;
}


static bool
memory_read_physical(void *cookie, uint64_t address, void *buffer, size_t size)
{
	const kernel_args *args = cookie;
	uint64_t mapSize = args->physical_map_size;
	if (address > mapSize || size > mapSize - address)
		return false;
	return memory_read_virtual(cookie, args->physical_map_base + address, buffer, size);
}


static void
enter_phase(const char *name)
{
	sPhase = name;
}


void
kernel_main(kernel_args *args, uint32_t cpu)
{
	/* The timeline's last event must lie before this. */
	uint64_t entryTsc = cpu_read_tsc();
	/* Before anything writes to .bss, so that a loader that did not clear it is seen. */
	uint64_t bssNonzero = image_find_bss_garbage();

	serial_init();
	kernel_printf("\nbootcheck: kernel entered: kernel_args %#llx, cpu %u, rsp %#llx\n",
		(ull)(uintptr_t)args, cpu, (ull)gBootInitialStack);
	traps_install();

	uint64_t address = (uint64_t)(uintptr_t)args;
	if (address < KERNEL_PHYSICAL_MAP_BASE || address % sizeof(uint64_t) != 0) {
		/* Nothing else can be trusted, not even the ranges that say what is mapped. */
		kernel_printf("bootcheck: 0 checks, 1 failed, 0 skipped\n");
		kernel_printf("BOOTCHECK FAIL: args: kernel_args pointer %#llx is not an aligned"
			" kernel address\n", (ull)address);
		kernel_exit(KERNEL_EXIT_FAIL);
	}

	struct bootcheck_cpu_state cpuState;
	struct bootcheck_image image;
	cpu_read_state(&cpuState);
	cpu_read_paging(&cpuState);
	cpuState.cycles = entryTsc;
	image_describe(&image, bssNonzero);

	const struct bootcheck_machine machine = {
		.efi_get_time = machine_efi_get_time,
		.write_virtual = machine_write_virtual,
		.cookie = args,
	};
	struct bootcheck_environment environment = {
		.args = args,
		.received_args = address,
		.received_cpu = cpu,
		.initial_rsp = gBootInitialStack,
		.cpu = &cpuState,
		.image = &image,
		.memory = {
			.read_virtual = memory_read_virtual,
			.read_physical = memory_read_physical,
			.cookie = args,
		},
		.machine = &machine,
		.output = serial_write,
		.enter_phase = enter_phase,
	};
	bool passed = bootcheck_run(&environment);
	enter_phase("hold");
	machine_hold_screen(args);
	kernel_exit(passed ? KERNEL_EXIT_PASS : KERNEL_EXIT_FAIL);
}
