package dev.vigil.engine.api;

import java.util.List;

/**
 * The outcome of a rule set's test cases.
 *
 * @param cases each case's outcome, in the order run
 */
public record RuleTestReport(List<CaseResult> cases) {
    public RuleTestReport {
        cases = List.copyOf(cases);
    }

    /** Whether every case passed (and there was at least one). */
    public boolean passed() {
        return !cases.isEmpty() && cases.stream().allMatch(CaseResult::passed);
    }

    public long failed() {
        return cases.stream().filter(c -> !c.passed()).count();
    }

    /**
     * One case's outcome.
     *
     * @param file     the file of the case
     * @param name     its name
     * @param passed   whether it passed
     * @param failures why not, one sentence each
     * @param fired    the alerts that fired
     */
    public record CaseResult(String file, String name, boolean passed, List<String> failures, List<Alert> fired) {
        public CaseResult {
            failures = List.copyOf(failures);
            fired = List.copyOf(fired);
        }
    }
}
