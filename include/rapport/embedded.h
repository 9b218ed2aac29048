#ifndef RAPPORT_EMBEDDED_H
#define RAPPORT_EMBEDDED_H
/* Text files compiled into the binary (src/scripts/embed-files.sh).
 * Tables end with a {NULL, NULL} entry; entries are sorted by name. Static storage: never freed. */
typedef struct rapport_file {
	const char *name; /* basename, e.g. "001_schema.sql" or "dark.theme" */
	const char *text; /* whole file, NUL-terminated */
} rapport_file;

extern const rapport_file rapport_migrations[]; /* the .sql files of src/db/migrations/ */
extern const rapport_file rapport_themes[];     /* the .theme files of themes/ */

#endif
