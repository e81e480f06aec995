CREATE TABLE `chat_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`platform` text NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`endpoint` text NOT NULL,
	`status` text NOT NULL,
	`requested_at` integer NOT NULL,
	`decided_by` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `chat_links_user` ON `chat_links` (`platform`,`user_id`);