package dev.jaio.internal.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** How a file's cold reads make its inline attempts sampled, and how one warm read ends that. */
class InlineIoColdTest {
    private static InlineIo inline() {
        return new InlineIo(-1, null, true); // the counting touches neither the descriptor nor staging
    }

    @Test
    void shouldTryEveryReadUntilAStreakOfColdOnes() {
        InlineIo io = inline();
        for (int i = 0; i < InlineIo.COLD_STREAK - 1; i++) {
            io.coldRead();
            assertFalse(io.skipsRead(), "after " + (i + 1) + " cold reads");
        }
    }

    @Test
    void shouldTryOneReadInSixteenWhileTheFileIsCold() {
        InlineIo io = inline();
        for (int i = 0; i < InlineIo.COLD_STREAK; i++) {
            io.coldRead();
        }
        int tried = 0;
        for (int i = 0; i < 10 * InlineIo.COLD_SAMPLE; i++) {
            if (!io.skipsRead()) {
                tried++;
                io.coldRead(); // the sampled attempt found nothing either
            }
        }
        assertEquals(10, tried);
    }

    @Test
    void shouldTryEveryReadAgainOnceOneFindsTheCacheWarm() {
        InlineIo io = inline();
        for (int i = 0; i < InlineIo.COLD_STREAK; i++) {
            io.coldRead();
        }
        while (io.skipsRead()) {
            // skipped reads go to the engine; the sampled one below finds data
        }
        io.warmRead();
        for (int i = 0; i < 100; i++) {
            assertFalse(io.skipsRead(), "read " + i + " after a warm one");
        }
    }

    @Test
    void shouldTryEveryReadOfAPartlyCachedFile() {
        InlineIo io = inline();
        for (int i = 0; i < 3 * InlineIo.COLD_STREAK; i++) {
            io.coldRead();
            if (i % 4 == 3) {
                io.warmRead(); // a hit every fourth read: the file is partly cached, every read is tried
            }
            assertFalse(io.skipsRead(), "read " + i);
        }
    }
}
