package dev.jaio;

import java.nio.file.OpenOption;

/**
 * Open options the JDK lacks, for {@link NativeFile#open} and {@link AsyncFile#open}.
 *
 * <p>The JDK's own {@code com.sun.nio.file.ExtendedOpenOption.DIRECT} is accepted as well as
 * {@link #DIRECT}.
 */
public enum JaioOpenOption implements OpenOption {
    /** {@code O_DIRECT}: bypass the page cache; buffers, offsets and lengths must be aligned. */
    DIRECT,
    /** {@code O_NOATIME}: do not update the access time; only for the file's owner (or root). */
    NOATIME
}
