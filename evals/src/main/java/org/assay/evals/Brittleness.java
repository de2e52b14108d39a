package org.assay.evals;

import org.assay.display.MimeBundle;
import org.assay.display.Renderable;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Format brittleness: the accuracy of the same items under several prompt/answer formats, the spread between the best
 * and the worst format, and whether that spread is more than noise (a paired bootstrap over items, best against
 * worst). lm-eval's "strict-match" against "flexible-extract" on GSM8K is this kind of gap.
 *
 * @param rows        one per format, in the order given
 * @param spread      best minus worst accuracy
 * @param best        the most accurate format
 * @param worst       the least accurate format
 * @param bestVsWorst paired comparison of per-item accuracy, best minus worst
 */
public record Brittleness(List<Row> rows, double spread, String best, String worst, Resampling.Paired bestVsWorst)
        implements Renderable {

    /** One format's accuracy (pass@1) with its interval. */
    public record Row(String format, double accuracy, double lower, double upper, double tokensPerSample) {
    }

    /** The report from results of the same items (same order) under different formats, keyed by format name. */
    public static Brittleness of(Map<String, EvalResult> byFormat) {
        if (byFormat.size() < 2) {
            throw new IllegalArgumentException("Brittleness.of: byFormat must hold at least 2 results, got "
                    + byFormat.size());
        }
        EvalResult first = byFormat.values().iterator().next();
        List<Row> rows = new ArrayList<>();
        String best = null;
        String worst = null;
        double bestAcc = Double.NEGATIVE_INFINITY;
        double worstAcc = Double.POSITIVE_INFINITY;
        for (var e : byFormat.entrySet()) {
            EvalResult r = e.getValue();
            if (r.items() != first.items()) {
                throw new IllegalArgumentException("Brittleness.of: every result must cover the same items, got "
                        + r.items() + " items for '" + e.getKey() + "' and " + first.items() + " for the first");
            }
            for (int i = 0; i < r.items(); i++) {
                if (!r.tasks().get(i).id().equals(first.tasks().get(i).id())) {
                    throw new IllegalArgumentException("Brittleness.of: items must be the same and in the same order,"
                            + " got '" + r.tasks().get(i).id() + "' for '" + e.getKey() + "' at " + i + " where the"
                            + " first result has '" + first.tasks().get(i).id() + "'");
                }
            }
            Proportion.Interval acc = r.accuracy();
            rows.add(new Row(e.getKey(), acc.estimate(), acc.lower(), acc.upper(), r.tokensPerSample()));
            if (acc.estimate() > bestAcc) {
                bestAcc = acc.estimate();
                best = e.getKey();
            }
            if (acc.estimate() < worstAcc) {
                worstAcc = acc.estimate();
                worst = e.getKey();
            }
        }
        Resampling.Paired paired = Resampling.paired(byFormat.get(worst).itemAccuracy(),
                byFormat.get(best).itemAccuracy(), 2000, 0, 0.95); // b − a: best minus worst
        return new Brittleness(List.copyOf(rows), bestAcc - worstAcc, best, worst, paired);
    }

    /** One row per format: the columns are {@link Row}'s components. */
    public Table table() {
        return RecordRows.table("format brittleness", Row.class, rows);
    }

    @Override
    public MimeBundle toMimeBundle() {
        String line = String.format(Locale.ROOT, "spread %.3f (%s %.3f against %s %.3f); paired difference %.3f "
                        + "[%.3f, %.3f], p = %.4f", spread, best, spread + worstAccuracy(), worst, worstAccuracy(),
                bestVsWorst.meanDifference(), bestVsWorst.lower(), bestVsWorst.upper(), bestVsWorst.pValue());
        StringBuilder html = new StringBuilder("<div><b>Format brittleness</b>: ").append(line)
                .append("</div><table><tr><th>format</th><th>accuracy</th><th>95% interval</th>"
                        + "<th>tokens/sample</th></tr>");
        StringBuilder text = new StringBuilder("Format brittleness: ").append(line).append('\n');
        for (Row r : rows) {
            html.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.3f</td><td>[%.3f, %.3f]</td><td>%.1f</td>"
                    + "</tr>", r.format(), r.accuracy(), r.lower(), r.upper(), r.tokensPerSample()));
            text.append(String.format(Locale.ROOT, "%-12s %.3f [%.3f, %.3f]%n", r.format(), r.accuracy(), r.lower(),
                    r.upper()));
        }
        return MimeBundle.html(html.append("</table>").toString(), text.toString());
    }

    private double worstAccuracy() {
        return rows.stream().filter(r -> r.format().equals(worst)).findFirst().orElseThrow().accuracy();
    }
}
