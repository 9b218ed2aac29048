/* Disk full, injected for real: the coaching_companies table is moved to a
 * tablespace on a small tmpfs, which is then filled. A metadata save must be
 * refused in words with the stored row unchanged, and succeed once space is
 * freed. Needs root (mount) and a server on this machine running as the
 * "postgres" user (tests/run.sh's cluster); skipped otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/testdb.h"

#define NAME "lead_disk"

static char mnt[256];
static bool mounted;
static db *D;

/* Mounts a 6 MB tmpfs the server's user owns; false when this is not root. */
static bool mount_small_disk(void)
{
	struct passwd *pw = getpwnam("postgres");
	if (geteuid() != 0 || !pw)
		return false;
	snprintf(mnt, sizeof mnt, "/tmp/rapport-disk-%d", (int)getpid());
	if (mkdir(mnt, 0700) != 0)
		return false;
	if (mount("tmpfs", mnt, "tmpfs", 0, "size=6m,mode=0700") != 0) {
		rmdir(mnt);
		return false;
	}
	mounted = true;
	return chown(mnt, pw->pw_uid, pw->pw_gid) == 0;
}

static int setup(void **state)
{
	(void)state;
	if (!mount_small_disk())
		return 0;
	D = testdb_open(NAME);
	char sql[512];
	snprintf(sql, sizeof sql, "CREATE TABLESPACE rapport_small_disk LOCATION '%s'", mnt);
	testdb_exec_admin(sql);
	testdb_exec(D, "INSERT INTO coaching_companies (name, slug, metadata) "
	               "VALUES ('Full Disk Coaching', 'full-disk-coaching', '{\"active\": true}')");
	testdb_exec(D, "ALTER TABLE coaching_companies SET TABLESPACE rapport_small_disk");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (D) {
		db_close(D);
		testdb_drop(NAME);
		testdb_exec_admin("DROP TABLESPACE IF EXISTS rapport_small_disk");
	}
	if (mounted) {
		umount(mnt);
		rmdir(mnt);
	}
	return 0;
}

/* Fills the tablespace until the server reports 53100 (disk full). */
static void fill_disk(void)
{
	testdb_exec(D, "CREATE TABLE filler (x text) TABLESPACE rapport_small_disk");
	testdb_exec(D, "ALTER TABLE filler ALTER COLUMN x SET STORAGE PLAIN");
	char *v = NULL;
	db_status st = db_exec_value(D,
	                             "INSERT INTO filler SELECT string_agg(md5(random()::text), '') "
	                             "FROM generate_series(1, 60) g, generate_series(1, 200000) i "
	                             "GROUP BY i RETURNING 1",
	                             &v);
	free(v);
	assert_int_not_equal(st, DB_OK);
	assert_non_null(strstr(db_errmsg(D), "disk is full"));
}

/* A large, poorly compressible metadata value that needs new pages. */
static char *big_metadata(size_t n)
{
	char *s = malloc(n + 32);
	assert_non_null(s);
	unsigned x = 2463534242u;
	size_t k = (size_t)sprintf(s, "{\"notes\": \"");
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		s[k++] = (char)('a' + x % 26);
	}
	strcpy(s + k, "\"}");
	return s;
}

static void test_save_refused_then_recovers(void **state)
{
	(void)state;
	if (!D)
		skip();
	db_record *r = NULL;
	assert_int_equal(db_record_find(D, DB_COMPANY, "full-disk-coaching", &r), DB_OK);
	fill_disk();
	char *json = big_metadata(200000);
	char token[DB_TS_LEN];
	db_status st = db_update_metadata(D, DB_COMPANY, r->id, r->updated_at, json, token);
	assert_int_equal(st, DB_ERROR);
	assert_non_null(strstr(db_errmsg(D), "disk is full; nothing was written"));

	db_record *after = NULL;
	assert_int_equal(db_record_get(D, DB_COMPANY, r->id, &after), DB_OK);
	assert_string_equal(after->updated_at, r->updated_at);
	assert_non_null(strstr(after->metadata, "\"active\": true"));
	db_record_free(after);

	testdb_exec(D, "DROP TABLE filler");
	assert_int_equal(db_update_metadata(D, DB_COMPANY, r->id, r->updated_at, json, token), DB_OK);
	free(json);
	db_record_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_save_refused_then_recovers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
