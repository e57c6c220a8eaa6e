/* SPDX-License-Identifier: MIT */
/*
 * Measured boot on the hosted port: a Linux process has no TPM of its own,
 * so its boots are never measured (the generic code says so once).
 */
#include <boot/platform.h>


status_t
platform_measure_init(void)
{
	return B_NOT_SUPPORTED;
}


status_t
platform_measure(uint32_t pcr, uint32_t eventType, const void *data, size_t size,
	const void *eventData, size_t eventSize)
{
	(void)pcr;
	(void)eventType;
	(void)data;
	(void)size;
	(void)eventData;
	(void)eventSize;
	return B_NOT_SUPPORTED;
}


status_t
platform_measure_read_pcr(uint32_t pcr, uint8_t value[32])
{
	(void)pcr;
	(void)value;
	return B_NOT_SUPPORTED;
}


status_t
platform_measure_event_log(const void **_log, size_t *_size, bool *_truncated)
{
	(void)_log;
	(void)_size;
	(void)_truncated;
	return B_NOT_SUPPORTED;
}
