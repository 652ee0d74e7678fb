import { describe, expect, it } from "vitest";
import { localName } from "./names";

describe("localName: a name in the reader's language", () => {
  it("English where there is an English name, in English only", () => {
    expect(localName("en", "软件需求工程", "Software Requirements Engineering")).toBe("Software Requirements Engineering");
    expect(localName("zh", "软件需求工程", "Software Requirements Engineering")).toBe("软件需求工程");
  });
  it("the Chinese name where there is no English one (none, empty or blank)", () => {
    for (const en of [null, undefined, "", "  "])
      expect(localName("en", "毛泽东思想和中国特色社会主义理论体系概论", en)).toBe("毛泽东思想和中国特色社会主义理论体系概论");
    expect(localName("en", null, null)).toBe("");
  });
});
