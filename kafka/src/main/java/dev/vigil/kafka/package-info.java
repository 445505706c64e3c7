/**
 * The Kafka transport: a rule set whose settings name a topic consumes it as a consumer group, one
 * Vigil partition per Kafka partition, and produces its alerts in the transactions that commit its
 * offsets. Depends on the engine's API only; the server wires it in.
 */
package dev.vigil.kafka;
