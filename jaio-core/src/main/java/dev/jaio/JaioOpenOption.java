package dev.jaio;

import java.nio.file.OpenOption;

/**
 * Open options the JDK lacks, for {@link NativeFile#open}, {@link AsyncFile#open} and jaio's channels.
 *
 * <p>The JDK's own {@code com.sun.nio.file.ExtendedOpenOption.DIRECT} is accepted as well as
 * {@link #DIRECT}.
 */
public enum JaioOpenOption implements OpenOption {
    /** {@code O_DIRECT}: bypass the page cache; buffers, offsets and lengths must be aligned. */
    DIRECT,
    /** {@code O_NOATIME}: do not update the access time; only for the file's owner (or root). */
    NOATIME,
    /**
     * For jaio's NIO channels ({@code dev.jaio.nio}) opened with O_DIRECT: stage what the JDK's channels
     * refuse instead of refusing it, as {@link AsyncFile} always does. Without it the channels keep the
     * JDK's contract: a position, length or buffer address that is not a multiple of the file store's
     * block size throws the JDK's {@link java.io.IOException}. With it, a buffer of any address and a read
     * at any position and length succeed (a read covers the aligned range around it, through aligned
     * memory), and a write needs only the file's {@link DirectIoAlignment#offset()} for its position and
     * length. {@link NativeFile} and {@link AsyncFile} accept it and do nothing more.
     */
    STAGE_UNALIGNED
}
