package org.assay.scaling;

import java.util.Locale;
import org.assay.base.HtmlText;

/** Table rows for results shown in a notebook. */
final class HtmlRows {
    private HtmlRows() {
    }

    static String row(String name, double... values) {
        StringBuilder b = new StringBuilder("<tr><td>").append(HtmlText.escape(name)).append("</td>");
        for (double v : values) {
            b.append("<td>").append(format(v)).append("</td>");
        }
        return b.append("</tr>").toString();
    }

    static String format(double v) {
        double a = Math.abs(v);
        return a != 0 && (a >= 1e5 || a < 1e-3) ? String.format(Locale.ROOT, "%.4g", v)
                : String.format(Locale.ROOT, "%.4f", v);
    }
}
