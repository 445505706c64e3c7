-- Why the active version of a rule set failed, and when: it stays failed across a restart (its
-- journal is not replayed into it) until another version is deployed, which clears this.
ALTER TABLE rule_set ADD COLUMN failed_reason VARCHAR(4096);
ALTER TABLE rule_set ADD COLUMN failed_at TIMESTAMP WITH TIME ZONE;
