import { DateTime } from "luxon";
import type { FaultCategory } from "../../core/incident/classify.js";
import {
  decideStorm,
  type StormMember,
  type StormOptions,
  stormKey,
  stormRoute,
  stormText,
} from "../../core/incident/storm.js";
import { type Incident, incidentCode } from "../../core/incident/types.js";
import type { Repos } from "../../store/store.js";
import type { Desk } from "../context.js";
import { incidentButtons } from "./messages.js";
import { INCIDENT_JOB } from "./timers.js";

const OPEN_MAJOR = (key: string) => `storm-open:${key}`;

type Fault = Exclude<FaultCategory, "other">;

function member(i: Incident): StormMember | null {
  if (i.category === "other" || i.unverified || i.reporter === "storm") return null;
  return {
    code: i.code,
    endpoint: i.endpoint,
    category: i.category,
    booking: i.booking,
    openedAt: i.openedAt,
    major: i.major ?? null,
  };
}

/**
 * Queue the storm message of `major` with its current text. `joined` are the reports this change adds (or
 * restates): the row is settled only when a group message showing this text (or a later one) is delivered, so
 * its sent time is when those reports were acknowledged.
 */
async function queueStormMessage(r: Repos, major: Incident, joined: string[], now: Date) {
  await r.outbox.enqueue(
    {
      channel: "storm",
      recipient: major.code,
      kind: "storm",
      booking: major.booking,
      payload: {
        text: major.text,
        joined,
        incident: major.code,
        buttons: incidentButtons(major.code, major.route),
      },
    },
    now,
  );
}

/**
 * A repeated report about an incident that belongs to a storm: it is acknowledged by the storm message as well
 * (its count does not change), never by a message of its own.
 */
export async function restateStormIn(r: Repos, incident: string, major: string, now: Date): Promise<void> {
  const m = await r.incidents.get(major);
  if (m) await queueStormMessage(r, m, [incident], now);
}

/**
 * Join a just-opened incident to its storm, when there is one: the open major incident of its session (or of its
 * fault class across endpoints), or a new major incident when this report tips the window over the threshold
 * (the recent reports of the same storm join it too). Each report stays recorded as its own incident, linked by
 * `major`; the group's one storm message is queued with the new count (the delivery edits it in place and
 * throttles it). Returns the major incident's code, or null when the report is no storm's.
 */
export async function joinStormIn(
  desk: Desk,
  r: Repos,
  inc: Incident,
  now: Date,
  opts: StormOptions,
  timers: { reminderMinutes: number; escalateMinutes: number },
): Promise<string | null> {
  const self = member(inc);
  if (!self) return null;
  const key = stormKey(self);
  const openCode = await r.meta.get(OPEN_MAJOR(key));
  const open = openCode ? await r.incidents.get(openCode) : null;
  const since = new Date(now.getTime() - opts.windowSeconds * 1000);
  const recent = open
    ? []
    : (await r.incidents.openSince(since)).map(member).filter((m): m is StormMember => m !== null);
  const decision = decideStorm(
    self,
    recent,
    open && open.status !== "resolved" ? open.code : null,
    now,
    opts,
  );
  if (decision.kind === "none") return null;
  let major: Incident;
  let joining: string[];
  if (decision.kind === "join") {
    major = open!;
    joining = [inc.code];
  } else {
    const year = DateTime.fromJSDate(now, { zone: desk.reg.zone }).year;
    const code = incidentCode(year, await r.bookings.nextSeq(`incident-${year}`));
    major = {
      code,
      endpoint: null,
      booking: inc.booking,
      category: inc.category,
      route: stormRoute(key, inc.category),
      status: "open",
      reporter: "storm",
      text: "",
      assignee: null,
      major: null,
      openedAt: now,
      updatedAt: now,
    };
    joining = decision.members;
    await r.incidents.save(major);
    await r.meta.set(OPEN_MAJOR(key), code);
    await r.incidents.addEvent(code, {
      at: now,
      actor: "system",
      channel: "storm",
      action: "opened-major",
      note: `${joining.length} phản ánh trong ${opts.windowSeconds} giây`,
    });
    // The same timers as an ordinary incident, whether or not a session is live: a storm is urgent by nature.
    const at = (m: number) => new Date(now.getTime() + m * 60_000);
    await r.jobs.schedule({ kind: INCIDENT_JOB.reminder, key: code, runAt: at(timers.reminderMinutes) }, now);
    await r.jobs.schedule({ kind: INCIDENT_JOB.escalate, key: code, runAt: at(timers.escalateMinutes) }, now);
  }
  for (const code of joining) {
    const child = code === inc.code ? inc : await r.incidents.get(code);
    if (!child) continue;
    await r.incidents.save({ ...child, major: major.code, updatedAt: now });
    // The major incident carries the reminders now: a report's own would remind the desk a second time.
    await r.jobs.cancel(INCIDENT_JOB.reminder, code);
    await r.jobs.cancel(INCIDENT_JOB.escalate, code);
    await r.incidents.addEvent(code, {
      at: now,
      actor: "system",
      channel: "storm",
      action: "joined-major",
      note: major.code,
    });
  }
  await recountStormIn(r, major, joining, now);
  return major.code;
}

/**
 * Word the storm message of `major` again from the reports it holds now (their endpoints and fault classes) and
 * queue it; `joining` are the reports the change acknowledges.
 */
export async function recountStormIn(r: Repos, major: Incident, joining: string[], now: Date): Promise<void> {
  const children = await r.incidents.byMajor(major.code);
  const counts = new Map<Fault, number>();
  for (const c of children)
    if (c.category !== "other") counts.set(c.category, (counts.get(c.category) ?? 0) + 1);
  const categories = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
  const endpoints = new Set(children.map((c) => c.endpoint)).size;
  const text = stormText(major.code, endpoints, categories, major.booking, major.route);
  const updated = { ...major, text, updatedAt: now };
  await r.incidents.save(updated);
  // One row per change; the delivery sends only the latest text, at most every few seconds. Nothing per report
  // goes to the group: the storm message acknowledges every report it counts.
  await queueStormMessage(r, updated, joining, now);
}
