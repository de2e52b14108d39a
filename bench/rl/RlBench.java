import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.assay.evals.tasks.AnswerFormat;
import org.assay.evals.tasks.Task;
import org.assay.evals.tasks.TaskSuites;
import org.assay.lib.data.CharTokenizer;
import org.assay.lib.engine.Torch;
import org.assay.lib.model.GptConfig;
import org.assay.lib.rl.Env;
import org.assay.lib.rl.Grpo;
import org.assay.lib.sample.SamplingParams;
import org.assay.lib.train.TrainingClient;

/**
 * Java side of bench/rl, run by bench.py: GRPO steps on one-digit arithmetic with GptConfig.tiny (untrained; 16
 * prompts × 16 samples, exactly NEW_TOKENS new tokens each — no stop, so both sides sample the same amount), timed
 * per phase after untimed steps: at least WARMUP and at least 10 s of them (bench/train's rule: the JIT compiles for
 * seconds, and a loop's first steps run partly interpreted). Prints one JSON object (with the prompt lengths, for the
 * peer).
 * Usage: java -cp CLASSPATH RlBench.java STEPS WARMUP NEW_TOKENS
 */
public class RlBench {
    static final double WARMUP_SECONDS = 10;

    public static void main(String[] args) {
        int steps = Integer.parseInt(args[0]);
        int warmup = Integer.parseInt(args[1]);
        int newTokens = Integer.parseInt(args[2]);
        List<Task> problems = TaskSuites.arithmetic(256, 1, 3);
        StringBuilder alphabet = new StringBuilder("0123456789-Answer: \n");
        problems.forEach(t -> alphabet.append(t.prompt()));
        CharTokenizer chars = CharTokenizer.fit(alphabet.toString());
        GptConfig config = GptConfig.tiny(chars.vocabSize());
        Env env = Env.of("arithmetic", problems, t -> t.prompt() + "\n", Env.exactAnswer(AnswerFormat.ANSWER_LINE, 0));
        Grpo.Config grpo = Grpo.Config.defaults().withGroups(16, 16)
                .withSampling(SamplingParams.defaults().withMaxTokens(newTokens)).withSeed(1);
        double sampling = 0, scoring = 0, training = 0;
        long completion = 0;
        List<Integer> promptLengths = new ArrayList<>();
        int warmed = 0;
        try (TrainingClient client = TrainingClient.create(config, 42); Grpo g = Grpo.of(client, chars, env, grpo)) {
            long start = System.nanoTime();
            while (warmed < warmup || System.nanoTime() - start < WARMUP_SECONDS * 1e9) {
                g.step();
                warmed++;
            }
            for (int i = 0; i < steps; i++) {
                Grpo.StepMetrics m = g.step();
                sampling += m.samplingSeconds();
                scoring += m.scoringSeconds();
                training += m.trainingSeconds();
                completion += g.lastRollouts().completionTokens();
                g.lastRollouts().samples().stream().filter(s -> s.group() >= 0).map(s -> s.prompt().length)
                        .distinct().forEach(promptLengths::add);
            }
        }
        double meanPrompt = promptLengths.stream().mapToInt(Integer::intValue).average().orElse(0);
        double total = sampling + scoring + training;
        System.out.println(String.format(Locale.ROOT, "{\"java\": \"%s\", \"threads\": %d, \"config\": "
                        + "\"GptConfig.tiny(%d): 2 layers, width 64, 4 heads, context 64\", \"vocab\": %d, "
                        + "\"parameters\": %d, \"prompts_per_step\": 16, \"samples_per_prompt\": 16, "
                        + "\"new_tokens\": %d, \"mean_prompt_tokens\": %.2f, \"steps\": %d, \"warmup_steps\": %d, "
                        + "\"warmup_seconds\": %.1f, "
                        + "\"step_seconds\": %.4f, \"sampling_seconds_per_step\": %.4f, "
                        + "\"scoring_seconds_per_step\": %.5f, \"training_seconds_per_step\": %.4f, "
                        + "\"share\": {\"sampling\": %.3f, \"scoring\": %.4f, \"training\": %.3f}, "
                        + "\"rollout_tokens_per_sec\": %.1f}",
                System.getProperty("java.version"), Torch.threads(), chars.vocabSize(), chars.vocabSize(),
                config.parameters(), newTokens, meanPrompt, steps, warmed, WARMUP_SECONDS, total / steps,
                sampling / steps, scoring / steps, training / steps, sampling / total, scoring / total,
                training / total, completion / sampling));
    }
}
