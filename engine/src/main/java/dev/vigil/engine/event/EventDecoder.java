package dev.vigil.engine.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.EventError;
import dev.vigil.engine.api.EventTimeBounds;
import dev.vigil.engine.api.EventType;
import dev.vigil.engine.api.InvalidEventsException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.kie.api.KieBase;
import org.kie.api.definition.type.FactField;
import org.kie.api.definition.type.FactType;

/**
 * Turns JSON events into instances of a rule set's declared event types.
 *
 * <p>An event is {@code {"type": "Transaction", "id": "t1", "time": "2026-11-20T10:00:00Z", ...fields}}.
 * {@code time} is ISO-8601 or epoch milliseconds and fills the {@code @timestamp} field; without it
 * the event happened when it arrived. A time outside the decoder's {@link EventTimeBounds} is
 * refused. Without {@code id} the event gets one derived from its content, so replaying the same
 * input yields the same ids. Every problem of every event is collected before anything is refused.
 * Immutable and thread-safe: HTTP threads share one.
 */
public final class EventDecoder {
    private final Map<String, TypeCodec> types;
    private final Map<String, List<String>> ambiguous;
    private final List<EventType> eventTypes;
    private final boolean allowUnknownFields;
    private final InstantSource arrivalClock;
    private final EventTimeBounds timeBounds;

    private EventDecoder(Map<String, TypeCodec> types, Map<String, List<String>> ambiguous, List<EventType> eventTypes,
                         boolean allowUnknownFields, InstantSource arrivalClock, EventTimeBounds timeBounds) {
        this.types = types;
        this.ambiguous = ambiguous;
        this.eventTypes = eventTypes;
        this.allowUnknownFields = allowUnknownFields;
        this.arrivalClock = arrivalClock;
        this.timeBounds = timeBounds;
    }

    /**
     * A decoder for the event types of {@code kieBase}, whose classes the decoded facts will be,
     * taking the event times of history ({@link EventTimeBounds#HISTORY}).
     */
    public static EventDecoder forKieBase(KieBase kieBase, boolean allowUnknownFields, InstantSource arrivalClock) {
        var eventTypes = DeclaredTypes.eventTypes(kieBase);
        var bySimpleName = new HashMap<String, Integer>();
        eventTypes.forEach(t -> bySimpleName.merge(t.name(), 1, Integer::sum));
        var codecs = new HashMap<String, TypeCodec>();
        var ambiguous = new HashMap<String, List<String>>();
        for (var type : eventTypes) {
            var factType = kieBase.getFactType(type.packageName(), type.name());
            boolean unique = bySimpleName.get(type.name()) == 1;
            var codec = new TypeCodec(type, factType, unique ? type.name() : type.qualifiedName());
            codecs.put(type.qualifiedName(), codec);
            if (unique) {
                codecs.put(type.name(), codec);
            } else {
                ambiguous.computeIfAbsent(type.name(), n -> new ArrayList<>()).add(type.qualifiedName());
            }
        }
        return new EventDecoder(Map.copyOf(codecs), Map.copyOf(ambiguous), List.copyOf(eventTypes), allowUnknownFields, arrivalClock,
                EventTimeBounds.HISTORY);
    }

    /** This decoder taking only the event times {@code bounds} admit, measured against its arrival clock. */
    public EventDecoder withTimeBounds(EventTimeBounds bounds) {
        return new EventDecoder(types, ambiguous, eventTypes, allowUnknownFields, arrivalClock, bounds);
    }

    /** The event types this decoder accepts. */
    public List<EventType> eventTypes() {
        return eventTypes;
    }

    /** Whether {@code typeName} (simple or qualified) is one of the event types. */
    public boolean accepts(String typeName) {
        return types.containsKey(typeName);
    }

    /** Decodes every event, or throws with every problem of every event; indexes count from 0. */
    public List<Event> decodeAll(List<? extends JsonNode> events) {
        var out = new ArrayList<Event>(events.size());
        var errors = new ArrayList<EventError>();
        for (int i = 0; i < events.size(); i++) {
            var event = decode(events.get(i), i, errors);
            if (event != null) {
                out.add(event);
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidEventsException(errors);
        }
        return out;
    }

    /** Decodes one event, the {@code index}-th of its submission. */
    public Event decode(JsonNode json, int index) {
        var errors = new ArrayList<EventError>();
        var event = decode(json, index, errors);
        if (!errors.isEmpty()) {
            throw new InvalidEventsException(errors);
        }
        return event;
    }

    private Event decode(JsonNode json, int index, List<EventError> errors) {
        if (json == null || !json.isObject()) {
            errors.add(new EventError(index, null, null, "an event must be a JSON object"));
            return null;
        }
        var idNode = json.get("id");
        String id = null;
        int before = errors.size();
        if (idNode != null && !idNode.isNull()) {
            if (idNode.isTextual() || idNode.isIntegralNumber()) {
                id = idNode.asText();
            } else {
                errors.add(new EventError(index, null, "id", "must be a string"));
            }
        }
        var typeNode = json.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            errors.add(new EventError(index, id, "type", "is required and must be the name of an event type, one of "
                    + typeNames()));
            return null;
        }
        var codec = types.get(typeNode.asText());
        if (codec == null && ambiguous.containsKey(typeNode.asText())) {
            errors.add(new EventError(index, id, "type", "'" + typeNode.asText() + "' is declared in several packages: use one of "
                    + ambiguous.get(typeNode.asText())));
            return null;
        }
        if (codec == null) {
            errors.add(new EventError(index, id, "type", "'" + typeNode.asText() + "' is not an event type of this rule set; known: "
                    + typeNames()));
            return null;
        }
        long time = eventTime(json, codec, index, id, errors);
        Object fact;
        try {
            fact = codec.factType.newInstance();
        } catch (InstantiationException | IllegalAccessException e) {
            throw new IllegalStateException("cannot create an instance of " + codec.type.qualifiedName(), e);
        }
        var names = json.fieldNames();
        while (names.hasNext()) {
            var name = names.next();
            if (name.equals("type") || name.equals("id") || name.equals(codec.timestampField)
                    || (name.equals("time") && (codec.timestampField != null || !codec.fields.containsKey("time")))) {
                // Envelope properties: the type, the id, and the time that fills the @timestamp field.
                continue;
            }
            var field = codec.fields.get(name);
            if (field == null) {
                if (!allowUnknownFields) {
                    errors.add(new EventError(index, id, name, "is not a field of " + codec.type.name() + "; its fields are "
                            + codec.fields.keySet()));
                }
                continue;
            }
            try {
                field.set(fact, FieldValues.coerce(json.get(name), field.getType()));
            } catch (IllegalArgumentException e) {
                errors.add(new EventError(index, id, name, e.getMessage()));
            }
        }
        if (errors.size() > before) {
            return null;
        }
        if (codec.timestamp != null) {
            codec.timestamp.set(fact, codec.timestamp.getType() == Date.class ? new Date(time) : (Object) time);
        }
        if (id == null) {
            id = generatedId(codec.type.name(), time, json);
        }
        var idField = codec.fields.get("id");
        if (idField != null && idField.getType() == String.class) {
            idField.set(fact, id);
        }
        return new Event(id, codec.name, time, fact);
    }

    /**
     * The time an event's {@code time} field gives, epoch milliseconds, read as decoding reads it;
     * empty when it has none or one that is not a time (decoding then names the problem).
     */
    public static OptionalLong timeOf(JsonNode event) {
        return millis(event.get("time"));
    }

    /**
     * The event time decoding gives {@code json}, epoch milliseconds: its {@code time}, else its
     * type's {@code @timestamp} field; empty when it has neither (it then takes its arrival time) or
     * one that is not a time (decoding then names the problem).
     */
    public OptionalLong eventTime(JsonNode json) {
        var node = json == null ? null : json.get("time");
        if ((node == null || node.isNull()) && json != null && json.isObject()) {
            var type = json.get("type");
            var codec = type == null ? null : types.get(type.asText());
            node = codec == null || codec.timestampField == null ? null : json.get(codec.timestampField);
        }
        return millis(node);
    }

    /** The time {@code node} holds, epoch milliseconds; empty when it is missing, null or not a time. */
    private static OptionalLong millis(JsonNode node) {
        if (node == null || node.isNull()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(FieldValues.epochMillis(node));
        } catch (IllegalArgumentException e) {
            return OptionalLong.empty();
        }
    }

    private long eventTime(JsonNode json, TypeCodec codec, int index, String id, List<EventError> errors) {
        var name = "time";
        var node = json.get("time");
        if ((node == null || node.isNull()) && codec.timestampField != null) {
            name = codec.timestampField;
            node = json.get(codec.timestampField);
        }
        long now = arrivalClock.millis();
        if (node == null || node.isNull()) {
            return now;
        }
        try {
            long time = FieldValues.epochMillis(node);
            var problem = timeBounds.problem(time, now);
            if (problem != null) {
                errors.add(new EventError(index, id, name, problem));
            }
            return time;
        } catch (IllegalArgumentException e) {
            errors.add(new EventError(index, id, name, e.getMessage()));
            return 0;
        }
    }

    private static String generatedId(String type, long time, JsonNode json) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            digest.update(Long.toString(time).getBytes(StandardCharsets.UTF_8));
            digest.update(json.toString().getBytes(StandardCharsets.UTF_8));
            return type + "-" + HexFormat.of().formatHex(digest.digest(), 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    private String typeNames() {
        return eventTypes.stream().map(EventType::name).distinct().toList().toString();
    }

    /** What decoding needs about one type, looked up once. */
    private static final class TypeCodec {
        final EventType type;
        final String name;
        final FactType factType;
        final Map<String, FactField> fields = new LinkedHashMap<>();
        final String timestampField;
        final FactField timestamp;

        TypeCodec(EventType type, FactType factType, String name) {
            this.type = type;
            this.name = name;
            this.factType = factType;
            factType.getFields().forEach(f -> fields.put(f.getName(), f));
            this.timestampField = type.timestampField();
            this.timestamp = timestampField == null ? null : factType.getField(timestampField);
        }
    }

    /** Coercion of JSON values into the Java types declared fields may have. */
    static final class FieldValues {
        /** The span of epoch milliseconds in a long, as instants. */
        private static final Instant MIN_MILLIS = Instant.ofEpochMilli(Long.MIN_VALUE);
        private static final Instant MAX_MILLIS = Instant.ofEpochMilli(Long.MAX_VALUE);

        private FieldValues() {
        }

        /**
         * Epoch milliseconds of an ISO-8601 text or a whole number; IllegalArgumentException, never
         * an overflow, for anything else, such as a time whose milliseconds do not fit a long.
         */
        static long epochMillis(JsonNode node) {
            if (node.isNumber()) {
                return wholeMillis(node);
            }
            if (node.isTextual()) {
                var text = node.asText().trim();
                long utc = UtcTimes.millis(text);
                if (utc != UtcTimes.OTHER) {
                    return utc;
                }
                Instant instant;
                try {
                    instant = Instant.parse(text);
                } catch (DateTimeParseException e) {
                    try {
                        instant = OffsetDateTime.parse(text).toInstant();
                    } catch (DateTimeParseException e2) {
                        throw new IllegalArgumentException("'" + text
                                + "' is not a time: use ISO-8601 (2026-11-20T10:00:00Z) or epoch milliseconds");
                    }
                }
                if (instant.isBefore(MIN_MILLIS) || instant.isAfter(MAX_MILLIS)) {
                    throw new IllegalArgumentException("'" + text + "' is beyond the range of times, " + EventTimeBounds.FIRST
                            + " to " + EventTimeBounds.LAST);
                }
                return instant.toEpochMilli();
            }
            throw new IllegalArgumentException(node + " is not a time: use ISO-8601 (2026-11-20T10:00:00Z) or epoch milliseconds");
        }

        private static long wholeMillis(JsonNode node) {
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                return node.asLong();
            }
            var value = integral(node, "a time in epoch milliseconds");
            if (value.bitLength() > 63) {
                throw new IllegalArgumentException(node + " is beyond the range of times, " + EventTimeBounds.FIRST + " to "
                        + EventTimeBounds.LAST);
            }
            return value.longValue();
        }

        static Object coerce(JsonNode node, Class<?> type) {
            if (node == null || node.isNull()) {
                if (type.isPrimitive()) {
                    throw new IllegalArgumentException("must not be null: it is declared as " + type.getName());
                }
                return null;
            }
            if (type == String.class) {
                if (node.isContainerNode()) {
                    throw new IllegalArgumentException("expected a string, got " + kind(node));
                }
                return node.asText();
            }
            if (type == int.class || type == Integer.class) {
                if (node.isInt()) {
                    return node.intValue();
                }
                var value = integral(node, "an int");
                if (value.bitLength() > 31) {
                    throw new IllegalArgumentException(node + " does not fit an int");
                }
                return value.intValue();
            }
            if (type == long.class || type == Long.class) {
                if (node.isInt() || node.isLong()) {
                    return node.longValue();
                }
                var value = integral(node, "a long");
                if (value.bitLength() > 63) {
                    throw new IllegalArgumentException(node + " does not fit a long");
                }
                return value.longValue();
            }
            if (type == double.class || type == Double.class) {
                if (node.isNumber() && Double.isFinite(node.doubleValue())) {
                    return node.doubleValue();
                }
                return finite(node, decimal(node, "a double").doubleValue(), "a double");
            }
            if (type == float.class || type == Float.class) {
                return (float) finite(node, decimal(node, "a float").floatValue(), "a float");
            }
            if (type == BigDecimal.class) {
                return decimal(node, "a BigDecimal");
            }
            if (type == boolean.class || type == Boolean.class) {
                if (node.isBoolean()) {
                    return node.asBoolean();
                }
                if (node.isTextual() && (node.asText().equals("true") || node.asText().equals("false"))) {
                    return Boolean.parseBoolean(node.asText());
                }
                throw new IllegalArgumentException("expected true or false, got " + node);
            }
            if (type == Date.class) {
                return new Date(epochMillis(node));
            }
            throw new IllegalArgumentException("its declared type " + DeclaredTypes.typeName(type)
                    + " cannot be read from JSON; declare it as String, int, long, double, boolean, java.util.Date or BigDecimal");
        }

        /** {@code value} when it is a finite number: a decimal past the type's range is infinity in it, and refused. */
        private static double finite(JsonNode node, double value, String what) {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException(node.asText() + " does not fit " + what + ": it is beyond the range of numbers");
            }
            return value;
        }

        private static BigInteger integral(JsonNode node, String what) {
            var value = decimal(node, what);
            if (value.signum() == 0) {
                return BigInteger.ZERO;
            }
            // Digits before the point, judged before any conversion: 1e99999999 would take a long time to write out.
            int wholeDigits = value.precision() - value.scale();
            if (wholeDigits > 20) {
                throw new IllegalArgumentException(node + " does not fit " + what);
            }
            try {
                if (wholeDigits <= 0) {
                    throw new ArithmeticException("a fraction");
                }
                return value.toBigIntegerExact();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(node + " does not fit " + what + ": it is not a whole number");
            }
        }

        private static BigDecimal decimal(JsonNode node, String what) {
            if (node.isNumber()) {
                if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
                    throw new IllegalArgumentException(node.asText() + " does not fit " + what + ": it is beyond the range of numbers");
                }
                return node.decimalValue();
            }
            if (node.isTextual()) {
                try {
                    return new BigDecimal(node.asText().trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("expected " + what + ", got the text '" + node.asText() + "'");
                }
            }
            throw new IllegalArgumentException("expected " + what + ", got " + kind(node));
        }

        private static String kind(JsonNode node) {
            return switch (node.getNodeType()) {
                case OBJECT -> "an object";
                case ARRAY -> "an array";
                case BOOLEAN -> "a boolean";
                default -> node.toString();
            };
        }
    }
}
