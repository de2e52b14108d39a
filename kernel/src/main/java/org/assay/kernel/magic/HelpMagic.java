package org.assay.kernel.magic;

import org.assay.display.Markdown;

/** {@code %help}: how to use this kernel, with the magics and what they do. */
final class HelpMagic implements LineMagic {
    private final Magics magics;

    HelpMagic(Magics magics) {
        this.magics = magics;
    }

    @Override
    public String usage() {
        return "%help  how to use this kernel";
    }

    @Override
    public Object run(String args, String label) {
        StringBuilder b = new StringBuilder("""
                ### Assay kernel
                Java (JShell) running in this kernel's JVM: state persists across cells; the value of a cell's last
                expression is shown. Already imported: `java.util.*`, streams, `java.nio.file.*`, XChart, Tablesaw,
                the Assay packages, and the display API below.

                | call | does |
                |---|---|
                | `display(obj)` / `display(obj, id)` | show a value (chart, table, record, map, HTML…); returns its id |
                | `updateDisplay(id, obj)` | replace a shown value in place |
                | `html(s)`, `markdown(s)`, `image(x)` | rich values to show or return |
                | `progress(label, total)` | a progress bar: `p.step()`, `p.close()` |
                | `clearOutput()` / `clearOutput(true)` | clear this cell's output (now / when the next arrives) |
                | `input(prompt)`, `password(prompt)` | ask the front end for a line (`System.in` and `Scanner` do too) |
                | `Out.get(n)`, `Out.last()` | the result of cell [n], of the latest cell with one |
                | `displayDigits(n)` | significant digits of the numbers in tables (4 at start) |
                | `LiveChart.of(title, x, y)` | a chart that redraws as you `add(series, x, y)` |
                | `budget()` | `"small"` when `ASSAY_BUDGET=small` or `CI=true` (tests, CI), else `"full"` |

                | magic | does |
                |---|---|
                """);
        magics.usages().forEach((name, doc) -> b.append("| `").append(name).append("` | ")
                .append(doc.substring(doc.indexOf("  ") + 2)).append(" |\n"));
        b.append("\nThe stop button interrupts a running cell; `System.exit` raises an error instead of killing the"
                + " kernel.");
        return new Markdown(b.toString());
    }
}
