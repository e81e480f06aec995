import type { Incident } from "../../core/incident/types.js";
import type { Repos } from "../../store/store.js";
import { INCIDENT_EVENT_VI } from "./messages.js";

/** One step of an incident's life: when, what, who (by name where the directory knows them) and their words. */
export interface TimelineEntry {
  at: Date;
  /** The audit action (`opened`, `nhan`, `mo`, `ghichu`, …). */
  action: string;
  /** The action in Vietnamese. */
  label: string;
  /** The actor as recorded (`telegram:123`, `web:login`, `system`). */
  actor: string;
  /** The actor as a person reads it: the directory name of a chat account, the system, or the recorded id. */
  who: string;
  channel: string;
  note: string | null;
}

/**
 * An incident's timeline from its audit trail: who did what and when, comments and reopenings included. Chat
 * accounts are named as in the directory (or as the unregistered account they are); callers decide what a
 * secret session's incident may show.
 */
export async function incidentTimeline(r: Repos, inc: Incident): Promise<TimelineEntry[]> {
  const events = await r.incidents.events(inc.code);
  const names = new Map<string, string>();
  for (const actor of new Set(events.map((e) => e.actor))) names.set(actor, await actorName(r, actor));
  return events.map((e) => ({
    at: e.at,
    action: e.action,
    label: INCIDENT_EVENT_VI[e.action] ?? e.action,
    actor: e.actor,
    who: names.get(e.actor) ?? e.actor,
    channel: e.channel,
    note: e.note ?? null,
  }));
}

async function actorName(r: Repos, actor: string): Promise<string> {
  if (actor === "system") return "hệ thống";
  const m = /^(telegram|zalo):(.+)$/.exec(actor);
  if (m) {
    const person = await r.incidents.personByChat(m[1] as "telegram" | "zalo", m[2]!);
    return person
      ? person.name
      : `tài khoản ${m[1] === "telegram" ? "Telegram" : "Zalo"} chưa đăng ký ${m[2]}`;
  }
  return actor;
}
