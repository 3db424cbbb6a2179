package dev.jaio.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class SweepChartTest {
    @TempDir
    Path dir;

    private static final List<SweepChart.Point> POINTS = List.of(
            new SweepChart.Point("aio", "32", 90_000, 400, 220), new SweepChart.Point("aio", "1", 10_000, 80, 75),
            new SweepChart.Point("jdk-threads", "1", 9_000, 90, 60), new SweepChart.Point("jdk-threads", "32", 60_000, 900, 105));

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void shouldDrawThreePanelsSideBySideAsPng() throws Exception {
        Path png = dir.resolve("c.png");
        SweepChart.of("jaio bench: randread", "iodepth", true, POINTS).write(png, SweepChart.Format.PNG);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(3 * SweepChart.PANEL_W, img.getWidth());
        assertTrue(img.getHeight() > SweepChart.PANEL_H);
        // Something is drawn in each panel: not every pixel of its plot area is the white background.
        for (int panel = 0; panel < 3; panel++) {
            int x0 = panel * SweepChart.PANEL_W;
            boolean drawn = false;
            for (int x = x0 + 60; x < x0 + SweepChart.PANEL_W - 20 && !drawn; x += 3) {
                for (int y = 80; y < img.getHeight() - 60 && !drawn; y += 3) {
                    drawn = (img.getRGB(x, y) & 0xffffff) != 0xffffff;
                }
            }
            assertTrue(drawn, "panel " + panel + " is not blank");
        }
    }

    @Test
    void shouldWriteSvgThatParsesWithEveryPanelAndSeriesNamed() throws Exception {
        Path svg = dir.resolve("c.svg");
        SweepChart.of("t <&>", "iodepth", true, POINTS).write(svg, SweepChart.Format.SVG);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = f.newDocumentBuilder().parse(svg.toFile());
        assertEquals("svg", doc.getDocumentElement().getTagName());
        assertEquals("0 0 " + 3 * SweepChart.PANEL_W + " " + (36 + SweepChart.PANEL_H),
                doc.getDocumentElement().getAttribute("viewBox"), "three panels side by side under the title");
        // XChart draws its text as outlines; the title is text.
        assertEquals("t <&>", doc.getElementsByTagName("text").item(0).getTextContent());
        assertTrue(doc.getElementsByTagName("path").getLength() > 50, "axes, lines and lettering are drawn");
    }

    @Test
    void shouldTakeTheFormatFromTheExtensionAndRefuseOthers() {
        assertEquals(SweepChart.Format.PNG, SweepChart.Format.of(Path.of("a/b.PNG")));
        assertEquals(SweepChart.Format.SVG, SweepChart.Format.of(Path.of("b.svg")));
        assertEquals(Path.of("a/b.png"), SweepChart.Format.PNG.sibling(Path.of("a/b.svg")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SweepChart.Format.of(Path.of("b.pdf")));
        assertEquals("a chart file ends in .png or .svg: chart=b.pdf", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SweepChart.of("t", "x", false, List.of()));
    }
}
