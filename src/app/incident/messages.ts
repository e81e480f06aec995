import { buttonData } from "../../bot/commands.js";
import type { ChatButton } from "../../bot/conversation.js";
import { parseBookingCode } from "../../core/booking/code.js";
import { CATEGORY_VI, type FaultCategory, type Route } from "../../core/incident/classify.js";
import { INCIDENT_STATUS_VI, type Incident } from "../../core/incident/types.js";
import type { IncidentAction, RefusalCause } from "./actions.js";

/** Who handles a route, as chat and the web name it. */
export const ROUTE_VI: Record<Route, string> = {
  wan: "Trực ban mạng WAN (Sở Khoa học và Công nghệ)",
  mcu: "Kỹ thuật MCU",
};

export const ROLE_VI: Record<string, string> = {
  leader: "lãnh đạo",
  technician: "cán bộ kỹ thuật",
  "mcu-technician": "cán bộ kỹ thuật MCU",
  "wan-duty": "trực ban mạng WAN",
  admin: "quản trị viên",
};

/** The chat command of each incident action, as the audit trail records it and chat types it. */
export const ACTION_COMMAND: Record<IncidentAction, string> = {
  acknowledge: "nhan",
  transfer: "chuyen",
  resolve: "xong",
  reopen: "mo",
  comment: "ghichu",
};

/** Each step of an incident's timeline, as chat and the web desk name it. */
export const INCIDENT_EVENT_VI: Record<string, string> = {
  opened: "tiếp nhận phản ánh",
  "opened-unverified": "tiếp nhận phản ánh (chưa xác minh)",
  "reported-again": "báo lại",
  "reported-over-limit": "báo lại (vượt giới hạn báo cáo, ghi nhận vào sự cố diện rộng)",
  "opened-major": "mở sự cố diện rộng",
  "joined-major": "gộp vào sự cố diện rộng",
  nhan: "nhận xử lý",
  chuyen: "chuyển xử lý",
  xong: "đã khắc phục",
  mo: "mở lại",
  "reopened-joined": "mở lại các phản ánh đã gộp",
  "resolved-joined": "đóng các phản ánh đã gộp",
  ghichu: "ghi chú",
  corrected: "điểm cầu sửa phản ánh",
  reminded: "nhắc việc người trực",
  escalated: "báo động lên quản trị viên",
};

/** How each incident command is written, for the message that corrects a mistyped one. */
const INCIDENT_USAGE: Record<IncidentAction, string> = {
  acknowledge: "/nhan SC-2026-0123",
  transfer: "/chuyen SC-2026-0123 wan | mcu | @Tên cán bộ",
  resolve: "/xong SC-2026-0123 [ghi chú cách xử lý]",
  reopen: "/mo SC-2026-0123 [lý do]",
  comment: "/ghichu SC-2026-0123 <nội dung ghi chú>",
};

/**
 * The buttons under a desk notice about an incident (Telegram; Zalo spells them out as commands). The transfer
 * button hands the incident to the other route: a notice to the WAN duty offered «Chuyển WAN» too, so the WAN duty
 * could not hand an endpoint's fault back to the MCU technician by button, and a press only sent it to themselves.
 */
export function incidentButtons(code: string, route: Route): ChatButton[][] {
  const other: Route = route === "wan" ? "mcu" : "wan";
  return [
    [
      { label: `Nhận ${code}`, data: buttonData("nhan", code) },
      { label: other === "wan" ? "Chuyển WAN" : "Chuyển MCU", data: buttonData("chuyen", code, other) },
      { label: "Đã xong", data: buttonData("xong", code) },
    ],
  ];
}

/** Where a report was made, as chat may say it (Điều 5.2: a secret session's endpoint is never named). */
export function reportPlace(endpoint: string, booking: { code: string; secret: boolean } | null): string {
  if (booking?.secret) return `một điểm cầu của phiên mật ${booking.code}`;
  return `${endpoint}${booking ? `, phiên ${booking.code}` : ""}`;
}

/**
 * A place the report's words named (not the reporter's own endpoint), as chat says it: by the endpoint's name, so
 * that a wrong guess is plain to the reporter. Null for a secret session's endpoint (Điều 5.2): say nothing.
 */
export function namedPlaceText(
  endpoint: { code: string; name: string },
  booking: { code: string; secret: boolean } | null,
): string | null {
  if (booking?.secret) return null;
  return `điểm cầu ${endpoint.name} (${endpoint.code})${booking ? `, phiên ${booking.code}` : ""}`;
}

/**
 * The answer, in a chat, to a verified report filed at another endpoint its words named: the incident's code and
 * the place the bot understood, for the reporter to check. Never its session: the answer must read the same byte
 * for byte whether that endpoint is in a secret session or not (Điều 5.2). The code may be said: no group post about
 * an incident names its place or session (`commentGroupText`), so it ties the report to nothing more.
 */
export function namedReportText(
  kind: "opened" | "joined",
  category: FaultCategory,
  route: Route,
  place: { code: string; name: string },
  code: string,
): string {
  const at = `tại điểm cầu ${place.name} (${place.code})`;
  const head =
    kind === "opened"
      ? `Đã tiếp nhận phản ánh sự cố ${code} (${CATEGORY_VI[category]}) ${at}; đã chuyển ${ROUTE_VI[route]}.`
      : `Phản ánh sự cố (${CATEGORY_VI[category]}) ${at} đã được bổ sung vào sự cố ${code} đang xử lý.`;
  return `${head} ${followHint([code])} ${wrongPlaceHint(code)}`;
}

/** Where the reporter follows their incidents: in a private chat with the bot. */
function followHint(codes: readonly string[]): string {
  return `Diễn biến: nhắn riêng ${codes.map((c) => `/suco ${c}`).join(", ")} cho bot.`;
}

/** How the reporter corrects a place the bot understood wrongly. */
export function wrongPlaceHint(code: string): string {
  return `Nếu không đúng điểm cầu, đề nghị nhắn /ghichu ${code} <tên điểm cầu đúng> để bộ phận kỹ thuật điều chỉnh.`;
}

/** The audit note of a report about another endpoint: the reporter's words and where they were sent from. */
export function reportedFromNote(text: string, from: string): string {
  return `${text} (báo từ điểm cầu ${from})`;
}

/**
 * A verified report at the reporter's own endpoint, acknowledged in words in the group where no reaction can be
 * (Zalo, a chat with reactions off, a late reaction). Telegram's reaction is the same for a secret session and an
 * open one, so these words are too (Điều 5.2): the incident's code (which every group post about it shows, never with
 * its place or session: `commentGroupText`), kind and route; neither the place nor the session. `short`: its item
 * in a merged line.
 */
export function groupAckText(
  kind: "opened" | "joined",
  category: FaultCategory,
  route: Route,
  reporter: string,
  code: string,
): { text: string; short: string } {
  const head =
    kind === "opened"
      ? `Đã tiếp nhận phản ánh sự cố ${code} (${CATEGORY_VI[category]}); đã chuyển ${ROUTE_VI[route]}.`
      : `Phản ánh sự cố (${CATEGORY_VI[category]}) đã được bổ sung vào sự cố ${code} đang xử lý.`;
  const who =
    reporter
      .replace(/[,\n]+/g, " ")
      .trim()
      .slice(0, 40) || "?";
  return {
    text: `${head} ${followHint([code])}`,
    short: `${who}: ${code} (${CATEGORY_VI[category]})`,
  };
}

/**
 * The group's answer to a report its sender edited into another fault: the incident it opened, not yet taken, now
 * says the new fault and went where it belongs. Without code, place or session, as `groupAckText`, so that it reads
 * the same for every incident (Điều 5.2).
 */
export function correctedText(
  from: FaultCategory,
  to: FaultCategory,
  route: Route,
  was: Route,
  code: string,
): string {
  const away = was !== route ? ` ${ROUTE_VI[was]} không cần xử lý phản ánh lúc đầu.` : "";
  return `Đã sửa phản ánh theo tin nhắn đã chỉnh: sự cố ${code} (${CATEGORY_VI[to]}) thay cho (${CATEGORY_VI[from]}); đã chuyển ${ROUTE_VI[route]}.${away} ${followHint([code])}`;
}

/** The same, for a report that belongs to a storm (said in a private chat; the group reads the storm message). */
export function correctedStormText(
  from: FaultCategory,
  to: FaultCategory,
  major: string,
  route: Route,
): string {
  return `Đã sửa phản ánh theo tin nhắn đã chỉnh: sự cố (${CATEGORY_VI[to]}) thay cho (${CATEGORY_VI[from]}), thuộc sự cố diện rộng ${major}; ${ROUTE_VI[route]} đang xử lý.`;
}

/** The same, when the first incident was already taken: both stay, the new fault is filed on its own. */
export function correctedKeptText(
  from: FaultCategory,
  to: FaultCategory,
  route: Route,
  code: string,
  first: string,
): string {
  return `Đã tiếp nhận phản ánh đã sửa: sự cố ${code} (${CATEGORY_VI[to]}); đã chuyển ${ROUTE_VI[route]}. Sự cố ${first} (${CATEGORY_VI[from]}) báo lúc đầu đã có người nhận xử lý nên vẫn giữ; người xử lý sẽ kiểm tra lại. ${followHint([code])}`;
}

/** The audit note of a split report's fault its sender edited away. */
export function droppedNote(inc: Incident): string {
  return `không còn nêu ${CATEGORY_VI[inc.category]}`;
}

/** Its duty is told to check with the endpoint (the private notice; the group reads `commentGroupText`). */
export function droppedNotice(inc: Incident, place: string): string {
  return `Sự cố ${inc.code} (${CATEGORY_VI[inc.category]}) tại ${place}: điểm cầu đã sửa tin báo, không còn nêu lỗi này. Đề nghị kiểm tra lại với điểm cầu; nếu không còn lỗi, đóng bằng /xong ${inc.code} báo nhầm.`;
}

/**
 * The answer to an edit of a report that named two faults: each correction's own words, and each fault edited away
 * (kept, its duty checking), with the codes the message now stands for.
 */
export function splitCorrectedText(
  corrected: readonly string[],
  dropped: readonly Incident[],
  codes: string[],
  added: readonly Incident[] = [],
): string {
  const kept = [
    ...dropped.map(
      (i) =>
        `sự cố ${i.code} (${CATEGORY_VI[i.category]}) báo lúc đầu không còn trong tin nhắn đã sửa nhưng vẫn giữ; ${ROUTE_VI[i.route]} sẽ kiểm tra lại với điểm cầu.`,
    ),
    ...added.map(
      (i) =>
        `lỗi mới (${CATEGORY_VI[i.category]}) đã tiếp nhận thành sự cố ${i.code} và chuyển ${ROUTE_VI[i.route]}.`,
    ),
  ];
  if (!corrected.length)
    return `Đã sửa phản ánh theo tin nhắn đã chỉnh: ${kept.join(" ")} ${followHint(codes)}`;
  const more = kept.map((k) => `${k[0]!.toUpperCase()}${k.slice(1)}`);
  return [...corrected, ...more].join(" ");
}

/** The desk is told of the correction: the route that no longer has it, or the one that has it still. */
export function correctedNotice(inc: Incident, from: FaultCategory, place: string, was: Route): string {
  const head = `Sự cố ${inc.code} tại ${place}: điểm cầu đã sửa phản ánh thành (${CATEGORY_VI[inc.category]}), thay cho (${CATEGORY_VI[from]})`;
  return was !== inc.route
    ? `${head}; đã chuyển ${ROUTE_VI[inc.route]}, ${ROUTE_VI[was]} không cần xử lý.`
    : `${head}.`;
}

/** What the group reads of `correctedNotice` (see `commentGroupText`). */
export function correctedGroupText(inc: Incident, from: FaultCategory, was: Route): string {
  const away =
    was !== inc.route ? `, đã chuyển ${ROUTE_VI[inc.route]}; ${ROUTE_VI[was]} không cần xử lý` : "";
  return `Sự cố ${inc.code} được điểm cầu sửa thành (${CATEGORY_VI[inc.category]}), thay cho (${CATEGORY_VI[from]})${away}. ${privateDetailsHint(inc.code)}`;
}

/** The taker of the first incident is told that its report was edited into another fault, filed as `next`. */
export function correctedKeptNotice(inc: Incident, next: Incident, place: string): string {
  return `Sự cố ${inc.code} (${CATEGORY_VI[inc.category]}) tại ${place}, đã có người nhận: điểm cầu đã sửa phản ánh thành (${CATEGORY_VI[next.category]}), tiếp nhận thành ${next.code} (${ROUTE_VI[next.route]}). Nếu báo nhầm, đề nghị đóng bằng /xong ${inc.code} báo nhầm.`;
}

export function openedText(
  code: string,
  category: FaultCategory,
  route: Route,
  where: string,
  secret: boolean,
) {
  return secret
    ? `Đã tiếp nhận sự cố ${code} (${CATEGORY_VI[category]}); đã chuyển ${ROUTE_VI[route]}.`
    : `Đã tiếp nhận sự cố ${code} (${CATEGORY_VI[category]}) tại ${where}; đã chuyển ${ROUTE_VI[route]}.`;
}

export function newIncidentNotice(
  code: string,
  category: FaultCategory,
  where: string,
  reporterName: string | null,
  /** The reporter's own endpoint, when the report names another one (never for a secret session). */
  from: string | null = null,
): string {
  const by = reporterName ? `, do ${reporterName} báo${from ? ` từ điểm cầu ${from}` : ""}` : "";
  return `Sự cố mới ${code} (${CATEGORY_VI[category]}) tại ${where}${by}.`;
}

/**
 * A power fault said with the link down («mất điện và mất mạng luôn»): one incident, the MCU technician's (power
 * first), and the WAN duty told so (no buttons: nothing of theirs to take yet). `linkAlsoMcuNote` ends the MCU
 * technician's notice, `linkAlsoNotice` is the WAN duty's, `linkAlsoGroupText` what the group reads of it.
 */
/**
 * «mất tiếng và máy chiếu không lên»: one incident, of its first fault; its duty reads the others too (they read
 * «(thiết bị)» alone, and checked the projector only).
 */
export function alsoReportedNote(categories: readonly FaultCategory[]): string {
  return categories.length ? ` Điểm cầu báo kèm: ${categories.map((c) => CATEGORY_VI[c]).join(", ")}.` : "";
}

/**
 * «mất mạng, máy chiếu cũng hỏng»: two faults of two duties, filed as two incidents; each duty's notice says the
 * other fault went to the other duty, so that neither looks at it nor wonders who does.
 */
export function splitNote(category: FaultCategory, route: Route): string {
  return ` Cùng tin báo có sự cố ${CATEGORY_VI[category]}: đã chuyển ${ROUTE_VI[route]} thành sự cố riêng.`;
}

/**
 * The group's acknowledgement of a report naming two faults of two duties: both, their codes and where each went,
 * without place or session, as `groupAckText` (the same words whatever the session, Điều 5.2).
 */
export function groupAckBothText(
  parts: readonly { kind: "opened" | "joined"; category: FaultCategory; route: Route; code: string }[],
): string {
  const each = parts.map(
    (p) =>
      `${p.code} (${CATEGORY_VI[p.category]}): ${p.kind === "opened" ? `đã chuyển ${ROUTE_VI[p.route]}` : "đã bổ sung vào sự cố đang xử lý"}`,
  );
  return `Đã tiếp nhận phản ánh ${parts.length} sự cố — ${each.join("; ")}. ${followHint(parts.map((p) => p.code))}`;
}

export function linkAlsoMcuNote(): string {
  return ` Điểm cầu báo kèm mất đường truyền: đã báo ${ROUTE_VI.wan} để biết; có điện lại mà đường truyền vẫn lỗi thì chuyển bằng /chuyen … wan.`;
}

export function linkAlsoNotice(code: string, place: string, major: string | null = null): string {
  return `Để biết: sự cố ${code} (${CATEGORY_VI.power}) tại ${place}${major ? `, thuộc sự cố diện rộng ${major},` : ""} báo kèm mất đường truyền. ${ROUTE_VI.mcu} xử lý nguồn điện trước; có điện lại mà đường truyền vẫn lỗi thì sự cố sẽ được chuyển cho ${ROUTE_VI.wan}.`;
}

export function linkAlsoGroupText(code: string): string {
  return `Sự cố ${code} (${CATEGORY_VI.power}) báo kèm mất đường truyền; ${ROUTE_VI.mcu} xử lý nguồn điện trước, đã báo ${ROUTE_VI.wan} để biết. ${privateDetailsHint(code)}`;
}

/** `place`: the place the report named, when it is not the reporter's own endpoint and may be said. */
export function joinedText(joined: Incident, place: string | null = null): string {
  if (place)
    return `Sự cố tại ${place} đã được ghi nhận trong ${joined.code} (${INCIDENT_STATUS_VI[joined.status]}); bot đã bổ sung phản ánh của anh/chị. ${wrongPlaceHint(joined.code)}`;
  return `Sự cố này đã được ghi nhận trong ${joined.code} (${INCIDENT_STATUS_VI[joined.status]}); bot đã bổ sung phản ánh của anh/chị.`;
}

/**
 * How an unregistered chat account is told to register. Chat adds it to a stranger's acknowledgement once per
 * window (not on every report: the group's quota is for faults).
 */
/** The answer to a report that says something is wrong but not what («điểm cầu em có vấn đề»). */
export const ASK_BACK_TEXT =
  "Bộ phận kỹ thuật chưa rõ sự cố anh/chị gặp. Đề nghị nhắn lại cụ thể, ví dụ «mất tiếng», «mất hình», «hình bị giật», «rớt mạng», «mất điện», «camera không lên», để bot chuyển đúng người xử lý (sự cố đường truyền: Trực ban mạng WAN; sự cố khác: Kỹ thuật MCU).";

/** The answer to a voice message: nobody at the desk may be listening, and the bot cannot. */
export const VOICE_TEXT =
  "Bot chưa nghe được tin nhắn thoại. Đề nghị nhắn sự cố bằng chữ, ví dụ «mất tiếng», «mất hình», «rớt mạng», «mất điện», để bot chuyển ngay cho người xử lý; việc gấp xin gọi trực tiếp bộ phận kỹ thuật.";

/**
 * The answer to a message the platform delivers without its content (Zalo's «unsupported»: a voice message, an
 * audio file, a document…): it may be a report nobody can read.
 */
export const UNREADABLE_TEXT =
  "Bot chưa đọc được loại tin nhắn này (tin nhắn thoại, tệp…). Đề nghị nhắn sự cố bằng chữ, ví dụ «mất tiếng», «mất hình», «rớt mạng», «mất điện», để bot chuyển ngay cho người xử lý; việc gấp xin gọi trực tiếp bộ phận kỹ thuật.";

/** The answer in private to a photo or a sticker with no words. */
export const MEDIA_TEXT =
  "Bot chỉ đọc được chữ. Đề nghị nhắn mô tả sự cố bằng chữ (ảnh gửi kèm thì ghi chú thích dưới ảnh), ví dụ «mất tiếng», «mất hình», «rớt mạng», «mất điện».";

export const REGISTER_HINT =
  "Tài khoản của anh/chị chưa gắn với điểm cầu nào: đề nghị gửi /dangky <mã hoặc tên điểm cầu> (ví dụ /dangky Xã Sóc Sơn) để quản trị viên duyệt, hoặc gọi trực tiếp bộ phận kỹ thuật.";

export function strangerJoinedText(joined: Incident): string {
  return `Phản ánh này đã được ghi vào sự cố ${joined.code} (chưa xác minh).`;
}

export function strangerOpenedText(
  name: string,
  code: string,
  category: FaultCategory,
  route: Route,
  /**
   * The endpoint the report named. Said as the reporter wrote it, without its session: the answer reads the same
   * whether that endpoint is in a secret session or not (Điều 5.2).
   */
  place: { code: string; name: string } | null = null,
): string {
  if (place)
    return `Chào ${name}, bot đã ghi nhận phản ánh thành sự cố ${code} (${CATEGORY_VI[category]}, chưa xác minh) tại điểm cầu ${place.name} (${place.code}) và chuyển ${ROUTE_VI[route]}. Nếu không đúng điểm cầu, đề nghị báo lại kèm tên điểm cầu đúng.`;
  return `Chào ${name}, bot đã ghi nhận phản ánh thành sự cố ${code} (${CATEGORY_VI[category]}, chưa xác minh) và chuyển ${ROUTE_VI[route]}.`;
}

/**
 * The desk's notice of a stranger's report. `place`: where its words put it (`reportPlace` or the named place);
 * `secret`: that place is in a live secret session, so neither the account nor its words are repeated (Điều 5.2).
 */
export function strangerNotice(
  code: string,
  category: FaultCategory,
  platform: string,
  name: string,
  text: string,
  place: string | null = null,
  secret = false,
): string {
  if (secret)
    return `Sự cố mới ${code} (${CATEGORY_VI[category]}) tại ${place} — CHƯA XÁC MINH: một tài khoản ${platform} chưa đăng ký đã báo; người báo và nội dung xem trên trang sự cố. Đề nghị liên hệ xác minh.`;
  // Quoted on one line: a stranger's line breaks would otherwise write lines of the bot's own post.
  const flat = text.replace(/\s+/g, " ").trim();
  const said = flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
  return `Sự cố mới ${code} (${CATEGORY_VI[category]})${place ? ` tại ${place}` : ""} — CHƯA XÁC MINH: tài khoản ${platform} chưa đăng ký «${name}» báo «${said}». Đề nghị liên hệ xác minh ${place ? "người báo" : "điểm cầu"}.`;
}

export const NO_ENDPOINT_TEXT =
  "Tài khoản của anh/chị thuộc bộ phận kỹ thuật, không gắn với điểm cầu: đề nghị ghi rõ tên hoặc mã điểm cầu gặp sự cố (ví dụ «CX-00004 mất hình»), hoặc để điểm cầu tự báo.";

/** A forwarded fault report that names no endpoint: the forwarder is asked which one, nothing is filed. */
export const FORWARD_NO_ENDPOINT_TEXT =
  "Tin chuyển tiếp chưa cho biết điểm cầu nào gặp sự cố nên chưa ghi nhận. Đề nghị nhắn lại kèm tên hoặc mã điểm cầu (ví dụ «CX-00004 mất mạng»); nếu sự cố ở chính điểm cầu của anh/chị, xin nhắn trực tiếp, không chuyển tiếp.";

export function acknowledgedText(who: string, code: string): string {
  return `${who} đã nhận xử lý sự cố ${code}.`;
}

export function transferredText(code: string, label: string): string {
  return `Sự cố ${code} đã được chuyển cho ${label}.`;
}

export function transferNotice(inc: Incident, place: string, label: string): string {
  return `Sự cố ${inc.code} (${CATEGORY_VI[inc.category]}) tại ${place} được chuyển cho ${label}.`;
}

export function resolvedText(code: string, note: string): string {
  return `Sự cố ${code} đã khắc phục${note ? `: ${note}` : ""}.`;
}

/**
 * The duty an incident was handed to is told when someone of another duty closes it (the MCU technician's /xong
 * after /chuyen … wan): it is theirs, and only they know whether the link is really back. A secret session's
 * incident names no place, and never the note (Điều 5.2).
 */
export function resolvedElsewhereNotice(inc: Incident, place: string, who: string, note: string): string {
  return `Để biết: sự cố ${inc.code} (${CATEGORY_VI[inc.category]}) tại ${place}, đang giao ${ROUTE_VI[inc.route]}, đã được ${who} đánh dấu đã khắc phục${note ? `: ${note}` : ""}. Nếu lỗi vẫn còn, gõ /mo ${inc.code} để mở lại.`;
}

/** The same, as the group reads it when the duty has no private chat with the bot (see `deskGroupText`). */
export function resolvedElsewhereGroupText(inc: Incident, who: string): string {
  return `Sự cố ${inc.code} (${CATEGORY_VI[inc.category]}), đang giao ${ROUTE_VI[inc.route]}, đã được ${who} đánh dấu đã khắc phục; nếu lỗi vẫn còn, gõ /mo ${inc.code}. ${privateDetailsHint(inc.code)}`;
}

export function reopenedText(code: string): string {
  return `Sự cố ${code} được mở lại.`;
}

/** The desk is told who reopened an incident (never a secret session's endpoint or reporter, nor their words). */
export function reopenNotice(inc: Incident, place: string, who: string | null, note: string): string {
  return `Sự cố ${inc.code} (${CATEGORY_VI[inc.category]}) tại ${place} được mở lại${who ? ` bởi ${who}` : ""}${note ? `: ${note}` : ""}; chưa có người nhận xử lý.`;
}

/** A comment as its author reads it back in a private chat. */
export function commentedText(code: string, who: string | null, note: string): string {
  return `Ghi chú cho sự cố ${code}${who ? ` (${who})` : ""}: ${note}`;
}

/**
 * Where the group is pointed for what it is not told about an incident: its place, session and notes are read in
 * a private chat with the bot or on the web desk.
 */
export function privateDetailsHint(code: string): string {
  return `Chi tiết (điểm cầu, phiên họp, nội dung) chỉ gửi riêng: nhắn riêng /suco ${code} cho bot hoặc xem trang Sự cố trên bàn kỹ thuật.`;
}

/**
 * The group's words about an incident are the same for every incident, whatever its place or session (Điều 5.2):
 * the group reads a report's own words and the bot's post right after, so any post whose shape depended on the
 * session (a place for an open one, none for a secret one; a note, or «phiên mật») would tell which endpoints sit in
 * a secret session. So the group reads an incident's code, kind, route, status and the desk staff's names, never
 * its place, session or notes; those are for private chats and the web desk.
 */
export function commentGroupText(code: string): string {
  return `Sự cố ${code} có ghi chú mới. ${privateDetailsHint(code)}`;
}

/** Each kind of desk notice, as the group reads it (see `deskGroupText`). */
export type DeskStep = "new" | "reminder" | "escalation" | "transfer" | "reopen";

/**
 * A desk notice about an incident as the group reads it: when nobody is on duty to take it privately, when the
 * person on duty has no private chat with the bot on that platform, and for escalations. The same words for every
 * incident (see `commentGroupText`); the full notice goes to the person on duty's private chat and the web desk.
 */
export function deskGroupText(
  inc: Pick<Incident, "code" | "category" | "route" | "reporter" | "unverified">,
  step: DeskStep,
): string {
  const kind = `${CATEGORY_VI[inc.category]}${inc.unverified ? ", chưa xác minh" : ""}`;
  const what = `${inc.reporter === "storm" ? "sự cố diện rộng" : "sự cố"} ${inc.code} (${kind})`;
  const head: Record<DeskStep, string> = {
    new: `Sự cố mới: ${what}, đã chuyển ${ROUTE_VI[inc.route]}; cần người trực nhận xử lý.`,
    reminder: `Nhắc việc: ${what} chưa có người nhận. Gõ /nhan ${inc.code}.`,
    escalation: `Báo động: ${what} vẫn chưa có người nhận xử lý.`,
    transfer: `Chuyển xử lý: ${what} cần người trực nhận xử lý.`,
    reopen: `Mở lại: ${what} chưa có người nhận xử lý.`,
  };
  return `${head[step]} ${privateDetailsHint(inc.code)}`;
}

/** A fault the MCU watch found (a leg dropped or degraded), as the group reads it: see `commentGroupText`. */
export function systemFaultGroupText(code: string): string {
  return `Hệ thống phát hiện sự cố ${code} (${CATEGORY_VI.network}) tại một điểm cầu đang họp; đã chuyển ${ROUTE_VI.wan}. ${privateDetailsHint(code)}`;
}

/** The MCU watch saw the leg of `code` stable again, as the group reads it. */
export function systemRecoveredGroupText(code: string): string {
  return `Sự cố ${code}: điểm cầu đã kết nối lại ổn định.`;
}

export function transferUsage(code: string): string {
  return `Cách dùng: /chuyen ${code} wan, /chuyen ${code} mcu hoặc /chuyen ${code} @tên (tên một cán bộ kỹ thuật MCU, trực ban WAN hoặc quản trị viên trong danh bạ).`;
}

/**
 * An incident command without its code, typed neither with a code nor as a reply to the bot's message about an
 * incident: the technician is asked to type the code. On Zalo a reply would not do (its Bot API says nothing of the
 * message a reply answers); on Telegram it would. `example`: the command written out for the one incident that is
 * theirs, when there is exactly one; `codes`: theirs, when there are several (at most five are listed).
 */
export function codeHint(
  platform: "telegram" | "zalo",
  action: IncidentAction,
  example: string | null,
  codes: string[],
): string {
  const head =
    platform === "zalo"
      ? "Trên Zalo, bot không biết tin nhắn được trả lời là của sự cố nào: hãy ghi mã sự cố ngay sau lệnh"
      : "Bot chưa biết lệnh này dành cho sự cố nào: hãy ghi mã sự cố ngay sau lệnh (hoặc trả lời (reply) tin của bot về sự cố đó rồi gõ lệnh)";
  if (example) return `${head}: ${example}`;
  const list = codes.length
    ? ` Sự cố anh/chị đang có: ${codes.slice(0, 5).join(", ")}${codes.length > 5 ? ` và ${codes.length - 5} sự cố khác` : ""}.`
    : "";
  return `${head}, ví dụ: ${INCIDENT_USAGE[action]}.${list} Gõ /suco để xem các sự cố đang mở.`;
}

/** A refused incident action, in the words chat has always used (the web shows the same). */
export function refusalText(action: IncidentAction, refusal: RefusalCause): string {
  switch (refusal.reason) {
    case "forbidden":
      if (action === "reopen")
        return "Chỉ cán bộ kỹ thuật MCU, trực ban mạng WAN, quản trị viên hoặc cán bộ của điểm cầu báo sự cố mới mở lại được sự cố. Nếu sự cố lặp lại, đề nghị nhắn mô tả ngắn để báo sự cố mới.";
      if (action === "comment")
        return "Chỉ cán bộ kỹ thuật MCU, trực ban mạng WAN, quản trị viên, cán bộ của điểm cầu báo sự cố hoặc người đã báo sự cố mới ghi chú được cho sự cố.";
      return "Chỉ cán bộ kỹ thuật MCU, trực ban mạng WAN hoặc quản trị viên mới thao tác được với sự cố.";
    case "not-found":
      // «/nhan HTT-2026-0001»: a session's code where an incident's is asked for.
      if (refusal.code && parseBookingCode(refusal.code))
        return `«${refusal.code}» là mã lịch họp, không phải mã sự cố. Mã sự cố có dạng SC-2026-0123 (ghi trong tin báo sự cố; /suco để xem các sự cố đang mở). Ví dụ: ${INCIDENT_USAGE[action]}.`;
      return refusal.code
        ? `Không tìm thấy sự cố «${refusal.code}». Ví dụ: ${INCIDENT_USAGE[action]}.`
        : `Thiếu mã sự cố. Cách dùng: ${INCIDENT_USAGE[action]}.`;
    case "already-resolved":
      return action === "acknowledge" || action === "transfer"
        ? `Sự cố ${refusal.incident.code} đã khắc phục; dùng /mo ${refusal.incident.code} để mở lại.`
        : `Sự cố ${refusal.incident.code} đã khắc phục trước đó.`;
    case "already-acknowledged":
      return refusal.self
        ? `Anh/chị đã nhận xử lý sự cố ${refusal.incident.code} từ trước.`
        : `Sự cố ${refusal.incident.code} đã có ${refusal.who} nhận xử lý. Cần giao lại thì chuyển sự cố (lệnh /chuyen ${refusal.incident.code} @Tên cán bộ, hoặc nút «Chuyển» trên trang web).`;
    case "not-resolved":
      return `Sự cố ${refusal.incident.code} đang mở (${INCIDENT_STATUS_VI[refusal.incident.status]}); chỉ mở lại được sự cố đã khắc phục.`;
    case "empty-note":
      return `Thiếu nội dung ghi chú. Cách dùng: /ghichu ${refusal.incident.code} <nội dung ghi chú>.`;
    case "note-too-long":
      return `Ghi chú cho sự cố ${refusal.incident.code} dài quá ${refusal.max} ký tự; đề nghị rút gọn rồi gửi lại.`;
    case "already-transferred":
      return `Sự cố ${refusal.incident.code} đã được chuyển cho ${refusal.to} từ trước và đang chờ nhận xử lý.`;
    case "no-target":
      return transferUsage(refusal.incident.code);
    case "target-refused":
      return `Không chuyển được sự cố ${refusal.incident.code}: ${refusal.why} ${transferUsage(refusal.incident.code)}`;
  }
}

/** A major incident's reminder: its storm message says what, where and how many. */
export function majorReminderText(inc: Incident, escalate: boolean): string {
  return escalate
    ? `Báo động: ${inc.text} Sự cố diện rộng ${inc.code} vẫn chưa có người nhận xử lý.`
    : `Nhắc việc: ${inc.text} Chưa có người nhận sự cố diện rộng ${inc.code}. Gõ /nhan ${inc.code}.`;
}

export function reminderText(inc: Incident, place: string, escalate: boolean): string {
  if (!inc.booking)
    return escalate
      ? `Báo động: sự cố ${inc.code} (${CATEGORY_VI[inc.category]}) tại ${place}, ngoài phiên họp, vẫn chưa có người nhận xử lý.`
      : `Nhắc việc: sự cố ${inc.code} (${CATEGORY_VI[inc.category]}) tại ${place}, ngoài phiên họp, chưa có người nhận. Gõ /nhan ${inc.code}.`;
  return escalate
    ? `Báo động: sự cố ${inc.code} tại ${place} trong phiên ${inc.booking} vẫn chưa có người nhận xử lý.`
    : `Nhắc việc: sự cố ${inc.code} tại ${place} (phiên ${inc.booking}) chưa có người nhận. Gõ /nhan ${inc.code}.`;
}
