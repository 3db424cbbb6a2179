package dev.jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jaio.testing.ChildJvm;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kernel AIO made unusable the way containers do it, with a seccomp filter on io_setup: the AUTO engine
 * falls back to the thread pool, says why, and does the same I/O; KERNEL_AIO mode refuses to build.
 */
class EngineFallbackTest {
    @ParameterizedTest(name = "io_setup answering {0}")
    @ValueSource(strings = {"EPERM", "ENOSYS"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldFallBackToTheThreadPoolAndSayWhy(String errno) throws Exception {
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "the test's seccomp filter is written for x86_64");
        String out = runChild(errno);
        assertTrue(out.contains("raw io_setup: " + errno), out);
        assertTrue(out.contains("kind: THREAD_POOL"), out);
        assertTrue(out.contains("reason: io_setup failed: " + errno), out);
        assertTrue(out.contains("kernel AIO is unavailable here") || out.contains("forbids kernel AIO"), out);
        assertTrue(out.contains("io: wrote 4096 read 4096 byte0 42"), out);
        assertTrue(out.contains("kernel mode: " + errno), out);
    }

    private static String runChild(String errno) throws IOException, InterruptedException {
        ChildJvm.Result r = ChildJvm.of(SeccompChild.class, errno).mergeStderr().timeout(Duration.ofSeconds(50)).run();
        assertEquals(0, r.exitCode(), r.stdout());
        return r.stdout();
    }
}
