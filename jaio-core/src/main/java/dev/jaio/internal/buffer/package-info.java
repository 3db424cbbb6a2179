/**
 * Staging memory: the pool of aligned native chunks that heap, misaligned or caller-closable memory is
 * copied through, and the rule for which memory may go to the kernel as it is. Uses
 * {@code internal.linux} and {@code internal.memory}; nothing above it.
 */
package dev.jaio.internal.buffer;
