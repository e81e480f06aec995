DROP INDEX `booking_endpoints_endpoint`;--> statement-breakpoint
ALTER TABLE `booking_endpoints` ADD `start_at` integer;--> statement-breakpoint
ALTER TABLE `booking_endpoints` ADD `end_at` integer;--> statement-breakpoint
-- Hand-written (keep when regenerating): existing rows take their booking's slot.
UPDATE `booking_endpoints` SET `start_at` = (SELECT `start_at` FROM `bookings` WHERE `bookings`.`code` = `booking_endpoints`.`booking`), `end_at` = (SELECT `end_at` FROM `bookings` WHERE `bookings`.`code` = `booking_endpoints`.`booking`);--> statement-breakpoint
CREATE INDEX `booking_endpoints_overlap` ON `booking_endpoints` (`endpoint`,`start_at`,`end_at`,`booking`);--> statement-breakpoint
DROP INDEX `bookings_status_start`;--> statement-breakpoint
CREATE INDEX `bookings_holders` ON `bookings` (`status`,`start_at`,`end_at`,`priority`,`ports`,`city_hall_room`,`created_at`,`code`);--> statement-breakpoint
DROP INDEX `outbox_due`;--> statement-breakpoint
CREATE INDEX `outbox_recipient` ON `outbox` (`channel`,`recipient`,`created_at`);--> statement-breakpoint
CREATE INDEX `outbox_booking` ON `outbox` (`booking`,`id`);--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`status`,`channel`,`available_at`);