-- 006_keyset_prefix.sql: the keyset indexes of 002 key on the first 256
-- characters of the name, so a name of any length can be stored (a b-tree
-- entry must fit in a third of a page: a 1 MB name made every insert into an
-- indexed (name, id) fail). Lists order by (left(name, 256), id): names that
-- share their first 256 characters are ordered by id.

DROP INDEX IF EXISTS idx_companies_name;
DROP INDEX IF EXISTS idx_orgs_name;
DROP INDEX IF EXISTS idx_models_name;
DROP INDEX IF EXISTS idx_models_company_name;
DROP INDEX IF EXISTS idx_coaches_company_name;
DROP INDEX IF EXISTS idx_clients_coach_name;
DROP INDEX IF EXISTS idx_clients_org_name;

CREATE INDEX idx_companies_name ON coaching_companies((left(name, 256)), id);
CREATE INDEX idx_orgs_name ON client_organizations((left(name, 256)), id);
CREATE INDEX idx_models_name ON coaching_models((left(name, 256)), id);
CREATE INDEX idx_models_company_name ON coaching_models(coaching_company_id, (left(name, 256)), id);
CREATE INDEX idx_coaches_company_name ON coaches(coaching_company_id, (left(name, 256)), id);
CREATE INDEX idx_clients_coach_name ON clients(primary_coach_id, (left(name, 256)), id);
CREATE INDEX idx_clients_org_name ON clients(client_organization_id, (left(name, 256)), id);
