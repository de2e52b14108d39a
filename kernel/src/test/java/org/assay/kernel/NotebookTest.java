package org.assay.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NotebookTest {

    /** The rule the notebooks spelled out: "small".equals(ASSAY_BUDGET) || "true".equals(CI). An empty cell: unset. */
    @ParameterizedTest(name = "ASSAY_BUDGET={0}, CI={1} -> {2}")
    @CsvSource({
            "small, , small",
            ", true, small",
            "full, true, small",
            "small, false, small",
            "full, , full",
            ", , full",
            "'', '', full",
            "SMALL, , full",
            "' small', , full",
            "tiny, , full",
            ", TRUE, full",
            ", 1, full",
            ", false, full",
    })
    void budgetIsSmallForTheTestsAndCiElseFull(String assayBudget, String ci, String expected) {
        Map<String, String> env = new HashMap<>(Map.of("PATH", "/usr/bin"));
        if (assayBudget != null) {
            env.put("ASSAY_BUDGET", assayBudget);
        }
        if (ci != null) {
            env.put("CI", ci);
        }
        assertEquals(expected, Notebook.budgetOf(env));
    }

    @Test
    void cellsCallBudgetFromTheStartupScript() {
        try (Session s = new Session(new RecordingOutput(), new SessionOptions(true, List.of()))) {
            ExecutionResult r = Cells.ok(s, "budget()");
            assertEquals(Notebook.budgetOf(System.getenv()), r.value());
            assertEquals("full".equals(r.value()) ? 2000 : 400, Cells.ok(s, "int steps = budget().equals(\"small\")"
                    + " ? 400 : 2000;\nsteps").value());
        }
    }
}
