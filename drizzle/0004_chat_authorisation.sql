CREATE TABLE `chat_link_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`link` integer NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`note` text
);
--> statement-breakpoint
ALTER TABLE `incidents` ADD `unverified` integer DEFAULT false NOT NULL;