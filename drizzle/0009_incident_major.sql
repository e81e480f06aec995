ALTER TABLE `incidents` ADD `major` text;--> statement-breakpoint
CREATE INDEX `incidents_major` ON `incidents` (`major`);--> statement-breakpoint
CREATE INDEX `incidents_opened` ON `incidents` (`status`,`opened_at`);