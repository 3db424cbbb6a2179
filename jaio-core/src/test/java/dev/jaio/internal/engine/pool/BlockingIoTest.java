package dev.jaio.internal.engine.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jaio.Errno;
import dev.jaio.internal.engine.InertRequest;
import dev.jaio.internal.engine.IoOp;
import dev.jaio.internal.linux.LibC;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockingIoTest {
    @TempDir
    Path dir;

    /** A request that only carries its fields; BlockingIo is what runs it. */
    private static final class Req extends InertRequest {
        Req(IoOp op, int fd, long position, MemorySegment buffer, long length) {
            super(op, fd, position, buffer, length, 0);
        }

        @Override
        protected long runBlocking() {
            return BlockingIo.run(this);
        }
    }

    private static int openReadOnly(Path p) {
        int fd = LibC.open(Arena.ofAuto().allocateFrom(p.toString()), 0 /* O_RDONLY */, 0);
        if (fd < 0) {
            throw new IllegalStateException("open failed: " + fd);
        }
        return fd;
    }

    @Test
    void shouldGoOnFromWhatAFirstAttemptDidAndReturnTheTotal() throws IOException {
        byte[] data = new byte[8192];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        Path p = Files.write(dir.resolve("f"), data);
        int fd = openReadOnly(p);
        try {
            MemorySegment buf = Arena.ofAuto().allocate(8192);
            Req r = new Req(IoOp.READ, fd, 0, buf, 8192);
            r.done = 1000;
            assertEquals(8192, BlockingIo.run(r), "the total, the first attempt's bytes included");
            assertEquals(data[1000], buf.get(ValueLayout.JAVA_BYTE, 1000));
            assertEquals(data[8191], buf.get(ValueLayout.JAVA_BYTE, 8191));
            assertEquals(0, buf.get(ValueLayout.JAVA_BYTE, 999), "bytes the first attempt did are not read again");
        } finally {
            LibC.close(fd);
        }
    }

    @Test
    void shouldReturnMinusErrnoOfTheSyscallAndWhatWasDoneAfterAStart() throws IOException {
        Path p = Files.write(dir.resolve("f"), new byte[16]);
        int fd = openReadOnly(p);
        try {
            MemorySegment buf = Arena.ofAuto().allocate(16);
            assertEquals(-Errno.EBADF.number(), BlockingIo.run(new Req(IoOp.WRITE, fd, 0, buf, 16)),
                    "pwrite on a read-only descriptor");
            Req resumed = new Req(IoOp.WRITE, fd, 0, buf, 16);
            resumed.done = 4;
            assertEquals(4, BlockingIo.run(resumed), "an error after a start reports what was done");
            assertEquals(0, BlockingIo.run(new Req(IoOp.FSYNC, fd, 0, MemorySegment.NULL, 0)));
        } finally {
            LibC.close(fd);
        }
    }
}
