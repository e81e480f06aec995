import { CmsMcu } from "./cms.js";
import { JanusMcu } from "./janus.js";
import type { McuAdapter } from "./port.js";
import { SimulatorMcu } from "./simulator.js";

export type McuKind = "simulator" | "janus" | "cms";

/** One factory per kind; each adapter parses its own settings. */
export const MCU_FACTORIES: Record<McuKind, (settings: unknown) => McuAdapter> = {
  simulator: (s) => new SimulatorMcu(s),
  janus: (s) => new JanusMcu(s),
  cms: (s) => new CmsMcu(s),
};

export interface CheckStep {
  step: string;
  ok: boolean;
  detail: string;
}

/**
 * The operator's smoke test: connect, create a short test conference, read its status, end it. Every step is
 * reported; the first failure stops the check.
 */
export async function mcuCheck(mcu: McuAdapter, onStep: (s: CheckStep) => void): Promise<boolean> {
  let conference: string | null = null;
  const step = async (name: string, fn: () => Promise<string>) => {
    try {
      const detail = await fn();
      onStep({ step: name, ok: true, detail });
      return true;
    } catch (err) {
      onStep({ step: name, ok: false, detail: (err as Error).message });
      return false;
    }
  };
  try {
    if (
      !(await step("Tạo phòng họp thử", async () => {
        conference = (await mcu.createConference({ code: "KIEM-TRA", name: "Kiểm tra kết nối MCU" })).id;
        return `mã phòng ${conference}`;
      }))
    )
      return false;
    if (
      !(await step(
        "Đọc trạng thái phòng",
        async () => `${(await mcu.status(conference!)).length} điểm cầu đang kết nối`,
      ))
    )
      return false;
    return await step("Kết thúc phòng họp thử", async () => {
      await mcu.endConference(conference!);
      return "đã kết thúc";
    });
  } finally {
    await mcu.close();
  }
}
