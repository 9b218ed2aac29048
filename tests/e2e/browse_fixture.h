#ifndef RAPPORT_TEST_BROWSE_FIXTURE_H
#define RAPPORT_TEST_BROWSE_FIXTURE_H
/* A small, known database for the browser's screen tests (H7): companies
 * including hostile, right-to-left and CJK names, coaches, clients, a model,
 * a transcript, and 2,000 coaches under one company for paging. */
#include "common/testdb.h"

static const char browse_fixture_sql[] =
    "INSERT INTO coaching_companies (id, name, slug, metadata) VALUES"
    " ('10000000-0000-0000-0000-000000000001','Acme Coaching','acme',"
    "  "
    "'{\"website\":\"https://"
    "acme.example\",\"active\":true,\"contact_email\":\"hi@acme.example\"}'),"
    " ('10000000-0000-0000-0000-000000000002','Beta Partners','beta','{}'),"
    " ('10000000-0000-0000-0000-000000000003',E'\\x1b]0;pwned\\x07\\x1b[2J Evil Co','evil','{}'),"
    " ('10000000-0000-0000-0000-000000000004',E'Right\\u202Eleft Co','rtl','{}'),"
    " ('10000000-0000-0000-0000-000000000005','東京コーチング','tokyo','{}'),"
    " ('10000000-0000-0000-0000-000000000006','Zeta Scale','zeta','{}');"
    "INSERT INTO coaches (id, coaching_company_id, email, name, bio, metadata) VALUES"
    " ('20000000-0000-0000-0000-000000000001','10000000-0000-0000-0000-000000000001',"
    "  'ana@acme.example','Ana Alvarez','Executive coach',"
    "  '{\"active\":true,\"experience_years\":15,\"specializations\":[\"C-suite\",\"transitions\"],"
    "    \"timezone\":\"Europe/Lisbon\"}'),"
    " ('20000000-0000-0000-0000-000000000002','10000000-0000-0000-0000-000000000001',"
    "  'bob@acme.example','Bob Brown',NULL,'{}'),"
    " ('20000000-0000-0000-0000-000000000003','10000000-0000-0000-0000-000000000001',"
    "  'cy@acme.example','Cy Chen',NULL,'{\"active\":false}'),"
    " ('20000000-0000-0000-0000-000000000004','10000000-0000-0000-0000-000000000002',"
    "  'dee@beta.example','Dee Diaz',NULL,'{}'),"
    " ('20000000-0000-0000-0000-000000000005','10000000-0000-0000-0000-000000000005',"
    "  'kenji@tokyo.example','山田 健二',NULL,'{}');"
    "INSERT INTO coaches (coaching_company_id, email, name)"
    " SELECT '10000000-0000-0000-0000-000000000006', 'c' || i || '@zeta.example',"
    "        'Coach ' || lpad(i::text, 4, '0') FROM generate_series(1, 2000) i;"
    "INSERT INTO client_organizations (id, name, slug, industry, metadata) VALUES"
    " ('30000000-0000-0000-0000-000000000001','Globex','globex','Technology','{\"size\":"
    "\"enterprise\"}'),"
    " ('30000000-0000-0000-0000-000000000002','Initech','initech','Software','{}');"
    "INSERT INTO clients (id, client_organization_id, primary_coach_id, email, name, title, "
    "metadata)"
    " VALUES"
    " ('40000000-0000-0000-0000-000000000001','30000000-0000-0000-0000-000000000001',"
    "  '20000000-0000-0000-0000-000000000001','carol@globex.example','Carol Client','VP Product',"
    "  '{\"department\":\"Product\",\"goals\":[\"leadership presence\",\"strategic thinking\"],"
    "    \"active\":true}'),"
    " ('40000000-0000-0000-0000-000000000002','30000000-0000-0000-0000-000000000002',"
    "  '20000000-0000-0000-0000-000000000001','dan@initech.example','Dan Doe',NULL,'{}'),"
    " ('40000000-0000-0000-0000-000000000003','30000000-0000-0000-0000-000000000001',"
    "  '20000000-0000-0000-0000-000000000002','eve@globex.example','Eve Early',NULL,'{}');"
    "INSERT INTO coaching_models (id, coaching_company_id, name, slug, description, content) VALUES"
    " ('50000000-0000-0000-0000-000000000001','10000000-0000-0000-0000-000000000001',"
    "  'GROW','grow','Goal, Reality, Options, Will','GROW model text'),"
    " ('50000000-0000-0000-0000-000000000002','10000000-0000-0000-0000-000000000001',"
    "  'CLEAR','clear','Contract, Listen, Explore, Action, Review','CLEAR model text');"
    "INSERT INTO coach_model_associations (coach_id, coaching_model_id, is_primary) VALUES"
    " ('20000000-0000-0000-0000-000000000001','50000000-0000-0000-0000-000000000001',true),"
    " ('20000000-0000-0000-0000-000000000001','50000000-0000-0000-0000-000000000002',false),"
    " ('20000000-0000-0000-0000-000000000002','50000000-0000-0000-0000-000000000001',false);"
    "INSERT INTO data_items (id, data_type, coach_id, client_id, client_organization_id,"
    "                        visibility_level, raw_content, metadata) VALUES"
    " ('60000000-0000-0000-0000-000000000001','transcript','20000000-0000-0000-0000-000000000001',"
    "  '40000000-0000-0000-0000-000000000001','30000000-0000-0000-0000-000000000001','coach_only',"
    "  E'Coach: How did the quarter go?\\nClient: The budget review was hard.\\n"
    "Coach: What made the budget conversation difficult?\\n"
    "Client: I had to defend the budget line by line, and I felt unprepared.\\n"
    "Coach: What would prepared look like next time?',"
    "  '{\"title\":\"Session 1\"}');";

/* Creates t_<name> with the fixture; returns its conninfo (caller frees). */
static char *browse_fixture(const char *name)
{
	db *d = testdb_open(name);
	testdb_exec(d, browse_fixture_sql);
	db_close(d);
	return testdb_conninfo(name);
}

#endif
