/* SPDX-License-Identifier: MIT */
/*
 * The floor loader of `jam bench-boot`: the least any loader must do to
 * start a kernel of our ABI from UEFI, as the lower bound our loader is
 * measured against. It reads /boot/kernel's PT_LOAD segments through the
 * firmware's SimpleFileSystem to the physical addresses their p_paddr name,
 * maps the kernel window over them with 2 MiB pages (the firmware's tables
 * cover only the identity map), leaves boot services and jumps to e_entry
 * with no kernel_args (rdi = 0). No menu, no configuration, no memory map
 * for the kernel, no checks beyond what keeps it from jumping into garbage;
 * a failure prints a line on COM1 and ends QEMU with 0x11 (status 35).
 */
#include <efi.h>

#include <arch_kernel_args.h>
#include <arch_x86.h>

#define COM1_PORT			0x3f8
#define DEBUG_EXIT_PORT		0xf4
#define EXIT_FAILED			0x11

#define ELF_PT_LOAD			1
#define ELF_PF_X			1
#define MAX_HEADERS			8
#define LARGE_PAGE			(2ULL << 20)
#define PAGE_PRESENT_WRITABLE	0x3ULL
#define PAGE_LARGE			0x80ULL
#define PAGE_ADDRESS_MASK	0x000ffffffffff000ULL

typedef struct {
	uint8_t		ident[16];
	uint16_t	type;
	uint16_t	machine;
	uint32_t	version;
	uint64_t	entry;
	uint64_t	phoff;
	uint64_t	shoff;
	uint32_t	flags;
	uint16_t	ehsize;
	uint16_t	phentsize;
	uint16_t	phnum;
	uint16_t	shentsize;
	uint16_t	shnum;
	uint16_t	shstrndx;
} elf_header;

typedef struct {
	uint32_t	type;
	uint32_t	flags;
	uint64_t	offset;
	uint64_t	vaddr;
	uint64_t	paddr;
	uint64_t	filesz;
	uint64_t	memsz;
	uint64_t	align;
} elf_program_header;

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systemTable);

static EFI_BOOT_SERVICES *sBoot;


static inline uint64_t
read_cr3(void)
{
	uint64_t value;
	__asm__ volatile("movq %%cr3, %0" : "=r"(value));
	return value;
}


static void __attribute__((noreturn))
fail(const char *what)
{
	const char *prefix = "\r\nfloor-loader: failed: ";
	for (const char *s = prefix; *s != '\0'; s++)
		x86_out8(COM1_PORT, (uint8_t)*s);
	for (; *what != '\0'; what++)
		x86_out8(COM1_PORT, (uint8_t)*what);
	x86_out8(COM1_PORT, '\r');
	x86_out8(COM1_PORT, '\n');
	x86_out8(DEBUG_EXIT_PORT, EXIT_FAILED);
	x86_halt_forever();
}


static void
read_at(EFI_FILE_HANDLE file, uint64_t offset, UINTN size, void *buffer)
{
	UINTN got = size;
	if (file->SetPosition(file, offset) != EFI_SUCCESS
		|| file->Read(file, &got, buffer) != EFI_SUCCESS || got != size)
		fail("reading /boot/kernel");
}


static EFI_FILE_HANDLE
open_kernel(EFI_HANDLE image)
{
	EFI_GUID loadedImageGuid = LOADED_IMAGE_PROTOCOL;
	EFI_GUID fileSystemGuid = SIMPLE_FILE_SYSTEM_PROTOCOL;
	EFI_LOADED_IMAGE *loadedImage;
	EFI_FILE_IO_INTERFACE *volume;
	EFI_FILE_HANDLE root, file;

	if (sBoot->HandleProtocol(image, &loadedImageGuid, (void **)&loadedImage) != EFI_SUCCESS
		|| sBoot->HandleProtocol(loadedImage->DeviceHandle, &fileSystemGuid,
			(void **)&volume) != EFI_SUCCESS
		|| volume->OpenVolume(volume, &root) != EFI_SUCCESS)
		fail("no file system on the boot volume");
	if (root->Open(root, &file, L"\\boot\\kernel", EFI_FILE_MODE_READ, 0) != EFI_SUCCESS)
		fail("no /boot/kernel");
	return file;
}


static void
load_segment(EFI_FILE_HANDLE file, const elf_program_header *header)
{
	EFI_PHYSICAL_ADDRESS base = header->paddr & ~(EFI_PAGE_SIZE - 1);
	UINTN pages = EFI_SIZE_TO_PAGES(header->paddr + header->memsz - base);
	/* OVMF maps loader data no-execute while it runs; code goes in code pages. */
	EFI_MEMORY_TYPE type = (header->flags & ELF_PF_X) ? EfiLoaderCode : EfiLoaderData;
	if (sBoot->AllocatePages(AllocateAddress, type, pages, &base) != EFI_SUCCESS)
		fail("segment's physical pages are taken");
	if (header->filesz != 0)
		read_at(file, header->offset, header->filesz, (void *)(uintptr_t)header->paddr);
	if (header->memsz > header->filesz) {
		sBoot->SetMem((void *)(uintptr_t)(header->paddr + header->filesz),
			header->memsz - header->filesz, 0);
	}
}


/*
 * A PML4 that keeps the firmware's lower half (the identity map this code
 * runs from) and maps [KERNEL_LOAD_BASE, + size) to physical base: the
 * window is PML4 entry 511, PDPT entry 510.
 */
static uint64_t
build_page_tables(uint64_t physicalBase, uint64_t size)
{
	EFI_PHYSICAL_ADDRESS tables;
	if (sBoot->AllocatePages(AllocateAnyPages, EfiLoaderData, 3, &tables) != EFI_SUCCESS)
		fail("no memory for page tables");
	uint64_t *pml4 = (uint64_t *)(uintptr_t)tables;
	uint64_t *pdpt = pml4 + 512;
	uint64_t *directory = pdpt + 512;
	const uint64_t *firmware = (const uint64_t *)(uintptr_t)(read_cr3() & PAGE_ADDRESS_MASK);

	sBoot->SetMem(pdpt, 2 * EFI_PAGE_SIZE, 0);
	for (int i = 0; i < 512; i++)
		pml4[i] = firmware[i];
	pml4[511] = (uint64_t)(uintptr_t)pdpt | PAGE_PRESENT_WRITABLE;
	pdpt[510] = (uint64_t)(uintptr_t)directory | PAGE_PRESENT_WRITABLE;
	for (uint64_t i = 0; i * LARGE_PAGE < size && i < 512; i++)
		directory[i] = (physicalBase + i * LARGE_PAGE) | PAGE_PRESENT_WRITABLE | PAGE_LARGE;
	return tables;
}


static void
exit_boot_services(EFI_HANDLE image)
{
	UINTN size = 0, key, descriptorSize;
	UINT32 descriptorVersion;
	EFI_MEMORY_DESCRIPTOR *map = NULL;

	sBoot->GetMemoryMap(&size, NULL, &key, &descriptorSize, &descriptorVersion);
	/* Room for the entries the allocation itself adds. */
	UINTN capacity = size + 8 * descriptorSize;
	if (sBoot->AllocatePool(EfiLoaderData, capacity, (void **)&map) != EFI_SUCCESS)
		fail("no memory for the memory map");
	for (int attempt = 0; attempt < 4; attempt++) {
		size = capacity;
		if (sBoot->GetMemoryMap(&size, map, &key, &descriptorSize, &descriptorVersion)
				!= EFI_SUCCESS)
			fail("GetMemoryMap");
		if (sBoot->ExitBootServices(image, key) == EFI_SUCCESS)
			return;
	}
	fail("ExitBootServices");
}


EFI_STATUS
efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systemTable)
{
	sBoot = systemTable->BootServices;
	EFI_FILE_HANDLE file = open_kernel(image);

	elf_header header;
	elf_program_header headers[MAX_HEADERS];
	read_at(file, 0, sizeof(header), &header);
	if (header.ident[0] != 0x7f || header.ident[1] != 'E' || header.ident[2] != 'L'
		|| header.ident[3] != 'F' || header.ident[4] != 2
		|| header.machine != KERNEL_ARCH_ELF_MACHINE
		|| header.phentsize != sizeof(elf_program_header)
		|| header.phnum == 0 || header.phnum > MAX_HEADERS)
		fail("/boot/kernel is no x86_64 ELF64 executable");
	read_at(file, header.phoff, header.phnum * sizeof(elf_program_header), headers);

	uint64_t physicalBase = 0, windowEnd = 0;
	for (int i = 0; i < header.phnum; i++) {
		const elf_program_header *segment = &headers[i];
		if (segment->type != ELF_PT_LOAD || segment->memsz == 0)
			continue;
		if (segment->vaddr < KERNEL_LOAD_BASE
			|| segment->vaddr + segment->memsz > KERNEL_WINDOW_END)
			fail("segment outside the kernel window");
		uint64_t base = segment->paddr - (segment->vaddr - KERNEL_LOAD_BASE);
		if (physicalBase == 0)
			physicalBase = base;
		if (base != physicalBase || (base & (LARGE_PAGE - 1)) != 0)
			fail("segments do not lie at one 2 MiB aligned offset from the window");
		if (segment->vaddr + segment->memsz - KERNEL_LOAD_BASE > windowEnd)
			windowEnd = segment->vaddr + segment->memsz - KERNEL_LOAD_BASE;
		load_segment(file, segment);
	}
	file->Close(file);
	if (windowEnd == 0)
		fail("/boot/kernel has nothing to load");

	uint64_t pageDirectory = build_page_tables(physicalBase, windowEnd);
	exit_boot_services(image);

	__asm__ volatile(
		"cli\n\t"
		"movq %0, %%cr3\n\t"
		"xorl %%edi, %%edi\n\t"
		"xorl %%esi, %%esi\n\t"
		"jmp *%1"
		: : "r"(pageDirectory), "r"(header.entry) : "rdi", "rsi", "memory");
	__builtin_unreachable();
}
