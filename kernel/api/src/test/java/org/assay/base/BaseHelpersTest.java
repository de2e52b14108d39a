package org.assay.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

class BaseHelpersTest {
    // numpy.quantile([1, 2, 4, 8, 16], q) with the default method
    @ParameterizedTest
    @CsvSource({"0, 1", "0.25, 2", "0.5, 4", "0.6, 5.6", "0.975, 15.2", "1, 16"})
    void quantileInterpolatesLikeNumpy(double q, double expected) {
        assertEquals(expected, Quantiles.ofSorted(new double[] {1, 2, 4, 8, 16}, q), 1e-12);
    }

    @Test
    void quantileRejectsBadInput() {
        assertEquals("Quantiles.ofSorted: q must be in [0, 1], got 1.5",
                assertThrows(IllegalArgumentException.class, () -> Quantiles.ofSorted(new double[] {1}, 1.5))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> Quantiles.ofSorted(new double[0], 0.5));
    }

    @ParameterizedTest
    @CsvSource({"gradNorm, grad_norm", "valBpb, val_bpb", "loss, loss", "fracRewardZeroStd, frac_reward_zero_std"})
    void snakeCaseOfComponentNames(String camel, String snake) {
        assertEquals(snake, Names.snake(camel));
    }

    @Test
    void escapesTheFiveCharacters() {
        assertEquals("a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39; é", HtmlText.escape("a <b> & \"c\" 'd' é"));
    }

    @Test
    void requireNamesOwnerConstraintAndValue() {
        Checks.require(true, "X", "never", 1);
        assertEquals("GptConfig: heads must divide dModel, got dModel=384, heads=5",
                assertThrows(IllegalArgumentException.class, () -> Checks.require(false, "GptConfig",
                        "heads must divide dModel", "dModel=384, heads=5")).getMessage());
        assertEquals("AdamW: lr must be > 0, got -0.1", assertThrows(IllegalArgumentException.class,
                () -> Checks.require(false, "AdamW", "lr must be > 0", -0.1)).getMessage());
    }

    @Test
    void deletesATree(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("r");
        Files.createDirectories(root.resolve("a/b"));
        Files.writeString(root.resolve("a/b/f"), "x");
        Files.writeString(root.resolve("g"), "y");
        FileTrees.delete(root);
        assertFalse(Files.exists(root));
        FileTrees.delete(root); // absent: nothing happens
    }

    @Test
    void jvmFlagsAskOnlyForWhatEachJavaKnowsAndWarnsAbout() {
        assertEquals(java.util.List.of(), JvmFlags.quiet(17));
        assertEquals(java.util.List.of(), JvmFlags.quiet(21));
        assertEquals(java.util.List.of("--enable-native-access=ALL-UNNAMED"), JvmFlags.quiet(22));
        assertEquals(java.util.List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"),
                JvmFlags.quiet(25));
    }
}
