package dev.jaio;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/** Turns an errno from a file call into the JDK's exception where it has one, else an {@link AioException}. */
final class FileErrors {
    private FileErrors() {
    }

    static IOException of(String call, int errno, Path path, long position, String advice) {
        String file = path != null ? path.toString() : null;
        Errno e = Errno.of(errno);
        if (e != null) {
            switch (e) {
                case ENOENT:
                    return new NoSuchFileException(file, null, call + ": " + e.description());
                case EEXIST:
                    return new FileAlreadyExistsException(file, null, call + ": " + e.description());
                case EACCES:
                case EPERM:
                    if (call.equals("open")) {
                        return new AccessDeniedException(file, null, call + ": " + Errno.nameOf(errno) + " ("
                                + e.description() + ")" + (advice != null ? ": " + advice : ""));
                    }
                    break;
                case ENOTDIR:
                    return new NotDirectoryException(file);
                case EISDIR:
                    return new FileSystemException(file, null, call + ": EISDIR (Is a directory): "
                            + "a directory cannot be opened for I/O; name a regular file or a block device");
                default:
                    break;
            }
        }
        return new AioException(call, errno, advice, path, position);
    }
}
