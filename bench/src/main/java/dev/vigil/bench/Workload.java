package dev.vigil.bench;

/**
 * The benchmarks' workload: transactions, and the rule "more than 5 transactions per account in
 * 60 s" (W1), written so that Vigil and raw Drools run the same DRL.
 */
final class Workload {
    static final String DECLARATION = """
            package bench;
            declare Transaction
                @role(event)
                @timestamp(time)
                id : String
                time : long
                accountId : String
                amount : double
            end
            """;

    /** W1 with Vigil's alert as its consequence. */
    static final String W1 = DECLARATION + rule("", "alerts.raise($acc, \"more than 5 transactions in 60 s\");");

    private Workload() {
    }

    /** W1 with {@code annotations} (such as {@code @suppress("10m")}) and {@code consequence}. */
    static String rule(String annotations, String consequence) {
        return """
                rule "more than 5 transactions per account in 60 s"
                %s
                when
                    $t : Transaction($acc : accountId) over window:time(60s)
                    Number(intValue > 5) from accumulate(Transaction(accountId == $acc) over window:time(60s), count(1))
                then
                    %s
                end
                """.formatted(annotations, consequence);
    }
}
