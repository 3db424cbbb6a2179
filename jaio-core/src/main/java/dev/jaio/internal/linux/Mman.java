package dev.jaio.internal.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * mmap(2) and munmap(2) from libc, for memory the kernel shares with user space (the io_uring rings).
 *
 * <p>Results follow the kernel's convention: {@link #mmap} answers the mapping's address, or
 * {@code -errno} (a mapping's address is never in the last page, where errno values live).
 */
public final class Mman {
    private Mman() {
    }

    // Common to x86_64 and aarch64 (asm-generic/mman-common.h, and x86's is the same for these).
    /** {@code PROT_READ}: the pages may be read. */
    public static final int PROT_READ = 0x1;
    /** {@code PROT_WRITE}: the pages may be written. */
    public static final int PROT_WRITE = 0x2;
    /** {@code MAP_SHARED}: writes are seen by everyone who maps the same object, the kernel included. */
    public static final int MAP_SHARED = 0x01;
    /** {@code MAP_POPULATE}: fault the pages in now. */
    public static final int MAP_POPULATE = 0x008000;

    private static final MethodHandle MMAP = Native.downcall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), true);
    private static final MethodHandle MUNMAP = Native.downcall("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), true);

    /**
     * mmap(2) with no address hint.
     *
     * @param length the mapping's length
     * @param prot   {@code PROT_*}
     * @param flags  {@code MAP_*}
     * @param fd     the object to map
     * @param offset where in the object the mapping starts
     * @return the address of the mapping, or {@code -errno}
     */
    public static long mmap(long length, int prot, int flags, int fd, long offset) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment e = scratch.errno;
            MemorySegment addr = (MemorySegment) MMAP.invokeExact(e, MemorySegment.NULL, length, prot, flags, fd,
                    offset);
            // MAP_FAILED is (void *) -1.
            return addr.address() == -1L ? -Native.errno(e) : addr.address();
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * munmap(2).
     *
     * @param address the mapping's address
     * @param length  its length
     * @return 0, or {@code -errno}
     */
    public static int munmap(long address, long length) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment e = scratch.errno;
            return (int) Native.result((int) MUNMAP.invokeExact(e, MemorySegment.ofAddress(address), length), e);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}
