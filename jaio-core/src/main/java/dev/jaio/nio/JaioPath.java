package dev.jaio.nio;

import java.io.IOException;
import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Objects;

/**
 * A path of {@link JaioFileSystem}: the platform's path, answering {@link #getFileSystem()} with the
 * wrapper so that {@link java.nio.file.Files} and the channel factories reach
 * {@link JaioFileSystemProvider}. Every path it returns is wrapped again; every path it is given may be
 * a {@code JaioPath} or a platform path of the default file system.
 */
final class JaioPath implements Path {
    private final JaioFileSystem fs;
    private final Path delegate;

    JaioPath(JaioFileSystem fs, Path delegate) {
        this.fs = fs;
        this.delegate = Objects.requireNonNull(delegate);
    }

    /** The platform's path. */
    Path delegate() {
        return delegate;
    }

    private Path wrap(Path p) {
        return fs.wrap(p);
    }

    private Path unwrap(Path p) {
        return fs.unwrap(p);
    }

    @Override
    public JaioFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return delegate.isAbsolute();
    }

    @Override
    public Path getRoot() {
        return wrap(delegate.getRoot());
    }

    @Override
    public Path getFileName() {
        return wrap(delegate.getFileName());
    }

    @Override
    public Path getParent() {
        return wrap(delegate.getParent());
    }

    @Override
    public int getNameCount() {
        return delegate.getNameCount();
    }

    @Override
    public Path getName(int index) {
        return wrap(delegate.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return wrap(delegate.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        Path u = fs.unwrapOrNull(other);
        return u != null && delegate.startsWith(u);
    }

    @Override
    public boolean endsWith(Path other) {
        Path u = fs.unwrapOrNull(other);
        return u != null && delegate.endsWith(u);
    }

    @Override
    public Path normalize() {
        return wrap(delegate.normalize());
    }

    @Override
    public Path resolve(Path other) {
        return wrap(delegate.resolve(unwrap(other)));
    }

    @Override
    public Path relativize(Path other) {
        return wrap(delegate.relativize(unwrap(other)));
    }

    @Override
    public URI toUri() {
        return delegate.toUri();
    }

    @Override
    public Path toAbsolutePath() {
        return wrap(delegate.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        return wrap(delegate.toRealPath(options));
    }

    /**
     * Registers the directory with a watch service of this file system. The keys' {@code watchable()} and
     * the events' contexts are the platform's paths.
     */
    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers)
            throws IOException {
        return delegate.register(watcher, events, modifiers);
    }

    @Override
    public int compareTo(Path other) {
        return delegate.compareTo(unwrap(other));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof JaioPath p && p.fs == fs && p.delegate.equals(delegate);
    }

    @Override
    public int hashCode() {
        return delegate.hashCode();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }

    static ProviderMismatchException mismatch(Path p) {
        return new ProviderMismatchException("not a path of the default file system: path=" + p
                + " provider=" + p.getFileSystem().provider());
    }
}
