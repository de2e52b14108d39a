package org.assay.scaling.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** {@code ./assay fit ...} or {@code ./assay allocate ...} in this JVM: its exit status and what it printed. */
record CommandRun(int status, String out, String err) {
    interface Command {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    static CommandRun fit(String... args) {
        return of(FitCommand::run, args);
    }

    static CommandRun allocate(String... args) {
        return of(AllocateCommand::run, args);
    }

    private static CommandRun of(Command command, String[] args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = command.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CommandRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
