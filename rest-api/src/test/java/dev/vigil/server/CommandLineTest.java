package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandLineTest {
    private static final String GOOD = """
            package fraud;
            declare Transaction
                @role(event)
                @timestamp(time)
                id : String
                time : long
                accountId : String
                amount : double
            end
            rule "large"
            when
                $t : Transaction(amount > 1000)
            then
                alerts.raise($t.getAccountId(), "large");
            end
            """;

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run vigil(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var line = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int exit = line.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void validate_aGoodRuleSet_exits0_andSaysWhatItHolds() throws Exception {
        Files.createDirectories(dir.resolve("fraud"));
        Files.writeString(dir.resolve("fraud/fraud.drl"), GOOD);

        var run = vigil("validate", dir.resolve("fraud").toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("fraud: ok, 1 rule(s), event types [Transaction]");
    }

    @Test
    void validate_aFolderOfRuleSets_withOneBroken_printsFileLineColumn_andExits1() throws Exception {
        Files.createDirectories(dir.resolve("fraud"));
        Files.writeString(dir.resolve("fraud/fraud.drl"), GOOD);
        Files.createDirectories(dir.resolve("ops/sub"));
        Files.writeString(dir.resolve("ops/sub/broken.drl"), GOOD.replace("package fraud;", "package ops;")
                .replace("Transaction(amount > 1000)", "Transaction(amont > 1000)"));

        var run = vigil("validate", dir.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("fraud: ok")
                .containsPattern("\\Q" + dir.resolve("ops/sub/broken.drl") + "\\E:12:\\d+: .*amont.*\\]\\n")
                .contains("ops: 1 error(s)");
    }

    @Test
    void validate_aFolderWithoutRules_isAnError() {
        var run = vigil("validate", dir.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("holds no rule files");
    }

    @Test
    void validate_withoutAFolder_isAUsageError() {
        var run = vigil("validate");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("DIR");
    }
}
