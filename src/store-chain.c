/*
 * store-chain.c -- SHA-256 hashes of the journal's chains (encoding in
 * store-chain.h and docs/RECORD.md).
 *
 * Data flow: a caller hands in the stored values of one row (or undo
 * entry) and the previous hash; the fields are fed one by one, each with
 * its type tag and length, into one SHA-256 context that is reused from
 * row to row, and the digest comes back as lowercase hex. Nothing of the
 * digest itself is written here: nettle computes it (the project's choice
 * over OpenSSL's libcrypto, whose start-up alone costs the console 3 MB).
 */
#include "store-chain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

/* Domain tags: a row hash can never be mistaken for an undo or genesis one. */
#define STORE_CHAIN_GENESIS_TAG "podium/genesis/1"
#define STORE_CHAIN_ROW_TAG "podium/row/1"
#define STORE_CHAIN_UNDO_TAG "podium/undo/1"

struct store_chain {
	struct sha256_ctx ctx;
};

/* Create a digest context. */
struct store_chain *
store_chain_create(void)
{
	struct store_chain *c = calloc(1, sizeof *c);

	if (c == NULL) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	return c;
}

/* Free a digest context. */
void
store_chain_destroy(struct store_chain *c)
{
	free(c);
}

/* Start a digest. */
static void
store_chain_begin(struct store_chain *c)
{
	sha256_init(&c->ctx);
}

/* Feed raw bytes. */
static void
store_chain_bytes(struct store_chain *c, const void *p, size_t n)
{
	sha256_update(&c->ctx, n, p);
}

/* Feed a 64-bit value as 8 bytes, most significant first. */
static void
store_chain_u64(struct store_chain *c, uint64_t v)
{
	unsigned char b[8];

	for (int i = 7; i >= 0; i--) {
		b[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	store_chain_bytes(c, b, sizeof b);
}

/* Feed a text field, or the null tag for NULL. */
static void
store_chain_text(struct store_chain *c, const char *s)
{
	size_t n;

	if (s == NULL) {
		store_chain_bytes(c, "N", 1);
		return;
	}
	n = strlen(s);
	store_chain_bytes(c, "T", 1);
	store_chain_u64(c, (uint64_t)n);
	store_chain_bytes(c, s, n);
}

/* Feed an integer field (two's complement, as the cast to uint64_t gives). */
static void
store_chain_int(struct store_chain *c, int64_t v)
{
	store_chain_bytes(c, "I", 1);
	store_chain_u64(c, (uint64_t)v);
}

/* Finish a digest as lowercase hex. */
static void
store_chain_end(struct store_chain *c, char out[STORE_HASH_HEX + 1])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t md[SHA256_DIGEST_SIZE];

	_Static_assert(SHA256_DIGEST_SIZE * 2 == STORE_HASH_HEX,
	    "a hash is the hex of a SHA-256 digest");
	sha256_digest(&c->ctx, sizeof md, md);
	for (size_t i = 0; i < sizeof md; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[STORE_HASH_HEX] = '\0';
}

/* The hash both chains start from. */
void
store_chain_genesis(struct store_chain *c, const char *event,
    const char *mode, char out[STORE_HASH_HEX + 1])
{
	store_chain_begin(c);
	store_chain_text(c, STORE_CHAIN_GENESIS_TAG);
	store_chain_text(c, event);
	store_chain_text(c, mode);
	store_chain_end(c, out);
}

/* The hash of one journal row, chained to prev. */
void
store_chain_row(struct store_chain *c, const char *prev,
    const struct store_row *row, char out[STORE_HASH_HEX + 1])
{
	store_chain_begin(c);
	store_chain_text(c, STORE_CHAIN_ROW_TAG);
	store_chain_text(c, prev);
	store_chain_int(c, row->seq);
	store_chain_text(c, row->kind);
	store_chain_text(c, row->args);
	store_chain_int(c, row->mono_ms);
	store_chain_int(c, row->wall_ms);
	store_chain_text(c, row->origin);
	store_chain_text(c, row->ext_id);
	store_chain_end(c, out);
}

/* The hash of one undo entry, chained to prev. */
void
store_chain_undo(struct store_chain *c, const char *prev, int64_t n,
    int64_t seq, bool undone, char out[STORE_HASH_HEX + 1])
{
	store_chain_begin(c);
	store_chain_text(c, STORE_CHAIN_UNDO_TAG);
	store_chain_text(c, prev);
	store_chain_int(c, n);
	store_chain_int(c, seq);
	store_chain_int(c, undone ? 1 : 0);
	store_chain_end(c, out);
}
