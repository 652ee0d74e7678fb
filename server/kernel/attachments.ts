import type { MessageKey } from "../i18n/messages";
import { badRequest, DomainError } from "./errors";

/**
 * The one check of an uploaded evidence file (a rectification order's answer or verification,
 * an appraisal appeal). A file is taken when:
 *
 *   - it is at most `maxBytes` (else PAYLOAD_TOO_LARGE: 413, the policy's `tooLarge` message
 *     with { name, max, maxMb }, both in MB);
 *   - its name's extension is one of the policy's kinds AND its bytes are of that kind: the
 *     magic bytes of PDF, PNG, JPEG and of the zip container of .docx/.xlsx, or, for .txt,
 *     UTF-8 without control characters (else BAD_REQUEST: 400, the policy's `wrongType`
 *     message with { name }). An empty file is of no kind. The type the browser declares is
 *     never read;
 *
 * and it is stored under a safe name (`safeFileName`) with the type its bytes were checked as.
 * A domain names the kinds it takes and its messages (which list them); the download of a
 * stored file sends the type sniffed again from its name and bytes (`storedAttachmentType`).
 */
export const ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024;

type Kind = { exts: readonly string[]; mime: string; is: (bytes: Uint8Array) => boolean };

const startsWith = (magic: readonly number[]) => (bytes: Uint8Array) =>
  bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
const ZIP = startsWith([0x50, 0x4b, 0x03, 0x04]);

/** Text: valid UTF-8 (a BOM allowed) without control characters other than tab, line feed, carriage return and form feed. */
function isText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
}

export const ATTACHMENT_KINDS = {
  pdf: { exts: [".pdf"], mime: "application/pdf", is: startsWith([0x25, 0x50, 0x44, 0x46]) },
  jpeg: { exts: [".jpg", ".jpeg"], mime: "image/jpeg", is: startsWith([0xff, 0xd8, 0xff]) },
  png: { exts: [".png"], mime: "image/png", is: startsWith([0x89, 0x50, 0x4e, 0x47]) },
  docx: { exts: [".docx"], mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", is: ZIP },
  xlsx: { exts: [".xlsx"], mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", is: ZIP },
  txt: { exts: [".txt"], mime: "text/plain; charset=utf-8", is: isText },
} as const satisfies Record<string, Kind>;
export type AttachmentKind = keyof typeof ATTACHMENT_KINDS;
const ALL_KINDS = Object.keys(ATTACHMENT_KINDS) as AttachmentKind[];

export type AttachmentPolicy = {
  kinds: readonly AttachmentKind[];
  /** Catalogue keys: `tooLarge` gets { name, max, maxMb }, `wrongType` { name }. */
  tooLarge: MessageKey;
  wrongType: MessageKey;
  maxBytes?: number;
};

export type CheckedAttachment = { name: string; mime: string; size: number; bytes: Uint8Array };

/**
 * A file name safe to store and to send back in a Content-Disposition: the last path segment
 * only, without control or bidirectional-override characters (which disguise an extension), with
 * the characters Windows forbids replaced by "_", runs of white space as one space, at most 200
 * characters keeping the end (the extension); "attachment" when nothing is left.
 */
export function safeFileName(raw: string): string {
  const base = raw.split(/[/\\]/).at(-1) ?? "";
  const clean = base
    .replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
    .replace(/[<>:"|?*]/g, "_")
    .replace(/\s+/g, " ")
    .trim();
  const name = Array.from(clean).slice(-200).join("").trim();
  return name === "" || /^\.+$/.test(name) ? "attachment" : name;
}

const extensionOf = (name: string) => /\.[^.]+$/.exec(name)?.[0].toLowerCase() ?? "";

function kindOf(name: string, bytes: Uint8Array, kinds: readonly AttachmentKind[]): AttachmentKind | undefined {
  const ext = extensionOf(name);
  return kinds.find((k) => (ATTACHMENT_KINDS[k].exts as readonly string[]).includes(ext) && ATTACHMENT_KINDS[k].is(bytes));
}

/** Checks one uploaded file against a domain's policy (above); returns what to store. */
export function checkAttachment(file: { name: string; bytes: Uint8Array }, policy: AttachmentPolicy): CheckedAttachment {
  const name = safeFileName(file.name);
  const maxBytes = policy.maxBytes ?? ATTACHMENT_MAX_BYTES;
  const maxMb = maxBytes / 1024 / 1024;
  if (file.bytes.byteLength > maxBytes) throw new DomainError("PAYLOAD_TOO_LARGE", policy.tooLarge, { name, max: maxMb, maxMb });
  const kind = kindOf(name, file.bytes, policy.kinds);
  if (!kind) throw badRequest(policy.wrongType, { name });
  return { name, mime: ATTACHMENT_KINDS[kind].mime, size: file.bytes.byteLength, bytes: file.bytes };
}

/**
 * The type a stored attachment is sent back as: the kind its name and bytes are (of every kind
 * this module knows), never a type stored from the browser; application/octet-stream when they
 * are of none (a file stored before the bytes were checked).
 */
export function storedAttachmentType(name: string, bytes: Uint8Array): string {
  const kind = kindOf(name, bytes, ALL_KINDS);
  return kind ? ATTACHMENT_KINDS[kind].mime : "application/octet-stream";
}
