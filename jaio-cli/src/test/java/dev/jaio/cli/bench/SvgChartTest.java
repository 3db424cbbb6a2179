package dev.jaio.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SvgChartTest {
    @Test
    void shouldDrawBothPanelsWithALinePerSeriesAndEscapeText() {
        String svg = SvgChart.render("t <&>", "iodepth", true, List.of(
                new SvgChart.Point("aio", "1", 10_000, 80), new SvgChart.Point("aio", "32", 90_000, 400),
                new SvgChart.Point("jdk-threads", "1", 9_000, 90), new SvgChart.Point("jdk-threads", "32", 60_000, 900)));
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assertTrue(svg.trim().endsWith("</svg>"));
        assertEquals(4, svg.split("<polyline", -1).length - 1);
        assertEquals(8, svg.split("<circle", -1).length - 1);
        assertTrue(svg.contains("t &lt;&amp;&gt;"));
        assertTrue(svg.contains("iodepth (log scale)"));
    }

    @Test
    void shouldWrapLongTitlesAtSpaces() {
        assertEquals(List.of("jaio bench: randread,", "sweep iodepth=1,4"), SvgChart.wrap("jaio bench: randread, sweep iodepth=1,4", 22));
        assertEquals(List.of("short"), SvgChart.wrap("short", 22));
    }

    @Test
    void shouldRoundAxisMaximaUpToOneTwoOrFive() {
        assertEquals(100_000, SvgChart.niceCeiling(90_000));
        assertEquals(200, SvgChart.niceCeiling(101));
        assertEquals(5, SvgChart.niceCeiling(4.2));
        assertEquals(1, SvgChart.niceCeiling(0));
    }
}
