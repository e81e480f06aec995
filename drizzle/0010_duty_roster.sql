CREATE TABLE `duty_overrides` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`date` text NOT NULL,
	`role` text NOT NULL,
	`person` text NOT NULL,
	`actor` text NOT NULL,
	`channel` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `duty_overrides_date` ON `duty_overrides` (`date`,`role`,`id`);--> statement-breakpoint
CREATE TABLE `duty_roster` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`role` text NOT NULL,
	`weekday` integer NOT NULL,
	`from_minute` integer NOT NULL,
	`to_minute` integer NOT NULL,
	`person` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `duty_roster_role` ON `duty_roster` (`role`,`weekday`);--> statement-breakpoint
CREATE TABLE `private_chats` (
	`platform` text NOT NULL,
	`user_id` text NOT NULL,
	`chat_id` text NOT NULL,
	`started_at` integer NOT NULL,
	PRIMARY KEY(`platform`, `user_id`)
);
