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
  /**
   * The actor speaks for an endpoint (its person, the reporter, an unregistered account): a secret session's
   * view names them no more than it names the endpoint.
   */
  endpointSide: boolean;
}

/**
 * An incident's timeline from its audit trail: who did what and when, comments and reopenings included. Chat
 * accounts are named as in the directory (or as the unregistered account they are); callers decide what a
 * secret session's incident may show.
 */
export async function incidentTimeline(r: Repos, inc: Incident): Promise<TimelineEntry[]> {
  const events = await r.incidents.events(inc.code);
  const names = new Map<string, { who: string; endpointSide: boolean }>();
  for (const actor of new Set(events.map((e) => e.actor))) names.set(actor, await actorName(r, actor));
  return events.map((e) => {
    const name = names.get(e.actor) ?? { who: e.actor, endpointSide: false };
    return {
      at: e.at,
      action: e.action,
      label: INCIDENT_EVENT_VI[e.action] ?? e.action,
      actor: e.actor,
      who: name.who,
      channel: e.channel,
      note: e.note ?? null,
      endpointSide: name.endpointSide || e.actor === inc.reporter,
    };
  });
}

export async function actorName(r: Repos, actor: string): Promise<{ who: string; endpointSide: boolean }> {
  if (actor === "system") return { who: "hệ thống", endpointSide: false };
  const m = /^(telegram|zalo):(.+)$/.exec(actor);
  if (m) {
    const person = await r.incidents.personByChat(m[1] as "telegram" | "zalo", m[2]!);
    if (person) return { who: person.name, endpointSide: person.endpoint !== null };
    const platform = m[1] === "telegram" ? "Telegram" : "Zalo";
    return { who: `tài khoản ${platform} chưa đăng ký ${m[2]}`, endpointSide: true };
  }
  // The web desk's accounts are desk people, signed in by their e-mail (or their name when they have none).
  const web = /^web:(.+)$/.exec(actor);
  if (web) {
    const login = web[1]!.toLowerCase();
    const person = (await r.directory.snapshot()).directory.people.find(
      (p) => (p.email ?? "").toLowerCase() === login || p.name === web[1],
    );
    if (person) return { who: person.name, endpointSide: false };
  }
  // The CLI records the OS user: the desk person whose e-mail is that user's, else the admin at the console.
  const cli = /^cli:(.+)$/.exec(actor);
  if (cli) {
    const person = await cliPerson(r, actor);
    return { who: person ? person.name : `Quản trị (CLI: ${cli[1]})`, endpointSide: false };
  }
  return { who: actor, endpointSide: false };
}

/** The desk person a CLI actor (`cli:<OS user>`) is: the one whose e-mail is the OS user's; null if none. */
export async function cliPerson(r: Repos, actor: string): Promise<{ name: string; role: string } | null> {
  const cli = /^cli:(.+)$/.exec(actor);
  if (!cli) return null;
  const user = cli[1]!.toLowerCase();
  const person = (await r.directory.snapshot()).directory.people.find(
    (p) => (p.email ?? "").toLowerCase().split("@")[0] === user,
  );
  return person ? { name: person.name, role: person.role } : null;
}
