/*
 * fuzz_document.c - libFuzzer harness of the workflow document validator.
 *
 * Any bytes at all go to rr_document_validate(), which must return a
 * verdict: never crash, read out of bounds, leak or hang.  Built with
 * clang -fsanitize=fuzzer,address,undefined (test/unit/Makefile); run
 * briefly by make test, longer by make fuzz.
 */
#include <stddef.h>
#include <stdint.h>

#include "document.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	RrDocLimits limits = {.max_bytes = 64 * 1024, .max_nodes = 200};
	RrDocError	err;

	(void) rr_document_validate((const char *) data, size, &limits, NULL,
								NULL, &err);
	return 0;
}
