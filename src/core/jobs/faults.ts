/**
 * An inbound message (a mail, a chat update) that fails this many times in a row for a fault of the desk's own is
 * set aside, so that it does not hold the messages behind it.
 */
export const SET_ASIDE_AFTER = 3;

/**
 * A fault of the desk's own code (a TypeError, a RangeError, a plain Error): it fails the same way every time, so
 * retrying the message cannot help. Errors with a `code` come from the disk, the database or the network
 * (SQLITE_FULL, a PostgreSQL SQLSTATE, ECONNRESET…) and pass: the message is retried until they do.
 */
export function ownFault(err: unknown): boolean {
  return err instanceof Error && (err as { code?: unknown }).code === undefined;
}
