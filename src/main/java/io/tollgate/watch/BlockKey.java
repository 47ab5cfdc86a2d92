package io.tollgate.watch;

/** A block by number and hash: a number alone names different blocks across a reorg. */
record BlockKey(long number, String hash) {}
