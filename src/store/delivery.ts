import type { OutboxMessage } from "./queue-repos.js";

/**
 * The port every outbox channel delivers through (SMTP, Telegram, Zalo, MCU): the mail and chat adapters
 * implement it and the outbox worker calls it, so neither imports the other.
 */

/** Delivers one message to the outside world (SMTP, Telegram, Zalo…). Throws on failure. */
export type Sender = (msg: OutboxMessage) => Promise<void>;

/** A failure that retrying cannot fix (the API said no for good): the message is parked at once. */
export class PermanentSendError extends Error {
  override name = "PermanentSendError";
}
