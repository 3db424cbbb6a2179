/**
 * jaio behind the JDK's own channel types, for code that should not have to change.
 *
 * <ul>
 *   <li>{@link dev.jaio.nio.AioAsynchronousFileChannel}: an
 *       {@link java.nio.channels.AsynchronousFileChannel} whose reads, writes and forces run on an
 *       {@link dev.jaio.AioEngine} (kernel AIO where usable).</li>
 *   <li>{@link dev.jaio.nio.AioFileChannel}: a blocking {@link java.nio.channels.FileChannel} that waits
 *       for the engine's futures, so a virtual thread parks instead of holding its carrier in a
 *       syscall.</li>
 *   <li>{@link dev.jaio.nio.JaioFileSystemProvider}: a wrapper of the platform's default file system
 *       provider, installed with
 *       {@code -Djava.nio.file.spi.DefaultFileSystemProvider=dev.jaio.nio.JaioFileSystemProvider}, that
 *       makes {@code AsynchronousFileChannel.open} return jaio's channel in unchanged code.</li>
 * </ul>
 *
 * <p>Byte-range locks, transfers and memory mappings are not I/O the engine does: they are delegated to
 * a platform {@link java.nio.channels.FileChannel} opened on the same open file (through
 * {@code /proc/self/fd}), so they share the JDK's per-file lock table with every other channel of the JVM.
 */
package dev.jaio.nio;
