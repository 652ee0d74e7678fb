import { z } from "zod";
import { ATTACHMENT_MAX_BYTES, checkAttachment, type AttachmentPolicy, type CheckedAttachment } from "../kernel/attachments";
import { DomainError } from "../kernel/errors";

/**
 * Evidence attached to an answer or a verification: at most MAX_ATTACHMENTS per step, each
 * checked by the one attachment check (server/kernel/attachments.ts): at most
 * MAX_ATTACHMENT_BYTES (413), a PDF, PNG, JPEG, Word (.docx), Excel (.xlsx) or UTF-8 text (.txt)
 * file by its name's extension and its bytes alike (400); the type the browser declares is not
 * read. They arrive base64-encoded in the step's input (the tRPC body limit allows
 * MAX_ATTACHMENTS of the largest) and are stored with the step's event, under their safe name
 * and checked type; nothing is stored when any of them is refused.
 */
export const MAX_ATTACHMENT_BYTES = ATTACHMENT_MAX_BYTES;
export const MAX_ATTACHMENTS = 2;
const POLICY: AttachmentPolicy = {
  kinds: ["pdf", "png", "jpeg", "txt", "docx", "xlsx"],
  maxBytes: MAX_ATTACHMENT_BYTES,
  tooLarge: "improvement.errors.attachmentTooLarge",
  wrongType: "improvement.errors.attachmentType",
};

export const attachmentInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    /** The type the browser declares: accepted for older clients, never read (the bytes decide). */
    mime: z.string().max(200).optional(),
    /** The file's bytes, base64. */
    // Bounded loosely here so that an oversized file is refused by its size (decodeAttachments), by name.
    data: z
      .string()
      .max(4 * MAX_ATTACHMENT_BYTES)
      .regex(/^[A-Za-z0-9+/=\s]*$/),
  })
  .strict();

/** Decodes and checks each file; PAYLOAD_TOO_LARGE or BAD_REQUEST naming the first refused file. */
export function decodeAttachments(files: { name: string; data: string }[]): CheckedAttachment[] {
  if (files.length > MAX_ATTACHMENTS)
    throw new DomainError("BAD_REQUEST", "improvement.errors.tooManyAttachments", { max: MAX_ATTACHMENTS });
  return files.map((f) => checkAttachment({ name: f.name, bytes: new Uint8Array(Buffer.from(f.data, "base64")) }, POLICY));
}
