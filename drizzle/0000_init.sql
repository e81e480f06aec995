CREATE TABLE `agencies` (
	`name` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`aliases` text NOT NULL,
	`approved_quota` integer,
	`approval_ref` text
);
--> statement-breakpoint
CREATE TABLE `agency_mailboxes` (
	`address` text PRIMARY KEY NOT NULL,
	`agency` text NOT NULL,
	FOREIGN KEY (`agency`) REFERENCES `agencies`(`name`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `booking_endpoints` (
	`booking` text NOT NULL,
	`endpoint` text NOT NULL,
	`role` text NOT NULL,
	PRIMARY KEY(`booking`, `endpoint`),
	FOREIGN KEY (`booking`) REFERENCES `bookings`(`code`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `booking_endpoints_endpoint` ON `booking_endpoints` (`endpoint`);--> statement-breakpoint
CREATE TABLE `booking_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booking` text NOT NULL,
	`at` integer NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`actor` text NOT NULL,
	`channel` text NOT NULL,
	`reason` text NOT NULL,
	FOREIGN KEY (`booking`) REFERENCES `bookings`(`code`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `booking_events_booking` ON `booking_events` (`booking`);--> statement-breakpoint
CREATE TABLE `bookings` (
	`code` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`host` text,
	`host_endpoint` text,
	`title` text,
	`start_at` integer,
	`end_at` integer,
	`contact_name` text,
	`contact_phone` text,
	`emergency` integer NOT NULL,
	`secret` integer NOT NULL,
	`recording` integer NOT NULL,
	`city_hall_room` integer NOT NULL,
	`other_support` text,
	`unresolved` text NOT NULL,
	`priority` integer NOT NULL,
	`ports` integer DEFAULT 0 NOT NULL,
	`reasons` text NOT NULL,
	`missing` text NOT NULL,
	`channel` text NOT NULL,
	`sender` text NOT NULL,
	`received_at` integer NOT NULL,
	`sequence` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `bookings_start` ON `bookings` (`start_at`);--> statement-breakpoint
CREATE INDEX `bookings_status_start` ON `bookings` (`status`,`start_at`);--> statement-breakpoint
CREATE TABLE `counters` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `endpoints` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`level` text NOT NULL,
	`agency` text NOT NULL,
	`aliases` text NOT NULL,
	`control` integer DEFAULT false NOT NULL,
	`vpn_token` text,
	`dial` text,
	FOREIGN KEY (`agency`) REFERENCES `agencies`(`name`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `endpoints_agency` ON `endpoints` (`agency`);--> statement-breakpoint
CREATE TABLE `inbound_messages` (
	`channel` text NOT NULL,
	`key` text NOT NULL,
	`received_at` integer NOT NULL,
	`status` text NOT NULL,
	`booking` text,
	`detail` text,
	PRIMARY KEY(`channel`, `key`)
);
--> statement-breakpoint
CREATE TABLE `incident_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident` text NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`channel` text NOT NULL,
	`action` text NOT NULL,
	`note` text,
	FOREIGN KEY (`incident`) REFERENCES `incidents`(`code`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `incidents` (
	`code` text PRIMARY KEY NOT NULL,
	`endpoint` text,
	`booking` text,
	`category` text NOT NULL,
	`route` text NOT NULL,
	`status` text NOT NULL,
	`reporter` text NOT NULL,
	`text` text NOT NULL,
	`assignee` text,
	`opened_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `incidents_endpoint` ON `incidents` (`endpoint`,`status`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`payload` text NOT NULL,
	`run_at` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`done_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_kind_key` ON `jobs` (`kind`,`key`);--> statement-breakpoint
CREATE INDEX `jobs_due` ON `jobs` (`status`,`run_at`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`recipient` text NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`booking` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`available_at` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`status`,`available_at`);--> statement-breakpoint
CREATE TABLE `people` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`phone` text,
	`email` text,
	`endpoint` text,
	`role` text NOT NULL,
	`telegram_id` text,
	`zalo_id` text,
	FOREIGN KEY (`endpoint`) REFERENCES `endpoints`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `people_endpoint` ON `people` (`endpoint`);--> statement-breakpoint
CREATE UNIQUE INDEX `people_telegram` ON `people` (`telegram_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `people_zalo` ON `people` (`zalo_id`);