-- Hand-written. The 'schedule' change counter (0001) is bumped once per statement instead of once per row: a reader
-- only asks whether it changed (the public ICS feeds' staleness check), never by how much, and a registration writes
-- a booking, its endpoint rows and its trail in a handful of statements but up to a dozen rows. Each row-level bump
-- was a PL/pgSQL call and a new version of the same counter row in the transaction (issue 12: the server's CPU per
-- registration). SQLite keeps its row-level triggers (it has no statement-level ones); there a bump is a B-tree
-- write in process.
DROP TRIGGER IF EXISTS "bookings_schedule" ON "bookings";--> statement-breakpoint
DROP TRIGGER IF EXISTS "booking_endpoints_schedule" ON "booking_endpoints";--> statement-breakpoint
DROP TRIGGER IF EXISTS "booking_events_schedule" ON "booking_events";--> statement-breakpoint
CREATE TRIGGER "bookings_schedule" AFTER INSERT OR UPDATE OR DELETE ON "bookings" FOR EACH STATEMENT EXECUTE FUNCTION "bump_schedule_counter"();--> statement-breakpoint
CREATE TRIGGER "booking_endpoints_schedule" AFTER INSERT OR UPDATE OR DELETE ON "booking_endpoints" FOR EACH STATEMENT EXECUTE FUNCTION "bump_schedule_counter"();--> statement-breakpoint
CREATE TRIGGER "booking_events_schedule" AFTER INSERT OR UPDATE OR DELETE ON "booking_events" FOR EACH STATEMENT EXECUTE FUNCTION "bump_schedule_counter"();
