import { type Incident, incidentCodeIn } from "../../core/incident/types.js";
import { fold } from "../../core/text/fold.js";
import type { Repos } from "../../store/store.js";
import { type Actor, DESK_ROLES, type Desk, isDeskStaff } from "../context.js";
import {
  ACTION_COMMAND,
  acknowledgedText,
  commentedText,
  commentGroupText,
  deskGroupText,
  incidentButtons,
  ROLE_VI,
  ROUTE_VI,
  refusalText,
  reopenedText,
  reopenNotice,
  resolvedElsewhereGroupText,
  resolvedElsewhereNotice,
  resolvedText,
  transferNotice,
  transferredText,
} from "./messages.js";
import { deskNotice, groupUpdate, incidentPlace, type ReportMessage, reportMessageOf } from "./notify.js";
import { DEFAULT_INCIDENT_OPTIONS } from "./report.js";
import { actorName, cliPerson } from "./timeline.js";
import { INCIDENT_JOB } from "./timers.js";

export type IncidentAction = "acknowledge" | "transfer" | "resolve" | "reopen" | "comment";

/** A refused incident action: the reason as a code, and (on `IncidentRefusal`) the Vietnamese message. */
export type RefusalCause =
  /** Only the MCU technicians, the WAN duty and admins handle incidents. */
  | { ok: false; reason: "forbidden" }
  /** No incident has this code (`code` is what was given, possibly empty). */
  | { ok: false; reason: "not-found"; code: string }
  /** Acknowledge or resolve an incident already resolved. */
  | { ok: false; reason: "already-resolved"; incident: Incident }
  /** Acknowledge an incident someone has already acknowledged (`who`: their name; `self`: the same person). */
  | { ok: false; reason: "already-acknowledged"; incident: Incident; who: string; self: boolean }
  /** Reopen an incident that is not resolved. */
  | { ok: false; reason: "not-resolved"; incident: Incident }
  /** Transfer without a target. */
  | { ok: false; reason: "no-target"; incident: Incident }
  /** Transfer to whom it was transferred already and who has not taken it yet (`to`: their label). */
  | { ok: false; reason: "already-transferred"; incident: Incident; to: string }
  /** Transfer to a name that is no desk role or person, or names several. */
  | { ok: false; reason: "target-refused"; incident: Incident; why: string }
  /** A comment with no text. */
  | { ok: false; reason: "empty-note"; incident: Incident }
  /** A comment longer than `max` characters. */
  | { ok: false; reason: "note-too-long"; incident: Incident; max: number };

export type IncidentRefusal = RefusalCause & {
  /** What to tell the person, in the words chat has always used. */
  message: string;
};

export type IncidentOutcome =
  | {
      ok: true;
      incident: Incident;
      /** What the group is told (and the acting person, in a private chat). */
      notice: string;
    }
  | IncidentRefusal;

/** A desk person acknowledges an incident: it is theirs, and its reminders stop. */
export function acknowledgeIncident(
  desk: Desk,
  actor: Actor,
  code: string,
  now: Date,
  opts: { note?: string } = {},
): Promise<IncidentOutcome> {
  return desk.store.tx((r) => acknowledgeIncidentIn(r, actor, code, now, opts));
}

/**
 * A desk person hands an incident to a desk role (`wan`, `mcu`) or a desk person named as in the directory
 * (`@Đỗ Văn Khánh`, `@dovankhanh`); anything else is refused, so a fault is never handed to a name nobody reads.
 */
export function transferIncident(
  desk: Desk,
  actor: Actor,
  code: string,
  target: string,
  now: Date,
): Promise<IncidentOutcome> {
  return desk.store.tx((r) => transferIncidentIn(r, actor, code, target, now));
}

/** A desk person marks an incident resolved, with a note on how. */
export function resolveIncident(
  desk: Desk,
  actor: Actor,
  code: string,
  note: string,
  now: Date,
): Promise<IncidentOutcome> {
  return desk.store.tx((r) => resolveIncidentIn(r, actor, code, note, now));
}

/** How a reopened incident's reminders restart, and a reason's length cap. */
export interface ReopenOptions {
  note?: string;
  /** During a live session (or for a major incident): remind the duty after this long, then escalate. */
  reminderMinutes?: number;
  escalateMinutes?: number;
}

/**
 * A desk person, or a person of the incident's own endpoint (the fault came back), reopens a resolved incident:
 * it is open again with nobody on it, the duty of its route is told, and its reminders restart while its session
 * is live (a major incident's always), as when it was first reported.
 */
export function reopenIncident(
  desk: Desk,
  actor: Actor,
  code: string,
  now: Date,
  opts: ReopenOptions = {},
): Promise<IncidentOutcome> {
  return desk.store.tx((r) => reopenIncidentIn(r, actor, code, now, opts));
}

/** A comment is at most this long: a note on an incident, not a report (chat messages run to 4,096). */
export const MAX_COMMENT_LENGTH = 1000;

/**
 * A comment on an incident (`/ghichu SC-… text`), from desk staff, a person of the incident's endpoint or the
 * account that reported it. Kept in the incident's timeline; the group is told, but never the words of a comment
 * on an incident of a secret session (Điều 5.2).
 */
export function commentIncident(
  desk: Desk,
  actor: Actor,
  code: string,
  text: string,
  now: Date,
): Promise<IncidentOutcome> {
  return desk.store.tx((r) => commentIncidentIn(r, actor, code, text, now));
}

type Loaded = { ok: true; incident: Incident } | RefusalCause;

function refuse(action: IncidentAction, cause: RefusalCause): IncidentRefusal {
  return { ...cause, message: refusalText(action, cause) };
}

/** The gate every incident action shares: a desk role, then a known incident code. */
/**
 * Desk staff, or the CLI: it runs on the desk's server, and whoever runs it holds the database (setting the duty
 * trusts it likewise).
 */
function deskSide(actor: Actor): boolean {
  return isDeskStaff(actor) || actor.channel === "cli";
}

/** The CLI at the console, when the directory knows no desk person by its OS user. */
const CLI_ACTOR_VI = "cán bộ trực (dòng lệnh)";

/**
 * Who acted, as notices name them: the directory person, else a chat account's display name; the CLI as the desk
 * person whose e-mail is its OS user's, else «cán bộ trực (dòng lệnh)». Never a raw id («cli:kythuat»). `role`:
 * the desk role, when a person is known.
 */
async function actorLabel(r: Repos, actor: Actor): Promise<{ name: string; role: string | null }> {
  if (actor.person?.name) return { name: actor.person.name, role: actor.person.role };
  if (actor.channel === "cli") {
    const person = await cliPerson(r, actor.id);
    return person ?? { name: CLI_ACTOR_VI, role: null };
  }
  if (actor.name) return { name: actor.name, role: null };
  return { name: (await actorName(r, actor.id)).who, role: null };
}

/**
 * Whether `assignee` (an incident's) is the acting person: the same chat account, or the same directory person by
 * another account (taken on Zalo, asked about on Telegram), or as named in a transfer (`person:<id>`).
 */
export async function actsAs(r: Repos, actor: Actor, assignee: string | null): Promise<boolean> {
  if (!assignee) return false;
  if (assignee === actor.id) return true;
  if (!actor.person) return false;
  if (assignee === `person:${actor.person.id}`) return true;
  const chat = /^(telegram|zalo):(.+)$/.exec(assignee);
  return (
    chat !== null &&
    (await r.incidents.personByChat(chat[1] as "telegram" | "zalo", chat[2]!))?.id === actor.person.id
  );
}

async function load(r: Repos, actor: Actor, code: string): Promise<Loaded> {
  if (!deskSide(actor)) return { ok: false, reason: "forbidden" };
  const canonical = incidentCodeIn(code);
  const incident = canonical ? await r.incidents.get(canonical) : null;
  return incident ? { ok: true, incident } : { ok: false, reason: "not-found", code };
}

/**
 * Save the incident's next state, audit it, stop its timers once someone has it, and tell the group. `notice` is
 * the answer to whoever acted (in a private chat or on the web); `groupNotice` what the group reads, when it must
 * say less (never a note: see `commentGroupText`).
 */
async function apply(
  r: Repos,
  actor: Actor,
  action: IncidentAction,
  prev: Incident,
  next: Incident,
  notice: string,
  note: string | null,
  now: Date,
  groupNotice: string = notice,
  replyIn: ReportMessage | null = null,
): Promise<IncidentOutcome> {
  await r.incidents.save(next);
  await r.incidents.addEvent(prev.code, {
    at: now,
    actor: actor.id,
    channel: actor.channel,
    action: ACTION_COMMAND[action],
    note,
  });
  if (next.status !== "open") {
    await r.jobs.cancel(INCIDENT_JOB.reminder, prev.code);
    await r.jobs.cancel(INCIDENT_JOB.escalate, prev.code);
  }
  await groupUpdate(r, groupNotice, now, replyIn);
  return { ok: true, incident: next, notice };
}

export async function acknowledgeIncidentIn(
  r: Repos,
  actor: Actor,
  code: string,
  now: Date,
  opts: { note?: string } = {},
): Promise<IncidentOutcome> {
  const loaded = await load(r, actor, code);
  if (!loaded.ok) return refuse("acknowledge", loaded);
  const inc = loaded.incident;
  if (inc.status === "resolved")
    return refuse("acknowledge", { ok: false, reason: "already-resolved", incident: inc });
  // Two technicians pressing «Nhận» at once, or one pressing twice: the first has it. The second would have taken
  // it from the first without a word to them, and the group would read that it was taken twice. Handing it over
  // is /chuyen's. A transferred incident (dispatched) is still taken by whoever it was handed to.
  if (inc.status === "acknowledged" && inc.assignee) {
    // The same person by another account (taken on Zalo, pressed again on Telegram) was told someone else, by
    // their own name, had it.
    const self = await actsAs(r, actor, inc.assignee);
    const who = self ? "" : (await actorName(r, inc.assignee)).who;
    return refuse("acknowledge", { ok: false, reason: "already-acknowledged", incident: inc, who, self });
  }
  const next: Incident = { ...inc, status: "acknowledged", assignee: actor.id, updatedAt: now };
  const notice = acknowledgedText((await actorLabel(r, actor)).name, inc.code);
  // On Telegram the group reads it as a reply to the report that opened the incident, when that was a message there.
  const replyIn = await reportMessageOf(r, inc.code);
  const outcome = await apply(
    r,
    actor,
    "acknowledge",
    inc,
    next,
    notice,
    opts.note || null,
    now,
    notice,
    replyIn,
  );
  if (inc.reporter === "storm") await cascade(r, actor, "acknowledge", inc.code, now);
  return outcome;
}

/**
 * A major incident's action reaches the reports joined to it: acknowledging (or resolving) the storm acknowledges
 * (or resolves) each of them, audited on each, with their timers stopped. One group notice, about the major one.
 */
async function cascade(
  r: Repos,
  actor: Actor,
  action: "acknowledge" | "resolve" | "reopen",
  major: string,
  now: Date,
) {
  let n = 0;
  for (const child of await r.incidents.byMajor(major)) {
    if (action === "reopen" ? child.status !== "resolved" : child.status === "resolved") continue;
    if (action === "acknowledge" && child.status !== "open") continue;
    n++;
    await r.incidents.save(
      action === "acknowledge"
        ? { ...child, status: "acknowledged", assignee: actor.id, updatedAt: now }
        : action === "resolve"
          ? { ...child, status: "resolved", updatedAt: now }
          : // Reopened with the storm: the major incident carries the reminders, as when they joined it.
            { ...child, status: "open", assignee: null, updatedAt: now },
    );
    await r.incidents.addEvent(child.code, {
      at: now,
      actor: actor.id,
      channel: actor.channel,
      action: ACTION_COMMAND[action],
      note: `qua sự cố diện rộng ${major}`,
    });
    await r.jobs.cancel(INCIDENT_JOB.reminder, child.code);
    await r.jobs.cancel(INCIDENT_JOB.escalate, child.code);
  }
  // The major incident's timeline says what reached its reports.
  if (n > 0 && action !== "acknowledge")
    await r.incidents.addEvent(major, {
      at: now,
      actor: actor.id,
      channel: actor.channel,
      action: action === "reopen" ? "reopened-joined" : "resolved-joined",
      note: `${n} phản ánh đã gộp`,
    });
}

export async function transferIncidentIn(
  r: Repos,
  actor: Actor,
  code: string,
  target: string,
  now: Date,
): Promise<IncidentOutcome> {
  const loaded = await load(r, actor, code);
  if (!loaded.ok) return refuse("transfer", loaded);
  const inc = loaded.incident;
  // A resolved incident comes back through /mo (audited, timers armed), never as a side effect of a transfer.
  if (inc.status === "resolved")
    return refuse("transfer", { ok: false, reason: "already-resolved", incident: inc });
  const to = await transferTarget(r, target);
  if (to.kind === "none") return refuse("transfer", { ok: false, reason: "no-target", incident: inc });
  if (to.kind === "refused")
    return refuse("transfer", { ok: false, reason: "target-refused", incident: inc, why: to.why });
  // «Chuyển WAN» pressed twice (a double tap, or two technicians under the same notice): the second press changed
  // nothing and still sent the duty a second notice and the group a second «đã được chuyển».
  if (inc.status === "dispatched" && inc.assignee === to.assignee)
    return refuse("transfer", { ok: false, reason: "already-transferred", incident: inc, to: to.label });
  const next: Incident = {
    ...inc,
    status: "dispatched",
    route: to.route ?? inc.route,
    assignee: to.assignee,
    updatedAt: now,
  };
  await deskNotice(
    r,
    to.role,
    transferNotice(inc, await incidentPlace(r, inc), to.label),
    now,
    inc.code,
    incidentButtons(inc.code, next.route),
    { groupText: deskGroupText({ ...inc, route: next.route }, "transfer") },
  );
  return apply(r, actor, "transfer", inc, next, transferredText(inc.code, to.label), target || null, now);
}

export async function resolveIncidentIn(
  r: Repos,
  actor: Actor,
  code: string,
  note: string,
  now: Date,
): Promise<IncidentOutcome> {
  const loaded = await load(r, actor, code);
  if (!loaded.ok) return refuse("resolve", loaded);
  const inc = loaded.incident;
  if (inc.status === "resolved")
    return refuse("resolve", { ok: false, reason: "already-resolved", incident: inc });
  // The note of a closing is checked as a comment's is (it was stored whole from chat, and cut to 500 characters
  // without a word on the web): too long is refused with the limit, and nothing is closed.
  const said = note.trim();
  if (said.length > MAX_COMMENT_LENGTH)
    return refuse("resolve", { ok: false, reason: "note-too-long", incident: inc, max: MAX_COMMENT_LENGTH });
  const next: Incident = { ...inc, status: "resolved", updatedAt: now };
  const outcome = await apply(
    r,
    actor,
    "resolve",
    inc,
    next,
    resolvedText(inc.code, said),
    said || null,
    now,
    resolvedText(inc.code, ""),
  );
  if (inc.reporter === "storm") await cascade(r, actor, "resolve", inc.code, now);
  // Closed by someone outside the duty that owns it (the MCU technician's /xong on an incident handed to the WAN
  // duty, or the reverse): the owner is told, so that its duty does not go on working, or stay unaware, of a fault
  // another desk called fixed. An admin closing it tells the owner too; the owner's own /xong tells nobody.
  const owner = inc.route === "wan" ? "wan-duty" : "mcu-technician";
  if (actor.person?.role !== owner && !(await actsAs(r, actor, inc.assignee))) {
    const secret = await secretIncident(r, inc);
    const label = await actorLabel(r, actor);
    const who = `${label.name}${label.role ? ` (${ROLE_VI[label.role] ?? label.role})` : ""}`;
    await deskNotice(
      r,
      owner,
      resolvedElsewhereNotice(inc, await incidentPlace(r, inc), who, secret ? "" : note.trim()),
      now,
      inc.code,
      undefined,
      { groupText: resolvedElsewhereGroupText(inc, who) },
    );
  }
  return outcome;
}

/**
 * The gate of reopening and commenting: desk staff, or a person of the incident's own endpoint; a comment also
 * from the account that reported it (an unverified reporter adds what they know). Anyone else is refused, an
 * unregistered account before the incident is even looked up.
 */
async function loadForEndpoint(
  r: Repos,
  actor: Actor,
  code: string,
  allowReporter: boolean,
): Promise<Loaded> {
  if (!actor.person && !allowReporter && !deskSide(actor)) return { ok: false, reason: "forbidden" };
  const canonical = incidentCodeIn(code);
  const incident = canonical ? await r.incidents.get(canonical) : null;
  if (!incident) return { ok: false, reason: "not-found", code };
  const own = actor.person?.endpoint != null && actor.person.endpoint === incident.endpoint;
  const reporter = allowReporter && actor.id === incident.reporter;
  if (!deskSide(actor) && !own && !reporter) return { ok: false, reason: "forbidden" };
  return { ok: true, incident };
}

/** Is the incident's session live at `now` (its reminders run only then, as when it was reported)? */
async function sessionLive(r: Repos, inc: Incident, now: Date): Promise<boolean> {
  const b = inc.booking ? await r.bookings.get(inc.booking) : null;
  if (!b) return false;
  if (b.status === "live") return true;
  const { start, end } = b.request;
  return (
    ["confirmed", "checked"].includes(b.status) &&
    !!start &&
    !!end &&
    start.getTime() <= now.getTime() &&
    now.getTime() < end.getTime()
  );
}

/** Is the incident about a secret session (Điều 5.2: chat never says more than its code)? */
async function secretIncident(r: Repos, inc: Incident): Promise<boolean> {
  const b = inc.booking ? await r.bookings.get(inc.booking) : null;
  return b?.request.secret ?? false;
}

export async function reopenIncidentIn(
  r: Repos,
  actor: Actor,
  code: string,
  now: Date,
  opts: ReopenOptions = {},
): Promise<IncidentOutcome> {
  const loaded = await loadForEndpoint(r, actor, code, false);
  if (!loaded.ok) return refuse("reopen", loaded);
  const inc = loaded.incident;
  if (inc.status !== "resolved")
    return refuse("reopen", { ok: false, reason: "not-resolved", incident: inc });
  const note = opts.note?.trim() ?? "";
  if (note.length > MAX_COMMENT_LENGTH)
    return refuse("reopen", { ok: false, reason: "note-too-long", incident: inc, max: MAX_COMMENT_LENGTH });
  const next: Incident = { ...inc, status: "open", assignee: null, updatedAt: now };
  const outcome = await apply(r, actor, "reopen", inc, next, reopenedText(inc.code), note || null, now);
  if (inc.reporter === "storm") await cascade(r, actor, "reopen", inc.code, now);
  const secret = await secretIncident(r, inc);
  const who = secret ? null : (await actorLabel(r, actor)).name;
  await deskNotice(
    r,
    inc.route === "wan" ? "wan-duty" : "mcu-technician",
    reopenNotice(inc, await incidentPlace(r, inc), who, secret ? "" : note),
    now,
    inc.code,
    incidentButtons(inc.code, inc.route),
    { groupText: deskGroupText(inc, "reopen") },
  );
  if (inc.reporter === "storm" || (await sessionLive(r, inc, now))) {
    const at = (m: number) => new Date(now.getTime() + m * 60_000);
    const remind = opts.reminderMinutes ?? DEFAULT_INCIDENT_OPTIONS.ackReminderMinutes;
    const escalate = opts.escalateMinutes ?? DEFAULT_INCIDENT_OPTIONS.escalateMinutes;
    await r.jobs.schedule({ kind: INCIDENT_JOB.reminder, key: inc.code, runAt: at(remind) }, now);
    await r.jobs.schedule({ kind: INCIDENT_JOB.escalate, key: inc.code, runAt: at(escalate) }, now);
  }
  return outcome;
}

export async function commentIncidentIn(
  r: Repos,
  actor: Actor,
  code: string,
  text: string,
  now: Date,
): Promise<IncidentOutcome> {
  const loaded = await loadForEndpoint(r, actor, code, true);
  if (!loaded.ok) return refuse("comment", loaded);
  const inc = loaded.incident;
  const note = text.trim();
  if (!note) return refuse("comment", { ok: false, reason: "empty-note", incident: inc });
  if (note.length > MAX_COMMENT_LENGTH)
    return refuse("comment", { ok: false, reason: "note-too-long", incident: inc, max: MAX_COMMENT_LENGTH });
  await r.incidents.save({ ...inc, updatedAt: now });
  await r.incidents.addEvent(inc.code, {
    at: now,
    actor: actor.id,
    channel: actor.channel,
    action: ACTION_COMMAND.comment,
    note,
  });
  await groupUpdate(r, commentGroupText(inc.code), now);
  const notice = commentedText(inc.code, (await actorLabel(r, actor)).name, note);
  return { ok: true, incident: { ...inc, updatedAt: now }, notice };
}

type TransferTarget =
  | { kind: "none" }
  | { kind: "refused"; why: string }
  | { kind: "ok"; label: string; role: string; assignee: string; route: "wan" | "mcu" | null };

const WAN_WORDS = new Set(["wan", "mang", "mangwan", "trucmang", "trucwan", "trucbanwan", "trucbanmang"]);
const MCU_WORDS = new Set(["mcu", "kythuatmcu", "kythuat", "canbokythuat"]);

/** How a person is called before their name: «anh Khánh», «chị Hà», «a Khánh». */
const HONORIFICS = new Set(["anh", "chi", "em", "a", "c", "e"]);

/** Who `target` names: a desk role (`wan`, `mcu`) or one desk person (diacritics, case and spaces aside). */
async function transferTarget(r: Repos, raw: string): Promise<TransferTarget> {
  const text = raw.trim().replace(/^@/, "");
  if (!text) return { kind: "none" };
  const key = fold(text).replace(/ /g, "");
  // «/chuyen SC-… mạng»: the network's duty, as people call it («mạng», «trực mạng», «mạng WAN»).
  if (WAN_WORDS.has(key))
    return { kind: "ok", label: ROUTE_VI.wan, role: "wan-duty", assignee: "wan-duty", route: "wan" };
  if (MCU_WORDS.has(key))
    return {
      kind: "ok",
      label: ROUTE_VI.mcu,
      role: "mcu-technician",
      assignee: "mcu-technician",
      route: "mcu",
    };
  const people = await r.incidents.deskPeople(DESK_ROLES);
  const full = people.filter((p) => fold(p.name).replace(/ /g, "") === key);
  // «@Khánh», «anh Khánh», «Văn Khánh»: a person is called by the end of their name (it was refused as «not in the
  // directory»). Two with that name are asked apart, as two with the whole name are.
  const said = fold(text)
    .split(/\s+/)
    .filter(Boolean)
    .filter((w, i) => !(i === 0 && HONORIFICS.has(w)));
  const tail = (name: string) => {
    const words = fold(name).split(/\s+/).filter(Boolean);
    return (
      said.length > 0 &&
      said.length < words.length &&
      said.every((w, i) => words[words.length - said.length + i] === w)
    );
  };
  const matches = full.length ? full : people.filter((p) => tail(p.name));
  if (matches.length === 0)
    return { kind: "refused", why: `«${raw.trim()}» không phải bộ phận hay cán bộ trực trong danh bạ.` };
  if (matches.length > 1)
    return {
      kind: "refused",
      why: `«${raw.trim()}» trùng tên ${matches.length} cán bộ (${matches.map((p) => ROLE_VI[p.role] ?? p.role).join(", ")}); hãy chuyển cho bộ phận (wan hoặc mcu).`,
    };
  const p = matches[0]!;
  return {
    kind: "ok",
    label: `${p.name} (${ROLE_VI[p.role] ?? p.role})`,
    role: p.role,
    assignee: `person:${p.personId}`,
    route: p.role === "wan-duty" ? "wan" : p.role === "mcu-technician" ? "mcu" : null,
  };
}
