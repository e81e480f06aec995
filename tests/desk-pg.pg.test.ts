import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/app/config.js";
import { DeskService } from "../src/app/service.js";
import { cliHere } from "./support/cli-here.js";
import { freshDatabase, testServer } from "./support/postgres.js";

/** Desks on PostgreSQL in one process: the start-up and the leader hand-over, without a mailbox or a chat. */
describe("desks on one PostgreSQL", () => {
  let server: { url: string; release(): Promise<void> };
  beforeAll(async () => {
    server = await testServer();
  }, 60_000);
  afterAll(async () => {
    await server?.release();
  });

  it("two desks starting together on an empty database import the directory once; one leads, the other takes over when it stops", async () => {
    const { url } = await freshDatabase(server.url);
    const events: string[][] = [[], []];
    const config = loadConfig({ DESK_DB: url, DESK_WEB_PORT: "0", DESK_LEADER_LEASE_SECONDS: "3" });
    const desks = await Promise.all(
      [0, 1].map((i) => DeskService.open(config, (event) => void events[i]!.push(event))),
    );
    await Promise.all(desks.map((d) => d.start()));
    try {
      expect(events.flat().filter((e) => e === "directory-imported")).toHaveLength(1);
      expect(desks.filter((d) => d.isLeader)).toHaveLength(1);
      const leader = desks.find((d) => d.isLeader)!;
      const other = desks.find((d) => d !== leader)!;
      await leader.stop();
      // The stopped leader released its row: the other desk takes it at its next round (a third of the lease).
      const until = Date.now() + 10_000;
      while (!other.isLeader && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(other.isLeader).toBe(true);
      expect(events[desks.indexOf(other)]).toContain("leader-elected");
    } finally {
      await Promise.all(desks.map((d) => d.stop()));
    }
  }, 60_000);

  it("a CLI command says in Vietnamese that PostgreSQL cannot be reached, and never prints the password", async () => {
    const { out, error } = await cliHere(["booking", "list"], {
      DESK_DB: "postgres://desk:mat-khau-bi-mat@127.0.0.1:1/desk",
    });
    expect(error?.name).toBe("CliError");
    expect(error?.message).toContain("Không kết nối được cơ sở dữ liệu postgres://desk:***@127.0.0.1:1/desk");
    expect(`${out}${error?.message}`).not.toContain("mat-khau-bi-mat");
  });
});
