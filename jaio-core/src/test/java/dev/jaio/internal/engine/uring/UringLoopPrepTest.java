package dev.jaio.internal.engine.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jaio.internal.engine.InertRequest;
import dev.jaio.internal.engine.IoOp;
import dev.jaio.internal.engine.IoRequest;
import dev.jaio.uring.IoUring;
import dev.jaio.uring.Sqe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Every {@link IoOp} the engine accepts becomes the SQE of its opcode, on a real ring (never submitted). */
class UringLoopPrepTest {
    @Test
    void shouldPrepareTheOpcodeOfEveryOperation() throws Exception {
        Assumptions.assumeTrue(IoUring.isAvailable(), () -> "io_uring is unusable here: "
                + IoUring.unavailabilityCause().orElse(""));
        try (Arena arena = Arena.ofConfined(); IoUring ring = UringLoop.setup(8, 0)) {
            MemorySegment buffer = arena.allocate(512, 512);
            for (IoOp op : IoOp.values()) {
                Sqe sqe = ring.getSqe();
                IoRequest r = InertRequest.filled(op, buffer);
                UringLoop.prep(sqe, r);
                int expected = switch (op) {
                    case READ -> Sqe.OP_READ;
                    case WRITE -> Sqe.OP_WRITE;
                    case READV -> Sqe.OP_READV;
                    case WRITEV -> Sqe.OP_WRITEV;
                    case FSYNC, FDSYNC -> Sqe.OP_FSYNC;
                    case FALLOCATE -> Sqe.OP_FALLOCATE;
                };
                assertEquals(expected, sqe.opcode(), op.name());
                assertEquals(7, sqe.fd(), op.name());
                switch (op.direction()) {
                    case FORCE -> assertEquals(op == IoOp.FDSYNC ? Sqe.FSYNC_DATASYNC : 0, sqe.rwFlags(), op.name());
                    case READ, WRITE -> {
                        assertEquals(buffer.address(), sqe.addr(), op.name());
                        assertEquals(r.length, sqe.len(), op.name());
                        assertEquals(8192, sqe.off(), op.name());
                        assertEquals(0, sqe.rwFlags(), op.name() + ": io_uring never gets RWF_NOWAIT");
                    }
                    case ALLOCATE -> {
                        // io_fallocate_prep: the length in addr, the mode in len; the mode is passed as it is
                        // (8, RWF_NOWAIT's value, is FALLOC_FL_COLLAPSE_RANGE here).
                        assertEquals(r.length, sqe.addr(), op.name());
                        assertEquals(r.rwFlags, sqe.len(), op.name());
                        assertEquals(8192, sqe.off(), op.name());
                    }
                }
            }
        }
    }
}
