package dev.vigil.samples.monitoring;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code samples/run monitoring ...}: the monitoring sample's generator, NAB converter and scorer. */
@Command(name = "monitoring", mixinStandardHelpOptions = true, description = "The monitoring sample: generate, convert NAB data, score.")
public final class MonitoringCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
