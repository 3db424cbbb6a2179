package dev.jaio.nio;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.spi.FileSystemProvider;
import java.util.EnumSet;
import java.util.Set;

/**
 * The platform's own file system provider and channels, reached without going through
 * {@link JaioFileSystemProvider} even when it is installed as the default, so that jaio's channels never
 * recurse into themselves.
 */
final class PlatformFiles {
    private PlatformFiles() {
    }

    /** The provider the JDK built in: the default one, or the one the installed wrapper forwards to. */
    static FileSystemProvider provider() {
        FileSystemProvider p = FileSystems.getDefault().provider();
        return p instanceof JaioFileSystemProvider j ? j.delegate() : p;
    }

    /** {@code path} as the platform provider's own path. */
    static Path unwrap(Path path) {
        return path instanceof JaioPath j ? j.delegate() : path;
    }

    /**
     * A platform {@link FileChannel} on the open file behind {@code fd}: {@code /proc/self/fd/<fd>} is
     * reopened, so the channel reaches the same inode even after a rename or unlink. The caller keeps
     * {@code fd} open for the duration of this call.
     */
    static FileChannel reopen(int fd, boolean read, boolean write, boolean append) throws IOException {
        Set<StandardOpenOption> options = EnumSet.noneOf(StandardOpenOption.class);
        if (read) {
            options.add(StandardOpenOption.READ);
        }
        if (write) {
            options.add(append ? StandardOpenOption.APPEND : StandardOpenOption.WRITE);
        }
        FileSystemProvider p = provider();
        Path proc = unwrap(FileSystems.getDefault().getPath("/proc/self/fd/" + fd));
        return p.newFileChannel(proc, options);
    }
}
