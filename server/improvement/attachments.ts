import { z } from "zod";
import { DomainError } from "../kernel/errors";

/**
 * Evidence attached to an answer or a verification: at most MAX_ATTACHMENTS per step, each at
 * most MAX_ATTACHMENT_BYTES, of the types the school's offices exchange (PDF, images, Word,
 * Excel, text). They arrive base64-encoded in the step's input (the tRPC body limit allows
 * MAX_ATTACHMENTS of the largest) and are stored with the step's event; nothing is stored
 * when any of them is refused.
 */
export const MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024;
export const MAX_ATTACHMENTS = 2;
export const ATTACHMENT_TYPES = [
  "application/pdf",
  "image/png",
  "image/jpeg",
  "text/plain",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
] as const;

export const attachmentInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    mime: z.string().max(200),
    /** The file's bytes, base64. */
    // Bounded loosely here so that an oversized file is refused by its size (decodeAttachments), by name.
    data: z
      .string()
      .max(4 * MAX_ATTACHMENT_BYTES)
      .regex(/^[A-Za-z0-9+/=\s]*$/),
  })
  .strict();

export type DecodedAttachment = { name: string; mime: string; size: number; content: Uint8Array };

const tooLarge = (name: string) =>
  new DomainError("PAYLOAD_TOO_LARGE", "improvement.errors.attachmentTooLarge", { name, maxMb: MAX_ATTACHMENT_BYTES / 1024 / 1024 });

/** Checks the type and size of each file; PAYLOAD_TOO_LARGE or BAD_REQUEST naming the first refused file. */
export function decodeAttachments(files: { name: string; mime: string; data: string }[]): DecodedAttachment[] {
  if (files.length > MAX_ATTACHMENTS)
    throw new DomainError("BAD_REQUEST", "improvement.errors.tooManyAttachments", { max: MAX_ATTACHMENTS });
  return files.map((f) => {
    if (!(ATTACHMENT_TYPES as readonly string[]).includes(f.mime)) {
      throw new DomainError("BAD_REQUEST", "improvement.errors.attachmentType", { name: f.name });
    }
    const content = Buffer.from(f.data, "base64");
    if (content.length > MAX_ATTACHMENT_BYTES) throw tooLarge(f.name);
    return { name: f.name, mime: f.mime, size: content.length, content: new Uint8Array(content) };
  });
}
