package dev.jaio.internal.engine.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SubmitPolicyTest {
    @Test
    void shouldSubmitEachFollowUpAtOnceWhileLessThanHalfTheQueueIsInTheKernel() {
        SubmitPolicy p = new SubmitPolicy(32, false);
        assertEquals(16, p.lowWater());
        for (int inKernel = 0; inKernel < 16; inKernel++) {
            assertTrue(p.submitNow(inKernel, 1), "inKernel=" + inKernel);
        }
    }

    @Test
    void shouldGatherFollowUpsIntoBatchesWhileTheQueueIsWellStocked() {
        SubmitPolicy p = new SubmitPolicy(32, false);
        assertEquals(8, p.batch());
        for (int waiting = 1; waiting < 8; waiting++) {
            assertFalse(p.submitNow(16, waiting), "waiting=" + waiting);
            assertFalse(p.submitNow(31, waiting), "waiting=" + waiting);
        }
        assertTrue(p.submitNow(16, 8));
        assertTrue(p.submitNow(24, 9));
    }

    @Test
    void shouldNeverSubmitNothing() {
        assertFalse(new SubmitPolicy(32, false).submitNow(0, 0));
        assertFalse(new SubmitPolicy(32, true).submitNow(0, 0));
    }

    @Test
    void shouldSubmitAtOnceAtEveryQueueFillWhenEager() {
        SubmitPolicy p = new SubmitPolicy(32, true);
        for (int inKernel = 0; inKernel < 32; inKernel++) {
            assertTrue(p.submitNow(inKernel, 1), "inKernel=" + inKernel);
        }
    }

    @Test
    void shouldKeepSmallDepthsFullOneRequestAtATime() {
        SubmitPolicy one = new SubmitPolicy(1, false);
        assertTrue(one.submitNow(0, 1));
        SubmitPolicy four = new SubmitPolicy(4, false);
        assertEquals(1, four.batch());
        assertTrue(four.submitNow(3, 1), "a batch of one at depth 4: never held back");
        SubmitPolicy deep = new SubmitPolicy(128, false);
        assertEquals(8, deep.batch(), "batches stay small at large depths");
        assertEquals(64, deep.lowWater());
    }

    @Test
    void shouldRejectANonPositiveDepth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SubmitPolicy(0, false));
        assertTrue(e.getMessage().contains("depth=0"), e.getMessage());
    }
}
