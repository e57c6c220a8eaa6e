/* SPDX-License-Identifier: MIT */
/*
 * Names for status codes, for messages a person reads.
 */
#include <boot/status.h>


const char *
status_string(status_t status)
{
	switch (status) {
		case B_OK:
			return "no error";
		case B_ERROR:
			return "general error";
		case B_NO_MEMORY:
			return "out of memory";
		case B_BAD_VALUE:
			return "invalid argument";
		case B_ENTRY_NOT_FOUND:
			return "no such file or directory";
		case B_IO_ERROR:
			return "I/O error";
		case B_NOT_SUPPORTED:
			return "not supported";
		case B_BAD_DATA:
			return "bad data";
		case B_BUFFER_OVERFLOW:
			return "too many entries";
		case B_NOT_ALLOWED:
			return "not allowed";
		case B_BAD_ADDRESS:
			return "address not available";
		case B_TIMED_OUT:
			return "timed out";
		case B_NAME_TOO_LONG:
			return "name too long";
		case B_INTERRUPTED:
			return "interrupted";
	}
	return "unknown error";
}
