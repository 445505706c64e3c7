package dev.vigil.server;

/** DRL the server tests share. */
public final class TestDrl {
    /** Package {@code fraud}: a {@code Transaction} event with id, time, account and amount. */
    public static final String TRANSACTION = """
            package fraud;
            declare Transaction
                @role(event)
                @timestamp(time)
                id : String
                time : long
                accountId : String
                amount : double
            end
            """;
    /** {@link #TRANSACTION} and the rule "large": an alert for each transaction over 1000, about its account. */
    public static final String LARGE = TRANSACTION + """
            rule "large"
            when
                Transaction(amount > 1000, $acc : accountId)
            then
                alerts.raise($acc, "large transaction");
            end
            """;
    /** {@link #TRANSACTION} and the rule "burst": three transactions of an account within a minute, one alert per 10 minutes. */
    public static final String BURST = TRANSACTION + """
            rule "burst"
                @suppress("10m")
            when
                $t : Transaction($acc : accountId) over window:time(1m)
                Number(intValue >= 3) from accumulate(Transaction(accountId == $acc) over window:time(1m), count(1))
            then
                alerts.raise($acc, "3 transactions in a minute");
            end
            """;

    private TestDrl() {
    }
}
