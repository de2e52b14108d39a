package org.assay.lib.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.assay.lib.model.GptConfig;
import org.assay.lib.model.Precision;
import org.assay.lib.runs.Runs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class PretrainTest {
    private static final GptConfig MODEL = GptConfig.tiny(11).withContextLength(8).withWidth(16, 2).withLayers(1);

    /** Random tokens, a pure function of the batch index; can raise an interrupt at one index. */
    static final class RandomBatches implements TokenBatches {
        long interruptAt = -1;

        @Override
        public int rows() {
            return 2;
        }

        @Override
        public TokenBatch train(long index) {
            if (index == interruptAt) {
                Thread.currentThread().interrupt();
            }
            return batch(index);
        }

        private static TokenBatch batch(long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            int[] seq = rng.ints(2 * 9, 0, 11).toArray();
            int[] in = new int[16];
            int[] out = new int[16];
            for (int r = 0; r < 2; r++) {
                System.arraycopy(seq, r * 9, in, r * 8, 8);
                System.arraycopy(seq, r * 9 + 1, out, r * 8, 8);
            }
            return TokenBatch.of(in, out, 2);
        }

        @Override
        public List<TokenBatch> validation(int maxBatches) {
            List<TokenBatch> v = new ArrayList<>();
            for (int i = 0; i < maxBatches; i++) {
                v.add(batch(-1 - i));
            }
            return v;
        }

        @Override
        public double bytesPerToken() {
            return 1;
        }
    }

    private static Pretrain.Config config() {
        return Pretrain.Config.of(6).withCheckpointEvery(3).withEvaluation(3, 2).withSeed(5)
                .withGradAccumulation(2);
    }

    @Test
    void theTwoFactoriesDifferOnlyInWhenTheyEvaluateAndCheckpoint() {
        Pretrain.Config of = Pretrain.Config.of(500);
        assertEquals(new Pretrain.Config(500, 1, AdamW.defaults(), LrSchedule.Kind.COSINE, 0.05, 0.1, 50, 4, 50,
                Pretrain.Config.KEEP_CHECKPOINTS, 0, Precision.FLOAT32), of);
        assertEquals(25, of.warmupSteps());
        // a spec's training: the same schedule at a peak rate, one evaluation of 8 batches and one checkpoint at the end
        assertEquals(new Pretrain.Config(500, 1, AdamW.defaults().withLearningRate(3e-3), LrSchedule.Kind.COSINE, 0.05,
                0.1, 0, 8, 0, Pretrain.Config.KEEP_CHECKPOINTS, 7, Precision.FLOAT32), RunSpec.training(500, 3e-3, 7));
    }

    @Test
    void writesARunDirectoryThatLoadsAsATable(@TempDir Path root) throws Exception {
        Pretrain.Result r = Pretrain.run(MODEL, config(), new RandomBatches(), root, "tiny");
        assertEquals(6, r.steps());
        assertEquals(6 * 2 * 16, r.tokens());
        assertFalse(r.interrupted());
        Path dir = root.resolve("tiny");
        for (String f : new String[] {"config.json", "env.json", "metrics.jsonl", "result.json",
                "checkpoints/step-00000003/weights.bin", "checkpoints/step-00000006/optimizer.bin"}) {
            assertTrue(Files.exists(dir.resolve(f)), f);
        }
        assertEquals(6, Files.readAllLines(dir.resolve("metrics.jsonl")).size());
        String env = Files.readString(dir.resolve("env.json"));
        assertTrue(env.contains("\"bf16\": \"" + org.assay.lib.engine.Bf16.nativeSupport() + "\""), env);
        Table runs = Runs.load(root);
        assertEquals(1, runs.rowCount());
        assertEquals(r.valLoss(), runs.doubleColumn("val_loss").get(0), 1e-12);
        assertEquals(MODEL.nonEmbeddingParameters(), runs.doubleColumn("non_embedding_parameters").get(0));
        assertEquals(6.0, runs.doubleColumn("step").get(0));
        Table metrics = Runs.metrics(dir);
        for (String k : new String[] {"step", "tokens", "flops", "loss", "lr", "grad_norm", "tokens_per_sec", "mfu",
                "elapsed", "val_loss", "val_bpb"}) {
            assertTrue(metrics.columnNames().contains(k), k);
        }
        assertTrue(Runs.open(dir).toMimeBundle().get("text/html").contains("<img"));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Pretrain.run(MODEL, config(), new RandomBatches(), root, "tiny"));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    }

    @Test
    void anInterruptLeavesACheckpointAndResumingContinuesIdentically(@TempDir Path root) throws Exception {
        Pretrain.run(MODEL, config(), new RandomBatches(), root, "straight");
        RandomBatches interrupting = new RandomBatches();
        interrupting.interruptAt = 2 * 3 + 1; // during step 4's second micro-batch
        Pretrain.Result stopped = Pretrain.run(MODEL, config(), interrupting, root, "resumed");
        assertTrue(Thread.interrupted(), "the interrupt is passed on to the caller");
        assertTrue(stopped.interrupted());
        assertEquals(4, stopped.steps());
        assertTrue(Files.exists(root.resolve("resumed/checkpoints/step-00000004/state.json")));
        Pretrain.Result done = Pretrain.resume(root.resolve("resumed"), MODEL, config(), new RandomBatches());
        assertEquals(6, done.steps());
        Table a = Runs.metrics(root.resolve("straight"));
        Table b = Runs.metrics(root.resolve("resumed"));
        assertEquals(a.rowCount(), b.rowCount());
        for (int i = 0; i < a.rowCount(); i++) {
            assertEquals(a.doubleColumn("loss").get(i), b.doubleColumn("loss").get(i), "step " + (i + 1));
            assertEquals(a.doubleColumn("tokens").get(i), b.doubleColumn("tokens").get(i));
        }
        assertEquals(a.doubleColumn("val_loss").get(5), b.doubleColumn("val_loss").get(5));
    }
}
