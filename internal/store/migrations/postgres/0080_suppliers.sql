-- The supplier register (issue 21, docs/invoice.md): each supplier the
-- organisation pays, known by its sending organisational domain and its
-- SIREN/SIRET, and the bank details seen for it over time. A first IBAN
-- comes from the accounting export (confirmed) or from authenticated mail
-- (learned); any later new IBAN stays pending until a person confirms it.
CREATE TABLE suppliers (
	id         BIGSERIAL PRIMARY KEY,
	name       TEXT    NOT NULL DEFAULT '',
	domain     TEXT    NOT NULL DEFAULT '', -- registrable domain it writes from, '' unknown
	siren      TEXT    NOT NULL DEFAULT '',
	siret      TEXT    NOT NULL DEFAULT '',
	country    TEXT    NOT NULL DEFAULT '', -- ISO 3166 alpha-2
	source     TEXT    NOT NULL,            -- import, mail
	created_at BIGINT  NOT NULL             -- unix milliseconds
);
CREATE INDEX suppliers_domain ON suppliers (domain);
CREATE INDEX suppliers_siren ON suppliers (siren);

CREATE TABLE supplier_bank_details (
	supplier_id   BIGINT  NOT NULL REFERENCES suppliers (id),
	iban          TEXT    NOT NULL,
	bic           TEXT    NOT NULL DEFAULT '',
	status        TEXT    NOT NULL,            -- confirmed, learned, pending
	first_seen    BIGINT  NOT NULL,
	last_seen     BIGINT  NOT NULL,
	seen          BIGINT  NOT NULL DEFAULT 0,  -- messages that carried it
	authenticated BIGINT  NOT NULL DEFAULT 0,  -- of which authenticated
	source        TEXT    NOT NULL,            -- import:FILE:LINE, mail:MESSAGE-ID
	confirmed_by  TEXT    NOT NULL DEFAULT '',
	confirmed_at  BIGINT  NOT NULL DEFAULT 0,
	PRIMARY KEY (supplier_id, iban)
);
CREATE INDEX supplier_bank_details_iban ON supplier_bank_details (iban);

-- Who changed the register, when and why: imports, learning, confirmations,
-- the alerts sent to accounting.
CREATE TABLE supplier_events (
	id          BIGSERIAL PRIMARY KEY,
	at          BIGINT  NOT NULL,
	supplier_id BIGINT  NOT NULL DEFAULT 0,
	actor       TEXT    NOT NULL,
	action      TEXT    NOT NULL,
	detail      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX supplier_events_supplier ON supplier_events (supplier_id, at);
