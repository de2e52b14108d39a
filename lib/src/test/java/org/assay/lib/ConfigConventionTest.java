package org.assay.lib;


import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.assay.lib.data.SyntheticLanguage;
import org.assay.lib.model.GptConfig;
import org.assay.lib.rl.Advantages;
import org.assay.lib.rl.Distillation;
import org.assay.lib.rl.Grpo;
import org.assay.lib.rl.Ppo;
import org.assay.lib.rl.ExpertIteration;
import org.assay.lib.rl.OnlineDpo;
import org.assay.lib.rl.Preference;
import org.assay.lib.rl.PolicyLoss;
import org.assay.lib.train.RunSpec;
import org.assay.lib.train.AdamW;
import org.assay.lib.train.LrSchedule;
import org.assay.lib.train.Pretrain;
import org.assay.lib.sample.SamplingParams;
import org.assay.lib.sample.ThinkingBudget;
import org.junit.jupiter.api.Test;

/**
 * Configs are records and {@code withX} changes exactly X (issue 15): for every config record, every public
 * {@code withX} method is called here, and the components that changed must be the ones its name (or the table)
 * says. A new {@code withX} without a row here fails the test, so the rule is kept as methods are added.
 */
class ConfigConventionTest {

    /** One call: the record, the method, its arguments and the components it may change. */
    record Call(Record base, String method, Object[] args, Set<String> changes) {
    }

    private static Call call(Record base, String method, Set<String> changes, Object... args) {
        return new Call(base, method, args, changes);
    }

    private static final GptConfig GPT = GptConfig.tiny(16);
    private static final GptConfig GQA = GPT.withKvHeads(2);
    private static final Pretrain.Config PRETRAIN = Pretrain.Config.of(100);
    private static final Grpo.Config GRPO = Grpo.Config.defaults();
    private static final ThinkingBudget BUDGET = ThinkingBudget.atMost(new int[] {1}, 8);
    private static final RunSpec.Data MIXTURE = RunSpec.Data.mixture(java.util.Map.of(
            "a", RunSpec.Data.Source.synthetic(1, SyntheticLanguage.small(1).config(), 2000, 1),
            "b", RunSpec.Data.Source.synthetic(1, SyntheticLanguage.small(2).config(), 2000, 2)), 4, 16);
    private static final OnlineDpo.Config ONLINE_DPO = OnlineDpo.Config.defaults();
    private static final ExpertIteration.Config EXPERT = ExpertIteration.Config.defaults();
    private static final Distillation.Config DISTIL = Distillation.Config.defaults();
    private static final Ppo.Config PPO = Ppo.Config.defaults();
    private static final RunSpec SPEC = new RunSpec("r", GptConfig.tiny(8), RunSpec.Data.synthetic(
            SyntheticLanguage.small(1).config(), 2000, 1, 4, 16), RunSpec.training(10, 1e-2, 1));

    static List<Call> calls() {
        return List.of(
                call(GPT, "withVocabSize", Set.of("vocabSize"), 32),
                call(GPT, "withContextLength", Set.of("contextLength"), 32),
                call(GPT, "withLayers", Set.of("layers"), 3),
                // multi-head attention stays multi-head: kvHeads follows heads, as documented
                call(GPT, "withWidth", Set.of("dModel", "heads", "kvHeads"), 32, 2),
                // grouped-query attention keeps its kvHeads
                call(GQA, "withWidth", Set.of("dModel", "heads"), 128, 8),
                call(GPT, "withKvHeads", Set.of("kvHeads"), 2),
                call(GPT, "withMlp", Set.of("mlp"), GptConfig.Mlp.SWIGLU),
                call(GPT, "withNorm", Set.of("norm"), GptConfig.Norm.RMS_NORM),
                call(GPT, "withPositions", Set.of("positions"), GptConfig.Positions.ROPE),
                call(GPT, "withTiedEmbeddings", Set.of("tiedEmbeddings"), !GPT.tiedEmbeddings()),
                call(GPT, "withDropout", Set.of("dropout"), 0.25),
                call(GPT, "withExperts", Set.of("experts", "expertsPerToken"), 4, 2),
                call(GPT, "withBiases", Set.of("qkvBias", "projBias", "mlpBias"), true, true, true),
                call(GPT, "withNormEps", Set.of("normEps"), 1e-6),
                call(GPT, "withRopeTheta", Set.of("ropeTheta"), 5e5),
                call(GPT, "withMlpHidden", Set.of("mlpHiddenSize"), 96),
                call(AdamW.defaults(), "withLearningRate", Set.of("learningRate"), 0.5),
                call(AdamW.defaults(), "withWeightDecay", Set.of("weightDecay"), 0.5),
                call(AdamW.defaults(), "withGradClipNorm", Set.of("gradClipNorm"), 5.0),
                call(AdamW.defaults(), "withBetas", Set.of("beta1", "beta2"), 0.8, 0.9),
                call(SamplingParams.defaults(), "withTemperature", Set.of("temperature"), 0.5),
                call(SamplingParams.defaults(), "withTopP", Set.of("topP"), 0.5),
                call(SamplingParams.defaults(), "withTopK", Set.of("topK"), 5),
                call(SamplingParams.defaults(), "withMaxTokens", Set.of("maxTokens"), 7),
                call(SamplingParams.defaults(), "withStop", Set.of("stop"), List.of(new int[] {3})),
                call(SamplingParams.defaults(), "withSeed", Set.of("seed"), 99L),
                call(SamplingParams.defaults(), "withKvCache", Set.of("kvCache"), false),
                call(SamplingParams.defaults(), "withThinking", Set.of("thinking"),
                        ThinkingBudget.atMost(new int[] {1}, 8)),
                call(BUDGET, "withMaxThinkingTokens", Set.of("maxThinkingTokens"), 9),
                call(BUDGET, "withMinimum", Set.of("minThinkingTokens", "continuation", "maxContinuations"), 3,
                        new int[] {2}, 2),
                call(PRETRAIN, "withSteps", Set.of("steps"), 200L),
                call(PRETRAIN, "withOptimizer", Set.of("optimizer"), AdamW.defaults().withLearningRate(0.5)),
                call(PRETRAIN, "withSchedule", Set.of("schedule", "warmupFraction", "minLrRatio"),
                        LrSchedule.Kind.WSD, 0.2, 0.5),
                call(PRETRAIN, "withGradAccumulation", Set.of("gradAccumulation"), 4),
                call(PRETRAIN, "withEvaluation", Set.of("evalEvery", "evalBatches"), 7, 9),
                call(PRETRAIN, "withCheckpointEvery", Set.of("checkpointEvery"), 7),
                call(PRETRAIN, "withKeepCheckpoints", Set.of("keepCheckpoints"), 9),
                call(PRETRAIN, "withSeed", Set.of("seed"), 9L),
                call(PRETRAIN, "withPrecision", Set.of("precision"), org.assay.lib.model.Precision.BFLOAT16),
                call(GRPO, "withGroups", Set.of("promptsPerStep", "groupSize"), 3, 5),
                call(GRPO, "withSampling", Set.of("sampling"), SamplingParams.defaults().withTopK(3)),
                call(GRPO, "withAdvantages", Set.of("advantages"), Advantages.Config.rloo()),
                call(GRPO, "withLoss", Set.of("epsLow", "epsHigh", "normalization"), 0.1, 0.2,
                        PolicyLoss.Normalization.TOKEN),
                call(GRPO, "withKl", Set.of("klBeta"), 0.1),
                call(GRPO, "withEntropyBonus", Set.of("entropyCoef"), 0.1),
                call(GRPO, "withInnerSteps", Set.of("innerSteps"), 2),
                call(GRPO, "withOptimizer", Set.of("optimizer"), AdamW.defaults().withLearningRate(0.5)),
                call(GRPO, "withSeed", Set.of("seed"), 9L),
                call(GRPO, "withProcessRewards", Set.of("processDelimiter"), "?"),
                call(GRPO, "withKlInReward", Set.of("klInReward"), 0.1),
                call(GRPO, "withMaskTruncatedCompletions", Set.of("maskTruncatedCompletions"), true),
                call(GRPO, "withCheckpointEvery", Set.of("checkpointEvery"), 5),
                call(Advantages.Config.grpo(), "withDropZeroVariance", Set.of("dropZeroVariance"), true),
                call(SPEC, "withName", Set.of("name"), "other"),
                call(SPEC, "withModel", Set.of("model"), GptConfig.tiny(8).withLayers(3)),
                call(SPEC, "withTrain", Set.of("train"), RunSpec.training(20, 1e-2, 1)),
                call(SPEC.train(), "withSteps", Set.of("steps"), 20L),
                call(SPEC, "withData", Set.of("data"), SPEC.data().withSeed(5)),
                call(SPEC.data(), "withSeed", Set.of("seed"), 5L),
                call(SPEC.data(), "withValidationFraction", Set.of("validationFraction"), 0.2),
                call(MIXTURE, "withWeights", Set.of("sources"), java.util.Map.of("a", 3.0)),
                call(MIXTURE, "withTarget", Set.of("target"), java.util.Map.of("b", 1.0)),
                call(ONLINE_DPO, "withGroups", Set.of("promptsPerStep", "groupSize"), 3, 5),
                call(ONLINE_DPO, "withSampling", Set.of("sampling"), SamplingParams.defaults().withTopK(3)),
                call(ONLINE_DPO, "withBeta", Set.of("beta", "loss"), 0.3),
                call(ONLINE_DPO, "withLoss", Set.of("loss"), Preference.ipo(0.5)),
                call(ONLINE_DPO, "withOptimizer", Set.of("optimizer"), AdamW.defaults().withLearningRate(0.5)),
                call(ONLINE_DPO, "withSeed", Set.of("seed"), 9L),
                call(EXPERT, "withProblems", Set.of("problemsPerIteration", "samples"), 3, 5),
                call(EXPERT, "withSampling", Set.of("sampling"), SamplingParams.defaults().withTopK(3)),
                call(EXPERT, "withFineTuning", Set.of("sftSteps", "rows"), 7, 9),
                call(EXPERT, "withOptimizer", Set.of("optimizer"), AdamW.defaults().withLearningRate(0.5)),
                call(EXPERT, "withHint", Set.of("hint"), (java.util.function.Function<org.assay.evals.tasks.Task,
                        String>) t -> "hint"),
                call(EXPERT, "withSeed", Set.of("seed"), 9L),
                call(DISTIL, "withRecipe", Set.of("recipe"), Distillation.Recipe.LOGITS),
                call(DISTIL, "withGroups", Set.of("promptsPerStep", "samplesPerPrompt"), 3, 5),
                call(DISTIL, "withSampling", Set.of("sampling"), SamplingParams.defaults().withTopK(3)),
                call(DISTIL, "withTopK", Set.of("topK"), 4),
                call(DISTIL, "withOptimizer", Set.of("optimizer"), AdamW.defaults().withLearningRate(0.5)),
                call(DISTIL, "withSeed", Set.of("seed"), 9L),
                call(PPO, "withGroups", Set.of("promptsPerStep", "samplesPerPrompt"), 3, 5),
                call(PPO, "withSampling", Set.of("sampling"), SamplingParams.defaults().withTopK(3)),
                call(PPO, "withGae", Set.of("gamma", "lambda"), 0.9, 0.5),
                call(PPO, "withClipping", Set.of("clipRange", "clipRangeValue"), 0.1, 0.3),
                call(PPO, "withValueCoef", Set.of("vfCoef"), 0.5),
                call(PPO, "withKl", Set.of("klCoef"), 0.2),
                call(PPO, "withWhitening", Set.of("whitenAdvantages"), false),
                call(PPO, "withEpochs", Set.of("epochs"), 2),
                call(PPO, "withSharedCritic", Set.of("sharedCritic"), true),
                call(PPO, "withOptimizer", Set.of("optimizer"), AdamW.defaults().withLearningRate(0.5)),
                call(PPO, "withSeed", Set.of("seed"), 9L));
    }

    @Test
    void eachWithChangesExactlyWhatItNames() throws Exception {
        List<String> failures = new ArrayList<>();
        for (Call c : calls()) {
            Method m = Arrays.stream(c.base().getClass().getMethods())
                    .filter(x -> x.getName().equals(c.method()) && x.getParameterCount() == c.args().length)
                    .findFirst().orElseThrow(() -> new AssertionError("no " + c.method() + " on " + c.base()));
            Record after = (Record) m.invoke(c.base(), c.args());
            Set<String> changed = new TreeSet<>();
            for (RecordComponent rc : c.base().getClass().getRecordComponents()) {
                Object a = rc.getAccessor().invoke(c.base());
                Object b = rc.getAccessor().invoke(after);
                if (!Objects.deepEquals(a, b) && !(a instanceof List<?> la && b instanceof List<?> lb
                        && Arrays.deepEquals(la.toArray(), lb.toArray()))) {
                    changed.add(rc.getName());
                }
            }
            if (!changed.equals(new TreeSet<>(c.changes()))) {
                failures.add(c.base().getClass().getSimpleName() + "." + c.method() + " changed " + changed
                        + ", expected " + new TreeSet<>(c.changes()));
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void everyWithOfEveryConfigRecordIsCovered() {
        List<Class<?>> configs = List.of(GptConfig.class, AdamW.class, SamplingParams.class, ThinkingBudget.class, Pretrain.Config.class,
                Grpo.Config.class, Advantages.Config.class, RunSpec.class, RunSpec.Data.class, OnlineDpo.Config.class,
                ExpertIteration.Config.class, Distillation.Config.class,
                Ppo.Config.class);
        Set<String> covered = new TreeSet<>();
        for (Call c : calls()) {
            covered.add(c.base().getClass().getName() + "." + c.method() + "/" + c.args().length);
        }
        List<String> missing = new ArrayList<>();
        for (Class<?> type : configs) {
            assertTrue(type.isRecord(), type + " must be a record");
            for (Method m : type.getMethods()) {
                if (m.getName().startsWith("with") && !Modifier.isStatic(m.getModifiers())
                        && m.getReturnType() == type) {
                    String key = type.getName() + "." + m.getName() + "/" + m.getParameterCount();
                    if (!covered.contains(key)) {
                        missing.add(key);
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            fail("withX methods without a row in ConfigConventionTest.calls(): " + missing);
        }
    }
}
