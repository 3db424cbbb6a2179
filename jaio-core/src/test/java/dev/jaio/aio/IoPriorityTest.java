package dev.jaio.aio;

import dev.jaio.AioException;
import dev.jaio.AlignedBufferPool;
import dev.jaio.ChildCommands;
import dev.jaio.testing.ChildJvm;
import dev.jaio.Errno;
import dev.jaio.JaioOpenOption;
import dev.jaio.NativeFile;
import dev.jaio.testing.TestFiles;

import static java.nio.file.StandardOpenOption.READ;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class IoPriorityTest {
    @TempDir
    Path dir;

    @Test
    void shouldEncodeClassAndLevelAsIoprioSetDoes() {
        assertEquals(0x4000 | 4, IoPriority.bestEffort(4));
        assertEquals(0x2000, IoPriority.realTime(0));
        assertEquals(0x6000, IoPriority.idle());
        assertEquals(IoPriority.CLASS_BE, IoPriority.classOf(IoPriority.bestEffort(7)));
        assertEquals(7, IoPriority.levelOf(IoPriority.bestEffort(7)));
        int withHint = IoPriority.of(IoPriority.CLASS_BE, 8);
        assertEquals(0, IoPriority.levelOf(withHint));
        assertEquals(1, IoPriority.hintOf(withHint));
        assertEquals(8, IoPriority.dataOf(withHint));
        assertEquals(7, IoPriority.classOf(IoPriority.of(7, 0)));
    }

    /** Submits an O_DIRECT read of 4096 bytes at 0 with {@code ioprio}; returns res, or -errno of io_submit. */
    private long readWith(int ioprio, boolean[] failedAtSubmit) throws Exception {
        Path p = dir.resolve("f");
        if (!Files.exists(p)) {
            TestFiles.patterned(dir, "f", 8192);
        }
        try (NativeFile f = NativeFile.open(p, READ, JaioOpenOption.DIRECT);
             AioContext ctx = AioContext.setup(4);
             AlignedBufferPool pool = new AlignedBufferPool();
             AlignedBufferPool.Buffer buf = pool.acquire(4096);
             Arena arena = Arena.ofConfined()) {
            Iocb iocb = Iocb.allocate(arena).prepPread(f.fd(), buf.segment(), 0).ioPriority(ioprio);
            assertEquals(Iocb.FLAG_IOPRIO, iocb.flags());
            assertEquals((short) ioprio, (short) iocb.reqPrio());
            try {
                ctx.submit(iocb);
            } catch (AioException e) {
                failedAtSubmit[0] = true;
                return -e.errno();
            }
            IoEvent ev = ctx.getEvents(1, 1, Duration.ofSeconds(10)).get(0);
            if (ev.res() == 4096) {
                assertEquals(TestFiles.patternByte(100), buf.segment().get(ValueLayout.JAVA_BYTE, 100));
            }
            return ev.res();
        }
    }

    @Test
    void shouldReadWithBestEffortAndIdlePriorities() throws Exception {
        boolean[] atSubmit = new boolean[1];
        for (int level = 0; level < IoPriority.LEVELS; level++) {
            assertEquals(4096, readWith(IoPriority.bestEffort(level), atSubmit), "level=" + level);
        }
        assertEquals(4096, readWith(IoPriority.idle(), atSubmit));
        assertEquals(4096, readWith(IoPriority.of(IoPriority.CLASS_NONE, 0), atSubmit));
    }

    @Test
    void shouldFailAtSubmitWithEinvalForAnInvalidClass() throws Exception {
        for (int cls : new int[] {4, 5, 6, 7}) {
            boolean[] atSubmit = new boolean[1];
            assertEquals(-Errno.EINVAL.number(), readWith(IoPriority.of(cls, 0), atSubmit), "class=" + cls);
            assertEquals(true, atSubmit[0], "aio_prep_rw checks the priority before queuing: class=" + cls);
        }
    }

    @Test
    void shouldFailAtSubmitWithEinvalForClassNoneWithALevel() throws Exception {
        boolean[] atSubmit = new boolean[1];
        assertEquals(-Errno.EINVAL.number(), readWith(IoPriority.of(IoPriority.CLASS_NONE, 3), atSubmit));
        assertEquals(true, atSubmit[0]);
    }

    @Test
    void shouldTreatBestEffortLevelEightAsAHintOnThisKernel() throws Exception {
        // Since Linux 6.5 bits 3-12 are IOPRIO_HINT and the level is bits 0-2: "level 8" is level 0 with
        // hint 1 (IOPRIO_HINT_DEV_DURATION_LIMIT_1), which ioprio_check_cap does not inspect.
        boolean[] atSubmit = new boolean[1];
        long res = readWith(IoPriority.of(IoPriority.CLASS_BE, 8), atSubmit);
        assertEquals(4096, res, "measured on Linux 6.18: accepted; older kernels answer EINVAL at io_submit");
    }

    @Test
    void shouldAllowRealTimeToRoot() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs CAP_SYS_ADMIN or CAP_SYS_NICE");
        boolean[] atSubmit = new boolean[1];
        assertEquals(4096, readWith(IoPriority.realTime(0), atSubmit));
        assertEquals(-Errno.EINVAL.number(), readWith(IoPriority.of(7, 0), atSubmit));
    }

    @Test
    @Timeout(120)
    void shouldFailAtSubmitWithEpermForRealTimeWithoutPrivilege() throws Exception {
        String reason = ChildJvm.nobodyUnavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path p = TestFiles.patterned(dir, "shared", 8192);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        ChildJvm.Result r = ChildCommands.run(true, List.of(), "rtread", p.toString(), "0");
        assertEquals("submit=EPERM", r.line(), r.stderr());
        ChildJvm.Result asRoot = ChildCommands.run(false, List.of(), "rtread", p.toString(), "0");
        assertEquals("res=4096", asRoot.line(), asRoot.stderr());
    }
}
