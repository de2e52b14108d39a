package org.assay.kernel.display;

import java.util.List;

/** Small helpers to build HTML tables that read well in Jupyter and in nbconvert's HTML. */
final class Html {
    private Html() {
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String cell(Object value) {
        String text = Renderers.text(value);
        if (text.length() > 200) {
            text = text.substring(0, 200) + "…";
        }
        return escape(text);
    }

    /** A table with a header and rows of already-escaped cells; a null row renders as an ellipsis row. */
    static String table(String caption, List<String> header, List<List<String>> rows) {
        StringBuilder b = new StringBuilder("<table class='assay-table'>");
        if (caption != null) {
            b.append("<caption style='caption-side:bottom;text-align:left'>").append(escape(caption)).append("</caption>");
        }
        b.append("<thead><tr>");
        for (String h : header) {
            b.append("<th>").append(escape(h)).append("</th>");
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
