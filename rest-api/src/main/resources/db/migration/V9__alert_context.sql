-- What an alert's rule consulted beside its evidence (the events that triggered it): the events its
-- accumulates folded and its profiles hold, as a JSON object {"events": n, "ids": [the newest five]}.
-- Alerts stored before have none: their evidence lists those events too.
ALTER TABLE alert ADD COLUMN context VARCHAR(1048576) DEFAULT '{"events":0,"ids":[]}' NOT NULL;
