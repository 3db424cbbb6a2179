package dev.jaio.nio;

import dev.jaio.AsyncFile;
import dev.jaio.DirectIoAlignment;
import dev.jaio.JaioOpenOption;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * What the JDK's channels require of I/O on a file opened with {@code ExtendedOpenOption.DIRECT}, checked
 * in the JDK's order with the JDK's exceptions and texts, so that jaio's channels refuse exactly what the
 * JDK's refuse (unless opened with {@link JaioOpenOption#STAGE_UNALIGNED}).
 *
 * <p>The JDK's {@link java.nio.channels.FileChannel} checks, in Java, against the block size of the
 * file's store ({@link java.nio.file.FileStore#getBlockSize()}): the channel position, then for each buffer
 * its position in memory (direct buffers) and its remaining bytes; heap buffers go through an aligned
 * temporary buffer. A scattering or gathering call checks only the remaining bytes, and the kernel then
 * judges the addresses of direct buffers. The JDK's {@link java.nio.channels.AsynchronousFileChannel}
 * checks nothing: the kernel judges every request, and heap buffers fail, since its temporary buffers are
 * not aligned. The kernel's refusal is {@code EINVAL}, which the JDK reports as an {@link IOException}
 * with the text {@code Invalid argument}.
 */
final class DirectIoContract {
    /** What the kernel's EINVAL reads as from the JDK's channels. */
    static final String KERNEL_EINVAL = "Invalid argument";

    private final int blockSize;
    private final DirectIoAlignment kernel;

    private DirectIoContract(int blockSize, DirectIoAlignment kernel) {
        this.blockSize = blockSize;
        this.kernel = kernel;
    }

    /**
     * The contract for a channel on {@code file}, or null when the JDK's checks do not apply: the file is
     * not open with O_DIRECT, or the channel was opened with {@link JaioOpenOption#STAGE_UNALIGNED}.
     */
    static DirectIoContract of(AsyncFile file, Set<? extends OpenOption> options) throws IOException {
        if (!file.isDirect() || options.contains(JaioOpenOption.STAGE_UNALIGNED)) {
            return null;
        }
        return new DirectIoContract(blockSizeOf(file), file.directIoAlignment());
    }

    /** The file store's block size, as the JDK's channel takes it; through the descriptor if the path is gone. */
    private static int blockSizeOf(AsyncFile file) throws IOException {
        long size;
        try {
            size = Files.getFileStore(file.path()).getBlockSize();
        } catch (IOException e) {
            size = Files.getFileStore(Path.of("/proc/self/fd/" + file.nativeFile().fd())).getBlockSize();
        }
        return (int) size;
    }

    /** The block size checks are made against. */
    int blockSize() {
        return blockSize;
    }

    /** The JDK's check of the channel position, made before any buffer is looked at. */
    void checkChannelPosition(long position) throws IOException {
        if (position % blockSize != 0) {
            throw new IOException("Channel position (" + position + ") is not a multiple of the block size ("
                    + blockSize + ")");
        }
    }

    /** The JDK's checks of one buffer of a single-buffer call: its address if direct, then its remaining bytes. */
    void checkBuffer(ByteBuffer b) throws IOException {
        if (b.isDirect()) {
            int pos = b.position();
            int offset = b.alignmentOffset(pos, blockSize);
            if (offset != 0) {
                throw new IOException("Current position of the bytebuffer (" + pos + ") is not a multiple of "
                        + "the block size (" + blockSize + "): alignment offset = " + offset);
            }
        }
        checkRemaining(b);
    }

    /** The JDK's check of a buffer's remaining bytes, the only one a scattering or gathering call makes. */
    void checkRemaining(ByteBuffer b) throws IOException {
        int rem = b.remaining();
        if (rem % blockSize != 0) {
            throw new IOException("Number of remaining bytes (" + rem + ") is not a multiple of the block size ("
                    + blockSize + ")");
        }
    }

    /**
     * Whether the kernel refuses a direct buffer at {@code position} (the JDK hands such buffers to it as
     * they are); the caller then reports {@link #kernelRefusal()}.
     */
    boolean kernelRefuses(ByteBuffer b, long position) {
        return !b.isDirect() ? false : !kernel.accepts(MemorySegment.ofBuffer(b), position);
    }

    /** The exception the JDK's channels give for the kernel's EINVAL. */
    static IOException kernelRefusal() {
        return new IOException(KERNEL_EINVAL);
    }
}
