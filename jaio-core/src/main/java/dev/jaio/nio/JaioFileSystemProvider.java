package dev.jaio.nio;

import dev.jaio.internal.linux.Native;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * The platform's default file system provider with jaio's channels: installed with
 * {@code -Djava.nio.file.spi.DefaultFileSystemProvider=dev.jaio.nio.JaioFileSystemProvider}, it makes
 * {@link AsynchronousFileChannel#open} return an {@link AioAsynchronousFileChannel} for regular files, so
 * unchanged code does its asynchronous file I/O on kernel AIO. Everything else is forwarded to the
 * platform's provider unchanged.
 *
 * <p>The JDK builds the default file system from the provider it is given, so the wrapper presents the
 * platform's file system and paths wrapped: their {@code provider()} is this provider, which is how
 * {@link java.nio.file.Files} and the channel factories reach it. Paths given to it may be its own or the
 * platform's; it hands the platform's provider the platform's paths.
 *
 * <p>What goes to jaio:
 * <ul>
 *   <li>{@link #newAsynchronousFileChannel}: jaio's channel for an existing regular file, or a file the
 *       call creates; the platform's channel for anything else (devices, FIFOs, directories), when jaio's
 *       native calls are unavailable on this platform, or when the system property
 *       {@code jaio.nio.asynchronousFileChannel} is {@code false}.</li>
 *   <li>{@link #newFileChannel}: jaio's {@link AioFileChannel}, likewise, only when the system property
 *       {@code jaio.nio.fileChannel} is {@code true}; the platform's channel by default, since much code
 *       opens FileChannels on files that are not regular and for memory mapping.</li>
 * </ul>
 * jaio's channels never open files through this provider (they call open(2) on the path's string and
 * reach the platform's channel through the platform's provider), so the wrapper does not recurse.
 *
 * <p>Watch services are the platform's: their keys and events carry the platform's paths.
 * This class is not registered as a {@link java.util.ServiceLoader} provider: installed providers may
 * not use the "file" scheme, and the JDK instantiates a replacement default provider itself.
 */
public final class JaioFileSystemProvider extends FileSystemProvider {
    private final FileSystemProvider delegate;
    private final JaioFileSystem fileSystem;
    private volatile Throwable unusable;

    /**
     * Wraps {@code delegate}, the platform's default provider; the JDK calls this constructor when the
     * class is named by {@code java.nio.file.spi.DefaultFileSystemProvider}.
     *
     * @param delegate the platform's provider, which gets everything jaio does not handle
     */
    public JaioFileSystemProvider(FileSystemProvider delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        if (!"file".equals(delegate.getScheme())) {
            throw new IllegalArgumentException("the delegate must be the default provider: scheme="
                    + delegate.getScheme());
        }
        this.fileSystem = new JaioFileSystem(this, delegate.getFileSystem(URI.create("file:///")));
    }

    /**
     * The platform provider this one forwards to.
     *
     * @return the platform provider this one forwards to
     */
    public FileSystemProvider delegate() {
        return delegate;
    }

    private Path unwrap(Path p) {
        return fileSystem.unwrap(p);
    }

    private Path wrap(Path p) {
        return fileSystem.wrap(p);
    }

    // ---- the channels jaio answers -----------------------------------------------------------------

    /**
     * Opens an {@link AioAsynchronousFileChannel} on a regular file, or the platform's channel as the class
     * documentation says.
     */
    @Override
    public AsynchronousFileChannel newAsynchronousFileChannel(Path path, Set<? extends OpenOption> options,
                                                              ExecutorService executor, FileAttribute<?>... attrs)
            throws IOException {
        Path p = unwrap(path);
        if (enabled("jaio.nio.asynchronousFileChannel", true) && isRegularOrAbsent(p, options)) {
            try {
                return AioAsynchronousFileChannel.open(p, options, executor, attrs);
            } catch (IllegalCallerException | LinkageError e) {
                disable(e);
            }
        }
        return delegate.newAsynchronousFileChannel(p, options, executor, attrs);
    }

    /**
     * Opens an {@link AioFileChannel} on a regular file when {@code jaio.nio.fileChannel} is {@code true},
     * else the platform's channel.
     */
    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        Path p = unwrap(path);
        if (enabled("jaio.nio.fileChannel", false) && isRegularOrAbsent(p, options)) {
            try {
                return AioFileChannel.open(p, options, attrs);
            } catch (IllegalCallerException | LinkageError e) {
                disable(e);
            }
        }
        return delegate.newFileChannel(p, options, attrs);
    }

    /**
     * Stops using jaio for the rest of the JVM's life, when its native calls are refused (native access not
     * enabled, {@link IllegalCallerException}) or cannot be linked: the platform's channels serve instead,
     * and the cause is logged once.
     */
    private void disable(Throwable cause) {
        if (unusable == null) {
            unusable = cause;
            System.getLogger(JaioFileSystemProvider.class.getName()).log(System.Logger.Level.WARNING,
                    "jaio's channels are unusable here; the platform's channels serve instead "
                            + "(is native access enabled? --enable-native-access=ALL-UNNAMED or =dev.jaio)", cause);
        }
    }

    private boolean enabled(String property, boolean byDefault) {
        if (unusable != null || !Native.isSupportedPlatform()) {
            return false;
        }
        String v = System.getProperty(property);
        return v == null ? byDefault : Boolean.parseBoolean(v.trim());
    }

    private boolean isRegularOrAbsent(Path p, Set<? extends OpenOption> options) throws IOException {
        LinkOption[] links = options.contains(LinkOption.NOFOLLOW_LINKS)
                ? new LinkOption[] {LinkOption.NOFOLLOW_LINKS} : new LinkOption[0];
        try {
            return delegate.readAttributes(p, BasicFileAttributes.class, links).isRegularFile();
        } catch (NoSuchFileException e) {
            return true; // created by the open, or reported by it
        }
    }

    // ---- forwarded ---------------------------------------------------------------------------------

    /** {@code "file"}. */
    @Override
    public String getScheme() {
        return delegate.getScheme();
    }

    /** Throws {@link java.nio.file.FileSystemAlreadyExistsException}, as the platform's provider does. */
    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
        return delegate.newFileSystem(uri, env);
    }

    /** The default file system, wrapped, for {@code file:///}. */
    @Override
    public FileSystem getFileSystem(URI uri) {
        delegate.getFileSystem(uri); // checks the URI
        return fileSystem;
    }

    /** The wrapped path of a {@code file:} URI. */
    @Override
    public Path getPath(URI uri) {
        return wrap(delegate.getPath(uri));
    }

    /** Forwarded. */
    @Override
    public FileSystem newFileSystem(Path path, Map<String, ?> env) throws IOException {
        return delegate.newFileSystem(unwrap(path), env);
    }

    /** Forwarded. */
    @Override
    public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
        return delegate.newInputStream(unwrap(path), options);
    }

    /** Forwarded. */
    @Override
    public OutputStream newOutputStream(Path path, OpenOption... options) throws IOException {
        return delegate.newOutputStream(unwrap(path), options);
    }

    /** Forwarded. */
    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
                                              FileAttribute<?>... attrs) throws IOException {
        return delegate.newByteChannel(unwrap(path), options, attrs);
    }

    /** Forwarded; the entries are wrapped paths. */
    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        Objects.requireNonNull(filter, "filter");
        DirectoryStream<Path> stream = delegate.newDirectoryStream(unwrap(dir), p -> filter.accept(wrap(p)));
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                Iterator<Path> it = stream.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Path next() {
                        return wrap(it.next());
                    }
                };
            }

            @Override
            public void close() throws IOException {
                stream.close();
            }
        };
    }

    /** Forwarded. */
    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        delegate.createDirectory(unwrap(dir), attrs);
    }

    /** Forwarded. */
    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        delegate.createSymbolicLink(unwrap(link), unwrap(target), attrs);
    }

    /** Forwarded. */
    @Override
    public void createLink(Path link, Path existing) throws IOException {
        delegate.createLink(unwrap(link), unwrap(existing));
    }

    /** Forwarded. */
    @Override
    public void delete(Path path) throws IOException {
        delegate.delete(unwrap(path));
    }

    /** Forwarded. */
    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        return delegate.deleteIfExists(unwrap(path));
    }

    /** Forwarded; the target is a wrapped path. */
    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        return wrap(delegate.readSymbolicLink(unwrap(link)));
    }

    /** Forwarded. */
    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        delegate.copy(unwrap(source), unwrap(target), options);
    }

    /** Forwarded. */
    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        delegate.move(unwrap(source), unwrap(target), options);
    }

    /** Forwarded; false for a path of another provider, as the platform's provider answers. */
    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        Path a = unwrap(path);
        Path b = fileSystem.unwrapOrNull(path2);
        return b != null && delegate.isSameFile(a, b);
    }

    /** Forwarded. */
    @Override
    public boolean isHidden(Path path) throws IOException {
        return delegate.isHidden(unwrap(path));
    }

    /** Forwarded. */
    @Override
    public FileStore getFileStore(Path path) throws IOException {
        return delegate.getFileStore(unwrap(path));
    }

    /** Forwarded. */
    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        delegate.checkAccess(unwrap(path), modes);
    }

    /** Forwarded. */
    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return delegate.getFileAttributeView(unwrap(path), type, options);
    }

    /** Forwarded. */
    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        return delegate.readAttributes(unwrap(path), type, options);
    }

    /** Forwarded. */
    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
            throws IOException {
        return delegate.readAttributes(unwrap(path), attributes, options);
    }

    /** Forwarded. */
    @Override
    public <A extends BasicFileAttributes> A readAttributesIfExists(Path path, Class<A> type,
                                                                    LinkOption... options) throws IOException {
        return delegate.readAttributesIfExists(unwrap(path), type, options);
    }

    /** Forwarded. */
    @Override
    public boolean exists(Path path, LinkOption... options) {
        return delegate.exists(unwrap(path), options);
    }

    /** Forwarded. */
    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        delegate.setAttribute(unwrap(path), attribute, value, options);
    }

    @Override
    public String toString() {
        return "JaioFileSystemProvider[delegate=" + delegate + "]";
    }
}
