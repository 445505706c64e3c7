package dev.vigil.samples;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.samples.fraud.FraudCommand;
import dev.vigil.samples.monitoring.MonitoringCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.time.DateTimeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The samples' command line: {@code samples/run fraud generate ...}, {@code samples/run feed ...}. */
@Command(name = "samples/run", mixinStandardHelpOptions = true,
        description = "Generate sample events with their ground truth, feed them to a server, replay and score them.",
        subcommands = {FraudCommand.class, MonitoringCommand.class, FeedCommand.class})
public final class Samples implements Runnable {
    /** The exit code of bad input, as picocli's for a bad option. */
    static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        var line = commandLine();
        int exit = line.execute(args);
        line.getOut().flush();
        line.getErr().flush();
        System.exit(exit);
    }

    /** The command line, answering bad input with one line naming it and exit code 2. */
    public static CommandLine commandLine() {
        return new CommandLine(new Samples()).setExecutionExceptionHandler((e, line, parsed) -> {
            var problem = badInput(e);
            if (problem == null) {
                throw e;
            }
            line.getErr().println(line.getCommandSpec().qualifiedName() + ": " + problem);
            return BAD_INPUT;
        });
    }

    /**
     * What is wrong with the input that {@code e} was thrown for, in one line, or null when {@code e}
     * is a fault of the samples (which keeps its stack trace).
     */
    static String badInput(Throwable e) {
        if (e instanceof UncheckedIOException u) {
            return u.getMessage() != null && !u.getMessage().equals(String.valueOf(u.getCause())) ? u.getMessage() : badInput(u.getCause());
        }
        if (e instanceof NoSuchFileException f) {
            return "no such file: " + f.getFile();
        }
        if (e instanceof AccessDeniedException f) {
            return "not allowed to read or write " + f.getFile();
        }
        if (e instanceof JsonProcessingException j) {
            var at = j.getLocation() == null ? "" : " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")";
            return "not JSON" + at + ": " + j.getOriginalMessage();
        }
        if (e instanceof IOException || e instanceof IllegalArgumentException || e instanceof DateTimeException) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        }
        return null;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
