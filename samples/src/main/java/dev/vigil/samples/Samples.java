package dev.vigil.samples;

import dev.vigil.samples.fraud.FraudCommand;
import dev.vigil.samples.monitoring.MonitoringCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The samples' command line: {@code samples/run fraud generate ...}, {@code samples/run feed ...}. */
@Command(name = "samples/run", mixinStandardHelpOptions = true,
        description = "Generate sample events with their ground truth, feed them to a server, replay and score them.",
        subcommands = {FraudCommand.class, MonitoringCommand.class, FeedCommand.class})
public final class Samples implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        var line = new CommandLine(new Samples());
        int exit = line.execute(args);
        line.getOut().flush();
        line.getErr().flush();
        System.exit(exit);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
