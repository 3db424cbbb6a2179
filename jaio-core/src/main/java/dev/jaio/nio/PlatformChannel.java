package dev.jaio.nio;

import dev.jaio.AsyncFile;
import dev.jaio.NativeFile;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;

/**
 * The platform {@link FileChannel} a jaio channel delegates locks, transfers and mappings to: opened on
 * first use on the jaio channel's own open file (see {@link PlatformFiles#reopen}), with the same access,
 * and closed with it.
 *
 * <p>Opening and closing exclude each other, so the descriptor number is never reopened after the jaio
 * channel has begun closing it (it could name another file by then).
 */
final class PlatformChannel {
    private final NativeFile file;
    private final boolean read;
    private final boolean write;
    private FileChannel channel;
    private boolean closed;

    PlatformChannel(NativeFile file) {
        this.file = file;
        this.read = file.isReadable();
        this.write = file.isWritable();
    }

    /** The platform channel, opened now if needed. */
    synchronized FileChannel get() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (channel == null) {
            channel = PlatformFiles.reopen(file.fd(), read, write, file.isAppend());
        }
        return channel;
    }

    /**
     * Closes the platform channel, then {@code file} even if that failed: how a jaio channel closes.
     *
     * @param file the channel's jaio file
     * @throws IOException if either close fails
     */
    void closeWith(AsyncFile file) throws IOException {
        try {
            close();
        } finally {
            file.close();
        }
    }

    /** A channel's {@code toString}: its type, path, engine and whether it is closed. */
    static String describe(String type, AsyncFile file, boolean open) {
        return type + "[path=" + file.path() + ", engine=" + file.engine().kind() + (open ? "" : ", closed") + "]";
    }

    /** Closes the platform channel (which releases its locks); later {@link #get()} calls fail. */
    void close() throws IOException {
        FileChannel c;
        synchronized (this) {
            closed = true;
            c = channel;
            channel = null;
        }
        if (c != null) {
            c.close();
        }
    }
}
