package org.assay.lib.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.assay.evals.tasks.Task;
import org.assay.lib.model.GptConfig;
import org.assay.lib.train.LossFn;
import org.assay.lib.sample.SamplingParams;
import org.assay.lib.train.TokenBatch;
import org.assay.lib.train.TrainingClient;
import org.junit.jupiter.api.Test;

/** The PPO and importance-sampling losses' gradients through a tiny model, against finite differences. */
class PolicyGradientOnAModelTest {

    static final GptConfig TINY = GptConfig.tiny(9).withContextLength(8).withWidth(16, 2).withLayers(1);

    @Test
    void ppoAndImportanceSamplingGradientsMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(4);
        int rows = 2;
        int t = 6;
        int[] in = rng.ints(rows * t, 0, 9).toArray();
        int[] out = rng.ints(rows * t, 0, 9).toArray();
        float[] weights = {0, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0};
        float[] adv = new float[rows * t];
        for (int i = 0; i < adv.length; i++) {
            adv[i] = i < t ? 1.2f : -0.7f;
        }
        for (LossFn loss : List.of(PolicyLoss.importanceSampling(PolicyLoss.Normalization.SEQUENCE),
                PolicyLoss.ppo(0.2, 0.28, PolicyLoss.Normalization.TOKEN))) {
            try (TrainingClient client = TrainingClient.create(TINY, 6)) {
                float[] logp = client.computeLogprobs(TokenBatch.of(in, out, rows));
                float[] sampling = new float[logp.length];
                for (int i = 0; i < logp.length; i++) { // ratios of e^±0.1 (inside the clip) and e^±0.6 (outside)
                    sampling[i] = logp[i] + (float) (i % 3 == 0 ? 0.6 * (i % 2 == 0 ? 1 : -1) : 0.1 * (i % 2 == 0 ? 1
                            : -1));
                }
                Map<String, float[]> extra = Map.of(PolicyLoss.ADVANTAGES, adv, PolicyLoss.SAMPLING_LOGPROBS, sampling);
                client.forwardBackward(new TokenBatch(in, out, weights, rows, extra), loss);
                Map<String, float[]> grads = new LinkedHashMap<>();
                client.model().parameters().forEach((name, p) -> grads.put(name, p.getGradient().toFloatArray()));
                Map<String, float[]> w0 = client.model().snapshot();
                for (String name : w0.keySet()) {
                    float[] u = new float[w0.get(name).length];
                    double directional = 0;
                    for (int i = 0; i < u.length; i++) {
                        u[i] = (float) rng.nextGaussian();
                        directional += u[i] * grads.get(name)[i];
                    }
                    double h = 1e-2 / Math.sqrt(u.length);
                    double up = lossAt(client, w0, name, u, h, in, out, weights, rows, loss, extra);
                    double down = lossAt(client, w0, name, u, -h, in, out, weights, rows, loss, extra);
                    double numeric = (up - down) / (2 * h);
                    assertEquals(numeric, directional, 3e-2 * Math.max(1e-2, Math.abs(numeric)), name);
                }
            }
        }
    }

    private static double lossAt(TrainingClient client, Map<String, float[]> w0, String name, float[] u, double h,
                                 int[] in, int[] out, float[] weights, int rows, LossFn loss,
                                 Map<String, float[]> extra) {
        Map<String, float[]> moved = new LinkedHashMap<>(w0);
        float[] w = w0.get(name).clone();
        for (int i = 0; i < w.length; i++) {
            w[i] += (float) (h * u[i]);
        }
        moved.put(name, w);
        client.model().restore(moved);
        double value = client.forwardBackward(new TokenBatch(in, out, weights, rows, extra), loss).loss();
        client.model().restore(w0);
        return value;
    }

    @Test
    void klInTheRewardLowersTheRewardOfSamplesFarFromTheReference() {
        var chars = org.assay.lib.data.CharTokenizer.fit("abcd?");
        Env env = Env.of("const", List.of(new Task("q", "?", "a", "t", 0)), Task::prompt,
                (task, c) -> Env.Reward.of(1, true)); // every sample equal: only the KL term can separate them
        try (TrainingClient policy = TrainingClient.create(GptConfig.tiny(5).withContextLength(8).withWidth(16, 2)
                .withLayers(1), 3); Grpo plain = Grpo.of(policy, chars, env, GrpoTest.config(3))) {
            Grpo.StepMetrics m = plain.step();
            assertEquals(1.0, m.fracRewardZeroStd(), "without the KL term every group is flat");
        }
        try (TrainingClient policy = TrainingClient.create(GptConfig.tiny(5).withContextLength(8).withWidth(16, 2)
                .withLayers(1), 3); Grpo shaped = Grpo.of(policy, chars, env, GrpoTest.config(3).withKlInReward(0.5))) {
            shaped.step(); // the first step: policy = reference, KL 0 everywhere, groups still flat
            shaped.step();
            Grpo.StepMetrics m = shaped.step();
            assertTrue(m.fracRewardZeroStd() < 1.0, "once the policy moved, the KL term separates samples: " + m);
            assertEquals(1.0, m.reward(), 1e-12, "the logged reward is the environment's");
        }
    }
}
