CREATE TABLE `web_login_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`login` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `web_login_failures_login` ON `web_login_failures` (`login`,`at`);--> statement-breakpoint
CREATE TABLE `web_login_pairs` (
	`login` text NOT NULL,
	`address` text NOT NULL,
	`failed` integer NOT NULL,
	`locked_until` integer,
	`last_failure` integer NOT NULL,
	PRIMARY KEY(`login`, `address`)
);
