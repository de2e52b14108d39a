package org.assay.lib.rl;

import java.util.Arrays;

/**
 * Group-relative advantages for outcome rewards, G samples per prompt in consecutive groups:
 * <ul>
 *   <li>GRPO (Shao et al. 2024): {@code (r − mean) / (std + eps)}, std the unbiased (n−1) standard deviation of the
 *   group, eps 1e-4, as TRL computes it;</li>
 *   <li>Dr. GRPO (Liu et al. 2025): {@code r − mean}, without the division that up-weights easy and hard groups;</li>
 *   <li>RLOO (Ahmadian et al. 2024): {@code r − mean of the other G−1}, an unbiased leave-one-out baseline.</li>
 * </ul>
 * A group whose rewards are all equal carries no signal (every advantage is 0); it is counted, and can be dropped so
 * that it does not dilute the batch (DAPO's dynamic sampling filter).
 */
public final class Advantages {
    private Advantages() {
    }

    public enum Baseline { GROUP_MEAN, LEAVE_ONE_OUT }

    /**
     * @param baseline          the group mean, or the mean of the other samples
     * @param scaleByStd        divide by the group's standard deviation (GRPO) or not (Dr. GRPO, RLOO)
     * @param dropZeroVariance  mark the samples of zero-variance groups as not kept
     */
    public record Config(Baseline baseline, boolean scaleByStd, boolean dropZeroVariance) {
        public static Config grpo() {
            return new Config(Baseline.GROUP_MEAN, true, false);
        }

        public static Config drGrpo() {
            return new Config(Baseline.GROUP_MEAN, false, false);
        }

        public static Config rloo() {
            return new Config(Baseline.LEAVE_ONE_OUT, false, false);
        }

        public Config withDropZeroVariance(boolean drop) {
            return new Config(baseline, scaleByStd, drop);
        }
    }

    /**
     * @param advantages          one per sample
     * @param kept                false for samples of dropped (zero-variance) groups
     * @param groups              number of groups
     * @param zeroVarianceGroups  groups whose rewards are all equal
     */
    public record Result(double[] advantages, boolean[] kept, int groups, int zeroVarianceGroups) {
        public double zeroVarianceFraction() {
            return (double) zeroVarianceGroups / groups;
        }
    }

    static final double STD_EPS = 1e-4;

    public static Result compute(double[] rewards, int groupSize, Config config) {
        String fn = "Advantages.compute";
        if (groupSize < 2) {
            throw new IllegalArgumentException(fn + ": groupSize must be >= 2 (a group of one has no baseline), got "
                    + groupSize);
        }
        if (rewards.length == 0 || rewards.length % groupSize != 0) {
            throw new IllegalArgumentException(fn + ": rewards must hold whole groups of " + groupSize + ", got "
                    + rewards.length + " rewards");
        }
        for (int i = 0; i < rewards.length; i++) {
            if (!Double.isFinite(rewards[i])) {
                throw new IllegalArgumentException(fn + ": rewards must be finite, got " + rewards[i] + " at " + i);
            }
        }
        int groups = rewards.length / groupSize;
        double[] adv = new double[rewards.length];
        boolean[] kept = new boolean[rewards.length];
        Arrays.fill(kept, true);
        int zero = 0;
        for (int g = 0; g < groups; g++) {
            int from = g * groupSize;
            double sum = 0;
            for (int i = from; i < from + groupSize; i++) {
                sum += rewards[i];
            }
            double mean = sum / groupSize;
            double ss = 0;
            for (int i = from; i < from + groupSize; i++) {
                ss += (rewards[i] - mean) * (rewards[i] - mean);
            }
            double std = Math.sqrt(ss / (groupSize - 1));
            boolean flat = ss == 0;
            zero += flat ? 1 : 0;
            for (int i = from; i < from + groupSize; i++) {
                double baseline = config.baseline() == Baseline.GROUP_MEAN ? mean
                        : (sum - rewards[i]) / (groupSize - 1);
                double a = rewards[i] - baseline;
                adv[i] = config.scaleByStd() ? a / (std + STD_EPS) : a;
                kept[i] = !(flat && config.dropZeroVariance());
            }
        }
        return new Result(adv, kept, groups, zero);
    }

    /**
     * Process supervision (Shao et al. 2024, §4.1.3): each sample's steps carry rewards; all step rewards of a group
     * are normalised together, {@code (r − mean) / (std + eps)}, and a step's advantage is the sum of the normalised
     * rewards of that step and every later step of the same sample. Returns one array per sample (its steps).
     */
    public static double[][] process(double[][] stepRewards, int groupSize) {
        String fn = "Advantages.process";
        if (groupSize < 2 || stepRewards.length == 0 || stepRewards.length % groupSize != 0) {
            throw new IllegalArgumentException(fn + ": stepRewards must hold whole groups of groupSize >= 2, got "
                    + stepRewards.length + " samples and groupSize " + groupSize);
        }
        double[][] out = new double[stepRewards.length][];
        for (int g = 0; g < stepRewards.length / groupSize; g++) {
            double sum = 0;
            int count = 0;
            for (int i = g * groupSize; i < (g + 1) * groupSize; i++) {
                for (double r : stepRewards[i]) {
                    if (!Double.isFinite(r)) {
                        throw new IllegalArgumentException(fn + ": step rewards must be finite, got " + r
                                + " in sample " + i);
                    }
                    sum += r;
                    count++;
                }
            }
            double mean = count == 0 ? 0 : sum / count;
            double ss = 0;
            for (int i = g * groupSize; i < (g + 1) * groupSize; i++) {
                for (double r : stepRewards[i]) {
                    ss += (r - mean) * (r - mean);
                }
            }
            double std = count > 1 ? Math.sqrt(ss / (count - 1)) : 0;
            for (int i = g * groupSize; i < (g + 1) * groupSize; i++) {
                double[] a = new double[stepRewards[i].length];
                double later = 0;
                for (int s = a.length - 1; s >= 0; s--) {
                    later += (stepRewards[i][s] - mean) / (std + STD_EPS);
                    a[s] = later;
                }
                out[i] = a;
            }
        }
        return out;
    }

    /**
     * Per-token advantages of one completion from per-step ones: token t gets the advantage of the step it belongs
     * to, steps ending (exclusive) at {@code stepEnds}, in tokens, ascending; tokens after the last end get 0.
     */
    public static float[] perToken(double[] stepAdvantages, int[] stepEnds, int tokens) {
        if (stepAdvantages.length != stepEnds.length) {
            throw new IllegalArgumentException("Advantages.perToken: one end per step, got " + stepAdvantages.length
                    + " steps and " + stepEnds.length + " ends");
        }
        float[] out = new float[tokens];
        int start = 0;
        for (int s = 0; s < stepEnds.length; s++) {
            if (stepEnds[s] < start || stepEnds[s] > tokens) {
                throw new IllegalArgumentException("Advantages.perToken: step ends must ascend within [0, " + tokens
                        + "], got " + stepEnds[s] + " for step " + s);
            }
            for (int t = start; t < stepEnds[s]; t++) {
                out[t] = (float) stepAdvantages[s];
            }
            start = stepEnds[s];
        }
        return out;
    }

    /**
     * Generalised advantage estimation (Schulman et al. 2016, eqs. 11–16) over per-token rewards, one row per
     * sequence of a (rows × T) batch whose weighted positions (weight > 0) are the sequence's actions, in order:
     * {@code δ_t = r_t + γ·V_{t+1} − V_t} (V after the last action is 0: the episode ends), {@code A_t = δ_t +
     * γλ·A_{t+1}}, and the value targets {@code R_t = A_t + V_t}. Unweighted positions get 0.
     *
     * @param rewards (rows × T) the reward of each action (the KL penalty per token, the outcome on the last)
     * @param values  (rows × T) the critic's value of the state before each action
     */
    public record Gae(float[] advantages, float[] returns) {
    }

    public static Gae gae(float[] rewards, float[] values, float[] weights, int rows, double gamma, double lambda) {
        String fn = "Advantages.gae";
        if (rewards.length != values.length || rewards.length != weights.length || rows < 1
                || rewards.length % rows != 0) {
            throw new IllegalArgumentException(fn + ": rewards, values and weights must be rows × T (rows=" + rows
                    + "), got " + rewards.length + ", " + values.length + " and " + weights.length);
        }
        if (!(gamma >= 0 && gamma <= 1) || !(lambda >= 0 && lambda <= 1)) {
            throw new IllegalArgumentException(fn + ": gamma and lambda must be in [0, 1], got " + gamma + " and "
                    + lambda);
        }
        int width = rewards.length / rows;
        float[] adv = new float[rewards.length];
        float[] ret = new float[rewards.length];
        for (int r = 0; r < rows; r++) {
            double nextValue = 0;
            double nextAdv = 0;
            for (int t = width - 1; t >= 0; t--) {
                int i = r * width + t;
                if (weights[i] <= 0) {
                    continue;
                }
                double delta = rewards[i] + gamma * nextValue - values[i];
                double a = delta + gamma * lambda * nextAdv;
                adv[i] = (float) a;
                ret[i] = (float) (a + values[i]);
                nextValue = values[i];
                nextAdv = a;
            }
        }
        return new Gae(adv, ret);
    }

    /**
     * The values at weighted positions shifted to mean 0 and standard deviation 1 (PPO's advantage whitening, as TRL
     * does it); unweighted positions stay 0.
     */
    public static float[] whiten(float[] values, float[] weights) {
        double sum = 0;
        long n = 0;
        for (int i = 0; i < values.length; i++) {
            if (weights[i] > 0) {
                sum += values[i];
                n++;
            }
        }
        if (n < 2) {
            return values.clone();
        }
        double mean = sum / n;
        double ss = 0;
        for (int i = 0; i < values.length; i++) {
            if (weights[i] > 0) {
                ss += (values[i] - mean) * (values[i] - mean);
            }
        }
        double std = Math.sqrt(ss / (n - 1));
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            if (weights[i] > 0) {
                out[i] = (float) ((values[i] - mean) / (std + 1e-8));
            }
        }
        return out;
    }

    /**
     * How groups ended, by correctness: fractions of groups all correct, all wrong, and mixed (only mixed groups
     * teach anything under a 0/1 reward).
     */
    public record GroupOutcomes(double allCorrect, double allWrong, double mixed) {
        public static GroupOutcomes of(boolean[] correct, int groupSize) {
            if (groupSize < 1 || correct.length == 0 || correct.length % groupSize != 0) {
                throw new IllegalArgumentException("GroupOutcomes.of: correct must hold whole groups of " + groupSize
                        + ", got " + correct.length);
            }
            int groups = correct.length / groupSize;
            int all = 0;
            int none = 0;
            for (int g = 0; g < groups; g++) {
                int c = 0;
                for (int i = g * groupSize; i < (g + 1) * groupSize; i++) {
                    c += correct[i] ? 1 : 0;
                }
                all += c == groupSize ? 1 : 0;
                none += c == 0 ? 1 : 0;
            }
            return new GroupOutcomes((double) all / groups, (double) none / groups,
                    (double) (groups - all - none) / groups);
        }
    }
}
