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

    private TestDrl() {
    }
}
