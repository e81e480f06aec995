import { atLocalMs, localDateOf, localTimeOf } from "../calendar/zone.js";
import type { Regulation } from "../regulation.js";
import {
  type DecisionContext,
  type Finding,
  foreignHostSender,
  peakLoad,
  RULES,
  type Rule,
  type RuleState,
  SLOT_RULES,
  sortEvents,
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
} from "./types.js";

const DAY_MS = 24 * 3600_000;

/**
 * Điều 11: chairs first, then emergencies, then everyone else. A chair's priority comes with a mail from that
 * chair's own mailbox (Điều 11.1: its office notifies); another agency's mail naming a chair as host has the
 * priority of a registration (see hostIsSender).
 */
export function priorityOf(req: BookingRequest, ctx: Pick<DecisionContext, "directory" | "reg">): Priority {
  const agency = req.host ? ctx.directory.agency(req.host) : undefined;
  if (agency && ctx.reg.chairKinds.includes(agency.kind) && !foreignHostSender(req, ctx.directory))
    return PRIORITY.chair;
  return req.emergency ? PRIORITY.emergency : PRIORITY.normal;
}

/** A start with no end lasts the configured default. */
export function withDefaultEnd(req: BookingRequest, reg: Regulation): BookingRequest {
  if (!req.start || req.end) return req;
  return { ...req, end: new Date(req.start.getTime() + reg.defaultDurationMinutes * 60_000) };
}

/** The endpoint that hosts the session: the one the request names, else the host agency's own. */
export function hostEndpointOf(
  req: Pick<BookingRequest, "host" | "hostEndpoint">,
  directory: Pick<DecisionContext["directory"], "hostEndpoint">,
): string | null {
  return req.hostEndpoint ?? (req.host ? directory.hostEndpoint(req.host) : null);
}

/** The endpoints a session occupies: the host's (hostEndpointOf), then the participants, once each. */
export function occupiedEndpoints(req: BookingRequest, ctx: Pick<DecisionContext, "directory">): string[] {
  const host = hostEndpointOf(req, ctx.directory);
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

/** Minutes after midnight of an `HH:mm` time. */
function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
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
  // The days as their midnight UTC and the office hours as minutes: the day loop makes no strings but the date
  // it asks the holiday calendar about (atLocal's strings and Dates were a tenth of a rejection's garbage).
  const firstDay = Date.parse(`${localDateOf(req.start, zone)}T00:00:00Z`);
  const openMinutes = minutesOf(workday.start);
  const closeMinutes = minutesOf(workday.end);
  // A slot across the midday break is offered only to a request that itself ran across it (a whole day).
  const lunchOpen = minutesOf(ctx.reg.lunch.start);
  const lunchClose = minutesOf(ctx.reg.lunch.end);
  const localStart = minutesOf(localTimeOf(req.start, zone));
  const keepLunch =
    lunchOpen < lunchClose && !(localStart < lunchClose && localStart + duration / 60_000 > lunchOpen);
  // Every holder as numbers, once per call, in scratch arrays reused across calls (a rejection's search used to
  // allocate its per-day arrays afresh: ~40 % of the garbage of a rejection, and the collections it caused were
  // most of the rejections' p99).
  const n = ctx.holders.length;
  const sc = scratchFor(n);
  let held = 0;
  for (let x = 0; x < n; x++) {
    const h = ctx.holders[x]!;
    if (h.code === ctx.self) continue;
    let blocks = req.cityHallRoom && h.cityHallRoom;
    // An indexed loop: holders without the request's endpoints share one frozen empty array, and for-of over a
    // frozen array is not inlined: it allocated an iterator and its result for every holder.
    for (let k = 0; !blocks && k < h.endpoints.length; k++) blocks = endpoints.has(h.endpoints[k]!);
    sc.s[held] = h.start.getTime();
    sc.e[held] = h.end.getTime();
    sc.p[held] = h.ports;
    sc.block[held] = blocks ? 1 : 0;
    held++;
  }
  const lastDay = search.days ?? 7;
  const nearDays = search.nearDays ?? lastDay;
  const target = req.start.getTime();
  let found = 0;
  const want = ctx.reg.alternatives;
  if (sc.best.length < want) sc.best = new Float64Array(want);
  const best = sc.best;
  for (let d = -1; d <= lastDay; d++) {
    if (d === nearDays + 1 && found >= want) break;
    const dayUtc = firstDay + d * DAY_MS;
    if (!search.isWorkingDay(new Date(dayUtc).toISOString().slice(0, 10))) continue;
    const open = atLocalMs(dayUtc, openMinutes, zone);
    const close = atLocalMs(dayUtc, closeMinutes, zone);
    const breakFrom = keepLunch ? atLocalMs(dayUtc, lunchOpen, zone) : 0;
    const breakTo = keepLunch ? atLocalMs(dayUtc, lunchClose, zone) : 0;
    // The day's holders that can matter to one of its candidates, in start order (the store gives them so:
    // the insertion sort then only checks), and the longest of them.
    let m = 0;
    let longest = 0;
    for (let i = 0; i < held; i++) {
      if (sc.s[i]! < close + gap && open < sc.e[i]! + gap) {
        const s = sc.s[i]!;
        let k = m++;
        while (k > 0 && sc.s[sc.day[k - 1]!]! > s) {
          sc.day[k] = sc.day[k - 1]!;
          k--;
        }
        sc.day[k] = i;
        if (sc.e[i]! - s > longest) longest = sc.e[i]! - s;
      }
    }
    // The candidates go forward in time, and so do the holders that can touch one: those that start before its end
    // (and the gap), and, being no longer than `longest`, not so early that they end before its start. `first`
    // only moves forward; the inner loop stops at the first holder starting too late.
    let first = 0;
    for (let t = open; t + duration <= close; t += step) {
      if (t < earliest || t === target) continue;
      const end = t + duration;
      if (t < breakTo && end > breakFrom) continue;
      while (first < m && sc.s[sc.day[first]!]! + longest + gap <= t) first++;
      let free = true;
      let inside = 0;
      let portSum = 0;
      // What runs at the candidate's first instant: a lower bound of its peak.
      let atStart = 0;
      let portsAtStart = 0;
      for (let j = first; j < m; j++) {
        const i = sc.day[j]!;
        const s = sc.s[i]!;
        if (s >= end + gap) break;
        const e = sc.e[i]!;
        if (!(t < e + gap)) continue;
        if (sc.block[i] === 1) {
          free = false;
          break;
        }
        if (s < end && t < e) {
          sc.inside[inside++] = i;
          portSum += sc.p[i]!;
          if (s <= t) {
            atStart++;
            portsAtStart += sc.p[i]!;
          }
        }
      }
      if (!free) continue;
      // The peak only when the plain sums do not fit and what runs at the first instant does (in a full MCU most
      // candidates are full from their first instant). One branch, so that the store below is not a path the
      // optimizer saw too rarely: it deoptimized there, again and again, and ran the search in the interpreter.
      sc.slot[0] = t;
      sc.slot[1] = end;
      const fits =
        (inside + 1 <= conferences && portSum + need <= ports) ||
        (atStart + 1 <= conferences &&
          portsAtStart + need <= ports &&
          fitsPeak(sc, inside, conferences - 1, ports - need));
      if (!fits) continue;
      // Keep in `best` the `want` slots nearest the target (ties: the earlier), nearest first, chosen on the fly:
      // sorting all free slots with a comparator boxed every one (a typed array's sort with a comparator does),
      // and so would a call that is not inlined (its double arguments). Shift the farther ones down (the last
      // falls off when all `want` are taken), then place `t`.
      found++;
      const dist = Math.abs(t - target);
      let i = found <= want ? found - 1 : want;
      while (i > 0) {
        const o = best[i - 1]!;
        const od = Math.abs(o - target);
        if (od < dist || (od === dist && o < t)) break;
        if (i < want) best[i] = o;
        i--;
      }
      if (i < want) best[i] = t;
    }
  }
  // The kept ones in time order (insertion sort: at most `want` of them).
  const kept = Math.min(found, want);
  for (let i = 1; i < kept; i++) {
    const t = best[i]!;
    let j = i - 1;
    for (; j >= 0 && best[j]! > t; j--) best[j + 1] = best[j]!;
    best[j + 1] = t;
  }
  const slots: Slot[] = [];
  for (let i = 0; i < kept; i++)
    slots.push({ start: new Date(best[i]!), end: new Date(best[i]! + duration) });
  return slots;
}

/**
 * findAlternatives' holders as numbers (start, end, ports, whether it blocks the request), the indexes of one
 * day's and one candidate's holders, and the peak's events. One set for the module, grown to the largest call:
 * findAlternatives is synchronous, so no two calls share it at once.
 */
interface Scratch {
  s: Float64Array;
  e: Float64Array;
  p: Float64Array;
  block: Uint8Array;
  day: Int32Array;
  inside: Int32Array;
  events: Float64Array;
  /**
   * The candidate slot's start and end, for fitsPeak: passed as arguments to a call that is not inlined, the two
   * doubles were boxed, twice per candidate (most of the search's garbage).
   */
  slot: Float64Array;
  /** The nearest free slots' starts, nearest first (see the search loop). */
  best: Float64Array;
}

let scratch: Scratch | null = null;

function scratchFor(n: number): Scratch {
  if (scratch && scratch.s.length >= n) return scratch;
  const size = Math.max(256, 2 ** Math.ceil(Math.log2(Math.max(1, n))));
  scratch = {
    s: new Float64Array(size),
    e: new Float64Array(size),
    p: new Float64Array(size),
    block: new Uint8Array(size),
    day: new Int32Array(size),
    inside: new Int32Array(size),
    events: new Float64Array(2 * size),
    slot: new Float64Array(2),
    best: scratch?.best ?? new Float64Array(8),
  };
  return scratch;
}

/**
 * `peakLoad` of the first `n` holders of `sc.inside` over [start, end), compared with what is left: ends sort
 * before starts at the same instant, as there. Events are encoded as one number (time within the slot, end or
 * start, position in `sc.inside`), sorted in place in the scratch array.
 */
function fitsPeak(sc: Scratch, n: number, maxConferences: number, maxPorts: number): boolean {
  const start = sc.slot[0]!;
  const end = sc.slot[1]!;
  const POS = 2 ** Math.ceil(Math.log2(n + 1));
  // (slot length × 2 + 1) × POS must stay exact in a double: sessions last at most a day, so only a window of
  // millions of holders could reach 2^53.
  if ((end - start) * 2 * POS >= Number.MAX_SAFE_INTEGER) {
    const inside = Array.from(sc.inside.subarray(0, n), (i) => ({
      start: new Date(sc.s[i]!),
      end: new Date(sc.e[i]!),
      ports: sc.p[i]!,
    }));
    const load = peakLoad(inside, new Date(start), new Date(end));
    return load.conferences <= maxConferences && load.ports <= maxPorts;
  }
  const events = sc.events;
  const count = 2 * n;
  for (let j = 0; j < n; j++) {
    const i = sc.inside[j]!;
    events[2 * j] = ((Math.max(sc.s[i]!, start) - start) * 2 + 1) * POS + j;
    events[2 * j + 1] = (Math.min(sc.e[i]!, end) - start) * 2 * POS + j;
  }
  sortEvents(events, count);
  let c = 0;
  let p = 0;
  for (let k = 0; k < count; k++) {
    const key = events[k]!;
    const j = key % POS;
    const ports = sc.p[sc.inside[j]!]!;
    if (Math.floor(key / POS) % 2 === 1) {
      c += 1;
      p += ports;
      if (c > maxConferences || p > maxPorts) return false;
    } else {
      c -= 1;
      p -= ports;
    }
  }
  return true;
}
