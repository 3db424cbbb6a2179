package dev.jaio.cli.bench;

import de.erichseifert.vectorgraphics2d.Document;
import de.erichseifert.vectorgraphics2d.Processors;
import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

/**
 * A sweep's chart, drawn with XChart: three panels side by side against the swept value (IOPS, p99
 * completion latency, and I/Os per CPU millisecond), one line per series (for example per engine), under
 * one title. Written as PNG or SVG (where XChart draws its text as outlines; the title stays text). The x
 * values are evenly spaced categories in the order given, sorted numerically when they are numbers, so
 * powers of two such as queue depths fall as on a log2 axis.
 */
public final class SweepChart {
    /** Width of one panel, pixels. */
    static final int PANEL_W = 460;
    /** Height of one panel, pixels. */
    static final int PANEL_H = 380;
    private static final int TITLE_H = 36;

    /**
     * One point of the chart.
     *
     * @param series       the line it belongs to
     * @param x            its x label (the swept value)
     * @param iops         requests per second
     * @param p99Us        99th percentile completion latency, microseconds
     * @param iosPerCpuMs  requests completed per millisecond of CPU time
     */
    public record Point(String series, String x, double iops, double p99Us, double iosPerCpuMs) {
    }

    /** An image format {@link #write} can produce. */
    public enum Format {
        /** A bitmap, through AWT's {@code ImageIO}. */
        PNG,
        /** Vector graphics, through VectorGraphics2D. */
        SVG;

        /**
         * The format a file name's extension names.
         *
         * @param file a path ending in {@code .png} or {@code .svg} (any case)
         * @return its format
         * @throws IllegalArgumentException for any other extension
         */
        public static Format of(Path file) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".png")) {
                return PNG;
            }
            if (name.endsWith(".svg")) {
                return SVG;
            }
            throw new IllegalArgumentException("a chart file ends in .png or .svg: chart=" + file);
        }

        /**
         * The file beside {@code file} with this format's extension in place of its own.
         *
         * @param file a chart file
         * @return the same name with {@code .png} or {@code .svg}
         */
        public Path sibling(Path file) {
            String name = file.getFileName().toString();
            int dot = name.lastIndexOf('.');
            String stem = dot > 0 ? name.substring(0, dot) : name;
            return file.resolveSibling(stem + "." + name().toLowerCase(Locale.ROOT));
        }
    }

    private final String title;
    private final List<CategoryChart> panels;

    private SweepChart(String title, List<CategoryChart> panels) {
        this.title = title;
        this.panels = panels;
    }

    /**
     * Builds the three panels.
     *
     * @param title    the heading over all panels
     * @param xName    the x axis's name (for example {@code iodepth})
     * @param numericX whether the x values are numbers, to be sorted as such
     * @param points   the points; every series should have a point at every x value
     * @return the chart, ready to {@link #write}
     * @throws IllegalArgumentException if there are no points
     */
    public static SweepChart of(String title, String xName, boolean numericX, List<Point> points) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("a chart needs points: points=0");
        }
        List<String> xs = new ArrayList<>();
        Map<String, List<Point>> series = new LinkedHashMap<>();
        for (Point p : points) {
            if (!xs.contains(p.x())) {
                xs.add(p.x());
            }
            series.computeIfAbsent(p.series(), k -> new ArrayList<>()).add(p);
        }
        if (numericX) {
            xs.sort((a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b)));
        }
        String xTitle = xName;
        List<CategoryChart> panels = List.of(
                panel("IOPS", xTitle, xs, series, Point::iops),
                panel("p99 completion latency (us)", xTitle, xs, series, Point::p99Us),
                panel("I/Os per CPU-ms", xTitle, xs, series, Point::iosPerCpuMs));
        return new SweepChart(title, panels);
    }

    private static CategoryChart panel(String yName, String xTitle, List<String> xs, Map<String, List<Point>> series,
                                       ToDoubleFunction<Point> value) {
        CategoryChart c = new CategoryChartBuilder().width(PANEL_W).height(PANEL_H).title(yName)
                .xAxisTitle(xTitle).yAxisTitle(yName).build();
        Styler s = c.getStyler();
        s.setLegendPosition(Styler.LegendPosition.InsideNW);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setChartTitleBoxVisible(false);
        c.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        c.getStyler().setOverlapped(true); // every series' point at its category's centre, not side by side
        c.getStyler().setYAxisMin(0.0);
        for (Map.Entry<String, List<Point>> e : series.entrySet()) {
            List<Double> ys = new ArrayList<>();
            for (String x : xs) {
                Point p = e.getValue().stream().filter(q -> q.x().equals(x)).findFirst().orElse(null);
                ys.add(p != null ? value.applyAsDouble(p) : null);
            }
            c.addSeries(e.getKey(), xs, ys);
        }
        return c;
    }

    /** Total width of the image, pixels. */
    int width() {
        return PANEL_W * panels.size();
    }

    /** Total height of the image, pixels. */
    int height() {
        return TITLE_H + PANEL_H;
    }

    /**
     * Writes the chart to {@code file}.
     *
     * @param file   where it goes (replaced if it exists)
     * @param format PNG or SVG
     * @throws IOException if the file cannot be written
     */
    public void write(Path file, Format format) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            switch (format) {
                case PNG -> {
                    BufferedImage img = new BufferedImage(width(), height(), BufferedImage.TYPE_INT_RGB);
                    Graphics2D g = img.createGraphics();
                    try {
                        paint(g);
                    } finally {
                        g.dispose();
                    }
                    ImageIO.write(img, "png", out);
                }
                case SVG -> {
                    VectorGraphics2D g = new VectorGraphics2D();
                    paint(g);
                    Document doc = Processors.get("svg").getDocument(g.getCommands(), new PageSize(width(), height()));
                    doc.writeTo(out);
                }
            }
        }
    }

    private void paint(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width(), height());
        g.setColor(Color.BLACK);
        Font font = new Font(Font.SANS_SERIF, Font.BOLD, 15);
        g.setFont(font);
        String line = title;
        int max = width() - 20;
        for (int cut = title.length(); cut > 0 && g.getFontMetrics().stringWidth(line) > max; cut--) {
            line = title.substring(0, cut - 1) + "...";
        }
        g.drawString(line, 10, 24);
        for (int i = 0; i < panels.size(); i++) {
            Graphics2D p = (Graphics2D) g.create(i * PANEL_W, TITLE_H, PANEL_W, PANEL_H);
            try {
                panels.get(i).paint(p, PANEL_W, PANEL_H);
            } finally {
                p.dispose();
            }
        }
    }
}
