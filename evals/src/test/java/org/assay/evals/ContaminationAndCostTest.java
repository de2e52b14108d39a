package org.assay.evals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.assay.evals.tasks.Task;
import org.assay.evals.tasks.TaskSuites;
import org.junit.jupiter.api.Test;

class ContaminationAndCostTest {

    @Test
    void plantedOverlapsAreFoundAndDisjointDataIsClean() {
        List<Task> items = TaskSuites.wordProblems(50, 4, 3);
        List<String> prompts = items.stream().map(Task::prompt).toList();
        String planted = prompts.get(7) + " " + prompts.get(31).toUpperCase(); // case and punctuation do not hide it
        Contamination c = Contamination.ofTraining(List.of("Some unrelated training text about cats and dogs.", planted));
        List<Contamination.Hit> hits = c.check(prompts);
        assertTrue(hits.stream().anyMatch(h -> h.item() == 7) && hits.stream().anyMatch(h -> h.item() == 31), hits.toString());
        for (Contamination.Hit h : hits) {
            assertTrue(h.sharedNgrams().get(0).split(" ").length == 13);
        }
        Contamination clean = Contamination.ofTraining(List.of(String.join(" ",
                TaskSuites.copying(100, 30, false, 9).stream().map(Task::answer).toList())));
        assertEquals(List.of(), clean.check(prompts));
        assertEquals(List.of(), Contamination.ofTraining(List.of("a b c")).check(List.of("a b c")),
                "items shorter than 13 words cannot match");
    }

    @Test
    void tokenCostHandCase() {
        TokenCost cost = new TokenCost(1e6, 2, 64);
        assertEquals(2e6 + 2 * 2 * 100 * 64, cost.flopsPerToken(100), 1e-6);
        // 3 tokens: 2N*3 + L*d*3*2
        assertEquals(6e6 + 2 * 64 * 6, cost.flops(1, 2), 1e-6);
        double one = cost.flops(50, 10);
        double hundred = cost.flops(50, 1000);
        assertTrue(hundred > 17 * one, "a longer answer costs proportionally more");
        assertThrows(IllegalArgumentException.class, () -> new TokenCost(0, 1, 1));
    }
}
