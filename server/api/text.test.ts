import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { tinyInstrument } from "../campaigns/testing";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import { createCaller } from "./root";

// A NUL or a lone surrogate in any tRPC input (search boxes, names, instrument files) is
// refused with 400 and a message naming the field, before it reaches the database (which
// would fail with a 500).
let db: Db;
let s: School;
const as = async (p: { id: number }, locale: "zh" | "en" = "zh") => createCaller({ db, user: await sessionOf(db, p), locale });

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TRPCError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("expected the call to be refused");
}

beforeAll(async () => {
  ({ db, s } = await freshSchool());
});

describe("text that cannot be stored, in tRPC inputs", () => {
  it("a NUL in a search box is a 400 with the field named, in the user's language", async () => {
    const zh = await refusal((await as(s.people.quality)).people.list({ q: "王\u0000" }));
    expect(zh.code).toBe("BAD_REQUEST");
    expect(zh.message).toContain("无法保存的字符");
    expect(zh.message).toContain("q");
    const en = await refusal((await as(s.people.quality, "en")).org.sections({ q: "\u0000" }));
    expect(en).toMatchObject({ code: "BAD_REQUEST" });
    expect(en.message).toContain("cannot be stored");
  });

  it("a lone surrogate anywhere in an uploaded instrument is a 400 naming its path", async () => {
    const file = tinyInstrument("student_evaluation", "_x");
    file.survey.pages[0].elements[0].title = { default: "总体\ud800满意", en: "Satisfied" };
    const r = await refusal((await as(s.people.quality)).instruments.upload({ file }));
    expect(r.code).toBe("BAD_REQUEST");
    expect(r.message).toContain("file.survey.pages[0].elements[0].title.default");
    // The same file with the text mended goes through.
    file.survey.pages[0].elements[0].title = { default: "总体满意", en: "Satisfied" };
    expect((await (await as(s.people.quality)).instruments.upload({ file })).status).toBe("created");
  });
});
