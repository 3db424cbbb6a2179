package dev.jaio.aio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Iocb}: the {@code struct iocb} layout, the ABI constants, accessors and the prep methods. */
class IocbTest {
    @Test
    void shouldMatchTheKernelsStructIocbLayout() {
        assertEquals(64, Iocb.LAYOUT.byteSize());
        assertEquals(8, Iocb.LAYOUT.byteAlignment());
        String[] fields = {"aio_data", "aio_key", "aio_rw_flags", "aio_lio_opcode", "aio_reqprio", "aio_fildes",
            "aio_buf", "aio_nbytes", "aio_offset", "aio_reserved2", "aio_flags", "aio_resfd"};
        long[] offsets = {0, 8, 12, 16, 18, 20, 24, 32, 40, 48, 56, 60};
        long[] sizes = {8, 4, 4, 2, 2, 4, 8, 8, 8, 8, 4, 4};
        for (int i = 0; i < fields.length; i++) {
            assertEquals(offsets[i], Iocb.LAYOUT.byteOffset(groupElement(fields[i])), fields[i]);
            assertEquals(sizes[i], Iocb.LAYOUT.select(groupElement(fields[i])).byteSize(), fields[i]);
        }
        assertEquals(0, Iocb.DATA);
        assertEquals(8, Iocb.KEY);
        assertEquals(12, Iocb.RW_FLAGS);
        assertEquals(16, Iocb.OPCODE);
        assertEquals(18, Iocb.REQPRIO);
        assertEquals(20, Iocb.FILDES);
        assertEquals(24, Iocb.BUF);
        assertEquals(32, Iocb.NBYTES);
        assertEquals(40, Iocb.OFFSET);
        assertEquals(48, Iocb.RESERVED2);
        assertEquals(56, Iocb.FLAGS);
        assertEquals(60, Iocb.RESFD);
    }

    @Test
    void shouldDefineTheKernelsConstants() {
        // include/uapi/linux/aio_abi.h
        assertEquals(0, Iocb.CMD_PREAD);
        assertEquals(1, Iocb.CMD_PWRITE);
        assertEquals(2, Iocb.CMD_FSYNC);
        assertEquals(3, Iocb.CMD_FDSYNC);
        assertEquals(5, Iocb.CMD_POLL);
        assertEquals(6, Iocb.CMD_NOOP);
        assertEquals(7, Iocb.CMD_PREADV);
        assertEquals(8, Iocb.CMD_PWRITEV);
        assertEquals(1, Iocb.FLAG_RESFD);
        assertEquals(2, Iocb.FLAG_IOPRIO);
        // include/uapi/linux/fs.h
        assertEquals(0x01, Iocb.RWF_HIPRI);
        assertEquals(0x02, Iocb.RWF_DSYNC);
        assertEquals(0x04, Iocb.RWF_SYNC);
        assertEquals(0x08, Iocb.RWF_NOWAIT);
        assertEquals(0x10, Iocb.RWF_APPEND);
        assertEquals(0x20, Iocb.RWF_NOAPPEND);
        assertEquals(0x40, Iocb.RWF_ATOMIC);
    }

    @Test
    void shouldAllocateAZeroedIocbWhoseAddressIsItsSegments() {
        try (Arena arena = Arena.ofConfined()) {
            Iocb iocb = Iocb.allocate(arena);
            assertEquals(64, iocb.segment().byteSize());
            assertEquals(iocb.segment().address(), iocb.address());
            assertEquals(0, iocb.address() % 8);
            for (long i = 0; i < 64; i++) {
                assertEquals(0, iocb.segment().get(JAVA_BYTE, i), "byte " + i);
            }
        }
    }

    @Test
    void shouldWriteEachFieldAtItsOffsetAndReadItBack() {
        try (Arena arena = Arena.ofConfined()) {
            Iocb iocb = Iocb.allocate(arena);
            assertSame(iocb, iocb.data(0x1122334455667788L).key(7).rwFlags(Iocb.RWF_NOWAIT).opcode(Iocb.CMD_PWRITEV)
                    .reqPrio(-3).fd(42).buf(0xdeadbeefL).nbytes(4096).offset(1L << 40).reserved2(9)
                    .flags(Iocb.FLAG_IOPRIO).resFd(17));
            assertEquals(0x1122334455667788L, iocb.data());
            assertEquals(7, iocb.key());
            assertEquals(Iocb.RWF_NOWAIT, iocb.rwFlags());
            assertEquals(Iocb.CMD_PWRITEV, iocb.opcode());
            assertEquals(-3, iocb.reqPrio());
            assertEquals(42, iocb.fd());
            assertEquals(0xdeadbeefL, iocb.buf());
            assertEquals(4096, iocb.nbytes());
            assertEquals(1L << 40, iocb.offset());
            assertEquals(9, iocb.reserved2());
            assertEquals(Iocb.FLAG_IOPRIO, iocb.flags());
            assertEquals(17, iocb.resFd());
            MemorySegment s = iocb.segment();
            assertEquals(0x1122334455667788L, s.get(JAVA_LONG, 0));
            assertEquals(7, s.get(java.lang.foreign.ValueLayout.JAVA_INT, 8));
            assertEquals(Iocb.RWF_NOWAIT, s.get(java.lang.foreign.ValueLayout.JAVA_INT, 12));
            assertEquals((short) Iocb.CMD_PWRITEV, s.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 16));
            assertEquals((short) -3, s.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 18));
            assertEquals(42, s.get(java.lang.foreign.ValueLayout.JAVA_INT, 20));
            assertEquals(0xdeadbeefL, s.get(JAVA_LONG, 24));
            assertEquals(4096, s.get(JAVA_LONG, 32));
            assertEquals(1L << 40, s.get(JAVA_LONG, 40));
            assertEquals(9, s.get(JAVA_LONG, 48));
            assertEquals(Iocb.FLAG_IOPRIO, s.get(java.lang.foreign.ValueLayout.JAVA_INT, 56));
            assertEquals(17, s.get(java.lang.foreign.ValueLayout.JAVA_INT, 60));
            // Little-endian, as on every architecture jaio supports: aio_data's low byte comes first.
            assertEquals((byte) 0x88, s.get(JAVA_BYTE, 0));
        }
    }

    @Test
    void shouldStoreTheOpcodeAsAnUnsigned16BitValueAndReqPrioAsSigned() {
        try (Arena arena = Arena.ofConfined()) {
            Iocb iocb = Iocb.allocate(arena);
            assertEquals(0xFFFF, iocb.opcode(0xFFFF).opcode());
            assertEquals(0x2345, iocb.opcode(0x12345).opcode(), "only the low 16 bits are kept");
            assertEquals(-1, iocb.reqPrio(0xFFFF).reqPrio());
            assertEquals(0x7FFF, iocb.reqPrio(0x7FFF).reqPrio());
            assertEquals(0, iocb.segment().get(java.lang.foreign.ValueLayout.JAVA_INT, 20), "fd untouched");
        }
    }

    @Test
    void shouldPrepareReadsAndWritesClearingEverythingElse() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(512);
            Iocb iocb = Iocb.allocate(arena).data(5).key(1).rwFlags(3).reserved2(4).flags(1).resFd(9).reqPrio(2);
            iocb.prepPread(11, buf, 4096);
            assertPrepared(iocb, Iocb.CMD_PREAD, 11, buf.address(), 512, 4096);
            iocb.data(5).prepPwrite(12, buf.asSlice(0, 100), 7);
            assertPrepared(iocb, Iocb.CMD_PWRITE, 12, buf.address(), 100, 7);
            MemorySegment iov = IoVec.array(arena, List.of(buf, buf));
            iocb.prepPreadv(13, iov, 2, 8);
            assertPrepared(iocb, Iocb.CMD_PREADV, 13, iov.address(), 2, 8);
            iocb.prepPwritev(14, iov, 1, 9);
            assertPrepared(iocb, Iocb.CMD_PWRITEV, 14, iov.address(), 1, 9);
            iocb.prepFsync(15);
            assertPrepared(iocb, Iocb.CMD_FSYNC, 15, 0, 0, 0);
            iocb.prepFdsync(16);
            assertPrepared(iocb, Iocb.CMD_FDSYNC, 16, 0, 0, 0);
            iocb.prepPoll(17, 0x1 | 0x4);
            assertPrepared(iocb, Iocb.CMD_POLL, 17, 0x5, 0, 0);
            iocb.prepPoll(17, 0xFFFF_FFFF);
            assertEquals(0xFFFF_FFFFL, iocb.buf(), "poll events are unsigned, not sign-extended");
        }
    }

    private static void assertPrepared(Iocb iocb, int opcode, int fd, long buf, long nbytes, long offset) {
        assertEquals(opcode, iocb.opcode());
        assertEquals(fd, iocb.fd());
        assertEquals(buf, iocb.buf());
        assertEquals(nbytes, iocb.nbytes());
        assertEquals(offset, iocb.offset());
        assertEquals(0, iocb.data());
        assertEquals(0, iocb.key());
        assertEquals(0, iocb.rwFlags());
        assertEquals(0, iocb.reqPrio());
        assertEquals(0, iocb.reserved2());
        assertEquals(0, iocb.flags());
        assertEquals(0, iocb.resFd());
    }

    @Test
    void shouldSetTheEventfdAndIoPriorityFlagsWithoutLosingOthers() {
        try (Arena arena = Arena.ofConfined()) {
            Iocb iocb = Iocb.allocate(arena).eventFd(33);
            assertEquals(Iocb.FLAG_RESFD, iocb.flags());
            assertEquals(33, iocb.resFd());
            iocb.ioPriority(IoPriorityValue.BE_4);
            assertEquals(Iocb.FLAG_RESFD | Iocb.FLAG_IOPRIO, iocb.flags());
            assertEquals(IoPriorityValue.BE_4, iocb.reqPrio());
        }
    }

    /** An ioprio value built by hand: class BE (2) in bits 13-15, level 4. */
    private static final class IoPriorityValue {
        static final int BE_4 = (2 << 13) | 4;
    }

    @Test
    void shouldClearEveryField() {
        try (Arena arena = Arena.ofConfined()) {
            Iocb iocb = Iocb.allocate(arena);
            iocb.segment().fill((byte) 0x5a);
            assertSame(iocb, iocb.clear());
            for (long i = 0; i < 64; i++) {
                assertEquals(0, iocb.segment().get(JAVA_BYTE, i));
            }
        }
    }

    @Test
    void shouldRejectHeapBuffers() {
        try (Arena arena = Arena.ofConfined()) {
            Iocb iocb = Iocb.allocate(arena);
            MemorySegment heap = MemorySegment.ofArray(new byte[16]);
            assertThrows(IllegalArgumentException.class, () -> iocb.prepPread(0, heap, 0));
            assertThrows(IllegalArgumentException.class, () -> iocb.prepPwrite(0, heap, 0));
            assertThrows(IllegalArgumentException.class, () -> iocb.buf(heap));
            assertThrows(NullPointerException.class, () -> iocb.prepPread(0, null, 0));
            MemorySegment buf = arena.allocate(8);
            assertEquals(buf.address(), iocb.buf(buf).buf());
        }
    }

    @Test
    void shouldWrapOnlyNativeAlignedSegmentsOfAtLeast64Bytes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slots = arena.allocate(Iocb.LAYOUT, 2);
            Iocb second = Iocb.wrap(slots.asSlice(64));
            assertEquals(slots.address() + 64, second.address());
            assertEquals(64, second.segment().byteSize());
            second.data(99);
            assertEquals(99, slots.get(JAVA_LONG, 64));
            assertThrows(IllegalArgumentException.class, () -> Iocb.wrap(slots.asSlice(0, 63)));
            assertThrows(IllegalArgumentException.class, () -> Iocb.wrap(slots.asSlice(4, 64)));
            assertThrows(IllegalArgumentException.class, () -> Iocb.wrap(MemorySegment.ofArray(new long[8])));
            assertThrows(NullPointerException.class, () -> Iocb.wrap(null));
        }
    }

    @Test
    void shouldDescribeItselfWithItsFields() {
        try (Arena arena = Arena.ofConfined()) {
            Iocb iocb = Iocb.allocate(arena).prepPread(3, arena.allocate(16), 4096).data(8);
            String s = iocb.toString();
            assertTrue(s.contains("opcode=0") && s.contains("fd=3") && s.contains("nbytes=16")
                    && s.contains("offset=4096") && s.contains("data=8"), s);
            assertNotEquals(0, iocb.address());
        }
    }

    /** {@code struct iovec}, which the vectored commands point at. */
    @Test
    void shouldMatchTheKernelsStructIovecLayout() {
        assertEquals(16, IoVec.LAYOUT.byteSize());
        assertEquals(0, IoVec.LAYOUT.byteOffset(groupElement("iov_base")));
        assertEquals(8, IoVec.LAYOUT.byteOffset(groupElement("iov_len")));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(10);
            MemorySegment b = arena.allocate(300);
            MemorySegment iov = IoVec.array(arena, List.of(a, b));
            assertEquals(32, iov.byteSize());
            assertEquals(a.address(), iov.get(JAVA_LONG, 0));
            assertEquals(10, iov.get(JAVA_LONG, 8));
            assertEquals(b.address(), iov.get(JAVA_LONG, 16));
            assertEquals(300, iov.get(JAVA_LONG, 24));
            assertEquals(310, IoVec.totalLength(iov, 2));
        }
    }
}
