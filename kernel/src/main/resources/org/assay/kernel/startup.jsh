// Assay kernel start-up: what every notebook can use without imports.
// Extend it with ~/.assay/startup.jsh or files named in ASSAY_STARTUP; a missing package is skipped.
import java.util.*;
import java.util.function.*;
import java.util.stream.*;
import java.io.*;
import java.nio.file.*;
import java.time.*;
import org.assay.display.*;
import org.assay.kernel.LiveChart;
import static org.assay.kernel.Notebook.*;
import org.assay.lib.*;
import org.assay.scaling.*;
import org.assay.scaling.viz.*;
import org.assay.evals.*;
import org.knowm.xchart.*;
import org.knowm.xchart.style.*;
import tech.tablesaw.api.*;
