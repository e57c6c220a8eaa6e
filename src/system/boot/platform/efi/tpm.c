/* SPDX-License-Identifier: MIT */
/*
 * Measured boot on UEFI: the firmware's EFI_TCG2_PROTOCOL (TCG EFI Protocol
 * Specification, TPM family 2.0) measures and logs, and passes TPM2_PCR_Read
 * to the TPM for the values the kernel is told. gnu-efi has no TCG2
 * definitions; the ones the loader needs are here.
 */
#include "efi_platform.h"

#include <string.h>

#include <boot/platform.h>

#define TCG2_HASH_ALG_SHA256		0x00000002	/* EFI_TCG2_BOOT_HASH_ALG_SHA256 */
#define TCG2_EVENT_LOG_FORMAT_TCG_2	0x00000002	/* crypto agile */
#define TCG2_EVENT_HEADER_VERSION	1

/* TPM 2.0 Library, part 2: what TPM2_PCR_Read is made of (big-endian). */
#define TPM_ST_NO_SESSIONS			0x8001
#define TPM_CC_PCR_READ				0x0000017e
#define TPM_ALG_SHA256				0x000b
#define TPM_PCR_SELECT_SIZE			3		/* PCRs 0-23 */

/* The spec lays this one out naturally aligned, unlike the event below. */
typedef struct {
	UINT8		Size;
	UINT8		StructureVersion[2];
	UINT8		ProtocolVersion[2];
	UINT32		HashAlgorithmBitmap;
	UINT32		SupportedEventLogs;
	BOOLEAN		TPMPresentFlag;
	UINT16		MaxCommandSize;
	UINT16		MaxResponseSize;
	UINT32		ManufacturerID;
	UINT32		NumberOfPCRBanks;
	UINT32		ActivePcrBanks;
} tcg2_capability;

_Static_assert(sizeof(tcg2_capability) == 36, "EFI_TCG2_BOOT_SERVICE_CAPABILITY");

typedef struct {
	UINT32		Size;				/* of the whole event, Event[] included */
	UINT32		HeaderSize;
	UINT16		HeaderVersion;
	UINT32		PCRIndex;
	UINT32		EventType;
	UINT8		Event[];
} __attribute__((packed)) tcg2_event;

_Static_assert(sizeof(tcg2_event) == 18, "EFI_TCG2_EVENT is packed");

typedef struct tcg2_protocol tcg2_protocol;
struct tcg2_protocol {
	EFI_STATUS (EFIAPI *GetCapability)(tcg2_protocol *self, tcg2_capability *capability);
	EFI_STATUS (EFIAPI *GetEventLog)(tcg2_protocol *self, UINT32 format,
		EFI_PHYSICAL_ADDRESS *location, EFI_PHYSICAL_ADDRESS *lastEntry,
		BOOLEAN *truncated);
	EFI_STATUS (EFIAPI *HashLogExtendEvent)(tcg2_protocol *self, UINT64 flags,
		EFI_PHYSICAL_ADDRESS data, UINT64 dataSize, tcg2_event *event);
	EFI_STATUS (EFIAPI *SubmitCommand)(tcg2_protocol *self, UINT32 inputSize, UINT8 *input,
		UINT32 outputSize, UINT8 *output);
	/* GetActivePcrBanks, SetActivePcrBanks, GetResultOfSetActivePcrBanks follow */
};

static EFI_GUID sTcg2Guid = { 0x607f766c, 0x7455, 0x42be,
	{ 0x93, 0x0b, 0xe4, 0xd7, 0x6d, 0xb2, 0x72, 0x0f } };

static tcg2_protocol *sTcg2;


status_t
platform_measure_init(void)
{
	if (!gBootServicesActive
		|| gBootServices->LocateProtocol(&sTcg2Guid, NULL, (void **)&sTcg2) != EFI_SUCCESS
		|| sTcg2 == NULL) {
		sTcg2 = NULL;
		return B_NOT_SUPPORTED;
	}
	tcg2_capability capability;
	memset(&capability, 0, sizeof(capability));
	capability.Size = sizeof(capability);
	EFI_STATUS status = sTcg2->GetCapability(sTcg2, &capability);
	/*
	 * The protocol exists without a TPM behind it (OVMF always installs it);
	 * without the SHA-256 bank the PCRs could not be read back as the kernel
	 * is told them.
	 */
	if (status != EFI_SUCCESS || !capability.TPMPresentFlag
		|| (capability.ActivePcrBanks & TCG2_HASH_ALG_SHA256) == 0
		|| (capability.SupportedEventLogs & TCG2_EVENT_LOG_FORMAT_TCG_2) == 0) {
		sTcg2 = NULL;
		return status == EFI_SUCCESS ? B_NOT_SUPPORTED : B_ERROR;
	}
	return B_OK;
}


status_t
platform_measure(uint32_t pcr, uint32_t eventType, const void *data, size_t size,
	const void *eventData, size_t eventSize)
{
	if (sTcg2 == NULL || !gBootServicesActive)
		return B_ERROR;
	tcg2_event *event;
	UINTN eventBytes = sizeof(tcg2_event) + eventSize;
	if (gBootServices->AllocatePool(EfiLoaderData, eventBytes, (void **)&event)
			!= EFI_SUCCESS)
		return B_NO_MEMORY;
	event->Size = (UINT32)eventBytes;
	event->HeaderSize = sizeof(tcg2_event) - sizeof(event->Size);
	event->HeaderVersion = TCG2_EVENT_HEADER_VERSION;
	event->PCRIndex = pcr;
	event->EventType = eventType;
	memcpy(event->Event, eventData, eventSize);
	EFI_STATUS status = sTcg2->HashLogExtendEvent(sTcg2, 0,
		(EFI_PHYSICAL_ADDRESS)(uintptr_t)data, size, event);
	gBootServices->FreePool(event);
	/* EFI_VOLUME_FULL: extended, but the log had no room (it says it is truncated) */
	if (status == EFI_SUCCESS || status == EFI_VOLUME_FULL)
		return B_OK;
	return status == EFI_INVALID_PARAMETER ? B_BAD_VALUE : B_ERROR;
}


static void
put_be16(uint8_t *out, uint16_t value)
{
	out[0] = (uint8_t)(value >> 8);
	out[1] = (uint8_t)value;
}


static void
put_be32(uint8_t *out, uint32_t value)
{
	put_be16(out, (uint16_t)(value >> 16));
	put_be16(out + 2, (uint16_t)value);
}


static uint32_t
get_be32(const uint8_t *in)
{
	return (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | in[3];
}


status_t
platform_measure_read_pcr(uint32_t pcr, uint8_t value[32])
{
	if (sTcg2 == NULL || !gBootServicesActive || pcr >= 8 * TPM_PCR_SELECT_SIZE)
		return B_ERROR;
	/* One PCR per command: a TPM may answer a larger selection in part. */
	uint8_t command[20];
	put_be16(command, TPM_ST_NO_SESSIONS);
	put_be32(command + 2, sizeof(command));
	put_be32(command + 6, TPM_CC_PCR_READ);
	put_be32(command + 10, 1);					/* TPML_PCR_SELECTION.count */
	put_be16(command + 14, TPM_ALG_SHA256);
	command[16] = TPM_PCR_SELECT_SIZE;
	memset(command + 17, 0, TPM_PCR_SELECT_SIZE);
	command[17 + pcr / 8] = (uint8_t)(1u << (pcr % 8));

	uint8_t response[128];
	memset(response, 0, sizeof(response));
	if (sTcg2->SubmitCommand(sTcg2, sizeof(command), command, sizeof(response), response)
			!= EFI_SUCCESS)
		return B_ERROR;
	/*
	 * tag, size, code, pcrUpdateCounter, the selection it read (count,
	 * then hash, sizeofSelect and the bits), then TPML_DIGEST: count and
	 * TPM2B_DIGESTs.
	 */
	uint32_t size = get_be32(response + 2);
	if (get_be32(response + 6) != 0)
		return B_IO_ERROR;
	if (size > sizeof(response) || size < 18 || get_be32(response + 14) != 1)
		return B_ERROR;
	size_t offset = 18 + 2;
	uint8_t selectSize = response[offset++];
	offset += selectSize;
	if (offset + 4 + 2 + 32 > size || get_be32(response + offset) != 1
		|| response[offset + 4] != 0 || response[offset + 5] != 32)
		return B_ERROR;
	memcpy(value, response + offset + 6, 32);
	return B_OK;
}


/* The size of the crypto agile event at event, or 0 when it is not one. */
static size_t
tpm_event_size(const uint8_t *event, const uint8_t *specId)
{
	/* TCG_PCR_EVENT2: PCRIndex, EventType, TPML_DIGEST_VALUES, EventSize, Event */
	uint32_t count;
	memcpy(&count, event + 8, 4);
	size_t offset = 12;
	/*
	 * The Spec ID event (TCG_EfiSpecIdEvent, after the 32-byte SHA-1 style
	 * header of the log's first event) lists each algorithm's digest size.
	 */
	uint32_t algorithms;
	memcpy(&algorithms, specId + 24, 4);
	for (uint32_t i = 0; i < count; i++) {
		uint16_t algorithm;
		memcpy(&algorithm, event + offset, 2);
		uint16_t digestSize = 0;
		for (uint32_t j = 0; j < algorithms; j++) {
			uint16_t id, bytes;
			memcpy(&id, specId + 28 + 4 * j, 2);
			memcpy(&bytes, specId + 30 + 4 * j, 2);
			if (id == algorithm)
				digestSize = bytes;
		}
		if (digestSize == 0)
			return 0;
		offset += 2 + digestSize;
	}
	uint32_t eventSize;
	memcpy(&eventSize, event + offset, 4);
	return offset + 4 + eventSize;
}


status_t
platform_measure_event_log(const void **_log, size_t *_size, bool *_truncated)
{
	if (sTcg2 == NULL || !gBootServicesActive)
		return B_ERROR;
	EFI_PHYSICAL_ADDRESS location = 0;
	EFI_PHYSICAL_ADDRESS lastEntry = 0;
	BOOLEAN truncated = FALSE;
	if (sTcg2->GetEventLog(sTcg2, TCG2_EVENT_LOG_FORMAT_TCG_2, &location, &lastEntry,
			&truncated) != EFI_SUCCESS || location == 0)
		return B_NOT_SUPPORTED;
	/* The first event is the Spec ID event, in the old format: 32 bytes of header. */
	const uint8_t *log = (const uint8_t *)(uintptr_t)location;
	uint32_t specIdSize;
	memcpy(&specIdSize, log + 28, 4);
	const uint8_t *specId = log + 32;
	size_t size = 32 + specIdSize;
	if (lastEntry > location) {
		size_t lastSize = tpm_event_size((const uint8_t *)(uintptr_t)lastEntry, specId);
		if (lastSize == 0)
			return B_ERROR;
		size = (size_t)(lastEntry - location) + lastSize;
	}
	*_log = log;
	*_size = size;
	*_truncated = truncated;
	return B_OK;
}
