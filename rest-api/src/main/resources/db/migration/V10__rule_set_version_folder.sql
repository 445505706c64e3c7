-- The rules folder entry a version came from ("rules/fraud", as the server was given it), or was
-- written back to; null when it was deployed through the API only. At start-up a rule set whose
-- running version has none is not replaced by its folder's files: that would lose what was deployed.
ALTER TABLE rule_set_version ADD COLUMN folder VARCHAR(1024);

-- Versions deployed from the rules folder before this column existed are known from the audit log;
-- the folder is taken to be the default one.
UPDATE rule_set_version v SET folder = CONCAT('rules/', v.name)
WHERE EXISTS (SELECT 1 FROM audit_log a
              WHERE a.actor = 'rules folder' AND a.action = 'deploy' AND a.target = v.name
                AND a.detail = CONCAT('version ', v.version));
