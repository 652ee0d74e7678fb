import { IDBFactory } from "fake-indexeddb";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { TokenRecord } from "./tokenStore";

// The browser token store against an in-memory IndexedDB (fake-indexeddb), and without one
// (the memory fallback). Each "page load" is a fresh instance of the module (it caches the
// opened database and holds the memory fallback), so what survives a reload is what IndexedDB kept.

const record = (targetId: number, state: TokenRecord["state"] = "ready"): TokenRecord => ({
  targetId,
  campaignId: 7,
  token: `dG9rZW4${targetId}`,
  signature: `c2ln${targetId}`,
  state,
});

let loads = 0;
/** A fresh instance of the module, as a new page gets (a distinct URL is a distinct module). */
async function pageLoad(): Promise<typeof import("./tokenStore")> {
  loads += 1;
  return import(/* @vite-ignore */ `./tokenStore.ts?load=${loads}`) as Promise<typeof import("./tokenStore")>;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("token store with IndexedDB", () => {
  it("keeps the tokens across page loads, per target, with their state", async () => {
    vi.stubGlobal("indexedDB", new IDBFactory());
    const page = await pageLoad();
    expect(await page.persistent()).toBe(true);
    await page.putTokens([record(1), record(2)]);
    expect([...(await page.getTokens([1, 2, 3])).keys()]).toEqual([1, 2]);
    await page.setTokenState(2, "submitted");
    await page.setTokenState(99, "declined"); // no token for 99: nothing happens

    const reloaded = await pageLoad();
    expect(await reloaded.persistent()).toBe(true);
    const got = await reloaded.getTokens([1, 2, 99]);
    expect(got.get(1)).toEqual(record(1));
    expect(got.get(2)).toEqual(record(2, "submitted"));
    expect(got.has(99)).toBe(false);
    expect((await reloaded.allTokens()).map((r) => [r.targetId, r.state])).toEqual([
      [1, "ready"],
      [2, "submitted"],
    ]);
  });

  it("a put replaces the record of its target (tokens received from another device)", async () => {
    vi.stubGlobal("indexedDB", new IDBFactory());
    const page = await pageLoad();
    await page.putTokens([record(5)]);
    await page.putTokens([{ ...record(5), token: "bmV3", state: "declined" }]);
    expect(await page.allTokens()).toEqual([{ ...record(5), token: "bmV3", state: "declined" }]);
  });
});

describe("token store without IndexedDB (private windows)", () => {
  it("works in memory for the page's life and says it is not persistent; a reload loses the tokens", async () => {
    vi.stubGlobal("indexedDB", undefined);
    const page = await pageLoad();
    expect(await page.persistent()).toBe(false);
    await page.putTokens([record(1), record(2)]);
    await page.setTokenState(1, "submitted");
    expect((await page.getTokens([1, 2])).get(1)?.state).toBe("submitted");
    expect((await page.allTokens()).map((r) => r.targetId)).toEqual([1, 2]);

    const reloaded = await pageLoad();
    expect(await reloaded.allTokens()).toEqual([]);
  });

  it("falls back to memory when opening IndexedDB fails", async () => {
    vi.stubGlobal("indexedDB", {
      open: () => {
        throw new Error("SecurityError");
      },
    });
    const page = await pageLoad();
    expect(await page.persistent()).toBe(false);
    await page.putTokens([record(3)]);
    expect((await page.getTokens([3])).get(3)).toEqual(record(3));
  });
});
