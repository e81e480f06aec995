import { fold } from "../core/text/fold.js";

/** A parsed chat command: `/nhan SC-2026-0001` → { name: "nhan", args: ["SC-2026-0001"] }. */
export interface Command {
  name: string;
  args: string[];
  rest: string;
  /** A bare «xong» (see `parseBareDone`): about the one incident its technician holds, if they hold one. */
  bare?: true;
}

/** Commands work with or without diacritics, with a `@bot` suffix (Telegram groups) or a leading mention (Zalo). */
export function parseCommand(text: string): Command | null {
  const m = /^\s*(?:@\S+\s+)?\/([\p{L}_]+)(?:@\S+)?(?:\s+([\s\S]*))?$/u.exec(text);
  if (!m) return null;
  // «SC 2026 0001», «SC2026-0002», «sc.2026.1»: an incident code as typed on a phone, written the desk's way.
  const rest = (m[2] ?? "").trim().replace(/\bSC[\s._-]*(\d{4})[\s._-]+(\d{1,6})\b/gi, "SC-$1-$2");
  return { name: fold(m[1]!).replace(/ /g, "_"), args: rest ? rest.split(/\s+/) : [], rest };
}

/** «nhận», «em nhận», «xong, đã thay cáp»: a verb alone, as typed in answer to the bot's message about an incident. */
const BARE_REPLY_RE =
  /^\s*(?:em |mình |minh |tôi |toi |ok |oke )?(nhận|nhan|xong)(?:\s*[,.:;!-]?\s+([\s\S]*)|\s*[.!]?\s*)$/iu;

/**
 * «nhận» or «xong, đã cắm lại mic» without a code, where the platform says nothing of the message it answers
 * (Zalo): the command it would be, without its code, so that the desk can ask for the code rather than pass it
 * over (or read «cắm lại mic» as a report). Null when the words are no such reply, or name a code.
 */
export function parseBareReplyWithoutCode(text: string): Command | null {
  const r = BARE_REPLY_RE.exec(text.normalize("NFC"));
  if (!r || /^\s*SC-\d{4}-\d+/i.test(r[2] ?? "")) return null;
  const rest = (r[2] ?? "").trim();
  return { name: fold(r[1]!), args: rest ? rest.split(/\s+/) : [], rest };
}

/** «xong», «đã xong», «xong rồi», «ok xong», «em xong rồi ạ», folded: the words alone, no code, no note. */
const BARE_DONE_RE =
  /^(?:(?:ok|oke|okay|oki|vang|da|u|em|minh|toi|anh|chi)\s+)*(?:da\s+)?xong(?:\s+(?:roi|het|nhe|nha|a|anh|chi|em|ad|oi))*$/;

/**
 * «xong», «đã xong», «xong rồi», «ok xong» typed by desk staff without a code, on a platform that does not say which
 * message it answers (Zalo) or not as a reply (Telegram): the incident they hold is the one meant, when they hold
 * exactly one (the caller decides, by the desk's records). Null for any other words: «xong, đã thay cáp» names
 * what was done, and is asked for its code as before.
 */
export function parseBareDone(text: string): Command | null {
  return BARE_DONE_RE.test(fold(text)) ? { name: "xong", args: [], rest: "", bare: true } : null;
}

/**
 * «nhận SC-2026-0002», «xong SC-2026-0002 đã thay cáp»: an incident command typed without its slash, as people type
 * on a phone (it was passed over in silence). Read only for desk staff, by the caller: anyone else's words stay
 * words. Only the incident commands, and only with a code right after the verb.
 */
export function parseBareIncidentCommand(text: string, replied?: string): Command | null {
  // «nhận», «em nhận», «xong, đã thay cáp» as a reply to the bot's message about an incident: that incident's.
  const r = replied ? BARE_REPLY_RE.exec(text.normalize("NFC")) : null;
  if (r && !/^\s*SC-\d{4}-\d+/i.test(r[2] ?? "")) {
    const rest = [replied, (r[2] ?? "").trim()].filter(Boolean).join(" ");
    return { name: fold(r[1]!), args: rest.split(/\s+/), rest };
  }
  const m = /^\s*(nhận|nhan|xong|chuyển|chuyen|mở lại|mo lai|mở|mo)\s+(SC-\d{4}-\d+\b[\s\S]*)$/iu.exec(
    text.normalize("NFC"),
  );
  if (!m) return null;
  const name = { nhan: "nhan", xong: "xong", chuyen: "chuyen", "mo lai": "mo", mo: "mo" }[fold(m[1]!)];
  if (!name) return null;
  const rest = m[2]!.trim();
  return { name, args: rest.split(/\s+/), rest };
}

/** Button data on Telegram: `action:code[:arg]`, at most 64 bytes. */
export function buttonData(action: string, code: string, arg?: string): string {
  return [action, code, arg].filter(Boolean).join(":");
}

/**
 * Whether button data has the shape of one the desk issues (the incident notice's «Nhận», «Chuyển WAN», «Đã
 * xong»). Any other press was forged (callback_data is the client's to send) or comes from a button this desk
 * never sent: it is refused to its presser alone, never run as a group command («Lệnh /rác không tồn tại»).
 */
export function issuedButton(data: string): boolean {
  return /^(?:nhan|xong):SC-\d{4}-\d+$|^chuyen:SC-\d{4}-\d+:(?:wan|mcu)$/.test(data);
}

/** The alert to a press of a button the desk did not issue. */
export const FOREIGN_BUTTON_VI =
  "Nút bấm này không do bot Hỗ trợ kỹ thuật gửi nên không có thao tác nào được thực hiện. Đề nghị dùng nút trong thông báo của bot hoặc gửi lệnh, ví dụ /nhan SC-….";

export function parseButton(data: string): Command | null {
  const [name, ...args] = data.split(":");
  return name ? { name, args, rest: args.join(" ") } : null;
}

export const HELP_TEXT = `Hướng dẫn sử dụng bot Hỗ trợ kỹ thuật họp trực tuyến Thành phố:
• Báo sự cố: nhắn mô tả ngắn, ví dụ «mất tiếng», «mất hình», «rớt mạng», «mất điện». Bot ghi nhận, cấp mã SC-… và chuyển cho người xử lý (sự cố đường truyền chuyển Trực ban mạng WAN, sự cố khác chuyển Kỹ thuật MCU).
• /dangky <mã hoặc tên điểm cầu> — đăng ký tài khoản chat với điểm cầu của mình, ví dụ /dangky CX-00376 hoặc /dangky Xã Sóc Sơn (quản trị viên duyệt).
• /lich — các phiên họp hôm nay (nhắn riêng: chỉ các phiên của điểm cầu mình).
• /phien HTT-… — trạng thái một phiên họp.
• /suco — các sự cố đang mở của điểm cầu mình; /suco SC-… — diễn biến một sự cố: ai làm gì, lúc nào (nhắn riêng cho bot).
• /sansang HTT-… — điểm cầu đã kiểm tra xong thiết bị, nguồn điện, âm thanh, ánh sáng, hình ảnh (Điều 12.2c); nhận cho phiên đã xác nhận, từ 4 giờ trước giờ họp đến lúc bắt đầu.
• /ghichu SC-… <nội dung> — thêm ghi chú cho sự cố (cán bộ kỹ thuật, điểm cầu báo sự cố hoặc người đã báo).
• /mo SC-… [lý do] — mở lại sự cố đã khắc phục mà lỗi lặp lại (cán bộ kỹ thuật hoặc điểm cầu báo sự cố).
• Cán bộ kỹ thuật: /nhan SC-… (nhận xử lý), /chuyen SC-… wan|mcu|@tên cán bộ trực trong danh bạ (chuyển), /xong SC-… ghi chú (đã khắc phục), /mo SC-… (mở lại). Trên Telegram, trả lời (reply) tin của bot về một sự cố thì không cần gõ mã: /nhan, /xong ghi chú, /chuyen wan. Gõ «xong» (không kèm mã) khi đang xử lý đúng một sự cố thì bot đóng sự cố đó; đang xử lý nhiều sự cố thì bot hỏi mã.
• Kỹ thuật MCU: /batdau HTT-… và /ketthuc HTT-… (bắt đầu, kết thúc ngay), /bangiao HTT-… (đã bàn giao bản ghi), /tatmic HTT-… <điểm cầu>, /batmic HTT-… <điểm cầu>, /bocuc HTT-… <bố cục>, /goilai HTT-… <điểm cầu>.
• /truc — người trực Kỹ thuật MCU và Trực ban mạng WAN hôm nay; quản trị viên đổi người trực hôm nay: /truc mcu @Tên hoặc /truc wan @Tên. Cán bộ trực nhắn riêng cho bot (/start) để nhận thông báo sự cố, nhắc việc trong tin nhắn riêng.
• Quản trị viên: /duyet <số yêu cầu> [leader|technician] — duyệt đăng ký. Nếu điểm cầu đã có người gắn tài khoản, bot nêu tên người đó và chờ chọn: /duyet <số> thay (thay tài khoản cũ, ghi nhật ký) hoặc /duyet <số> them (thêm người thứ hai).
Trên Zalo, bot chỉ nhận tin nhắn trong nhóm khi được nhắc tên (@bot) hoặc khi trả lời tin của bot; Zalo không có nút bấm nên mọi thao tác đều dùng lệnh.`;
