package dev.jaio.nio;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The default file system as seen through {@link JaioFileSystemProvider}: the platform's, with its paths
 * wrapped so that they name the wrapper as their provider.
 */
final class JaioFileSystem extends FileSystem {
    private final JaioFileSystemProvider provider;
    private final FileSystem delegate;

    JaioFileSystem(JaioFileSystemProvider provider, FileSystem delegate) {
        this.provider = provider;
        this.delegate = delegate;
    }

    /** The platform's file system. */
    FileSystem delegate() {
        return delegate;
    }

    /** {@code p} as a path of this file system; null stays null. */
    Path wrap(Path p) {
        if (p == null || p instanceof JaioPath) {
            return p;
        }
        return new JaioPath(this, p);
    }

    /**
     * The platform's path for {@code p}, a path of this file system or of the platform's default one.
     *
     * @throws java.nio.file.ProviderMismatchException for a path of any other file system
     */
    Path unwrap(Path p) {
        Path u = unwrapOrNull(p);
        if (u == null) {
            throw JaioPath.mismatch(p);
        }
        return u;
    }

    /** As {@link #unwrap(Path)}, with null for a path of another file system. */
    Path unwrapOrNull(Path p) {
        Objects.requireNonNull(p, "path");
        if (p instanceof JaioPath j && j.getFileSystem() == this) {
            return j.delegate();
        }
        return p.getFileSystem() == delegate ? p : null;
    }

    @Override
    public JaioFileSystemProvider provider() {
        return provider;
    }

    /** The default file system cannot be closed: throws {@link UnsupportedOperationException}, as the platform's. */
    @Override
    public void close() throws IOException {
        delegate.close();
    }

    @Override
    public boolean isOpen() {
        return delegate.isOpen();
    }

    @Override
    public boolean isReadOnly() {
        return delegate.isReadOnly();
    }

    @Override
    public String getSeparator() {
        return delegate.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        List<Path> roots = new ArrayList<>();
        for (Path r : delegate.getRootDirectories()) {
            roots.add(wrap(r));
        }
        return roots;
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return delegate.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return delegate.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return wrap(delegate.getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher m = delegate.getPathMatcher(syntaxAndPattern);
        return p -> {
            Path u = unwrapOrNull(p);
            return u != null && m.matches(u);
        };
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return delegate.getUserPrincipalLookupService();
    }

    /** The platform's watch service; its keys and events carry the platform's paths. */
    @Override
    public WatchService newWatchService() throws IOException {
        return delegate.newWatchService();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
