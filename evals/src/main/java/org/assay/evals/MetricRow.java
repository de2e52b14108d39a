package org.assay.evals;

import org.assay.base.Records;

/**
 * One metric at one k as {@link EvalResult#summary} shows it and {@code summary.json} stores it: the columns are these
 * components, in this order, named in snake case ({@link RecordRows}).
 *
 * @param metric        {@code pass@k}, {@code maj@k} or {@code best-of-k}
 * @param tokensPerItem the tokens k samples generate per item
 * @param flopsPerItem  the inference FLOPs of k samples per item; NaN when no {@link TokenCost} was given
 */
public record MetricRow(String metric, int k, double estimate, double lower, double upper, double tokensPerItem,
                        double flopsPerItem) {
    static final String FLOPS_COLUMN = Records.key(MetricRow.class, "flopsPerItem");

    MetricRow(String metric, int k, Proportion.Interval iv, double tokensPerItem, double flopsPerItem) {
        this(metric, k, iv.estimate(), iv.lower(), iv.upper(), tokensPerItem, flopsPerItem);
    }
}
