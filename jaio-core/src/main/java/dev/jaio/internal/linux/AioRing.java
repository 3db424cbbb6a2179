package dev.jaio.internal.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * The completion ring the kernel maps at an AIO context's address, and the reader that takes events
 * from it in user space, without io_getevents(2).
 *
 * {@snippet lang=c :
 * struct aio_ring {                  // fs/aio.c
 *     unsigned id;                   //  0: kernel internal index
 *     unsigned nr;                   //  4: number of io_events in the ring
 *     unsigned head;                 //  8: next event to reap; written by the reaper
 *     unsigned tail;                 // 12: next slot to fill; written by the kernel
 *     unsigned magic;                // 16: AIO_RING_MAGIC 0xa10a10a1
 *     unsigned compat_features;      // 20
 *     unsigned incompat_features;    // 24: 0, or the layout is not this one
 *     unsigned header_length;        // 28: sizeof(struct aio_ring) == 32
 *     struct io_event io_events[];   // 32: nr slots of 32 bytes
 * };
 * }
 *
 * <pre>
 *   head            tail
 *    v               v
 * [ done | ready | ready | free | free | ... ]   ready = tail - head (mod nr); one slot always free
 * </pre>
 *
 * <p>The kernel writes an event, then {@code smp_wmb()}, then the new tail; {@link #reap} loads the tail
 * with acquire semantics, which pairs with that barrier, so the events before it are visible. It then
 * copies the events and stores the new head with release semantics, which pairs with the kernel's
 * load of the head when it looks for free slots: the kernel never overwrites a slot before it has been
 * copied.
 *
 * <p>Not thread-safe, and not safe against the kernel's own reader: io_getevents(2) moves the head too,
 * under a mutex user space cannot take. The caller ensures that at most one thread reaps, and that no
 * io_getevents call runs on the context meanwhile, and that the context is not destroyed (which
 * unmaps the ring) while {@code reap} runs.
 */
public final class AioRing {
    /** {@code AIO_RING_MAGIC}. */
    public static final int MAGIC = 0xa10a10a1;
    /** The incompatible features this reader understands: none. */
    public static final int INCOMPAT_FEATURES = 0;

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("id"),
            JAVA_INT.withName("nr"),
            JAVA_INT.withName("head"),
            JAVA_INT.withName("tail"),
            JAVA_INT.withName("magic"),
            JAVA_INT.withName("compat_features"),
            JAVA_INT.withName("incompat_features"),
            JAVA_INT.withName("header_length")).withName("aio_ring");

    public static final long NR = offset("nr");
    public static final long HEAD = offset("head");
    public static final long TAIL = offset("tail");
    public static final long MAGIC_OFFSET = offset("magic");
    public static final long INCOMPAT = offset("incompat_features");
    public static final long HEADER_LENGTH = offset("header_length");

    private static final long EVENT_SIZE = 32;
    private static final VarHandle INT = JAVA_INT.varHandle();

    private static long offset(String field) {
        return LAYOUT.byteOffset(PathElement.groupElement(field));
    }

    private final MemorySegment ring;
    private final int nr;

    private AioRing(MemorySegment ring, int nr) {
        this.ring = ring;
        this.nr = nr;
    }

    /**
     * The ring of a live context, or {@code null} when its header is not one this reader knows (another
     * magic, incompatible features, another header length), in which case io_getevents(2) must be used.
     */
    public static AioRing attach(long ctxId) {
        if (ctxId == 0) {
            return null;
        }
        MemorySegment header = MemorySegment.ofAddress(ctxId).reinterpret(LAYOUT.byteSize());
        int magic = header.get(JAVA_INT, MAGIC_OFFSET);
        int incompat = header.get(JAVA_INT, INCOMPAT);
        int headerLength = header.get(JAVA_INT, HEADER_LENGTH);
        int nr = header.get(JAVA_INT, NR);
        if (magic != MAGIC || incompat != INCOMPAT_FEATURES || headerLength != LAYOUT.byteSize() || nr <= 1) {
            return null;
        }
        MemorySegment ring = MemorySegment.ofAddress(ctxId).reinterpret(LAYOUT.byteSize() + nr * EVENT_SIZE);
        return new AioRing(ring, nr);
    }

    /** How many slots the ring has; it holds at most {@code nr - 1} events. */
    public int nr() {
        return nr;
    }

    /** The ring's memory, header included. */
    public MemorySegment segment() {
        return ring;
    }

    /**
     * Moves up to {@code max} ready events into {@code dst} (an array of {@code struct io_event}) at
     * index {@code dstIndex}, and advances the head past them.
     *
     * @return how many were moved, or -1 when head or tail are out of range (the ring is not one this
     *         reader can trust; use io_getevents)
     */
    public int reap(MemorySegment dst, int dstIndex, int max) {
        int head = (int) INT.getAcquire(ring, HEAD);
        // Pairs with the kernel's smp_wmb() between writing an event and publishing the tail.
        int tail = (int) INT.getAcquire(ring, TAIL);
        if (Integer.compareUnsigned(head, nr) >= 0 || Integer.compareUnsigned(tail, nr) >= 0) {
            return -1;
        }
        int ready = tail >= head ? tail - head : nr - head + tail;
        int n = Math.min(ready, max);
        if (n <= 0) {
            return 0;
        }
        int first = Math.min(n, nr - head);
        long dstOffset = dstIndex * EVENT_SIZE;
        MemorySegment.copy(ring, LAYOUT.byteSize() + head * EVENT_SIZE, dst, dstOffset, first * EVENT_SIZE);
        if (n > first) {
            MemorySegment.copy(ring, LAYOUT.byteSize(), dst, dstOffset + first * EVENT_SIZE, (n - first) * EVENT_SIZE);
        }
        int newHead = head + n;
        if (newHead >= nr) {
            newHead -= nr;
        }
        // Release: the copies above happen before the kernel can see these slots as free.
        INT.setRelease(ring, HEAD, newHead);
        return n;
    }

    /** How many events are ready now. */
    public int ready() {
        int head = (int) INT.getAcquire(ring, HEAD);
        int tail = (int) INT.getAcquire(ring, TAIL);
        if (Integer.compareUnsigned(head, nr) >= 0 || Integer.compareUnsigned(tail, nr) >= 0) {
            return 0;
        }
        return tail >= head ? tail - head : nr - head + tail;
    }
}
