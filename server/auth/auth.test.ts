import { eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { loginThrottle, persons } from "@/db/schema";
import { FIXTURE_PASSWORD, freshSchool, type School } from "../test/fixtures";
import { hashPassword, verifyPassword } from "./password";
import { authenticate, loadSessionUser } from "./users";
import { clientIp } from "../http/guard";

let db: Db;
let s: School;
const cfg = { maxFailures: 5, lockMinutes: 15 };
const t0 = new Date("2026-11-22T08:00:00Z");
const later = (min: number) => new Date(t0.getTime() + min * 60000);

beforeAll(async () => {
  ({ db, s } = await freshSchool());
});
beforeEach(async () => {
  await db.delete(loginThrottle);
});

describe("passwords", () => {
  it("verifies the right password only", async () => {
    const h = await hashPassword("正确的密码 pass", { N: 1 << 10, r: 8, p: 1 });
    expect(h.startsWith("scrypt$1024$8$1$")).toBe(true);
    expect(await verifyPassword("正确的密码 pass", h)).toBe(true);
    expect(await verifyPassword("正确的密码 pasS", h)).toBe(false);
    expect(await verifyPassword("x", "not-a-hash")).toBe(false);
  });
});

describe("sign-in", () => {
  it("accepts the right number and password, trimming the number", async () => {
    const r = await authenticate(db, { number: " T001 ", password: FIXTURE_PASSWORD, ip: "10.0.0.1" }, t0, cfg);
    expect(r).toEqual({ ok: true, personId: s.people.teacherA.id });
  });

  it("gives the same answer for an unknown number and a wrong password", async () => {
    const a = await authenticate(db, { number: "T001", password: "wrong", ip: null }, t0, cfg);
    const b = await authenticate(db, { number: "NOBODY", password: "wrong", ip: null }, t0, cfg);
    expect(a).toEqual({ ok: false, reason: "invalid" });
    expect(b).toEqual(a);
  });

  it("locks an account after repeated failures, even for the right password, until the lock ends", async () => {
    for (let i = 0; i < 4; i++) {
      expect(await authenticate(db, { number: "2023001", password: "bad", ip: null }, later(i), cfg)).toEqual({
        ok: false,
        reason: "invalid",
      });
    }
    expect(await authenticate(db, { number: "2023001", password: "bad", ip: null }, later(4), cfg)).toEqual({
      ok: false,
      reason: "throttled",
      minutes: 15,
    });
    expect(await authenticate(db, { number: "2023001", password: FIXTURE_PASSWORD, ip: null }, later(5), cfg)).toMatchObject({
      ok: false,
      reason: "throttled",
    });
    // Other accounts are not affected.
    expect((await authenticate(db, { number: "2023002", password: FIXTURE_PASSWORD, ip: null }, later(5), cfg)).ok).toBe(true);
    expect(await authenticate(db, { number: "2023001", password: FIXTURE_PASSWORD, ip: null }, later(20), cfg)).toEqual({
      ok: true,
      personId: s.people.studentA.id,
    });
  });

  // Fifty sign-ins, each hashing a password at the production cost: about 20 s on a quiet
  // 2-core machine, beyond the default 30 s once the machine is loaded.
  const SLOW_HASHES = 120_000;
  it(
    "throttles an address trying many accounts",
    async () => {
      for (let i = 0; i < 50; i++) await authenticate(db, { number: `X${i}`, password: "bad", ip: "203.0.113.9" }, t0, cfg);
      expect(await authenticate(db, { number: "T001", password: FIXTURE_PASSWORD, ip: "203.0.113.9" }, later(1), cfg)).toMatchObject({
        ok: false,
        reason: "throttled",
      });
      expect((await authenticate(db, { number: "T001", password: FIXTURE_PASSWORD, ip: "203.0.113.10" }, later(1), cfg)).ok).toBe(true);
    },
    SLOW_HASHES,
  );

  it(
    "a locked-out address stays locked out when the client adds X-Forwarded-For",
    async () => {
      // Directly connected (no proxy: TRUSTED_PROXY_HOPS=0), as the attack found it.
      const direct = new Headers({ "x-tqe-peer-address": "203.0.113.50" });
      for (let i = 0; i < 50; i++) await authenticate(db, { number: `Y${i}`, password: "bad", ip: clientIp(direct) }, t0, cfg);
      for (const xff of ["198.51.100.1", "198.51.100.1, 203.0.113.50", "unknown"]) {
        const spoofed = new Headers({ "x-tqe-peer-address": "203.0.113.50", "x-forwarded-for": xff, "x-real-ip": "198.51.100.2" });
        expect(await authenticate(db, { number: "T001", password: FIXTURE_PASSWORD, ip: clientIp(spoofed) }, later(1), cfg)).toMatchObject({
          ok: false,
          reason: "throttled",
        });
      }
    },
    SLOW_HASHES,
  );

  it("refuses deactivated people and drops them from sessions", async () => {
    await db.update(persons).set({ active: false }).where(eq(persons.id, s.people.hr.id));
    expect(await authenticate(db, { number: "H001", password: FIXTURE_PASSWORD, ip: null }, t0, cfg)).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await loadSessionUser(db, s.people.hr.id)).toBeNull();
    await db.update(persons).set({ active: true }).where(eq(persons.id, s.people.hr.id));
    expect((await loadSessionUser(db, s.people.hr.id))?.roles).toEqual([{ role: "hr", unitId: null }]);
  });
});
