package dev.vigil.samples.fraud;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code samples/run fraud ...}: the fraud sample's generator and scorer. */
@Command(name = "fraud", mixinStandardHelpOptions = true, description = "The fraud sample: generate, score.")
public final class FraudCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
