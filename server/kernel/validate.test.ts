import { describe, expect, it } from "vitest";
import { z } from "zod";
import { expectDomainError, expectFailure } from "../test/errors";
import { errorParams, inputFields, InputError, inputOf, parseInput } from "./validate";

// The one way input is refused (server/kernel/validate.ts): a schema's own catalogue key, or
// errors.invalidInput with every issue in the caller's language; the same through a router's
// input as from the domain function.

const schema = z
  .object({
    name: z.string().trim().min(1, "campaigns.errors.nameRequired"),
    size: z.number().int().max(10),
  })
  .strict();

describe("parseInput", () => {
  it("returns the parsed input", () => {
    expect(parseInput(schema, { name: " 评教 ", size: 3 })).toEqual({ name: "评教", size: 3 });
  });

  it("refuses with the schema's own message when it is a catalogue key, naming the field", async () => {
    const e = await expectDomainError(() => parseInput(schema, { name: "  ", size: 3 }), {
      kind: "BAD_REQUEST",
      code: "campaigns.errors.nameRequired",
      params: { path: "name" },
    });
    expect(e.details).toEqual([{ path: "name", code: "campaigns.errors.nameRequired" }]);
  });

  it("refuses anything else as invalid input, its detail in the caller's language, with the fields for forms", async () => {
    const e = await expectDomainError(() => parseInput(schema, { name: "x", size: 11 }), {
      kind: "BAD_REQUEST",
      code: "errors.invalidInput",
    });
    expect(String(errorParams(e, "zh").detail)).toMatch(/^size: .*[\u4e00-\u9fff].*10/);
    expect(String(errorParams(e, "en").detail)).toMatch(/^size: Too big.*10/);
    expect(Object.keys(inputFields(e) ?? {})).toEqual(["size"]);
    await expectDomainError(() => parseInput(schema, { name: "x", size: 1, extra: true }), { code: "errors.invalidInput" });
  });

  it("a router's input parses and refuses exactly as the domain function does", async () => {
    const input = inputOf(schema);
    expect(input.parse({ name: "a", size: 1 })).toEqual({ name: "a", size: 1 });
    const e = await expectFailure(() => input.parse({ name: "", size: 1 }), InputError);
    expect(e.code).toBe("campaigns.errors.nameRequired");
  });
});
