package dev.jaio.uring;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.StructLayout;
import org.junit.jupiter.api.Test;

/** {@link IoUringParams}: the layout of {@code struct io_uring_params} and its offset structs, and the setters. */
class IoUringParamsTest {
    private static void assertOffsets(StructLayout layout, String[] fields, long[] offsets) {
        for (int i = 0; i < fields.length; i++) {
            assertEquals(offsets[i], layout.byteOffset(groupElement(fields[i])), fields[i]);
        }
    }

    @Test
    void shouldMatchTheKernelsIoUringParams() {
        // offsetof() in linux/io_uring.h, compiled on x86_64; the same on aarch64 (no padding differs).
        assertEquals(120, IoUringParams.LAYOUT.byteSize());
        assertEquals(8, IoUringParams.LAYOUT.byteAlignment());
        assertOffsets(IoUringParams.LAYOUT,
                new String[] {"sq_entries", "cq_entries", "flags", "sq_thread_cpu", "sq_thread_idle", "features",
                    "wq_fd", "resv", "sq_off", "cq_off"},
                new long[] {0, 4, 8, 12, 16, 20, 24, 28, 40, 80});
    }

    @Test
    void shouldMatchTheKernelsRingOffsets() {
        assertEquals(40, IoUringParams.SQ_OFFSETS_LAYOUT.byteSize());
        assertOffsets(IoUringParams.SQ_OFFSETS_LAYOUT,
                new String[] {"head", "tail", "ring_mask", "ring_entries", "flags", "dropped", "array", "resv1",
                    "resv2"},
                new long[] {0, 4, 8, 12, 16, 20, 24, 28, 32});
        assertEquals(40, IoUringParams.CQ_OFFSETS_LAYOUT.byteSize());
        assertOffsets(IoUringParams.CQ_OFFSETS_LAYOUT,
                new String[] {"head", "tail", "ring_mask", "ring_entries", "overflow", "cqes", "flags", "resv1",
                    "resv2"},
                new long[] {0, 4, 8, 12, 16, 20, 24, 28, 32});
    }

    @Test
    void shouldWriteEachInputFieldAtItsOffset() {
        IoUringParams p = new IoUringParams().flags(0x11).cqEntries(64).sqThreadCpu(1).sqThreadIdle(250).wqFd(9)
                .resv(2, 5);
        assertEquals(0x11, p.flags());
        assertEquals(64, p.cqEntries());
        assertEquals(1, p.sqThreadCpu());
        assertEquals(250, p.sqThreadIdle());
        assertEquals(9, p.wqFd());
        assertEquals(5, p.segment().get(java.lang.foreign.ValueLayout.JAVA_INT, 36));
        assertEquals(64, p.segment().get(java.lang.foreign.ValueLayout.JAVA_INT, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> p.resv(3, 1));
    }

    @Test
    void shouldNameTheKernelsSetupFlags() {
        assertEquals(1, IoUringParams.SETUP_IOPOLL);
        assertEquals(2, IoUringParams.SETUP_SQPOLL);
        assertEquals(8, IoUringParams.SETUP_CQSIZE);
        assertEquals(64, IoUringParams.SETUP_R_DISABLED);
        assertEquals(1 << 12, IoUringParams.SETUP_SINGLE_ISSUER);
        assertEquals(1 << 13, IoUringParams.SETUP_DEFER_TASKRUN);
        assertEquals(1 << 16, IoUringParams.SETUP_NO_SQARRAY);
    }
}
