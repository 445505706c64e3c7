package dev.vigil.engine;

/** DRL that several tests share. */
public final class TestRules {
    /** {@code fraud.Transaction}: an event with {@code time}, {@code accountId} and {@code amount}. */
    public static final String TRANSACTION = """
            package fraud;
            declare Transaction
                @role(event)
                @timestamp(time)
                time : long
                accountId : String
                amount : double
            end
            """;

    /** {@code loop.Ping}, and rules that, once a ping comes, modify a counter without end: stopped by the firing limit. */
    public static final String RUNAWAY = """
            package loop;
            declare Ping
                @role(event)
                @timestamp(time)
                @expires(1m)
                time : long
            end
            declare Counter
                n : int
            end
            rule "count pings"
            when
                Ping()
            then
                insert(new Counter(0));
            end
            rule "spin"
            when
                $c : Counter(n >= 0)
            then
                modify($c) { setN($c.getN() + 1) }
            end
            """;

    /** {@code mon.Login} and {@code mon.Logout}, and the rule "no logout" within 5 minutes of a login. */
    public static final String NO_LOGOUT = """
            package mon;
            declare Login
                @role(event)
                @timestamp(time)
                time : long
                user : String
            end
            declare Logout
                @role(event)
                @timestamp(time)
                time : long
                user : String
            end
            rule "no logout"
            when
                $l : Login($u : user)
                not(Logout(user == $u, this after[0s,5m] $l))
            then
                alerts.raise($u, "no logout within 5 minutes");
            end
            """;

    /** {@code loop.Ping}: an event with {@code id}, {@code time} and a number {@code n}, kept a minute. */
    public static final String PING = """
            package loop;
            declare Ping
                @role(event)
                @timestamp(time)
                @expires(1m)
                id : String
                time : long
                n : int
            end
            """;

    /** For {@link #PING}: a consequence that never returns, for a ping with {@code n > 0}. */
    public static final String SPIN_FOREVER = """
            rule "spin forever"
            when
                $p : Ping(n > 0)
            then
                long i = $p.getN();
                while (i > 0) {
                    i = (i % 1000) + 1;
                }
            end
            """;

    private TestRules() {
    }

    /** The rule "burst": more than {@code threshold} transactions of one account in 60 s, severity high. */
    public static String burst(int threshold) {
        return """
                rule "burst"
                    @severity("high")
                when
                    $t : Transaction($acc : accountId) over window:time(60s)
                    Number(intValue > %d) from accumulate(Transaction(accountId == $acc) over window:time(60s), count(1))
                then
                    alerts.raise($acc, "more than %d transactions in 60 s");
                end
                """.formatted(threshold, threshold);
    }
}
