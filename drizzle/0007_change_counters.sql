CREATE TABLE `change_counters` (
	`name` text PRIMARY KEY NOT NULL,
	`n` integer DEFAULT 0 NOT NULL
);--> statement-breakpoint
-- Hand-written (keep when regenerating): the triggers that bump the counters, in every process that writes.
INSERT INTO `change_counters` (`name`, `n`) VALUES ('schedule', 0);--> statement-breakpoint
CREATE TRIGGER `bookings_insert_schedule` AFTER INSERT ON `bookings` BEGIN UPDATE `change_counters` SET `n` = `n` + 1 WHERE `name` = 'schedule'; END;--> statement-breakpoint
CREATE TRIGGER `bookings_update_schedule` AFTER UPDATE ON `bookings` BEGIN UPDATE `change_counters` SET `n` = `n` + 1 WHERE `name` = 'schedule'; END;--> statement-breakpoint
CREATE TRIGGER `bookings_delete_schedule` AFTER DELETE ON `bookings` BEGIN UPDATE `change_counters` SET `n` = `n` + 1 WHERE `name` = 'schedule'; END;--> statement-breakpoint
CREATE TRIGGER `booking_endpoints_insert_schedule` AFTER INSERT ON `booking_endpoints` BEGIN UPDATE `change_counters` SET `n` = `n` + 1 WHERE `name` = 'schedule'; END;--> statement-breakpoint
CREATE TRIGGER `booking_endpoints_update_schedule` AFTER UPDATE ON `booking_endpoints` BEGIN UPDATE `change_counters` SET `n` = `n` + 1 WHERE `name` = 'schedule'; END;--> statement-breakpoint
CREATE TRIGGER `booking_endpoints_delete_schedule` AFTER DELETE ON `booking_endpoints` BEGIN UPDATE `change_counters` SET `n` = `n` + 1 WHERE `name` = 'schedule'; END;--> statement-breakpoint
CREATE TRIGGER `booking_events_insert_schedule` AFTER INSERT ON `booking_events` BEGIN UPDATE `change_counters` SET `n` = `n` + 1 WHERE `name` = 'schedule'; END;--> statement-breakpoint
CREATE TRIGGER `booking_events_update_schedule` AFTER UPDATE ON `booking_events` BEGIN UPDATE `change_counters` SET `n` = `n` + 1 WHERE `name` = 'schedule'; END;--> statement-breakpoint
CREATE TRIGGER `booking_events_delete_schedule` AFTER DELETE ON `booking_events` BEGIN UPDATE `change_counters` SET `n` = `n` + 1 WHERE `name` = 'schedule'; END;
