-- Hand-written: what instrument versions have had since 0001, for every other table of the
-- lifecycle (db/schema/lifecycle.ts): scoring policies, outcome models and warning rule sets.
-- A version's content never changes after creation, an approval is recorded once, and a
-- retired version stays retired. Only status and the approval and retirement columns may be
-- set (and the person references nulled when a person is deleted). One function for all:
-- the row as JSON without the lifecycle's movable columns must stay the same.
CREATE FUNCTION "lifecycle_version_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  movable CONSTANT text[] := ARRAY['status', 'created_by', 'approved_by', 'approved_at', 'approval_note', 'retired_by', 'retired_at'];
BEGIN
  IF (to_jsonb(NEW) - movable) IS DISTINCT FROM (to_jsonb(OLD) - movable) THEN
    RAISE EXCEPTION '% %: a version never changes; make a new version', TG_TABLE_NAME, OLD.id;
  END IF;
  IF OLD.approved_at IS NOT NULL AND (NEW.approved_at IS DISTINCT FROM OLD.approved_at
    OR NEW.approval_note IS DISTINCT FROM OLD.approval_note) THEN
    RAISE EXCEPTION '% %: the approval is recorded once', TG_TABLE_NAME, OLD.id;
  END IF;
  IF OLD.status = 'retired' AND NEW.status <> 'retired' THEN
    RAISE EXCEPTION '% %: a retired version stays retired', TG_TABLE_NAME, OLD.id;
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "scoring_policies_immutable" BEFORE UPDATE ON "scoring_policies"
  FOR EACH ROW EXECUTE FUNCTION "lifecycle_version_immutable"();--> statement-breakpoint
CREATE TRIGGER "outcome_models_immutable" BEFORE UPDATE ON "outcome_models"
  FOR EACH ROW EXECUTE FUNCTION "lifecycle_version_immutable"();--> statement-breakpoint
CREATE TRIGGER "warning_rule_sets_immutable" BEFORE UPDATE ON "warning_rule_sets"
  FOR EACH ROW EXECUTE FUNCTION "lifecycle_version_immutable"();
