import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openTestStore, tempDir } from "./helpers.js";

// SQLite only: on PostgreSQL `Store.batch` hands the store itself to its function (each transaction commits alone).

async function metaOf(store: Awaited<ReturnType<typeof openTestStore>>, key: string) {
  return store.read((r) => r.meta.get(key));
}

describe("Store.batch (a mail batch in one SQLite transaction)", () => {
  it("commits every transaction of the batch at once, and keeps the others' work out until then", async () => {
    const store = await openTestStore(join(tempDir(), "desk.db"), "sqlite");
    const order: string[] = [];
    let outside: Promise<void> | null = null;
    await store.batch(async (view) => {
      await view.tx((r) => r.meta.set("a", "1"));
      // Work given the store itself (the outbox worker, chat) waits for the batch's commit.
      outside = store.tx(async (r) => {
        order.push(`outside sees a=${await r.meta.get("a")} b=${await r.meta.get("b")}`);
      });
      // Turns of the event loop: the outside transaction would run now if it did not wait for the commit.
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      order.push("batch goes on");
      await view.tx((r) => r.meta.set("b", "2"));
      expect(await view.read((r) => r.meta.get("b"))).toBe("2");
    });
    await outside;
    expect(order).toEqual(["batch goes on", "outside sees a=1 b=2"]);
    expect(store.sqlite.inTransaction).toBe(false);
  });

  it("rolls back only the transaction that threw, commits the ones before it, and rethrows", async () => {
    const store = await openTestStore(join(tempDir(), "desk.db"), "sqlite");
    const failure = store.batch(async (view) => {
      await view.tx((r) => r.meta.set("first", "kept"));
      await view
        .tx(async (r) => {
          await r.meta.set("second", "lost");
          throw new Error("mail 2 broke");
        })
        .catch(() => undefined);
      await view.tx((r) => r.meta.set("third", "kept"));
      await view.tx(async (r) => {
        await r.meta.set("fourth", "lost");
        throw new Error("mail 4 broke");
      });
      await view.tx((r) => r.meta.set("fifth", "never run"));
    });
    await expect(failure).rejects.toThrow("mail 4 broke");
    expect(await metaOf(store, "first")).toBe("kept");
    expect(await metaOf(store, "second")).toBeNull();
    expect(await metaOf(store, "third")).toBe("kept");
    expect(await metaOf(store, "fourth")).toBeNull();
    expect(await metaOf(store, "fifth")).toBeNull();
    // The store is usable afterwards, outside any transaction.
    expect(store.sqlite.inTransaction).toBe(false);
    await store.tx((r) => r.meta.set("after", "ok"));
    expect(await metaOf(store, "after")).toBe("ok");
  });

  it("refuses its view after the batch ended and a transaction nested in another", async () => {
    const store = await openTestStore(join(tempDir(), "desk.db"), "sqlite");
    let kept: Awaited<ReturnType<typeof openTestStore>> | null = null;
    await store.batch(async (view) => {
      kept = view;
      await expect(view.tx(async () => view.tx(async () => 1))).rejects.toThrow("do not nest");
    });
    await expect(kept!.tx((r) => r.meta.set("late", "x"))).rejects.toThrow("after the batch ended");
    expect(await metaOf(store, "late")).toBeNull();
  });
});
