import { addDays, atLocal, localDateOf } from "../calendar/zone.js";
import type { Regulation } from "../regulation.js";
import { type DecisionContext, type Finding, RULES, type Rule, type RuleState, SLOT_RULES } from "./rules.js";
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
  stepMinutes?: number;
}

/**
 * The free slots nearest the requested one, during office hours of working days, that pass the slot rules
 * and leave the lead time. `ctx.holders` must cover the whole search window.
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
  const endpoints = occupiedEndpoints(req, ctx);
  const firstDay = localDateOf(req.start, zone);
  // Bucket the holders by UTC day so that each candidate looks only at its neighbours (sessions last ≤ 24 h).
  const buckets = new Map<number, SlotHolder[]>();
  for (const h of ctx.holders) {
    const k = Math.floor(h.start.getTime() / DAY_MS);
    buckets.set(k, [...(buckets.get(k) ?? []), h]);
  }
  const near = (t: number): SlotHolder[] => {
    const k = Math.floor(t / DAY_MS);
    return [...(buckets.get(k - 1) ?? []), ...(buckets.get(k) ?? []), ...(buckets.get(k + 1) ?? [])];
  };
  const candidates: Slot[] = [];
  for (let d = -1; d <= (search.days ?? 7); d++) {
    const date = addDays(firstDay, d);
    if (!search.isWorkingDay(date)) continue;
    const open = atLocal(date, workday.start, zone).getTime();
    const close = atLocal(date, workday.end, zone).getTime();
    const today = near(open);
    for (let t = open; t + duration <= close; t += step) {
      if (t < earliest || t === req.start.getTime()) continue;
      const slot = { start: new Date(t), end: new Date(t + duration) };
      // Only sessions within the setup gap of the candidate can matter to the slot rules.
      const holders = today.filter(
        (h) => h.start.getTime() < t + duration + gap && t < h.end.getTime() + gap,
      );
      const state: RuleState = { priority, endpoints, displaced: new Set() };
      const findings = runRules(SLOT_RULES, { ...req, ...slot }, { ...ctx, holders }, state);
      // An alternative must not displace anyone: it is offered, not imposed.
      if (findings.length === 0) candidates.push(slot);
    }
  }
  const target = req.start.getTime();
  return candidates
    .sort(
      (a, b) =>
        Math.abs(a.start.getTime() - target) - Math.abs(b.start.getTime() - target) ||
        a.start.getTime() - b.start.getTime(),
    )
    .slice(0, ctx.reg.alternatives)
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}
