package dev.jaio.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sweep's chart as SVG, drawn by hand: two panels side by side, IOPS and p99 completion latency against
 * the swept x value (queue depth on a log2 axis when iodepth is swept, else the first axis's values as
 * categories), one line per series (e.g. per engine).
 */
public final class SvgChart {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};
    private static final int PANEL_W = 420;
    private static final int PANEL_H = 300;
    private static final int MARGIN_L = 70;
    private static final int MARGIN_T = 50;
    private static final int MARGIN_B = 50;
    private static final int GAP = 90;

    /**
     * One point of the chart.
     *
     * @param series the line it belongs to
     * @param x      its x label (the swept value)
     * @param iops   requests per second
     * @param p99Us  99th percentile completion latency, microseconds
     */
    public record Point(String series, String x, double iops, double p99Us) {
    }

    private SvgChart() {
    }

    /**
     * The SVG document.
     *
     * @param title    the heading
     * @param xName    the x axis's name (e.g. "iodepth")
     * @param numericX whether x values are numbers to place on a log2 axis
     * @param points   the points, in the order their x values should appear for a category axis
     */
    public static String render(String title, String xName, boolean numericX, List<Point> points) {
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
        int width = MARGIN_L + PANEL_W + GAP + PANEL_W + 40;
        List<String> titleLines = wrap(title, (width - MARGIN_L) / 9);
        int top = MARGIN_T + 18 * (titleLines.size() - 1);
        int legendH = 20 * series.size() + 10;
        int height = top + PANEL_H + MARGIN_B + legendH;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        for (int t = 0; t < titleLines.size(); t++) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                    MARGIN_L, 24 + 18 * t, escape(titleLines.get(t))));
        }
        panel(svg, MARGIN_L, top, "IOPS", xName, numericX, xs, series, true);
        panel(svg, MARGIN_L + PANEL_W + GAP, top, "p99 completion latency (us)", xName, numericX, xs, series, false);
        int i = 0;
        int ly = top + PANEL_H + MARGIN_B;
        for (String name : series.keySet()) {
            String color = COLORS[i % COLORS.length];
            int y = ly + 20 * i;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                    + "stroke-width=\"2\"/>%n", MARGIN_L, y, MARGIN_L + 30, y, color));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", MARGIN_L + 38, y + 4,
                    escape(name)));
            i++;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void panel(StringBuilder svg, int left, int top, String yName, String xName, boolean numericX,
                              List<String> xs, Map<String, List<Point>> series, boolean iops) {
        int bottom = top + PANEL_H;
        double max = 0;
        for (List<Point> ps : series.values()) {
            for (Point p : ps) {
                max = Math.max(max, value(p, iops));
            }
        }
        double yMax = niceCeiling(max);
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#888\"/>%n", left, top, PANEL_W, PANEL_H));
        for (int t = 0; t <= 5; t++) {
            double v = yMax * t / 5;
            double y = bottom - PANEL_H * (t / 5.0);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n",
                    left, y, left + PANEL_W, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    left - 6, y + 4, escape(iops ? Units.formatCount(v) : trim(v))));
        }
        for (String x : xs) {
            double px = xPos(left, x, xs, numericX);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\"/>%n",
                    px, bottom, px, bottom + 5));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    px, bottom + 18, escape(x)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s%s</text>%n",
                left + PANEL_W / 2, bottom + 38, escape(xName), numericX ? " (log scale)" : ""));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n",
                left, top - 8, escape(yName)));
        int i = 0;
        for (List<Point> ps : series.values()) {
            String color = COLORS[i++ % COLORS.length];
            List<Point> sorted = new ArrayList<>(ps);
            sorted.sort((a, b) -> Integer.compare(xs.indexOf(a.x()), xs.indexOf(b.x())));
            StringBuilder path = new StringBuilder();
            for (Point p : sorted) {
                double px = xPos(left, p.x(), xs, numericX);
                double py = bottom - (yMax > 0 ? PANEL_H * value(p, iops) / yMax : 0);
                path.append(path.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f", px, py));
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s</title>"
                        + "</circle>%n", px, py, color, escape(p.series() + " " + xName + "=" + p.x() + ": "
                        + (iops ? Units.formatCount(p.iops()) + " IOPS" : trim(p.p99Us()) + " us"))));
            }
            svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" "
                    + "stroke-width=\"2\"/>%n", path, color));
        }
    }

    /** Splits {@code text} into lines of at most {@code max} characters, at spaces where it can. */
    static List<String> wrap(String text, int max) {
        List<String> lines = new ArrayList<>();
        String rest = text;
        while (rest.length() > max) {
            int cut = rest.lastIndexOf(' ', max);
            if (cut <= 0) {
                cut = max;
            }
            lines.add(rest.substring(0, cut).strip());
            rest = rest.substring(cut).strip();
        }
        lines.add(rest);
        return lines;
    }

    private static double value(Point p, boolean iops) {
        return iops ? p.iops() : p.p99Us();
    }

    private static double xPos(int left, String x, List<String> xs, boolean numericX) {
        int pad = 30;
        double span = PANEL_W - 2 * pad;
        if (xs.size() == 1) {
            return left + PANEL_W / 2.0;
        }
        if (numericX) {
            double lo = log2(Double.parseDouble(xs.getFirst()));
            double hi = log2(Double.parseDouble(xs.getLast()));
            double v = log2(Double.parseDouble(x));
            return left + pad + (hi > lo ? span * (v - lo) / (hi - lo) : span / 2);
        }
        return left + pad + span * xs.indexOf(x) / (xs.size() - 1);
    }

    private static double log2(double v) {
        return Math.log(Math.max(v, 1e-9)) / Math.log(2);
    }

    /** The smallest 1, 2 or 5 times a power of ten at or above {@code v}. */
    static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String trim(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
