CREATE TABLE "schedule_days" (
	"day" integer NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "schedule_days_day_pk" PRIMARY KEY("day")
);
--> statement-breakpoint
-- Hand-written (keep when regenerating; the PostgreSQL form of the triggers in drizzle/0012_schedule_days.sql):
-- a write that changes which bookings hold capacity on the UTC day of their start, or how (status into or out of the
-- holding set, start, end, ports, priority, city-hall room, created_at), bumps that day's version in its own
-- transaction, in every process; and the backfill of existing data. Holding set: HOLDING_STATUSES.
-- Versions come from a sequence, not from version + 1: a sequence never hands out a value twice, even to a
-- transaction that rolls back, so a cache entry read under a rolled-back version can never match a committed one
-- (another desk's later write would otherwise commit that same number).
CREATE SEQUENCE "schedule_days_version_seq";--> statement-breakpoint
INSERT INTO "schedule_days" ("day", "version") SELECT DISTINCT ("start_at" / 86400000)::integer, 1 FROM "bookings" WHERE "start_at" IS NOT NULL AND "status" IN ('needs-review', 'confirmed', 'checked', 'live');--> statement-breakpoint
SELECT setval('"schedule_days_version_seq"', 2, false);--> statement-breakpoint
CREATE OR REPLACE FUNCTION "bump_schedule_days"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  held text[] := ARRAY['needs-review', 'confirmed', 'checked', 'live'];
  old_day integer := NULL;
  new_day integer := NULL;
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.start_at IS NOT NULL AND NEW.status = ANY(held) THEN new_day := (NEW.start_at / 86400000)::integer; END IF;
  ELSIF TG_OP = 'DELETE' THEN
    IF OLD.start_at IS NOT NULL AND OLD.status = ANY(held) THEN old_day := (OLD.start_at / 86400000)::integer; END IF;
  ELSIF (OLD.status = ANY(held) OR NEW.status = ANY(held)) AND (
      (OLD.status = ANY(held)) <> (NEW.status = ANY(held)) OR OLD.start_at IS DISTINCT FROM NEW.start_at
      OR OLD.end_at IS DISTINCT FROM NEW.end_at OR OLD.ports IS DISTINCT FROM NEW.ports
      OR OLD.priority IS DISTINCT FROM NEW.priority OR OLD.city_hall_room IS DISTINCT FROM NEW.city_hall_room
      OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.code IS DISTINCT FROM NEW.code) THEN
    old_day := (OLD.start_at / 86400000)::integer;
    new_day := (NEW.start_at / 86400000)::integer;
    IF new_day = old_day THEN new_day := NULL; END IF;
  END IF;
  IF old_day IS NOT NULL THEN
    INSERT INTO "schedule_days" ("day", "version") VALUES (old_day, nextval('"schedule_days_version_seq"'))
      ON CONFLICT ("day") DO UPDATE SET "version" = EXCLUDED."version";
  END IF;
  IF new_day IS NOT NULL THEN
    INSERT INTO "schedule_days" ("day", "version") VALUES (new_day, nextval('"schedule_days_version_seq"'))
      ON CONFLICT ("day") DO UPDATE SET "version" = EXCLUDED."version";
  END IF;
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "bookings_schedule_days" AFTER INSERT OR UPDATE OR DELETE ON "bookings" FOR EACH ROW EXECUTE FUNCTION "bump_schedule_days"();
