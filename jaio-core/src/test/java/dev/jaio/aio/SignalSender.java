package dev.jaio.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jaio.internal.linux.Arch;
import dev.jaio.internal.linux.Syscalls;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/**
 * Delivers SIGURG to one thread with tgkill(2). The JVM leaves SIGURG alone, so a Java-level handler
 * is installed first: a signal with the default (ignore) disposition is dropped by the kernel without
 * interrupting anything. io_getevents(2) is never restarted after a handler runs; it fails with EINTR.
 */
final class SignalSender {
    private static final long GETTID = Arch.current() == Arch.AARCH64 ? 178 : 186;
    private static final long TGKILL = Arch.current() == Arch.AARCH64 ? 131 : 234;
    private static final int SIGURG = 23;
    private static volatile boolean installed;

    static SignalSender install() {
        Assumptions.assumeTrue(Arch.current() == Arch.X86_64 || Arch.current() == Arch.AARCH64,
                "gettid/tgkill numbers known for x86_64 and aarch64 only");
        if (!installed) {
            // sun.misc.Signal through reflection: the test compilation is patched into module dev.jaio,
            // which does not read jdk.unsupported; at run time the tests are on the class path.
            try {
                Class<?> signalClass = Class.forName("sun.misc.Signal");
                Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
                Object handler = java.lang.reflect.Proxy.newProxyInstance(handlerClass.getClassLoader(),
                        new Class<?>[] {handlerClass}, (proxy, method, args) -> null);
                Object urg = signalClass.getConstructor(String.class).newInstance("URG");
                signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, urg, handler);
            } catch (ReflectiveOperationException | RuntimeException e) {
                Assumptions.abort("cannot install a SIGURG handler in this JVM: " + e);
            }
            installed = true;
        }
        return new SignalSender();
    }

    static long gettid() {
        return Syscalls.syscall(GETTID, 0, 0, 0, 0, 0);
    }

    void send(long tid) {
        long ret = Syscalls.syscall(TGKILL, ProcessHandle.current().pid(), tid, SIGURG, 0, 0);
        assertEquals(0, ret, "tgkill");
    }

    /**
     * Signals thread {@code tid} every 50 ms until {@code ctx} has made a second io_getevents call,
     * which it does only when the first was interrupted; a signal that lands while the thread is
     * still on its way into the call interrupts nothing, hence the repetition.
     */
    void sendUntilReentered(AioContext ctx, long tid, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (ctx.counters().getEventsCalls() < 2 && System.nanoTime() - deadline < 0) {
            Thread.sleep(50);
            send(tid);
        }
    }
}
