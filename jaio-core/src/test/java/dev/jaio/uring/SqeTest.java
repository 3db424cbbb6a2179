package dev.jaio.uring;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link Sqe}: the layout of {@code struct io_uring_sqe}, each accessor's field, and each prep as liburing fills it. */
class SqeTest {
    private final Arena arena = Arena.ofAuto();

    private Sqe fresh() {
        return new Sqe(arena.allocate(Sqe.LAYOUT));
    }

    @Test
    void shouldMatchTheKernelsIoUringSqe() {
        assertEquals(64, Sqe.LAYOUT.byteSize());
        String[] fields = {"opcode", "flags", "ioprio", "fd", "off", "addr", "len", "rw_flags", "user_data",
            "buf_index", "personality", "splice_fd_in", "addr3", "__pad2"};
        long[] offsets = {0, 1, 2, 4, 8, 16, 24, 28, 32, 40, 42, 44, 48, 56};
        for (int i = 0; i < fields.length; i++) {
            assertEquals(offsets[i], Sqe.LAYOUT.byteOffset(groupElement(fields[i])), fields[i]);
        }
    }

    @Test
    void shouldWriteEachFieldAtItsOffsetAndReadItBack() {
        Sqe s = fresh().opcode(0xfe).flags(0x81).ioprio(0xfffe).fd(-7).off(-1L).addr(0x1122334455667788L)
                .len(-3).rwFlags(0x10).userData(99).bufIndex(0xfff0).personality(3).fileIndex(-2).addr3(5);
        assertEquals(0xfe, s.opcode());
        assertEquals(0x81, s.flags());
        assertEquals(0xfffe, s.ioprio());
        assertEquals(-7, s.fd());
        assertEquals(-1L, s.off());
        assertEquals(0x1122334455667788L, s.addr());
        assertEquals(-3, s.len());
        assertEquals(0x10, s.rwFlags());
        assertEquals(99, s.userData());
        assertEquals(0xfff0, s.bufIndex());
        assertEquals(3, s.personality());
        assertEquals(-2, s.fileIndex());
        assertEquals(5, s.addr3());
        assertEquals((byte) 0xfe, s.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
        assertEquals(99, s.segment().get(JAVA_LONG, 32));
        assertEquals(5, s.segment().get(JAVA_LONG, 48));
    }

    /** opcode, fd, off, addr, len, rw_flags, buf_index as the prep left them. */
    private static long[] fields(Sqe s) {
        return new long[] {s.opcode(), s.fd(), s.off(), s.addr(), s.len(), s.rwFlags(), s.bufIndex()};
    }

    @Test
    void shouldFillEachPrepAsLiburingDoes() {
        MemorySegment buf = arena.allocate(512);
        long a = buf.address();
        assertArrayEquals(new long[] {Sqe.OP_NOP, -1, 0, 0, 0, 0, 0}, fields(fresh().prepNop()));
        assertArrayEquals(new long[] {Sqe.OP_READ, 3, 4096, a, 512, 0, 0}, fields(fresh().prepRead(3, buf, 4096)));
        assertArrayEquals(new long[] {Sqe.OP_READ, 3, -1, 8, 16, 0, 0}, fields(fresh().prepRead(3, 8L, 16, -1)));
        assertArrayEquals(new long[] {Sqe.OP_WRITE, 3, 0, a, 512, 0, 0}, fields(fresh().prepWrite(3, buf, 0)));
        assertArrayEquals(new long[] {Sqe.OP_WRITE, 3, 7, 8, 16, 0, 0}, fields(fresh().prepWrite(3, 8L, 16, 7)));
        assertArrayEquals(new long[] {Sqe.OP_READV, 3, 10, a, 2, 0, 0}, fields(fresh().prepReadv(3, buf, 2, 10)));
        assertArrayEquals(new long[] {Sqe.OP_WRITEV, 3, 10, a, 2, 0, 0}, fields(fresh().prepWritev(3, buf, 2, 10)));
        assertArrayEquals(new long[] {Sqe.OP_READ_FIXED, 3, 0, a, 512, 0, 4},
                fields(fresh().prepReadFixed(3, buf, 0, 4)));
        assertArrayEquals(new long[] {Sqe.OP_WRITE_FIXED, 3, 0, a, 512, 0, 4},
                fields(fresh().prepWriteFixed(3, buf, 0, 4)));
        assertArrayEquals(new long[] {Sqe.OP_FSYNC, 3, 0, 0, 0, Sqe.FSYNC_DATASYNC, 0},
                fields(fresh().prepFsync(3, Sqe.FSYNC_DATASYNC)));
        assertArrayEquals(new long[] {Sqe.OP_FALLOCATE, 3, 100, 200, 1, 0, 0},
                fields(fresh().prepFallocate(3, 1, 100, 200)));
        assertArrayEquals(new long[] {Sqe.OP_POLL_ADD, 3, 0, 0, 0, 1, 0}, fields(fresh().prepPollAdd(3, 1)));
        assertArrayEquals(new long[] {Sqe.OP_POLL_REMOVE, -1, 0, 42, 0, 0, 0}, fields(fresh().prepPollRemove(42)));
        MemorySegment ts = Sqe.timespec(arena, Duration.ofMillis(1500));
        assertEquals(1, ts.get(JAVA_LONG, 0));
        assertEquals(500_000_000, ts.get(JAVA_LONG, 8));
        assertArrayEquals(new long[] {Sqe.OP_TIMEOUT, -1, 2, ts.address(), 1, Sqe.TIMEOUT_ABS, 0},
                fields(fresh().prepTimeout(ts, 2, Sqe.TIMEOUT_ABS)));
        assertArrayEquals(new long[] {Sqe.OP_LINK_TIMEOUT, -1, 0, ts.address(), 1, 0, 0},
                fields(fresh().prepLinkTimeout(ts, 0)));
        assertArrayEquals(new long[] {Sqe.OP_ASYNC_CANCEL, -1, 0, 42, 0, Sqe.ASYNC_CANCEL_ALL, 0},
                fields(fresh().prepCancel(42, Sqe.ASYNC_CANCEL_ALL)));
        assertArrayEquals(new long[] {Sqe.OP_OPENAT, -100, 0, a, 0644, 0101, 0},
                fields(fresh().prepOpenat(-100, buf, 0101, 0644)));
        assertArrayEquals(new long[] {Sqe.OP_CLOSE, 3, 0, 0, 0, 0, 0}, fields(fresh().prepClose(3)));
        MemorySegment stx = arena.allocate(256);
        assertArrayEquals(new long[] {Sqe.OP_STATX, -100, stx.address(), a, 0x200, 0x1000, 0},
                fields(fresh().prepStatx(-100, buf, 0x1000, 0x200, stx)));
    }

    @Test
    void shouldRejectHeapBuffersAndNegativeTimeouts() {
        assertThrows(IllegalArgumentException.class, () -> fresh().prepRead(3, MemorySegment.ofArray(new byte[8]), 0));
        assertThrows(IllegalArgumentException.class, () -> Sqe.timespec(arena, Duration.ofMillis(-1)));
        MemorySegment heap = MemorySegment.ofArray(new byte[256]);
        MemorySegment ok = arena.allocate(256);
        assertThrows(IllegalArgumentException.class, () -> fresh().prepReadv(3, heap, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> fresh().prepWritev(3, heap, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> fresh().prepTimeout(heap, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> fresh().prepLinkTimeout(heap, 0));
        assertThrows(IllegalArgumentException.class, () -> fresh().prepOpenat(-100, heap, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> fresh().prepStatx(-100, ok, 0, 0, heap));
        assertThrows(IllegalArgumentException.class, () -> fresh().prepStatx(-100, heap, 0, 0, ok));
    }

    @Test
    void shouldNameTheKernelsOpcodesAndFlags() {
        assertEquals(22, Sqe.OP_READ);
        assertEquals(23, Sqe.OP_WRITE);
        assertEquals(21, Sqe.OP_STATX);
        assertEquals(14, Sqe.OP_ASYNC_CANCEL);
        assertEquals(4, Sqe.IOSQE_IO_LINK);
        assertEquals(64, Sqe.IOSQE_CQE_SKIP_SUCCESS);
    }
}
