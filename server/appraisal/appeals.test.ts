import { describe, expect, it } from "vitest";
import { expectDomainError } from "../test/errors";
import { ATTACHMENT_MAX_BYTES, checkAttachment } from "./appeals";

// An appeal's attachment: size and type, by name and by first bytes.
const pdf = (size: number) => {
  const b = new Uint8Array(size);
  b.set([0x25, 0x50, 0x44, 0x46, 0x2d]);
  return b;
};

describe("appeal attachments", () => {
  it("takes a PDF, JPEG, PNG or .docx up to the limit", () => {
    expect(checkAttachment({ name: "证明材料.pdf", bytes: pdf(ATTACHMENT_MAX_BYTES) })).toEqual({
      name: "证明材料.pdf",
      mime: "application/pdf",
    });
    expect(checkAttachment({ name: "photo.JPG", bytes: new Uint8Array([0xff, 0xd8, 0xff, 0xe0]) }).mime).toBe("image/jpeg");
    expect(checkAttachment({ name: "scan.png", bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d]) }).mime).toBe("image/png");
    expect(checkAttachment({ name: "letter.docx", bytes: new Uint8Array([0x50, 0x4b, 0x03, 0x04]) }).mime).toContain("wordprocessingml");
  });

  it("refuses a file over the limit, another type, or a name that lies about its bytes", async () => {
    await expectDomainError(() => checkAttachment({ name: "big.pdf", bytes: pdf(ATTACHMENT_MAX_BYTES + 1) }), {
      code: "appraisal.errors.attachmentTooLarge",
      // 413 since the one attachment check (server/kernel/attachments.ts): as the upload route's body limit answered already
      kind: "PAYLOAD_TOO_LARGE",
      params: { max: 2 },
    });
    await expectDomainError(() => checkAttachment({ name: "run.exe", bytes: new Uint8Array([0x4d, 0x5a]) }), {
      code: "appraisal.errors.attachmentType",
      params: { name: "run.exe" },
    });
    await expectDomainError(() => checkAttachment({ name: "fake.pdf", bytes: new Uint8Array([0x4d, 0x5a, 0x90, 0x00]) }), {
      code: "appraisal.errors.attachmentType",
    });
    await expectDomainError(() => checkAttachment({ name: "empty.png", bytes: new Uint8Array(0) }), {
      code: "appraisal.errors.attachmentType",
    });
  });
});
