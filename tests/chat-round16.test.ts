import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import { resolveIncident } from "../src/app/incident/actions.js";
import { zaloToChatEvent } from "../src/bot/zalo/adapter.js";
import { classify } from "../src/core/incident/classify.js";
import { at, makeDesk, request, sampleDirectory } from "./helpers.js";
import { admin, chatOut, dm, ev, GROUP, mcu, repliesTo, tech, wan } from "./security/chat-support.js";
import { zaloGroupText } from "./support/chat-events.js";

// Found by playing endpoint staff, the MCU technician and the WAN duty in the support group (round 16).

type Desk = Awaited<ReturnType<typeof makeDesk>>;

const notices = async (desk: Desk) =>
  (await chatOut(desk.store))
    .filter((m) => m.channel === "desk")
    .map((m) => ({ to: m.recipient, text: String(m.payload.text), group: String(m.payload.groupText) }));

/** Eight communes with a Telegram account in one session on 10/12/2026; `secret` makes it a secret session. */
async function stormDesk(secret = false) {
  const communes = sampleDirectory.endpoints
    .filter((e) => e.level === "commune" && tech(e.code)?.telegramId)
    .map((e) => e.code)
    .slice(0, 8);
  expect(communes).toHaveLength(8);
  const desk = await makeDesk();
  await registerBooking(desk, request({ participants: communes, ...(secret ? { secret: true } : {}) }), {
    now: at("2026-12-07", "08:30"),
  });
  const now = at("2026-12-10", "09:30");
  const say = (i: number, text: string, id: string, extra = {}) =>
    handleChatEvent(desk, ev(tech(communes[i]!).telegramId!, text, { messageId: id, ...extra }), now);
  return { desk, communes, say };
}

describe("power and the link down, said after the report joined a storm", () => {
  it("a commune adding «mất mạng» to its power report in a storm tells the WAN duty, once a storm", async () => {
    const { desk, communes, say } = await stormDesk();
    for (let i = 0; i < 6; i++) await say(i, "mất điện", String(100 + i));
    const storm = (await desk.store.read((r) => r.incidents.list())).find((i) => i.reporter === "storm")!;
    expect(storm).toBeDefined();
    expect((await notices(desk)).filter((n) => n.to === "wan-duty")).toEqual([]);
    // The same commune again, within minutes: its report joins its incident in the storm.
    await say(0, "vẫn mất điện, mất mạng luôn rồi ạ", "200");
    const own = (await desk.store.read((r) => r.incidents.list())).filter((i) => i.endpoint === communes[0]);
    expect(own).toHaveLength(1);
    const wanTold = (await notices(desk)).filter((n) => n.to === "wan-duty");
    expect(wanTold).toHaveLength(1);
    expect(wanTold[0]!.text).toBe(
      `Để biết: sự cố ${own[0]!.code} (nguồn điện) tại ${communes[0]}, thuộc sự cố diện rộng ${storm.code}, báo kèm mất đường truyền. Kỹ thuật MCU xử lý nguồn điện trước; có điện lại mà đường truyền vẫn lỗi thì sự cố sẽ được chuyển cho Trực ban mạng WAN (Sở Khoa học và Công nghệ).`,
    );
    expect(wanTold[0]!.group).not.toContain(communes[0]!);
    // Another commune saying it, joined or new: the WAN duty knows already.
    await say(1, "mat dien, mat mang roi", "201");
    await say(6, "mất điện và mất mạng luôn", "202");
    expect((await notices(desk)).filter((n) => n.to === "wan-duty")).toHaveLength(1);
  });

  it("in a secret session the notice names no endpoint", async () => {
    const { desk, communes, say } = await stormDesk(true);
    for (let i = 0; i < 6; i++) await say(i, "mất điện", String(100 + i));
    await say(2, "mất điện, internet cũng chết luôn", "200");
    const wanTold = (await notices(desk)).filter((n) => n.to === "wan-duty");
    expect(wanTold).toHaveLength(1);
    expect(wanTold[0]!.text).toContain("tại một điểm cầu của phiên mật, thuộc sự cố diện rộng");
    for (const c of communes) expect(JSON.stringify(wanTold[0])).not.toContain(c);
  });

  it("a storm's report edited into power and the link down tells the WAN duty, once a storm", async () => {
    const { desk, communes, say } = await stormDesk();
    for (let i = 0; i < 6; i++) await say(i, "mất tiếng", String(100 + i));
    const storm = (await desk.store.read((r) => r.incidents.list())).find((i) => i.reporter === "storm")!;
    await say(0, "mất điện và mất mạng luôn", "100", { editedAfterSeconds: 30 });
    const own = (await desk.store.read((r) => r.incidents.list())).filter((i) => i.endpoint === communes[0]);
    expect(own).toMatchObject([{ category: "power", major: storm.code }]);
    const wanTold = (await notices(desk)).filter((n) => n.to === "wan-duty");
    expect(wanTold.map((n) => n.text)).toEqual([
      expect.stringContaining(
        `sự cố ${own[0]!.code} (nguồn điện) tại ${communes[0]}, thuộc sự cố diện rộng ${storm.code}, báo kèm mất đường truyền`,
      ),
    ]);
    await say(1, "mất điện, mất mạng", "101", { editedAfterSeconds: 30 });
    expect((await notices(desk)).filter((n) => n.to === "wan-duty")).toHaveLength(1);
  });

  it("outside sessions, a report edited out of a storm into power and the link down tells both duties", async () => {
    const { desk, communes } = await stormDesk();
    const now = at("2026-12-11", "20:00");
    const say = (i: number, text: string, id: string, extra = {}) =>
      handleChatEvent(desk, ev(tech(communes[i]!).telegramId!, text, { messageId: id, ...extra }), now);
    for (let i = 0; i < 6; i++) await say(i, "mất tiếng", String(100 + i));
    expect((await desk.store.read((r) => r.incidents.list())).some((i) => i.reporter === "storm")).toBe(true);
    const before = (await notices(desk)).length;
    await say(0, "mất điện, mất mạng luôn", "100", { editedAfterSeconds: 30 });
    const own = (await desk.store.read((r) => r.incidents.list())).find((i) => i.endpoint === communes[0])!;
    expect(own).toMatchObject({ category: "power", major: null });
    const told = (await notices(desk)).slice(before);
    expect(told.map((n) => n.to)).toEqual(["mcu-technician", "wan-duty"]);
    expect(told[0]!.text).toContain("Điểm cầu báo kèm mất đường truyền: đã báo Trực ban mạng WAN");
    expect(told[1]!.text).toContain(`Để biết: sự cố ${own.code} (nguồn điện) tại ${communes[0]} báo kèm`);
  });
});

describe("an incident command on Telegram without its code, not as a reply", () => {
  const HEAD =
    "Bot chưa biết lệnh này dành cho sự cố nào: hãy ghi mã sự cố ngay sau lệnh (hoặc trả lời (reply) tin của bot về sự cố đó rồi gõ lệnh)";
  async function liveDesk() {
    const desk = await makeDesk();
    await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    return { desk, now: at("2026-12-10", "09:30"), reporter: tech("CX-00008") };
  }

  it("asks for the code, writing the command out for the one incident that is theirs", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "mất tiếng rồi", { messageId: "1" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/nhan"), now);
    expect((await repliesTo(desk.store, GROUP)).at(-1)).toBe(`${HEAD}: /nhan SC-2026-0001`);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/nhan SC-2026-0001"), now);
    // It was «Không tìm thấy sự cố «đã»».
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong đã cắm lại mic"), now);
    expect((await repliesTo(desk.store, GROUP)).at(-1)).toBe(`${HEAD}: /xong SC-2026-0001 đã cắm lại mic`);
    expect(await desk.store.read((r) => r.incidents.get("SC-2026-0001"))).toMatchObject({
      status: "acknowledged",
    });
    // In private, the same.
    await handleChatEvent(desk, dm(mcu.telegramId!, "/chuyen wan"), now);
    expect((await repliesTo(desk.store, mcu.telegramId!)).at(-1)).toBe(`${HEAD}: /chuyen SC-2026-0001 wan`);
    // As a reply to the bot's message about it, it is done.
    await handleChatEvent(
      desk,
      ev(mcu.telegramId!, "/xong đã cắm lại mic", { repliedIncident: "SC-2026-0001" }),
      now,
    );
    expect(await desk.store.read((r) => r.incidents.get("SC-2026-0001"))).toMatchObject({
      status: "resolved",
    });
  });

  it("with several, lists theirs; a code not found is still «không tìm thấy»", async () => {
    const { desk, now, reporter } = await liveDesk();
    await handleChatEvent(desk, ev(reporter.telegramId!, "mất tiếng rồi", { messageId: "1" }), now);
    await handleChatEvent(desk, ev(tech("CX-00004").telegramId!, "mất hình", { messageId: "2" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong xong rồi"), now);
    expect((await repliesTo(desk.store, GROUP)).at(-1)).toBe(
      `${HEAD}, ví dụ: /xong SC-2026-0123 [ghi chú cách xử lý]. Sự cố anh/chị đang có: SC-2026-0001, SC-2026-0002. Gõ /suco để xem các sự cố đang mở.`,
    );
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong SC-2026-0099 đã xử lý"), now);
    expect((await repliesTo(desk.store, GROUP)).at(-1)).toContain("Không tìm thấy sự cố «SC-2026-0099»");
    expect((await desk.store.read((r) => r.incidents.list())).map((i) => i.status)).toEqual(["open", "open"]);
  });
});

describe("the cross-duty notice names who closed it", () => {
  async function handedToWan() {
    const desk = await makeDesk();
    await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    const now = at("2026-12-10", "09:30");
    await handleChatEvent(desk, ev(tech("CX-00008").telegramId!, "mất tiếng rồi", { messageId: "1" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/chuyen SC-2026-0001 wan"), now);
    return { desk, now, before: (await notices(desk)).length };
  }

  it("the CLI at the console as «cán bộ trực (dòng lệnh)», never «cli:root»", async () => {
    const { desk, now, before } = await handedToWan();
    const out = await resolveIncident(
      desk,
      { id: "cli:root", channel: "cli" },
      "SC-2026-0001",
      "đã thay cáp",
      now,
    );
    expect(out).toMatchObject({ ok: true, incident: { status: "resolved" } });
    const told = (await notices(desk)).slice(before);
    expect(told.map((n) => n.to)).toEqual(["wan-duty"]);
    expect(told[0]!.text).toContain("đã được cán bộ trực (dòng lệnh) đánh dấu đã khắc phục: đã thay cáp.");
    expect(told[0]!.group).toContain("đã được cán bộ trực (dòng lệnh) đánh dấu đã khắc phục");
    expect(JSON.stringify(told)).not.toContain("cli:");
  });

  it("the CLI run by a desk person as that person, with their role", async () => {
    const { desk, now, before } = await handedToWan();
    const user = admin.email!.split("@")[0]!;
    await resolveIncident(desk, { id: `cli:${user}`, channel: "cli" }, "SC-2026-0001", "", now);
    const told = (await notices(desk)).slice(before);
    expect(told[0]!.text).toContain(`đã được ${admin.name} (quản trị viên) đánh dấu đã khắc phục.`);
  });
});

describe("«vẫn chưa nghe được ạ» after the technician's «xong» on «mất tiếng»", () => {
  it("reopens the audio incident, not the endpoint's other open one", async () => {
    expect(classify("vẫn chưa nghe được ạ")).toBe("audio");
    expect(classify("vẫn chưa nghe thấy gì")).toBe("audio");
    expect(classify("em chưa nghe rõ ạ")).toBe("audio");
    expect(classify("Em chưa nghe được thông báo về lịch họp")).toBe("other");
    expect(classify("bên mình nghe được chưa ạ?")).toBe("other");
    const desk = await makeDesk();
    await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    const now = at("2026-12-10", "09:30");
    const reporter = tech("CX-00008");
    await handleChatEvent(desk, ev(reporter.telegramId!, "mat tieng roi ad oi", { messageId: "1" }), now);
    await handleChatEvent(desk, ev(reporter.telegramId!, "mạng lag quá", { messageId: "2" }), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong SC-2026-0001 đã cắm lại mic"), now);
    await handleChatEvent(desk, ev(reporter.telegramId!, "vẫn chưa nghe được ạ", { messageId: "3" }), now);
    const incs = (await desk.store.read((r) => r.incidents.list())).sort((x, y) =>
      x.code.localeCompare(y.code),
    );
    expect(incs.map((i) => [i.code, i.category, i.status])).toEqual([
      ["SC-2026-0001", "audio", "open"],
      ["SC-2026-0002", "network", "open"],
    ]);
    const events = await desk.store.read((r) => r.incidents.events("SC-2026-0002"));
    expect(events.map((e) => e.action)).toEqual(["opened"]);
  });
});

describe("a technician taking an incident on Zalo and acting on Telegram", () => {
  const z = (userId: string, text: string, id: string) => zaloToChatEvent(zaloGroupText(userId, text, id))!;

  it("is the same person: «đã nhận từ trước», and the code hint writes out theirs", async () => {
    const desk = await makeDesk();
    await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    const now = at("2026-12-10", "09:30");
    await handleChatEvent(desk, z(tech("CX-00008").zaloId!, "mất tiếng", "m1"), now);
    await handleChatEvent(
      desk,
      ev(tech("CX-00004").telegramId!, "camera không lên", { messageId: "1" }),
      now,
    );
    await handleChatEvent(desk, z(mcu.zaloId!, "nhận SC-2026-0001", "m2"), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/nhan SC-2026-0001"), now);
    // It was «Sự cố SC-2026-0001 đã có <their own name> nhận xử lý».
    expect((await repliesTo(desk.store, GROUP)).at(-1)).toBe(
      "Anh/chị đã nhận xử lý sự cố SC-2026-0001 từ trước.",
    );
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong cắm lại mic rồi"), now);
    expect((await repliesTo(desk.store, GROUP)).at(-1)).toMatch(/: \/xong SC-2026-0001 cắm lại mic rồi$/);
  });
});

describe("several faults in one report", () => {
  // Round 18: a second fault another duty owns (the projector beside the link) is its own incident, for its duty.
  it("one incident of the first fault; its duty's notice names the others", async () => {
    const desk = await makeDesk();
    await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    const now = at("2026-12-10", "09:30");
    const say = (who: string, text: string, id: string) =>
      handleChatEvent(desk, ev(tech(who).telegramId!, text, { messageId: id }), now);
    await say("CX-00008", "phòng họp bên em mất tiếng và máy chiếu không lên", "1");
    await say("CX-00004", "mất mạng, máy chiếu cũng hỏng luôn", "2");
    // The sound and the picture lost with the link are the link's: nothing more to name.
    await say("CX-00008", "mất mạng, mất tiếng và mất hình luôn", "3");
    const incs = (await desk.store.read((r) => r.incidents.list())).sort((x, y) =>
      x.code.localeCompare(y.code),
    );
    expect(incs.map((i) => [i.code, i.category])).toEqual([
      ["SC-2026-0001", "equipment"],
      ["SC-2026-0002", "network"],
      ["SC-2026-0003", "equipment"],
      ["SC-2026-0004", "network"],
    ]);
    const told = await notices(desk);
    expect(told.map((n) => [n.to, n.text])).toEqual([
      [
        "mcu-technician",
        expect.stringMatching(
          /^Sự cố mới SC-2026-0001 \(thiết bị\) tại CX-00008, .*báo\. Điểm cầu báo kèm: âm thanh\.$/,
        ),
      ],
      [
        "wan-duty",
        expect.stringMatching(
          /^Sự cố mới SC-2026-0002 \(đường truyền\) tại CX-00004, .*báo\. Cùng tin báo có sự cố thiết bị: đã chuyển Kỹ thuật MCU thành sự cố riêng\.$/,
        ),
      ],
      [
        "mcu-technician",
        expect.stringMatching(
          /^Sự cố mới SC-2026-0003 \(thiết bị\) tại CX-00004, .*báo\. Cùng tin báo có sự cố đường truyền: đã chuyển Trực ban mạng WAN \(Sở Khoa học và Công nghệ\) thành sự cố riêng\.$/,
        ),
      ],
      [
        "wan-duty",
        expect.stringMatching(/^Sự cố mới SC-2026-0004 \(đường truyền\) tại CX-00008, [^.]*báo\.$/),
      ],
    ]);
    for (const n of told) expect(n.group).not.toContain("báo kèm");
  });
});

describe("/chuyen to a desk person called by the end of their name", () => {
  it("«@Khánh», «anh Khánh» hand it to them; a name nobody has is still refused", async () => {
    const desk = await makeDesk();
    const now = at("2026-12-10", "09:30");
    await handleChatEvent(desk, ev(tech("CX-00008").telegramId!, "mất tiếng", { messageId: "1" }), now);
    await handleChatEvent(desk, ev(tech("CX-00004").telegramId!, "mất hình", { messageId: "2" }), now);
    const given = wan.name.split(" ").at(-1)!;
    await handleChatEvent(desk, ev(mcu.telegramId!, `/chuyen SC-2026-0001 @${given}`), now);
    expect(await desk.store.read((r) => r.incidents.get("SC-2026-0001"))).toMatchObject({
      status: "dispatched",
      route: "wan",
    });
    expect((await repliesTo(desk.store, GROUP)).join("\n")).not.toContain("Không chuyển được");
    await handleChatEvent(desk, ev(mcu.telegramId!, `/chuyen SC-2026-0002 anh ${given.toLowerCase()}`), now);
    expect(await desk.store.read((r) => r.incidents.get("SC-2026-0002"))).toMatchObject({
      status: "dispatched",
    });
    await handleChatEvent(desk, ev(wan.telegramId!, "/chuyen SC-2026-0002 @Không Có"), now);
    expect((await repliesTo(desk.store, GROUP)).at(-1)).toContain(
      "không phải bộ phận hay cán bộ trực trong danh bạ",
    );
  });
});

describe("«lại mất tiếng rồi» just after the «xong», «em đã cắm lại mic rồi ạ»", () => {
  it("the first reopens the incident just closed; the second, news of what was done, opens nothing", async () => {
    expect(classify("em đã cắm lại mic rồi ạ")).toBe("other");
    expect(classify("em đã thay mic rồi mà vẫn rè")).toBe("audio");
    const desk = await makeDesk();
    await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    const now = at("2026-12-10", "09:30");
    const reporter = tech("CX-00008");
    await handleChatEvent(
      desk,
      ev(reporter.telegramId!, "bên em k nghe thấy gì cả", { messageId: "1" }),
      now,
    );
    await handleChatEvent(desk, ev(mcu.telegramId!, "/xong SC-2026-0001 khởi động lại codec"), now);
    await handleChatEvent(desk, ev(reporter.telegramId!, "em đã cắm lại mic rồi ạ", { messageId: "2" }), now);
    expect(await desk.store.read((r) => r.incidents.list())).toMatchObject([{ status: "resolved" }]);
    await handleChatEvent(desk, ev(reporter.telegramId!, "lai mat tieng roi", { messageId: "3" }), now);
    const incs = (await desk.store.read((r) => r.incidents.list())).sort((x, y) =>
      x.code.localeCompare(y.code),
    );
    // It opened SC-2026-0002 beside the one just closed.
    expect(incs.map((i) => [i.code, i.status])).toEqual([["SC-2026-0001", "open"]]);
  });
});
