import { assert, describe, expect, it } from "vitest";
import { authOptions, sessionAlive } from "./options";

describe("session lifetime", () => {
  const now = Date.parse("2026-11-22T12:00:00Z");
  it("ends a session past its absolute lifetime however active it was", () => {
    expect(sessionAlive({ pid: 1, loginAt: now - 11 * 3600_000 }, now, 12)).toBe(true);
    expect(sessionAlive({ pid: 1, loginAt: now - 12 * 3600_000 - 1 }, now, 12)).toBe(false);
  });
  it("refuses tokens without a person, without a sign-in time, or from the future", () => {
    expect(sessionAlive({ loginAt: now }, now, 12)).toBe(false);
    expect(sessionAlive({ pid: 1 }, now, 12)).toBe(false);
    expect(sessionAlive({ pid: 1, loginAt: now + 60_000 }, now, 12)).toBe(false);
  });
  it("keeps the cookie only for the idle timeout, and the jwt callback ends old sessions", async () => {
    const o = authOptions(() => new Date(now));
    expect(o.session?.maxAge).toBe(30 * 60);
    expect(o.jwt?.maxAge).toBe(30 * 60);
    const jwt = o.callbacks?.jwt;
    assert.exists(jwt);
    const fresh = await jwt({ token: { pid: 7, loginAt: now - 1000 } } as never);
    expect(fresh).toMatchObject({ pid: 7 });
    await expect(jwt({ token: { pid: 7, loginAt: now - 13 * 3600_000 } } as never)).rejects.toThrow("session expired");
  });
});
