package targetwatch.routes.pages;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import targetwatch.engine.model.Assessment;
import targetwatch.engine.model.Target;

/**
 * A series drawn as SVG on the server: the actual of each period (a point coloured and shaped by its rating, joined by
 * a line), the expected value (trajectory, comparator or pro rata) as a dashed line, and the target as a dotted line,
 * with its axes. The numbers are worked out here; the {@code tag/chart.jte} template draws them, with a title and a
 * description, and the page shows the same data as a table.
 */
public record Chart(String id, String title, String description, int width, int height, List<Tick> yTicks,
                    List<Tick> xLabels, String actualPath, String expectedPath, Double targetY, List<Point> points,
                    boolean empty) {

    /** A label on an axis, at a position in the drawing. */
    public record Tick(double at, String label) {
    }

    /** One period's actual, at its position, with its rating's class and words for a tooltip. */
    public record Point(double x, double y, String cssClass, String label) {

        /** The point's colour where the stylesheet does not reach (the PDF), the same as the page's. */
        public String fill() {
            return switch (cssClass.substring(cssClass.lastIndexOf('-') + 1)) {
                case "red" -> "#ca3535";
                case "amber" -> "#f47738";
                case "green" -> "#0f7a52";
                default -> "#cecece";
            };
        }
    }

    static final int LEFT = 56;
    /** Wide enough for half the latest period's label, centred on the last point. */
    static final int RIGHT = 30;
    static final int TOP = 16;
    static final int BOTTOM = 40;

    /** The chart of a series' assessments, oldest first, against the target. */
    public static Chart of(String id, String title, Target target, List<Assessment> series, int width, int height) {
        List<Assessment> rated = series.stream().filter(a -> a.actual() != null || a.expected() != null).toList();
        String description = describe(target, rated);
        if (rated.isEmpty()) {
            return new Chart(id, title, description, width, height, List.of(), List.of(), "", "", null, List.of(), true);
        }
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (Assessment a : rated) {
            for (BigDecimal v : new BigDecimal[] {a.actual(), a.expected()}) {
                if (v != null) {
                    min = Math.min(min, v.doubleValue());
                    max = Math.max(max, v.doubleValue());
                }
            }
        }
        if (target != null && target.target() != null) {
            min = Math.min(min, target.target().doubleValue());
            max = Math.max(max, target.target().doubleValue());
        }
        double step = niceStep((max - min) / 4);
        double lo = Math.floor(min / step) * step;
        double hi = Math.ceil(max / step) * step;
        if (hi <= lo) {
            hi = lo + step;
        }
        double plotW = width - LEFT - RIGHT;
        double plotH = height - TOP - BOTTOM;
        int n = rated.size();
        double xStep = n == 1 ? 0 : plotW / (n - 1);
        final double low = lo;
        final double span = hi - lo;
        java.util.function.DoubleUnaryOperator y = v -> TOP + plotH - (v - low) / span * plotH;

        List<Tick> yTicks = new ArrayList<>();
        for (double v = lo; v <= hi + step / 2; v += step) {
            yTicks.add(new Tick(round(y.applyAsDouble(v)), Words.number(BigDecimal.valueOf(v).setScale(6,
                    java.math.RoundingMode.HALF_UP))));
        }
        List<Tick> xLabels = new ArrayList<>();
        int every = Math.max(1, (int) Math.ceil(n / (plotW / 70)));
        StringBuilder actual = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Assessment a = rated.get(i);
            double x = LEFT + (n == 1 ? plotW / 2 : i * xStep);
            // counted back from the latest period, which is always labelled, so that no two labels run together
            if ((n - 1 - i) % every == 0) {
                xLabels.add(new Tick(round(x), a.period().toString()));
            }
            if (a.actual() != null) {
                double py = y.applyAsDouble(a.actual().doubleValue());
                actual.append(actual.isEmpty() ? "M" : " L").append(fmt(x)).append(' ').append(fmt(py));
                points.add(new Point(round(x), round(py), Words.point(a.rating()), a.period() + ": "
                        + Words.number(a.actual()) + ", " + Words.rating(a.rating())));
            }
            if (a.expected() != null) {
                double ey = y.applyAsDouble(a.expected().doubleValue());
                expected.append(expected.isEmpty() ? "M" : " L").append(fmt(x)).append(' ').append(fmt(ey));
            }
        }
        Double targetY = target != null && target.target() != null ? round(y.applyAsDouble(target.target().doubleValue())) : null;
        return new Chart(id, title, description, width, height, yTicks, xLabels, actual.toString(), expected.toString(),
                targetY, points, false);
    }

    /** The chart's description for screen readers: what it shows and where the series ends. */
    private static String describe(Target target, List<Assessment> rated) {
        if (rated.isEmpty()) {
            return "No readings yet.";
        }
        Assessment first = rated.get(0);
        Assessment last = rated.get(rated.size() - 1);
        return "Line chart of " + rated.size() + " periods from " + first.period() + " to " + last.period()
                + ": the actual value (solid line, points by rating), what was expected (dashed)"
                + (target != null && target.target() != null ? " and the target of " + Words.number(target.target()) + " (dotted)" : "")
                + ". Latest, " + last.period() + ": " + Words.number(last.actual()) + " against " + Words.number(last.expected())
                + " expected, " + Words.rating(last.rating()) + ". The table beside it holds the same figures.";
    }

    /** The bottom of the plot, where the x axis is drawn. */
    public double bottom() {
        return height - BOTTOM;
    }

    public double left() {
        return LEFT;
    }

    public double right() {
        return width - RIGHT;
    }

    public double top() {
        return TOP;
    }

    private static double niceStep(double raw) {
        if (raw <= 0 || Double.isNaN(raw)) {
            return 1;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nice * mag;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
