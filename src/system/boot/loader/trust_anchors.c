/* SPDX-License-Identifier: MIT */
/*
 * Empty until build/scripts/embed-trust fills it in a built loader. Not
 * const and not static: the compiler must read it at run time instead of
 * folding in the empty initialiser, and must keep it in initialised data,
 * where the marker makes it findable in the file.
 */
#include <boot/trust_anchors.h>

__attribute__((used)) struct trust_anchors gTrustAnchors = {
	.marker = TRUST_ANCHORS_MARKER,
};
