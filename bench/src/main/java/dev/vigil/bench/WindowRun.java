package dev.vigil.bench;

import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompileException;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import com.espertech.esper.runtime.client.EPDeployException;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.Engine;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.RuleSetSource;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One configuration of the long-window benchmark in a JVM of its own: the generated payments
 * through one way of running the rule (Vigil before profiles, Vigil after, or Esper) for one
 * window, in event-time order on a pseudo clock.
 *
 * <p>It prints a line {@code heap <day> <MB>} with the heap in use after a full collection each
 * time the input reaches day 7, 14, 21 and 28 and when it ends, and last
 * {@code done <events> <seconds> <alerts> <payments> <at arrival> <day>}: the events taken, the
 * seconds spent on them without the collections it asked for (rule compilation not included), the
 * alerts, the distinct payments alerted on, those alerted on at their own time, and the day the
 * input reached. It writes the ids of the payments alerted on to a file, one a line, sorted.
 *
 * <p>Arguments: way (before, after, esper), window (1h, 1d, 30d), seed, the most seconds to feed
 * events for (the input ends there, at whatever day it reached), and the file for the ids.
 */
public final class WindowRun {
    private static final int SAMPLE_EVERY_DAYS = 7;

    private final Set<String> alerted = new TreeSet<>();
    private long alerts;
    private long atArrival;

    private WindowRun() {
    }

    public static void main(String[] args) throws Exception {
        var way = args[0];
        var window = LongWindow.of(args[1]);
        var input = new JsonPayments(new Payments(Long.parseLong(args[2]), Payments.DAYS), Long.parseLong(args[3]) * 1_000_000_000L);
        var run = new WindowRun();
        double seconds = switch (way) {
            case "before" -> run.vigil(window.before(), input);
            case "after" -> run.vigil(window.after(), input);
            case "esper" -> run.esper(window.epl(), input);
            default -> throw new IllegalArgumentException("a way is before, after or esper, not " + way);
        };
        Files.write(Path.of(args[4]), run.alerted);
        System.out.printf("done %d %.3f %d %d %d %d%n", input.taken, seconds, run.alerts, run.alerted.size(), run.atArrival, input.day);
        System.exit(0);
    }

    /** Vigil's replay of {@code drl}, as {@code vigil replay} runs it: the seconds spent. */
    private double vigil(String drl, JsonPayments input) {
        var engine = Engine.create(EngineConfig.defaults());
        try (var replay = engine.prepareReplay(RuleSetSource.of("bench", Map.of("bench.drl", drl)))) {
            long started = System.nanoTime();
            replay.run(input, null, this::take);
            return (System.nanoTime() - started - input.pauses) / 1e9;
        }
    }

    private void take(Alert alert) {
        var payment = (String) alert.attributes().get("payment");
        long time = ((Number) alert.attributes().get("time")).longValue();
        note(payment, alert.eventTime().toEpochMilli() == time);
    }

    private void note(String payment, boolean onArrival) {
        alerts++;
        alerted.add(payment);
        if (onArrival) {
            atArrival++;
        }
    }

    /** Esper 9.0.0 over {@code epl}, its clock external and moved to each payment's time before it is sent. */
    private double esper(String epl, JsonPayments input) throws EPCompileException, EPDeployException {
        var config = new Configuration();
        config.getRuntime().getThreading().setInternalTimerEnabled(false);
        config.getRuntime().getExecution().setPrioritized(true);
        var payment = new LinkedHashMap<String, Object>();
        payment.put("id", String.class);
        payment.put("time", long.class);
        payment.put("cardId", String.class);
        payment.put("amount", double.class);
        config.getCommon().addEventType("Payment", payment);
        var compiled = EPCompilerProvider.getCompiler().compile(epl, new CompilerArguments(config));
        var runtime = EPRuntimeProvider.getRuntime("windows", config);
        var events = runtime.getEventService();
        events.clockExternal();
        events.advanceTime(0);
        var deployment = runtime.getDeploymentService().deploy(compiled);
        runtime.getDeploymentService().getStatement(deployment.getDeploymentId(), "alerts").addListener((in, out, statement, rt) -> {
            for (var row : in) {
                note((String) row.get("id"), true);
            }
        });
        long started = System.nanoTime();
        while (input.hasNext()) {
            JsonNode event = input.next();
            long t = event.get("time").asLong();
            if (t > events.getCurrentTime()) {
                events.advanceTime(t);
            }
            var map = new HashMap<String, Object>(8);
            map.put("id", event.get("id").asText());
            map.put("time", t);
            map.put("cardId", event.get("cardId").asText());
            map.put("amount", event.get("amount").asDouble());
            events.sendEventMap(map, "Payment");
        }
        double seconds = (System.nanoTime() - started - input.pauses) / 1e9;
        runtime.destroy();
        return seconds;
    }

    /**
     * The payments as Vigil's JSON events, sampling the heap after a full collection as the input
     * passes each week and when it ends, and ending early once {@code capNanos} have passed since the
     * first event. The time the samples take is counted in {@link #pauses}.
     */
    private static final class JsonPayments implements Iterator<JsonNode> {
        private final ObjectMapper json = new ObjectMapper();
        private final Payments payments;
        private final long capNanos;
        private long started;
        private boolean ended;
        private int nextSample = SAMPLE_EVERY_DAYS;
        volatile long pauses;
        volatile long taken;
        volatile int day;

        JsonPayments(Payments payments, long capNanos) {
            this.payments = payments;
            this.capNanos = capNanos;
        }

        @Override
        public boolean hasNext() {
            if (ended) {
                return false;
            }
            if (payments.hasNext() && (taken == 0 || System.nanoTime() - started < capNanos)) {
                return true;
            }
            ended = true;
            sample(day);
            return false;
        }

        @Override
        public JsonNode next() {
            var p = payments.next();
            if (taken == 0) {
                started = System.nanoTime();
            }
            day = (int) ((p.time() - Payments.START) / Payments.DAY) + 1;
            if (day > nextSample) {
                sample(nextSample);
                nextSample += SAMPLE_EVERY_DAYS;
            }
            taken++;
            return json.createObjectNode()
                    .put("type", "Transaction")
                    .put("id", p.id())
                    .put("time", p.time())
                    .put("cardId", p.cardId())
                    .put("amount", p.amount());
        }

        private void sample(int atDay) {
            long before = System.nanoTime();
            System.gc();
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            pauses += System.nanoTime() - before;
            System.out.printf("heap %d %d%n", atDay, used >> 20);
            System.out.flush();
        }
    }
}
