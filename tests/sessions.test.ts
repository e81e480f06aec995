import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent, incidentJobHandlers } from "../src/app/chat/conversation.js";
import { runDueJobs, sessionJobHandlers } from "../src/app/scheduler.js";
import { SessionRunner } from "../src/app/session-runner.js";
import { SimulatorMcu } from "../src/mcu/simulator.js";
import { at, makeDesk, request, sampleDirectory, tempDir } from "./helpers.js";

const communes = sampleDirectory.endpoints.filter((e) => e.level === "commune").map((e) => e.code);
const HOSTS = [
  "Sở Công Thương",
  "Sở Tư pháp",
  "Sở Y tế",
  "Sở Nội vụ",
  "Sở Tài chính",
  "Sở Xây dựng",
  "Sở Du lịch",
  "Sở Giáo dục và Đào tạo",
  "Sở Văn hóa và Thể thao",
];
const MAILBOX: Record<string, string> = {
  "Sở Công Thương": "vanthu.sct@hanoi.gov.vn",
  "Sở Tư pháp": "vanthu.stp@hanoi.gov.vn",
  "Sở Y tế": "vanthu.syt@hanoi.gov.vn",
  "Sở Nội vụ": "vanthu.snv@hanoi.gov.vn",
  "Sở Tài chính": "vanthu.stc@hanoi.gov.vn",
  "Sở Xây dựng": "vanthu.sxd@hanoi.gov.vn",
  "Sở Du lịch": "vanthu.sdl@hanoi.gov.vn",
  "Sở Giáo dục và Đào tạo": "vanthu.sgddt@hanoi.gov.vn",
  "Sở Văn hóa và Thể thao": "vanthu.svhtt@hanoi.gov.vn",
};

describe("a whole day at the desk in simulated time (Wednesday 30/12/2026)", () => {
  it("runs ten sessions with an emergency, a drop and recovery, and a late recording handover across a weekend and a holiday", async () => {
    const desk = await makeDesk();
    const mcu = new SimulatorMcu({ recordingDir: tempDir() });
    const runner = new SessionRunner(desk, mcu);
    const handlers = { ...sessionJobHandlers(desk), ...incidentJobHandlers() };
    const day = "2026-12-30";
    const codes: string[] = [];
    for (let i = 0; i < 9; i++) {
      const host = HOSTS[i]!;
      const start = `${String(8 + i).padStart(2, "0")}:00`;
      const end = `${String(8 + i).padStart(2, "0")}:45`;
      const res = await registerBooking(
        desk,
        request({
          host,
          sender: MAILBOX[host]!,
          participants: [communes[i * 2]!, communes[i * 2 + 1]!],
          start: at(day, start),
          end: at(day, end),
          title: `Phiên họp ${i + 1}`,
          recording: i === 7,
          receivedAt: at("2026-12-28", "08:00"),
        }),
        { now: at("2026-12-28", "08:00") },
      );
      expect(res.duplicate ? "dup" : res.decision.outcome).toBe("confirmed");
      codes.push(res.code!);
    }
    const mcuTech = sampleDirectory.people.find((p) => p.role === "mcu-technician")!;
    let emergency = "";
    for (let t = at(day, "05:00").getTime(); t <= at(day, "18:00").getTime(); t += 5 * 60_000) {
      const now = new Date(t);
      if (t === at(day, "06:30").getTime()) {
        // Điều 11.3: an emergency at 13:00 on session 6's endpoints displaces it.
        const res = await registerBooking(
          desk,
          request({
            host: "Sở Nông nghiệp và Môi trường",
            sender: "vanthu.snnmt@hanoi.gov.vn",
            emergency: true,
            participants: [communes[10]!, communes[11]!],
            start: at(day, "13:00"),
            end: at(day, "13:45"),
            title: "Ứng phó khẩn cấp sạt lở",
            receivedAt: now,
          }),
          { now },
        );
        if (res.duplicate) throw new Error("dup");
        expect(res.decision).toMatchObject({ outcome: "confirmed", displaced: [codes[5]] });
        emergency = res.code;
      }
      await runDueJobs(desk, handlers, now);
      await runner.tick(now);
      if (t === at(day, "08:10").getTime()) mcu.drop(mcu.conferenceIds()[0]!, communes[0]!);
      if (t === at(day, "08:25").getTime()) mcu.recover(mcu.conferenceIds()[0]!, communes[0]!);
      if (t === at(day, "09:20").getTime()) {
        await handleChatEvent(
          desk,
          {
            platform: "telegram",
            chatId: "-1",
            chatType: "group",
            userId: mcuTech.telegramId!,
            userName: "KT",
            text: `/tatmic ${codes[1]} ${communes[2]}`,
            button: null,
            updateId: "op-1",
          },
          now,
        );
      }
    }
    // Every MCU call, in order: nine sessions ran (one was displaced), plus the emergency; one muted leg.
    const session = (n: number, eps: string[], rec = false) => [
      `create ${codes[n]}`,
      ...eps.map((e) => `connect ${e}`),
      "layout auto",
      ...(rec ? ["record start"] : []),
      ...(rec ? ["record stop"] : []),
      "end",
    ];
    const host = (name: string) => sampleDirectory.endpoints.find((e) => e.agency === name)!.code;
    const expected: string[] = [];
    for (let i = 0; i < 9; i++) {
      if (i === 5) continue;
      const calls = session(i, [host(HOSTS[i]!), communes[i * 2]!, communes[i * 2 + 1]!], i === 7);
      if (i === 1) calls.splice(calls.length - 1, 0, `mute ${communes[2]}`);
      expected.push(...calls);
      if (i === 4)
        expected.push(
          `create ${emergency}`,
          `connect ${host("Sở Nông nghiệp và Môi trường")}`,
          `connect ${communes[10]}`,
          `connect ${communes[11]}`,
          "layout auto",
          "end",
        );
    }
    expect(mcu.calls).toEqual(expected);

    // The drop raised an incident on its own, and the recovery closed it.
    const incidents = await desk.store.read((r) => r.incidents.list());
    expect(incidents).toMatchObject([
      { endpoint: communes[0], booking: codes[0], reporter: "system", status: "resolved" },
    ]);
    // Nobody took it for 15 minutes: it reminded the WAN duty, then escalated, like a reported fault in a session.
    const trail = await desk.store.read((r) => r.incidents.events(incidents[0]!.code));
    expect(trail.map((e) => e.action)).toEqual(["opened", "reminded", "escalated", "xong"]);
    const statuses = await desk.store.read(async (r) =>
      Promise.all(codes.map(async (c) => (await r.bookings.get(c))!.status)),
    );
    expect(statuses).toEqual([
      "ended",
      "ended",
      "ended",
      "ended",
      "ended",
      // Displaced by the emergency and never re-arranged: it lapsed at its start (lapse.ts).
      "rejected",
      "ended",
      "ended",
      "ended",
    ]);

    // Chat messages about session 1, in order: public answer, technical check, the endpoints that did not confirm
    // pinged again, start, incident, recovery, end.
    const group = (await desk.store.read((r) => r.outbox.list({ booking: codes[0]! }))).filter(
      (m) => m.channel === "group",
    );
    expect(group.map((m) => m.kind)).toEqual([
      "booking-public",
      "technical-check",
      "check-ping",
      "session",
      // The drop notice is desk-critical: its own kind, sent ahead of acknowledgements.
      "mcu-incident",
      "session",
      "session",
    ]);
    expect(group[2]!.payload.text).toContain(
      `Chưa xác nhận sẵn sàng: ${host(HOSTS[0]!)}, ${communes[0]}, ${communes[1]}.`,
    );
    // The group reads the same words for every session's drop (Điều 5.2); the WAN duty's notice names the place.
    expect(String(group[4]!.payload.text)).toMatch(
      /^Hệ thống phát hiện sự cố SC-2026-0001 \(đường truyền\) tại một điểm cầu đang họp; đã chuyển Trực ban mạng WAN/,
    );
    expect(String(group[4]!.payload.text)).not.toContain(communes[0]!);
    const drop = (await desk.store.read((r) => r.outbox.list())).find(
      (m) => m.channel === "desk" && m.kind === "mcu-incident",
    );
    expect(String(drop?.payload.text)).toContain(`điểm cầu ${communes[0]} mất kết nối`);

    // The recording (session 8, ends 15:45 Wed 30/12): 2 working days skip Fri 1/1 (Tết Dương lịch) and the weekend.
    // The deadline day's morning reminds first, while there is still a working day to act in.
    for (const [d, t] of [
      ["2026-12-31", "17:00"],
      ["2027-01-04", "07:30"],
      ["2027-01-04", "17:00"],
      ["2027-01-05", "17:00"],
      ["2027-01-06", "17:00"],
    ] as const)
      await runDueJobs(desk, handlers, at(d, t));
    const reminders = (await desk.store.read((r) => r.outbox.list({ booking: codes[7]! })))
      .filter((m) => m.kind.startsWith("handover"))
      .map((m) => `${m.kind} ${m.createdAt.toISOString()}`);
    const morning = (await desk.store.read((r) => r.outbox.list({ booking: codes[7]! }))).find(
      (m) => m.kind === "handover-today",
    );
    expect(String(morning?.payload.text)).toContain(`Hôm nay là hạn bàn giao bản ghi phiên họp ${codes[7]}`);
    expect(String(morning?.payload.text)).toContain("trước 17:00 Thứ Hai, 04/01/2027 (Điều 14.2)");
    expect(reminders).toEqual([
      `handover-today ${at("2027-01-04", "07:30").toISOString()}`,
      `handover-due ${at("2027-01-04", "17:00").toISOString()}`,
      `handover-late ${at("2027-01-05", "17:00").toISOString()}`,
      `handover-late ${at("2027-01-06", "17:00").toISOString()}`,
    ]);
    await handleChatEvent(
      desk,
      {
        platform: "telegram",
        chatId: "-1",
        chatType: "group",
        userId: mcuTech.telegramId!,
        userName: "KT",
        text: `/bangiao ${codes[7]}`,
        button: null,
        updateId: "bg-1",
      },
      at("2027-01-07", "09:00"),
    );
    await runDueJobs(desk, handlers, at("2027-01-07", "17:00"));
    expect((await desk.store.read((r) => r.bookings.get(codes[7]!)))!.status).toBe("handed-over");
    expect(
      (await desk.store.read((r) => r.outbox.list({ booking: codes[7]! }))).filter((m) =>
        m.kind.startsWith("handover"),
      ),
    ).toHaveLength(4);
  }, 60_000);
});

describe("operator commands from chat", () => {
  it("/batdau starts a session now, /goilai and /bocuc reach the MCU, /ketthuc ends it; others may not", async () => {
    const desk = await makeDesk();
    const mcu = new SimulatorMcu({ recordingDir: tempDir() });
    const runner = new SessionRunner(desk, mcu);
    const res = await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    const code = res.code!;
    const mcuTech = sampleDirectory.people.find((p) => p.role === "mcu-technician")!;
    const clerk = sampleDirectory.people.find((p) => p.endpoint === "CX-00008" && p.role === "technician")!;
    let n = 0;
    const say = async (userId: string, text: string, time: string) => {
      await handleChatEvent(
        desk,
        {
          platform: "telegram",
          chatId: "-1",
          chatType: "group",
          userId,
          userName: "x",
          text,
          button: null,
          updateId: `u${++n}`,
        },
        at("2026-12-10", time),
      );
      await runner.tick(at("2026-12-10", time));
    };
    await say(clerk.telegramId!, `/batdau ${code}`, "08:40");
    expect(mcu.calls).toEqual([]);
    await say(mcuTech.telegramId!, `/batdau ${code}`, "08:45");
    await say(mcuTech.telegramId!, `/goilai ${code} CX-00025`, "08:50");
    await say(mcuTech.telegramId!, `/bocuc ${code} speaker`, "08:51");
    await say(mcuTech.telegramId!, `/ketthuc ${code}`, "10:00");
    expect(mcu.calls).toEqual([
      `create ${code}`,
      "connect SCT-01",
      "connect CX-00008",
      "connect CX-00025",
      "layout auto",
      "disconnect CX-00025",
      "connect CX-00025",
      "layout speaker",
      "end",
    ]);
    expect((await desk.store.read((r) => r.bookings.get(code)))!.status).toBe("ended");
  });
});

describe("session start after a failure half-way", () => {
  it("reuses the conference it already created instead of creating a second one", async () => {
    const desk = await makeDesk();
    const mcu = new SimulatorMcu({ recordingDir: tempDir() });
    let failLayout = true;
    const flaky = Object.assign(Object.create(mcu) as SimulatorMcu, {
      setLayout: async (id: string, layout: string) => {
        if (failLayout) {
          failLayout = false;
          throw new Error("MCU không phản hồi");
        }
        return mcu.setLayout(id, layout);
      },
    });
    const runner = new SessionRunner(desk, flaky);
    const { code } = await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    await expect(runner.tick(at("2026-12-10", "09:00"))).rejects.toThrow("MCU không phản hồi");
    await runner.tick(at("2026-12-10", "09:05"));
    expect(mcu.calls.filter((c) => c.startsWith("create"))).toEqual([`create ${code}`]);
    expect((await desk.store.read((r) => r.bookings.get(code!)))!.status).toBe("live");
  });
});

describe("a stored conference the MCU no longer knows", () => {
  it("is replaced by a new one at start", async () => {
    const desk = await makeDesk();
    const mcu = new SimulatorMcu({ recordingDir: tempDir() });
    const { code } = await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    await desk.store.tx((r) => r.meta.set(`mcu:conference:${code}`, "sim-cu-da-mat"));
    await new SessionRunner(desk, mcu).tick(at("2026-12-10", "09:00"));
    expect(mcu.calls[0]).toBe(`create ${code}`);
    expect(await desk.store.read((r) => r.meta.get(`mcu:conference:${code}`))).toBe("sim-1");
  });
});

describe("a desk killed between the MCU's create and the commit of its id (issue 12)", () => {
  it("records the intent first, and the next run adopts the conference by the booking code instead of creating again", async () => {
    const desk = await makeDesk();
    // One simulator for both runs: it stands for an MCU that outlives the desk.
    const mcu = new SimulatorMcu({ recordingDir: tempDir() });
    const { code } = await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    let intentSeen: string | null = null;
    const killed = Object.assign(Object.create(mcu) as SimulatorMcu, {
      createConference: async (opts: { code: string; name: string }) => {
        // The intent is committed before the MCU is asked: another connection sees it.
        intentSeen = await desk.store.read((r) => r.meta.get(`mcu:intent:${code}`));
        await mcu.createConference(opts);
        throw new Error("desk killed");
      },
    });
    await expect(new SessionRunner(desk, killed).tick(at("2026-12-10", "09:00"))).rejects.toThrow(
      "desk killed",
    );
    expect(JSON.parse(intentSeen!)).toMatchObject({ attempt: 1 });
    expect(await desk.store.read((r) => r.meta.get(`mcu:conference:${code}`))).toBeNull();
    await new SessionRunner(desk, mcu).tick(at("2026-12-10", "09:01"));
    expect(mcu.calls.filter((c) => c.startsWith("create"))).toEqual([`create ${code}`]);
    expect(await desk.store.read((r) => r.meta.get(`mcu:conference:${code}`))).toBe(mcu.conferenceIds()[0]);
    expect((await desk.store.read((r) => r.bookings.get(code!)))!.status).toBe("live");
  });
});
