import { currentUser } from "@/server/api/server";
import { hasRole } from "@/server/access/scope";
import { ATTACHMENT_MAX_BYTES, fileAppeal, fileInput } from "@/server/appraisal/appeals";
import { getDb } from "@/server/db";
import { parseInput } from "@/server/kernel/validate";
import { uploadRoute } from "@/server/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// POST /api/appraisal/appeals (multipart: schoolYear, subject, reason, optional file `attachment`):
// the teacher files a 复核 (or, after a rejected one, a 申诉) with evidence attached. The
// attachment's size and type are checked (server/appraisal/appeals.ts checkAttachment); the body
// is refused beyond the attachment's limit plus room for the form (413).
export const POST = uploadRoute({
  user: currentUser,
  may: (user) => hasRole(user, "teacher"),
  fileBytes: ATTACHMENT_MAX_BYTES,
  tooLarge: { code: "appraisal.errors.attachmentTooLarge", params: { max: ATTACHMENT_MAX_BYTES / 1024 / 1024 } },
  handle: async ({ user, form }) => {
    const field = (name: string) => {
      const v = form.get(name);
      return typeof v === "string" ? v : undefined;
    };
    const input = parseInput(fileInput, { schoolYear: field("schoolYear"), subject: field("subject"), reason: field("reason") });
    const file = form.get("attachment");
    const attachment =
      file && typeof file !== "string" && file.size > 0 ? { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } : undefined;
    const appeal = await fileAppeal(await getDb(), user, () => new Date(), input, attachment);
    return Response.json({ id: appeal.id, stage: appeal.stage, status: appeal.status, attachmentName: appeal.attachmentName });
  },
});
