/** Small concurrency pieces shared by the layers above: guards that keep closed resources out of syscalls. */
package dev.jaio.internal.concurrent;
