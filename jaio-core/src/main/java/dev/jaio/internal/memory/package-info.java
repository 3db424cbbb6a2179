/**
 * What jaio needs to know of a caller's memory before the kernel may use it asynchronously: whether only
 * the garbage collector can free it. Used by {@code AsyncFile} (which memory goes to the kernel as it is)
 * and by {@code IoUring} (which memory may be registered); depends on nothing of jaio's.
 */
package dev.jaio.internal.memory;
