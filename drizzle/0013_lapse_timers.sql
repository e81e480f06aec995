-- Bookings still unsettled (in review or waiting for details) when this version arrives get the lapse timer that
-- new and changed bookings now arm (src/app/booking/lapse.ts). Only sessions that start after two days ago: older
-- ones are left to the technician rather than mailing clerks about sessions long over.
INSERT INTO `jobs` (`kind`, `key`, `payload`, `run_at`, `status`, `attempts`, `created_at`)
SELECT 'booking-lapse', `code`, '{}', `start_at`, 'pending', 0, CAST(strftime('%s', 'now') AS INTEGER) * 1000
FROM `bookings`
WHERE `status` IN ('needs-review', 'needs-info')
  AND `start_at` IS NOT NULL
  AND `start_at` >= (CAST(strftime('%s', 'now') AS INTEGER) - 2 * 86400) * 1000
ON CONFLICT (`kind`, `key`) DO NOTHING;
