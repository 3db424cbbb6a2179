package dev.jaio.internal.engine.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.aio.Iocb;
import dev.jaio.internal.engine.InertRequest;
import dev.jaio.internal.engine.IoOp;
import dev.jaio.internal.engine.IoRequest;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Every {@link IoOp} the engine accepts becomes the iocb of its command; FALLOCATE, with none, is refused. */
class EventLoopFillTest {
    @Test
    void shouldFillTheCommandOfEveryOperation() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(512, 512);
            for (IoOp op : IoOp.values()) {
                if (op == IoOp.FALLOCATE) {
                    continue; // no iocb command: see shouldRefuseToFillAnOperationWithoutACommand
                }
                Iocb iocb = Iocb.allocate(arena);
                iocb.data(99).nbytes(12345); // stale fields from a previous request must not survive
                IoRequest r = InertRequest.filled(op, buffer);
                EventLoop.fill(iocb, r);
                int expected = switch (op) {
                    case READ -> Iocb.CMD_PREAD;
                    case WRITE -> Iocb.CMD_PWRITE;
                    case READV -> Iocb.CMD_PREADV;
                    case WRITEV -> Iocb.CMD_PWRITEV;
                    case FSYNC -> Iocb.CMD_FSYNC;
                    case FDSYNC -> Iocb.CMD_FDSYNC;
                    case FALLOCATE -> throw new AssertionError("skipped above");
                };
                assertEquals(expected, iocb.opcode(), op.name());
                assertEquals(7, iocb.fd(), op.name());
                assertEquals(0, iocb.data(), op.name() + ": the loop sets data after fill");
                if (op.direction() == IoOp.Direction.FORCE) {
                    assertEquals(0, iocb.nbytes(), op.name());
                    assertEquals(0, iocb.buf(), op.name());
                } else {
                    assertEquals(buffer.address(), iocb.buf(), op.name());
                    assertEquals(r.length, iocb.nbytes(), op.name());
                    assertEquals(8192, iocb.offset(), op.name());
                    assertEquals(Iocb.RWF_NOWAIT, iocb.rwFlags(), op.name());
                }
            }
        }
    }

    @Test
    void shouldRefuseToFillAnOperationWithoutACommand() {
        // fs/aio.c has no fallocate command; KernelAioEngine sends FALLOCATE to a blocking thread instead
        // (AsyncFileAllocateTest runs it on every engine).
        try (Arena arena = Arena.ofConfined()) {
            Iocb iocb = Iocb.allocate(arena);
            IoRequest r = InertRequest.filled(IoOp.FALLOCATE, MemorySegment.NULL);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> EventLoop.fill(iocb, r));
            assertTrue(e.getMessage().contains("fallocate"), e.getMessage());
        }
    }
}
