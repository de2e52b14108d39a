package org.assay.evals;

import java.util.Locale;
import org.assay.base.HtmlText;
import org.assay.display.MimeBundle;

/** How an {@link EvalResult} is drawn in a notebook: a headline and its metrics, as HTML and as plain text. */
final class EvalView {
    private EvalView() {
    }

    static MimeBundle bundle(EvalResult r) {
        Proportion.Interval acc = r.accuracy();
        long percent = Math.round(r.confidence() * 100);
        StringBuilder html = new StringBuilder("<div><b>").append(HtmlText.escape(r.name())).append("</b>: ")
                .append(r.items()).append(" items × ").append(r.samples()).append(" samples, format ")
                .append(r.format().name()).append(String.format(Locale.ROOT,
                        "; accuracy %.3f [%.3f, %.3f]; %.1f tokens per sample</div>", acc.estimate(), acc.lower(),
                        acc.upper(), r.tokensPerSample()))
                .append("<table><tr><th>metric</th><th>k</th><th>estimate</th><th>").append(percent)
                .append("% interval</th></tr>");
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%s: %d items x %d samples, accuracy %.3f"
                + " [%.3f, %.3f]%n", r.name(), r.items(), r.samples(), acc.estimate(), acc.lower(), acc.upper()));
        for (MetricRow m : r.metricRows(null)) {
            String[] cells = {m.metric(), Integer.toString(m.k()), String.format(Locale.ROOT, "%.3f", m.estimate()),
                    String.format(Locale.ROOT, "[%.3f, %.3f]", m.lower(), m.upper())};
            html.append("<tr><td>").append(String.join("</td><td>", cells)).append("</td></tr>");
            text.append(String.join("  ", cells)).append('\n');
        }
        return MimeBundle.html(html.append("</table>").toString(), text.toString());
    }
}
