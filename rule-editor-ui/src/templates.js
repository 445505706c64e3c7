// Starting points for a new rule set: fraud or monitoring, in DRL or in Vigil's rule language.

const TRANSACTION = `package fraud;

declare Transaction
    @role(event)
    @timestamp(time)
    @expires(1h)
    id : String
    time : long
    cardId : String
    amount : double
    country : String
end
`;

const METRIC = `package monitoring;

declare Metric
    @role(event)
    @timestamp(time)
    @expires(1h)
    id : String
    time : long
    host : String
    name : String
    value : double
end
`;

export const TEMPLATES = {
  'fraud-drl': {
    label: 'Fraud, DRL',
    files: {
      'fraud.drl': `${TRANSACTION}
rule "burst"
    @severity("high")
    @suppress("10m")
when
    $t : Transaction($card : cardId) over window:time(60s)
    Number(intValue > 5) from accumulate(Transaction(cardId == $card) over window:time(60s), count(1))
then
    alerts.raise($card, "more than 5 transactions in 60 s");
end
`,
    },
  },
  'fraud-yaml': {
    label: 'Fraud, rule language',
    files: {
      'fraud.drl': TRANSACTION,
      'burst.rule.yaml': `rule: burst
severity: high
description: More than five transactions of one card within a minute
when:
  pattern: count
  event: Transaction
  per: cardId
  count: "> 5"
  within: 1m
then:
  message: "card {cardId}: {count} transactions in a minute"
  suppress: 10m
`,
    },
  },
  'monitoring-drl': {
    label: 'Monitoring, DRL',
    files: {
      'monitoring.drl': `${METRIC}
rule "cpu hot"
    @severity("high")
    @suppress("30m")
when
    $m : Metric(name == "cpu", value > 90, $host : host)
then
    alerts.raise($host, $host + ": CPU at " + $m.getValue());
end
`,
    },
  },
  'monitoring-yaml': {
    label: 'Monitoring, rule language',
    files: {
      'monitoring.drl': METRIC,
      'cpu-hot.rule.yaml': `rule: cpu above 90% for 5 minutes
severity: high
when:
  pattern: sustained
  event: Metric
  where: name == "cpu"
  per: host
  condition: value > 90
  for: 5m
then:
  message: "{host}: CPU above 90% for 5 minutes"
  suppress: 30m
`,
    },
  },
};
