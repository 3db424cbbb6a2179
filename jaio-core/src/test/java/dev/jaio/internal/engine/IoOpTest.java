package dev.jaio.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What each {@link IoOp} says of itself, checked against the syscall it stands for. */
class IoOpTest {
    @Test
    void shouldNameTheSyscallOfEveryOperation() {
        Set<String> names = new HashSet<>();
        for (IoOp op : IoOp.values()) {
            String expected = switch (op) {
                case READ -> "pread";
                case WRITE -> "pwrite";
                case READV -> "preadv";
                case WRITEV -> "pwritev";
                case FSYNC -> "fsync";
                case FDSYNC -> "fdatasync";
                case FALLOCATE -> "fallocate";
            };
            assertEquals(expected, op.syscall());
            assertTrue(names.add(op.syscall()), "one syscall per op: " + op);
        }
    }

    @Test
    void shouldSayWhichWayEachOperationMovesData() {
        assertEquals(EnumSet.of(IoOp.READ, IoOp.READV), only(IoOp::reads));
        assertEquals(EnumSet.of(IoOp.WRITE, IoOp.WRITEV), only(IoOp::writes));
        assertEquals(EnumSet.of(IoOp.READV, IoOp.WRITEV), only(IoOp::vectored));
        assertEquals(EnumSet.of(IoOp.READ, IoOp.WRITE), only(IoOp::singleBuffer));
        assertEquals(EnumSet.of(IoOp.FSYNC), only(IoOp::syncsMetadata));
        assertEquals(EnumSet.of(IoOp.FALLOCATE), only(op -> op.direction() == IoOp.Direction.ALLOCATE));
        for (IoOp op : IoOp.values()) {
            boolean noData = op.direction() == IoOp.Direction.FORCE || op.direction() == IoOp.Direction.ALLOCATE;
            assertEquals(noData, !op.reads() && !op.writes(), op.name());
        }
    }

    @Test
    void shouldGiveItsSyscallAsTheRequestsName() {
        for (IoOp op : IoOp.values()) {
            IoRequest r = new InertRequest(op, 3, 0, java.lang.foreign.MemorySegment.NULL, 0, 0);
            assertEquals(op.syscall(), r.opName());
            assertFalse(r.admitted);
        }
    }

    private static EnumSet<IoOp> only(java.util.function.Predicate<IoOp> p) {
        EnumSet<IoOp> s = EnumSet.noneOf(IoOp.class);
        for (IoOp op : IoOp.values()) {
            if (p.test(op)) {
                s.add(op);
            }
        }
        return s;
    }
}
