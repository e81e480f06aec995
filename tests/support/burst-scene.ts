import { registerBooking } from "../../src/app/booking/index.js";
import { handleChatEvent } from "../../src/app/chat/conversation.js";
import type { Desk } from "../../src/app/context.js";
import { SessionRunner } from "../../src/app/session-runner.js";
import type { Person } from "../../src/core/directory/types.js";
import { SimulatorMcu } from "../../src/mcu/simulator.js";
import { at, makeDesk, request, tempDir } from "../helpers.js";
import type { VirtualClock } from "./burst.js";

/**
 * The scene of a burst during a live session: Thursday 10/12/2026, `wan` on WAN duty all day with a private chat
 * opened (/start), the sample booking (CX-00008, CX-00025) live on a simulator MCU at 09:00, the clock at 09:00.
 */
export async function liveSessionScene(wan: Person): Promise<{
  desk: Desk;
  mcu: SimulatorMcu;
  runner: SessionRunner;
  clock: VirtualClock;
}> {
  const desk = await makeDesk();
  await desk.store.tx((r) =>
    r.duty.replaceShifts([{ role: "wan", weekday: 4, fromMinute: 0, toMinute: 1440, person: wan.name }]),
  );
  await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
  const mcu = new SimulatorMcu({ recordingDir: tempDir() });
  const runner = new SessionRunner(desk, mcu);
  const clock: VirtualClock = { now: at("2026-12-10", "09:00").getTime() };
  await runner.tick(new Date(clock.now)); // the session goes live on the MCU
  await handleChatEvent(
    desk,
    {
      platform: "telegram",
      chatId: wan.telegramId!,
      chatType: "private",
      userId: wan.telegramId!,
      userName: wan.name,
      text: "/start",
      button: null,
      updateId: "start-1",
    },
    new Date(clock.now),
  );
  return { desk, mcu, runner, clock };
}
