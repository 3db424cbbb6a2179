package dev.jaio.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EngineKindTest {
    @Test
    void shouldParseCommandLineNamesCaseInsensitivelyWithUnderscoresAsDashes() {
        assertEquals(EngineKind.AIO, EngineKind.parse("aio"));
        assertEquals(EngineKind.AIO_RAW, EngineKind.parse("AIO_RAW"));
        assertEquals(EngineKind.JDK_VTHREADS, EngineKind.parse(" jdk-vthreads "));
        assertEquals(EngineKind.URING, EngineKind.parse("uring"));
    }

    @Test
    void shouldListTheKnownNamesWhenTheNameIsUnknown() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EngineKind.parse("libaio"));
        assertTrue(e.getMessage().contains("aio, aio-eager, aio-raw, uring, uring-raw, jdk-async, jdk-threads, jdk-vthreads, aio-threads, aio-vthreads"), e.getMessage());
    }
}
