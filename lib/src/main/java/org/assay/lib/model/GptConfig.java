package org.assay.lib.model;

import org.assay.base.Checks;

/**
 * Every hyperparameter of a GPT, in one record, validated when built.
 *
 * @param vocabSize       tokens in the vocabulary
 * @param contextLength   the longest sequence the model reads (tokens)
 * @param layers          transformer blocks
 * @param dModel          width of the residual stream
 * @param heads           attention (query) heads; must divide dModel
 * @param kvHeads         key/value heads (grouped-query attention, Ainslie et al. 2023); must divide heads
 * @param mlp             GELU (exact, hidden 4·dModel), GELU's tanh approximation (GPT-2's {@code gelu_new}) or SwiGLU
 *                        (Shazeer 2020; LLaMA's hidden ⌈8·dModel/3⌉ rounded up to 8)
 * @param norm            LayerNorm (GPT-2) or RMSNorm (Zhang &amp; Sennrich 2019)
 * @param positions       learned absolute positions (GPT-2) or rotary embeddings (RoPE, Su et al. 2021)
 * @param tiedEmbeddings  the output projection is the token embedding (Press &amp; Wolf 2017)
 * @param dropout         dropout probability on attention weights and residual branches, in [0, 1)
 * @param experts         0 for a dense MLP, else the number of MLP experts per block (mixture of experts)
 * @param expertsPerToken experts each token is routed to (top-k), when {@code experts > 0}
 * @param qkvBias         biases on the query, key and value projections (GPT-2, Qwen2)
 * @param projBias        a bias on the attention's output projection (GPT-2)
 * @param mlpBias         biases on the MLP's projections (GPT-2)
 * @param normEps         the epsilon inside LayerNorm's or RMSNorm's square root
 * @param ropeTheta       RoPE's base: position p turns pair i by p·θ^(−2i/hd) (10000 in Su et al. 2021)
 * @param mlpHiddenSize   the MLP's hidden width, or 0 for the rule of {@link #mlpHidden()}
 */
public record GptConfig(int vocabSize, int contextLength, int layers, int dModel, int heads, int kvHeads, Mlp mlp,
                        Norm norm, Positions positions, boolean tiedEmbeddings, double dropout, int experts,
                        int expertsPerToken, boolean qkvBias, boolean projBias, boolean mlpBias, double normEps,
                        double ropeTheta, int mlpHiddenSize) {

    public static final double DEFAULT_NORM_EPS = 1e-5;
    public static final double DEFAULT_ROPE_THETA = 10000;

    public enum Mlp {
        GELU, GELU_TANH, SWIGLU;

        /** Two matrices (fc, proj) with a GELU between them, exact or approximated. */
        public boolean isGelu() {
            return this != SWIGLU;
        }
    }

    public enum Norm { LAYER_NORM, RMS_NORM }

    public enum Positions { LEARNED, ROPE }

    public GptConfig {
        require(vocabSize >= 2, "vocabSize must be >= 2", "vocabSize=" + vocabSize);
        require(contextLength >= 1, "contextLength must be >= 1", "contextLength=" + contextLength);
        require(layers >= 1, "layers must be >= 1", "layers=" + layers);
        require(dModel >= 1, "dModel must be >= 1", "dModel=" + dModel);
        require(heads >= 1 && dModel % heads == 0, "heads must divide dModel", "dModel=" + dModel + ", heads=" + heads);
        require(kvHeads >= 1 && heads % kvHeads == 0, "kvHeads must divide heads",
                "heads=" + heads + ", kvHeads=" + kvHeads);
        require(mlp != null && norm != null && positions != null, "mlp, norm and positions must be set",
                "mlp=" + mlp + ", norm=" + norm + ", positions=" + positions);
        require(positions != Positions.ROPE || (dModel / heads) % 2 == 0, "RoPE needs an even head dimension",
                "dModel/heads=" + dModel / heads);
        require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1)", "dropout=" + dropout);
        require(experts == 0 || experts >= 2, "experts must be 0 (dense) or >= 2", "experts=" + experts);
        require(experts == 0 ? expertsPerToken == 0 : expertsPerToken >= 1 && expertsPerToken <= experts,
                "expertsPerToken must be in [1, experts] with experts, 0 without", "experts=" + experts
                        + ", expertsPerToken=" + expertsPerToken);
        require(normEps > 0 && normEps < 1, "normEps must be in (0, 1)", "normEps=" + normEps);
        require(ropeTheta > 1 && Double.isFinite(ropeTheta), "ropeTheta must be finite and > 1",
                "ropeTheta=" + ropeTheta);
        require(mlpHiddenSize >= 0, "mlpHiddenSize must be >= 0 (0: the default rule)",
                "mlpHiddenSize=" + mlpHiddenSize);
    }

    /** No biases on the projections, epsilon 1e-5, RoPE base 10000, the default MLP width. */
    public GptConfig(int vocabSize, int contextLength, int layers, int dModel, int heads, int kvHeads, Mlp mlp,
                     Norm norm, Positions positions, boolean tiedEmbeddings, double dropout, int experts,
                     int expertsPerToken) {
        this(vocabSize, contextLength, layers, dModel, heads, kvHeads, mlp, norm, positions, tiedEmbeddings, dropout,
                experts, expertsPerToken, false, false, false, DEFAULT_NORM_EPS, DEFAULT_ROPE_THETA, 0);
    }

    private static void require(boolean ok, String constraint, String got) {
        Checks.require(ok, "GptConfig", constraint, got);
    }

    /** Seconds on a laptop CPU: 2 layers, width 64, 4 heads, context 64. For teaching cells. */
    public static GptConfig tiny(int vocabSize) {
        return new GptConfig(vocabSize, 64, 2, 64, 4, 4, Mlp.GELU, Norm.LAYER_NORM, Positions.LEARNED, true, 0, 0, 0);
    }

    /** The reference CPU configuration: 4 layers, width 128, 4 heads, context 128 (bench/train). */
    public static GptConfig small(int vocabSize) {
        return new GptConfig(vocabSize, 128, 4, 128, 4, 4, Mlp.GELU, Norm.LAYER_NORM, Positions.LEARNED, true, 0, 0,
                0);
    }

    /** nanoGPT's character-level Shakespeare model: 6 layers, width 384, 6 heads, context 256. For a GPU. */
    public static GptConfig medium(int vocabSize) {
        return new GptConfig(vocabSize, 256, 6, 384, 6, 6, Mlp.GELU, Norm.LAYER_NORM, Positions.LEARNED, true, 0.2, 0,
                0);
    }

    /** A LLaMA-style block: RMSNorm, SwiGLU, RoPE, grouped-query attention with half as many KV heads. */
    public static GptConfig llamaStyle(int vocabSize, int layers, int dModel, int heads) {
        return new GptConfig(vocabSize, 128, layers, dModel, heads, Math.max(1, heads / 2), Mlp.SWIGLU, Norm.RMS_NORM,
                Positions.ROPE, true, 0, 0, 0);
    }

    public GptConfig withVocabSize(int v) {
        return new GptConfig(v, contextLength, layers, dModel, heads, kvHeads, mlp, norm, positions, tiedEmbeddings,
                dropout, experts, expertsPerToken, qkvBias, projBias, mlpBias, normEps, ropeTheta, mlpHiddenSize);
    }

    public GptConfig withContextLength(int t) {
        return new GptConfig(vocabSize, t, layers, dModel, heads, kvHeads, mlp, norm, positions, tiedEmbeddings,
                dropout, experts, expertsPerToken, qkvBias, projBias, mlpBias, normEps, ropeTheta, mlpHiddenSize);
    }

    public GptConfig withLayers(int l) {
        return new GptConfig(vocabSize, contextLength, l, dModel, heads, kvHeads, mlp, norm, positions, tiedEmbeddings,
                dropout, experts, expertsPerToken, qkvBias, projBias, mlpBias, normEps, ropeTheta, mlpHiddenSize);
    }

    /**
     * Width and heads together (heads must divide the width). The attention keeps its kind: multi-head attention
     * ({@code kvHeads == heads}) stays multi-head with {@code h} key/value heads; grouped-query attention keeps its
     * {@code kvHeads}, which must divide {@code h}. Set {@link #withKvHeads} after it to change that. An explicit
     * {@link #mlpHiddenSize} is kept; 0 keeps following the width.
     */
    public GptConfig withWidth(int d, int h) {
        int kv = kvHeads == heads ? h : kvHeads;
        return new GptConfig(vocabSize, contextLength, layers, d, h, kv, mlp, norm, positions, tiedEmbeddings, dropout,
                experts, expertsPerToken, qkvBias, projBias, mlpBias, normEps, ropeTheta, mlpHiddenSize);
    }

    public GptConfig withKvHeads(int kv) {
        return new GptConfig(vocabSize, contextLength, layers, dModel, heads, kv, mlp, norm, positions, tiedEmbeddings,
                dropout, experts, expertsPerToken, qkvBias, projBias, mlpBias, normEps, ropeTheta, mlpHiddenSize);
    }

    public GptConfig withMlp(Mlp m) {
        return new GptConfig(vocabSize, contextLength, layers, dModel, heads, kvHeads, m, norm, positions,
                tiedEmbeddings, dropout, experts, expertsPerToken, qkvBias, projBias, mlpBias, normEps, ropeTheta,
                mlpHiddenSize);
    }

    public GptConfig withNorm(Norm n) {
        return new GptConfig(vocabSize, contextLength, layers, dModel, heads, kvHeads, mlp, n, positions,
                tiedEmbeddings, dropout, experts, expertsPerToken, qkvBias, projBias, mlpBias, normEps, ropeTheta,
                mlpHiddenSize);
    }

    public GptConfig withPositions(Positions p) {
        return new GptConfig(vocabSize, contextLength, layers, dModel, heads, kvHeads, mlp, norm, p, tiedEmbeddings,
                dropout, experts, expertsPerToken, qkvBias, projBias, mlpBias, normEps, ropeTheta, mlpHiddenSize);
    }

    public GptConfig withTiedEmbeddings(boolean tied) {
        return new GptConfig(vocabSize, contextLength, layers, dModel, heads, kvHeads, mlp, norm, positions, tied,
                dropout, experts, expertsPerToken, qkvBias, projBias, mlpBias, normEps, ropeTheta, mlpHiddenSize);
    }

    public GptConfig withDropout(double p) {
        return new GptConfig(vocabSize, contextLength, layers, dModel, heads, kvHeads, mlp, norm, positions,
                tiedEmbeddings, p, experts, expertsPerToken, qkvBias, projBias, mlpBias, normEps, ropeTheta,
                mlpHiddenSize);
    }

    /** A mixture of {@code n} MLP experts per block, each token routed to its top {@code k}. */
    public GptConfig withExperts(int n, int k) {
        return new GptConfig(vocabSize, contextLength, layers, dModel, heads, kvHeads, mlp, norm, positions,
                tiedEmbeddings, dropout, n, k, qkvBias, projBias, mlpBias, normEps, ropeTheta, mlpHiddenSize);
    }

    /** Biases on the query/key/value projections, the attention's output projection, the MLP's projections. */
    public GptConfig withBiases(boolean qkv, boolean proj, boolean mlpProjections) {
        return new GptConfig(vocabSize, contextLength, layers, dModel, heads, kvHeads, mlp, norm, positions,
                tiedEmbeddings, dropout, experts, expertsPerToken, qkv, proj, mlpProjections, normEps, ropeTheta,
                mlpHiddenSize);
    }

    public GptConfig withNormEps(double eps) {
        return new GptConfig(vocabSize, contextLength, layers, dModel, heads, kvHeads, mlp, norm, positions,
                tiedEmbeddings, dropout, experts, expertsPerToken, qkvBias, projBias, mlpBias, eps, ropeTheta,
                mlpHiddenSize);
    }

    public GptConfig withRopeTheta(double theta) {
        return new GptConfig(vocabSize, contextLength, layers, dModel, heads, kvHeads, mlp, norm, positions,
                tiedEmbeddings, dropout, experts, expertsPerToken, qkvBias, projBias, mlpBias, normEps, theta,
                mlpHiddenSize);
    }

    /** The MLP's hidden width; 0 returns to the default rule. */
    public GptConfig withMlpHidden(int hidden) {
        return new GptConfig(vocabSize, contextLength, layers, dModel, heads, kvHeads, mlp, norm, positions,
                tiedEmbeddings, dropout, experts, expertsPerToken, qkvBias, projBias, mlpBias, normEps, ropeTheta,
                hidden);
    }

    public int headDim() {
        return dModel / heads;
    }

    /** Bytes a KV cache holds per position of one sequence, in float32: 2 (keys, values) · layers · kvHeads · headDim · 4. */
    public long kvCacheBytesPerToken() {
        return 2L * layers * kvHeads * headDim() * Float.BYTES;
    }

    /**
     * Hidden width of one MLP: {@link #mlpHiddenSize} when set, else 4·dModel for GELU and for SwiGLU ⌈(8/3)·dModel⌉
     * rounded up to a multiple of 8.
     */
    public int mlpHidden() {
        if (mlpHiddenSize > 0) {
            return mlpHiddenSize;
        }
        if (mlp.isGelu()) {
            return 4 * dModel;
        }
        int h = (int) Math.ceil(8.0 * dModel / 3);
        return (h + 7) / 8 * 8;
    }

    private long normParams() {
        return norm == Norm.LAYER_NORM ? 2L * dModel : dModel;
    }

    private long oneMlpParams() {
        long matrices = mlp.isGelu() ? 2 : 3;
        long biases = mlpBias ? (matrices - 1) * mlpHidden() + dModel : 0;
        return matrices * dModel * mlpHidden() + biases;
    }

    private long attentionParams() {
        long qkvOut = (heads + 2L * kvHeads) * headDim();
        return (long) dModel * qkvOut + (qkvBias ? qkvOut : 0) + (long) dModel * dModel + (projBias ? dModel : 0);
    }

    private long blockParams(int mlpsCounted) {
        long router = experts > 0 ? (long) dModel * experts : 0;
        return 2 * normParams() + attentionParams() + router + mlpsCounted * oneMlpParams();
    }

    /** Every parameter: embeddings, blocks, final norm and (untied) output projection. */
    public long parameters() {
        return nonEmbeddingParameters() + embeddingParameters();
    }

    /** The vocabulary and position matrices: token embedding, learned positions, untied output projection. */
    public long embeddingParameters() {
        long e = (long) vocabSize * dModel;
        if (positions == Positions.LEARNED) {
            e += (long) contextLength * dModel;
        }
        if (!tiedEmbeddings) {
            e += (long) vocabSize * dModel;
        }
        return e;
    }

    /** Kaplan et al. 2020's N: all parameters but the vocabulary and position embeddings. */
    public long nonEmbeddingParameters() {
        return layers * blockParams(experts > 0 ? experts : 1) + normParams();
    }

    /** Non-embedding parameters a token passes through: with experts, only its top-k MLPs count. */
    public long activeNonEmbeddingParameters() {
        return layers * blockParams(experts > 0 ? expertsPerToken : 1) + normParams();
    }

    /** The parameters a token's forward pass multiplies by: active non-embedding N plus the output projection V·d. */
    public long parametersPerToken() {
        return activeNonEmbeddingParameters() + (long) vocabSize * dModel;
    }

    /**
     * Training FLOPs per token: {@code 6·(N_active + V·d) + 12·L·T·d} — 6 FLOPs per parameter a token passes through
     * (forward and backward, Kaplan et al. 2020 §2.1), counting the output projection V·d but not the embedding
     * lookup, plus the attention scores and weighted sum over the full context (PaLM, Chowdhery et al. 2022,
     * appendix B; nanoGPT's estimate_mfu).
     */
    public double trainingFlopsPerToken() {
        return 6.0 * parametersPerToken()
                + 12.0 * layers * contextLength * dModel;
    }

    /** Forward-pass FLOPs per token (sampling, scoring, a reference's pass): a third of {@link #trainingFlopsPerToken}. */
    public double forwardFlopsPerToken() {
        return trainingFlopsPerToken() / 3;
    }
}
