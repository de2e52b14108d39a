// bench/reasoning/learnability.jsh: can a small model learn a reasoning trace, and in how many steps? The measurement
// notebook 07 (issue 17) is designed from. Trains a character-level GPT on a ReasoningSuites task (prompt, trace,
// answer in ThinkingFormat; or the answer alone with ANSWER_ONLY=1), then evaluates greedy decoding on 40 held-out
// items at three difficulties: accuracy, and the fraction whose trace is a whole right solution. Prints one RESULT line.
// Run (after ./assay build), settings in the environment:
//   TASK=parity|addition|sort|chained MAXK=6 STEPS=10000 LR=3e-3 D=64 L=2 POS=LEARNED|ROPE [ANSWER_ONLY=1] \
//   [ROWS=SFT BATCH=32: one example per row, the prompt masked, instead of packed text] [EVERY=500: evaluate along] \
//   jshell -R-Djava.awt.headless=true --class-path "kernel/target/assay-kernel.jar:kernel/target/lib/*" \
//          bench/reasoning/learnability.jsh
import org.assay.lib.data.*;
import org.assay.lib.model.*;
import org.assay.lib.train.*;
import org.assay.lib.sample.*;
import org.assay.evals.*;
import org.assay.evals.tasks.*;
var env = System.getenv();
int steps = Integer.parseInt(env.getOrDefault("STEPS", "2000"));
double lr = Double.parseDouble(env.getOrDefault("LR", "1e-2"));
int d = Integer.parseInt(env.getOrDefault("D", "64")), layers = Integer.parseInt(env.getOrDefault("L", "2"));
String task = env.getOrDefault("TASK", "parity");
int maxK = Integer.parseInt(env.getOrDefault("MAXK", "8"));
var pos = GptConfig.Positions.valueOf(env.getOrDefault("POS", "LEARNED"));
var think = ThinkingFormat.defaults();
java.util.function.BiFunction<Integer, Long, List<ReasoningTask>> gen = (k, seed) -> switch (task) {
    case "parity" -> ReasoningSuites.runningParity(400, k, seed);
    case "addition" -> ReasoningSuites.addition(400, k, seed);
    case "sort" -> ReasoningSuites.selectionSort(400, Math.max(2, k), seed);
    default -> ReasoningSuites.chained(400, k, seed);
};
List<ReasoningTask> train = new ArrayList<>();
for (int k = 1; k <= maxK; k++) train.addAll(gen.apply(k, 100L + k));
Random order = new Random(11);
StringBuilder corpus = new StringBuilder();
java.util.function.Function<ReasoningTask, String> target = t -> (env.containsKey("ANSWER_ONLY") ? think.answerOnly(t.task()) : think.completion(t)) + "\n\n";
while (corpus.length() < 2_000_000) { var t = train.get(order.nextInt(train.size())); corpus.append(think.prompt(t.task())).append(target.apply(t)); }
var chars = CharTokenizer.fit(corpus.toString());
var data = TokenDataset.of(chars.encode(corpus.toString()), 16, 128, 0.05, 0, 1.0);
boolean rows = env.getOrDefault("ROWS", "PACKED").equals("SFT");
int rowBatch = Integer.parseInt(env.getOrDefault("BATCH", "32"));
java.util.function.IntFunction<TokenBatch> sftBatch = step -> {
    Random r = new Random(1000L + step);
    List<String> ps = new ArrayList<>(), cs = new ArrayList<>();
    for (int i = 0; i < rowBatch; i++) { var t = train.get(r.nextInt(train.size())); ps.add(think.prompt(t.task())); cs.add(target.apply(t)); }
    return org.assay.lib.rl.Preference.batch(chars, ps, cs);
};
var config = GptConfig.tiny(chars.vocabSize()).withContextLength(256).withWidth(d, 4).withLayers(layers).withPositions(pos);
var client = TrainingClient.create(config, 42);
var schedule = LrSchedule.warmupCosine(lr, steps / 20, steps, lr / 10);
int every = Integer.parseInt(env.getOrDefault("EVERY", "0"));
int[] evalKs = java.util.stream.IntStream.of(1, 2, 4, maxK, maxK + 1).filter(k -> k <= maxK + 1).distinct().toArray();
java.util.function.Supplier<String> evaluate = () -> {
    StringBuilder res = new StringBuilder();
    for (int k : evalKs) {
        var held = gen.apply(k, 900L + k).subList(0, 40);
        var sampler = ModelSampler.of(client, chars, SamplingParams.greedy(Math.min(200, 250 - 60))).withStop("\n\n");
        var r = Eval.of(ReasoningSuites.tasks(held)).withFormat(think).withSamples(1).withProgress(false).withSeed(1).run(sampler);
        int rightTraces = 0;
        for (int i = 0; i < held.size(); i++) if (think.verdict(held.get(i), r.completions(i).get(0).text()).rightTrace()) rightTraces++;
        res.append(String.format(" k=%d acc %.2f traces %.2f;", k, r.accuracy().estimate(), rightTraces / 40.0));
    }
    return res.toString();
};
long t0 = System.nanoTime();
double last = 0;
for (int step = 0; step < steps; step++) {
    var fb = client.forwardBackward(rows ? sftBatch.apply(step) : data.train(step));
    client.optimStep(AdamW.defaults().withLearningRate(schedule.at(step)));
    last = 0.98 * last + 0.02 * fb.loss();
    if (every > 0 && (step + 1) % every == 0 && step + 1 < steps) System.out.printf("step %d loss %.3f (%.0fs)%s%n", step + 1, last, (System.nanoTime() - t0) / 1e9, evaluate.get());
}
double secs = (System.nanoTime() - t0) / 1e9;
System.out.printf("RESULT " + (env.containsKey("ANSWER_ONLY") ? "answer-only " : "") + (rows ? "rows=" + rowBatch + " " : "") + "%s d=%d L=%d %s lr=%g steps=%d: loss %.3f (%.0fs)%s%n", task, d, layers, pos, lr, steps, last, secs, evaluate.get());
/exit
