import { distance } from "fastest-levenshtein";
import { nameKey } from "../../core/directory/matcher.js";
import type { DirectorySnapshot } from "../../store/directory-repo.js";
import type { ApproveMode, ChatLink, LinkHolder, Platform } from "../../store/incident-repo.js";
import type { Repos } from "../../store/store.js";
import type { Actor, Desk } from "../context.js";
import { ROLE_VI } from "../incident/messages.js";
import { deskNotice } from "../incident/notify.js";
import { INCIDENT_JOB, type JobHandler } from "../incident/timers.js";

/** A chat account asking to be linked to an endpoint of the directory (`/dangky`). */
export interface LinkRequest {
  platform: Platform;
  userId: string;
  name: string;
  /** The endpoint as typed: its code (`CX-00376`) or its name (`Xã Sóc Sơn`, with or without diacritics). */
  endpoint: string;
}

export type LinkRequestOutcome =
  | { ok: true; id: number; endpoint: string; notice: string }
  /** Nothing (or only spaces) after `/dangky`. */
  | { ok: false; reason: "usage"; message: string }
  /** Longer than any endpoint's name: not a name. */
  | { ok: false; reason: "too-long"; message: string }
  /** No endpoint has this code or name; `nearest` are the codes of the closest names. */
  | { ok: false; reason: "unknown-endpoint"; given: string; nearest: string[]; message: string }
  /** The name fits several endpoints; `candidates` are their codes. */
  | { ok: false; reason: "ambiguous"; given: string; candidates: string[]; message: string };

const LINK_USAGE =
  "Cách dùng: /dangky <mã hoặc tên điểm cầu>, ví dụ /dangky CX-00376 hoặc /dangky Xã Sóc Sơn (có dấu hay không dấu đều được).";

/** Names and codes are short; a paragraph after `/dangky` is no endpoint. */
const MAX_ENDPOINT_TEXT = 120;

type Found = { ok: true; code: string } | Extract<LinkRequestOutcome, { ok: false }>;

/**
 * The endpoint `/dangky` names: by code (any case), else by name through the directory's matcher (the one the
 * mail parser resolves names with). An agency name alone names its endpoint only when the agency has one.
 */
export function findEndpoint(snapshot: DirectorySnapshot, typed: string): Found {
  const given = typed.trim();
  if (!given) return { ok: false, reason: "usage", message: `Thiếu mã hoặc tên điểm cầu. ${LINK_USAGE}` };
  if (given.length > MAX_ENDPOINT_TEXT)
    return {
      ok: false,
      reason: "too-long",
      message: `Tên điểm cầu dài quá ${MAX_ENDPOINT_TEXT} ký tự. ${LINK_USAGE}`,
    };
  const code = given.toUpperCase();
  if (snapshot.hasEndpoint(code)) return { ok: true, code };
  const matcher = snapshot.matcher();
  const label = (c: string) => `${snapshot.endpoint(c)?.name ?? c} (${c})`;
  const found = matcher.endpointByName(given);
  let candidates = found.kind === "many" ? found.codes : [];
  if (found.kind === "one") {
    const ep = snapshot.endpoint(found.code)!;
    const own = [ep.name, ...ep.aliases].some((n) => nameKey(n) === nameKey(given));
    const siblings = snapshot.directory.endpoints.filter((e) => e.agency === ep.agency).map((e) => e.code);
    // "Thành ủy Hà Nội" is the agency of three endpoints: which one is the person's is theirs to say.
    if (own || siblings.length === 1) return { ok: true, code: found.code };
    candidates = siblings.sort();
  }
  if (candidates.length > 0)
    return {
      ok: false,
      reason: "ambiguous",
      given,
      candidates,
      message: [
        `«${given}» ứng với ${candidates.length} điểm cầu:`,
        ...candidates.map((c) => `• ${label(c)}`),
        "Đề nghị gửi lại /dangky kèm mã điểm cầu của mình.",
      ].join("\n"),
    };
  // A mistyped code is nearest to codes; a mistyped name, to names.
  const codeLike = /^[A-Z]+-?\d+$/.test(code);
  const nearest = codeLike ? nearestCodes(snapshot, code) : found.kind === "none" ? found.nearest : [];
  const unknown = codeLike
    ? `Mã điểm cầu «${given}» không có trong danh bạ.`
    : `Không có điểm cầu «${given}» trong danh bạ.`;
  return {
    ok: false,
    reason: "unknown-endpoint",
    given,
    nearest,
    message: nearest.length
      ? [
          `${unknown} Có phải anh/chị muốn:`,
          ...nearest.map((c) => `• ${label(c)}`),
          "Đề nghị gửi lại /dangky kèm mã điểm cầu đúng.",
        ].join("\n")
      : `${unknown} ${LINK_USAGE}`,
  };
}

function nearestCodes(snapshot: DirectorySnapshot, code: string): string[] {
  return snapshot.directory.endpoints
    .map((e) => ({ code: e.code, d: distance(e.code, code) }))
    .filter((x) => x.d <= 2)
    .sort((a, b) => a.d - b.d || a.code.localeCompare(b.code))
    .slice(0, 5)
    .map((x) => x.code);
}

export interface LinkNoticeOptions {
  /** Registration notices to the group: the first of a window at once, the rest as one digest at its end. */
  registrationNoticeMinutes: number;
}

/** Ask to link a chat account to an endpoint; the admins are told (a flood becomes one digest). */
export function requestChatLink(
  desk: Desk,
  input: LinkRequest,
  now: Date,
  opts: LinkNoticeOptions,
): Promise<LinkRequestOutcome> {
  return desk.store.tx((r) => requestChatLinkIn(r, input, now, opts));
}

export async function requestChatLinkIn(
  r: Repos,
  input: LinkRequest,
  now: Date,
  opts: LinkNoticeOptions,
): Promise<LinkRequestOutcome> {
  const snapshot = await r.directory.snapshot();
  const found = findEndpoint(snapshot, input.endpoint);
  if (!found.ok) return found;
  const code = found.code;
  const name = snapshot.endpoint(code)?.name ?? code;
  await r.incidents.requestLink(
    { platform: input.platform, userId: input.userId, name: input.name, endpoint: code },
    now,
  );
  const pending = (await r.incidents.pendingLinks()).find(
    (l) => l.platform === input.platform && l.userId === input.userId,
  )!;
  await registrationNotice(
    r,
    pending.id,
    `${input.name} (${input.platform}) xin gắn với điểm cầu ${code}`,
    now,
    opts,
  );
  return {
    ok: true,
    id: pending.id,
    endpoint: code,
    notice: `Đã gửi yêu cầu đăng ký với điểm cầu ${name} (${code}), số ${pending.id}; quản trị viên sẽ duyệt.`,
  };
}

const REGISTRATION_STATE = "chat:registration-notices";
const DIGEST_LISTED = 5;

interface RegistrationNotices {
  /** The current window ends here (ms); the first request of a window is posted at once. */
  windowEnd: number;
  /** Requests held for the digest at the window's end. */
  held: number[];
}

function parseNotices(raw: string | null): RegistrationNotices {
  try {
    const v = raw ? (JSON.parse(raw) as Partial<RegistrationNotices>) : null;
    if (v && typeof v.windowEnd === "number" && Array.isArray(v.held))
      return { windowEnd: v.windowEnd, held: v.held.filter((x): x is number => typeof x === "number") };
  } catch {
    // An unreadable row starts a new window rather than stopping registrations.
  }
  return { windowEnd: 0, held: [] };
}

/**
 * A registration request tells the admins in the group, but a flood of `/dangky` must not flood the group:
 * the first request of a window is posted at once, the rest wait for one digest at the end of the window
 * (a job), which lists a few and counts the others.
 */
async function registrationNotice(r: Repos, id: number, what: string, now: Date, opts: LinkNoticeOptions) {
  const state = parseNotices(await r.meta.get(REGISTRATION_STATE));
  if (now.getTime() < state.windowEnd) {
    if (!state.held.includes(id)) state.held.push(id);
    await r.meta.set(REGISTRATION_STATE, JSON.stringify(state));
    return;
  }
  // A new window; requests still held from the last one stay held for its digest (or this one's).
  const windowEnd = now.getTime() + opts.registrationNoticeMinutes * 60_000;
  await r.meta.set(REGISTRATION_STATE, JSON.stringify({ windowEnd, held: state.held }));
  await r.jobs.schedule(
    { kind: INCIDENT_JOB.registrationDigest, key: "registrations", runAt: new Date(windowEnd) },
    now,
  );
  await deskNotice(r, "admin", `Yêu cầu đăng ký số ${id}: ${what}. Duyệt: /duyet ${id} technician`, now, "");
}

async function registrationDigest(r: Repos, now: Date) {
  const state = parseNotices(await r.meta.get(REGISTRATION_STATE));
  if (state.held.length === 0) return;
  await r.meta.set(REGISTRATION_STATE, JSON.stringify({ ...state, held: [] }));
  const pending = (await r.incidents.pendingLinks()).filter((l) => state.held.includes(l.id));
  if (pending.length === 0) return;
  const listed = pending.slice(0, DIGEST_LISTED);
  const more = pending.length - listed.length;
  await deskNotice(
    r,
    "admin",
    [
      `Có thêm ${pending.length} yêu cầu đăng ký đang chờ duyệt:`,
      ...listed.map((l) => `• số ${l.id}: ${l.name} (${l.platform}) xin gắn với điểm cầu ${l.endpoint}`),
      ...(more > 0 ? [`và ${more} yêu cầu đăng ký khác.`] : []),
      "Duyệt: /duyet <số> technician (hoặc leader).",
    ].join("\n"),
    now,
    "",
  );
}

/** The digest job of held registration notices. */
export function chatLinkJobHandlers(): Record<string, JobHandler> {
  return { [INCIDENT_JOB.registrationDigest]: async (_job, r, now) => registrationDigest(r, now) };
}

export interface LinkApproval {
  /** The request's number (NaN when what was typed is no number). */
  id: number;
  role: "leader" | "technician";
  /** `new`: refuse to take a chat link from anyone; `replace`/`add`: the admin chose. */
  mode: ApproveMode;
}

export type LinkApprovalOutcome =
  | { ok: true; link: ChatLink; replaced: LinkHolder | null; movedFrom: LinkHolder | null; added: boolean }
  | { ok: false; reason: "forbidden" }
  | { ok: false; reason: "not-found" }
  /** Nothing changed: `holder` has the endpoint's slot, `owner` has the applicant's account today. */
  | { ok: false; reason: "conflict"; link: ChatLink; holder: LinkHolder | null; owner: LinkHolder | null };

/**
 * An admin approves a registration. Without `replace`/`add`, an approval that would take a chat link from
 * someone (the endpoint's person already has an account on this platform, or the applicant's account belongs
 * to another person) changes nothing and names who holds it now.
 */
export function approveChatLink(
  desk: Desk,
  actor: Actor,
  input: LinkApproval,
  now: Date,
): Promise<LinkApprovalOutcome> {
  return desk.store.tx((r) => approveChatLinkIn(r, actor, input, now));
}

export async function approveChatLinkIn(
  r: Repos,
  actor: Actor,
  input: LinkApproval,
  now: Date,
): Promise<LinkApprovalOutcome> {
  if (actor.person?.role !== "admin") return { ok: false, reason: "forbidden" };
  const outcome = Number.isInteger(input.id)
    ? await r.incidents.approveLink(input.id, input.role, actor.id, now, input.mode)
    : ({ kind: "missing" } as const);
  if (outcome.kind === "missing") return { ok: false, reason: "not-found" };
  if (outcome.kind === "conflict") return { ok: false, reason: "conflict", ...outcome };
  const { kind: _, ...approved } = outcome;
  return { ok: true, ...approved };
}

/** What the admin is told about an approval, in chat or on the web. */
export function approvalText(outcome: LinkApprovalOutcome, given: string, input: LinkApproval): string {
  if (!outcome.ok && outcome.reason === "forbidden") return "Chỉ quản trị viên mới duyệt được đăng ký.";
  if (!outcome.ok && outcome.reason === "not-found")
    return `Không có yêu cầu đăng ký đang chờ số «${given}».`;
  const { id, role } = input;
  if (outcome.ok === false && outcome.reason !== "conflict") return "";
  const { link } = outcome;
  const platform = link.platform === "telegram" ? "Telegram" : "Zalo";
  const roleVi = ROLE_VI[role]!;
  if (!outcome.ok) {
    const lines = [`Chưa duyệt yêu cầu số ${id} (${link.name} xin làm ${roleVi} điểm cầu ${link.endpoint}):`];
    if (outcome.holder)
      lines.push(
        `• ${roleVi} điểm cầu ${link.endpoint} hiện là ${outcome.holder.name}, đã gắn tài khoản ${platform}.`,
        `Gõ /duyet ${id}${role === "leader" ? " leader" : ""} thay — thay tài khoản của ${outcome.holder.name} bằng tài khoản của ${link.name} (ghi nhật ký);`,
        `hoặc /duyet ${id}${role === "leader" ? " leader" : ""} them — thêm ${link.name} làm ${roleVi} thứ hai của điểm cầu.`,
      );
    if (outcome.owner)
      lines.push(
        `• Tài khoản ${platform} này đang gắn với ${outcome.owner.name} (${ROLE_VI[outcome.owner.role] ?? outcome.owner.role}${outcome.owner.endpoint ? ` điểm cầu ${outcome.owner.endpoint}` : ""}); duyệt bằng «thay» hoặc «them» sẽ chuyển tài khoản khỏi người đó (ghi nhật ký).`,
      );
    if (!outcome.holder) lines.push(`Gõ /duyet ${id}${role === "leader" ? " leader" : ""} thay để xác nhận.`);
    return lines.join("\n");
  }
  const notes = [
    outcome.replaced
      ? ` Tài khoản ${platform} cũ của ${outcome.replaced.name} đã bị thay (đã ghi nhật ký).`
      : "",
    outcome.added ? ` ${link.name} là ${roleVi} thứ hai của điểm cầu.` : "",
    outcome.movedFrom ? ` Tài khoản đã được chuyển khỏi ${outcome.movedFrom.name}.` : "",
  ].join("");
  return `Đã duyệt: ${link.name} là ${roleVi} điểm cầu ${link.endpoint}.${notes}`;
}
