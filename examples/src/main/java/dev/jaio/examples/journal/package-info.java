/**
 * A durable append-only journal on jaio: records framed with a length and a CRC32C, appended with
 * O_DIRECT into preallocated segment files, made durable in groups (many writers, one write and one
 * sync per group), acknowledged only once durable, and recovered on open up to the first torn or corrupt
 * record. See {@link dev.jaio.examples.journal.Journal}.
 */
package dev.jaio.examples.journal;
