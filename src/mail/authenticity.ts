import { Resolver } from "node:dns/promises";
import type { authenticate as Authenticate } from "mailauth";

/**
 * Mail authenticity (Điều 12.2a: only official mailboxes register). A mail counts as sent by its From domain
 * only when DMARC passes aligned with that domain. Two ways to know:
 *  1. the boundary server's `Authentication-Results` (RFC 8601), only the topmost header whose authserv-id is
 *     ours: a sender can write any header below it;
 *  2. our own verification (mailauth: DKIM, SPF, DMARC) when no such header is there.
 * A pass for some other domain (an SPF pass for an unrelated envelope sender, a DKIM signature of another
 * domain) never counts.
 */

/** A DNS lookup as mailauth calls it: TXT answers as arrays of strings, others as strings. */
export type DnsResolver = (name: string, rrtype: string) => Promise<string[][] | string[]>;

/** Why a mail is (not) authentic: a fixed category, never text taken from the mail. */
export type AuthReason =
  | "pass"
  | "dmarc-fail"
  | "dmarc-none"
  | "dmarc-temperror"
  | "dmarc-other"
  | "other-domain"
  | "not-aligned"
  | "no-single-from"
  | "duplicate-header"
  | "headers-unsigned"
  | "not-addressed"
  | "verify-error";

export interface AuthVerdict {
  authenticated: boolean;
  /** `header`: the boundary's trusted header decided; `verified`: our own check did. */
  via: "header" | "verified";
  reason: AuthReason;
}

/** Vietnamese for the desk: what went wrong, in words that carry nothing from the mail itself. */
export const AUTH_REASON_VI: Record<AuthReason, string> = {
  pass: "đạt DMARC",
  "dmarc-fail": "DMARC không đạt",
  "dmarc-none": "tên miền người gửi không công bố DMARC",
  "dmarc-temperror": "lỗi DNS tạm thời khi kiểm tra DMARC",
  "dmarc-other": "không có kết quả DMARC đạt",
  "other-domain": "kết quả DMARC đạt là của tên miền khác, không phải tên miền người gửi",
  "not-aligned": "chữ ký hoặc SPF đạt nhưng không khớp (alignment) với tên miền người gửi",
  "no-single-from": "thư không có đúng một địa chỉ người gửi",
  "duplicate-header":
    "thư có hai lần cùng một trường chỉ được có một (Subject, Date, Message-ID…): trường thêm vào sau khi ký",
  "headers-unsigned":
    "chữ ký không bao gồm toàn bộ thư (các trường Subject, Date, Message-ID hoặc cả phần nội dung): có thể là thư cũ gửi lại hoặc bị thêm nội dung",
  "not-addressed":
    "chữ ký của thư hợp lệ nhưng thư không gửi tới hộp thư kỹ thuật (To/Cc không có địa chỉ của bàn kỹ thuật): có thể là thư gửi nơi khác rồi được chuyển đến hoặc gửi lại",
  "verify-error": "không kiểm tra được thư",
};

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1).toLowerCase();
}

/** Remove RFC 5322 comments (nested parentheses), keeping quoted strings intact. */
function stripComments(s: string): string {
  let out = "";
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "\\" && (quoted || depth > 0)) {
      if (depth === 0) out += c + (s[i + 1] ?? "");
      i++;
      continue;
    }
    if (depth === 0 && c === '"') quoted = !quoted;
    if (!quoted && c === "(") {
      depth++;
      out += " ";
      continue;
    }
    if (!quoted && depth > 0 && c === ")") {
      depth--;
      continue;
    }
    if (depth === 0) out += c;
  }
  return out;
}

/** Split on `;` outside quoted strings. */
function splitResinfo(s: string): string[] {
  const parts: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "\\" && quoted) {
      cur += c + (s[i + 1] ?? "");
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ";" && !quoted) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  return parts.map((p) => p.trim());
}

function unquote(v: string): string {
  return v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, "$1") : v;
}

/** `key = value` pairs of one resinfo, keys lower case; values may be quoted. */
function pairs(resinfo: string): [string, string][] {
  const out: [string, string][] = [];
  const re = /([A-Za-z0-9_.\-/]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s;"]+)/g;
  for (const m of resinfo.matchAll(re)) out.push([m[1]!.toLowerCase(), unquote(m[2]!)]);
  return out;
}

export interface AuthResults {
  authservId: string;
  /** One entry per resinfo: method (without version), result, and properties (`header.from`, …). */
  results: { method: string; result: string; props: Record<string, string> }[];
}

/** Parse one `Authentication-Results` value (RFC 8601 §2.2). Null when it has no authserv-id. */
export function parseAuthResults(value: string): AuthResults | null {
  const parts = splitResinfo(stripComments(value.replace(/\r?\n[ \t]/g, " ")));
  const head = parts.shift()?.trim() ?? "";
  const id = /^("(?:[^"\\]|\\.)*"|[^\s"]+)/.exec(head);
  if (!id) return null;
  const results: AuthResults["results"] = [];
  for (const part of parts) {
    const kv = pairs(part);
    const first = kv.shift();
    if (!first) continue; // "none" or garbage
    const method = first[0].replace(/\/.*$/, "");
    const props: Record<string, string> = {};
    for (const [k, v] of kv) if (k.includes(".") && !(k in props)) props[k] = v;
    results.push({ method, result: first[1].toLowerCase(), props });
  }
  return { authservId: unquote(id[1]!).toLowerCase(), results };
}

/**
 * The verdict of the TOPMOST `Authentication-Results` header whose authserv-id is ours, or null when there is
 * none (or no authserv-id is configured). `values` are the header values in message order, topmost first.
 * Authenticated only when every DMARC result in it passes for exactly the From domain.
 */
export function parseTrustedAuthResults(
  values: string[],
  authservId: string | null | undefined,
  fromAddress: string,
  raw?: Buffer,
): AuthVerdict | null {
  if (!authservId) return null;
  const want = authservId.toLowerCase();
  for (const v of values) {
    const parsed = parseAuthResults(v);
    if (!parsed || parsed.authservId !== want) continue;
    // The topmost one decides; everything below it may have been written by the sender.
    const dmarc = parsed.results.filter((r) => r.method === "dmarc");
    const verdict = (reason: AuthReason): AuthVerdict => ({
      authenticated: reason === "pass",
      via: "header",
      reason,
    });
    if (dmarc.length === 0) return verdict("dmarc-other");
    const fail = dmarc.find((r) => r.result !== "pass");
    if (fail) return verdict(resultReason(fail.result));
    const from = domainOf(fromAddress);
    if (dmarc.some((r) => (r.props["header.from"] ?? "").toLowerCase() !== from))
      return verdict("other-domain");
    return raw && !boundaryCovers(parsed, from, raw) ? verdict("headers-unsigned") : verdict("pass");
  }
  return null;
}

/** Relaxed alignment (RFC 7489 §3.1) without the public-suffix list: one domain is the other or its parent. */
function relaxedAligned(a: string, b: string): boolean {
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

/**
 * Whether the boundary's DMARC pass vouches for this very mail, not an old one sent again: as for our own check,
 * an aligned SPF pass (the agency's server sent it now) does, and an aligned DKIM pass only when the signature it
 * names (RFC 8601 `header.b`, else every signature of `header.d`) covers From, Subject, Date and Message-ID and
 * has no body length (`l=`). A header that says no more than `dmarc=pass` is taken at its word: nothing in it
 * says which signature passed.
 */
function boundaryCovers(parsed: AuthResults, from: string, raw: Buffer): boolean {
  const spf = parsed.results.filter((r) => r.method === "spf" && r.result === "pass");
  for (const r of spf) {
    const mailfrom = (r.props["smtp.mailfrom"] ?? "").toLowerCase();
    if (mailfrom && relaxedAligned(domainOf(mailfrom), from)) return true;
  }
  const dkim = parsed.results.filter((r) => r.method === "dkim" && r.result === "pass");
  if (!spf.length && !dkim.length) return true;
  const counts = headerCounts(raw);
  const signatures = dkimSignatures(raw);
  for (const r of dkim) {
    const d = (r.props["header.d"] ?? r.props["header.i"]?.replace(/^.*@/, "") ?? "").toLowerCase();
    if (!d || !relaxedAligned(d, from)) continue;
    const b = (r.props["header.b"] ?? "").replace(/\s+/g, "");
    const named = signatures.filter((s) => s.d === d && (!b || s.b.startsWith(b)));
    if (named.length && named.every((s) => s.l === null && coversMail(s.h, counts))) return true;
  }
  return false;
}

/** The `d=`, `b=`, `h=` and `l=` tags of every DKIM-Signature field of a raw mail (RFC 6376 §3.5). */
export function dkimSignatures(raw: Buffer): { d: string; b: string; h: string; l: string | null }[] {
  const head = headerBlock(raw).replace(/\r?\n(?=[ \t])/g, "");
  const out: { d: string; b: string; h: string; l: string | null }[] = [];
  for (const line of head.split(/\r?\n/)) {
    const m = /^dkim-signature[ \t]*:(.*)$/is.exec(line);
    if (!m) continue;
    const tags = new Map<string, string>();
    for (const part of m[1]!.split(";")) {
      const eq = part.indexOf("=");
      if (eq > 0) tags.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).replace(/\s+/g, ""));
    }
    out.push({
      d: (tags.get("d") ?? "").toLowerCase(),
      b: tags.get("b") ?? "",
      h: tags.get("h") ?? "",
      l: tags.get("l") ?? null,
    });
  }
  return out;
}

function resultReason(result: string): AuthReason {
  if (result === "fail") return "dmarc-fail";
  if (result === "none") return "dmarc-none";
  if (result === "temperror") return "dmarc-temperror";
  return "dmarc-other";
}

/** Fields RFC 5322 §3.6 allows at most once. */
const ONCE = new Set([
  "from",
  "sender",
  "reply-to",
  "to",
  "cc",
  "bcc",
  "message-id",
  "in-reply-to",
  "references",
  "subject",
  "date",
]);

/**
 * Fields an aligned signature must cover, every instance of them: what the desk acts on (sender, subject) and what
 * makes a mail new (Date, Message-ID). Unsigned, the same signed mail can be sent again as a new one.
 */
const MUST_SIGN = ["from", "subject", "date", "message-id"] as const;

/** A raw mail's header block (up to the first empty line), as latin1 text. */
function headerBlock(raw: Buffer): string {
  const crlf = raw.indexOf("\r\n\r\n");
  const lf = raw.indexOf("\n\n");
  const end = [crlf, lf].filter((i) => i >= 0).reduce((a, b) => Math.min(a, b), raw.length);
  return raw.subarray(0, end).toString("latin1");
}

/** How many times each header field occurs in a raw mail (names in lower case). */
export function headerCounts(raw: Buffer): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of headerBlock(raw).split(/\r?\n/)) {
    const m = /^([!-9;-~]+)[ \t]*:/.exec(line);
    if (m) counts.set(m[1]!.toLowerCase(), (counts.get(m[1]!.toLowerCase()) ?? 0) + 1);
  }
  return counts;
}

/**
 * A field allowed once that occurs twice: DKIM verifies a field's instances from the bottom up and mail parsers read
 * the topmost, so a Subject, Message-ID or Date put on top of a signed (or boundary-verified) mail is read in
 * place of the one that was checked.
 */
function duplicateOnce(counts: Map<string, number>): boolean {
  for (const [name, n] of counts) if (n > 1 && ONCE.has(name)) return true;
  return false;
}

/** Whether a passing signature covers every instance of the fields that must be signed, and of all it signed. */
function coversMail(signedKeys: string, counts: Map<string, number>): boolean {
  const signed = new Map<string, number>();
  for (const k of signedKeys.split(":").map((x) => x.trim().toLowerCase()))
    if (k) signed.set(k, (signed.get(k) ?? 0) + 1);
  for (const name of MUST_SIGN) {
    const present = counts.get(name) ?? 0;
    const need = name === "subject" ? present : Math.max(1, present);
    if ((signed.get(name) ?? 0) < need) return false;
  }
  // A signed field with an unsigned instance beside it (a second Content-Type on top) is not what was signed.
  for (const [name, n] of signed) if ((counts.get(name) ?? 0) > n) return false;
  return true;
}

let shared: DnsResolver | null = null;

/**
 * The system's DNS with a short timeout: an unreachable resolver must not hold every mail for the operating
 * system's default (seconds per query, several queries per mail). A timeout is a temporary error: not authentic.
 */
export function systemResolver(): DnsResolver {
  if (!shared) {
    const resolver = new Resolver({ timeout: 1500, tries: 1 });
    shared = (name, rrtype) => resolver.resolve(name, rrtype) as Promise<string[][] | string[]>;
  }
  return shared;
}

export interface VerifyOptions {
  /** DNS lookups; tests pass a stub. Defaults to the system resolver. */
  resolver?: DnsResolver;
  /** The connecting client, when known: without it SPF cannot pass and DKIM must carry the alignment. */
  ip?: string;
  helo?: string;
  sender?: string;
}

/**
 * Verify a raw mail ourselves: mailauth checks DKIM, SPF and the DMARC record; the alignment is checked here
 * again, because mailauth 4.x lets an organisational-domain signature pass a strict (`adkim=s`) policy.
 */
export async function verifyMail(
  raw: Buffer,
  fromAddress: string,
  opts: VerifyOptions = {},
): Promise<AuthVerdict> {
  const verdict = (reason: AuthReason): AuthVerdict => ({
    authenticated: reason === "pass",
    via: "verified",
    reason,
  });
  let res: Awaited<ReturnType<typeof Authenticate>>;
  try {
    // Loaded on first use: mailauth costs seconds at start, and the CLI and most mail never need it.
    const { authenticate } = await import("mailauth");
    res = await authenticate(raw, {
      resolver: opts.resolver ?? systemResolver(),
      ...(opts.ip ? { ip: opts.ip } : {}),
      ...(opts.helo ? { helo: opts.helo } : {}),
      ...(opts.sender ? { sender: opts.sender } : {}),
      mta: "desk",
      trustReceived: false,
      disableArc: true,
      disableBimi: true,
    });
  } catch {
    return verdict("verify-error");
  }
  const headerFrom = ([] as string[]).concat(
    (res.dkim as unknown as { headerFrom?: string | string[] }).headerFrom ?? [],
  );
  if (headerFrom.length !== 1) return verdict("no-single-from");
  const from = domainOf(headerFrom[0]!);
  // The domain verified must be the one the desk reads as the sender.
  if (from !== domainOf(fromAddress)) return verdict("other-domain");
  const dmarc = res.dmarc;
  if (!dmarc) return verdict("dmarc-other");
  const result = String(dmarc.status?.result ?? "").toLowerCase();
  if (result !== "pass") return verdict(resultReason(result));
  const org = String(dmarc.domain ?? "").toLowerCase();
  if (!org || !(from === org || from.endsWith(`.${org}`))) return verdict("other-domain");
  const aligned = (d: string, strict: boolean) => (strict ? d === from : d === org || d.endsWith(`.${org}`));
  type Signed = {
    signingDomain?: string;
    status?: { result?: string; underSized?: number };
    signingHeaders?: { keys?: string };
  };
  const passing = ((res.dkim.results ?? []) as Signed[]).filter(
    (r) => r.status?.result === "pass" && r.signingDomain,
  );
  const dkimAligned = passing.filter((r) =>
    aligned(String(r.signingDomain).toLowerCase(), Boolean(dmarc.alignment?.dkim?.strict)),
  );
  const counts = headerCounts(raw);
  // An `l=` signature that stops before the body ends vouches for none of what follows (anyone can append).
  const dkimCovers = dkimAligned.some(
    (r) => !r.status?.underSized && coversMail(r.signingHeaders?.keys ?? "", counts),
  );
  const spfDomain =
    res.spf && res.spf.status?.result === "pass" && res.spf.domain
      ? String(res.spf.domain).toLowerCase()
      : null;
  // SPF says the agency's server sent this mail now; a signature only that it once signed these fields.
  const spfOk = spfDomain !== null && aligned(spfDomain, Boolean(dmarc.alignment?.spf?.strict));
  if (dkimCovers || spfOk) return verdict("pass");
  return verdict(dkimAligned.length > 0 ? "headers-unsigned" : "not-aligned");
}

/**
 * The verdict the boundary's trusted header alone gives, without a DNS query: null when the boundary wrote none (our
 * own verification then decides, see `checkAuthenticity`). The mail reader's thread asks it before it understands a
 * mail in an agency's name: a mail that may be forged is not understood at all.
 */
export function boundaryVerdict(
  raw: Buffer,
  authResults: string[],
  fromAddress: string,
  authservId: string | null | undefined,
): AuthVerdict | null {
  if (duplicateOnce(headerCounts(raw)))
    return { authenticated: false, via: "verified", reason: "duplicate-header" };
  return parseTrustedAuthResults(authResults, authservId, fromAddress, raw);
}

/** What the mail reader's thread knows of the desk's rule for authenticity (`MailDeskOptions`). */
export interface ReaderTrust {
  requireAuth: boolean;
  authservId: string | null;
}

/**
 * Whether a mail in an agency's name may be understood before the desk's verdict: always when the desk requires no
 * authentication; otherwise only when the boundary's trusted header already vouches for it as the desk would (one
 * From, addressed to the desk, DMARC pass for its domain). Any other mail (forged, failing, or one only our own DNS
 * check can decide) is understood by the desk after its verdict, and not at all when it fails: its body may be an
 * attacker's, written to cost the reader.
 */
export function understoodAhead(
  facts: { from: string | null; addressedToUs: boolean; auth: { results: string[]; singleFrom: boolean } },
  raw: Buffer,
  trust: ReaderTrust,
): boolean {
  if (!trust.requireAuth) return true;
  if (!facts.from || !facts.auth.singleFrom || !facts.addressedToUs) return false;
  return boundaryVerdict(raw, facts.auth.results, facts.from, trust.authservId)?.authenticated === true;
}

/** Trusted boundary header first; our own verification only when the boundary wrote none. */
export async function checkAuthenticity(
  raw: Buffer,
  authResults: string[],
  fromAddress: string,
  opts: VerifyOptions & { authservId?: string | null },
): Promise<AuthVerdict> {
  // Before either verdict: neither the boundary's DMARC nor a signature says which of two Subjects was checked.
  return (
    boundaryVerdict(raw, authResults, fromAddress, opts.authservId) ??
    (await verifyMail(raw, fromAddress, opts))
  );
}
