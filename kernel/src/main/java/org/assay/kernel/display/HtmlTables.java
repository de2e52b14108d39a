package org.assay.kernel.display;

import java.util.List;
import org.assay.base.HtmlText;
import org.assay.base.Numbers;

/** Small helpers to build HTML tables that read well in Jupyter and in nbconvert's HTML. */
final class HtmlTables {
    private HtmlTables() {
    }

    /** A value's cell: a double or float to {@link Numbers#digits()} significant digits, anything else as text. */
    static String cell(Object value) {
        String text = Renderers.text(Numbers.forDisplay(value));
        if (text.length() > 200) {
            text = text.substring(0, 200) + "…";
        }
        return HtmlText.escape(text);
    }

    /** A table with a header and rows of already-escaped cells; a null row renders as an ellipsis row. */
    static String table(String caption, List<String> header, List<List<String>> rows) {
        StringBuilder b = new StringBuilder("<table class='assay-table'>");
        if (caption != null) {
            b.append("<caption style='caption-side:bottom;text-align:left'>").append(HtmlText.escape(caption)).append("</caption>");
        }
        b.append("<thead><tr>");
        for (String h : header) {
            b.append("<th>").append(HtmlText.escape(h)).append("</th>");
        }
        b.append("</tr></thead><tbody>");
        for (List<String> row : rows) {
            b.append("<tr>");
            if (row == null) {
                for (int i = 0; i < header.size(); i++) {
                    b.append("<td>…</td>");
                }
            } else {
                for (String c : row) {
                    b.append("<td>").append(c).append("</td>");
                }
            }
            b.append("</tr>");
        }
        return b.append("</tbody></table>").toString();
    }
}
