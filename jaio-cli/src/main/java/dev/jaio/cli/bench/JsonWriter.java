package dev.jaio.cli.bench;

import java.util.Locale;

/**
 * A small streaming JSON writer, indented as fio indents its output. The caller nests
 * {@link #beginObject}/{@link #endObject} and {@link #beginArray}/{@link #endArray} correctly; the writer
 * adds commas, quotes and escapes.
 */
public final class JsonWriter {
    private final StringBuilder out = new StringBuilder();
    private int depth;
    private boolean first = true;

    /** Opens an object, as an array element or the document. */
    public JsonWriter beginObject() {
        separator();
        out.append('{');
        depth++;
        first = true;
        return this;
    }

    /** Opens an object as the value of {@code name}. */
    public JsonWriter beginObject(String name) {
        key(name);
        out.append('{');
        depth++;
        first = true;
        return this;
    }

    /** Closes an object. */
    public JsonWriter endObject() {
        return close('}');
    }

    /** Opens an array as the value of {@code name}. */
    public JsonWriter beginArray(String name) {
        key(name);
        out.append('[');
        depth++;
        first = true;
        return this;
    }

    /** Closes an array. */
    public JsonWriter endArray() {
        return close(']');
    }

    /** A string member. */
    public JsonWriter field(String name, String value) {
        key(name);
        quote(value);
        return this;
    }

    /** An integer member. */
    public JsonWriter field(String name, long value) {
        key(name);
        out.append(value);
        return this;
    }

    /** A number member, written with up to six decimals as fio does; NaN and infinities become 0. */
    public JsonWriter field(String name, double value) {
        key(name);
        out.append(Double.isFinite(value) ? String.format(Locale.ROOT, "%.6f", value) : "0");
        return this;
    }

    /** The document. */
    @Override
    public String toString() {
        return out.toString();
    }

    private JsonWriter close(char c) {
        depth--;
        if (!first) {
            newline();
        }
        out.append(c);
        first = false;
        return this;
    }

    private void key(String name) {
        separator();
        quote(name);
        out.append(" : ");
    }

    private void separator() {
        if (depth == 0 && out.isEmpty()) {
            return;
        }
        if (!first) {
            out.append(',');
        }
        newline();
        first = false;
    }

    private void newline() {
        out.append('\n');
        out.append("  ".repeat(Math.max(0, depth)));
    }

    private void quote(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
