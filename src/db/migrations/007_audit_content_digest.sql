-- 007_audit_content_digest.sql: the audit trail no longer copies a data
-- item's raw_content (a 10 MB transcript was stored twice). In before/after,
-- data_items.raw_content is recorded as {"length": characters, "sha256": hex
-- of its UTF-8 bytes}; every other column is kept as 003 recorded it. An
-- update that leaves raw_content alone does not hash it. The triggers of 003
-- call this function by name: replacing it is enough.

CREATE OR REPLACE FUNCTION rapport_audit_content(t text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN t IS NULL THEN 'null'::jsonb
	            ELSE jsonb_build_object('length', length(t),
	                                    'sha256', encode(sha256(convert_to(t, 'UTF8')), 'hex'))
	       END
$$;

CREATE OR REPLACE FUNCTION rapport_audit_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	o jsonb;
	n jsonb;
	b jsonb := '{}'::jsonb;
	a jsonb := '{}'::jsonb;
	k text;
	item boolean := TG_TABLE_NAME = 'data_items';
BEGIN
	IF coalesce(current_setting('rapport.skip_audit', true), '') = 'on' THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		n := to_jsonb(NEW);
		IF item THEN
			n := jsonb_set(n, '{raw_content}', rapport_audit_content(NEW.raw_content));
		END IF;
		INSERT INTO rapport_audit(table_name, record_id, action, after)
		VALUES (TG_TABLE_NAME, NEW.id, 'insert', n);
	ELSIF TG_OP = 'DELETE' THEN
		o := to_jsonb(OLD);
		IF item THEN
			o := jsonb_set(o, '{raw_content}', rapport_audit_content(OLD.raw_content));
		END IF;
		INSERT INTO rapport_audit(table_name, record_id, action, before)
		VALUES (TG_TABLE_NAME, OLD.id, 'delete', o);
	ELSE
		o := to_jsonb(OLD);
		n := to_jsonb(NEW);
		IF item THEN
			o := o - 'raw_content';
			n := n - 'raw_content';
			IF OLD.raw_content IS DISTINCT FROM NEW.raw_content THEN
				b := jsonb_build_object('raw_content', rapport_audit_content(OLD.raw_content));
				a := jsonb_build_object('raw_content', rapport_audit_content(NEW.raw_content));
			END IF;
		END IF;
		FOR k IN SELECT jsonb_object_keys(n) LOOP
			IF k <> 'updated_at' AND (o -> k) IS DISTINCT FROM (n -> k) THEN
				b := b || jsonb_build_object(k, o -> k);
				a := a || jsonb_build_object(k, n -> k);
			END IF;
		END LOOP;
		IF a <> '{}'::jsonb THEN
			INSERT INTO rapport_audit(table_name, record_id, action, before, after)
			VALUES (TG_TABLE_NAME, NEW.id, 'update', b, a);
		END IF;
	END IF;
	RETURN NULL;
END
$$;
