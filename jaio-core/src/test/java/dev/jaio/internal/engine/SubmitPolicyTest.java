package dev.jaio.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SubmitPolicyTest {
    @Test
    void shouldSubmitALoneCompletionsFollowUpAtOnce() {
        for (int depth : new int[] {1, 4, 32, 128}) {
            assertTrue(new SubmitPolicy(depth, false).submitNow(1, false), "depth=" + depth);
        }
    }

    @Test
    void shouldGatherTheFollowUpsOfOneReapUntilABatchWaits() {
        SubmitPolicy p = new SubmitPolicy(32, false);
        assertEquals(8, p.batch());
        for (int waiting = 1; waiting < 8; waiting++) {
            assertFalse(p.submitNow(waiting, true), "waiting=" + waiting);
            assertTrue(p.submitNow(waiting, false), "the reap handled: waiting=" + waiting);
        }
        assertTrue(p.submitNow(8, true));
        assertTrue(p.submitNow(9, true));
    }

    @Test
    void shouldNeverSubmitNothing() {
        assertFalse(new SubmitPolicy(32, false).submitNow(0, false));
        assertFalse(new SubmitPolicy(32, true).submitNow(0, false));
    }

    @Test
    void shouldSubmitEveryFollowUpAtOnceWhenEager() {
        SubmitPolicy p = new SubmitPolicy(32, true);
        for (int waiting = 1; waiting < 8; waiting++) {
            assertTrue(p.submitNow(waiting, true), "waiting=" + waiting);
        }
    }

    @Test
    void shouldKeepBatchesBigEnoughForOnePlugAndSmallAtLargeDepths() {
        // An io_submit of 3 or more iocbs is one block-layer plug: batches are at least 4.
        assertEquals(4, new SubmitPolicy(1, false).batch());
        assertEquals(4, new SubmitPolicy(4, false).batch());
        assertEquals(4, new SubmitPolicy(16, false).batch());
        assertEquals(8, new SubmitPolicy(128, false).batch(), "batches stay small at large depths");
        SubmitPolicy four = new SubmitPolicy(4, false);
        assertFalse(four.submitNow(3, true), "depth 4: a reap of four completions is one io_submit");
        assertTrue(four.submitNow(4, true));
    }

    @Test
    void shouldRejectANonPositiveDepth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SubmitPolicy(0, false));
        assertTrue(e.getMessage().contains("depth=0"), e.getMessage());
    }
}
