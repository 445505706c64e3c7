package dev.vigil.engine.api;

/** A rule test file that cannot be read as test cases: names the file, the line when known, and the problem. */
public final class RuleTestFormatException extends RuntimeException {
    public RuleTestFormatException(String file, int line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
    }
}
