package dev.jaio.internal.linux;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * The native linker, libc's symbols, and errno capture.
 *
 * <p>Every downcall that can fail captures errno with {@link Linker.Option#captureCallState}
 * into the calling thread's own {@link ThreadScratch} segment: a shared static capture segment would
 * let one thread read another's errno.
 */
public final class Native {
    private Native() {
    }

    /** Whether the native-access hint was printed: checked once, before any restricted call. */
    static final boolean NATIVE_ACCESS_HINTED = NativeAccessHint.printIfDisabled(System.err);

    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LIBC = LINKER.defaultLookup();

    /** The layout the linker writes captured call state into. */
    public static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final String UNAVAILABLE = detectUnavailable();

    private static String detectUnavailable() {
        if (Arch.current() == Arch.UNSUPPORTED) {
            return "jaio needs Linux on x86_64 or aarch64; this JVM runs on os.name="
                    + System.getProperty("os.name") + " os.arch=" + System.getProperty("os.arch");
        }
        if (LIBC.find("syscall").isEmpty()) {
            return "libc's syscall(2) entry point was not found by the native linker";
        }
        return null;
    }

    /** Why native calls cannot be made here, or empty when they can. */
    public static Optional<String> unavailableReason() {
        return Optional.ofNullable(UNAVAILABLE);
    }

    /** Whether jaio can make native calls on this platform at all. */
    public static boolean isSupportedPlatform() {
        return UNAVAILABLE == null;
    }

    /**
     * A downcall handle to a libc function. With {@code captureErrno} the handle takes the capture
     * segment as its first argument. On a platform without the symbol the handle throws
     * {@link UnsupportedOperationException} when invoked, so that loading this class never fails.
     *
     * @param name the libc symbol
     * @param descriptor the C signature
     * @param captureErrno whether the handle captures errno into a segment passed as its first argument
     * @param options further linker options
     * @return the downcall handle, or one that throws when the symbol is missing
     */
    public static MethodHandle downcall(String name, FunctionDescriptor descriptor, boolean captureErrno,
                                 Linker.Option... options) {
        Optional<MemorySegment> symbol = UNAVAILABLE == null ? LIBC.find(name) : Optional.empty();
        Linker.Option[] all = options;
        if (captureErrno) {
            all = new Linker.Option[options.length + 1];
            all[0] = CAPTURE_ERRNO;
            System.arraycopy(options, 0, all, 1, options.length);
        }
        if (symbol.isPresent()) {
            return LINKER.downcallHandle(symbol.get(), descriptor, all);
        }
        MethodType type = descriptor.toMethodType();
        if (captureErrno) {
            type = type.insertParameterTypes(0, MemorySegment.class);
        }
        MethodHandle thrower = MethodHandles.throwException(type.returnType(), UnsupportedOperationException.class)
                .bindTo(new UnsupportedOperationException(name + " is not available: "
                        + (UNAVAILABLE != null ? UNAVAILABLE : "symbol not found in libc")));
        return MethodHandles.dropArguments(thrower, 0, type.parameterList());
    }

    /** Reads errno from a capture segment written by a downcall. */
    static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    /** Turns a C return value into the kernel's convention: the value, or {@code -errno} when it is -1. */
    static long result(long ret, MemorySegment capture) {
        return ret == -1 ? -errno(capture) : ret;
    }

    static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("unexpected checked exception from a downcall", t);
    }
}
