import { DateTime } from "luxon";
import { offSessionDue } from "../../core/duty/roster.js";
import {
  alsoSaid,
  classify,
  type FaultCategory,
  routeOf,
  stillFailing,
} from "../../core/incident/classify.js";
import { namedPlace } from "../../core/incident/place.js";
import { DEFAULT_STORM, type StormOptions } from "../../core/incident/storm.js";
import { type Incident, incidentCode } from "../../core/incident/types.js";
import type { Repos } from "../../store/store.js";
import type { Actor, Desk } from "../context.js";
import {
  alsoReportedNote,
  commentGroupText,
  correctedGroupText,
  correctedKeptNotice,
  correctedKeptText,
  correctedNotice,
  correctedStormText,
  correctedText,
  deskGroupText,
  droppedNote,
  droppedNotice,
  FORWARD_NO_ENDPOINT_TEXT,
  incidentButtons,
  joinedText,
  linkAlsoGroupText,
  linkAlsoMcuNote,
  linkAlsoNotice,
  NO_ENDPOINT_TEXT,
  namedPlaceText,
  namedReportText,
  newIncidentNotice,
  openedText,
  reportedFromNote,
  reportPlace,
  splitCorrectedText,
  splitNote,
  strangerJoinedText,
  strangerNotice,
  strangerOpenedText,
} from "./messages.js";
import { deskNotice, incidentPlace, liveBookingAt } from "./notify.js";
import { joinStormIn, recountStormIn, restateStormIn } from "./storm.js";
import { INCIDENT_JOB } from "./timers.js";

export interface IncidentOptions {
  /** A repeated report of the same fault at the same endpoint within this many minutes joins the open one. */
  joinMinutes: number;
  /** During a live session, an unacknowledged incident reminds the duty after this long, then escalates. */
  ackReminderMinutes: number;
  escalateMinutes: number;
  /** Storms: many reports in a window about one session or one fault class form one major incident. */
  storm: StormOptions;
  /**
   * Outside sessions the same reminder and escalation, after longer delays: working minutes (office hours of
   * working days) for a non-urgent class, wall-clock minutes for an urgent one.
   */
  offSession: { reminderMinutes: number; escalateMinutes: number; urgent: FaultCategory[] };
}

/**
 * How the reporter is told, when the channel answers in its own conversation (chat): called before the desk is
 * told, so that in a group the reporter's answer comes first. `inWords`: the answer names a place the report's
 * words were read as naming, for the reporter to check; a reaction would not show it. `incident`: the incident the
 * report now stands for (an edit of the report finds it by the answer).
 */
export type Tell = (notice: string, how?: { inWords: boolean; incident: string }) => Promise<void>;

export const DEFAULT_INCIDENT_OPTIONS: IncidentOptions = {
  joinMinutes: 10,
  ackReminderMinutes: 5,
  escalateMinutes: 10,
  storm: DEFAULT_STORM,
  offSession: { reminderMinutes: 60, escalateMinutes: 240, urgent: ["network", "power"] },
};

export interface IncidentReport {
  /** The reporter's own words. */
  text: string;
  /**
   * The words are someone else's, relayed (a chat message forwarded into the group): they say where the fault is,
   * the relayer's own endpoint does not. Filed at the one endpoint they name; naming none, not filed (`no-endpoint`).
   */
  forwarded?: boolean;
}

export type ReportOutcome =
  | {
      ok: true;
      /** `opened`: a new incident; `joined`: the same fault was already open and the report was added to it. */
      kind: "opened" | "joined";
      incident: Incident;
      /** Reported from an account not linked to the directory: recorded for the desk to verify. */
      unverified: boolean;
      /** What the reporter is told. */
      notice: string;
      /** The report in a few characters, for an acknowledgement merged with many others. */
      short: string;
      /** The major incident (storm) the report joined, if any. */
      major: string | null;
      /**
       * The report was filed at another endpoint than the reporter's, one its words named, and the notice says
       * which (in the same words whether its session is secret or not): the channel answers in words, so a wrong
       * guess is seen and corrected.
       */
      inWords: boolean;
      /**
       * The report said a second fault that another duty owns («mất mạng, máy chiếu cũng hỏng»): it was filed
       * for that duty as its own incident (opened, or joined to one open for it), and this is its outcome.
       */
      also?: ReportFiled;
    }
  /** The text describes no fault the desk handles. */
  | { ok: false; reason: "not-a-fault" }
  /** Desk staff belong to no endpoint: a fault is reported from an endpoint. */
  | { ok: false; reason: "no-endpoint"; message: string };

export type ReportFiled = Extract<ReportOutcome, { ok: true }>;

/**
 * The fault a report says beside its first one that another duty owns, if any: «mất mạng, máy chiếu cũng hỏng» is
 * the link (the WAN duty's) and a projector (the MCU technician's). The WAN duty cannot fix a projector, and the
 * MCU technician, told nothing, never looked at it. Not the sound or the picture beside the link (lost with it),
 * nor the link beside the power (the power comes first: `linkAlsoDown`).
 */
export function otherOwnerFault(text: string, primary = classify(text)): FaultCategory | null {
  if (primary === "other") return null;
  return (
    alsoSaid(text).find(
      (c) =>
        routeOf(c) !== routeOf(primary) &&
        !(primary === "network" && (c === "audio" || c === "video")) &&
        !(primary === "power" && c === "network"),
    ) ?? null
  );
}

/**
 * A free-text fault report from a reporter at an endpoint: classify it, join it to the same open fault or open
 * an incident routed to the MCU technicians or the WAN duty, tell the desk, and arm the acknowledgement timers
 * when a session is live. A reporter not in the directory gets an unverified incident and is asked to register.
 */
export function reportIncident(
  desk: Desk,
  actor: Actor,
  input: IncidentReport,
  now: Date,
  opts: IncidentOptions = DEFAULT_INCIDENT_OPTIONS,
): Promise<ReportOutcome> {
  return desk.store.tx((r) => reportIncidentIn(desk, r, actor, input, now, opts));
}

/**
 * A fault report over the reporter's per-person limit (not handled as a report): when the same fault at their
 * endpoint is open and belongs to a storm, it is still recorded on that incident and acknowledged by the storm
 * message (which costs the group nothing more: the storm's next update carries it). True when so; otherwise
 * the caller tells the reporter they are over the limit.
 */
export async function recordOverLimitIn(
  r: Repos,
  actor: Actor,
  input: IncidentReport,
  now: Date,
  opts: IncidentOptions = DEFAULT_INCIDENT_OPTIONS,
): Promise<boolean> {
  const category = classify(input.text);
  const own = actor.person?.endpoint;
  if (category === "other" || !own) return false;
  const { endpoint, from } = await placeOf(r, input.text, input.forwarded ? null : own);
  if (endpoint === null) return false;
  const open = await r.incidents.openAt(
    endpoint,
    category,
    new Date(now.getTime() - opts.joinMinutes * 60_000),
  );
  if (!open?.major) return false;
  await r.incidents.addEvent(open.code, {
    at: now,
    actor: actor.id,
    channel: actor.channel,
    action: "reported-over-limit",
    note: from ? reportedFromNote(input.text, from) : input.text,
  });
  await restateStormIn(r, open.code, open.major, now);
  return true;
}

/** How long an endpoint's open incident is the one its «vẫn chưa được» speaks of. */
const STILL_OPEN_HOURS = 12;

/** A report added to an incident already open for it: recorded, the storm restated, the reporter told. */
async function joinReport(
  r: Repos,
  actor: Actor,
  joined: Incident,
  note: string,
  now: Date,
  tell: Tell,
  named: { inWords: boolean; notice: string | undefined } = { inWords: false, notice: undefined },
): Promise<ReportOutcome> {
  await r.incidents.addEvent(joined.code, {
    at: now,
    actor: actor.id,
    channel: actor.channel,
    action: "reported-again",
    note,
  });
  if (joined.major) await restateStormIn(r, joined.code, joined.major, now);
  const notice = named.notice ?? joinedText(joined);
  await tell(notice, { inWords: named.inWords, incident: joined.code });
  return {
    ok: true,
    kind: "joined",
    incident: joined,
    unverified: false,
    notice,
    short: joined.code,
    major: joined.major ?? null,
    inWords: named.inWords,
  };
}

/**
 * `reportIncident` inside the caller's transaction (chat claims its update id in the same one). A report naming
 * two faults of two owners is filed for each (`otherOwnerFault`): two incidents, each routed, notified and timed as
 * a report of its own fault would be; the second's outcome is `also`. One incident routed to both would need two
 * assignees, two acknowledgements and two sets of reminders on one row, which the incident model does not have.
 */
export async function reportIncidentIn(
  desk: Desk,
  r: Repos,
  actor: Actor,
  input: IncidentReport,
  now: Date,
  opts: IncidentOptions = DEFAULT_INCIDENT_OPTIONS,
  tell: Tell = async () => {},
): Promise<ReportOutcome> {
  const primary = classify(input.text);
  const other = otherOwnerFault(input.text, primary);
  const split = other ? { primary, other } : null;
  const first = await reportFaultIn(desk, r, actor, input, primary, now, opts, tell, split);
  if (!first.ok || !split) return first;
  const also = await reportFaultIn(desk, r, actor, input, split.other, now, opts, tell, split);
  return also.ok ? { ...first, also } : first;
}

/**
 * A report naming two faults of two owners (`otherOwnerFault`): `primary`, its words' first fault, and `other`, the
 * one filed for the other duty as its own incident. Read once per report, not again for each incident's notice.
 */
type Split = { primary: FaultCategory; other: FaultCategory } | null;

/** One fault of a report, `category`: the report's first fault, or the one another duty owns. */
async function reportFaultIn(
  desk: Desk,
  r: Repos,
  actor: Actor,
  input: IncidentReport,
  category: FaultCategory,
  now: Date,
  opts: IncidentOptions,
  tell: Tell,
  split: Split,
): Promise<ReportOutcome> {
  const person = actor.person;
  if (category === "other") {
    // «vẫn chưa được anh ạ» under a fault the endpoint reported: it is that incident's, not silence.
    const open =
      person?.endpoint && !input.forwarded && stillFailing(input.text)
        ? await r.incidents.latestOpenAt(
            person.endpoint,
            new Date(now.getTime() - STILL_OPEN_HOURS * 3_600_000),
          )
        : null;
    if (!open) return { ok: false, reason: "not-a-fault" };
    return joinReport(r, actor, open, input.text, now, tell);
  }
  if (!person) return strangerReport(desk, r, actor, input, category, now, opts, tell);
  // "Phòng họp UBND phường Ba Đình mất hình" from the Sở Y tế technician is a fault at Ba Đình, reported from Sở Y tế.
  // Desk staff have no endpoint of their own: a report of theirs is filed where its words point, or not at all.
  // A forward relays someone else's words: where they point, never the forwarder's endpoint by default.
  const place = await placeOf(r, input.text, input.forwarded ? null : person.endpoint);
  const { endpoint, name } = place;
  if (endpoint === null)
    return {
      ok: false,
      reason: "no-endpoint",
      message: input.forwarded ? FORWARD_NO_ENDPOINT_TEXT : NO_ENDPOINT_TEXT,
    };
  const from = endpoint !== person.endpoint ? person.endpoint : null;
  /** The words named the endpoint (not the reporter's own): the answer names it in words. */
  const namedElsewhere = endpoint !== person.endpoint;
  const note = from ? reportedFromNote(input.text, from) : input.text;
  const joined = await r.incidents.openAt(
    endpoint,
    category,
    new Date(now.getTime() - opts.joinMinutes * 60_000),
  );
  if (joined) {
    // «mất điện và mất mạng luôn» added to an open power incident that said nothing of the link: the WAN duty is
    // told now, once, as a first report saying both would have told it. A storm's report likewise, once a storm
    // (it was told nothing: the report joined its endpoint's incident in the storm, and no new report said it).
    const linkNews =
      joined.route === "mcu" &&
      joined.category === "power" &&
      alsoSaid(input.text).includes("network") &&
      !(joined.major ? await stormToldOfLink(r, joined.major) : await wanToldOfLink(r, joined));
    if (linkNews) await tellWanToo(r, joined, await incidentPlace(r, joined), now, joined.major ?? null);
    // A storm's report is acknowledged by the storm message alone, named place or not. A named place is said in
    // words that are the same whatever the session (Điều 5.2).
    const inWords = namedElsewhere && !joined.major;
    return joinReport(r, actor, joined, note, now, tell, {
      inWords,
      notice: inWords
        ? namedReportText("joined", category, joined.route, { code: endpoint, name }, joined.code)
        : undefined,
    });
  }
  const booking = await liveBookingAt(r, endpoint, now);
  const incident = await openIncident(desk, r, now, actor, category, input.text, note, {
    endpoint,
    booking: booking?.code ?? null,
  });
  const { code, route } = incident;
  // Điều 5.2: during a secret session neither the endpoint nor the reporter is tied to it in chat.
  const secret = booking?.request.secret ?? false;
  const session = booking ? { code: booking.code, secret } : null;
  const named = namedElsewhere ? namedPlaceText({ code: endpoint, name }, session) : null;
  const where = named ?? reportPlace(endpoint, session);
  const short = secret ? code : `${code} (${endpoint})`;
  const major = await joinStormIn(desk, r, incident, now, opts.storm, {
    reminderMinutes: opts.ackReminderMinutes,
    escalateMinutes: opts.escalateMinutes,
  });
  if (major) {
    // Power and the link down in a storm: the WAN duty is told with the first of its reports that says both (one
    // notice a storm, not one a report; a report that said it before the storm formed told it already).
    if (linkAlsoDown(incident) && !(await stormToldOfLink(r, major, code)))
      await tellWanToo(r, incident, where, now, major);
    // The group reads one storm message about the major incident instead of a notice per report.
    const notice = `${openedText(code, category, route, where, secret)} Thuộc sự cố diện rộng ${major}.`;
    await tell(notice, { inWords: false, incident: code });
    return {
      ok: true,
      kind: "opened",
      incident: { ...incident, major },
      unverified: false,
      notice,
      short,
      major,
      inWords: false,
    };
  }
  // A named place is answered in words, the same ones whether its session is secret or not (Điều 5.2): a
  // reaction for one and words for the other would tell the group which. The duty's notice below says more.
  const notice = namedElsewhere
    ? namedReportText("opened", category, route, { code: endpoint, name }, code)
    : openedText(code, category, route, where, secret);
  await tell(notice, { inWords: namedElsewhere, incident: code });
  const linkToo = linkAlsoDown(incident);
  await deskNotice(
    r,
    route === "wan" ? "wan-duty" : "mcu-technician",
    newIncidentNotice(
      code,
      category,
      where,
      secret ? null : (actor.name ?? person.name),
      secret ? null : from,
    ) +
      alsoReportedNote(faultsBesides(incident, split)) +
      splitNoteOf(incident, split) +
      (linkToo ? linkAlsoMcuNote() : ""),
    now,
    code,
    incidentButtons(code, route),
    { groupText: deskGroupText(incident, "new") },
  );
  if (linkToo) await tellWanToo(r, incident, where, now);
  await armTimers(desk, r, incident, now, opts);
  return {
    ok: true,
    kind: "opened",
    incident,
    unverified: false,
    notice,
    short,
    major: null,
    inWords: namedElsewhere,
  };
}

/**
 * «mất điện và mất mạng luôn»: the power comes first and the incident is the MCU technician's, but the WAN duty
 * heard nothing of the link, and learnt of it only if the MCU technician thought to transfer it once the power was
 * back. One incident still (one fault to fix first, one owner, one set of reminders): the WAN duty gets a notice to
 * know, without buttons, and the incident is transferred (/chuyen … wan) when the link is still down after.
 */
function linkAlsoDown(inc: Incident): boolean {
  return inc.route === "mcu" && alsoSaid(inc.text).includes("network");
}

/**
 * The faults a new incident's report says besides its own, for its duty to read: not the link beside the power
 * (`linkAlsoMcuNote` says it), nor the sound or the picture beside the link (lost with it).
 */
function faultsBesides(inc: Incident, split: Split): FaultCategory[] {
  // The second fault of a report naming two owners' is its own incident: its notice names the first one's duty
  // instead (`splitNote`); the first one's names it likewise.
  if (splitOff(inc, split)) return [];
  return alsoSaid(inc.text).filter(
    (c) =>
      c !== split?.other &&
      !(c === "network" && linkAlsoDown(inc)) &&
      !(inc.category === "network" && (c === "audio" || c === "video")),
  );
}

/** An incident filed for the second fault of a report naming two owners'. */
function splitOff(inc: Incident, split: Split): boolean {
  return split !== null && inc.category === split.other;
}

/** The line a split report's duty reads of the other fault, filed for the other duty. */
function splitNoteOf(inc: Incident, split: Split): string {
  if (!split) return "";
  const said = splitOff(inc, split) ? split.primary : split.other;
  return splitNote(said, routeOf(said));
}

/** Was the WAN duty told the link is down too: by the incident's first words, or a report joined to it since? */
async function wanToldOfLink(r: Repos, inc: Incident): Promise<boolean> {
  if (linkAlsoDown(inc)) return true;
  return (await r.incidents.events(inc.code)).some(
    (e) => e.action === "reported-again" && !!e.note && alsoSaid(e.note).includes("network"),
  );
}

/** Was the WAN duty told the link is down too by any report of the storm `major` (but the report `except`)? */
async function stormToldOfLink(r: Repos, major: string, except?: string): Promise<boolean> {
  for (const c of await r.incidents.byMajor(major))
    if (c.code !== except && (await wanToldOfLink(r, c))) return true;
  return false;
}

async function tellWanToo(r: Repos, inc: Incident, where: string, now: Date, major: string | null = null) {
  await deskNotice(r, "wan-duty", linkAlsoNotice(inc.code, where, major), now, inc.code, undefined, {
    groupText: linkAlsoGroupText(inc.code),
  });
}

/** The acknowledgement timers of a new incident: during its session soon, outside one later (urgent or not). */
async function armTimers(desk: Desk, r: Repos, inc: Incident, now: Date, opts: IncidentOptions) {
  const { code, category } = inc;
  if (inc.booking) {
    const at = (m: number) => new Date(now.getTime() + m * 60_000);
    await r.jobs.schedule(
      { kind: INCIDENT_JOB.reminder, key: code, runAt: at(opts.ackReminderMinutes) },
      now,
    );
    await r.jobs.schedule({ kind: INCIDENT_JOB.escalate, key: code, runAt: at(opts.escalateMinutes) }, now);
  } else {
    // Outside sessions: the same chain, later, counted in working hours unless the class is urgent.
    const off = opts.offSession ?? DEFAULT_INCIDENT_OPTIONS.offSession;
    const urgent = off.urgent.includes(category);
    const at = (m: number) => offSessionDue(now, m, urgent, desk.holidays, desk.reg.zone, desk.reg.workday);
    await r.jobs.schedule({ kind: INCIDENT_JOB.reminder, key: code, runAt: at(off.reminderMinutes) }, now);
    await r.jobs.schedule({ kind: INCIDENT_JOB.escalate, key: code, runAt: at(off.escalateMinutes) }, now);
  }
}

export type CorrectionOutcome = {
  /** The other incident the edited message stands for, when it named two faults of two duties. */
  also?: string;
  /**
   * `rerouted`: the first incident now says the new fault; `kept`: it was taken, and a new one was filed; `storm`:
   * it belongs to a storm, whose message (restated) acknowledges the edit.
   */
  kind: "rerouted" | "kept" | "storm";
  /** The incident the edited message now stands for. */
  incident: Incident;
  /** What the reporter's chat is told. */
  notice: string;
};

/**
 * A report edited into another fault («mất tiếng» → «mất mạng») within the time a repeat joins its incident:
 * `code` is the incident the message opened. Not taken yet (nobody pressed «Nhận», no transfer, no storm), it
 * now says the new fault and is routed where it belongs: the duty who no longer has it is told so, the one who
 * has it now gets it as new (the MCU technician was paged for a typo, and the WAN duty told besides). Taken, it
 * stays with its taker, who is told, and the new fault is filed as any report. Null when there is nothing to
 * correct (the same fault, another place, or the first one resolved): the edit is read as a report.
 */
export async function correctReportIn(
  desk: Desk,
  r: Repos,
  actor: Actor,
  code: string,
  input: IncidentReport,
  now: Date,
  opts: IncidentOptions = DEFAULT_INCIDENT_OPTIONS,
): Promise<CorrectionOutcome | null> {
  const category = classify(input.text);
  if (category === "other") return null;
  const prev = await correctable(r, actor, await r.incidents.get(code), input);
  if (!prev || category === prev.category) return null;
  // Edited into two duties' faults («máy chiếu hỏng» → «mất mạng, máy chiếu cũng hỏng»): corrected as a report that
  // named two from the start, so that the fault still said keeps its incident and the new one is filed beside it.
  // Rerouting the projector's incident to the link left nobody with the projector.
  // The fault and the incident were read and checked here: the split correction reads neither again.
  if (otherOwnerFault(input.text, category))
    return correctSplitIn(desk, r, actor, [prev], category, input, now, opts, async () => prev);
  return correctInto(desk, r, actor, prev, category, input, now, opts, () =>
    reportIncidentIn(desk, r, actor, input, now, opts),
  );
}

/**
 * The incident `prev` (as read; null when there is none) as its report's sender may correct it by editing the
 * report: open, theirs alone, and at the place the edited words still point to. A message that joined someone
 * else's incident, or one others reported too, does not correct it: their reports still say its fault. Null
 * otherwise (the edit is a report of its own).
 */
async function correctable(
  r: Repos,
  actor: Actor,
  prev: Incident | null,
  input: IncidentReport,
): Promise<Incident | null> {
  if (!prev || prev.status === "resolved") return null;
  const others = (await r.incidents.events(prev.code)).some(
    (e) => e.action.startsWith("reported") && e.actor !== actor.id,
  );
  if (prev.reporter !== actor.id || others) return null;
  const own = actor.person?.endpoint;
  const { endpoint } = own ? await placeOf(r, input.text, own) : await placeOf(r, input.text, null);
  return endpoint === prev.endpoint ? prev : null;
}

/**
 * Correct `prev` into `category` (see `correctReportIn`); `fileNew` files the edited report when `prev` was taken
 * already and stays with its taker.
 */
async function correctInto(
  desk: Desk,
  r: Repos,
  actor: Actor,
  prev: Incident,
  category: Exclude<FaultCategory, "other">,
  input: IncidentReport,
  now: Date,
  opts: IncidentOptions,
  fileNew: () => Promise<ReportOutcome>,
): Promise<CorrectionOutcome | null> {
  const place = await incidentPlace(r, prev);
  const event = { at: now, actor: actor.id, channel: actor.channel, action: "corrected" };
  const duty = (route: string) => (route === "wan" ? "wan-duty" : "mcu-technician");
  if (prev.major) {
    const storm = await r.incidents.get(prev.major);
    if (storm && storm.status !== "resolved")
      return correctStormReport(desk, r, prev, storm, category, input.text, event, place, now, opts);
  }
  if (prev.status !== "open" || prev.assignee || prev.major) {
    const filed = await fileNew();
    if (!filed.ok) return null;
    await r.incidents.addEvent(prev.code, {
      ...event,
      note: `${input.text} (tiếp nhận thành ${filed.incident.code})`,
    });
    await deskNotice(
      r,
      duty(prev.route),
      correctedKeptNotice(prev, filed.incident, place),
      now,
      prev.code,
      undefined,
      { groupText: commentGroupText(prev.code) },
    );
    return {
      kind: "kept",
      incident: filed.incident,
      notice: correctedKeptText(
        prev.category,
        category,
        filed.incident.route,
        filed.incident.code,
        prev.code,
      ),
    };
  }
  const next: Incident = { ...prev, category, route: routeOf(category), text: input.text, updatedAt: now };
  await r.incidents.save(next);
  await r.incidents.addEvent(prev.code, { ...event, note: input.text });
  await r.jobs.cancel(INCIDENT_JOB.reminder, prev.code);
  await r.jobs.cancel(INCIDENT_JOB.escalate, prev.code);
  await armTimers(desk, r, next, now, opts);
  const text = correctedNotice(next, prev.category, place, prev.route);
  const groupText = correctedGroupText(next, prev.category, prev.route);
  if (next.route !== prev.route)
    await deskNotice(r, duty(prev.route), text, now, prev.code, undefined, { groupText });
  // Whoever has it now can take it from this notice, as from a new one.
  await deskNotice(r, duty(next.route), text, now, next.code, incidentButtons(next.code, next.route), {
    groupText: next.route !== prev.route ? deskGroupText(next, "new") : groupText,
  });
  // «mất tiếng» edited into «mất điện và mất mạng luôn»: the WAN duty knows of the link, as with a first report.
  if (linkAlsoDown(next) && !linkAlsoDown(prev)) await tellWanToo(r, next, place, now);
  return {
    kind: "rerouted",
    incident: next,
    notice: correctedText(prev.category, category, next.route, prev.route, next.code),
  };
}

/**
 * A report that joined a storm, edited into another fault: it stays one report, never a second incident beside it
 * (a second one joined the storm again, or paged a duty, and the endpoint counted twice). A session's storm holds
 * every fault of its session: the report stays in it with its new fault, and the storm message, restated with the
 * new classes, acknowledges the edit as it did the report. A storm of one fault class across endpoints no longer
 * holds it: the report leaves it (the storm message counts one endpoint less) and is filed as its new fault, in that
 * fault's storm if one is open, else routed to its duty as a new incident.
 */
async function correctStormReport(
  desk: Desk,
  r: Repos,
  prev: Incident,
  storm: Incident,
  category: Exclude<FaultCategory, "other">,
  text: string,
  event: { at: Date; actor: string; channel: string; action: string },
  place: string,
  now: Date,
  opts: IncidentOptions,
): Promise<CorrectionOutcome> {
  if (storm.booking) {
    const next: Incident = { ...prev, category, route: routeOf(category), text, updatedAt: now };
    await r.incidents.save(next);
    await r.incidents.addEvent(prev.code, { ...event, note: text });
    await recountStormIn(r, storm, [prev.code], now);
    // Edited into «mất điện và mất mạng luôn»: the WAN duty knows of the link, once a storm, as with a report.
    if (linkAlsoDown(next) && !(await stormToldOfLink(r, storm.code, next.code)))
      await tellWanToo(r, next, place, now, storm.code);
    return {
      kind: "storm",
      incident: next,
      notice: correctedStormText(prev.category, category, storm.code, storm.route),
    };
  }
  const left: Incident = {
    ...prev,
    category,
    route: routeOf(category),
    text,
    status: "open",
    assignee: null,
    major: null,
    updatedAt: now,
  };
  await r.incidents.save(left);
  await r.incidents.addEvent(prev.code, { ...event, note: `${text} (rời sự cố diện rộng ${storm.code})` });
  await recountStormIn(r, storm, [], now);
  const major = await joinStormIn(desk, r, left, now, opts.storm, {
    reminderMinutes: opts.ackReminderMinutes,
    escalateMinutes: opts.escalateMinutes,
  });
  if (major) {
    if (linkAlsoDown(left) && !(await stormToldOfLink(r, major, left.code)))
      await tellWanToo(r, left, place, now, major);
    return {
      kind: "storm",
      incident: { ...left, major },
      notice: correctedStormText(prev.category, category, major, left.route),
    };
  }
  await armTimers(desk, r, left, now, opts);
  await deskNotice(
    r,
    left.route === "wan" ? "wan-duty" : "mcu-technician",
    correctedNotice(left, prev.category, place, storm.route) + (linkAlsoDown(left) ? linkAlsoMcuNote() : ""),
    now,
    left.code,
    incidentButtons(left.code, left.route),
    { groupText: deskGroupText(left, "new") },
  );
  if (linkAlsoDown(left)) await tellWanToo(r, left, place, now);
  return {
    kind: "rerouted",
    incident: left,
    notice: correctedText(prev.category, category, left.route, storm.route, left.code),
  };
}

/**
 * An edit of a report that named two faults of two duties and opened two incidents (`codes`): each is matched with
 * the faults the edited words say. One still said stays as it is; one no longer said takes the edited words' fault
 * that no incident has yet (corrected as `correctReportIn` does), else it is kept, and its duty told to check with
 * the endpoint (the reporter may have dropped it by mistake, and it may be real: nothing is closed for an edit).
 * Only the first used to be corrected: «máy chiếu hỏng» made the link's incident a second projector's, and a fault
 * edited away was left for its duty with no word. Null when nothing changes: the edit is read as a report.
 */
export async function correctSplitReportIn(
  desk: Desk,
  r: Repos,
  actor: Actor,
  codes: readonly string[],
  input: IncidentReport,
  now: Date,
  opts: IncidentOptions = DEFAULT_INCIDENT_OPTIONS,
): Promise<CorrectionOutcome | null> {
  const primary = classify(input.text);
  if (primary === "other") return null;
  const existing: Incident[] = [];
  for (const c of codes) {
    const inc = await r.incidents.get(c);
    if (inc) existing.push(inc);
  }
  return correctSplitIn(desk, r, actor, existing, primary, input, now, opts, (inc) =>
    correctable(r, actor, inc, input),
  );
}

/**
 * `correctSplitReportIn` with the edited words' first fault (`primary`) and the incidents (`existing`) read
 * already; `mayCorrect`: the incident as its sender may correct it (`correctable`), or null. `correctReportIn`,
 * which checked its one incident before finding the edit names two duties' faults, answers with it at once.
 */
async function correctSplitIn(
  desk: Desk,
  r: Repos,
  actor: Actor,
  existing: readonly Incident[],
  primary: Exclude<FaultCategory, "other">,
  input: IncidentReport,
  now: Date,
  opts: IncidentOptions,
  mayCorrect: (inc: Incident) => Promise<Incident | null>,
): Promise<CorrectionOutcome | null> {
  const other = otherOwnerFault(input.text, primary);
  const split = other ? { primary, other } : null;
  const said = new Set<FaultCategory>([primary, ...alsoSaid(input.text)]);
  const fresh = [primary, ...(other ? [other] : [])].filter(
    (c): c is Exclude<FaultCategory, "other"> => c !== "other" && !existing.some((i) => i.category === c),
  );
  const corrected: CorrectionOutcome[] = [];
  const dropped: Incident[] = [];
  const standsFor = new Map(existing.map((i) => [i.code, i.code]));
  for (const inc of existing) {
    if (said.has(inc.category)) continue;
    const prev = await mayCorrect(inc);
    if (!prev) continue;
    const to = fresh.shift();
    if (!to) {
      await dropFromReport(desk, r, actor, prev, input, now, opts);
      dropped.push(prev);
      continue;
    }
    const done = await correctInto(desk, r, actor, prev, to, input, now, opts, () =>
      reportFaultIn(desk, r, actor, input, to, now, opts, async () => {}, split),
    );
    if (!done) continue;
    corrected.push(done);
    standsFor.set(inc.code, done.incident.code);
  }
  // A fault the edited words say that no incident stands for (a one-fault report edited into two duties' faults, or
  // one whose incident its sender may not correct): filed as the report of it would be, not lost.
  const added: Incident[] = [];
  for (const to of fresh) {
    const filed = await reportFaultIn(desk, r, actor, input, to, now, opts, async () => {}, split);
    if (!filed.ok) continue;
    added.push(filed.incident);
    standsFor.set(filed.incident.code, filed.incident.code);
  }
  if (!corrected.length && !dropped.length && !added.length) return null;
  const stand = [...standsFor.values()];
  const incident = corrected[0]?.incident ?? (await r.incidents.get(stand[0]!))!;
  const also = stand.find((c) => c !== incident.code);
  return {
    kind:
      corrected.length && !dropped.length && corrected.every((c) => c.kind === "storm")
        ? "storm"
        : (corrected[0]?.kind ?? "kept"),
    incident,
    ...(also ? { also } : {}),
    notice: splitCorrectedText(
      corrected.map((c) => c.notice),
      dropped,
      stand,
      added,
    ),
  };
}

/**
 * A fault of a split report its sender edited away: kept, noted, and its duty told to check with the endpoint. One
 * that had joined a storm of its fault class leaves it, as a report edited into another fault does
 * (`correctStormReport`): the storm no longer counts an endpoint that does not say its fault, and the incident is
 * its duty's own again, with its reminders and the buttons to take it (it was left counted in the storm while the
 * duty was told to close it alone). In a session's storm, which holds every fault of its session, it stays, and
 * the storm's message speaks for it.
 */
async function dropFromReport(
  desk: Desk,
  r: Repos,
  actor: Actor,
  inc: Incident,
  input: IncidentReport,
  now: Date,
  opts: IncidentOptions,
) {
  const storm = inc.major ? await r.incidents.get(inc.major) : null;
  const live = storm && storm.status !== "resolved" ? storm : null;
  const event = { at: now, actor: actor.id, channel: actor.channel, action: "corrected" };
  if (live?.booking) {
    await r.incidents.addEvent(inc.code, { ...event, note: `${input.text} (${droppedNote(inc)})` });
    return;
  }
  const kept: Incident = live ? { ...inc, status: "open", assignee: null, major: null, updatedAt: now } : inc;
  if (live) await r.incidents.save(kept);
  await r.incidents.addEvent(inc.code, {
    ...event,
    note: `${input.text} (${droppedNote(inc)}${live ? `; rời sự cố diện rộng ${live.code}` : ""})`,
  });
  if (live) {
    await recountStormIn(r, live, [], now);
    await armTimers(desk, r, kept, now, opts);
  }
  await deskNotice(
    r,
    kept.route === "wan" ? "wan-duty" : "mcu-technician",
    droppedNotice(kept, await incidentPlace(r, kept)),
    now,
    kept.code,
    live ? incidentButtons(kept.code, kept.route) : undefined,
    { groupText: live ? deskGroupText(kept, "new") : commentGroupText(kept.code) },
  );
}

/**
 * Where a report is filed: the one endpoint its words name with confidence, else the reporter's own (`own`; null
 * for a stranger). `from` is the reporter's own endpoint when the words named another one; `name` is the filed
 * endpoint's directory name.
 */
async function placeOf(r: Repos, text: string, own: string): Promise<Place<string>>;
async function placeOf(r: Repos, text: string, own: string | null): Promise<Place<string | null>>;
async function placeOf(r: Repos, text: string, own: string | null): Promise<Place<string | null>> {
  const snapshot = await r.directory.snapshot();
  const found = namedPlace(text, snapshot.matcher(), snapshot.directory.endpoints);
  const endpoint = found.kind === "one" ? found.code : own;
  return {
    endpoint,
    from: endpoint !== own ? own : null,
    name: endpoint ? (snapshot.endpoint(endpoint)?.name ?? endpoint) : "",
  };
}

interface Place<E extends string | null> {
  endpoint: E;
  /** The reporter's own endpoint, when the words named another one (null for a stranger). */
  from: string | null;
  name: string;
}

/**
 * Saves a new incident with its next code and its "opened" event (a stranger's report: "opened-unverified"), routed
 * by its category.
 */
async function openIncident(
  desk: Desk,
  r: Repos,
  now: Date,
  actor: Actor,
  category: FaultCategory,
  text: string,
  note: string,
  where: Pick<Incident, "endpoint" | "booking" | "unverified">,
): Promise<Incident> {
  const code = await nextIncidentCode(desk, r, now);
  const incident: Incident = {
    code,
    ...where,
    category,
    route: routeOf(category),
    status: "open",
    reporter: actor.id,
    text,
    assignee: null,
    openedAt: now,
    updatedAt: now,
  };
  await r.incidents.save(incident);
  await r.incidents.addEvent(code, {
    at: now,
    actor: actor.id,
    channel: actor.channel,
    action: where.unverified ? "opened-unverified" : "opened",
    note,
  });
  return incident;
}

async function nextIncidentCode(desk: Desk, r: Repos, now: Date): Promise<string> {
  const year = DateTime.fromJSDate(now, { zone: desk.reg.zone }).year;
  return incidentCode(year, await r.bookings.nextSeq(`incident-${year}`));
}

/**
 * A fault from an account not in the directory: it may be real, so it is recorded for the desk as an
 * unverified incident (no endpoint, no session, no timers) and the reporter is asked to register.
 */
async function strangerReport(
  desk: Desk,
  r: Repos,
  actor: Actor,
  input: IncidentReport,
  category: Exclude<FaultCategory, "other">,
  now: Date,
  opts: IncidentOptions,
  tell: Tell,
): Promise<ReportOutcome> {
  const joined = await r.incidents.openByReporter(
    actor.id,
    category,
    new Date(now.getTime() - opts.joinMinutes * 60_000),
  );
  if (joined) {
    await r.incidents.addEvent(joined.code, {
      at: now,
      actor: actor.id,
      channel: actor.channel,
      action: "reported-again",
      note: input.text,
    });
    await tell(strangerJoinedText(joined), { inWords: false, incident: joined.code });
    return {
      ok: true,
      kind: "joined",
      incident: joined,
      unverified: true,
      notice: strangerJoinedText(joined),
      short: joined.code,
      major: null,
      inWords: false,
    };
  }
  // A stranger's words may still say where the fault is: the incident is placed there (and tied to its live
  // session, so every later view keeps a secret one's endpoint hidden), but stays unverified: it never joins or
  // steers a verified incident there, and it arms no timers.
  const { endpoint, name: placeName } = await placeOf(r, input.text, null);
  const booking = endpoint ? await liveBookingAt(r, endpoint, now) : null;
  const incident = await openIncident(desk, r, now, actor, category, input.text, input.text, {
    endpoint,
    booking: booking?.code ?? null,
    unverified: true,
  });
  const { code, route } = incident;
  const secret = booking?.request.secret ?? false;
  const session = booking ? { code: booking.code, secret } : null;
  const named = endpoint ? namedPlaceText({ code: endpoint, name: placeName }, session) : null;
  const name = actor.name ?? actor.id;
  // Words whenever a place was named, the same ones whatever its session (Điều 5.2).
  const place = endpoint ? { code: endpoint, name: placeName } : null;
  const notice = strangerOpenedText(name, code, category, route, place);
  await tell(notice, { inWords: place !== null, incident: code });
  await deskNotice(
    r,
    route === "wan" ? "wan-duty" : "mcu-technician",
    strangerNotice(
      code,
      category,
      actor.channel,
      name,
      input.text,
      endpoint ? (named ?? reportPlace(endpoint, session)) : null,
      secret,
    ),
    now,
    code,
    incidentButtons(code, route),
    { groupText: deskGroupText(incident, "new") },
  );
  if (linkAlsoDown(incident))
    await tellWanToo(
      r,
      incident,
      endpoint ? (named ?? reportPlace(endpoint, session)) : "điểm cầu chưa rõ",
      now,
    );
  return {
    ok: true,
    kind: "opened",
    incident,
    unverified: true,
    notice,
    short: code,
    major: null,
    inWords: place !== null,
  };
}
