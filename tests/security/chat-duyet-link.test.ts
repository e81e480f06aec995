import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { handleChatEvent } from "../../src/app/chat/conversation.js";
import { at, makeDesk, sampleDirectory, tempDir } from "../helpers.js";
import { admin, dm, repliesTo, tech } from "./chat-support.js";

/**
 * Threat: someone asks to be linked to an endpoint that already has a linked person, and a hurried `/duyet`
 * silently takes the real technician's chat link away (they stop getting the desk's messages, the newcomer
 * speaks for the endpoint).
 */
describe("/duyet never silently replaces a chat link", () => {
  const now = at("2026-12-10", "09:30");
  const holder = tech("CX-00008");
  const adminChat = admin.telegramId!;

  async function requested() {
    const desk = await makeDesk();
    await handleChatEvent(desk, dm("999", "/dangky CX-00008", { userName: "Kẻ Mạo Danh" }), now);
    await handleChatEvent(desk, dm(adminChat, "/duyet 1 technician"), now);
    return desk;
  }

  it("names who holds the link now, offers «thay» and «them», and changes nothing", async () => {
    const desk = await requested();
    const answer = (await repliesTo(desk.store, adminChat)).at(-1)!;
    expect(answer).toContain(`cán bộ kỹ thuật điểm cầu CX-00008 hiện là ${holder.name}`);
    expect(answer).toContain("/duyet 1 thay");
    expect(answer).toContain("/duyet 1 them");
    const [still, newcomer, link] = await desk.store.read(async (r) => [
      await r.incidents.personByChat("telegram", holder.telegramId!),
      await r.incidents.personByChat("telegram", "999"),
      await r.incidents.link(1),
    ]);
    expect(still).toMatchObject({ name: holder.name, endpoint: "CX-00008" });
    expect(newcomer).toBeNull();
    expect(link?.status).toBe("pending");
  });

  it("«thay» replaces the holder's link and records who replaced whom", async () => {
    const desk = await requested();
    await handleChatEvent(desk, dm(adminChat, "/duyet 1 technician thay"), now);
    const answer = (await repliesTo(desk.store, adminChat)).at(-1)!;
    expect(answer).toContain(`Tài khoản Telegram cũ của ${holder.name} đã bị thay`);
    const [old, replaced, audit] = await desk.store.read(async (r) => [
      await r.incidents.personByChat("telegram", holder.telegramId!),
      await r.incidents.personByChat("telegram", "999"),
      await r.incidents.linkEvents(1),
    ]);
    expect(old).toBeNull();
    // The directory person stays (name, phone); only the chat account changed.
    expect(replaced).toMatchObject({ name: holder.name, endpoint: "CX-00008", role: "technician" });
    expect(audit.map((e) => [e.action, e.actor])).toEqual([
      ["replaced", `telegram:${adminChat}`],
      ["approved", `telegram:${adminChat}`],
    ]);
    expect(audit[0]!.note).toContain(holder.name);
  });

  it("«them» adds a second technician and keeps the first", async () => {
    const desk = await requested();
    await handleChatEvent(desk, dm(adminChat, "/duyet 1 them"), now);
    expect((await repliesTo(desk.store, adminChat)).at(-1)).toContain("cán bộ kỹ thuật thứ hai");
    const [first, second, audit] = await desk.store.read(async (r) => [
      await r.incidents.personByChat("telegram", holder.telegramId!),
      await r.incidents.personByChat("telegram", "999"),
      await r.incidents.linkEvents(1),
    ]);
    expect(first).toMatchObject({ name: holder.name, endpoint: "CX-00008" });
    expect(second).toMatchObject({ name: "Kẻ Mạo Danh", endpoint: "CX-00008", role: "technician" });
    expect(audit.map((e) => e.action)).toEqual(["added", "approved"]);
  });

  it("an applicant whose account belongs to someone else is named too, not silently moved", async () => {
    const desk = await makeDesk();
    const other = tech("CX-00025");
    await handleChatEvent(desk, dm(other.telegramId!, "/dangky CX-00004"), now);
    await handleChatEvent(desk, dm(adminChat, "/duyet 1 leader"), now);
    const answer = (await repliesTo(desk.store, adminChat)).at(-1)!;
    expect(answer).toContain(`đang gắn với ${other.name}`);
    expect(
      await desk.store.read((r) => r.incidents.personByChat("telegram", other.telegramId!)),
    ).toMatchObject({
      endpoint: "CX-00025",
    });
  });

  it("an endpoint person without a chat account gets it directly; unknown words are refused", async () => {
    const desk = await makeDesk({}, join(tempDir(), "desk.db"));
    await desk.store.tx((r) =>
      r.directory.replaceAll({
        ...sampleDirectory,
        people: sampleDirectory.people.map((p) => (p === holder ? { ...p, telegramId: null } : p)),
      }),
    );
    await handleChatEvent(desk, dm("999", "/dangky CX-00008"), now);
    await handleChatEvent(desk, dm(adminChat, "/duyet 1 technician ngay"), now);
    expect((await repliesTo(desk.store, adminChat)).at(-1)).toContain("Cách dùng: /duyet <số>");
    expect(await desk.store.read((r) => r.incidents.link(1))).toMatchObject({ status: "pending" });
    await handleChatEvent(desk, dm(adminChat, "/duyet 1"), now);
    expect((await repliesTo(desk.store, adminChat)).at(-1)).toBe(
      "Đã duyệt: Người lạ là cán bộ kỹ thuật điểm cầu CX-00008.",
    );
    expect(await desk.store.read((r) => r.incidents.personByChat("telegram", "999"))).toMatchObject({
      name: holder.name,
      endpoint: "CX-00008",
    });
  });
});
