package dev.jaio.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void shouldParseSizesWithBinarySuffixesAsFioDoes() {
        assertEquals(4096, Units.parseSize("4k"));
        assertEquals(4096, Units.parseSize("4K"));
        assertEquals(4096, Units.parseSize("4KiB"));
        assertEquals(1 << 20, Units.parseSize("1m"));
        assertEquals(256L << 20, Units.parseSize("256MiB"));
        assertEquals(1L << 30, Units.parseSize("1G"));
        assertEquals(512, Units.parseSize("512"));
        assertEquals(1536, Units.parseSize("1.5k"));
    }

    @Test
    void shouldRejectSizesThatAreNotSizes() {
        assertThrows(IllegalArgumentException.class, () -> Units.parseSize("k"));
        assertThrows(IllegalArgumentException.class, () -> Units.parseSize("4x"));
        assertThrows(IllegalArgumentException.class, () -> Units.parseSize("0.3"));
    }

    @Test
    void shouldParseDurationsInSecondsByDefault() {
        assertEquals(5_000_000_000L, Units.parseDurationNanos("5"));
        assertEquals(5_000_000_000L, Units.parseDurationNanos("5s"));
        assertEquals(250_000_000L, Units.parseDurationNanos("250ms"));
        assertEquals(60_000_000_000L, Units.parseDurationNanos("1m"));
        assertEquals(10_000L, Units.parseDurationNanos("10us"));
        assertThrows(IllegalArgumentException.class, () -> Units.parseDurationNanos("5y"));
    }

    @Test
    void shouldFormatBytesAndCounts() {
        assertEquals("4KiB", Units.formatBytes(4096));
        assertEquals("1.5GiB", Units.formatBytes(1.5 * (1L << 30)));
        assertEquals("950", Units.formatCount(950));
        assertEquals("120k", Units.formatCount(120_000));
        assertEquals("1.25M", Units.formatCount(1_250_000));
    }
}
