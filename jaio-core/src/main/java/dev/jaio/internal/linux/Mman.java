package dev.jaio.internal.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * mmap(2), munmap(2) and madvise(2) from libc, for memory the kernel shares with user space (the io_uring
 * rings) and for buffers on transparent huge pages ({@link #hugePages}).
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
    /** {@code MAP_PRIVATE}: a copy-on-write mapping of the process's own. */
    public static final int MAP_PRIVATE = 0x02;
    /** {@code MAP_ANONYMOUS}: memory backed by no file, zero-filled. */
    public static final int MAP_ANONYMOUS = 0x20;
    /** {@code MADV_HUGEPAGE}: back the range with transparent huge pages where the kernel can. */
    public static final int MADV_HUGEPAGE = 14;
    /** The size of a transparent huge page on x86_64 and on aarch64 with 4 KiB pages. */
    public static final long HUGE_PAGE = 2L << 20;

    private static final MethodHandle MMAP = Native.downcall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), true);
    private static final MethodHandle MUNMAP = Native.downcall("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), true);
    private static final MethodHandle MADVISE = Native.downcall("madvise",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), true);

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

    /**
     * madvise(2).
     *
     * @param address the range's start, page aligned
     * @param length  its length
     * @param advice  {@code MADV_*}
     * @return 0, or {@code -errno}
     */
    public static int madvise(long address, long length, int advice) {
        try (ThreadScratch scratch = ThreadScratch.acquire()) {
            MemorySegment e = scratch.errno;
            return (int) Native.result((int) MADVISE.invokeExact(e, MemorySegment.ofAddress(address), length,
                    advice), e);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * {@code bytes} (a multiple of {@link #HUGE_PAGE}) of zeroed anonymous memory aligned to a huge page and
     * advised {@code MADV_HUGEPAGE} before any page is touched, so that where transparent huge pages are on
     * ({@code always} or {@code madvise}) its first touch of each 2 MiB gets one physically contiguous page:
     * a buffer in it is one DMA segment instead of one per 4 KiB, and pinning it for {@code O_DIRECT} takes
     * one page reference instead of 512. The memory is an automatic arena's: the garbage collector unmaps it
     * once no segment of it is reachable. Where huge pages are off, or the advice is refused, it is ordinary
     * memory.
     *
     * @param bytes the size, a positive multiple of {@link #HUGE_PAGE}
     * @return the memory, or null when mmap refused (the caller falls back to ordinary memory)
     */
    public static MemorySegment hugePages(long bytes) {
        if (bytes <= 0 || bytes % HUGE_PAGE != 0) {
            throw new IllegalArgumentException("bytes must be a positive multiple of 2 MiB: bytes=" + bytes);
        }
        long span = bytes + HUGE_PAGE; // room to align the start
        long base = mmap(span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (base < 0) {
            return null;
        }
        long start = (base + HUGE_PAGE - 1) & -HUGE_PAGE;
        if (start > base) {
            munmap(base, start - base);
        }
        long tail = base + span - (start + bytes);
        if (tail > 0) {
            munmap(start + bytes, tail);
        }
        madvise(start, bytes, MADV_HUGEPAGE); // refused (no THP in this kernel): ordinary pages, as documented
        // The cleanup captures only the numbers, never a segment of the arena, so the arena can become unreachable.
        return MemorySegment.ofAddress(start).reinterpret(bytes, java.lang.foreign.Arena.ofAuto(),
                ignored -> munmap(start, bytes));
    }
}
