/*
 * store-chain.h -- the hashes that make the journal tamper-evident, as
 * pure functions of the values stored (no SQLite here), so the writer, the
 * migration and the verifier compute them the same way and a test can
 * check them against an independent implementation.
 *
 * Every hash is SHA-256 (nettle's) over an unambiguous encoding of typed
 * fields, in lowercase hex:
 *   text    'T' + its byte length as 8 bytes big-endian + its bytes
 *   integer 'I' + the value as 8 bytes big-endian two's complement
 *   null    'N'
 * genesis = H(T"podium/genesis/1", event text or N, mode or N)
 * row     = H(T"podium/row/1", T prev, I seq, T kind, T args, I mono_ms,
 *             I wall_ms, T origin, T ext_id or N)
 * undo    = H(T"podium/undo/1", T prev, I n, I seq, I undone)
 * where prev is the previous row's (undo entry's) hash, or the genesis for
 * the first. docs/RECORD.md gives the same in Python.
 */
#ifndef PODIUM_STORE_CHAIN_H
#define PODIUM_STORE_CHAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

/* A reusable digest context (hashing many rows allocates once). */
struct store_chain;

/* Create a digest context; aborts when memory runs out. */
struct store_chain *store_chain_create(void);

/* Free a digest context; NULL is accepted. */
void store_chain_destroy(struct store_chain *c);

/*
 * The hash both chains start from: the event text and the mode ("live",
 * "rehearsal") as stored, each NULL when not stored.
 */
void store_chain_genesis(struct store_chain *c, const char *event,
    const char *mode, char out[STORE_HASH_HEX + 1]);

/* The hash of a journal row after the row (or genesis) hashed prev. */
void store_chain_row(struct store_chain *c, const char *prev,
    const struct store_row *row, char out[STORE_HASH_HEX + 1]);

/* The hash of undo entry n (row seq's flag set to undone) after prev. */
void store_chain_undo(struct store_chain *c, const char *prev, int64_t n,
    int64_t seq, bool undone, char out[STORE_HASH_HEX + 1]);

#endif /* PODIUM_STORE_CHAIN_H */
