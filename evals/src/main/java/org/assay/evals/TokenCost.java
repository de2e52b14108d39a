package org.assay.evals;

/**
 * The compute side of inference: tokens per answer and FLOPs. A forward pass costs about {@code 2N} FLOPs per token
 * plus the attention term {@code 2·layers·context·dModel} (Kaplan et al. 2020, Table 1), so accuracy can be plotted
 * against inference compute: an answer that uses 100× more tokens costs 100× more.
 *
 * @param parameters     non-embedding parameters N
 * @param layers         transformer layers
 * @param dModel         model width
 */
public record TokenCost(double parameters, int layers, int dModel) {

    public TokenCost {
        if (!(parameters > 0) || layers < 1 || dModel < 1) {
            throw new IllegalArgumentException("TokenCost: parameters, layers and dModel must be positive, got parameters="
                    + parameters + ", layers=" + layers + ", dModel=" + dModel);
        }
    }

    /** FLOPs to process one token at a context position (the attention term grows with the context). */
    public double flopsPerToken(double contextLength) {
        return 2 * parameters + 2.0 * layers * contextLength * dModel;
    }

    /** FLOPs to sample {@code generated} tokens after a prompt of {@code prompt} tokens (KV cache: each token once). */
    public double flops(long prompt, long generated) {
        if (prompt < 0 || generated < 0) {
            throw new IllegalArgumentException("TokenCost.flops: token counts must be >= 0, got prompt=" + prompt
                    + ", generated=" + generated);
        }
        long total = prompt + generated;
        // Σ over positions t of (2N + 2·layers·t·dModel) = 2N·T + layers·dModel·T·(T−1)
        return 2 * parameters * total + (double) layers * dModel * total * (total - 1);
    }
}
