package dev.jaio.internal.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jaio.aio.IoEvent;
import dev.jaio.aio.Iocb;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The struct layouts jaio shares with the kernel, checked against {@code linux/aio_abi.h} as installed
 * here, and the reason one layout serves both architectures.
 *
 * <p>x86_64 and aarch64 are both 64-bit and little-endian, and align each fixed-width integer to its size.
 * {@code struct iocb} and {@code struct io_event} are made only of fixed-width types ({@code __u64},
 * {@code __u32}, {@code __u16}, ..., no {@code long}, pointer or {@code size_t}), and the one
 * preprocessor choice inside them, the order of {@code aio_key} and {@code aio_rw_flags}, depends only on
 * the byte order: so the offsets computed here from the header's little-endian text hold on both, and a
 * test on x86_64 checks aarch64 too. ({@code struct __aio_sigset}, a pointer and a {@code size_t}, is 8
 * and 8 bytes on both; {@link AioSigsetTest} checks it.)
 */
class AbiLayoutTest {
    private static final Map<String, Integer> FIXED_WIDTH = Map.of(
            "__u64", 8, "__s64", 8, "__u32", 4, "__s32", 4, "__u16", 2, "__s16", 2, "__kernel_rwf_t", 4);

    /** A field as the header declares it, at the offset natural alignment gives it. */
    record Field(String type, String name, long offset, long size) {
    }

    @Test
    void shouldMatchStructIoEventOfTheHeader() throws Exception {
        assertMatches(parse("io_event"), IoEvent.LAYOUT);
    }

    @Test
    void shouldMatchStructIocbOfTheHeaderInItsLittleEndianOrder() throws Exception {
        List<Field> fields = parse("iocb");
        assertEquals("aio_key", fields.get(1).name(), "little-endian order: " + fields);
        assertEquals("aio_rw_flags", fields.get(2).name(), "little-endian order: " + fields);
        assertMatches(fields, Iocb.LAYOUT);
    }

    @Test
    void shouldRunOnlyOnLittleEndianArchitectures() {
        // The parse above takes the header's little-endian branch: that is right for every Arch jaio knows.
        assertEquals(ByteOrder.LITTLE_ENDIAN, ByteOrder.nativeOrder());
    }

    @Test
    void shouldFindKernelRwfTDeclaredAsAnInt() throws Exception {
        // The one type of struct iocb that is not spelled with its width: linux/fs.h says what it is.
        boolean found = KernelHeaders.read(Path.of("/usr/include/linux/fs.h")).stream()
                .anyMatch(l -> l.matches("\\s*typedef\\s+int\\s+(__bitwise\\s+)?__kernel_rwf_t\\s*;.*"));
        assertTrue(found, "typedef int __kernel_rwf_t in /usr/include/linux/fs.h");
    }

    private static void assertMatches(List<Field> header, StructLayout layout) {
        List<String> javaNames = new ArrayList<>();
        for (MemoryLayout member : layout.memberLayouts()) {
            member.name().ifPresent(javaNames::add);
        }
        assertEquals(header.stream().map(Field::name).toList(), javaNames, layout + " field names and order");
        long end = 0;
        for (Field f : header) {
            assertEquals(f.offset(), layout.byteOffset(groupElement(f.name())), f.name() + " offset");
            assertEquals(f.size(), layout.select(groupElement(f.name())).byteSize(), f.name() + " size");
            end = f.offset() + f.size();
        }
        long align = header.stream().mapToLong(Field::size).max().orElse(1);
        assertEquals((end + align - 1) / align * align, layout.byteSize(), "size of " + layout);
    }

    /**
     * The fields of {@code struct name} in {@code linux/aio_abi.h}, keeping the little-endian branch of any
     * {@code #if} inside it, which must test the byte order and nothing else.
     */
    private static List<Field> parse(String name) throws Exception {
        String text = String.join("\n", KernelHeaders.read(KernelHeaders.AIO_ABI)).replaceAll("(?s)/\\*.*?\\*/", "");
        int start = text.indexOf("struct " + name + " {");
        assertTrue(start >= 0, "struct " + name + " in " + KernelHeaders.AIO_ABI);
        String body = text.substring(text.indexOf('{', start) + 1, text.indexOf("};", start));
        List<Field> fields = new ArrayList<>();
        // Per nesting level: is this branch active, and has the chain already taken a branch?
        Deque<boolean[]> branches = new ArrayDeque<>();
        long offset = 0;
        for (String raw : body.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                if (line.startsWith("#if") || line.startsWith("#elif")) {
                    assertTrue(line.contains("ENDIAN") && !line.contains("BITS_PER_LONG"),
                            "an #if in struct " + name + " that is not about byte order: " + line);
                    boolean little = line.contains("== __LITTLE_ENDIAN");
                    if (line.startsWith("#if")) {
                        branches.push(new boolean[] {little, little});
                    } else {
                        boolean[] b = branches.peek();
                        b[0] = little && !b[1];
                        b[1] |= little;
                    }
                } else if (line.startsWith("#else")) {
                    boolean[] b = branches.peek();
                    b[0] = !b[1];
                    b[1] = true;
                } else if (line.startsWith("#endif")) {
                    branches.pop();
                } else if (!line.startsWith("#error")) {
                    fail("unexpected directive in struct " + name + ": " + line);
                }
                continue;
            }
            if (branches.stream().anyMatch(b -> !b[0])) {
                continue;
            }
            String[] decl = line.replace(";", "").trim().split("\\s+");
            assertEquals(2, decl.length, "a field is one type and one name: " + line);
            Integer size = FIXED_WIDTH.get(decl[0]);
            assertFalse(size == null, "struct " + name + " field of a type whose width may differ by ABI: " + line);
            offset = (offset + size - 1) / size * size;
            fields.add(new Field(decl[0], decl[1], offset, size));
            offset += size;
        }
        assertTrue(branches.isEmpty(), "unbalanced #if in struct " + name);
        return fields;
    }
}
