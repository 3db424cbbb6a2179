package dev.jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jaio.internal.engine.Backend;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The public {@link AioEngine.Kind} and {@link AioEngine.Mode} and the internal backends name each other. */
class AioEngineKindTest {
    @Test
    void shouldHaveAKindForEveryBackendAndABackendForEveryKind() {
        for (Backend b : Backend.values()) {
            assertEquals(b.name(), AioEngine.kindOf(b).name());
        }
        assertEquals(Backend.values().length, AioEngine.Kind.values().length,
                "kinds: " + Arrays.toString(AioEngine.Kind.values()));
    }

    @Test
    void shouldAskForTheBackendOfEachModeAndForNoneInAuto() {
        assertNull(AioEngine.backendOf(AioEngine.Mode.AUTO));
        for (AioEngine.Mode m : AioEngine.Mode.values()) {
            if (m != AioEngine.Mode.AUTO) {
                assertEquals(m.name(), AioEngine.backendOf(m).name());
            }
        }
        assertEquals(Backend.values().length + 1, AioEngine.Mode.values().length, "AUTO and one mode per backend");
    }
}
