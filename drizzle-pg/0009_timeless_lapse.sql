-- Bookings waiting for details with no time at all get the lapse timer new ones now arm (src/app/booking/timers.ts
-- lapseAt): 14 days after receipt, or now when that has passed. Only those received in the last 30 days: older ones
-- are left to the technician rather than mailing clerks about registrations long forgotten.
INSERT INTO "jobs" ("kind", "key", "payload", "run_at", "status", "attempts", "created_at")
SELECT 'booking-lapse', "code", '{}'::jsonb,
  GREATEST("received_at" + 14 * 86400000, (extract(epoch from now()) * 1000)::bigint),
  'pending', 0, (extract(epoch from now()) * 1000)::bigint
FROM "bookings"
WHERE "status" = 'needs-info'
  AND "start_at" IS NULL
  AND "received_at" >= ((extract(epoch from now()) - 30 * 86400) * 1000)::bigint
ON CONFLICT ("kind", "key") DO NOTHING;
