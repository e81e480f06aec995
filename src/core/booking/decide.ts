import { atLocal, localDateOf } from "../calendar/zone.js";
import type { Regulation } from "../regulation.js";
import {
  type DecisionContext,
  type Finding,
  peakLoad,
  RULES,
  type Rule,
  type RuleState,
  SLOT_RULES,
} from "./rules.js";
import {
  type BookingRequest,
  type Decision,
  type Outcome,
  PRIORITY,
  type Priority,
  type Reason,
  type RequiredField,
  type Slot,
  type SlotHolder,
} from "./types.js";

const DAY_MS = 24 * 3600_000;

/** Điều 11: chairs first, then emergencies, then everyone else. */
export function priorityOf(req: BookingRequest, ctx: Pick<DecisionContext, "directory" | "reg">): Priority {
  const agency = req.host ? ctx.directory.agency(req.host) : undefined;
  if (agency && ctx.reg.chairKinds.includes(agency.kind)) return PRIORITY.chair;
  return req.emergency ? PRIORITY.emergency : PRIORITY.normal;
}

/** A start with no end lasts the configured default. */
export function withDefaultEnd(req: BookingRequest, reg: Regulation): BookingRequest {
  if (!req.start || req.end) return req;
  return { ...req, end: new Date(req.start.getTime() + reg.defaultDurationMinutes * 60_000) };
}

/** The endpoints a session occupies: the host's own, then the participants, once each. */
export function occupiedEndpoints(req: BookingRequest, ctx: Pick<DecisionContext, "directory">): string[] {
  const host = req.host ? ctx.directory.hostEndpoint(req.host) : null;
  return [...new Set([...(host ? [host] : []), ...req.participants])];
}

function runRules(
  rules: readonly Rule[],
  req: BookingRequest,
  ctx: DecisionContext,
  state: RuleState,
): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    for (const f of rule.check(req, ctx, state)) {
      findings.push(f);
      for (const code of f.displace ?? []) state.displaced.add(code);
    }
  }
  return findings;
}

const SEVERITY_OUTCOME: [Finding["severity"], Outcome][] = [
  ["reject", "rejected"],
  ["info", "needs-info"],
  ["review", "needs-review"],
];

/**
 * Decide a registration: every rule runs in order and the worst finding sets the outcome
 * (rejected, then needs-info, then needs-review, else confirmed). Pure: the caller loads the holders.
 */
export function decide(request: BookingRequest, ctx: DecisionContext): Decision {
  const req = withDefaultEnd(request, ctx.reg);
  const priority = priorityOf(req, ctx);
  const state: RuleState = { priority, endpoints: occupiedEndpoints(req, ctx), displaced: new Set() };
  const findings = runRules(RULES, req, ctx, state);
  const outcome =
    SEVERITY_OUTCOME.find(([sev]) => findings.some((f) => f.severity === sev))?.[1] ?? "confirmed";
  const holdsSlot = outcome === "confirmed" || outcome === "needs-review";
  const missing = [...new Set(findings.flatMap((f) => f.missing ?? []))] as RequiredField[];
  const reasons: Reason[] = findings.filter((f) => f.severity !== "note" || holdsSlot).map((f) => f.reason);
  return {
    outcome,
    reasons,
    missing,
    displaced: holdsSlot ? [...state.displaced] : [],
    priority,
    alternatives: [],
  };
}

/**
 * What stands in the way of holding the request's slot: endpoints, room, MCU capacity. Used when a technician
 * confirms a booking in review, since the slot may have been taken since it was decided.
 */
export function slotFindings(request: BookingRequest, ctx: DecisionContext): Finding[] {
  const req = withDefaultEnd(request, ctx.reg);
  const state: RuleState = {
    priority: priorityOf(req, ctx),
    endpoints: occupiedEndpoints(req, ctx),
    displaced: new Set(),
  };
  return runRules(SLOT_RULES, req, ctx, state);
}

export interface AlternativeSearch {
  /** Whether a local date is a working day (weekends and holidays are skipped). */
  isWorkingDay(date: string): boolean;
  /** How many days after the requested one to search. */
  days?: number;
  /**
   * Search the days up to this one (from the day before) first, and go further only when they do not offer
   * `reg.alternatives` slots: the nearer days' slots are nearer than any later one. The same answer as a search
   * with `days: nearDays` followed, when short, by one with `days`, without evaluating the near days twice.
   */
  nearDays?: number;
  stepMinutes?: number;
}

/** `YYYY-MM-DD` plus `days`, by calendar arithmetic (no zone: a local date is a plain date). */
function plusDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The instant at local `HH:mm` on `date` (atLocal: plain arithmetic away from the zone's offset changes). */
function localInstant(date: string, time: string, zone: string): number {
  return atLocal(date, time, zone).getTime();
}

/**
 * The free slots nearest the requested one, during office hours of working days, that pass the slot rules
 * and leave the lead time. `ctx.holders` must cover the whole search window.
 *
 * A slot is free when the slot rules (SLOT_RULES) find nothing: no holder within the setup gap shares an
 * endpoint, none holds the city-hall room when the request needs it, and the MCU's peak load with this session
 * stays within its conferences and ports (an alternative displaces nobody). Those three tests are done here on
 * numbers, without building a rule context per candidate; tests/hotpaths.test.ts holds them equal to the rules.
 */
export function findAlternatives(
  request: BookingRequest,
  ctx: DecisionContext,
  search: AlternativeSearch,
): Slot[] {
  const req = withDefaultEnd(request, ctx.reg);
  if (!req.start || !req.end) return [];
  const duration = req.end.getTime() - req.start.getTime();
  if (duration <= 0) return [];
  const { zone, workday } = ctx.reg;
  const step = (search.stepMinutes ?? 30) * 60_000;
  const gap = ctx.reg.setupGapMinutes * 60_000;
  const priority = priorityOf(req, ctx);
  const lead = req.emergency ? ctx.reg.leadTimeMinutes.emergency : ctx.reg.leadTimeMinutes.normal;
  const earliest =
    Math.max(ctx.now.getTime(), req.receivedAt.getTime()) + (priority === PRIORITY.chair ? 0 : lead * 60_000);
  const endpoints = new Set(occupiedEndpoints(req, ctx));
  const need = endpoints.size;
  const { conferences, ports } = ctx.reg.mcu;
  const firstDay = localDateOf(req.start, zone);
  // Bucket the holders by UTC day so that each candidate looks only at its neighbours (sessions last ≤ 24 h).
  const buckets = new Map<number, SlotHolder[]>();
  for (const h of ctx.holders) {
    const k = Math.floor(h.start.getTime() / DAY_MS);
    const list = buckets.get(k);
    if (list) list.push(h);
    else buckets.set(k, [h]);
  }
  const lastDay = search.days ?? 7;
  const nearDays = search.nearDays ?? lastDay;
  const target = req.start.getTime();
  const candidates: number[] = [];
  // Per day: the holders that can matter to one of its candidates, as numbers.
  let hs: number[] = [];
  let he: number[] = [];
  let hp: number[] = [];
  let blocks: boolean[] = [];
  const inside: number[] = [];
  for (let d = -1; d <= lastDay; d++) {
    if (d === nearDays + 1 && candidates.length >= ctx.reg.alternatives) break;
    const date = plusDays(firstDay, d);
    if (!search.isWorkingDay(date)) continue;
    const open = localInstant(date, workday.start, zone);
    const close = localInstant(date, workday.end, zone);
    const k = Math.floor(open / DAY_MS);
    hs = [];
    he = [];
    hp = [];
    blocks = [];
    for (const b of [k - 1, k, k + 1]) {
      for (const h of buckets.get(b) ?? []) {
        if (h.code === ctx.self) continue;
        const s = h.start.getTime();
        const e = h.end.getTime();
        if (!(s < close + gap && open < e + gap)) continue;
        hs.push(s);
        he.push(e);
        hp.push(h.ports);
        blocks.push((req.cityHallRoom && h.cityHallRoom) || h.endpoints.some((x) => endpoints.has(x)));
      }
    }
    for (let t = open; t + duration <= close; t += step) {
      if (t < earliest || t === target) continue;
      const end = t + duration;
      let free = true;
      inside.length = 0;
      let portSum = 0;
      for (let i = 0; i < hs.length; i++) {
        const s = hs[i]!;
        const e = he[i]!;
        if (!(s < end + gap && t < e + gap)) continue;
        if (blocks[i]) {
          free = false;
          break;
        }
        if (s < end && t < e) {
          inside.push(i);
          portSum += hp[i]!;
        }
      }
      if (!free) continue;
      if (inside.length + 1 > conferences || portSum + need > ports) {
        if (!fitsPeak(inside, hs, he, hp, t, end, conferences - 1, ports - need)) continue;
      }
      candidates.push(t);
    }
  }
  return candidates
    .sort((a, b) => Math.abs(a - target) - Math.abs(b - target) || a - b)
    .slice(0, ctx.reg.alternatives)
    .sort((a, b) => a - b)
    .map((t) => ({ start: new Date(t), end: new Date(t + duration) }));
}

/**
 * `peakLoad` of the holders `inside` over [start, end), compared with what is left: ends sort before starts at
 * the same instant, as there. Events are encoded as one number (time within the slot, end or start, index into
 * the day's holders).
 */
function fitsPeak(
  inside: readonly number[],
  hs: readonly number[],
  he: readonly number[],
  hp: readonly number[],
  start: number,
  end: number,
  maxConferences: number,
  maxPorts: number,
): boolean {
  const n = inside.length;
  const IDX = 4096;
  if (hs.length >= IDX) {
    const load = peakLoad(
      inside.map((i) => ({ start: new Date(hs[i]!), end: new Date(he[i]!), ports: hp[i]! })),
      new Date(start),
      new Date(end),
    );
    return load.conferences <= maxConferences && load.ports <= maxPorts;
  }
  const events = new Float64Array(2 * n);
  for (let j = 0; j < n; j++) {
    const i = inside[j]!;
    events[2 * j] = ((Math.max(hs[i]!, start) - start) * 2 + 1) * IDX + i;
    events[2 * j + 1] = (Math.min(he[i]!, end) - start) * 2 * IDX + i;
  }
  events.sort();
  let c = 0;
  let p = 0;
  for (let j = 0; j < events.length; j++) {
    const key = events[j]!;
    const i = key % IDX;
    if (Math.floor(key / IDX) % 2 === 1) {
      c += 1;
      p += hp[i]!;
      if (c > maxConferences || p > maxPorts) return false;
    } else {
      c -= 1;
      p -= hp[i]!;
    }
  }
  return true;
}
