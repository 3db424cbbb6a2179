package dev.jaio.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonWriterTest {
    @Test
    void shouldWriteNestedObjectsAndArraysThatParseBack() {
        String json = new JsonWriter().beginObject()
                .field("name", "a \"quoted\"\\ line\n")
                .field("n", 42L)
                .field("x", 0.5)
                .beginArray("list").beginObject().field("k", "v").endObject().beginObject().endObject().endArray()
                .beginObject("empty").endObject()
                .endObject().toString();
        Map<?, ?> doc = (Map<?, ?>) Json.parse(json);
        assertEquals("a \"quoted\"\\ line\n", doc.get("name"));
        assertEquals(42.0, doc.get("n"));
        assertEquals(0.5, doc.get("x"));
        assertEquals(List.of(Map.of("k", "v"), Map.of()), doc.get("list"));
        assertEquals(Map.of(), doc.get("empty"));
    }

    @Test
    void shouldWriteNonFiniteNumbersAsZero() {
        Map<?, ?> doc = (Map<?, ?>) Json.parse(new JsonWriter().beginObject().field("nan", Double.NaN).endObject().toString());
        assertEquals(0.0, doc.get("nan"));
    }
}
