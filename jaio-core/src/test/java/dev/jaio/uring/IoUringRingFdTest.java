package dev.jaio.uring;

import static dev.jaio.uring.UringTestSupport.assertErrno;
import static dev.jaio.uring.UringTestSupport.assumeIoUring;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jaio.Errno;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link IoUring#registerRingFd()} on the real kernel ({@code IORING_REGISTER_RING_FDS}): enters with the
 * registered index work, only the registering thread uses it, and the kernel's errors come back.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IoUringRingFdTest {
    @BeforeEach
    void needsIoUring() {
        assumeIoUring();
    }

    @Test
    void shouldSubmitAndReapThroughTheRegisteredIndex() throws Exception {
        try (IoUring ring = IoUring.setup(8)) {
            int index = ring.registerRingFd();
            assertTrue(index >= 0 && index < IoUring.RING_FD_SLOTS, "index=" + index);
            assertEquals(index, ring.registeredRingFd());
            long before = ring.registeredRingEnters();
            for (int i = 0; i < 3; i++) {
                ring.getSqe().prepNop().userData(100 + i);
            }
            assertEquals(3, ring.submitAndWait(3));
            List<Cqe> cqes = ring.getCqes(3, 3, Duration.ofSeconds(10));
            assertEquals(3, cqes.size());
            for (int i = 0; i < 3; i++) {
                assertEquals(100 + i, cqes.get(i).userData());
                assertEquals(0, cqes.get(i).res());
            }
            assertTrue(ring.registeredRingEnters() > before, "the enters passed the index");

            ring.unregisterRingFd();
            assertEquals(-1, ring.registeredRingFd());
            long after = ring.registeredRingEnters();
            ring.getSqe().prepNop().userData(7);
            assertEquals(1, ring.submitAndWait(1));
            assertEquals(7, ring.getCqes(1, 1, Duration.ofSeconds(10)).get(0).userData());
            assertEquals(after, ring.registeredRingEnters(), "the descriptor again once unregistered");
        }
    }

    @Test
    void anotherThreadShouldEnterWithTheDescriptor() throws Exception {
        try (IoUring ring = IoUring.setup(8)) {
            ring.registerRingFd();
            long before = ring.registeredRingEnters();
            // The index names this ring only in the registering thread's table: another thread must not pass it.
            CompletableFuture<Long> res = new CompletableFuture<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    ring.getSqe().prepNop().userData(1);
                    ring.submitAndWait(1);
                    res.complete(ring.getCqes(1, 1, Duration.ofSeconds(10)).get(0).userData());
                } catch (Throwable e) {
                    res.completeExceptionally(e);
                }
            });
            assertEquals(1L, res.get(30, TimeUnit.SECONDS));
            t.join();
            assertEquals(before, ring.registeredRingEnters());
        }
    }

    @Test
    void shouldFailWithEinvalForASlotOutsideTheTable() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            assertErrno(Errno.EINVAL, "io_uring_register", () -> ring.registerRingFd(IoUring.RING_FD_SLOTS));
            assertEquals(-1, ring.registeredRingFd());
        }
    }

    @Test
    void shouldFailWithEbusyForATakenSlot() throws Exception {
        try (IoUring a = IoUring.setup(4); IoUring b = IoUring.setup(4)) {
            int index = a.registerRingFd();
            assertErrno(Errno.EBUSY, "io_uring_register", () -> b.registerRingFd(index));
        }
    }

    @Test
    void shouldFailWithEbadfOnceClosed() throws Exception {
        IoUring ring = IoUring.setup(4);
        ring.registerRingFd();
        ring.close();
        assertEquals(-1, ring.registeredRingFd(), "close on the registering thread unregisters");
        assertErrno(Errno.EBADF, "io_uring_register", ring::registerRingFd);
        assertErrno(Errno.EBADF, "io_uring_register", ring::unregisterRingFd);
        assertErrno(Errno.EBADF, "io_uring_enter", ring::submit);
    }

    @Test
    void closeShouldFreeTheSlotForTheNextRing() throws Exception {
        int index;
        try (IoUring ring = IoUring.setup(4)) {
            index = ring.registerRingFd();
        }
        try (IoUring next = IoUring.setup(4)) {
            assertEquals(index, next.registerRingFd(index), "the slot was freed by close");
        }
    }

    @Test
    void shouldRefuseAVirtualThreadAndASecondRegistration() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    ring.registerRingFd();
                    thrown.complete(null);
                } catch (Throwable e) {
                    thrown.complete(e);
                }
            }).join();
            Throwable e = thrown.get();
            assertTrue(e instanceof IllegalStateException && e.getMessage().contains("virtual"), String.valueOf(e));
            ring.registerRingFd();
            assertThrows(IllegalStateException.class, ring::registerRingFd);
        }
    }

    @Test
    void unregisterShouldBeRefusedOnAnotherThread() throws Exception {
        try (IoUring ring = IoUring.setup(4)) {
            ring.registerRingFd();
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                try {
                    ring.unregisterRingFd();
                    thrown.complete(null);
                } catch (Throwable e) {
                    thrown.complete(e);
                }
            }).join();
            assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
        }
    }
}
