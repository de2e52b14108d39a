// Assay kernel start-up: what every notebook can use without imports.
// Each import costs a compile at start-up, so only packages that have classes are listed; a module adds its
// packages here when it has some. Extend with ~/.assay/startup.jsh or files named in ASSAY_STARTUP
// (a snippet that does not compile there is skipped with a warning in the kernel log).
import java.util.*;
import java.util.function.*;
import java.util.stream.*;
import java.io.*;
import java.nio.file.*;
import java.time.*;
import org.assay.display.*;
import org.assay.lib.viz.LiveChart;
import org.assay.lib.engine.Torch;
import org.assay.lib.data.*;
import org.assay.lib.model.*;
import org.assay.lib.sample.*;
import org.assay.lib.train.*;
import org.assay.lib.runs.*;
import org.assay.lib.sweep.*;
import org.assay.lib.rl.*;
import static org.assay.kernel.Notebook.*;
import org.assay.kernel.Out;
import org.assay.scaling.*;
import org.assay.scaling.viz.*;
import org.assay.evals.*;
import org.assay.evals.tasks.*;
import org.knowm.xchart.*;
import org.knowm.xchart.style.*;
import tech.tablesaw.api.*;

// The notebook budget: "small" when ASSAY_BUDGET=small or CI=true (tests, CI), else "full" (Notebook.budgetOf).
String budget() { return org.assay.kernel.Notebook.budgetOf(System.getenv()); }
