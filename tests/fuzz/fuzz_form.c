/* libFuzzer target for the JSON form model and the metadata validator
 * (src/core/form.c, src/core/metaschema.c). The first byte picks a table
 * schema (or, with the high bit set, treats the rest as a schema to parse);
 * the rest is metadata text. Properties checked, abort() on violation:
 * printing a parsed document and parsing it again gives the same text (compact
 * and pretty); a form over it prints it unchanged and is not dirty; the diff
 * with itself is empty; a merge with itself has no conflict; validation and a
 * few edits never crash. */
#include "rapport/form.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Aborts unless text re-parses to a document printing as text again. */
static void fuzz_form_reparse(const char *text, int indent)
{
	form_perr e;
	form_json *v = form_json_parse(text, strlen(text), &e);
	if (!v)
		abort();
	char *again = form_json_print(v, indent);
	if (strcmp(again, text) != 0)
		abort();
	free(again);
	form_json_free(v);
}

/* Edits every field once in a way suited to its widget. */
static void fuzz_form_edit(form *f)
{
	for (size_t i = 0; i < form_nfields(f); i++) {
		const form_field *fl = form_field_at(f, i);
		switch (fl->widget) {
		case FORM_TOGGLE: form_toggle(f, i); break;
		case FORM_NUMBER: form_set_number(f, i, "42"); break;
		case FORM_TEXT: form_set_text(f, i, "x"); break;
		case FORM_DATE: form_set_text(f, i, "2025-01-15"); break;
		case FORM_ENUM: form_set_enum(f, i, 0); break;
		case FORM_LIST:
			form_list_insert(f, i, 0, "a");
			form_list_move(f, i, 0, 1);
			form_list_delete(f, i, 0);
			break;
		case FORM_OBJECT: form_close_object(f, i, form_open_object(f, i)); break;
		default: form_set_raw(f, i, "[1,2.50]", NULL); break;
		}
	}
	char *t = form_to_json(f, false);
	fuzz_form_reparse(t, 0);
	free(t);
}

static void fuzz_form_document(const metaschema *s, const char *text, size_t len)
{
	form_perr e;
	form *f = form_new(s, text, len, &e);
	if (!f) {
		if (e.line < 1 || e.col < 1 || !e.msg[0])
			abort();
		return;
	}
	char *compact = form_to_json(f, false), *pretty = form_to_json(f, true);
	fuzz_form_reparse(compact, 0);
	fuzz_form_reparse(pretty, 2);
	if (form_dirty(f))
		abort();
	form_diff *d = form_diff_new(form_original(f), form_doc(f));
	if (d->n)
		abort();
	form_diff_free(d);
	form_merge *m = form_merge_new(form_doc(f), form_doc(f), form_doc(f));
	if (m->nconflicts)
		abort();
	form_merge_free(m);
	ms_report_free(form_validate(f, NULL));
	for (size_t i = 0; i < form_nfields(f); i++)
		free(form_display(f, i));
	fuzz_form_edit(f);
	free(compact);
	free(pretty);
	form_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (data[0] & 0x80) {
		metaschema *s = metaschema_parse(text, NULL);
		if (s)
			fuzz_form_document(s, "{\"a\":1,\"b\":[\"x\"],\"c\":{\"d\":true}}", 31);
		metaschema_free(s);
	} else {
		const char *table = metaschema_tables[data[0] % 6];
		metaschema *s = metaschema_for_table(table, NULL, NULL);
		fuzz_form_document(s, text, size - 1);
		metaschema_free(s);
	}
	free(text);
	return 0;
}
