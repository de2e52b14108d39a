package org.assay.scaling;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.assay.display.MimeBundle;
import org.assay.display.Renderable;
import org.assay.base.Quantiles;

/**
 * Bootstrap refits of a law: percentile intervals for any parameter or derived quantity, and a check for parameters
 * that the data do not pin down separately.
 *
 * @param estimate  the fit to all the points
 * @param fits      one fit per resample
 * @param converged resamples whose best refit converged
 * @param seed      the seed the resamples came from
 */
public record Bootstrap(ChinchillaLaw estimate, List<ChinchillaLaw> fits, int converged, long seed)
        implements Renderable {

    public Bootstrap {
        fits = List.copyOf(fits);
    }

    /** A percentile interval around the full-data estimate. */
    public record Interval(double estimate, double lower, double upper, double confidence) {
    }

    /**
     * The percentile interval of a quantity, e.g. {@code interval(ChinchillaLaw::alpha, 0.95)} or
     * {@code interval(l -> l.allocate(1e21).parameters(), 0.9)}.
     */
    public Interval interval(ToDoubleFunction<ChinchillaLaw> quantity, double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("Bootstrap.interval: confidence must be in (0, 1), got " + confidence);
        }
        double[] v = values(quantity);
        Arrays.sort(v);
        double tail = (1 - confidence) / 2;
        return new Interval(quantity.applyAsDouble(estimate), Quantiles.ofSorted(v, tail), Quantiles.ofSorted(v, 1 - tail), confidence);
    }

    /** Pearson correlation of two quantities across the refits; near ±1 means the data cannot tell them apart. */
    public double correlation(ToDoubleFunction<ChinchillaLaw> x, ToDoubleFunction<ChinchillaLaw> y) {
        return pearson(values(x), values(y));
    }

    /** Pearson correlation of two samples of one length; NaN when either is constant. */
    static double pearson(double[] a, double[] b) {
        double ma = Arrays.stream(a).average().orElse(Double.NaN);
        double mb = Arrays.stream(b).average().orElse(Double.NaN);
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
    }

    /** True when |corr(alpha, beta)| across refits exceeds 0.95: the exponents are poorly identified. */
    public boolean exponentsPoorlyIdentified() {
        return Math.abs(correlation(ChinchillaLaw::alpha, ChinchillaLaw::beta)) > 0.95;
    }

    private double[] values(ToDoubleFunction<ChinchillaLaw> quantity) {
        return fits.stream().mapToDouble(quantity).toArray();
    }

    /** 95% intervals of the parameters and the allocation exponent, keyed as in {@link ChinchillaFit.Result#toMap()}. */
    public Map<String, Object> toMap(double confidence) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, ToDoubleFunction<ChinchillaLaw>> quantities = quantities();
        quantities.forEach((name, q) -> {
            Interval i = interval(q, confidence);
            m.put(name, new double[] {i.lower(), i.upper()});
        });
        m.put("confidence", confidence);
        m.put("resamples", fits.size());
        m.put("converged", converged);
        m.put("seed", seed);
        return m;
    }

    private static Map<String, ToDoubleFunction<ChinchillaLaw>> quantities() {
        Map<String, ToDoubleFunction<ChinchillaLaw>> q = new LinkedHashMap<>();
        q.put("A", ChinchillaLaw::A);
        q.put("B", ChinchillaLaw::B);
        q.put("E", ChinchillaLaw::E);
        q.put("alpha", ChinchillaLaw::alpha);
        q.put("beta", ChinchillaLaw::beta);
        q.put("a", ChinchillaLaw::a);
        return q;
    }

    @Override
    public MimeBundle toMimeBundle() {
        StringBuilder rows = new StringBuilder();
        quantities().forEach((name, q) -> {
            Interval i = interval(q, 0.95);
            rows.append(HtmlRows.row(name, i.estimate(), i.lower(), i.upper()));
        });
        String warning = exponentsPoorlyIdentified()
                ? "<br><b>α and β are strongly correlated across refits (|r| &gt; 0.95): the data do not identify them"
                + " separately.</b>" : "";
        String html = "<div><b>Bootstrap</b>, " + fits.size() + " resamples (seed " + seed + "), " + converged
                + " converged<table><thead><tr><th>parameter</th><th>estimate</th><th>2.5%</th><th>97.5%</th></tr>"
                + "</thead><tbody>" + rows + "</tbody></table>" + warning + "</div>";
        StringBuilder text = new StringBuilder("Bootstrap, " + fits.size() + " resamples (seed " + seed + "), "
                + converged + " converged; 95% intervals:");
        quantities().forEach((name, q) -> {
            Interval i = interval(q, 0.95);
            text.append(String.format(java.util.Locale.ROOT, "%n  %-6s %.6g  [%.6g, %.6g]", name, i.estimate(),
                    i.lower(), i.upper()));
        });
        return MimeBundle.html(html, text.toString());
    }

}
