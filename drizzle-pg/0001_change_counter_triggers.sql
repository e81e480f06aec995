-- Hand-written (the PostgreSQL form of the triggers in drizzle/0007_change_counters.sql): every row written to
-- bookings, booking_endpoints or booking_events, by any process, bumps the 'schedule' counter, so a cache derived
-- from them (the public ICS feeds) knows with one read whether it is stale. Row-level, as SQLite's triggers are.
INSERT INTO "change_counters" ("name", "n") VALUES ('schedule', 0) ON CONFLICT ("name") DO NOTHING;--> statement-breakpoint
CREATE OR REPLACE FUNCTION "bump_schedule_counter"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "change_counters" SET "n" = "n" + 1 WHERE "name" = 'schedule';
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "bookings_schedule" AFTER INSERT OR UPDATE OR DELETE ON "bookings" FOR EACH ROW EXECUTE FUNCTION "bump_schedule_counter"();--> statement-breakpoint
CREATE TRIGGER "booking_endpoints_schedule" AFTER INSERT OR UPDATE OR DELETE ON "booking_endpoints" FOR EACH ROW EXECUTE FUNCTION "bump_schedule_counter"();--> statement-breakpoint
CREATE TRIGGER "booking_events_schedule" AFTER INSERT OR UPDATE OR DELETE ON "booking_events" FOR EACH ROW EXECUTE FUNCTION "bump_schedule_counter"();
