import type { Channel } from "../core/booking/types.js";
import type { HolidayCalendar } from "../core/calendar/holidays.js";
import type { Regulation } from "../core/regulation.js";
import type { Store } from "../store/store.js";

/** What every use case needs: the store, the rules' numbers and the working-day calendar. */
export interface Desk {
  store: Store;
  reg: Regulation;
  holidays: HolidayCalendar;
}

/** The directory person behind an actor, when there is one. */
export interface ActorPerson {
  id: number;
  name: string;
  /** The directory role: leader, technician, mcu-technician, wan-duty, admin. */
  role: string;
  /** The endpoint the person belongs to; null for desk staff. */
  endpoint: string | null;
}

/**
 * The acting person of a use case: who, on which channel (the audit trail records both), and for a person of
 * the directory their role. Chat actors keep their platform (`telegram`, `zalo`) as the channel.
 */
export interface Actor {
  /** Who acted: a mailbox, a chat user (`telegram:123`), `system`, `cli:<user>`, `web:<user>`. */
  id: string;
  channel: Channel;
  /** The directory person acting; null or absent for the system, a mailbox or an unregistered chat account. */
  person?: ActorPerson | null;
  /** How others are told who acted (a chat display name), when the person is not in the directory. */
  name?: string;
}

/** The desk roles: they handle incidents and sessions. */
export const DESK_ROLES = ["mcu-technician", "wan-duty", "admin"];

export function isDeskStaff(actor: Actor): boolean {
  return !!actor.person && DESK_ROLES.includes(actor.person.role);
}

/** Why the desk refused an action, as a code a channel can branch on. */
export type RefusalReason =
  | "not-found"
  | "wrong-status"
  | "slot-taken"
  | "not-secret"
  | "forbidden"
  | "change-refused"
  | "unchanged";

/**
 * An action a person asked for that the rules do not allow: the message says why, in Vietnamese, and `reason`
 * says it as a code.
 */
export class DeskError extends Error {
  override name = "DeskError";
  constructor(
    message: string,
    readonly reason: RefusalReason = "wrong-status",
  ) {
    super(message);
  }
}

/** A refused action as a value. */
export interface Refusal {
  ok: false;
  reason: RefusalReason;
  /** What to tell the person, in Vietnamese. */
  message: string;
}

/** Run a use case that throws `DeskError` for refusals; the refusal comes back as a value, bugs still throw. */
export async function refusalOf<T>(run: () => Promise<T>): Promise<{ ok: true; value: T } | Refusal> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    if (err instanceof DeskError) return { ok: false, reason: err.reason, message: err.message };
    throw err;
  }
}
