/**
 * The raw Linux ABI: syscall numbers per architecture, libc downcalls with errno captured per call,
 * and the layouts of the kernel structs jaio shares memory with.
 *
 * <p>Everything here deals in numbers: a call returns its result, or {@code -errno} on failure, the
 * way the kernel itself does. Turning an errno into an exception happens once, above this package,
 * where the call's name and the caller's intent are known. Nothing here is public API.
 */
package dev.jaio.internal.linux;
