package dev.vigil.dsl;

import java.util.LinkedHashMap;
import java.util.List;

/** The event types the language's tests compile against, as the engine would hand them over. */
final class TestTypes {
    static final List<EventTypeInfo> ALL = List.of(
            type("Transaction", "id", "String", "time", "long", "cardId", "String", "terminalId", "String", "amount", "double",
                    "country", "String", "status", "String"),
            type("OrderPlaced", "id", "String", "time", "long", "orderId", "String", "amount", "java.math.BigDecimal"),
            type("Payment", "id", "String", "time", "long", "orderId", "String", "amount", "java.math.BigDecimal"),
            type("Heartbeat", "id", "String", "time", "long", "host", "String"),
            type("Reading", "id", "String", "time", "long", "host", "String", "metric", "String", "value", "double"));

    private TestTypes() {
    }

    private static EventTypeInfo type(String name, String... fieldsAndTypes) {
        var fields = new LinkedHashMap<String, String>();
        for (int i = 0; i < fieldsAndTypes.length; i += 2) {
            fields.put(fieldsAndTypes[i], fieldsAndTypes[i + 1]);
        }
        return new EventTypeInfo(name, "shop", "time", fields);
    }

    static Generated compile(String yaml) {
        return RuleDsl.compile("r.rule.yaml", yaml, ALL);
    }
}
