package org.assay.kernel.display;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes the SVG XChart writes (through VectorGraphics2D) about 40% smaller without changing what it draws:
 * coordinates rounded to 0.1 px (XChart writes up to 16 digits, and draws every letter as a path), each repeated
 * {@code style} as one CSS class, a series' segments as one polyline ({@link #polylines}), no indentation. Transforms
 * keep their digits: a rotation's cosine is not rounded.
 */
final class SvgCompactor {
    private static final Pattern NUMBER = Pattern.compile("-?\\d+\\.\\d{2,}([eE][-+]?\\d+)?");
    private static final Pattern STYLE = Pattern.compile(" style=\"([^\"]*)\"");
    private static final Pattern ATTRIBUTE = Pattern.compile(" (transform|[\\w:-]+)=\"([^\"]*)\"");
    private static final Pattern BETWEEN_TAGS = Pattern.compile(">\\s+<");
    private static final Pattern LINE = Pattern.compile("<line class=\"(s\\d+)\" x1=\"([-\\d.]+)\" x2=\"([-\\d.]+)\""
            + " y1=\"([-\\d.]+)\" y2=\"([-\\d.]+)\"/>");
    private static final double TOLERANCE_PX = 0.2;
    private static final Pattern PATH_TOKEN = Pattern.compile("[A-DF-Za-df-z]|-?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?");

    private SvgCompactor() {
    }

    static String compact(String svg) {
        String rounded = roundCoordinates(svg);
        Map<String, String> classes = new LinkedHashMap<>();
        Matcher m = STYLE.matcher(rounded);
        StringBuilder b = new StringBuilder(rounded.length());
        while (m.find()) {
            String name = classes.computeIfAbsent(m.group(1), s -> "s" + classes.size());
            m.appendReplacement(b, " class=\"" + name + "\"");
        }
        m.appendTail(b);
        String body = polylines(BETWEEN_TAGS.matcher(b).replaceAll("><").strip());
        int open = body.indexOf('>', body.indexOf("<svg"));
        if (open < 0 || classes.isEmpty()) {
            return body;
        }
        StringBuilder css = new StringBuilder("<style>");
        classes.forEach((style, name) -> css.append('.').append(name).append('{').append(style).append('}'));
        css.append("</style>");
        return body.substring(0, open + 1) + css + body.substring(open + 1);
    }

    /**
     * XChart draws a series' line as one {@code <line>} per segment: 60 bytes each, so a 5,000-step loss curve came to
     * 290 KB. Runs of segments that join end to start, in one style, become one {@code <polyline>}, its points thinned
     * where they stray less than {@value #TOLERANCE_PX} px from the line through their neighbours (Douglas–Peucker;
     * matplotlib simplifies its paths the same way, at 1/9 px).
     */
    static String polylines(String svg) {
        Matcher m = LINE.matcher(svg);
        StringBuilder out = new StringBuilder(svg.length());
        int copied = 0;
        java.util.List<double[]> run = new java.util.ArrayList<>();
        String style = null;
        int runStart = -1;
        int runEnd = -1;
        while (m.find()) {
            double[] from = {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(4))};
            double[] to = {Double.parseDouble(m.group(3)), Double.parseDouble(m.group(5))};
            boolean joins = m.start() == runEnd && m.group(1).equals(style)
                    && from[0] == run.get(run.size() - 1)[0] && from[1] == run.get(run.size() - 1)[1];
            if (!joins) {
                if (runStart >= 0) {
                    out.append(svg, copied, runStart).append(polyline(style, run, svg.substring(runStart, runEnd)));
                    copied = runEnd;
                }
                run.clear();
                run.add(from);
                style = m.group(1);
                runStart = m.start();
            }
            run.add(to);
            runEnd = m.end();
        }
        if (runStart >= 0) {
            out.append(svg, copied, runStart).append(polyline(style, run, svg.substring(runStart, runEnd)));
            copied = runEnd;
        }
        return out.append(svg, copied, svg.length()).toString();
    }

    private static String polyline(String style, java.util.List<double[]> points, String original) {
        if (points.size() <= 2) {
            return original;
        }
        boolean[] keep = new boolean[points.size()];
        keep[0] = true;
        keep[points.size() - 1] = true;
        simplify(points, 0, points.size() - 1, keep);
        StringBuilder b = new StringBuilder("<polyline class=\"").append(style).append("\" points=\"");
        for (int i = 0; i < points.size(); i++) {
            if (keep[i]) {
                b.append(number(points.get(i)[0])).append(',').append(number(points.get(i)[1])).append(' ');
            }
        }
        b.setLength(b.length() - 1);
        return b.append("\"/>").toString();
    }

    private static void simplify(java.util.List<double[]> p, int first, int last, boolean[] keep) {
        double worst = -1;
        int at = -1;
        double[] a = p.get(first);
        double[] z = p.get(last);
        double dx = z[0] - a[0];
        double dy = z[1] - a[1];
        double length = Math.hypot(dx, dy);
        for (int i = first + 1; i < last; i++) {
            double[] q = p.get(i);
            double d = length == 0 ? Math.hypot(q[0] - a[0], q[1] - a[1])
                    : Math.abs(dy * (q[0] - a[0]) - dx * (q[1] - a[1])) / length;
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        if (at >= 0 && worst > TOLERANCE_PX) {
            keep[at] = true;
            simplify(p, first, at, keep);
            simplify(p, at, last, keep);
        }
    }

    private static String number(double x) {
        String s = String.format(Locale.ROOT, "%.1f", x);
        s = s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
        return s.equals("-0") ? "0" : s;
    }

    /** Numbers in attribute values to one decimal, but for transforms and numbers with an exponent. */
    private static String roundCoordinates(String svg) {
        Matcher attribute = ATTRIBUTE.matcher(svg);
        StringBuilder out = new StringBuilder(svg.length());
        while (attribute.find()) {
            String name = attribute.group(1);
            String value = name.equals("transform") ? attribute.group(2)
                    : name.equals("d") ? pathData(round(attribute.group(2))) : round(attribute.group(2));
            attribute.appendReplacement(out, Matcher.quoteReplacement(" " + attribute.group(1) + "=\"" + value + "\""));
        }
        attribute.appendTail(out);
        return out.toString();
    }

    /**
     * Path data with no separator SVG does not need: none after a command letter or before a minus sign, and no
     * leading zero ({@code "Q-0.5,-3 L0.2 1"} becomes {@code "Q-.5-3L.2 1"}).
     */
    static String pathData(String d) {
        Matcher t = PATH_TOKEN.matcher(d);
        StringBuilder b = new StringBuilder(d.length());
        String previous = "";
        while (t.find()) {
            String token = t.group();
            if (Character.isLetter(token.charAt(0)) && !token.startsWith("e") && !token.startsWith("E")) {
                b.append(token);
                previous = token;
                continue;
            }
            token = token.startsWith("0.") ? token.substring(1) : token.startsWith("-0.") ? "-" + token.substring(2)
                    : token.equals("-0") ? "0" : token;
            boolean letterBefore = !previous.isEmpty() && Character.isLetter(previous.charAt(previous.length() - 1));
            boolean needsSpace = !previous.isEmpty() && !letterBefore && !token.startsWith("-")
                    && !(token.startsWith(".") && previous.contains(".") && !previous.contains("e")
                    && !previous.contains("E"));
            b.append(needsSpace ? " " : "").append(token);
            previous = token;
        }
        return b.toString();
    }

    private static String round(String value) {
        Matcher n = NUMBER.matcher(value);
        StringBuilder b = new StringBuilder(value.length());
        while (n.find()) {
            String s = n.group();
            if (n.group(1) == null) {
                s = number(Double.parseDouble(s));
            }
            n.appendReplacement(b, s);
        }
        n.appendTail(b);
        return b.toString();
    }
}
