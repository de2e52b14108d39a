package org.assay.lib.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.function.Function;
import org.assay.lib.engine.Torch;
import org.assay.lib.train.LossFn;
import org.junit.jupiter.api.Test;

class PolicyLossTest {

    // two sequences of three tokens; the second has one masked (prompt) token
    static final float[] LOGP = {-1.0f, -0.5f, -2.0f, -0.2f, -1.5f, -0.7f};
    static final float[] OLD = {-1.3f, -0.5f, -1.0f, -0.2f, -1.0f, -1.2f};
    static final float[] ADV = {1f, 1f, 1f, -1f, -1f, -1f};
    static final float[] W = {1f, 1f, 1f, 0f, 1f, 1f};

    static double lossOf(LossFn fn, float[] logp) {
        try (NDManager m = Torch.engine().newBaseManager()) {
            return fn.loss(inputs(m, logp)).getFloat();
        }
    }

    static LossFn.Inputs inputs(NDManager m, float[] logp) {
        Shape s = new Shape(2, 3);
        return new LossFn.Inputs(m.create(logp, s), m.create(W, s), Map.of(PolicyLoss.ADVANTAGES, m.create(ADV, s),
                PolicyLoss.SAMPLING_LOGPROBS, m.create(OLD, s), PolicyLoss.REFERENCE_LOGPROBS, m.create(OLD, s)));
    }

    /** The PPO objective per token, by hand. */
    static double ppoTerm(int i, double lo, double hi) {
        double ratio = Math.exp(LOGP[i] - OLD[i]);
        double clipped = Math.min(Math.max(ratio, 1 - lo), 1 + hi);
        return Math.min(ratio * ADV[i], clipped * ADV[i]);
    }

    @Test
    void ppoClipsAtBothBoundsAndNormalisesThreeWays() {
        double lo = 0.2;
        double hi = 0.28;
        // token 0: ratio e^0.3 = 1.35 > 1.28 with A > 0 → clipped at 1.28; token 2: ratio e^-1 = 0.37 with A > 0 → not
        // clipped (the minimum keeps the unclipped term); token 4: ratio e^-0.5 = 0.61 < 0.8 with A < 0 → clipped at 0.8
        assertEquals(1.28, ppoTerm(0, lo, hi), 1e-6);
        assertEquals(Math.exp(-1.0), ppoTerm(2, lo, hi), 1e-6);
        assertEquals(-0.8, ppoTerm(4, lo, hi), 1e-6);
        double seq1 = (ppoTerm(0, lo, hi) + ppoTerm(1, lo, hi) + ppoTerm(2, lo, hi)) / 3;
        double seq2 = (ppoTerm(4, lo, hi) + ppoTerm(5, lo, hi)) / 2;
        double sum = seq1 * 3 + seq2 * 2;
        assertEquals(-(seq1 + seq2) / 2, lossOf(PolicyLoss.ppo(lo, hi, PolicyLoss.Normalization.SEQUENCE), LOGP), 1e-6);
        assertEquals(-sum / 5, lossOf(PolicyLoss.ppo(lo, hi, PolicyLoss.Normalization.TOKEN), LOGP), 1e-6);
        assertEquals(-sum / 6, lossOf(PolicyLoss.ppo(lo, hi, PolicyLoss.Normalization.CONSTANT), LOGP), 1e-6);
        assertEquals(2.0 / 5, PolicyLoss.clipFraction(LOGP, OLD, ADV, W, lo, hi), 1e-12);
        PolicyLoss.Clipping sides = PolicyLoss.clipping(LOGP, OLD, ADV, W, lo, hi);
        assertEquals(1.0 / 5, sides.low(), 1e-12);  // token 4
        assertEquals(1.0 / 5, sides.high(), 1e-12); // token 0
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        double lo = 0.2;
        double hi = 0.28;
        for (Function<PolicyLoss.Normalization, LossFn> make : java.util.List.<Function<PolicyLoss.Normalization,
                LossFn>>of(PolicyLoss::importanceSampling, n -> PolicyLoss.ppo(lo, hi, n),
                n -> PolicyLoss.withEntropyBonus(PolicyLoss.withKlPenalty(PolicyLoss.importanceSampling(n), 0.1, n),
                        0.01, n))) {
            for (PolicyLoss.Normalization norm : PolicyLoss.Normalization.values()) {
                LossFn fn = make.apply(norm);
                float[] grad;
                try (NDManager m = Torch.engine().newBaseManager();
                     GradientCollector gc = Torch.engine().newGradientCollector()) {
                    LossFn.Inputs in = inputs(m, LOGP);
                    in.logprobs().setRequiresGradient(true);
                    NDArray loss = fn.loss(in);
                    gc.backward(loss);
                    grad = in.logprobs().getGradient().toFloatArray();
                }
                for (int i = 0; i < LOGP.length; i++) {
                    double h = 1e-3;
                    float[] up = LOGP.clone();
                    float[] down = LOGP.clone();
                    up[i] += (float) h;
                    down[i] -= (float) h;
                    double fd = (lossOf(fn, up) - lossOf(fn, down)) / (2 * h);
                    assertEquals(fd, grad[i], 2e-3, norm + " token " + i);
                }
            }
        }
    }

    @Test
    void klPenaltyIsZeroOnThePolicyItselfAndEntropyBonusLowersTheLoss() {
        LossFn is = PolicyLoss.importanceSampling(PolicyLoss.Normalization.TOKEN);
        // the reference equals the sampling policy here; KL(π‖π_ref) at π = π_ref is zero
        assertEquals(lossOf(is, OLD), lossOf(PolicyLoss.withKlPenalty(is, 0.5, PolicyLoss.Normalization.TOKEN), OLD),
                1e-6);
        assertTrue(lossOf(PolicyLoss.withEntropyBonus(is, 0.1, PolicyLoss.Normalization.TOKEN), LOGP)
                < lossOf(is, LOGP));
    }

    @Test
    void badInputGetsClearErrors() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> PolicyLoss.ppo(1.2, 0.2, PolicyLoss.Normalization.TOKEN));
        assertTrue(e.getMessage().contains("epsLow must be in (0, 1) and epsHigh > 0, got epsLow=1.2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PolicyLoss.clipFraction(new float[2], new float[1],
                new float[2], new float[2], 0.2, 0.2));
        assertTrue(e.getMessage().contains("one length, got 2, 1, 2 and 2"), e.getMessage());
        try (NDManager m = Torch.engine().newBaseManager()) {
            LossFn.Inputs missing = new LossFn.Inputs(m.create(LOGP, new Shape(2, 3)), m.create(W, new Shape(2, 3)),
                    Map.of());
            e = assertThrows(IllegalArgumentException.class,
                    () -> PolicyLoss.ppo(0.2, 0.2, PolicyLoss.Normalization.TOKEN).loss(missing));
            assertTrue(e.getMessage().contains("needs the per-token input 'advantages'"), e.getMessage());
        }
    }
}
