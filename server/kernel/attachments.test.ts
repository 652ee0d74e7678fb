import { describe, expect, it } from "vitest";
import { expectDomainError } from "../test/errors";
import { ATTACHMENT_MAX_BYTES, checkAttachment, safeFileName, storedAttachmentType, type AttachmentPolicy } from "./attachments";

// The one check of an uploaded evidence file: size (413), extension and bytes (400), a safe name.
const policy: AttachmentPolicy = {
  kinds: ["pdf", "png", "jpeg", "docx", "xlsx", "txt"],
  tooLarge: "improvement.errors.attachmentTooLarge",
  wrongType: "improvement.errors.attachmentType",
};
const bytes = (...b: number[]) => Uint8Array.from(b);
const utf8 = (s: string) => new TextEncoder().encode(s);
const PDF = bytes(0x25, 0x50, 0x44, 0x46, 0x2d);

describe("checkAttachment", () => {
  it("takes each kind by its extension and bytes, and gives the type its bytes are", () => {
    const cases: [string, Uint8Array, string][] = [
      ["a.PDF", PDF, "application/pdf"],
      ["b.jpeg", bytes(0xff, 0xd8, 0xff, 0xe0), "image/jpeg"],
      ["c.png", bytes(0x89, 0x50, 0x4e, 0x47, 0x0d), "image/png"],
      ["d.docx", bytes(0x50, 0x4b, 0x03, 0x04), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
      ["e.xlsx", bytes(0x50, 0x4b, 0x03, 0x04), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
      ["f.txt", utf8("整改说明\r\n\t第二行"), "text/plain; charset=utf-8"],
    ];
    for (const [name, b, mime] of cases)
      expect(checkAttachment({ name, bytes: b }, policy)).toEqual({ name, mime, size: b.length, bytes: b });
  });

  it("refuses over the limit with 413 before looking at the type", async () => {
    const big = new Uint8Array(ATTACHMENT_MAX_BYTES + 1);
    big.set(PDF);
    expect(checkAttachment({ name: "max.pdf", bytes: big.subarray(0, ATTACHMENT_MAX_BYTES) }, policy).size).toBe(ATTACHMENT_MAX_BYTES);
    await expectDomainError(() => checkAttachment({ name: "big.exe", bytes: big }, policy), {
      kind: "PAYLOAD_TOO_LARGE",
      code: "improvement.errors.attachmentTooLarge",
      params: { name: "big.exe", max: 2, maxMb: 2 },
    });
    await expectDomainError(() => checkAttachment({ name: "small.pdf", bytes: PDF }, { ...policy, maxBytes: 4 }), {
      kind: "PAYLOAD_TOO_LARGE",
      code: "improvement.errors.attachmentTooLarge",
      params: { name: "small.pdf", max: 4 / 1024 / 1024 },
    });
  });

  it("refuses with 400 a kind the policy does not take, bytes that are not what the extension says, binary text and an empty file", async () => {
    const refused: [string, Uint8Array, AttachmentPolicy][] = [
      ["e.xlsx", bytes(0x50, 0x4b, 0x03, 0x04), { ...policy, kinds: ["pdf", "docx"] }],
      ["run.exe", bytes(0x4d, 0x5a), policy],
      ["fake.pdf", bytes(0x4d, 0x5a, 0x90, 0x00), policy],
      ["png-as.pdf", bytes(0x89, 0x50, 0x4e, 0x47), policy],
      ["noext", PDF, policy],
      ["bin.txt", bytes(0x48, 0x00, 0x49), policy],
      ["latin1.txt", bytes(0x63, 0x61, 0x66, 0xe9), policy],
      ["empty.txt", bytes(), policy],
      ["empty.png", bytes(), policy],
      ["short.pdf", bytes(0x25, 0x50), policy],
    ];
    for (const [name, b, p] of refused)
      await expectDomainError(() => checkAttachment({ name, bytes: b }, p), { kind: "BAD_REQUEST", code: p.wrongType, params: { name } });
  });

  it("stores a safe name: the last path segment, without control or direction characters, Windows-safe, at most 200 characters keeping the extension", () => {
    expect(safeFileName("证明材料.pdf")).toBe("证明材料.pdf");
    expect(safeFileName("C:\\Users\\老师\\扫描件.pdf")).toBe("扫描件.pdf");
    expect(safeFileName("../../etc/passwd.txt")).toBe("passwd.txt");
    expect(safeFileName("  a\u0000b\u0007c\n.pdf ")).toBe("abc.pdf");
    expect(safeFileName("invoice\u202Efdp.exe")).toBe("invoicefdp.exe");
    expect(safeFileName('a<b>:"c"|?*.png')).toBe("a_b___c____.png");
    expect(safeFileName("a   b\t c.pdf")).toBe("a b c.pdf");
    expect(safeFileName(`${"长".repeat(300)}.pdf`)).toBe(`${"长".repeat(196)}.pdf`);
    for (const empty of ["", "   ", "dir/", "..", "\u0000"]) expect(safeFileName(empty)).toBe("attachment");
    expect(checkAttachment({ name: "C:\\scans\\证明\u0007.pdf", bytes: PDF }, policy).name).toBe("证明.pdf");
  });

  it("the type a stored file is sent as comes from its name and bytes, octet-stream when they disagree", () => {
    expect(storedAttachmentType("a.pdf", PDF)).toBe("application/pdf");
    expect(storedAttachmentType("a.png", PDF)).toBe("application/octet-stream");
    expect(storedAttachmentType("page.html", utf8("<script>alert(1)</script>"))).toBe("application/octet-stream");
    expect(storedAttachmentType("a.txt", utf8("文本"))).toBe("text/plain; charset=utf-8");
  });
});
