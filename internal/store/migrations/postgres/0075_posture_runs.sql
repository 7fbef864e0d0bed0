-- Audits of the organisation's own mail setup: `vigie posture` reports
-- (kind 'posture', subject the domain) and `vigie selftest` runs (kind
-- 'selftest', subject the relay tested), kept as JSON so the console and
-- the incident report ("pourquoi le message est passé") can read the
-- latest one of each.
CREATE TABLE posture_runs (
	id      BIGSERIAL PRIMARY KEY,
	kind    TEXT    NOT NULL,            -- posture, selftest
	subject TEXT    NOT NULL,            -- domain, or relay host:port
	at      BIGINT  NOT NULL,            -- unix milliseconds
	worst   TEXT    NOT NULL DEFAULT '', -- worst severity, or failed/total for a selftest
	body    TEXT    NOT NULL             -- the JSON report
);
CREATE INDEX posture_runs_latest ON posture_runs (kind, subject, at);
