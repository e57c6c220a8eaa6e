/* SPDX-License-Identifier: MIT */
/*
 * A returning EFI application for the chainload tests: it says on the
 * console (which OVMF mirrors to the serial line) what it was started with,
 * its load options, the file its device path names, whether that device
 * has a file system and the size of the device tree it finds, and returns
 * with exit data, so that the loader must bring its menu back. Load options
 * "copy <from> <to>" make it copy a file of its volume first, through the
 * firmware's file system, as a shell or an updater the loader started
 * might: what the loader kept of that volume is then stale.
 */
#include <efi.h>

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systemTable);

static EFI_GUID sLoadedImageGuid = LOADED_IMAGE_PROTOCOL;
static EFI_GUID sFileSystemGuid = SIMPLE_FILE_SYSTEM_PROTOCOL;
static EFI_GUID sDeviceTreeGuid = EFI_DTB_TABLE_GUID;
static CHAR16 sExitData[] = u"echo exit data";
static UINT8 sCopyBuffer[64 * 1024];


static void
echo_say(EFI_SYSTEM_TABLE *table, const CHAR16 *label, const CHAR16 *text, UINTN units)
{
	CHAR16 line[512];
	UINTN length = 0;
	for (; *label != 0 && length < 500; label++)
		line[length++] = *label;
	for (UINTN i = 0; i < units && text[i] != 0 && length < 508; i++)
		line[length++] = text[i];
	line[length++] = u'\r';
	line[length++] = u'\n';
	line[length] = 0;
	table->ConOut->OutputString(table->ConOut, line);
}


/* The file path node of the image's device path, or NULL. */
static const CHAR16 *
echo_file_name(EFI_DEVICE_PATH *path, UINTN *_units)
{
	for (; path != NULL && !IsDevicePathEnd(path); path = NextDevicePathNode(path)) {
		if (DevicePathType(path) == MEDIA_DEVICE_PATH
				&& DevicePathSubType(path) == MEDIA_FILEPATH_DP) {
			*_units = (DevicePathNodeLength(path) - sizeof(EFI_DEVICE_PATH)) / 2;
			return (const CHAR16 *)((const UINT8 *)path + sizeof(EFI_DEVICE_PATH));
		}
	}
	return NULL;
}


/* The totalsize of the device tree configuration table's tree, in decimal; "none". */
static void
echo_device_tree(EFI_SYSTEM_TABLE *table)
{
	const UINT8 *tree = NULL;
	for (UINTN i = 0; i < table->NumberOfTableEntries; i++) {
		const UINT8 *guid = (const UINT8 *)&table->ConfigurationTable[i].VendorGuid;
		UINTN same = 0;
		while (same < sizeof(EFI_GUID) && guid[same] == ((const UINT8 *)&sDeviceTreeGuid)[same])
			same++;
		if (same == sizeof(EFI_GUID))
			tree = table->ConfigurationTable[i].VendorTable;
	}
	if (tree == NULL) {
		echo_say(table, u"ECHO-APP device tree: ", u"none", 4);
		return;
	}
	UINT32 size = (UINT32)tree[4] << 24 | (UINT32)tree[5] << 16 | (UINT32)tree[6] << 8 | tree[7];
	CHAR16 digits[16];
	UINTN at = 15;
	digits[at] = 0;
	do {
		digits[--at] = (CHAR16)(u'0' + size % 10);
		size /= 10;
	} while (size != 0);
	echo_say(table, u"ECHO-APP device tree: ", digits + at, 15 - at);
}


/* Opens path (NUL-terminated) on root for reading, or for writing anew. */
static EFI_FILE_HANDLE
echo_open(EFI_FILE_HANDLE root, CHAR16 *path, BOOLEAN write)
{
	EFI_FILE_HANDLE file;
	UINT64 mode = EFI_FILE_MODE_READ | (write ? EFI_FILE_MODE_WRITE | EFI_FILE_MODE_CREATE : 0);
	if (root->Open(root, &file, path, mode, 0) != EFI_SUCCESS)
		return NULL;
	if (!write)
		return file;
	/* Delete closes the handle; the file is made again, empty. */
	if (file->Delete(file) != EFI_SUCCESS
			|| root->Open(root, &file, path, mode, 0) != EFI_SUCCESS)
		return NULL;
	return file;
}


/* "copy <from> <to>" in the load options (edited in place, slashes made
 * backslashes): copies the file. */
static void
echo_copy(EFI_SYSTEM_TABLE *table, EFI_LOADED_IMAGE *loaded, void *fileSystem)
{
	CHAR16 *options = loaded->LoadOptions;
	UINTN units = loaded->LoadOptionsSize / 2;
	static const CHAR16 kCopy[] = u"copy ";
	for (UINTN i = 0; i < 5; i++) {
		if (i >= units || options[i] != kCopy[i])
			return;
	}
	CHAR16 *from = options + 5, *to = NULL;
	for (UINTN i = 5; i < units && options[i] != 0; i++) {
		if (options[i] == u'/')
			options[i] = u'\\';
		if (options[i] == u' ') {
			options[i] = 0;
			to = options + i + 1;
		}
	}
	if (to == NULL || options[units - 1] != 0) {
		echo_say(table, u"ECHO-APP copy: ", u"needs <from> <to>", 17);
		return;
	}
	EFI_FILE_IO_INTERFACE *volume = fileSystem;
	EFI_FILE_HANDLE root, source = NULL, target = NULL;
	if (volume->OpenVolume(volume, &root) != EFI_SUCCESS) {
		echo_say(table, u"ECHO-APP copy: ", u"no volume", 9);
		return;
	}
	source = echo_open(root, from, FALSE);
	target = source != NULL ? echo_open(root, to, TRUE) : NULL;
	EFI_STATUS status = target != NULL ? EFI_SUCCESS : EFI_NOT_FOUND;
	for (UINTN size = 1; status == EFI_SUCCESS && size > 0;) {
		size = sizeof(sCopyBuffer);
		status = source->Read(source, &size, sCopyBuffer);
		if (status == EFI_SUCCESS && size > 0)
			status = target->Write(target, &size, sCopyBuffer);
	}
	if (target != NULL && target->Close(target) != EFI_SUCCESS)
		status = EFI_DEVICE_ERROR;
	if (source != NULL)
		source->Close(source);
	root->Close(root);
	echo_say(table, u"ECHO-APP copy: ", status == EFI_SUCCESS ? u"done" : u"failed", 6);
}


EFI_STATUS
efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *table)
{
	EFI_LOADED_IMAGE *loaded;
	if (table->BootServices->HandleProtocol(image, &sLoadedImageGuid, (void **)&loaded)
			!= EFI_SUCCESS)
		return EFI_LOAD_ERROR;
	echo_say(table, u"ECHO-APP options: ", loaded->LoadOptions != NULL
		? loaded->LoadOptions : u"(none)", loaded->LoadOptionsSize / 2);

	UINTN units = 0;
	const CHAR16 *file = echo_file_name(loaded->FilePath, &units);
	echo_say(table, u"ECHO-APP file: ", file != NULL ? file : u"(none)",
		file != NULL ? units : 6);

	void *fileSystem;
	BOOLEAN hasVolume = loaded->DeviceHandle != NULL
		&& table->BootServices->HandleProtocol(loaded->DeviceHandle, &sFileSystemGuid,
			&fileSystem) == EFI_SUCCESS;
	echo_say(table, u"ECHO-APP volume: ", hasVolume ? u"a file system" : u"none", 16);
	echo_device_tree(table);
	if (hasVolume)
		echo_copy(table, loaded, fileSystem);

	/* Exit data comes from pool memory the caller frees. */
	CHAR16 *exitData;
	if (table->BootServices->AllocatePool(EfiLoaderData, sizeof(sExitData),
			(void **)&exitData) != EFI_SUCCESS)
		return EFI_OUT_OF_RESOURCES;
	for (UINTN i = 0; i < sizeof(sExitData) / 2; i++)
		exitData[i] = sExitData[i];
	return table->BootServices->Exit(image, EFI_ABORTED, sizeof(sExitData), exitData);
}
