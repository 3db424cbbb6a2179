package dev.jaio.nio;

import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;

/**
 * A lock held through a platform {@link FileChannel} on the same open file, presented as a lock of the
 * jaio channel that asked for it: {@link #channel()} and {@link #acquiredBy()} name the jaio channel,
 * validity and release are the platform lock's.
 */
final class JaioFileLock extends FileLock {
    private final FileLock platformLock;

    JaioFileLock(FileChannel channel, FileLock platformLock) {
        super(channel, platformLock.position(), platformLock.size(), platformLock.isShared());
        this.platformLock = platformLock;
    }

    JaioFileLock(AsynchronousFileChannel channel, FileLock platformLock) {
        super(channel, platformLock.position(), platformLock.size(), platformLock.isShared());
        this.platformLock = platformLock;
    }

    /** Whether the lock is held: false once released or once the channel is closed. */
    @Override
    public boolean isValid() {
        return platformLock.isValid();
    }

    /**
     * Releases the lock; nothing if it was released already.
     *
     * @throws java.nio.channels.ClosedChannelException if the lock is valid and its channel is closed
     */
    @Override
    public void release() throws IOException {
        platformLock.release();
    }
}
